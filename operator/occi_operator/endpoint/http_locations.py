"""Locations between the wire and the domain: absolute URLs out, paths in.

The domain (:mod:`.service`, :mod:`.store`) knows entities by path (``/compute/<id>``).
Every location the endpoint sends — ``Location``, ``X-OCCI-Location``, an entity's own
location, link sources and targets — is absolute and built the same way, from
``settings.base_url`` when it is set (behind a proxy) or else from the URL the request
came to, so a create answer and a later listing show identical URLs (GFD.229 §5: every
``X-OCCI-Location`` absolute). Kind and mixin locations stay relative (``/compute/``).

Coming in, a URL of this endpoint (same scheme, host, port and path prefix) becomes its
path; a relative reference is resolved against the base; a URL of another endpoint (a
remote link target) is kept as it is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from occi_operator.occi.entities import Link, Resource

__all__ = ["Locator"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


class Locator:
    """Absolute URLs of this endpoint from paths, and paths from its URLs."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(self.base_url)
        self._prefix = urlsplit(self.base_url).path.rstrip("/")

    def url(self, location: str) -> str:
        """A path as an absolute URL of this endpoint; anything else unchanged."""
        if location.startswith("/") and not location.startswith("//"):
            return self.base_url + location
        return location

    def path(self, reference: str) -> str:
        """A URL of this endpoint as its path; a remote URL or a path unchanged."""
        text = reference.strip()
        if text.startswith("/") and not text.startswith("//"):
            return text
        if "://" not in text or _origin(text) != self._origin:
            return text
        parts = urlsplit(text)
        path = parts.path or "/"
        if self._prefix and (path == self._prefix or path.startswith(self._prefix + "/")):
            path = path[len(self._prefix) :] or "/"
        return path + (f"?{parts.query}" if parts.query else "")

    def entity_out(self, entity: Resource | Link, location: str) -> Resource | Link:
        """The entity as answered: its location and its links' ends absolute."""
        if isinstance(entity, Link):
            return self._link_out(entity, location)
        links = tuple(self._link_out(link, link.location) for link in entity.links)
        return entity.model_copy(update={"location": self.url(location), "links": links})

    def _link_out(self, link: Link, location: str | None) -> Link:
        return link.model_copy(
            update={
                "location": None if location is None else self.url(location),
                "source": None if link.source is None else self.url(link.source),
                "target": self.url(link.target),
            }
        )

    def entity_in(self, entity: Resource | Link) -> Resource | Link:
        """The entity as the domain wants it: this endpoint's URLs as paths."""
        if isinstance(entity, Link):
            return self._link_in(entity)
        links = tuple(self._link_in(link) for link in entity.links)
        location = None if entity.location is None else self.path(entity.location)
        return entity.model_copy(update={"location": location, "links": links})

    def _link_in(self, link: Link) -> Link:
        return link.model_copy(
            update={
                "location": None if link.location is None else self.path(link.location),
                "source": None if link.source is None else self.path(link.source),
                "target": self.path(link.target),
            }
        )
