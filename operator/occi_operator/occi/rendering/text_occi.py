"""``text/occi``: the OCCI text fields as HTTP headers, the body ``OK`` (GFD.229 §6).

Rendering comma-joins the values of each field into one header, as GFD.229 recommends,
but starts a further header of the same name before a line would pass
:attr:`TextOcciRendering.max_header_length` characters: Apache refuses header fields
over 8190 bytes, nginx over its 8 KiB buffer. (The total still grows with the content:
a large query interface is better fetched as ``text/plain``.) Headers come in a fixed
order: ``Category``, ``Link``, ``X-OCCI-Attribute``, ``X-OCCI-Location``.

Header values must be safe to send, so quoted strings escape line breaks, control and
non-ASCII characters (``\\n``, ``\\uXXXX``; see :mod:`._quoting`), and a URI that is not
plain ASCII, or an ``X-OCCI-Location`` containing a comma, is a
:class:`~..errors.RenderError`.

Parsing reads every header whose name spells an OCCI field (any case; rOCCI's
``X-OCCI-Category``, ``X-OCCI-Link``, ``Location`` too), splits each value on commas
outside quoted strings and ``<…>``, and accepts repeated and comma-joined headers alike.
``Location`` is one URI and is never split. Other headers and the body are ignored.
Errors name the header and the 1-based index of the value among that header's values.

This module sees only :class:`~.base.Message` values; it imports no HTTP library.
"""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from ._headers import Field, FieldKind, Rendered, field_kind
from ._quoting import Where, split_list
from ._text_document import TextRendering
from .base import Message

__all__ = ["TextOcciRendering"]

#: Headers that HTTP itself defines: meaningful to OCCI only where a document expects them.
_HTTP_HEADERS = frozenset({"link", "location"})


class TextOcciRendering(TextRendering):
    """The OCCI text rendering in HTTP headers."""

    media_types: ClassVar[tuple[str, ...]] = ("text/occi",)
    ascii_only: ClassVar[bool] = True
    comma_lists: ClassVar[bool] = True
    document: ClassVar[str] = "headers"
    #: A header line is split before it grows past this many characters (one value longer
    #: than this still goes on a line of its own).
    max_header_length: ClassVar[int] = 4096

    def _message(self, fields: list[Rendered]) -> Message:
        headers: list[tuple[str, str]] = []
        for kind in FieldKind:
            line = ""
            for value in (value for field_kind_, value in fields if field_kind_ is kind):
                if line and len(line) + 2 + len(value) > self.max_header_length:
                    headers.append((kind.value, line))
                    line = ""
                line = f"{line}, {value}" if line else value
            if line:
                headers.append((kind.value, line))
        return Message(content_type=self.media_types[0], body=b"OK", headers=tuple(headers))

    def _fields(self, message: Message) -> list[Field]:
        fields: list[Field] = []
        seen: defaultdict[str, int] = defaultdict(int)
        occurrences: defaultdict[str, int] = defaultdict(int)
        for name, value in message.headers:
            kind = field_kind(name)
            if kind is None:
                continue
            key = name.strip().lower()
            occurrences[key] += 1
            header = Where(self.media_types[0], f"header {name} #{occurrences[key]}")
            items = [value.strip()] if key == "location" else split_list(value, ",", header)
            for item in items:
                if not item:
                    continue
                seen[key] += 1
                where = Where(self.media_types[0], f"header {name} value {seen[key]}")
                fields.append(Field(kind, item, where, key, ignorable=key in _HTTP_HEADERS))
        return fields
