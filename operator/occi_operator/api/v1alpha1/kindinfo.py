"""What Kubernetes needs to know about a kind besides its schema: names, scope, columns.

Each kind module declares one :class:`KindInfo` as ``KIND_INFO``; :mod:`.kinds` gathers
them. The CRD generator and the reconciler read this table; nothing here imports pydantic
models of other kinds, so the table has no cycles.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from pydantic import BaseModel

__all__ = ["KindInfo", "PrinterColumn", "Scope", "standard_columns"]


class Scope(enum.StrEnum):
    """Whether objects of a kind live in a namespace or in the whole cluster."""

    NAMESPACED = "Namespaced"
    CLUSTER = "Cluster"


@dataclass(frozen=True)
class PrinterColumn:
    """An additionalPrinterColumns entry: what ``kubectl get`` shows."""

    name: str
    json_path: str
    type: str = "string"
    description: str = ""
    priority: int = 0

    def to_crd(self) -> dict[str, object]:
        """The column as it appears in a CRD version."""
        column: dict[str, object] = {"name": self.name, "type": self.type}
        if self.description:
            column["description"] = self.description
        column["jsonPath"] = self.json_path
        if self.priority:
            column["priority"] = self.priority
        return column


@dataclass(frozen=True)
class KindInfo:
    """One kind of the API: its names, scope, printer columns and top-level model."""

    kind: str
    plural: str
    singular: str
    short_names: tuple[str, ...]
    scope: Scope
    model: type[BaseModel]
    columns: tuple[PrinterColumn, ...]
    #: The OCCI kind type identifier the objects become; None for endpoint objects.
    occi_kind: str | None = None
    description: str = ""

    @property
    def list_kind(self) -> str:
        """The kind of a list of these objects."""
        return f"{self.kind}List"


READY = PrinterColumn(
    "Ready",
    '.status.conditions[?(@.type=="Ready")].status',
    description="Whether the object is ready.",
)
REASON = PrinterColumn(
    "Reason",
    '.status.conditions[?(@.type=="Ready")].reason',
    description="Why the object is (not) ready.",
    priority=1,
)
AGE = PrinterColumn("Age", ".metadata.creationTimestamp", type="date")


def standard_columns(
    *extra_wide: PrinterColumn, state: bool = True, location: bool = True
) -> tuple[PrinterColumn, ...]:
    """State, Ready, Location, Age, then the ``-o wide`` extras and the Ready reason."""
    columns: list[PrinterColumn] = []
    if state:
        columns.append(
            PrinterColumn("State", ".status.state", description="The OCCI state.")
        )
    columns.append(READY)
    if location:
        columns.append(
            PrinterColumn(
                "Location", ".status.location", description="Location of the OCCI resource."
            )
        )
    columns.append(AGE)
    columns.extend(replace(column, priority=1) for column in extra_wide)
    columns.append(REASON)
    return tuple(columns)
