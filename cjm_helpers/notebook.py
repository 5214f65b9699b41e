"""What a step notebook needs in one call: the project, its store, its data, nice plots.

A notebook's first code cell after the parameters is ``step = start_step(n, ...)``;
every later cell asks ``step`` for a form, a checklist, the map or the overlay.
Paths come from parameters, the ``CJM_PROJECT`` variable or the sample, never
from the current folder, so JupyterLab, nbval and papermill all open the same
files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import paths
from .i18n import check_language
from .model import Project
from .store import ProjectStore

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
    import seaborn as sns

    if os.environ.get("MPLBACKEND", "").lower() == "agg" and _in_kernel():
        # Agg in the environment makes inline figures vanish from executed notebooks.
        matplotlib.use("module://matplotlib_inline.backend_inline")
    sns.set_theme(context="notebook", style="whitegrid", palette="deep", font="DejaVu Sans")
    matplotlib.rcParams.update({"figure.dpi": 100, "figure.figsize": (9, 4.5), "svg.hashsalt": "cjm"})


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


@dataclass
class Step:
    """One step notebook's view of the project and its data."""

    number: int
    project_path: Path
    language: str = "en"
    events_path: Path | None = None
    survey_path: Path | None = None
    tickets_path: Path | None = None
    store: ProjectStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = ProjectStore(self.project_path)
        self.project = self.store.load()

    @property
    def title(self) -> str:
        return STEP_TITLES[self.number]

    def reload(self) -> Project:
        """Read the project again, e.g. after a form in another notebook saved it."""
        self.project = self.store.load()
        return self.project

    # the step's interactive part -------------------------------------------------

    def form(self, journey_id: str | None = None) -> Any:
        """The step's form, prefilled from the project; Save writes through the store."""
        from .forms import step_form

        return step_form(self.number, self.store, lang=self.language, journey_id=journey_id)

    def checklist(self) -> Any:
        """Feedback on what this step collected, as a checklist."""
        from .checks import Checklist, check_project

        self.reload()
        return Checklist(check_project(self.project, step=self.number, lang=self.language), self.language)

    # the map -----------------------------------------------------------------------

    def journey_map(self, journey_id: str | None = None) -> Any:
        from .mapping import JourneyMap

        return JourneyMap(self.reload(), journey_id, lang=self.language)

    # data ----------------------------------------------------------------------------

    @cached_property
    def events(self) -> Any:
        """The event log mapped onto the project's touchpoints (loaded once)."""
        from .errors import CJMError
        from .overlay import load_events

        if self.events_path is None:
            raise CJMError("no event log given; set the events_file parameter")
        return load_events(self.events_path, project=self.project)

    @cached_property
    def survey(self) -> Any:
        from .errors import CJMError
        from .overlay import load_survey

        if self.survey_path is None:
            raise CJMError("no survey file given; set the survey_file parameter")
        return load_survey(self.survey_path)

    @cached_property
    def tickets(self) -> Any:
        from .errors import CJMError
        from .overlay import load_tickets

        if self.tickets_path is None:
            raise CJMError("no tickets file given; set the tickets_file parameter")
        return load_tickets(self.tickets_path, self.project)


def start_step(
    number: int,
    project_file: str = "",
    events_file: str = "",
    survey_file: str = "",
    tickets_file: str = "",
    language: str = "en",
) -> Step:
    """Open the project and data a step notebook works on, and set up plotting."""
    setup_plots()
    step = Step(number=number, project_path=paths.resolve_project(project_file),
                language=check_language(language))
    declared = step.project.data
    step.events_path = paths.resolve_data(events_file, step.project_path, declared.events)
    step.survey_path = paths.resolve_data(survey_file, step.project_path, declared.survey)
    step.tickets_path = paths.resolve_data(tickets_file, step.project_path, declared.tickets)
    return step
