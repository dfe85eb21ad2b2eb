"""Strict YAML reading for the project's own files (catalog, configuration files), with lines.

PyYAML's ``safe_load`` keeps the last of two equal keys in a mapping, which silently drops
a template or a setting; here a repeated key is an error. The composed node tree is kept
beside the data so that a validation error found later can be given a line number.
Only the safe tag set is constructed (no Python objects).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import yaml

__all__ = ["YamlError", "line_of", "load_yaml"]


class YamlError(Exception):
    """The text is not YAML we accept; ``line`` is 1-based when known."""

    def __init__(self, problem: str, line: int | None) -> None:
        self.problem, self.line = problem, line
        super().__init__(problem if line is None else f"line {line}: {problem}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark,
                f"found the key {key!r} a second time", key_node.start_mark,
            )
        if isinstance(key, Hashable):
            seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document: its data and its node tree (both ``None`` when empty).

    Raises :class:`YamlError` for a syntax error, several documents or a repeated key.
    """
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlError(problem or "invalid YAML", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from exc
    finally:
        loader.dispose()
    return data, root


def line_of(root: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest node along ``path`` (mapping keys, list indexes).

    A mapping step answers the line of the key, where a reader looks for a named field.
    """
    if root is None:
        return None
    node, mark = root, root.start_mark
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if pair is None:
                break
            node, mark = pair[1], pair[0].start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1
