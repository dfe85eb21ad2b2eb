"""The four OCCI renderings, looked up by media type.

``text/plain`` (and ``text/occi+plain``), ``text/occi``, ``text/uri-list`` and
``application/occi+json``. Each implements :class:`~.base.Rendering`.
"""

from __future__ import annotations

from occi_operator.occi.errors import UnknownMediaTypeError

from .base import Message, Rendering
from .json import JsonRendering
from .text_occi import TextOcciRendering
from .text_plain import TextPlainRendering
from .uri_list import UriListRendering

__all__ = [
    "MEDIA_TYPES",
    "JsonRendering",
    "Message",
    "Rendering",
    "TextOcciRendering",
    "TextPlainRendering",
    "UriListRendering",
    "base_media_type",
    "rendering_for",
]

_RENDERINGS: tuple[Rendering, ...] = (
    TextPlainRendering(),
    TextOcciRendering(),
    UriListRendering(),
    JsonRendering(),
)
_BY_TYPE: dict[str, Rendering] = {
    media_type: rendering for rendering in _RENDERINGS for media_type in rendering.media_types
}

#: Every media type a rendering answers to.
MEDIA_TYPES: tuple[str, ...] = tuple(_BY_TYPE)


def base_media_type(content_type: str) -> str:
    """``text/plain; charset=utf-8`` → ``text/plain`` (lower case, parameters dropped)."""
    return content_type.split(";", 1)[0].strip().lower()


def rendering_for(content_type: str) -> Rendering:
    """The rendering for a media type; parameters such as ``charset`` are ignored."""
    try:
        return _BY_TYPE[base_media_type(content_type)]
    except KeyError:
        raise UnknownMediaTypeError(content_type, MEDIA_TYPES) from None
