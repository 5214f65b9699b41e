"""What a step notebook needs in one call: the project, its store, its data, nice plots.

A notebook's first code cell after the parameters is ``step = start_step(n, ...)``;
every later cell asks ``step`` for a form, a checklist, the map or the overlay.
Paths come from parameters, the ``CJM_PROJECT`` variable or the sample, never
from the current folder, so JupyterLab, nbval and papermill all open the same
files.
"""

from __future__ import annotations

__all__ = [
    "STEP_TITLES",
    "TODAY_ENV",
    "Step",
    "file_stamp",
    "note_html",
    "reference_date",
    "setup_plots",
    "show_errors_as_messages",
    "start_step",
]

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import paths
from .i18n import check_language, t
from .model import Project
from .store import ProjectStore

TODAY_ENV = paths.TODAY_ENV
"""Fixes 'today' (YYYY-MM-DD) so executed notebooks do not change from day to day."""

STEP_TITLES: dict[int, str] = {
    0: "Start here",
    1: "Set clear objectives",
    2: "Profile your personas and their goals",
    3: "Highlight your target personas",
    4: "List all the touchpoints",
    5: "Identify the elements your map will show",
    6: "Determine the resources you have and need",
    7: "Take the customer journey yourself",
    8: "Make the necessary changes",
}


def setup_plots() -> None:
    """One look for every figure: seaborn's theme, readable sizes, PNG output inline."""
    import matplotlib

    from .plot_theme import apply_theme  # seaborn's theme without importing seaborn (seconds)

    if os.environ.get("MPLBACKEND", "").lower() == "agg" and _in_kernel():
        # Agg in the environment makes inline figures vanish from executed notebooks.
        matplotlib.use("module://matplotlib_inline.backend_inline")
    apply_theme()
    matplotlib.rcParams.update(
        {
            "figure.dpi": 100,
            "figure.figsize": (9, 4.5),
            "svg.hashsalt": "cjm",
            "text.parse_math": False,
        }
    )  # user text with '$' is never read as mathtext


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _show(fig: Any) -> Any:
    """Display a figure once, wherever it was made, so a cell can end with ``plt.show()``.

    Figures built with :class:`matplotlib.figure.Figure` (as the package does)
    are not known to pyplot, so ``plt.show()`` alone would not draw them; figures
    made through pyplot are shown here and closed so they do not appear twice.
    """
    if fig is None or not _in_kernel():
        return fig
    import io

    from IPython.display import Image, display

    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        display(fig)
        plt.close(fig)
        return fig
    buffer = io.BytesIO()  # a figure pyplot never saw has no inline formatter: send its PNG
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    display(Image(data=buffer.getvalue(), format="png"))
    return fig


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a file's versions apart without reading it: modification time (ns), size, inode."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def _dates_only(frame: Any) -> Any:
    """Timestamps shown as dates: a quote's day is what matters, and the table stays short."""
    if "timestamp" in getattr(frame, "columns", ()):
        frame = frame.assign(timestamp=frame["timestamp"].dt.strftime("%Y-%m-%d"))
    return frame


def note_html(message: str, tone: str = "info") -> str:
    """A short boxed note in a notebook: information (info), something to fix (warn), all good (ok)."""
    colour = {"info": "#2a7ab0", "warn": "#b7791f", "ok": "#2f855a"}.get(tone, "#2a7ab0")
    return (
        f"<div class='cjm-note' style='border-left:4px solid {colour};padding:6px 12px;"
        f'margin:6px 0;background:#f7f9fb;font-family:"DejaVu Sans",Arial,sans-serif\'>'
        f"{html.escape(message)}</div>"
    )


def _both(frame: Any, notes: list[str]) -> Any:
    """A table followed by boxed notes, as one display (the notes say what the table means)."""
    import pandas as pd

    from .text import esc

    table = (
        frame.to_html(index=False, escape=True) if isinstance(frame, pd.DataFrame) else esc(frame)
    )
    return _html(table + "".join(notes))


def _html(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


@dataclass
class Step:
    """One step notebook's view of the project and its data.

    Each public method is what one notebook cell shows: it asks the package
    (views, forms, checks, map, overlay) for the result and returns something
    that displays well (HTML, a DataFrame) or shows a figure. When data a view
    needs is missing, the method returns a note saying how to add it, so a new
    project runs top to bottom without errors.
    """

    number: int
    project_path: Path
    language: str = "en"
    events_path: Path | None = None
    survey_path: Path | None = None
    tickets_path: Path | None = None
    store: ProjectStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = ProjectStore(self.project_path)
        self._stamp = file_stamp(self.project_path)
        self.project = self.store.load()
        self._results: dict[str, Any] = {}

    @property
    def title(self) -> str:
        return STEP_TITLES[self.number]

    def reload(self) -> Project:
        """The project as saved: read again only when the file changed since the last read.

        A form (here or in another notebook) saving the project, or an edit by hand,
        changes the file's time, size or identity; otherwise the copy in memory is the file.
        """
        stamp = file_stamp(self.project_path)
        if stamp is None or stamp != self._stamp:
            self._stamp = stamp
            self.project = self.store.load()
        return self.project

    def _t(self, key: str, **values: Any) -> str:
        return t(f"notebook.{key}", self.language, **values)

    def note(self, key: str, tone: str = "info", **values: Any) -> Any:
        """A boxed note with a message from the ``notebook`` catalogue; tone is info, warn or ok."""
        return _html(note_html(self._t(key, **values), tone))

    # start here ---------------------------------------------------------------------

    def project_card(self) -> Any:
        """Which project and data files this notebook works on (file names, not folders)."""
        from .views import CARD_CSS, esc

        p = self.reload()
        files = []
        for kind, path in (
            ("events", self.events_path),
            ("survey", self.survey_path),
            ("tickets", self.tickets_path),
        ):
            state = (
                self._t("data_found")
                if path is not None and path.exists()
                else self._t("data_missing")
            )
            files.append(
                f"<li>{esc(self._t(f'data_{kind}'))}: {esc(path.name if path else '—')} ({esc(state)})</li>"
            )
        rows = [
            (self._t("project"), esc(p.name)),
            (self._t("file"), esc(self.project_path.name)),
            (self._t("about"), esc(p.description or "—")),
            (
                self._t("counts"),
                esc(
                    self._t(
                        "counts_value",
                        personas=len(p.personas),
                        stages=len(p.stages),
                        touchpoints=len(p.touchpoints),
                        journeys=len(p.journeys),
                    )
                ),
            ),
            (self._t("data"), "<ul>" + "".join(files) + "</ul>"),
        ]
        body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
        return _html(
            CARD_CSS + f"<div class='cjm-cards'><div class='cjm-card'><dl>{body}</dl></div></div>"
        )

    def overview(self) -> Any:
        """How many of each part the project holds."""
        from .views import project_overview

        return project_overview(self.reload(), self.language)

    # the step's interactive part -------------------------------------------------

    def form(self, journey_id: str | None = None, interactive: bool = True) -> Any:
        """The step's form, prefilled from the project; Save writes through the store.

        Headless (``interactive=False``) the filled-in card is returned instead of
        the widget, so the output reads well and nothing waits for a click.
        """
        from .forms import step_form

        form = step_form(self.number, self.store, lang=self.language, journey_id=journey_id)
        if interactive:
            return form
        bundle = form._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        return _html(data.get("text/html", ""))

    def checklist(self) -> Any:
        """Feedback on what this step collected, as a checklist (the whole project in step 0)."""
        from .checks import Checklist, check_project

        self.reload()
        step = self.number or None
        return Checklist(
            check_project(self.project, step=step, lang=self.language, today=reference_date()),
            self.language,
        )

    # step 1 ----------------------------------------------------------------------------

    def objective_card(self) -> Any:
        from .views import objective_card_html

        return _html(objective_card_html(self.reload(), self.language))

    def stakeholders(self) -> Any:
        """The stakeholders, most influential first, with how to work with each."""
        from .stakeholders import stakeholder_table

        p = self.reload()
        if not p.objectives.stakeholders:
            return _html(note_html(t("stakeholders.none", self.language), "warn"))
        return stakeholder_table(p, self.language)

    def plot_stakeholders(self) -> Any:
        """The influence x interest grid (nothing drawn while there are no stakeholders)."""
        from .stakeholders import stakeholder_figure

        p = self.reload()
        return _show(stakeholder_figure(p, self.language)) if p.objectives.stakeholders else None

    # step 2 ----------------------------------------------------------------------------

    def persona_cards(self) -> Any:
        from .views import persona_cards_html

        return _html(persona_cards_html(self.reload(), self.language))

    def survey_segments(self) -> Any:
        """Survey respondents by segment: sizes, and goals and pains by segment."""
        from .overlay import survey_segments

        return self._data("survey", "survey_segments", lambda: survey_segments(self.survey))

    def segment_profiles(self) -> Any:
        from .overlay import segment_profiles

        return self._data("survey", "segment_profiles", lambda: segment_profiles(self.survey))

    def plot_segments(self) -> Any:
        from .overlay.plots import plot_segments

        return self._plot("survey_segments", plot_segments)

    def persona_scores(self) -> Any:
        """Share of customers and value computed from the survey beside the typed ones, with warnings."""
        from .overlay.decision_views import persona_scores_table
        from .overlay.segments import persona_score_warnings, persona_scores

        p = self.reload()
        scores = self._data("survey", "persona_scores", lambda: persona_scores(self.survey, p))
        if not hasattr(scores, "itertuples"):
            return scores
        warnings = persona_score_warnings(scores, p.currency, self.language)
        notes = [note_html(line, "warn") for line in warnings] or [
            note_html(t("decisions.persona.all_agree", self.language), "ok")
        ]
        return _both(persona_scores_table(scores, p.currency, self.language), notes)

    def found_segments(self, k: int | None = None, seed: int = 0) -> Any:
        """Segments found in the survey answers by clustering, one profile per cluster."""
        from .overlay.decision_views import cluster_table
        from .overlay.segments import find_segments

        found = self._data(
            "survey", f"clusters_{k}_{seed}", lambda: find_segments(self.survey, k, seed)
        )
        return cluster_table(found, self.language) if hasattr(found, "columns") else found

    def persona_from_cluster(
        self,
        cluster: int,
        persona_id: str = "",
        name: str = "",
        k: int | None = None,
        seed: int = 0,
    ) -> Any:
        """A persona draft from one found cluster, shown as a card (nothing is saved)."""
        from .overlay.segments import find_segments, persona_from_cluster
        from .views import persona_cards_html

        found = self._data(
            "survey", f"clusters_{k}_{seed}", lambda: find_segments(self.survey, k, seed)
        )
        if not hasattr(found, "columns"):
            return found
        draft = persona_from_cluster(
            found,
            cluster,
            persona_id or f"cluster-{cluster}",
            name or t("decisions.cluster.draft_name", self.language, n=cluster),
            self.language,
        )
        preview = self.reload().model_copy(update={"personas": [draft]})
        return _html(persona_cards_html(preview, self.language))

    # step 3 ----------------------------------------------------------------------------

    def scoring_matrix(self) -> Any:
        from .views import scoring_matrix

        return scoring_matrix(self.reload(), self.language)

    def plot_scoring(self) -> Any:
        from .views import scoring_figure

        return _show(scoring_figure(self.reload(), self.language))

    def primary_persona(self) -> Any:
        """A sentence naming the persona the map follows first."""
        persona = self.reload().primary_persona()
        if persona is None:
            return self.note("no_primary", "warn")
        chosen = any(tp.primary for tp in self.project.target_personas)
        return self.note(
            "primary" if chosen else "primary_default",
            "ok" if chosen else "warn",
            name=persona.name,
        )

    # step 4 ----------------------------------------------------------------------------

    def inventory(self) -> Any:
        from .views import touchpoint_inventory

        return touchpoint_inventory(self.reload(), self.language)

    def plot_inventory(self) -> Any:
        from .views import inventory_figure

        return _show(inventory_figure(self.reload(), self.language))

    def empty_stages(self) -> Any:
        """A note naming the stages that have no touchpoint yet."""
        from .views import stages_without_touchpoints

        empty = stages_without_touchpoints(self.reload())
        if not empty:
            return self.note("no_empty_stages", "ok")
        return self.note("empty_stages", "warn", stages=", ".join(empty))

    def unmatched_events(self) -> Any:
        """Events in the log that match no touchpoint: candidates for the inventory."""
        return self._data(
            "events",
            "unmatched",
            lambda: self.events.unmatched_events(),
            empty_key="all_events_matched",
        )

    # step 5 ----------------------------------------------------------------------------

    def journeys(self) -> Any:
        """The project's journeys: persona, map type and the lanes each one draws."""
        import pandas as pd

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
        from .mapping import JourneyMap

        if not self.reload().journeys:
            return self.note("no_journeys", "warn")
        return JourneyMap(self.project, journey_id, lang=self.language)

    # step 6 ----------------------------------------------------------------------------

    def resources(self) -> Any:
        from .views import resource_table

        return resource_table(self.reload(), self.language)

    def resource_gaps(self) -> Any:
        from .views import resource_gaps

        return resource_gaps(self.reload(), self.language)

    def raci(self) -> Any:
        """Who is responsible, accountable, consulted and informed for each action."""
        from .stakeholders import raci_table

        p = self.reload()
        if not p.actions:
            return _html(note_html(t("stakeholders.raci.no_actions", self.language)))
        return raci_table(p, self.language)

    # step 7: the walkthrough beside the data ----------------------------------------

    def walkthrough(self) -> Any:
        from .views import walkthrough_table

        return walkthrough_table(self.reload(), self.language)

    def walkthrough_by_stage(self) -> Any:
        from .views import walkthrough_by_stage

        return walkthrough_by_stage(self.reload(), self.language)

    def funnel(self) -> Any:
        """Users reaching each stage, and how many drop off before the next."""
        from .overlay import funnel

        return self._data("events", "funnel", lambda: funnel(self.events))

    def plot_funnel(self) -> Any:
        from .overlay.plots import plot_funnel

        return self._plot("funnel", plot_funnel)

    def gaps(self) -> Any:
        """Where journeys break at a change of device, channel or department."""
        from .overlay import gaps

        return self._data("events", "gaps", lambda: gaps(self.events))

    def plot_gaps(self) -> Any:
        from .overlay.plots import plot_gaps

        return self._plot("gaps", plot_gaps)

    def switch_verdicts(self) -> Any:
        """Whether switching device, channel or department loses customers here, in sentences."""
        from .overlay.switches import switch_verdicts, verdict_lines

        found = self.gaps()
        if not hasattr(found, "columns"):
            return found
        verdicts = switch_verdicts(found)
        tones = {"supports": "warn", "contradicts": "info"}
        lines = verdict_lines(verdicts, self.language)
        shown = [v for v in verdicts["verdict"] if v != "unknown"]
        if not lines:
            return _html(note_html(t("decisions.switch.none", self.language)))
        return _html("".join(note_html(line, tones[v]) for line, v in zip(lines, shown)))

    def switch_points(self, kind: str = "device", n: int = 10) -> Any:
        """The most frequent switches of one kind and the drop-off after each."""
        from .overlay import switch_points
        from .overlay.decision_views import switch_table

        found = self._data(
            "events", f"switch_points_{kind}", lambda: switch_points(self.events, kind, n)
        )
        return switch_table(found, self.language) if hasattr(found, "columns") else found

    def plot_switch_points(self, kind: str = "device", n: int = 10) -> Any:
        from .overlay import switch_points
        from .overlay.switches import plot_switch_points, switch_verdicts

        found = self._data(
            "events", f"switch_points_{kind}", lambda: switch_points(self.events, kind, n)
        )
        gaps = self.gaps()
        if not hasattr(found, "columns") or not hasattr(gaps, "columns"):
            return None
        verdict = switch_verdicts(gaps).set_index("kind")
        stay = float(verdict.loc[kind, "stay_drop_off"]) if kind in verdict.index else None
        return _show(plot_switch_points(found, stay, self.language))

    def transitions(self, on: str = "touchpoint", n: int = 10) -> Any:
        """The most frequent moves from one touchpoint (or stage) to the next."""
        from .overlay import transitions
        from .overlay.decision_views import transitions_table

        found = self._data(
            "events",
            f"transitions_{on}",
            lambda: transitions(self.events, on=on),  # type: ignore[arg-type]
        )
        if not hasattr(found, "columns"):
            return found
        return transitions_table(found, self.project, n, self.language)

    def top_paths(self, on: str = "stage", n: int = 10) -> Any:
        """The most common whole journeys, repeats merged."""
        from .overlay import top_paths
        from .overlay.decision_views import paths_table

        found = self._data(
            "events",
            f"top_paths_{on}",
            lambda: top_paths(self.events, n, on=on),  # type: ignore[arg-type]
        )
        return (
            paths_table(found, self.project, self.language) if hasattr(found, "columns") else found
        )

    def stage_scores(self) -> Any:
        """NPS, CSAT and CES per stage from the survey."""
        from .overlay import score_summary
        from .overlay.decision_views import stage_scores_table

        found = self._data(
            "survey",
            "stage_scores",
            lambda: score_summary(self._survey_for_project(), by="stage"),
        )
        if not hasattr(found, "columns"):
            return found
        return stage_scores_table(found, self.project, self.language)

    def visits(self) -> Any:
        """First-visit against returning customers, and how each converts."""
        from .overlay.decision_views import visits_table
        from .overlay.visits import visit_groups

        found = self._data("events", "visits", lambda: visit_groups(self.events))
        return visits_table(found, self.language) if hasattr(found, "columns") else found

    def conversion_attribution(
        self, conversion_events: list[str] | None = None, occurrence: int = 1
    ) -> Any:
        """Attribution for a chosen conversion, must-pass touchpoints flagged, with the reasons."""
        from .overlay.conversion import attribution_notes, decision_attribution
        from .overlay.decision_views import attribution_table

        key = f"attribution_{conversion_events}_{occurrence}"
        found = self._data(
            "events",
            key,
            lambda: decision_attribution(self.events, "touchpoint", conversion_events, occurrence),
        )
        if not hasattr(found, "columns"):
            return found
        notes = [note_html(line) for line in attribution_notes(found, self.language)]
        return _both(attribution_table(found, self.language), notes)

    def data_kpis(self) -> Any:
        """KPIs measured from the event log (and tickets, when there are any)."""
        from .overlay import kpis

        return self._data(
            "events", "kpis", lambda: kpis(self.events, tickets=self._optional_tickets())
        )

    def plot_kpis(self) -> Any:
        from .overlay.plots import plot_kpis

        return self._plot("kpis", plot_kpis)

    def attribution(self) -> Any:
        """Credit for conversions by touchpoint: first touch, last touch, removal effect."""
        from .overlay import attribution

        return self._data(
            "events", "attribution", lambda: attribution(self.events, by="touchpoint")
        )

    def plot_attribution(self) -> Any:
        from .overlay.plots import plot_attribution

        return self._plot("attribution", plot_attribution)

    def emotion_curve(self, journey_id: str | None = None) -> Any:
        """Feeling per stage from the survey, against the one stated on the map."""
        from .overlay import emotion_curve

        return self._data(
            "survey",
            "emotion_curve",
            lambda: emotion_curve(self.survey, self.project, journey_id=journey_id),
        )

    def plot_emotion_curve(self) -> Any:
        from .overlay.plots import plot_emotion_curve

        return self._plot("emotion_curve", plot_emotion_curve)

    def ticket_counts(self) -> Any:
        from .overlay import ticket_counts

        return self._data("tickets", "ticket_counts", lambda: ticket_counts(self.tickets))

    def plot_tickets(self) -> Any:
        from .overlay.plots import plot_tickets

        return self._plot("ticket_counts", plot_tickets)

    def ticket_quotes(self) -> Any:
        from .overlay import ticket_quotes

        return self._data(
            "tickets", "ticket_quotes", lambda: _dates_only(ticket_quotes(self.tickets, n=2))
        )

    def _themes(self) -> Any:
        """Themes from the survey's comments and the tickets, computed once per notebook."""
        if "themes" not in self._results:
            from .overlay.themes import project_themes

            survey = (
                self.survey if self.survey_path is not None and self.survey_path.exists() else None
            )
            self._results["themes"] = project_themes(
                self.project, survey, self._optional_tickets(), lang=self.language
            )
        return self._results["themes"]

    def _themes_or_note(self) -> Any:
        """The themes, or the note to show instead (no texts, texts that cannot be read, too few)."""
        from .errors import CJMError

        if not any(p is not None and p.exists() for p in (self.survey_path, self.tickets_path)):
            return self.note("no_survey")
        try:
            result = self._themes()
        except CJMError as exc:
            return _html(note_html(str(exc), "warn"))
        return result if len(result.themes) else self.note("no_themes", "ok")

    def customer_themes(self) -> Any:
        """Themes in what customers wrote: where they come up, how customers felt, the trend, quotes."""
        result = self._themes_or_note()
        return _html(result.html(self.language)) if hasattr(result, "themes") else result

    def themes_on_map(self) -> Any:
        """The primary journey's map with the themes as observed pain points (and thoughts)."""
        from .mapping import JourneyMap

        result = self._themes_or_note()
        if not hasattr(result, "themes"):
            return result
        return JourneyMap(result.on_map(self.reload(), lang=self.language), lang=self.language)

    # step 8 ----------------------------------------------------------------------------

    def plot_impact_effort(self) -> Any:
        from .views import impact_effort_figure

        return _show(impact_effort_figure(self.reload(), self.language))

    def action_plan(self) -> Any:
        from .views import action_plan

        return action_plan(self.reload(), self.language)

    def kpi_targets(self) -> Any:
        from .views import kpi_table

        return kpi_table(self.reload(), self.language)

    def _measured_baselines(self) -> Any:
        """(project with measured baselines, what changed), or a note when there is no event log."""
        from .overlay import kpis
        from .overlay.targets import measured_baselines

        measured = self._data(
            "events", "kpis", lambda: kpis(self.events, tickets=self._optional_tickets())
        )
        if not hasattr(measured, "columns"):
            return measured
        return measured_baselines(self.reload(), measured)

    def measured_baselines(self) -> Any:
        """KPIs whose baseline comes from step 7's measurement, typed beside measured."""
        from .overlay.decision_views import baselines_table

        found = self._measured_baselines()
        if not isinstance(found, tuple):
            return found
        if found[1].empty:
            return _html(note_html(t("decisions.baselines.none", self.language), "warn"))
        return baselines_table(found[1], self.language)

    def plan_by_effect(self) -> Any:
        """The action plan by expected revenue effect beside RICE, with each estimate's formula."""
        from .overlay.targets import ranked_plan

        found = self._measured_baselines()
        baselines = (
            dict(zip(found[1]["kpi"], found[1]["baseline"])) if isinstance(found, tuple) else {}
        )
        return ranked_plan(self.reload(), baselines, self.language)

    def compare_maps(self) -> Any:
        """The current-state map beside the future-state one."""
        from .mapping import compare_maps

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
        from .diff import diff_with_previous

        diff = diff_with_previous(self.project_path, today=reference_date(), lang=self.language)
        if not diff:
            return self.note("no_changes")
        return diff

    def review_status(self) -> Any:
        """When the map is next due for review, and whether that date has passed."""
        from .diff import review_status

        status = review_status(self.reload(), today=reference_date())
        return _html(note_html(status.message(self.language), "warn" if status.overdue else "ok"))

    def brief(self) -> Any:
        """The one-page buy-in brief for leadership and sales (also written as brief.html)."""
        from .report.brief import brief_html

        return _html(brief_html(self.reload(), self.language))

    # data plumbing -------------------------------------------------------------------

    def _survey_for_project(self) -> Any:
        """The survey with stage and touchpoint names turned into this project's ids."""
        from .overlay import load_survey

        return load_survey(self.survey, self.project, self.language)

    def _optional_tickets(self) -> Any:
        return (
            self.tickets if self.tickets_path is not None and self.tickets_path.exists() else None
        )

    def _data(self, kind: str, name: str, compute: Any, empty_key: str | None = None) -> Any:
        """Compute a data view once; a note instead when the data is missing or unreadable."""
        if name in self._results:
            return self._results[name]
        from .errors import CJMError

        path = getattr(self, f"{kind}_path")
        if path is None:
            result = self.note(f"no_{kind}")
        elif not path.exists():
            result = self.note(
                "data_file_missing", "warn", file=path.name, kind=self._t(f"data_{kind}")
            )
        else:
            try:
                result = compute()
            except CJMError as exc:
                result = _html(note_html(str(exc), "warn"))
            else:
                if empty_key and getattr(result, "empty", False):
                    result = self.note(empty_key, "ok")
        self._results[name] = result
        return result

    def _plot(self, name: str, plot: Any) -> Any:
        """Draw a figure from a data view computed earlier (or now); nothing when the data is missing."""
        import pandas as pd

        frame = self._results.get(name)
        if frame is None:
            frame = getattr(self, name)()
        if not isinstance(frame, pd.DataFrame):
            return None
        return _show(plot(frame, lang=self.language))

    # data --------------------------------------------------------------------------------

    @cached_property
    def events(self) -> Any:
        """The event log mapped onto the project's touchpoints (read and mapped once, kept in DuckDB).

        Kept as a table so the step's analyses (funnel, gaps, KPIs, attribution) do not each
        read and map the file again."""
        from .errors import CJMError
        from .overlay import load_events
        from .reading import for_notebook

        if self.events_path is None:
            raise CJMError(t("errors.notebook.no_events", self.language))
        options = for_notebook(self.project.data).event_kwargs()
        return load_events(self.events_path, project=self.project, **options).cached()

    @cached_property
    def survey(self) -> Any:
        from .errors import CJMError
        from .overlay import load_survey
        from .reading import call_accepting, for_notebook

        if self.survey_path is None:
            raise CJMError(t("errors.notebook.no_survey", self.language))
        return call_accepting(
            load_survey, self.survey_path, **for_notebook(self.project.data).date_kwargs()
        )

    @cached_property
    def tickets(self) -> Any:
        from .errors import CJMError
        from .overlay import load_tickets
        from .reading import call_accepting, for_notebook

        if self.tickets_path is None:
            raise CJMError(t("errors.notebook.no_tickets", self.language))
        return call_accepting(
            load_tickets,
            self.tickets_path,
            self.project,
            **for_notebook(self.project.data).date_kwargs(),
        )


def reference_date() -> dt.date:
    """Today, unless ``CJM_TODAY`` (YYYY-MM-DD) fixes the date for reproducible runs."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            from .errors import CJMError

            raise CJMError(
                t("errors.notebook.bad_today", name=TODAY_ENV, value=repr(fixed))
            ) from None
    return dt.date.today()


def show_errors_as_messages() -> None:
    """In a kernel, show our own errors (a problem in the learner's input) as their message only.

    The cell still fails (papermill and nbval still see an error), but the learner reads
    "ProjectInvalid: project.cjm.yaml: ... names: is empty" instead of a traceback.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from .errors import CJMError

    def message_only(
        shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
    ) -> None:
        shell._showtraceback(etype, value, [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"])

    shell.set_custom_exc((CJMError,), message_only)


def start_step(
    number: int,
    project_file: str = "",
    events_file: str = "",
    survey_file: str = "",
    tickets_file: str = "",
    language: str = "",
) -> Step:
    """Open the project and data a step notebook works on, and set up plotting.

    An empty ``language`` means the project's own; a language given with no project
    opens a copy of that language's sample.
    """
    show_errors_as_messages()
    setup_plots()
    if language:
        check_language(language)
    step = Step(
        number=number,
        project_path=paths.resolve_project(project_file, lang=language),
        language=language or "en",
    )
    step.language = check_language(language or step.project.language)
    from .tables import show_tables_in_notebook

    show_tables_in_notebook(step.language, step.reload)
    declared = step.project.data
    step.events_path = paths.resolve_data(events_file, step.project_path, declared.events)
    step.survey_path = paths.resolve_data(survey_file, step.project_path, declared.survey)
    step.tickets_path = paths.resolve_data(tickets_file, step.project_path, declared.tickets)
    return step
