"""Forms for the eight steps: ipywidgets editors prefilled from the project, saved through the store.

``step_form(n, store)`` gives step ``n``'s :class:`StepForm`: show it in a notebook,
or, without a browser, set its widgets and call ``form.save()`` (or click
``form.save_button``). Static exports show a filled-in card of the values.
"""

from __future__ import annotations

from ..errors import CJMError
from ..i18n import LANGUAGES, t
from ..store import ProjectStore
from .base import StepForm
from .changes import ChangesForm
from .map_elements import MapElementsForm
from .objectives import ObjectivesForm
from .personas import PersonasForm
from .resources import ResourcesForm
from .targets import TargetsForm
from .touchpoints import TouchpointsForm
from .walkthrough import WalkthroughForm

FORMS: dict[int, type[StepForm]] = {
    1: ObjectivesForm,
    2: PersonasForm,
    3: TargetsForm,
    4: TouchpointsForm,
    5: MapElementsForm,
    6: ResourcesForm,
    7: WalkthroughForm,
    8: ChangesForm,
}


def step_form(
    number: int, store: ProjectStore, lang: str = "en", journey_id: str | None = None
) -> StepForm:
    """The form of step ``number`` (1-8) for the project in ``store``."""
    try:
        form_class = FORMS[number]
    except KeyError:
        raise CJMError(
            t("errors.forms.no_form", lang if lang in LANGUAGES else "en", number=number)
        ) from None
    return form_class(store, lang=lang, journey_id=journey_id)


__all__ = ["FORMS", "StepForm", "step_form"]
