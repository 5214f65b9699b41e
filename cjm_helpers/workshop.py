"""The workshop app: the eight step forms on one page, no code, for a team in a room.

``workshop_app(project_file, lang)`` is the whole page as one widget: a header, a
row of step buttons and, below them, the chosen step's form with what the step
produces (the personas, the map, the funnel...). Forms are the notebooks' own, so
saves are the same atomic, merged saves; after a save the step's result is drawn
again. ``cjm workshop`` serves the page with Voilà (see ``commands/workshop.py``).
"""

from __future__ import annotations

__all__ = ["RESULTS", "STEPS", "StepPanel", "show", "step_label", "workshop_app"]

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from .i18n import check_language, t
from .notebook import Step, start_step
from .views import esc

STEPS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)

# What each step shows below its form: the Step methods a notebook calls for the step's result.
RESULTS: dict[int, tuple[str, ...]] = {
    1: ("objective_card", "checklist"),
    2: ("persona_cards", "checklist"),
    3: ("scoring_matrix", "plot_scoring", "primary_persona"),
    4: ("inventory", "empty_stages"),
    5: ("journey_map",),
    6: ("resources", "resource_gaps"),
    7: ("walkthrough_by_stage", "plot_funnel", "plot_emotion_curve"),
    8: ("action_plan", "plot_impact_effort", "review_status"),
}


def step_label(number: int, lang: str) -> str:
    """The button text of one step: its number and short title in the page's language."""
    return f"{number} · {t(f'workshop.step.{number}', lang)}"


def _show_results(step: Step, out: widgets.Output) -> None:
    """Draw the step's results into ``out`` from the project as saved now."""
    import matplotlib.pyplot as plt

    out.clear_output(wait=True)
    with out:
        step.reload()
        for name in RESULTS[step.number]:
            result = getattr(step, name)()
            if result is not None:
                display(result)
            plt.show()


class StepPanel:
    """One step: its form, then its results, drawn again after every save."""

    def __init__(self, number: int, project_file: str, lang: str) -> None:
        self.step = start_step(number, project_file, language=lang)
        self.form = self.step.form(interactive=True)
        self.results = widgets.Output(layout=widgets.Layout(margin="16px 0 0 0"))
        self.results.add_class("cjm-workshop-results")
        heading = widgets.HTML(f"<h2>{esc(step_label(number, lang))}</h2>")
        self.form.save_button.on_click(lambda _button: self.show_results())
        self.widget = widgets.VBox([heading, self.form.widget, self.results])
        self.show_results()

    def show_results(self) -> None:
        _show_results(self.step, self.results)

    def refresh(self) -> None:
        """Coming back to the step: show what others saved meanwhile, unless this form holds edits."""
        if self.form.refresh():
            self.show_results()


def workshop_app(
    project_file: str, lang: str = "en", panel: Callable[[int, str, str], Any] = StepPanel
) -> widgets.Widget:
    """The whole workshop page; a step's panel is built the first time it is opened."""
    check_language(lang)
    nav = widgets.ToggleButtons(
        options=[(step_label(n, lang), n) for n in STEPS],
        value=STEPS[0],
        style={"button_width": "auto"},
    )
    nav.add_class("cjm-workshop-nav")
    body = widgets.Box(layout=widgets.Layout(width="100%"))
    built: dict[int, Any] = {}

    def open_step(number: int) -> None:
        if number in built:
            built[number].refresh()
        else:
            built[number] = panel(number, project_file, lang)
        body.children = (built[number].widget,)

    nav.observe(lambda change: open_step(change["new"]), names="value")
    open_step(STEPS[0])
    intro = widgets.HTML(
        f"<h1>{esc(t('workshop.title', lang))}</h1><p>{esc(t('workshop.intro', lang))}</p>"
    )
    app = widgets.VBox([intro, nav, body])
    app.add_class("cjm-workshop")
    return app


def show(project_file: str, lang: str = "en") -> Any:
    """Display the workshop page (the one line of the app notebook)."""
    app = workshop_app(project_file, lang)
    display(app)
    return None
