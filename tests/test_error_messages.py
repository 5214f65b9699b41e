"""Every message of our own errors comes from the catalogues, so it exists in en, id and pl.

The test reads the package's source: wherever one of our errors (``CJMError``
and its subclasses) is raised or built, the words of its message must come from
``t(key, lang, ...)``. Literal text such as ``f"{path}: {t(...)}"`` may only glue
catalogue messages together (punctuation and placeholders, no words).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import cjm_helpers

PACKAGE = Path(cjm_helpers.__file__).resolve().parent

# Files whose messages are still literal text. Empty by design: a new message goes into the
# catalogues, not onto this list.
NOT_YET_CONVERTED: set[str] = set()

_WORD = re.compile(r"[A-Za-z]{2,}")


def _sources() -> dict[str, str]:
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def our_errors(modules: dict[str, ast.Module]) -> set[str]:
    """CJMError and every class that derives from it, anywhere in the package."""
    bases = {
        node.name: {_name(b) for b in node.bases}
        for tree in modules.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"CJMError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def _literal_words(node: ast.AST) -> Iterator[ast.AST]:
    """String constants with words in them, outside calls to ``t()`` and the path of a ``Problem``."""
    if isinstance(node, ast.Call) and _name(node.func) == "t":
        return
    if isinstance(node, ast.Call) and _name(node.func) == "Problem" and node.args:
        for child in [*node.args[1:], *(k.value for k in node.keywords)]:
            yield from _literal_words(child)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _WORD.search(node.value):
        yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _literal_words(child)


def literal_messages(sources: dict[str, str]) -> list[str]:
    """'file:line: text' for each literal message given to one of our errors."""
    modules = {rel: ast.parse(text, rel) for rel, text in sources.items()}
    errors = our_errors(modules)
    found = []
    for rel, tree in modules.items():
        if rel in NOT_YET_CONVERTED:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in errors:
                args = [*node.args, *(k.value for k in node.keywords)]
                if any(True for arg in args for _ in _literal_words(arg)):
                    text = ast.get_source_segment(sources[rel], node) or ""
                    found.append(f"{rel}:{node.lineno}: {' '.join(text.split())[:100]}")
    return found


def test_our_errors_are_found() -> None:
    errors = our_errors({rel: ast.parse(text) for rel, text in _sources().items()})
    assert {
        "CJMError",
        "DataError",
        "ProjectInvalid",
        "ProjectFileError",
        "SaveFailed",
        "RunFailed",
    } <= errors


def test_the_check_finds_a_literal_message() -> None:
    """The check itself can fail: an English f-string in a raise is caught, a t() call is not."""
    source = (
        "class DataError(CJMError): pass\n"
        "def f(path):\n"
        "    raise DataError(f'{path}: no such file; check the path')\n"
        "def g(path, lang):\n"
        "    raise DataError(f\"{path}: {t('errors.x', lang)}\")\n"
    )
    assert [m.split(":")[1] for m in literal_messages({"x.py": source})] == ["3"]


def test_no_literal_messages_in_our_errors() -> None:
    found = literal_messages(_sources())
    assert not found, "messages must come from t() and the catalogues:\n" + "\n".join(found)


def test_event_log_errors_speak_the_readers_language(tmp_path: Path) -> None:
    """load_events says what is wrong in the language asked for, naming the file."""
    import pandas as pd
    import pytest

    from cjm_helpers.errors import DataError
    from cjm_helpers.overlay.events import load_events

    missing = tmp_path / "events.csv"
    with pytest.raises(DataError) as err:
        load_events(missing, lang="pl")
    assert str(err.value).startswith(f"{missing}: nie ma takiego pliku")
    with pytest.raises(DataError) as err:
        load_events(pd.DataFrame(), lang="id")
    assert "DataFrame ini tidak punya baris" in str(err.value)
