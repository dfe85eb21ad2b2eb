"""The lexical layer of the OCCI text renderings: quoted strings, lists and attribute values.

GFD.229 builds every field on RFC 7230 ``quoted-string`` and ``#`` lists. This module
splits comma-separated lists and ``head; name=value`` parameter lists without breaking
quoted strings or ``<URI>`` references, quotes and unquotes strings, and renders and
parses attribute values (string, integer, float, boolean) and type identifier lists.

Escaping (a decision of ours): a quoted string escapes ``"`` and
``\\`` as RFC 7230 quoted-pairs and, beyond RFC 7230, writes line breaks and other
control characters as ``\\n``, ``\\r``, ``\\t`` or ``\\uXXXX`` (the way rOCCI-core's
renderer does), so that no value can break a body line or an HTTP header. With
``ascii_only`` (``text/occi``: header values must be ASCII on the wire) every non-ASCII
character is written as ``\\uXXXX`` too. Parsing undoes all of this; any other
``\\x`` reads as ``x`` (an RFC 7230 quoted-pair).

Every ``parse_*``/``split_*`` function raises :class:`~..errors.ParseError` through the
:class:`Where` it is given; every ``render_*`` function raises
:class:`~..errors.RenderError`. Nothing else escapes. This module imports only the
model's value types and the errors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.errors import ParseError, RenderError

__all__ = [
    "ATTRIBUTE_NAME",
    "TERM",
    "Where",
    "parse_type_ids",
    "parse_value",
    "quote",
    "render_type_ids",
    "render_value",
    "split_list",
    "split_parameters",
    "token_or_quoted",
    "unquote",
]

#: GFD.229 ``term``: ``( ALPHA | DIGIT ) *( ALPHA | DIGIT | "-" | "_" | "." )``.
TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
#: GFD.229 ``attribute-name``: the same grammar as ``term``.
ATTRIBUTE_NAME = TERM

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_TOKEN = re.compile(r"[^;\s]*")
_PARAMETER_NAME = re.compile(r"([^=;\s\"]+)\s*=\s*")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


@dataclass(frozen=True)
class Where:
    """Where in a message a value was read: builds the :class:`ParseError` naming it."""

    media_type: str
    where: str

    def error(self, message: str, *, expected: str = "", received: str = "") -> ParseError:
        """A :class:`ParseError` at this place."""
        return ParseError(
            message,
            media_type=self.media_type,
            where=self.where,
            expected=expected,
            received=received,
        )

    def item(self, index: int) -> Where:
        """The ``index``-th (1-based) item of a list at this place."""
        return Where(self.media_type, f"{self.where} item {index}")


def split_list(text: str, separator: str, where: Where) -> list[str]:
    """Split ``text`` on ``separator`` outside quoted strings and ``<…>`` references.

    Items are stripped; empty items are dropped (RFC 7230 ``#`` lists allow them). A
    ``<`` opens a reference only at the start of an item, so a stray ``<`` in a lax
    server's unquoted token does not swallow the rest of the line.
    """
    items: list[str] = []
    current: list[str] = []
    in_quote = in_angle = escaped = started = False
    for char in text:
        if in_quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_quote = False
        elif in_angle:
            in_angle = char != ">"
        elif char == separator:
            items.append("".join(current).strip())
            current = []
            started = False
            continue
        elif char == '"':
            in_quote = True
        elif char == "<" and not started:
            in_angle = True
        started = started or not char.isspace()
        current.append(char)
    if in_quote:
        raise where.error("unterminated quoted string", expected='a closing "', received=text)
    if in_angle:
        raise where.error("unterminated <URI> reference", expected="a closing >", received=text)
    items.append("".join(current).strip())
    return [item for item in items if item]


def split_parameters(text: str, where: Where) -> tuple[str, list[tuple[str, str]]]:
    """Split ``head; name=value; …`` into the head and ``(name, raw value)`` pairs.

    The head is a ``<URI>`` reference or a token (a term). A raw value keeps its quotes;
    a bare value ends at ``;`` or whitespace. Parameters are separated by ``;`` or,
    leniently, by whitespace alone: GFD.229's own text/plain example omits a ``;``, and
    rOCCI-server 0.5 separates inline-link attributes with spaces.
    """
    text = text.strip()
    if text.startswith("<"):
        end = text.find(">")
        if end < 0:
            raise where.error("unterminated <URI> reference", expected="a closing >",
                              received=text)
        head, position = text[: end + 1], end + 1
    else:
        match = _TOKEN.match(text)
        head, position = match.group() if match else "", match.end() if match else 0
    parameters: list[tuple[str, str]] = []
    while True:
        while position < len(text) and (text[position] == ";" or text[position].isspace()):
            position += 1
        if position == len(text):
            return head, parameters
        name = _PARAMETER_NAME.match(text, position)
        if name is None:
            raise where.error("bad parameter", expected="name=value",
                              received=text[position:])
        position = name.end()
        if text.startswith('"', position):
            end = _quoted_end(text, position, where)
        else:
            bare = _TOKEN.match(text, position)
            end = bare.end() if bare else position
        if end < len(text) and not (text[end] == ";" or text[end].isspace()):
            raise where.error("bad parameter value", expected='";" after the value',
                              received=text[position:])
        parameters.append((name.group(1), text[position:end]))
        position = end


def _quoted_end(text: str, start: int, where: Where) -> int:
    """The index just after the quoted string that starts at ``start``."""
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text[index] == '"':
            return index + 1
        else:
            index += 1
    raise where.error("unterminated quoted string", expected='a closing "',
                      received=text[start:])


# Strings with nothing to escape (nearly all of them) skip the per-character loop.
_PLAIN_UNICODE = re.compile(r'[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]*')
_PLAIN_ASCII = re.compile(r'[\x20\x21\x23-\x5b\x5d-\x7e]*')


def quote(text: str, *, ascii_only: bool) -> str:
    """``text`` as a quoted string, escaped as the module docstring says."""
    plain = _PLAIN_ASCII if ascii_only else _PLAIN_UNICODE
    if plain.fullmatch(text):
        return f'"{text}"'
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif _needs_unicode_escape(code, ascii_only=ascii_only):
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _needs_unicode_escape(code: int, *, ascii_only: bool) -> bool:
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True  # C0, DEL, C1 (NEL breaks lines for str.splitlines readers)
    if code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF:
        return True  # Unicode line breaks; lone surrogates cannot be encoded as UTF-8
    return ascii_only and code > 0x7E


def unquote(text: str, where: Where) -> str:
    """The content of the quoted string ``text`` (which must be one whole quoted string)."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise where.error("not a quoted string", expected='"…"', received=text)
    body = text[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == '"':
            raise where.error("unescaped quote inside a quoted string", received=text)
        if char != "\\":
            out.append(char)
            index += 1
            continue
        if index + 1 == len(body):
            raise where.error("unterminated quoted string", expected='a closing "', received=text)
        code = body[index + 1]
        hex4 = body[index + 2 : index + 6]
        if code == "u" and _HEX4.fullmatch(hex4):
            out.append(chr(int(hex4, 16)))
            index += 6
        else:
            out.append(_UNESCAPES.get(code, code))
            index += 2
    return _join_surrogates("".join(out))


def _join_surrogates(text: str) -> str:
    """Combine ``\\uD83D\\uDE00``-style pairs; a lone surrogate stays as it is."""
    if not any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def token_or_quoted(text: str, where: Where) -> str:
    """A parameter value: a quoted string (unquoted) or a bare token (as it is)."""
    text = text.strip()
    if text.startswith('"'):
        return unquote(text, where)
    if not text:
        raise where.error("empty value", expected="a token or a quoted string")
    return text


def parse_type_ids(raw: str | None, where: Where) -> tuple[str, ...]:
    """A space-separated list of type identifiers (``rel``, ``actions``, ``category``)."""
    if raw is None:
        return ()
    ids = tuple(token_or_quoted(raw, where).split())
    for type_id in ids:
        _, sep, term = type_id.rpartition("#")
        if not sep or not TERM.fullmatch(term):
            raise where.error("bad type identifier", expected="scheme#term", received=type_id)
    return ids


def render_type_ids(ids: tuple[str, ...], *, ascii_only: bool) -> str:
    """Type identifiers as one quoted, space-separated list."""
    for type_id in ids:
        _, sep, term = type_id.rpartition("#")
        if not sep or not TERM.fullmatch(term) or any(char.isspace() for char in type_id):
            raise RenderError(f"type identifier {type_id!r} cannot be rendered in a list")
    return quote(" ".join(ids), ascii_only=ascii_only)


def render_value(name: str, value: object, *, ascii_only: bool) -> str:
    """An attribute value in text: ``"string"``, ``12``, ``1.5``, ``true``/``false``.

    Floats never carry an exponent (GFD.229 ``float = *DIGIT "." *DIGIT``). Negative
    numbers keep their sign: the grammar has none and a strict reader (rOCCI-core) refuses
    it, but dropping it would change the value.
    Arrays, objects and ``None`` cannot be expressed: :class:`RenderError` names ``name``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond sys.get_int_max_str_digits()
            raise RenderError(f"attribute {name}: integer too large to render") from None
    if isinstance(value, float):
        return _render_float(name, value)
    if isinstance(value, str):
        return quote(value, ascii_only=ascii_only)
    what = "None" if value is None else f"a {type(value).__name__}"
    raise RenderError(
        f"attribute {name}: the text renderings carry only strings, numbers and booleans, "
        f"not {what}; use application/occi+json"
    )


def _render_float(name: str, value: float) -> str:
    if not math.isfinite(value):
        raise RenderError(f"attribute {name}: {value!r} is not a finite number")
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def parse_value(text: str, where: Where) -> AttributeValue:
    """An attribute value: a quoted string, a number, ``true``/``false`` or a bare token.

    Lenient on purpose: signs and exponents are accepted, booleans in any case, and an
    unquoted token that is none of these (lax servers send enum values bare) is a string.
    """
    text = text.strip()
    if not text:
        raise where.error("empty attribute value", expected="a string, number or boolean")
    if text.startswith('"'):
        return unquote(text, where)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _NUMBER.fullmatch(text):
        return _parse_number(text, where)
    return text


def _parse_number(text: str, where: Where) -> int | float:
    try:
        number: int | float = int(text) if _INTEGER.fullmatch(text) else float(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        raise where.error("number too large", received=text) from None
    if isinstance(number, float) and not math.isfinite(number):
        raise where.error("number out of range", expected="a finite number", received=text)
    return number
