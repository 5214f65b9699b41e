"""The worked examples place their stages before, during and after the first order,
so the map in the report shows the phase bands and each stage's time span."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.paths import SAMPLE_DIR, SAMPLE_PROJECT
from cjm_helpers.report.build import map_fragment
from cjm_helpers.store import load_project
from cjm_helpers.text import esc

SAMPLES = {
    "en": SAMPLE_PROJECT,
    "id": SAMPLE_DIR / "id" / "kopiloka.cjm.yaml",
    "pl": SAMPLE_DIR / "pl" / "zakwasownia.cjm.yaml",
}


@pytest.mark.parametrize(("lang", "path"), SAMPLES.items())
def test_every_sample_stage_has_a_phase_and_a_time_span(lang: str, path: Path) -> None:
    project = load_project(path)
    phases = [stage.phase for stage in project.stages]
    assert phases == ["before", "before", "during", "after", "after"]
    assert all(stage.time_span.strip() for stage in project.stages)


@pytest.mark.parametrize(("lang", "path"), SAMPLES.items())
def test_the_sample_report_map_bands_the_phases_with_the_time_spans(lang: str, path: Path) -> None:
    project = load_project(path)
    html = map_fragment(project, None, lang)
    assert 'data-phase="before" style="grid-column:span 2;' in html
    assert 'data-phase="during" style="grid-column:span 1;' in html
    assert 'data-phase="after" style="grid-column:span 2;' in html
    for stage in project.stages:
        assert f'<span class="cjmmap-span">{esc(stage.time_span)}</span>' in html


def test_the_translated_samples_tell_the_time_in_their_own_language() -> None:
    spans = {lang: load_project(path).stages[2].time_span for lang, path in SAMPLES.items()}
    assert len(set(spans.values())) == 3  # not the English text copied
