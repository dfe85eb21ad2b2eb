"""What an endpoint offers, read from its query interface (``GET /-/``).

The answer is cached for a TTL. From it the client resolves OS and resource templates
by term or title — template schemes differ per site (ooi:
``http://schemas.openstack.org/template/os#<image>``, rOCCI:
``…/occi/infrastructure/os_tpl#<id>``), so templates are always looked up here, never
built from a name — and finds which contextualization family the endpoint offers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Mixin, QueryInterface
from occi_operator.occi.errors import TemplateNotFoundError

from .clock import Clock

__all__ = [
    "OS_TPL",
    "RESOURCE_TPL",
    "ContextFamily",
    "Contextualization",
    "DiscoveryCache",
    "TemplateFamily",
    "detect_contextualization",
    "resolve_template",
    "templates",
]

OS_TPL = v.OS_TPL_MIXIN
RESOURCE_TPL = v.RESOURCE_TPL_MIXIN


class TemplateFamily(enum.StrEnum):
    """The template families: two of OCCI Infrastructure, two of OCCI Platform."""

    OS = "os_tpl"
    RESOURCE = "resource_tpl"
    APPLICATION = "app_tpl"
    PLATFORM_RESOURCE = "res_tpl"

    @property
    def parent(self) -> str:
        """The type identifier every template of the family depends on."""
        return _PARENTS[self]


_PARENTS = {
    TemplateFamily.OS: OS_TPL,
    TemplateFamily.RESOURCE: RESOURCE_TPL,
    TemplateFamily.APPLICATION: v.APP_TPL_MIXIN,
    TemplateFamily.PLATFORM_RESOURCE: v.RES_TPL_MIXIN,
}


# ooi's text rendering does not always carry ``rel``, so its schemes identify it too.
_OOI_SCHEMES = {
    TemplateFamily.OS: v.OPENSTACK_BASE + "template/os#",
    TemplateFamily.RESOURCE: v.OPENSTACK_BASE + "template/resource#",
}


def templates(query: QueryInterface, family: TemplateFamily) -> list[Mixin]:
    """The provider mixins of a template family offered by the endpoint."""
    found = []
    for mixin in query.mixins:
        if mixin.type_id == family.parent:
            continue
        if (
            family.parent in mixin.depends
            or mixin.scheme == _OOI_SCHEMES.get(family)
            or mixin.scheme.endswith(f"/{family.value}#")
        ):
            found.append(mixin)
    return found


def _describe(mixin: Mixin) -> str:
    return f"{mixin.term} ({mixin.title})" if mixin.title else mixin.term


def resolve_template(query: QueryInterface, family: TemplateFamily, name: str) -> Mixin:
    """The template named ``name``: a type identifier, a term, or a title.

    Exact term matches win over exact title matches, which win over matches ignoring
    case. Several matches at the best level are as bad as none: both raise
    :class:`~..errors.TemplateNotFoundError`, listing what the endpoint offers (or the
    ambiguous candidates).
    """
    candidates = templates(query, family)
    folded = name.casefold()
    tiers = (
        [m for m in candidates if m.type_id == name],
        [m for m in candidates if m.term == name],
        [m for m in candidates if m.title == name],
        [
            m
            for m in candidates
            if m.term.casefold() == folded or (m.title or "").casefold() == folded
        ],
    )
    for tier in tiers:
        if len(tier) == 1:
            return tier[0]
        if len(tier) > 1:
            raise TemplateNotFoundError(
                family.value, name, [m.type_id for m in tier], ambiguous=True
            )
    raise TemplateNotFoundError(family.value, name, [_describe(m) for m in candidates])


class ContextFamily(enum.StrEnum):
    """The two contextualization mixin families seen in the field."""

    OCCI = "occi"  # OCCI 1.2: compute#user_data and credentials#ssh_key
    OPENSTACK = "openstack"  # legacy ooi/EGI: instance#user_data and credentials#public_key


@dataclass(frozen=True)
class Contextualization:
    """The mixins and attributes to send cloud-init data and an SSH key with."""

    family: ContextFamily
    user_data: str | None
    user_data_attribute: str
    ssh_key: str | None
    ssh_key_attribute: str
    ssh_key_name_attribute: str | None = None


_FAMILIES = (
    Contextualization(
        family=ContextFamily.OCCI,
        user_data=v.USER_DATA_MIXIN,
        user_data_attribute=v.COMPUTE_USERDATA,
        ssh_key=v.SSH_KEY_MIXIN,
        ssh_key_attribute=v.CREDENTIALS_SSH_PUBLICKEY,
    ),
    Contextualization(
        family=ContextFamily.OPENSTACK,
        user_data=v.OPENSTACK_USER_DATA_MIXIN,
        user_data_attribute=v.OPENSTACK_USER_DATA,
        ssh_key=v.OPENSTACK_PUBLIC_KEY_MIXIN,
        ssh_key_attribute=v.OPENSTACK_PUBLICKEY_DATA,
        ssh_key_name_attribute=v.OPENSTACK_PUBLICKEY_NAME,
    ),
)


def detect_contextualization(query: QueryInterface) -> Contextualization | None:
    """The family the endpoint offers, OCCI 1.2 first; None when it offers neither.

    Only one family is ever used for a request: ooi answers 409 to both at once. A
    mixin the endpoint lacks is None in the answer.
    """
    offered = {mixin.type_id for mixin in query.mixins}
    for family in _FAMILIES:
        user_data = family.user_data if family.user_data in offered else None
        ssh_key = family.ssh_key if family.ssh_key in offered else None
        if user_data or ssh_key:
            return Contextualization(
                family=family.family,
                user_data=user_data,
                user_data_attribute=family.user_data_attribute,
                ssh_key=ssh_key,
                ssh_key_attribute=family.ssh_key_attribute,
                ssh_key_name_attribute=family.ssh_key_name_attribute,
            )
    return None


class DiscoveryCache:
    """The last answer of ``/-/`` and when it was fetched; stale after ``ttl`` seconds."""

    def __init__(self, ttl: float, *, clock: Clock) -> None:
        self.ttl = ttl
        self._clock = clock
        self._query: QueryInterface | None = None
        self._fetched_at = 0.0

    def get(self) -> QueryInterface | None:
        """The cached answer while it is fresh, else None."""
        if self._query is None or self._clock.monotonic() - self._fetched_at >= self.ttl:
            return None
        return self._query

    def put(self, query: QueryInterface) -> None:
        """Remember a fresh answer."""
        self._query = query
        self._fetched_at = self._clock.monotonic()

    def invalidate(self) -> None:
        """Forget the answer (after a user mixin changed, or on request)."""
        self._query = None
