"""Safe, stable YAML: parse without running anything, dump with a fixed key order.

Loading refuses tags that build Python objects, anchors and aliases (the
"billion laughs" bomb) and duplicate keys (which would silently drop a value).
Dumping (with a small emitter of our own) keeps the order the data has, so a project saved twice gives the same
bytes and diffs stay small.
"""

from __future__ import annotations

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "YamlError", "dump_yaml", "parse_yaml"]

import json
import math
import re
from functools import lru_cache
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DateSafeLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader, with impossible dates (2026-13-45) reported as YAML errors, not crashes."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date or time ({exc})", node.start_mark
        ) from None


_DateSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

MAX_YAML_BYTES = 64 * 1024 * 1024
MAX_YAML_DEPTH = 64
"""A project needs about eight levels; deeper is refused before any YAML library's own limit."""


class YamlError(ValueError):
    """The text is not YAML we accept; the message says where and why."""


_TYPED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "binary", "timestamp")
)
_TAG_RESOLVER = yaml.resolver.Resolver()


def _too_deep(mark: Any) -> YamlError:
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return YamlError(
        f"{where}the value is nested too deeply (more than {MAX_YAML_DEPTH} levels of lists or "
        "mappings); a project needs only a few, so flatten it"
    )


def _check_nodes(root: yaml.Node) -> None:
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(node.start_mark)
        if id(node) in seen:
            mark = node.start_mark
            raise YamlError(
                f"line {mark.line + 1}: anchors and aliases (&name / *name) are not allowed; "
                "write the value out in full"
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[Any] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        mark = key_node.start_mark
                        raise YamlError(
                            f"line {mark.line + 1}: the key {key_node.value!r} appears twice in the "
                            "same mapping; keep one so no value is silently lost"
                        )
                    keys.add(key_node.value)
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        elif (
            isinstance(node, yaml.ScalarNode)
            and node.tag in _TYPED_TAGS
            and (node.tag != _TAG_RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False)))
        ):  # "!!int ''" or "!!float abc": a typed tag on a value of another type
            mark = node.start_mark
            raise YamlError(
                f"line {mark.line + 1}, column {mark.column + 1}: {node.value!r} cannot be read as "
                f"{node.tag.rsplit(':', 1)[-1]}; remove the !!tag and write the plain value"
            )


def parse_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise YamlError naming the line on any problem."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(
            f"the file is larger than {MAX_YAML_BYTES // 2**20} MiB; it cannot be a project"
        )
    loader = _DateSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        if "could not determine a constructor" in str(exc):
            problem = "tags such as !!python/... are not allowed in a project file"
        if "nesting depth" in problem:  # libyaml's own limit (PyYAML 6.0.4 and newer)
            raise _too_deep(mark) from None
        raise YamlError(f"{where}{problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
    except RecursionError:  # the pure-Python parser on a very deep document
        raise _too_deep(None) from None
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_UNSAFE_IN_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|: |\\s#|:$")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@lru_cache(maxsize=65536)
def _string(value: str) -> str:
    """A string as a plain scalar when that reads back as the same string, else double-quoted.

    Cached: keys and short values repeat thousands of times in a large project.
    """
    if (
        value
        and value[0] not in _INDICATORS
        and not value[0].isspace()
        and not value[-1].isspace()
        and not _UNSAFE_IN_PLAIN.search(value)
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    ):
        return value
    return _quoted(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "." not in text and "e" in text:
            text = text.replace("e", ".0e", 1)  # YAML 1.1 floats need a dot
        return text
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot write {type(value).__name__} to a project file")


def _quoted(value: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape, json.dumps(value, ensure_ascii=False))


def _flow(value: Any, nested: bool = False) -> str:
    """A value on one line; inside brackets every string is quoted (flow rules are stricter)."""
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{_quoted(str(k))}: {_flow(v, True)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, True) for v in value) + "]"
    if nested and isinstance(value, str):
        return _quoted(value)
    return _scalar(value)


def _emit_mapping(
    data: dict[str, Any], indent: str, out: list[str], first_prefix: str | None = None
) -> None:
    for n, (key, value) in enumerate(data.items()):
        lead = first_prefix if (n == 0 and first_prefix is not None) else indent
        head = f"{lead}{_string(str(key))}:"
        if isinstance(value, dict) and value:
            out.append(head)
            _emit_mapping(value, indent + "  ", out)
        elif isinstance(value, list) and value:
            out.append(head)
            _emit_sequence(value, indent + "  ", out)
        else:
            out.append(f"{head} {_flow(value)}")


def _emit_sequence(items: list[Any], indent: str, out: list[str]) -> None:
    for item in items:
        if isinstance(item, dict) and item:
            _emit_mapping(item, indent + "  ", out, first_prefix=f"{indent}- ")
        else:
            out.append(f"{indent}- {_flow(item)}")


def dump_yaml(data: Any) -> str:
    """Write plain data (dicts, lists, str, numbers, bools, None) as block-style UTF-8 YAML.

    A small emitter of our own: for this restricted shape it is several times
    faster than PyYAML's, which keeps saving a large project well under 50 ms.
    Every string is written plain only when YAML reads it back as that string.
    """
    out: list[str] = []
    if isinstance(data, dict) and data:
        _emit_mapping(data, "", out)
    elif isinstance(data, list) and data:
        _emit_sequence(data, "", out)
    else:
        out.append(_flow(data))
    return "\n".join(out) + "\n"
