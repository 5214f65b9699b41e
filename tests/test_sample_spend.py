"""The sample survey holds what each respondent spends, so a persona's value comes from the data."""

from __future__ import annotations

import csv
import io
import statistics

import pandas as pd
import pytest

from cjm_helpers import paths
from cjm_helpers.model import Persona, Project, TargetPersona
from cjm_helpers.overlay import generate_survey, load_survey
from cjm_helpers.overlay.feedback_samples import (
    SPEND_ANSWERED,
    SPEND_SHIFT,
    SPEND_UNLINKED,
    _phrases,
    _segments,
    _typical_spend,
)
from cjm_helpers.overlay.segments import persona_score_warnings, persona_scores
from cjm_helpers.store import load_project


def test_typical_spend_of_each_segment_by_hand() -> None:
    project = Project(
        name="Shop",
        personas=[
            Persona(id="a", name="A", value=1000, share_of_customers=0.5),
            Persona(id="b", name="B", value=500, share_of_customers=0.3),
        ],
        target_personas=[TargetPersona(persona="a", primary=True)],
    )
    segments, _ = _segments(project, _phrases(project))
    typical = _typical_spend(project, segments)
    # primary: its typed 1000; the other: 1.4 x 500 = 700;
    # segments no persona covers: 0.6 x the mean typed value (1000 + 500) / 2 = 450
    assert (SPEND_SHIFT, SPEND_UNLINKED) == (1.4, 0.6)
    assert typical == pytest.approx([1000, 700] + [450] * (len(segments) - 2))


def test_no_typed_value_no_spend() -> None:
    project = Project(name="Shop", personas=[Persona(id="a", name="A")])
    survey = generate_survey(project, n=20, seed=1)
    assert survey["spend"].isna().all()


def _spend_of(rows: list[dict[str, str]], persona: str) -> list[float]:
    """Each respondent's spend (said once per respondent), read without pandas."""
    seen: dict[str, float] = {}
    for row in rows:
        if row["persona"] == persona and row["spend"]:
            seen[row["respondent_id"]] = float(row["spend"])
    return list(seen.values())


def test_the_sample_survey_is_the_generators_with_spend() -> None:
    project = load_project(paths.SAMPLE_PROJECT)
    generated = generate_survey(project, n=300, seed=7).to_csv(index=False)
    committed = paths.SAMPLE_SURVEY.read_text(encoding="utf-8")
    assert committed.replace("\r\n", "\n") == generated  # `cjm sample-data --seed 7`
    rows = list(csv.DictReader(io.StringIO(committed)))
    respondents = {r["respondent_id"] for r in rows}
    answered = {r["respondent_id"] for r in rows if r["spend"]}
    assert 0.75 < len(answered) / len(respondents) < 0.95  # about SPEND_ANSWERED of them
    assert SPEND_ANSWERED == 0.85
    for respondent in answered:  # one spend per respondent, on each of their rows
        assert len({r["spend"] for r in rows if r["respondent_id"] == respondent}) == 1
    rina = statistics.median(_spend_of(rows, "rina"))  # primary: typed 2,400,000 IDR
    dimas = statistics.median(_spend_of(rows, "dimas"))  # typed 900,000: spends 1.4 times that
    assert 2_400_000 * 0.85 < rina < 2_400_000 * 1.15
    assert 1_260_000 * 0.85 < dimas < 1_260_000 * 1.15


def test_persona_value_on_the_sample_comes_from_spend() -> None:
    project = load_project(paths.SAMPLE_PROJECT)
    rows = list(csv.DictReader(io.StringIO(paths.SAMPLE_SURVEY.read_text(encoding="utf-8"))))
    scores = persona_scores(load_survey(paths.SAMPLE_SURVEY, project=project), project)
    scores = scores.set_index("persona")
    for persona in ("rina", "dimas"):
        spent = _spend_of(rows, persona)
        assert scores.loc[persona, "value"] == pytest.approx(sum(spent) / len(spent))
    # the sample's finding: Dimas spends about 1.3 million a year, not the 900,000 typed
    assert scores.loc["dimas", "value_disagrees"]
    assert not scores.loc["rina", "value_disagrees"]
    warnings = persona_score_warnings(scores.reset_index(), project.currency, "en")
    assert any(line.startswith("Dimas") and "900,000 IDR" in line for line in warnings)


def test_translated_samples_carry_the_same_spend() -> None:
    english = pd.read_csv(paths.SAMPLE_SURVEY, dtype=str, keep_default_na=False)
    indonesian = pd.read_csv(
        paths.SAMPLE_DIR / "id" / "survey.csv", dtype=str, keep_default_na=False
    )
    assert english["spend"].tolist() == indonesian["spend"].tolist()
    polish = pd.read_csv(paths.SAMPLE_DIR / "pl" / "survey.csv", dtype=str, keep_default_na=False)
    assert (polish["spend"] != "").mean() > 0.75
