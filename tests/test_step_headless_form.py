"""A headless form shows its filled-in card without building the widgets' display state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cjm_helpers.notebook import Step
from cjm_helpers.store import ProjectStore


def test_a_headless_form_shows_its_card_without_serialising_the_widgets(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipywidgets

    from cjm_helpers.forms import step_form

    bundles: list[int] = []
    original = ipywidgets.Widget._repr_mimebundle_

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        bundles.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ipywidgets.Widget, "_repr_mimebundle_", counting)
    for number in (1, 2, 8):
        shown = Step(number=number, project_path=sample_copy).form(interactive=False)
        assert shown.data == step_form(number, ProjectStore(sample_copy)).card_html()
    assert bundles == []
