"""Safe, stable YAML: parse without running anything, dump with a fixed key order.

Loading refuses tags that build Python objects, anchors and aliases (the
"billion laughs" bomb) and duplicate keys (which would silently drop a value).
Dumping keeps the order the data has, so a project saved twice gives the same
bytes and diffs stay small.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_YAML_BYTES = 64 * 1024 * 1024


class YamlError(ValueError):
    """The text is not YAML we accept; the message says where and why."""


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    def ignore_aliases(self, data: Any) -> bool:  # never write anchors
        return True


def _check_nodes(root: yaml.Node) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
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
                stack.append(key_node)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise YamlError naming the line on any problem."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"the file is larger than {MAX_YAML_BYTES // 2**20} MiB; it cannot be a project")
    loader = _Loader(text)
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
        raise YamlError(f"{where}{problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
    except RecursionError:
        raise YamlError("the document is nested too deeply") from None
    finally:
        loader.dispose()


def dump_yaml(data: Any) -> str:
    """Dump plain data (dicts, lists, str, numbers, bools) as block-style UTF-8 YAML."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
