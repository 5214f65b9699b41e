"""The step notebooks' facade, by concern: :class:`~cjm_helpers.notebook.Step` is put together here.

- ``common``: what needs no data libraries (step titles, today, file stamps, notes, errors as messages);
- ``display``: HTML, figures and the plot theme in a notebook;
- ``base``: the project and data files a step reads, each read again only when it changed;
- ``project_views``, ``form_views``, ``event_views``, ``survey_views``, ``ticket_views``: what cells show;
- ``facade``: ``Step`` itself and ``start_step``.

Notebooks import from :mod:`cjm_helpers.notebook`; this package stays light to import
(only ``common``), so the facade's heavy libraries load when a notebook starts a step.
"""

from __future__ import annotations

from .common import STEP_TITLES, TODAY_ENV, file_stamp, note_html, reference_date

__all__ = ["STEP_TITLES", "TODAY_ENV", "file_stamp", "note_html", "reference_date"]
