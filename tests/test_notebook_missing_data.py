"""A step asked for data the project does not have says so in the step's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.errors import CJMError
from cjm_helpers.i18n import t
from cjm_helpers.notebook import Step


@pytest.mark.parametrize("kind", ["events", "survey", "tickets"])
def test_missing_data_is_named_in_the_steps_language(sample_copy: Path, kind: str) -> None:
    step = Step(number=7, project_path=sample_copy, language="pl")
    with pytest.raises(CJMError) as raised:
        getattr(step, kind)
    assert str(raised.value) == t(f"errors.notebook.no_{kind}", "pl")
