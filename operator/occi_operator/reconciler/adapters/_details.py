"""Connection details the infrastructure adapters share: what a workload needs to reach a resource.

Values are text; an absent one is left out (a key that is missing says more than an empty
one). A Compute's addresses are read from its network interface links as the endpoint
renders them (``occi.networkinterface.address`` of the ``ipnetworkinterface`` mixin), in
the order of the links, so that ``address`` stays the first interface's.
"""

from __future__ import annotations

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import Link, Resource

__all__ = ["compute_details", "link_addresses", "present"]


def present(**values: AttributeValue | None) -> dict[str, str]:
    """The values that are set, as text (booleans as ``true``/``false``)."""
    details: dict[str, str] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        details[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return details


def link_addresses(remote: Resource | Link) -> list[str]:
    """The IP addresses of a resource's network interfaces, in link order, no repeats."""
    if not isinstance(remote, Resource):
        return []
    found = (
        link.attributes.get(v.NETWORKINTERFACE_ADDRESS)
        for link in remote.links
        if link.kind == v.NETWORKINTERFACE_KIND
    )
    return list(dict.fromkeys(str(a) for a in found if a not in (None, "")))


def compute_details(remote: Resource | Link) -> dict[str, str]:
    """A machine's ``hostname``, first ``address`` and all ``addresses`` (comma-separated)."""
    addresses = link_addresses(remote)
    return present(
        hostname=remote.attributes.get(v.COMPUTE_HOSTNAME),
        address=addresses[0] if addresses else None,
        addresses=",".join(addresses),
    )
