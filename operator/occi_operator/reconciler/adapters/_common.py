"""Small pieces the adapters share: reading states, template terms, text values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.client import TemplateFamily
from occi_operator.occi.entities import Link, Resource

__all__ = ["attribute", "state_of", "template_term", "text"]

_FAMILY_SCHEMES = {
    TemplateFamily.OS: ("/os_tpl#", "/template/os#"),
    TemplateFamily.RESOURCE: ("/resource_tpl#", "/template/resource#"),
    TemplateFamily.APPLICATION: ("/app_tpl#",),
    TemplateFamily.PLATFORM_RESOURCE: ("/res_tpl#",),
}


def attribute(remote: Resource | Link, name: str) -> AttributeValue | None:
    """An attribute of ``remote``, None when absent."""
    return remote.attributes.get(name)


def text(value: Any) -> str | None:
    """``value`` as text, None when absent."""
    return None if value is None else str(value)


def state_of(remote: Resource | Link, name: str) -> tuple[str | None, str | None]:
    """The state attribute ``name`` and its ``.message``, as text."""
    return text(attribute(remote, name)), text(attribute(remote, name + ".message"))


def template_term(mixins: Iterable[str], family: TemplateFamily) -> str | None:
    """The term of the first template of ``family`` among ``mixins``."""
    for mixin in mixins:
        scheme, _, term = mixin.rpartition("#")
        if any((scheme + "#").endswith(suffix) for suffix in _FAMILY_SCHEMES[family]):
            return term
    return None
