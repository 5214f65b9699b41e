"""What a step shows from the project file alone: cards, tables and figures of its parts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import views
from ..diff import diff_with_previous, review_status
from ..i18n import t
from ..mapping import JourneyMap, compare_maps
from ..report.brief import brief_html
from ..stakeholders import raci_table, stakeholder_figure, stakeholder_table
from ..text import esc
from .base import DATA_KINDS, StepBase
from .common import note_html, reference_date
from .display import as_html, show_figure

__all__ = ["ProjectViews"]


class ProjectViews(StepBase):
    """Views of the project as saved: each reads it again only when the file changed."""

    # start here ---------------------------------------------------------------------

    def project_card(self) -> Any:
        """Which project and data files this notebook works on (file names, not folders)."""
        p = self.reload()
        counts = self._t(
            "counts_value",
            personas=len(p.personas),
            stages=len(p.stages),
            touchpoints=len(p.touchpoints),
            journeys=len(p.journeys),
        )
        rows = [
            (self._t("project"), esc(p.name)),
            (self._t("file"), esc(self.project_path.name)),
            (self._t("about"), esc(p.description or "—")),
            (self._t("counts"), esc(counts)),
            (self._t("data"), self._data_files_html()),
        ]
        body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
        return as_html(
            views.CARD_CSS
            + f"<div class='cjm-cards'><div class='cjm-card'><dl>{body}</dl></div></div>"
        )

    def _data_files_html(self) -> str:
        """The data files as a list: kind, file name and whether it is there."""
        items = []
        for kind in DATA_KINDS:
            path = getattr(self, f"{kind}_path")
            state = self._t("data_found") if self._has(kind) else self._t("data_missing")
            items.append(
                f"<li>{esc(self._t(f'data_{kind}'))}: {esc(path.name if path else '—')} ({esc(state)})</li>"
            )
        return "<ul>" + "".join(items) + "</ul>"

    def overview(self) -> Any:
        """How many of each part the project holds."""
        return views.project_overview(self.reload(), self.language)

    # step 1 ----------------------------------------------------------------------------

    def objective_card(self) -> Any:
        return as_html(views.objective_card_html(self.reload(), self.language))

    def stakeholders(self) -> Any:
        """The stakeholders, most influential first, with how to work with each."""
        p = self.reload()
        if not p.objectives.stakeholders:
            return as_html(note_html(t("stakeholders.none", self.language), "warn"))
        return stakeholder_table(p, self.language)

    def plot_stakeholders(self) -> Any:
        """The influence x interest grid (nothing drawn while there are no stakeholders)."""
        p = self.reload()
        if not p.objectives.stakeholders:
            return None
        return show_figure(stakeholder_figure(p, self.language))

    # step 2 and 3 ------------------------------------------------------------------------

    def persona_cards(self) -> Any:
        return as_html(views.persona_cards_html(self.reload(), self.language))

    def scoring_matrix(self) -> Any:
        return views.scoring_matrix(self.reload(), self.language)

    def plot_scoring(self) -> Any:
        return show_figure(views.scoring_figure(self.reload(), self.language))

    def primary_persona(self) -> Any:
        """A sentence naming the persona the map follows first."""
        project = self.reload()
        persona = project.primary_persona()
        if persona is None:
            return self.note("no_primary", "warn")
        chosen = any(tp.primary for tp in project.target_personas)
        return self.note(
            "primary" if chosen else "primary_default",
            "ok" if chosen else "warn",
            name=persona.name,
        )

    # step 4 ----------------------------------------------------------------------------

    def inventory(self) -> Any:
        return views.touchpoint_inventory(self.reload(), self.language)

    def plot_inventory(self) -> Any:
        return show_figure(views.inventory_figure(self.reload(), self.language))

    def empty_stages(self) -> Any:
        """A note naming the stages that have no touchpoint yet."""
        empty = views.stages_without_touchpoints(self.reload())
        if not empty:
            return self.note("no_empty_stages", "ok")
        return self.note("empty_stages", "warn", stages=", ".join(empty))

    # step 5 ----------------------------------------------------------------------------

    def journeys(self) -> Any:
        """The project's journeys: persona, map type and the lanes each one draws."""
        p = self.reload()
        names = {persona.id: persona.name for persona in p.personas}
        return pd.DataFrame(
            [
                {
                    self._t("col_journey"): j.name,
                    self._t("col_persona"): names.get(j.persona, j.persona),
                    self._t("col_map_type"): t(f"common.map_type.{j.map_type}", self.language),
                    self._t("col_lanes"): ", ".join(
                        t(f"map.lane.{lane}", self.language) for lane in j.chosen_lanes()
                    ),
                }
                for j in p.journeys
            ]
        )

    def journey_map(self, journey_id: str | None = None) -> Any:
        project = self.reload()
        if not project.journeys:
            return self.note("no_journeys", "warn")
        return JourneyMap(project, journey_id, lang=self.language)

    # step 6 ----------------------------------------------------------------------------

    def resources(self) -> Any:
        return views.resource_table(self.reload(), self.language)

    def resource_gaps(self) -> Any:
        return views.resource_gaps(self.reload(), self.language)

    def raci(self) -> Any:
        """Who is responsible, accountable, consulted and informed for each action."""
        p = self.reload()
        if not p.actions:
            return as_html(note_html(t("stakeholders.raci.no_actions", self.language)))
        return raci_table(p, self.language)

    # step 7 ----------------------------------------------------------------------------

    def walkthrough(self) -> Any:
        return views.walkthrough_table(self.reload(), self.language)

    def walkthrough_by_stage(self) -> Any:
        return views.walkthrough_by_stage(self.reload(), self.language)

    # step 8 ----------------------------------------------------------------------------

    def plot_impact_effort(self) -> Any:
        return show_figure(views.impact_effort_figure(self.reload(), self.language))

    def action_plan(self) -> Any:
        return views.action_plan(self.reload(), self.language)

    def kpi_targets(self) -> Any:
        return views.kpi_table(self.reload(), self.language)

    def compare_maps(self) -> Any:
        """The current-state map beside the future-state one."""
        p = self.reload()
        futures = [j for j in p.journeys if j.map_type == "future_state"]
        if not futures:
            return self.note("no_future_map", "warn")
        known = {j.id for j in p.journeys}
        if not any(j.compares_to in known for j in futures):  # a headless run must not stop here
            return self.note("no_compared_map", "warn", journey=futures[0].name)
        return compare_maps(p, lang=self.language)

    def changes_since_last_save(self) -> Any:
        """What changed between the project file and its previous saved version."""
        diff = diff_with_previous(self.project_path, today=reference_date(), lang=self.language)
        if not diff:
            return self.note("no_changes")
        return diff

    def review_status(self) -> Any:
        """When the map is next due for review, and whether that date has passed."""
        status = review_status(self.reload(), today=reference_date())
        return as_html(note_html(status.message(self.language), "warn" if status.overdue else "ok"))

    def brief(self) -> Any:
        """The one-page buy-in brief for leadership and sales (also written as brief.html)."""
        return as_html(brief_html(self.reload(), self.language))
