"""Whatever a client sends, the domain answers with an HTTP error of the endpoint or does
the work: never another exception (which would become a 500). Random requests built from
the endpoint's own vocabulary, so that many of them get deep into the rules."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_support import compute, network, open_infrastructure

from occi_operator.endpoint.errors import EndpointError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Filter, Link, Resource
from occi_operator.occi.registry import standard_registry

_REGISTRY = standard_registry()
_KINDS = [k.type_id for k in _REGISTRY.kinds]
_MIXINS = [m.type_id for m in _REGISTRY.mixins] + [
    "http://occi-operator.dev/occi/resource_tpl#small", "http://example.org/x#unknown"]
_ACTIONS = [a.type_id for a in _REGISTRY.actions] + ["http://example.org/x#unknown"]
_NAMES = sorted({d.name for c in _REGISTRY for d in c.attributes} | {"x.custom", "method"})
_COLLECTIONS = [str(k.location) for k in _REGISTRY.kinds] + ["/ipnetwork/", "/nope/", "/"]

values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
    st.sampled_from(["10.0.0.0/24", "10.0.0.7", "eth0", "/dev/vdb", "active", "x64", "dynamic",
                     "static", "52:54:00:00:00:01"]),
    st.lists(st.integers(), max_size=2),
).filter(lambda value: value is not None)
attributes = st.dictionaries(st.sampled_from(_NAMES), values, max_size=4)
locations = st.sampled_from(["/compute/", "/network/", "VM", "NET", "/network/missing",
                             "http://remote.example/storage/1", "", "urn:uuid:1"])


@st.composite
def entities(draw: st.DrawFn) -> Resource | Link:
    kind = draw(st.sampled_from(_KINDS))
    common: dict[str, Any] = {
        "kind": kind, "mixins": tuple(draw(st.lists(st.sampled_from(_MIXINS), max_size=3))),
        "attributes": draw(attributes),
        "id": draw(st.one_of(st.none(), st.text(max_size=8), st.uuids().map(str))),
        "title": draw(st.one_of(st.none(), st.text(max_size=8))),
    }
    if draw(st.booleans()):
        return Link(**common, source=draw(st.one_of(st.none(), locations)),
                    target=draw(locations))
    return Resource(**common)


def _resolve(entity: Resource | Link, names: dict[str, str]) -> Resource | Link:
    if isinstance(entity, Link):
        return entity.model_copy(update={
            "source": names.get(entity.source or "", entity.source),
            "target": names.get(entity.target, entity.target)})
    return entity


def _world(infra: Infrastructure) -> dict[str, str]:
    vm = infra.create("/compute/", compute()).location
    net = infra.create("/network/", network("10.0.0.0/28")).location
    return {"VM": vm, "NET": net}


_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("verb", ["create", "put", "update"])
@_SETTINGS
@given(entity=entities(), collection=st.sampled_from(_COLLECTIONS))
def test_entity_writes_fail_only_with_endpoint_errors(
    verb: str, entity: Resource | Link, collection: str
) -> None:
    with tempfile.TemporaryDirectory() as directory, open_infrastructure(
        Path(directory)
    ) as infra:
        names = _world(infra)
        request = _resolve(entity, names)
        target = names["NET" if entity.kind == v.NETWORK_KIND else "VM"]
        with contextlib.suppress(EndpointError):
            if verb == "create":
                infra.create(collection, request)
            elif verb == "put":
                infra.put(target if collection.startswith("/n") else collection + "fz", request)
            else:
                infra.update(target, request)


@_SETTINGS
@given(action=st.sampled_from(_ACTIONS), parameters=attributes,
       where=st.builds(Filter, categories=st.lists(st.sampled_from(_KINDS + _MIXINS),
                                                   max_size=2).map(tuple),
                       attributes=attributes),
       page=st.integers(min_value=-2, max_value=2**65),
       number=st.one_of(st.none(), st.integers(min_value=-2, max_value=2000)))
def test_actions_and_listings_fail_only_with_endpoint_errors(
    action: str, parameters: dict[str, Any], where: Filter, page: int, number: int | None
) -> None:
    with tempfile.TemporaryDirectory() as directory, open_infrastructure(
        Path(directory)
    ) as infra:
        names = _world(infra)
        for call in (
            lambda: infra.trigger(names["VM"], ActionInvocation(action=action,
                                                                attributes=parameters)),
            lambda: infra.trigger_collection("/resource/", ActionInvocation(action=action)),
            lambda: infra.list("/entity/", where=where, page=page, number=number),
            lambda: infra.query_interface(where),
        ):
            with contextlib.suppress(EndpointError):
                call()
