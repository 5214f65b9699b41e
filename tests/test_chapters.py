"""Every chapter opens with what it needs and how long it takes, and closes with a summary and
a link to the next chapter made from the chapter order; no heading is left empty."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cjm_helpers.errors import CJMError
from cjm_helpers.i18n import t
from cjm_helpers.nbbuild import (
    build_notebook,
    chapter_info,
    chapter_sources,
    chapter_title,
    source_languages,
)

HIDDEN = {"parameters", "cjm-setup"}
"""Cells the exported pages leave out: a heading with only these under it shows empty."""

CHAPTERS = [(lang, source) for lang in source_languages() for source in chapter_sources(lang=lang)]


def _id(item: tuple[str, Path]) -> str:
    return f"{item[0]}-{item[1].stem}"


@pytest.mark.parametrize("lang,source", CHAPTERS, ids=[_id(c) for c in CHAPTERS])
def test_chapter_opens_with_needs_and_time_and_closes_with_summary_and_next(
    lang: str, source: Path
) -> None:
    info = chapter_info(source)
    assert info.minutes > 0 and info.needs and len(info.summary) >= 2, source
    nb = build_notebook(source)
    first = nb.cells[0].source
    assert first.startswith("# ")
    head = first.index(f"**{t('chapter.needs', lang)}**")
    assert head < first.index("\n## "), "the box sits under the title, before the first section"
    assert t("chapter.about_minutes", lang, n=info.minutes) in first
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    summary = next(
        i for i, s in enumerate(texts) if s.startswith(f"## {t('chapter.summary', lang)}")
    )
    assert all(point in texts[summary] for point in info.summary)
    assert texts[summary + 1].startswith("## "), (
        "the summary comes right before the closing section"
    )
    last = texts[-1]
    assert last.startswith(f"**{t('chapter.next', lang)}**")
    order = chapter_sources(lang=lang)
    at = [p.name for p in order].index(source.name)
    following = order[at + 1] if at + 1 < len(order) else order[1]
    assert f"[{chapter_title(following)}]({following.stem}.ipynb)" in last
    assert "---" not in first.split("\n")[0], "the front matter never reaches the notebook"
    assert "remove-cell" in nb.cells[-1].metadata["tags"], "pages have their own pager"


def _headings_with_nothing_under_them(nb: object) -> list[str]:
    empty = []
    cells = nb.cells  # type: ignore[attr-defined]
    for n, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lines = [line for line in cell.source.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            level = len(line) - len(line.lstrip("#"))
            if not (1 <= level <= 6 and line[level : level + 1] == " "):
                continue
            if i + 1 < len(lines):
                after = lines[i + 1]
                deeper = re.match(r"#+ ", after) and len(after) - len(after.lstrip("#")) > level
                if deeper:
                    empty.append(line)
                continue
            following = cells[n + 1 :]
            shown = [c for c in following if not HIDDEN & set(c.metadata.get("tags", []))]
            if following and following[0] is not (shown[0] if shown else None):
                empty.append(line)  # only hidden cells before the next thing shown
    return empty


@pytest.mark.parametrize("lang,source", CHAPTERS, ids=[_id(c) for c in CHAPTERS])
def test_no_heading_is_left_empty(lang: str, source: Path) -> None:
    assert _headings_with_nothing_under_them(build_notebook(source)) == []


def test_the_empty_heading_check_can_fail(tmp_path: Path) -> None:
    source = tmp_path / "01_x.md"
    source.write_text("# Step 1\n\nWhy.\n\n## The idea\n\n### One\n\ntext\n", encoding="utf-8")
    assert _headings_with_nothing_under_them(build_notebook(source)) == ["## The idea"]


def test_a_heading_over_the_set_up_cells_gets_the_set_up_sentence(tmp_path: Path) -> None:
    source = tmp_path / "01_x.md"
    source.write_text("# Step 1\n\nWhy.\n\n## Set-up\n\n{{ setup }}\n\nText.\n", encoding="utf-8")
    nb = build_notebook(source)
    assert nb.cells[0].source.endswith(t("chapter.setup_lead"))
    assert _headings_with_nothing_under_them(nb) == []


def test_a_broken_front_matter_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "01_x.md"
    source.write_text("---\nminutes: 5\n# Step 1\n", encoding="utf-8")
    with pytest.raises(
        CJMError, match=r"01_x\.md: the front matter opened with --- is never closed"
    ):
        build_notebook(source)
    source.write_text("---\nminutes: 5\nlevel: easy\n---\n# Step 1\n", encoding="utf-8")
    with pytest.raises(CJMError, match=r"01_x.md: .*only minutes, needs and summary.*level"):
        build_notebook(source)
