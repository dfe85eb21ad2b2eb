"""The categories an endpoint offers: standard, catalog and user mixins, and their paths.

:class:`Categories` is an immutable snapshot: the registry (GFD.221/224 categories, the
catalog's templates, the user mixins clients added with ``POST /-/``), which kind or
mixin owns each collection path, and the query interface with its filter. Adding or
removing a user mixin builds a new snapshot.

User mixins are tags (GFD.223 §3.6): they need a type id nothing else uses, a location
that is a path of its own (``/my_tag/``: not a kind's or another mixin's collection, not
inside a kind's collection, where entities live), may depend only on known mixins and
apply only to known kinds, define no action and no attribute under the reserved
``occi.`` prefix. The standard and catalog categories cannot be removed. Imports no web
layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import Filter
from occi_operator.occi.registry import CategoryRegistry

from .errors import BadRequestError, ConflictError, NotFoundError

__all__ = ["Categories"]

_PATH = re.compile(r"(/[A-Za-z0-9._~\-]+)+/")


class Categories:
    """Registry and collection paths of one moment; see the module docstring."""

    def __init__(self, fixed: CategoryRegistry, user: Sequence[Mixin] = ()) -> None:
        """``fixed`` are the standard and catalog categories, ``user`` the user mixins."""
        self.fixed = fixed
        self.user = tuple(user)
        self.registry = CategoryRegistry([*fixed, *self.user])
        self._at: dict[str, Kind | Mixin] = {}
        for category in self.registry:
            if isinstance(category, Kind | Mixin) and category.location:
                self._at.setdefault(category.location, category)

    def with_user(self, user: Sequence[Mixin]) -> Categories:
        """A snapshot with these user mixins instead."""
        return Categories(self.fixed, user)

    def at(self, path: str) -> Kind | Mixin | None:
        """The kind or mixin whose collection is at ``path`` (``/compute/``)."""
        return self._at.get(path)

    def kind_at(self, path: str) -> Kind:
        """The kind of the collection at ``path``; 404 when no kind lives there."""
        found = self._at.get(path)
        if not isinstance(found, Kind):
            what = "a mixin's collection" if found else "no collection"
            raise NotFoundError(f"{path} is {what}; kinds live at "
                                + ", ".join(k.location or "" for k in self.registry.kinds))
        return found

    def kinds_under(self, kind: str) -> tuple[str, ...]:
        """``kind`` and every kind that descends from it."""
        return tuple(k.type_id for k in self.registry.kinds if self.registry.is_a(k.type_id, kind))

    def check_user_mixin(self, mixin: Mixin, taken: Iterable[str] = ()) -> Mixin:
        """A user mixin fit to add (``taken``: locations of the same request), else 400/409."""
        name = f"user mixin {mixin.type_id}"
        if mixin.type_id in self.registry:
            raise ConflictError(f"{name}: the type id is already defined")
        location = mixin.location or f"/{mixin.term}/"
        if not _PATH.fullmatch(location):
            raise BadRequestError(f"{name}: location {location!r} must be a path such as "
                                  "/my_tag/ (segments of letters, digits, '.', '_', '~', '-')")
        owner = self._at.get(location)
        if owner is not None or location in taken:
            raise ConflictError(f"{name}: location {location} is already the collection of "
                                f"{owner.type_id if owner else 'another mixin of the request'}")
        for kind in self.registry.kinds:
            if kind.location and location.startswith(kind.location):
                raise BadRequestError(f"{name}: location {location} lies inside the collection "
                                      f"of kind {kind.type_id}")
        for dependency in mixin.depends:
            if not isinstance(self.registry.get(dependency), Mixin):
                raise BadRequestError(f"{name}: depends on unknown mixin {dependency}")
        for kind_id in mixin.applies:
            if not isinstance(self.registry.get(kind_id), Kind):
                raise BadRequestError(f"{name}: applies to unknown kind {kind_id}")
        if mixin.actions:
            raise BadRequestError(f"{name}: a user mixin cannot define actions")
        for definition in mixin.attributes:
            if definition.name.startswith("occi."):
                raise BadRequestError(f"{name}: attribute {definition.name}: names under occi. "
                                      "are reserved for the specification")
        return mixin.model_copy(update={"location": location})

    def check_removable(self, type_id: str) -> Mixin:
        """The user mixin ``type_id``; 400 for a standard or catalog category, 404 if unknown."""
        found = self.registry.get(type_id)
        if found is None:
            raise NotFoundError(f"category {type_id} is not defined here")
        if type_id in self.fixed or not isinstance(found, Mixin):
            raise BadRequestError(f"category {type_id} is defined by the endpoint, not by a "
                                  "user; only user mixins can be removed")
        return found

    def query_interface(self, where: Filter | None = None) -> QueryInterface:
        """Every category, or those a filter names and those defining its attributes.

        A filter's categories select by type id (unknown ones select nothing); its
        attributes keep the kinds and mixins that define every one of them.
        """
        chosen: list[Kind | Mixin | Action] = list(self.registry)
        if where is not None and where.categories:
            wanted = set(where.categories)
            chosen = [c for c in chosen if c.type_id in wanted]
        if where is not None and where.attributes:
            names = set(where.attributes)
            chosen = [c for c in chosen if not isinstance(c, Action) and names <= {
                d.name for d in self._definitions(c)}]
        return QueryInterface(
            kinds=tuple(c for c in chosen if isinstance(c, Kind)),
            mixins=tuple(c for c in chosen if isinstance(c, Mixin)),
            actions=tuple(c for c in chosen if isinstance(c, Action)),
        )

    def _definitions(self, category: Kind | Mixin) -> Iterable[AttributeDefinition]:
        if isinstance(category, Kind):
            return self.registry.attribute_definitions(category.type_id, strict=False).values()
        return category.attributes
