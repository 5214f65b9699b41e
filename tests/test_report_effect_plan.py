"""The report's action plan ordered by expected revenue effect as well as by RICE."""

from __future__ import annotations

import pandas as pd

from cjm_helpers.model import KPI, Opportunity, Persona, Project, TargetPersona
from cjm_helpers.report import build_report


def _project() -> Project:
    return Project(
        name="Plan",
        personas=[Persona(id="p", name="Pat", value=100)],
        target_personas=[TargetPersona(persona="p", primary=True)],
        kpis=[
            KPI(id="kpi-repeat", name="Repeat rate", unit="%", baseline=40, target=50),
            KPI(
                id="kpi-checkout-abandon",
                name="Checkout abandonment",
                unit="%",
                baseline=38,
                target=25,
            ),
        ],
        opportunities=[
            Opportunity(
                id="o-repeat",
                title="Bring them back",
                reach=1000,
                impact=2,
                effort=4,
                confidence=0.5,
                kpis=["kpi-repeat"],
            ),
            Opportunity(
                id="o-promo",
                title="Fix promo codes",
                reach=100,
                impact=5,
                effort=1,
                confidence=1.0,
                kpis=["kpi-checkout-abandon"],
            ),
        ],
    )


def _effect_part(page: str) -> str:
    start = page.index('class="cjm-effect-plan"')
    return page[start : page.index("</section>", start)]


def test_plan_by_effect_with_measured_baselines_by_hand() -> None:
    measured = pd.DataFrame(
        [("checkout_abandonment", 0.30, "share")], columns=["kpi", "value", "unit"]
    )
    part = _effect_part(build_report(_project(), "en", {"kpis": measured}))
    assert "The plan by expected revenue effect" in part
    assert "A customer is worth 100 IDR a year: the value of Pat, the primary persona." in part
    # a quarter, with a customer worth 100 / 4 = 25 IDR a quarter:
    # Bring them back: 1000 x (50 - 40) / 100 x 25 x 0.5 = 1,250 IDR (effect rank 1, RICE 250: rank 2)
    # Fix promo codes: abandonment measured at 30% (typed 38%): 100 x (30 - 25) / 100 x 25 x 1.0
    # = 125 IDR (effect rank 2, RICE 5 x 100 x 1 / 1 = 500: rank 1)
    assert part.index("Bring them back") < part.index("Fix promo codes")
    back = part[part.index("<td>Bring them back</td>") : part.index("<td>Fix promo codes</td>")]
    promo = part[part.index("<td>Fix promo codes</td>") :]
    assert "<td>1,250 IDR</td>" in back and "<td>250</td>" in back
    assert "<td>125 IDR</td>" in promo and "<td>500</td>" in promo
    assert (
        "1,000 customers a quarter × 10 points (Repeat rate) × 25 IDR a quarter"
        " (100 IDR a year ÷ 4) × confidence 0.5"
    ) in back
    assert (
        "100 customers a quarter × 5 points (Checkout abandonment) × 25 IDR a quarter"
        " (100 IDR a year ÷ 4) × confidence 1"
    ) in promo
    assert "Expected effect a quarter" in part and "it is not a yearly figure" in part
    # the baseline step 7 measured, beside the typed one
    assert "Baselines measured in step 7" in part
    baselines = part[part.index("Baselines measured in step 7") :]
    assert "<td>38</td>" in baselines and "<td>30</td>" in baselines


def test_plan_by_effect_without_an_event_log_uses_typed_baselines() -> None:
    part = _effect_part(build_report(_project(), "en", {}))
    # Fix promo codes: 100 x (38 - 25) / 100 x 25 x 1.0 = 325 IDR a quarter
    assert "<td>325 IDR</td>" in part
    assert "the effects use the typed baselines" in part
    assert "Baselines measured in step 7" not in part


def test_plan_by_effect_in_indonesian_and_polish() -> None:
    for lang, title in (
        ("id", "Rencana menurut dampak pendapatan yang diharapkan"),
        ("pl", "Plan według oczekiwanego efektu przychodowego"),
    ):
        assert title in _effect_part(build_report(_project(), lang, {}))
