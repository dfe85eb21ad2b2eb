"""Shared building blocks of the service tests: a manual clock, an Infrastructure on a real
SQLite store under tmp_path, and small entity builders. Nothing is mocked.

Each test module defines its own ``infra`` fixture from :func:`open_infrastructure`, so
that this helper stays a plain module (the HTTP tests own ``conftest.py`` here).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from occi_operator.endpoint.catalog import default_catalog
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.settings import EndpointSettings, FaultSettings
from occi_operator.endpoint.store import Store
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Link, Resource

OS_SCHEME = "http://occi-operator.dev/occi/os_tpl#"
RES_SCHEME = "http://occi-operator.dev/occi/resource_tpl#"
DEBIAN, UBUNTU = OS_SCHEME + "debian-12", OS_SCHEME + "ubuntu-24.04"
SMALL, MEDIUM, LARGE = RES_SCHEME + "small", RES_SCHEME + "medium", RES_SCHEME + "large"
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@contextmanager
def open_infrastructure(
    tmp_path: Path,
    *,
    clock: Clock | None = None,
    delay: float = 0.0,
    faults: FaultSettings | None = None,
    seed: int = 7,
    **settings: Any,
) -> Iterator[Infrastructure]:
    """An Infrastructure on a fresh store, with the default catalog."""
    clock = clock or Clock()
    endpoint_settings = EndpointSettings(
        data_dir=tmp_path, provisioning_delay_seconds=delay,
        faults=faults or FaultSettings(), **settings,
    )
    with Store.open(tmp_path / "endpoint.sqlite3", clock=clock) as store:
        yield Infrastructure(store, catalog=default_catalog(), settings=endpoint_settings,
                             clock=clock, rng=random.Random(seed))


def compute(*mixins: str, **fields: Any) -> Resource:
    """A compute request with these mixins; ``title`` and ``links`` or attributes."""
    title, links = fields.pop("title", None), fields.pop("links", ())
    return Resource(kind=v.COMPUTE_KIND, mixins=mixins, title=title, links=links,
                    attributes=fields)


def network(*cidr: str, **fields: Any) -> Resource:
    """A network request (``title`` or attributes); with a CIDR an ipnetwork."""
    title = fields.pop("title", None)
    if not cidr:
        return Resource(kind=v.NETWORK_KIND, title=title, attributes=fields)
    return Resource(kind=v.NETWORK_KIND, mixins=(v.IPNETWORK_MIXIN,), title=title,
                    attributes={v.NETWORK_ADDRESS: cidr[0], **fields})


def storage(size: float = 10.0, **attributes: Any) -> Resource:
    """A storage request of ``size`` GiB."""
    return Resource(kind=v.STORAGE_KIND, attributes={v.STORAGE_SIZE: size, **attributes})


def nic(target: str, source: str | None = None, *mixins: str, **attributes: Any) -> Link:
    """A networkinterface request."""
    return Link(kind=v.NETWORKINTERFACE_KIND, source=source, target=target, mixins=mixins,
                attributes=attributes)


def disk(target: str, source: str | None = None, **attributes: Any) -> Link:
    """A storagelink request."""
    return Link(kind=v.STORAGELINK_KIND, source=source, target=target, attributes=attributes)


def act(action: str, **attributes: Any) -> ActionInvocation:
    """An action invocation."""
    return ActionInvocation(action=action, attributes=attributes)


def state_of(infra: Infrastructure, location: str) -> object:
    """The state attribute of the entity at ``location``."""
    entity = infra.get(location).entity
    term = entity.kind.rpartition("#")[2]
    return entity.attributes.get(f"occi.{term}.state")
