"""``text/plain`` and ``text/occi+plain``: the OCCI text fields as lines of the body (GFD.229 §5).

Each line is ``Name: value``; a value may be a comma-separated list (the ABNF's ``#``),
except ``X-OCCI-Location``, whose single URI may itself contain commas. The parser
accepts LF or CRLF, blank lines, surrounding whitespace, a byte-order mark and a
``charset`` parameter (UTF-8 by default); only ``\\n`` ends a line, so a Unicode line
separator inside a value cannot split it. A line that is not an OCCI field (an HTML error
page, say) is a :class:`~..errors.ParseError` naming the line, never an empty answer.

Rendered bodies are UTF-8, one field per line, each line ending in ``\\n``; quoted
strings escape line breaks and control characters (see :mod:`._quoting`) so a value can
never start a line of its own. The model mapping is :mod:`._text_document`'s.

This module sees only :class:`~.base.Message` values; it imports no HTTP library.
"""

from __future__ import annotations

import codecs
from typing import ClassVar

from ._headers import Field, FieldKind, Rendered, field_kind
from ._quoting import Where, split_list
from ._text_document import TextRendering
from .base import Message

__all__ = ["TextPlainRendering"]

_FIELD_NAMES = "Category, Link, X-OCCI-Attribute or X-OCCI-Location"


class TextPlainRendering(TextRendering):
    """The OCCI text rendering in the message body."""

    media_types: ClassVar[tuple[str, ...]] = ("text/plain", "text/occi+plain")
    ascii_only: ClassVar[bool] = False
    comma_lists: ClassVar[bool] = False
    document: ClassVar[str] = "body"

    def _message(self, fields: list[Rendered]) -> Message:
        body = "".join(f"{kind.value}: {value}\n" for kind, value in fields)
        return Message(content_type=self.media_types[0], body=body.encode("utf-8"))

    def _fields(self, message: Message) -> list[Field]:
        text = _decode(message, self._whole())
        fields: list[Field] = []
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            if not line:
                continue
            where = Where(self.media_types[0], f"line {number}")
            name, sep, value = line.partition(":")
            kind = field_kind(name) if sep else None
            if kind is None:
                raise where.error("not an OCCI field", expected=f"{_FIELD_NAMES}: …",
                                  received=line)
            items = [value.strip()] if kind is FieldKind.LOCATION else split_list(value, ",", where)
            for index, item in enumerate(items, start=1):
                place = where if len(items) == 1 else where.item(index)
                fields.append(Field(kind, item, place, name.strip().lower()))
        return [item for item in fields if item.value]


def _decode(message: Message, where: Where) -> str:
    charset = "utf-8"
    for parameter in message.content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        codecs.lookup(charset)
        text = message.body.decode(charset)
    except LookupError:
        raise where.error("unknown charset", expected="utf-8", received=charset) from None
    except UnicodeDecodeError as exc:
        raise where.error(f"body is not valid {charset} (byte {exc.start})") from None
    return text.removeprefix("\ufeff")
