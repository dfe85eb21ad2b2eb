"""Entity locations: made absolute, and found in create answers however they come.

The client always hands out absolute URLs. Servers send locations absolute or relative
(``/compute/42``, resolved against the endpoint URL as RFC 3986 says; inside parsed
entities :mod:`occi_operator.occi.normalize` does the same). A create answer
names the new entity in one of several ways, tried in this order:

1. a ``Location`` header (the specification; rOCCI);
2. an ``X-OCCI-Location`` header (text/occi);
3. the body: ``X-OCCI-Location:`` lines (text/plain) or bare URI lines (uri-list);
   a JSON array ``["…"]`` or ``{"location": …}``; ``{"resources": [...]}`` whose first
   member is a location or an entity with ``location`` or ``id`` (ooi).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

import httpx

__all__ = ["absolute", "created_location"]

_LOCATION_PREFIX = "x-occi-location:"


def absolute(base: str, location: str) -> str:
    """``location`` as an absolute URL, resolved against ``base`` when relative."""
    return urljoin(base, location.strip())


def _from_json(data: Any, collection_url: str) -> str | None:
    if isinstance(data, list):
        return _from_json(data[0], collection_url) if data else None
    if isinstance(data, str):
        return data or None
    if not isinstance(data, dict):
        return None
    for key in ("location", "Location"):
        if isinstance(data.get(key), str) and data[key]:
            return str(data[key])
    resources = data.get("resources")
    if isinstance(resources, list) and resources:
        return _from_json(resources[0], collection_url)
    if isinstance(data.get("id"), str) and data["id"] and "kind" in data:
        return absolute(collection_url, data["id"])
    return None


def _from_text(text: str) -> str | None:
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line == "OK":
            continue
        if line.lower().startswith(_LOCATION_PREFIX):
            return line[len(_LOCATION_PREFIX) :].strip() or None
        if line.startswith(("http://", "https://", "/")):
            return line
    return None


def created_location(response: httpx.Response, *, collection_url: str) -> str | None:
    """The absolute location of the entity a create answer names, or None."""
    found = response.headers.get("Location") or next(
        iter(response.headers.get_list("X-OCCI-Location", split_commas=True)), None
    )
    if not found:
        text = response.text.strip()
        if text[:1] in "[{":
            try:
                found = _from_json(json.loads(text), collection_url)
            except ValueError:
                found = None
        else:
            found = _from_text(text)
    return absolute(collection_url, found) if found else None

