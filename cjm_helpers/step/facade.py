"""``Step``, one step notebook's view of the project and its data, and ``start_step`` that opens it."""

from __future__ import annotations

from .. import collector, paths
from ..i18n import check_language
from ..tables import show_tables_in_notebook
from .common import show_errors_as_messages
from .display import setup_plots
from .event_views import EventViews
from .form_views import FormViews
from .project_views import ProjectViews
from .survey_views import SurveyViews
from .ticket_views import TicketViews

__all__ = ["Step", "start_step"]


class Step(ProjectViews, FormViews, EventViews, SurveyViews, TicketViews):
    """One step notebook's view of the project and its data.

    Each public method is what one notebook cell shows: it asks the package
    (views, forms, checks, map, overlay) for the result and returns something
    that displays well (HTML, a DataFrame) or shows a figure. When data a view
    needs is missing, the method returns a note saying how to add it, so a new
    project runs top to bottom without errors.
    """


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
    collector.tune_for_one_run()
    if language:
        check_language(language)
    step = Step(
        number=number,
        project_path=paths.resolve_project(project_file, lang=language),
        language=language or "en",
    )
    step.language = check_language(language or step.project.language)
    show_tables_in_notebook(step.language, step.reload)
    declared = step.project.data
    step.events_path = paths.resolve_data(events_file, step.project_path, declared.events)
    step.survey_path = paths.resolve_data(survey_file, step.project_path, declared.survey)
    step.tickets_path = paths.resolve_data(tickets_file, step.project_path, declared.tickets)
    return step
