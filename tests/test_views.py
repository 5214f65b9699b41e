"""Step views computed from the project: tables, cards and charts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from cjm_helpers import views
from cjm_helpers.i18n import LANGUAGES
from cjm_helpers.model import Persona, Project, Resource, TargetPersona, Touchpoint


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text += data


def test_scoring_matrix_orders_by_total(sample_project: Project) -> None:
    matrix = views.scoring_matrix(sample_project)
    assert list(matrix["Persona"]) == [
        "Rina, the commuting office worker",
        "Dimas, the promo-hunting student",
    ]
    assert list(matrix["Total"]) == [14, 9]
    assert list(matrix["Primary"]) == ["★", ""]


def test_inventory_counts_every_touchpoint_once(sample_project: Project) -> None:
    table = views.touchpoint_inventory(sample_project)
    assert int(table.to_numpy().sum()) == len(sample_project.touchpoints)
    assert list(table.index) == [s.name for s in sample_project.stages]
    assert table.loc["Purchase", "Outlet"] == 2


def test_stages_without_touchpoints_are_listed() -> None:
    project = Project(name="x", touchpoints=[Touchpoint(id="a", name="A", stage="purchase")])
    assert views.stages_without_touchpoints(project) == [
        "Awareness",
        "Consideration",
        "Retention",
        "Advocacy",
    ]
    table = views.touchpoint_inventory(project)
    assert table.loc["Awareness"].sum() == 0 and table.loc["Purchase"].sum() == 1


def test_resource_gaps_mark_need_over_have() -> None:
    project = Project(
        name="x",
        touchpoints=[Touchpoint(id="a", name="Counter", stage="purchase")],
        resources=[
            Resource(id="r1", kind="tools", description="POS", status="have", touchpoint="a"),
            Resource(id="r2", kind="tools", description="Shelf", status="need", touchpoint="a"),
            Resource(id="r3", kind="people", description="Barista", touchpoint="a"),
        ],
    )
    gaps = views.resource_gaps(project)
    assert gaps.loc["Counter", "Tools"] == "need"
    assert gaps.loc["Counter", "People"] == "have"
    assert gaps.loc["Counter", "Budget"] == "—"


def test_walkthrough_by_stage_sums_minutes(sample_project: Project) -> None:
    table = views.walkthrough_by_stage(sample_project).set_index("Stage")
    assert table.loc["Purchase", "Minutes"] == pytest.approx(10.0)
    assert table.loc["Purchase", "Mean feeling"] == pytest.approx(-2.0)


def test_action_plan_sorted_by_rice(sample_project: Project) -> None:
    plan = views.action_plan(sample_project)
    assert list(plan["RICE score"]) == sorted(plan["RICE score"], reverse=True)
    assert "Pilot the pick-up shelf" in " ".join(plan["Actions"])


def test_cards_escape_user_text() -> None:
    evil = "<script>alert(1)</script>"
    project = Project(
        name=evil,
        personas=[Persona(id="p", name=evil, quote=evil, goals=[evil])],
        target_personas=[TargetPersona(persona="p")],
    )
    project.objectives.business_question = evil
    for html in (views.objective_card_html(project), views.persona_cards_html(project)):
        parser = _Tags()
        parser.feed(html)
        assert "script" not in parser.tags
        assert evil in parser.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_views_render_in_every_language(sample_project: Project, lang: str) -> None:
    for fn in (
        views.scoring_matrix,
        views.touchpoint_inventory,
        views.resource_table,
        views.action_plan,
        views.kpi_table,
        views.project_overview,
        views.walkthrough_table,
    ):
        assert not fn(sample_project, lang).empty
    for fig_fn in (views.scoring_figure, views.inventory_figure, views.impact_effort_figure):
        fig = fig_fn(sample_project, lang)
        assert fig.axes and fig.axes[0].get_title()


def test_figures_cope_with_an_empty_project() -> None:
    empty = Project(name="empty")
    for fig_fn in (views.scoring_figure, views.inventory_figure, views.impact_effort_figure):
        assert fig_fn(empty).axes
