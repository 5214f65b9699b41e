"""What a step shows from the event log: funnel, gaps and switches, paths, visits, KPIs, attribution."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import overlay
from ..i18n import t
from ..overlay import decision_views, plots, switches
from ..overlay.conversion import attribution_notes, decision_attribution
from ..overlay.kpis import revenue_per_customer
from ..overlay.periods import compare_periods, parse_period, period_table
from ..overlay.targets import measured_baselines, ranked_plan
from ..overlay.visits import visit_groups
from .base import StepBase
from .common import note_html
from .display import as_html, show_figure, table_with_notes

__all__ = ["EventViews"]


class EventViews(StepBase):
    """Analyses of the event log, each computed once (again after the project or the log changed)."""

    def unmatched_events(self) -> Any:
        """Events in the log that match no touchpoint: candidates for the inventory."""
        return self._data(
            "events",
            "unmatched",
            lambda: self.events.unmatched_events(),
            empty_key="all_events_matched",
        )

    def funnel(self) -> Any:
        """Users reaching each stage, and how many drop off before the next."""
        return self._data("events", "funnel", lambda: overlay.funnel(self.events))

    def plot_funnel(self) -> Any:
        return self._plot("funnel", plots.plot_funnel)

    def gaps(self) -> Any:
        """Where journeys break at a change of device, channel or department."""
        return self._data("events", "gaps", lambda: overlay.gaps(self.events))

    def plot_gaps(self) -> Any:
        return self._plot("gaps", plots.plot_gaps)

    def switch_verdicts(self) -> Any:
        """Whether switching device, channel or department loses customers here, in sentences."""
        found = self.gaps()
        if not hasattr(found, "columns"):
            return found
        verdicts = switches.switch_verdicts(found)
        tones = {"supports": "warn", "contradicts": "info"}
        lines = switches.verdict_lines(verdicts, self.language)
        shown = [v for v in verdicts["verdict"] if v != "unknown"]
        if not lines:
            return as_html(note_html(t("decisions.switch.none", self.language)))
        return as_html("".join(note_html(line, tones[v]) for line, v in zip(lines, shown)))

    def _switch_points(self, kind: str, n: int) -> Any:
        return self._data(
            "events",
            f"switch_points_{kind}_{n}",
            lambda: overlay.switch_points(self.events, kind, n),
        )

    def switch_points(self, kind: str = "device", n: int = 10) -> Any:
        """The most frequent switches of one kind and the drop-off after each."""
        return self._shown(
            self._switch_points(kind, n),
            lambda found: decision_views.switch_table(found, self.language),
        )

    def plot_switch_points(self, kind: str = "device", n: int = 10) -> Any:
        found = self._switch_points(kind, n)
        gaps = self.gaps()
        if not hasattr(found, "columns") or not hasattr(gaps, "columns"):
            return None
        verdict = switches.switch_verdicts(gaps).set_index("kind")
        stay = float(verdict.loc[kind, "stay_drop_off"]) if kind in verdict.index else None
        return show_figure(switches.plot_switch_points(found, stay, self.language))

    def transitions(self, on: str = "touchpoint", n: int = 10) -> Any:
        """The most frequent moves from one touchpoint (or stage) to the next."""
        found = self._data(
            "events",
            f"transitions_{on}",
            lambda: overlay.transitions(self.events, on=on),  # type: ignore[arg-type]
        )
        return self._shown(
            found,
            lambda found: decision_views.transitions_table(found, self.project, n, self.language),
        )

    def top_paths(self, on: str = "stage", n: int = 10) -> Any:
        """The most common whole journeys, repeats merged."""
        found = self._data(
            "events",
            f"top_paths_{on}_{n}",
            lambda: overlay.top_paths(self.events, n, on=on),  # type: ignore[arg-type]
        )
        return self._shown(
            found, lambda found: decision_views.paths_table(found, self.project, self.language)
        )

    def visits(self) -> Any:
        """First-visit against returning customers, and how each converts."""
        return self._shown(
            self._data("events", "visits", lambda: visit_groups(self.events)),
            lambda found: decision_views.visits_table(found, self.language),
        )

    def conversion_attribution(
        self, conversion_events: list[str] | None = None, occurrence: int = 1
    ) -> Any:
        """Attribution for a chosen conversion, must-pass touchpoints flagged, with the reasons."""
        found = self._data(
            "events",
            f"attribution_{conversion_events}_{occurrence}",
            lambda: decision_attribution(self.events, "touchpoint", conversion_events, occurrence),
        )
        if not hasattr(found, "columns"):
            return found
        notes = [note_html(line) for line in attribution_notes(found, self.language)]
        return table_with_notes(decision_views.attribution_table(found, self.language), notes)

    def data_kpis(self) -> Any:
        """KPIs measured from the event log (and tickets, when there are any)."""
        return self._data(
            "events", "kpis", lambda: overlay.kpis(self.events, tickets=self._optional_tickets())
        )

    def plot_kpis(self) -> Any:
        return self._plot("data_kpis", plots.plot_kpis)

    def attribution(self) -> Any:
        """Credit for conversions by touchpoint: first touch, last touch, removal effect."""
        return self._data(
            "events", "attribution", lambda: overlay.attribution(self.events, by="touchpoint")
        )

    def plot_attribution(self) -> Any:
        return self._plot("attribution", plots.plot_attribution)

    # step 8: measured baselines and the plan by effect ------------------------------------

    def _measured_baselines(self) -> Any:
        """(project with measured baselines, what changed), or a note when there is no event log.

        Revenue per customer comes from the survey's spend, as in the report. Worked out once
        (again after a file changed): step 8 shows both the baselines and the plan built on them.
        """
        return self._once("measured_baselines", self._measure_baselines)

    def _measure_baselines(self) -> Any:
        measured = self.data_kpis()
        if not hasattr(measured, "columns"):
            return measured
        if self._has("survey"):
            revenue = revenue_per_customer(self.survey)
            measured = (
                pd.concat([measured, revenue], ignore_index=True) if len(revenue) else measured
            )
        return measured_baselines(self.reload(), measured)

    def measured_baselines(self) -> Any:
        """KPIs whose baseline comes from step 7's measurement, typed beside measured."""
        found = self._measured_baselines()
        if not isinstance(found, tuple):
            return found
        if found[1].empty:
            return as_html(note_html(t("decisions.baselines.none", self.language), "warn"))
        return decision_views.baselines_table(found[1], self.language)

    def plan_by_effect(self) -> Any:
        """The action plan by expected revenue effect beside RICE, with each estimate's formula."""
        found = self._measured_baselines()
        baselines = (
            dict(zip(found[1]["kpi"], found[1]["baseline"])) if isinstance(found, tuple) else {}
        )
        return ranked_plan(self.reload(), baselines, self.language)

    def compare_periods(self, first: str, second: str) -> Any:
        """The same measures on two date ranges side by side, with the change and whether it is noise."""
        a, b = parse_period(first, self.language), parse_period(second, self.language)

        def compute() -> Any:
            has_survey = self.survey_path is not None and self.survey_path.exists()
            survey = self._survey_for_project() if has_survey else None
            frame = compare_periods(self.events, a, b, survey=survey)
            return period_table(frame, self.events, a, b, self.language)

        return self._data("events", f"periods_{first}_{second}", compute)
