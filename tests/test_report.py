"""The combined journey report: sections, language, escaping, overlay figures, offline page."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from cjm_helpers.export import external_references
from cjm_helpers.i18n import catalogue, t
from cjm_helpers.report import build_report, compute_overlay, frame_html, overlay_html, write_report
from cjm_helpers.report import overlay as report_overlay

SECTIONS = ("objective", "personas", "map", "overlay", "plan", "checklist", "review")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def report_en(sample_project) -> str:
    return build_report(sample_project, "en", today=TODAY)


@pytest.fixture(scope="module")
def report_id(sample_project) -> str:
    return build_report(sample_project, "id", today=TODAY)


def section_of(page: str, anchor: str) -> str:
    match = re.search(rf'<section class="cjm-section" id="{anchor}">(.*?)</section>', page, re.S)
    assert match, f"no section {anchor}"
    return match.group(1)


def test_every_section_is_there_in_order(report_en):
    positions = [report_en.index(f'id="{s}"') for s in SECTIONS]
    assert positions == sorted(positions)
    for s in SECTIONS:
        assert f"<h2>{t(f'report.section.{s}', 'en')}</h2>" in report_en
        assert f'href="#{s}"' in report_en  # the table of contents links it


def test_no_section_failed(report_en, report_id):
    for page in (report_en, report_id):
        failed = t("report.section_failed", "en", section="", error="").split(":")[0].strip()
        assert "could not be drawn" not in page and failed not in page


def test_contents_come_from_the_project(sample_project, report_en):
    assert sample_project.objectives.business_question in report_en
    for persona in sample_project.personas:
        assert persona.name.split(",")[0] in section_of(report_en, "personas")
    plan = section_of(report_en, "plan")
    for opportunity in sample_project.opportunities:
        assert opportunity.title in plan
    assert "data:image/png;base64," in plan  # the impact/effort chart is embedded
    assert sample_project.journeys[0].name in section_of(report_en, "map")


def test_page_is_self_contained(report_en, report_id):
    for page in (report_en, report_id):
        assert external_references(page) == []
        assert "<script src" not in page and "<link" not in page
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_indonesian_headings_lanes_and_checklist(report_id, report_en):
    for s in SECTIONS:
        heading = t(f"report.section.{s}", "id")
        assert heading != t(f"report.section.{s}", "en")
        assert f"<h2>{heading}</h2>" in report_id
    map_part = section_of(report_id, "map")
    for lane in ("actions", "touchpoints", "emotions", "pain_points"):
        assert t(f"map.lane.{lane}", "id") in map_part
        assert t(f"map.lane.{lane}", "en") not in section_of(report_id, "map").replace(
            t(f"map.lane.{lane}", "id"), ""
        )
    checklist = section_of(report_id, "checklist")
    assert "checks.list.title" in catalogue("id"), "the checklist has no Indonesian catalogue"
    assert t("checks.list.title", "id") in checklist
    assert t("checks.list.title", "en") not in checklist
    assert 'lang="id"' in report_id and 'lang="en"' in report_en


def test_user_text_is_escaped(sample_project):
    hostile = sample_project.model_copy(
        update={
            "name": "Kopi <script>alert(1)</script>",
            "description": '"><img src=x onerror=alert(2)>',
        }
    )
    page = build_report(hostile, "en", today=TODAY)
    assert "<script>alert(1)" not in page
    assert "<img src=x onerror" not in page
    assert "Kopi &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_persona_focus_shows_one_persona(sample_project):
    rina, dimas = sample_project.personas[0], sample_project.personas[1]
    page = build_report(sample_project, "en", persona_id=dimas.id, today=TODAY)
    personas = section_of(page, "personas").split(t("report.scores", "en"))[0]
    assert dimas.name in personas and rina.name not in personas
    assert t("report.focus_persona", "en", persona=dimas.name) in page
    # Dimas has no journey of his own in the sample: the map says so instead of showing Rina's.
    assert not any(j.persona == dimas.id for j in sample_project.journeys)
    assert html.escape(t("report.no_persona_journey", "en", persona=dimas.name)) in section_of(
        page, "map"
    )
    assert "data-journey=" not in section_of(page, "map")
    page = build_report(sample_project, "en", persona_id=rina.id, today=TODAY)
    journey = next(j for j in sample_project.journeys if j.persona == rina.id)
    assert f'data-journey="{journey.id}"' in section_of(page, "map")


def test_review_status_follows_the_date(sample_project):
    due = sample_project.objectives.next_review
    late = build_report(sample_project, "en", today=due + dt.timedelta(days=10))
    early = build_report(sample_project, "en", today=due - dt.timedelta(days=40))
    assert "cjm-status overdue" in section_of(late, "review")
    assert "cjm-status ok" in section_of(early, "review")


def test_frame_html_formats_numbers_per_language():
    frame = pd.DataFrame(
        {"step": ["<b>pay</b>"], "users_open": [12345], "conversion": [0.256], "mean": [1234.5]}
    )
    en, id_, pl = (frame_html(frame, lang) for lang in ("en", "id", "pl"))
    assert "12,345" in en and "12.345" in id_ and "12\u00a0345" in pl
    assert "25.6%" in en and "25,6%" in id_
    assert "1,234.5" in en and "1.234,5" in id_
    assert "&lt;b&gt;pay&lt;/b&gt;" in en and "<b>pay" not in en
    assert t("report.col.conversion", "id") in id_
    named = frame_html(
        pd.DataFrame({"stage": ["purchase"], "stage_name": ["Pembelian"], "n": [3]}), "id"
    )
    assert "Pembelian" in named and "purchase" not in named  # the id gives way to its name
    kpis = frame_html(
        pd.DataFrame(
            {
                "kpi": ["conversion_rate", "own_kpi"],
                "value": [0.3165, 0.5],
                "unit": ["share", "min"],
            }
        ),
        "id",
    )
    assert "31,6%" in kpis and "0,5" in kpis  # a share is a percentage, minutes are not
    assert t("overlay.kpi.conversion_rate", "id") in kpis and "own_kpi" in kpis
    blank = frame_html(pd.DataFrame({"stage": [""], "n": [2]}), "en")
    assert "<td>—</td>" in blank


def test_overlay_section_embeds_figures_and_tables(monkeypatch):
    drawn = []

    class FakePlots:
        @staticmethod
        def plot_funnel(df):
            drawn.append(len(df))
            fig = Figure(figsize=(2, 1))
            fig.subplots().bar(df["step"], df["users_open"])
            return fig

        @staticmethod
        def plot_gaps(df):
            raise ValueError("no axes today")

    monkeypatch.setattr(report_overlay, "_plot", lambda name: getattr(FakePlots, name, None))
    results = {
        "funnel": pd.DataFrame(
            {"step": ["a", "b"], "users_open": [10, 4], "conversion": [1.0, 0.256]}
        ),
        "gaps": pd.DataFrame({"stage": ["x"], "users": [3]}),
        "_problems": ["attribution: the log has no conversions"],
    }
    body = overlay_html(results, "id")
    assert drawn == [2]
    assert body.count("data:image/png;base64,") == 1
    assert "25,6%" in body  # conversion in Indonesian style
    assert "no axes today" in body  # the failed chart is named, its table still shown
    assert 'data-analysis="gaps"' in body
    assert "the log has no conversions" in body
    assert t("report.overlay.funnel", "id") in body
    empty = overlay_html({}, "en")
    assert t("report.overlay.no_data", "en") in empty


def test_compute_overlay_without_files_is_empty(sample_project):
    assert compute_overlay(sample_project) == {}


def test_compute_overlay_names_a_missing_file(sample_project, tmp_path):
    results = compute_overlay(sample_project, events_file=str(tmp_path / "missing.csv"))
    assert results.get("_problems"), results
    assert "funnel" not in results


def test_write_report(sample_project, tmp_path):
    target = write_report(tmp_path / "out" / "report.html", sample_project, "pl")
    text = target.read_text(encoding="utf-8")
    assert t("report.section.plan", "pl") in text
    assert external_references(text) == []


def test_reference_day_comes_from_cjm_today(sample_project, monkeypatch):
    from cjm_helpers.i18n import format_date

    monkeypatch.setenv("CJM_TODAY", "2027-03-01")
    page = build_report(sample_project, "pl")
    assert t("report.generated", "pl", date=format_date(dt.date(2027, 3, 1), "pl")) in page
    assert "cjm-status overdue" in section_of(page, "review")  # next review was 15 Feb 2027
