"""Every table a person reads: human headers, locale numbers, names instead of ids, no index column."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cjm_helpers import paths
from cjm_helpers import tables as tables_module
from cjm_helpers.i18n import catalogue, t
from cjm_helpers.report import compute_overlay
from cjm_helpers.tables import Table, human_frame, id_names, table_html
from cjm_helpers.views import (
    action_plan,
    kpi_table,
    resource_gaps,
    resource_table,
    scoring_matrix,
    touchpoint_inventory,
    walkthrough_by_stage,
    walkthrough_table,
)

SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
RAW_FLOAT = re.compile(r"\d[.,]\d{4,}")
"""A float as Python prints it (0.789227), not as a person writes it (78.9%)."""


@pytest.fixture(scope="module")
def overlay(sample_project) -> dict:
    return compute_overlay(
        sample_project,
        str(paths.SAMPLE_EVENTS),
        str(paths.SAMPLE_SURVEY),
        str(paths.SAMPLE_TICKETS),
    )


def sample_frames(project, overlay) -> dict[str, pd.DataFrame]:
    views = {
        f.__name__: f(project)
        for f in (
            scoring_matrix,
            touchpoint_inventory,
            resource_table,
            resource_gaps,
            walkthrough_table,
            walkthrough_by_stage,
            action_plan,
            kpi_table,
        )
    }
    data = {name: frame for name, frame in overlay.items() if isinstance(frame, pd.DataFrame)}
    assert {"funnel", "gaps", "kpis", "attribution", "tickets"} <= set(data)
    return {**views, **data}


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_sample_tables_read_as_a_person_would(sample_project, overlay, lang):
    names = id_names(sample_project)
    for name, frame in sample_frames(sample_project, overlay).items():
        page = BeautifulSoup(table_html(frame, lang, names, max_rows=None), "html.parser")
        headers = [th.get_text() for th in page.select("thead th")]
        assert headers and not [h for h in headers if SNAKE.match(h)], (name, headers)
        assert "" not in headers, (name, headers)  # no unnamed index column
        cells = [td.get_text() for td in page.select("tbody td")]
        assert not [c for c in cells if RAW_FLOAT.search(c)], (name, cells[:20])
        assert not [c for c in cells if c in ("True", "False", "nan", "NaN", "None")], name
        first_column = [row.select("td")[0].get_text() for row in page.select("tbody tr")]
        assert first_column != [str(i) for i in range(len(first_column))], name  # no 0…n index
        shown = human_frame(frame, lang, names)
        assert list(shown.columns) == headers and isinstance(shown.index, pd.RangeIndex)


def test_ids_become_names_and_words_the_language(sample_project, overlay):
    names = id_names(sample_project)
    funnel = table_html(overlay["funnel"], "en", names)
    assert "Awareness" in funnel and ">awareness<" not in funnel
    attribution = table_html(overlay["attribution"], "en", names)
    assert "tp-checkout" not in attribution and "Checkout and e-wallet payment" in attribution
    kpis = BeautifulSoup(table_html(overlay["kpis"], "pl", names), "html.parser").get_text()
    assert "per_customer" not in kpis and "na klienta" in kpis
    assert t("overlay.kpi.conversion_rate", "pl") in kpis
    assert re.search(r"\d+,\d%", kpis)  # shares as Polish percentages


def test_numbers_and_percentages_follow_the_locale():
    frame = pd.DataFrame({"step": ["pay"], "conversion": [0.789227], "mean": [1234.567]})
    assert "78.9%" in table_html(frame, "en") and "1,234.6" in table_html(frame, "en")
    assert "78,9%" in table_html(frame, "id") and "1.234,6" in table_html(frame, "id")
    assert "78,9%" in table_html(frame, "pl") and "1\u00a0234,6" in table_html(frame, "pl")
    money = pd.DataFrame({"revenue": [2400000]})
    assert "Rp" in table_html(money, "id", currency="IDR")
    assert "2.400.000" in table_html(money, "id", currency="IDR")


def test_booleans_are_marks_with_a_legend_in_the_language():
    frame = pd.DataFrame({"kind": ["device", "device"], "switched": [True, False]})
    for lang in ("en", "id", "pl"):
        page = BeautifulSoup(table_html(frame, lang), "html.parser")
        marks = [td.get_text() for td in page.select("td.mark")]
        assert marks == [tables_module.TRUE_MARK, tables_module.FALSE_MARK]
        legend = page.select_one(".cjm-table-legend").get_text()
        assert legend == t("tables.legend", lang, yes="✓", no="✗")
    assert "Perangkat" in table_html(frame, "id")  # a word of the suite, said in Indonesian


def test_text_is_left_aligned_and_never_cut():
    long = "A very long remark about the pick-up counter " * 6
    page = BeautifulSoup(
        table_html(pd.DataFrame({"text": [long], "count": [3]}), "en"), "html.parser"
    )
    text_cell, count_cell = page.select("tbody td")
    assert text_cell.get_text() == long and "…" not in text_cell.get_text()
    assert "num" not in (text_cell.get("class") or []) and "num" in count_cell.get("class")
    assert "text-align:left" in tables_module.TABLE_CSS.replace(" ", "")


def test_a_named_index_becomes_a_column_and_a_plain_one_goes(sample_project):
    inventory = touchpoint_inventory(sample_project)
    headers = [
        th.get_text()
        for th in BeautifulSoup(table_html(inventory, "en"), "html.parser").select("th")
    ]
    assert headers[0] == "Stage" and "Social media" in headers
    plain = pd.DataFrame({"x": [1, 2]}, index=[5, 6])
    assert "<td>5</td>" not in table_html(plain, "en")


def test_user_text_is_escaped_and_empty_frames_say_so():
    hostile = pd.DataFrame({"name": ["<script>alert(1)</script>"]})
    page = table_html(hostile, "en")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert t("tables.empty", "pl") in table_html(pd.DataFrame(), "pl")


def test_every_column_heading_exists_in_three_languages():
    for key in (k for k in catalogue("en") if k.startswith(("tables.", "export."))):
        for lang in ("id", "pl"):
            assert key in catalogue(lang), (key, lang)


def test_notebooks_show_data_frames_as_human_tables(monkeypatch, sample_project):
    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    tables_module.show_tables_in_notebook("pl", lambda: sample_project)
    funnel = pd.DataFrame({"step": ["awareness"], "users_open": [1708], "conversion": [0.789227]})
    data, _ = shell.display_formatter.format(funnel)
    html = data["text/html"]
    assert "users_open" not in html and "0.789227" not in html and "78,9%" in html
    assert t("report.col.users_open", "pl") in html and "Awareness" in html
    assert Table(funnel, "pl")._repr_html_().count("78,9%") == 1


def _tables_of(page: str) -> list:
    return BeautifulSoup(page, "html.parser").select("table")


def _assert_readable(tables: list, ids: set[str], where: str) -> None:
    assert tables, where
    for table in tables:
        headers = [th.get_text(strip=True) for th in table.select("th")]
        assert not [h for h in headers if SNAKE.match(h)], (where, headers)
        cells = [td.get_text(strip=True) for td in table.select("td")]
        assert not [c for c in cells if RAW_FLOAT.search(c)], (where, cells[:12])
        assert not [c for c in cells if c in ids], (where, [c for c in cells if c in ids])
        assert not [c for c in cells if c in ("True", "False")], where


def test_the_report_and_the_overlay_summary_show_readable_tables(sample_project, overlay):
    from cjm_helpers.overlay.run import summary_html
    from cjm_helpers.report import build_report

    ids = set(id_names(sample_project))
    report = build_report(sample_project, "en", overlay_results=overlay)
    section = BeautifulSoup(report, "html.parser").select_one("#overlay")
    _assert_readable(section.select("table"), ids, "report")
    frames = {k: v for k, v in overlay.items() if isinstance(v, pd.DataFrame)}
    summary = summary_html(frames, {}, "en", "events.csv")
    _assert_readable(_tables_of(summary), set(), "summary.html")


def test_the_overlay_summary_of_a_project_names_its_stages_and_touchpoints(
    sample_project, tmp_path
):
    from cjm_helpers.overlay.run import run_overlay
    from cjm_helpers.paths import SAMPLE_EVENTS

    run_overlay(SAMPLE_EVENTS, tmp_path, project=sample_project, progress=False)
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    ids = set(id_names(sample_project)) - set(id_names(sample_project).values())
    _assert_readable(_tables_of(page), ids, "summary.html of a project")
    cells = {td.get_text(strip=True) for td in BeautifulSoup(page, "html.parser").select("td")}
    assert {s.name for s in sample_project.stages} & cells
