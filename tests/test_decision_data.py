"""Data that feeds decisions, on hand-made data whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.model import KPI, Opportunity, Persona, Project, TargetPersona, Touchpoint
from cjm_helpers.overlay import load_events, load_survey
from cjm_helpers.overlay.conversion import attribution_notes, decision_attribution
from cjm_helpers.overlay.periods import compare_periods, parse_period, two_proportion_z
from cjm_helpers.overlay.segments import (
    find_segments,
    persona_from_cluster,
    persona_score_warnings,
    persona_scores,
)
from cjm_helpers.overlay.switches import switch_verdicts, verdict_lines
from cjm_helpers.overlay.targets import (
    matches,
    measured_baselines,
    opportunity_effects,
    ranked_plan,
)
from cjm_helpers.overlay.visits import visit_groups

# --- steps 2/3: persona scores from the survey ----------------------------------------


def _survey(rows: list[tuple]) -> pd.DataFrame:
    return load_survey(
        pd.DataFrame(
            rows, columns=["respondent_id", "stage", "emotion", "csat", "segment", "spend"]
        )
    )


SEGMENT_ROWS = [
    ("r1", "purchase", 1, 4, "Commuter", 1000),
    ("r1", "retention", 0, 2, "Commuter", None),  # a second stage of r1: spend counted once
    ("r2", "purchase", 0, 3, "Commuter", 2000),
    ("r3", "purchase", -1, 5, "commuter ", 3000),  # case and spaces do not matter
    ("r4", "purchase", 2, 1, "Student", 500),
]


def _project_with_personas() -> Project:
    return Project(
        name="Scores",
        personas=[
            Persona(id="rina", name="Rina", segment="Commuter", share_of_customers=0.5, value=2000),
            Persona(
                id="dimas", name="Dimas", segment="Student", share_of_customers=0.25, value=1000
            ),
            Persona(id="ola", name="Ola"),
        ],
        target_personas=[TargetPersona(persona="rina", share_score=2, value_score=5)],
    )


def test_persona_share_value_and_scores_from_linked_segments() -> None:
    scores = persona_scores(_survey(SEGMENT_ROWS), _project_with_personas()).set_index("persona")
    # Commuter: r1, r2, r3 of 4 respondents; spend (1000 + 2000 + 3000) / 3
    assert scores.loc["rina", "respondents"] == 3
    assert scores.loc["rina", "share"] == pytest.approx(0.75)
    assert scores.loc["rina", "value"] == pytest.approx(2000)
    assert scores.loc["rina", "csat_mean"] == pytest.approx((4 + 2 + 3 + 5) / 4)
    assert scores.loc["dimas", "share"] == pytest.approx(0.25)
    assert scores.loc["dimas", "value"] == pytest.approx(500)
    # typed 50% against 75% (25 points apart); typed 1000 against 500 (100% of 500 apart)
    assert scores.loc["rina", "share_disagrees"]
    assert not scores.loc["rina", "value_disagrees"]
    assert not scores.loc["dimas", "share_disagrees"]
    assert scores.loc["dimas", "value_disagrees"]
    # 5 for the largest; ceil(5 x 0.25 / 0.75) = ceil(1.67) = 2; ceil(5 x 500 / 2000) = 2
    assert scores.loc["rina", "share_score"] == 5
    assert scores.loc["dimas", "share_score"] == 2
    assert scores.loc["dimas", "value_score"] == 2
    assert scores.loc["ola", "linked_by"] == ""
    assert math.isnan(scores.loc["ola", "share"])


def test_persona_score_warnings_name_the_persona_and_both_values() -> None:
    scores = persona_scores(_survey(SEGMENT_ROWS), _project_with_personas())
    lines = persona_score_warnings(scores, "IDR", "en")
    assert any("Rina" in line and "50%" in line and "75%" in line for line in lines)
    assert any("Dimas" in line and "1,000 IDR" in line and "500 IDR" in line for line in lines)
    assert any("Ola" in line and "segment" in line for line in lines)
    # rina: share score typed 2, suggested 5 (3 apart); value score typed 5, suggested 5
    assert any("Rina" in line and "share score" in line and "is 2" in line for line in lines)
    assert not any("value score" in line for line in lines)
    for lang in ("id", "pl"):
        assert len(persona_score_warnings(scores, "IDR", lang)) == len(lines)


def test_persona_linked_by_the_persona_column_when_it_has_no_segment() -> None:
    survey = load_survey(
        pd.DataFrame(
            [("a", "purchase", 1, "rina"), ("b", "purchase", 0, ""), ("c", "purchase", 0, "rina")],
            columns=["respondent_id", "stage", "emotion", "persona"],
        )
    )
    scores = persona_scores(survey, Project(name="P", personas=[Persona(id="rina", name="Rina")]))
    assert scores.loc[0, "linked_by"] == "persona"
    assert scores.loc[0, "share"] == pytest.approx(2 / 3)
    assert math.isnan(scores.loc[0, "value"])  # no spend column
    assert "spend" in persona_score_warnings(scores, "IDR")[0]


def test_a_bad_spend_cell_names_the_row_and_column() -> None:
    frame = pd.DataFrame(
        [("a", "purchase", 1, "-5")], columns=["respondent_id", "stage", "emotion", "spend"]
    )
    with pytest.raises(DataError, match=r"row 0, column spend: -5 is outside"):
        load_survey(frame)


CLUSTER_ROWS = [
    # two happy promoters who spend a lot, three unhappy detractors who spend little
    ("h1", "purchase", 2, 10, 1000),
    ("h2", "purchase", 2, 9, 1200),
    ("u1", "purchase", -2, 0, 100),
    ("u2", "purchase", -2, 1, 200),
    ("u3", "purchase", -1, 2, 300),
]


def _cluster_survey() -> pd.DataFrame:
    frame = pd.DataFrame(
        CLUSTER_ROWS, columns=["respondent_id", "stage", "emotion", "nps", "spend"]
    )
    frame["goal"] = ["Quality", "Quality", "Cheap", "Cheap; Fast", "Cheap"]
    frame["age_band"] = ["35–44", "35–44", "18–24", "18–24", "25–34"]
    return load_survey(frame)


def test_clusters_separate_the_two_groups_with_their_profiles() -> None:
    profiles = find_segments(_cluster_survey(), k=2)
    assert profiles["cluster"].tolist() == [1, 2]  # largest first
    assert profiles["respondents"].tolist() == [3, 2]
    assert profiles["share"].tolist() == pytest.approx([0.6, 0.4])
    assert profiles.loc[0, "emotion"] == pytest.approx((-2 - 2 - 1) / 3)
    assert profiles.loc[0, "nps"] == pytest.approx(1.0)
    assert profiles.loc[1, "spend"] == pytest.approx(1100)
    assert profiles.loc[0, "top_goals"] == "Cheap (3); Fast (1)"
    assert profiles.loc[0, "age_band"] == "18–24"
    assignments = profiles.attrs["assignments"]
    assert set(assignments[assignments == 2].index) == {"h1", "h2"}


def test_cluster_count_chosen_by_silhouette_and_turned_into_a_persona() -> None:
    profiles = find_segments(_cluster_survey())
    assert len(profiles) == 2
    persona = persona_from_cluster(profiles, 2, "keen", "Keen regulars")
    assert persona.share_of_customers == pytest.approx(0.4)
    assert persona.value == pytest.approx(1100)
    assert persona.goals == ["Quality"]
    assert persona.demographics.age_band == "35–44"
    with pytest.raises(DataError, match="no cluster 7"):
        persona_from_cluster(profiles, 7, "x", "X")


# --- step 7: switches, visits ------------------------------------------------------------


def test_switch_verdict_says_when_the_data_contradicts_the_hypothesis() -> None:
    gaps = pd.DataFrame(
        [
            ("device", True, 100, 11, 0.11),
            ("device", False, 100, 17, 0.17),
            ("channel", True, 50, 10, 0.2),
            ("channel", False, 50, 5, 0.1),
            ("department", True, 0, 0, math.nan),
            ("department", False, 10, 1, 0.1),
        ],
        columns=["kind", "switched", "steps", "drop_offs", "drop_off"],
    )
    verdicts = switch_verdicts(gaps).set_index("kind")
    assert verdicts.loc["device", "verdict"] == "contradicts"
    assert verdicts.loc["channel", "verdict"] == "supports"
    assert verdicts.loc["department", "verdict"] == "unknown"
    lines = verdict_lines(switch_verdicts(gaps), "en")
    assert len(lines) == 2
    assert "contradicts" in lines[0] and "11%" in lines[0] and "17%" in lines[0]
    assert "20%" in lines[1] and "10%" in lines[1]


def test_the_sample_contradicts_switches_losing_customers(sample_project) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay import gaps
    from cjm_helpers.paths import SAMPLE_PROJECT

    log = load_events(Path(SAMPLE_PROJECT).parent / "events.csv", project=sample_project)
    device = switch_verdicts(gaps(log)).set_index("kind").loc["device"]
    assert device["verdict"] == "contradicts"
    assert round(device["switch_drop_off"], 2) == 0.11
    assert round(device["stay_drop_off"], 2) == 0.17


def test_first_visit_against_returning_customers() -> None:
    rows = [
        ("a", "a1", "2026-01-01 08:00:00", "view"),
        ("b", "b1", "2026-01-01 08:00:00", "view"),
        ("b", "b2", "2026-01-03 08:00:00", "payment_success"),
        ("c", "c1", "2026-01-01 08:00:00", "view"),
        ("c", "c2", "2026-01-02 08:00:00", "view"),
        ("c", "c2", "2026-01-02 08:01:00", "view"),
    ]
    log = load_events(
        pd.DataFrame(rows, columns=["user_id", "session_id", "timestamp", "event"]),
        conversion_events=["payment_success"],
    )
    groups = visit_groups(log).set_index("group")
    assert groups.loc["first_visit", "users"] == 1
    assert groups.loc["first_visit", "share"] == pytest.approx(1 / 3)
    assert groups.loc["first_visit", "conversion_rate"] == 0
    assert groups.loc["returning", "users"] == 2
    assert groups.loc["returning", "conversion_rate"] == pytest.approx(0.5)
    assert groups.loc["returning", "events_per_user"] == pytest.approx(5 / 2)


# --- attribution for a chosen conversion -----------------------------------------------


def _shop() -> Project:
    return Project(
        name="Shop",
        touchpoints=[
            Touchpoint(id="tp-ad", name="Ad", stage="awareness", events=["ad_click"]),
            Touchpoint(id="tp-push", name="Push", stage="retention", events=["push_open"]),
            Touchpoint(id="tp-cart", name="Cart", stage="purchase", events=["add_to_cart"]),
            Touchpoint(
                id="tp-checkout",
                name="Checkout",
                stage="purchase",
                events=["checkout_start", "payment_success"],
            ),
        ],
    )


SHOP_ROWS = [
    ("u1", "2026-01-01 08:00:00", "ad_click"),
    ("u1", "2026-01-01 08:01:00", "add_to_cart"),
    ("u1", "2026-01-01 08:02:00", "checkout_start"),
    ("u1", "2026-01-01 08:03:00", "payment_success"),
    ("u2", "2026-01-01 09:00:00", "push_open"),
    ("u2", "2026-01-01 09:01:00", "add_to_cart"),
    ("u2", "2026-01-01 09:02:00", "checkout_start"),
    ("u2", "2026-01-01 09:03:00", "payment_success"),
    ("u3", "2026-01-01 10:00:00", "ad_click"),
    ("u3", "2026-01-01 10:01:00", "add_to_cart"),
    # u4 orders twice; between the orders a push brings them back
    ("u4", "2026-01-02 08:00:00", "add_to_cart"),
    ("u4", "2026-01-02 08:01:00", "checkout_start"),
    ("u4", "2026-01-02 08:02:00", "payment_success"),
    ("u4", "2026-01-09 08:00:00", "push_open"),
    ("u4", "2026-01-09 08:01:00", "checkout_start"),
    ("u4", "2026-01-09 08:02:00", "payment_success"),
]


def _shop_log():  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(SHOP_ROWS, columns=["user_id", "timestamp", "event"])
    return load_events(frame, project=_shop(), conversion_events=["payment_success"])


def test_conversion_touchpoint_gets_no_last_touch_and_must_pass_is_flagged() -> None:
    result = decision_attribution(_shop_log()).set_index("key")
    assert result.attrs["converters"] == 3
    # paths before the first payment: u1 ad>cart>checkout, u2 push>cart>checkout, u4 cart>checkout;
    # checkout excluded from last touch, so cart (the touch before it) ends all three
    assert result.loc["tp-cart", "last_touch"] == pytest.approx(1.0)
    assert result.loc["tp-checkout", "last_touch"] == 0
    assert result.loc["tp-checkout", "excluded_from_last"]
    assert result.loc["tp-cart", "must_pass"] and result.loc["tp-checkout", "must_pass"]
    assert result.loc["tp-ad", "reach"] == pytest.approx(1 / 3)
    assert not result.loc["tp-ad", "must_pass"]
    assert result.loc["tp-ad", "first_touch"] == pytest.approx(1 / 3)
    assert result.loc["tp-cart", "first_touch"] == pytest.approx(1 / 3)
    notes = " ".join(attribution_notes(decision_attribution(_shop_log()), "en"))
    assert "Checkout: the conversion happens here" in notes
    assert "Cart, Checkout" in notes and "95%" in notes


def test_second_orders_as_the_conversion() -> None:
    result = decision_attribution(_shop_log(), occurrence=2).set_index("key")
    # only u4 orders twice; their path before it: cart > checkout > push > checkout
    assert result.attrs["converters"] == 1
    assert result.loc["tp-push", "last_touch"] == pytest.approx(1.0)
    assert result.loc["tp-cart", "first_touch"] == pytest.approx(1.0)
    assert result.loc["tp-push", "reach"] == pytest.approx(1.0)
    notes = attribution_notes(decision_attribution(_shop_log(), occurrence=2), "en")
    assert "number 2" in notes[0] and "1 customers" in notes[0]


def test_a_named_conversion_event_replaces_the_logs() -> None:
    result = decision_attribution(_shop_log(), conversion_events=["checkout_start"])
    assert result.attrs["converters"] == 3  # u1, u2, u4 started a checkout
    # paths stop before the checkout starts: u1 ad>cart, u2 push>cart, u4 cart
    assert "tp-checkout" not in set(result["key"])
    assert result.set_index("key").loc["tp-cart", "last_touch"] == pytest.approx(1.0)


# --- step 8: baselines and the revenue effect -------------------------------------------


def _plan() -> Project:
    return Project(
        name="Plan",
        personas=[Persona(id="p", name="P", value=100)],
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
            KPI(id="kpi-wait", name="Wait", unit="min", baseline=6, target=3),
        ],
        opportunities=[
            Opportunity(
                id="o-repeat",
                title="Repeat",
                reach=1000,
                impact=2,
                effort=4,
                confidence=0.5,
                kpis=["kpi-repeat"],
            ),
            Opportunity(
                id="o-promo",
                title="Promo",
                reach=100,
                impact=5,
                effort=1,
                confidence=1.0,
                kpis=["kpi-checkout-abandon"],
            ),
            Opportunity(
                id="o-wait",
                title="Wait",
                reach=300,
                impact=3,
                effort=3,
                confidence=0.5,
                kpis=["kpi-wait"],
            ),
        ],
    )


def test_measured_kpi_matches_the_project_kpi_by_its_words() -> None:
    project = _plan()
    assert matches("checkout_abandonment", project.kpis[1])
    assert not matches("conversion_rate", project.kpis[1])
    assert not matches("bounce_rate", project.kpis[0])


def test_measured_kpis_become_baselines_without_changing_the_project() -> None:
    project = _plan()
    measured = pd.DataFrame(
        [("checkout_abandonment", 0.3, "share"), ("reviews_per_customer", 0.1, "per_customer")],
        columns=["kpi", "value", "unit"],
    )
    updated, changed = measured_baselines(project, measured)
    assert changed["kpi"].tolist() == ["kpi-checkout-abandon"]
    assert changed.loc[0, "typed_baseline"] == 38
    assert updated.kpis[1].baseline == pytest.approx(30.0)
    assert project.kpis[1].baseline == 38  # the project given is not changed


def test_revenue_effect_by_hand_and_plan_order() -> None:
    effects = opportunity_effects(_plan()).set_index("opportunity")
    # a quarter: reach a quarter x uplift x (value a year / 4) x confidence:
    # 1000 x 0.10 x 25 x 0.5 and 100 x 0.13 x 25 x 1.0
    assert effects.loc["o-repeat", "effect"] == pytest.approx(1250)
    assert effects.loc["o-promo", "effect"] == pytest.approx(325)
    assert effects.loc["o-wait", "reason"] == "no_share_kpi"
    # measured abandonment of 20% already beats the 25% target
    measured = opportunity_effects(_plan(), {"kpi-checkout-abandon": 20.0}).set_index("opportunity")
    assert measured.loc["o-promo", "reason"] == "target_met"
    measured = opportunity_effects(_plan(), {"kpi-checkout-abandon": 30.0}).set_index("opportunity")
    assert measured.loc["o-promo", "effect"] == pytest.approx(100 * 0.05 * 25)
    plan = ranked_plan(_plan(), lang="en")
    # by effect Repeat first, though Promo leads on RICE (5 x 100 x 1 / 1 = 500 against 250; Wait 150)
    assert plan.iloc[:, 0].tolist() == ["Repeat", "Promo", "Wait"]
    assert plan["Rank by RICE"].tolist() == ["2", "1", "3"]
    assert plan.loc[0, "Expected effect a quarter"] == "1,250 IDR"
    assert (
        "1,000 customers a quarter × 10 points (Repeat rate) × 25 IDR a quarter (100 IDR a year ÷ 4)"
        " × confidence 0.5" in plan.loc[0, "How it is estimated"]
    )


# --- periods ----------------------------------------------------------------------------------


def test_two_proportion_z_test_by_hand() -> None:
    # 30/100 against 45/100: pooled 0.375, se = sqrt(0.375 x 0.625 x 0.02) = 0.068465
    z, p = two_proportion_z(30, 100, 45, 100)
    assert z == pytest.approx(0.15 / 0.0684653, rel=1e-5)
    assert p == pytest.approx(0.028459, abs=1e-5)
    assert math.isnan(two_proportion_z(0, 0, 1, 2)[0])


def test_periods_compare_the_same_measures_on_two_date_ranges() -> None:
    rows = []
    for i in range(4):  # September: 4 users, 1 pays
        rows.append((f"s{i}", "2026-09-10 08:00:00", "view"))
    rows.append(("s0", "2026-09-10 09:00:00", "payment_success"))
    for i in range(4):  # October: 4 users, 3 pay
        rows.append((f"o{i}", "2026-10-31 23:00:00", "view"))
        if i < 3:
            rows.append((f"o{i}", "2026-10-31 23:30:00", "payment_success"))
    rows.append(("late", "2026-11-01 00:00:00", "view"))  # the day after the period: left out
    log = load_events(
        pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]),
        conversion_events=["payment_success"],
    )
    frame = compare_periods(
        log, parse_period("2026-09-01:2026-09-30"), parse_period("2026-10-01..2026-10-31")
    ).set_index("measure")
    row = frame.loc["kpi:conversion_rate"]
    assert (row["value_a"], row["base_a"], row["value_b"], row["base_b"]) == (0.25, 4, 0.75, 4)
    assert row["change"] == pytest.approx(0.5)
    # pooled 0.5, se = sqrt(0.25 x 0.5) = 0.353553, z = 1.41421, p = erfc(1) = 0.157299
    assert row["z"] == pytest.approx(math.sqrt(2))
    assert row["p_value"] == pytest.approx(0.157299, abs=1e-6)
    assert not row["significant"]


@pytest.mark.parametrize("text", ["2026-09-01", "2026-09-31:2026-10-01", "2026-10-01:2026-09-01"])
def test_bad_periods_say_how_to_write_one(text: str) -> None:
    with pytest.raises(DataError, match=r"YYYY-MM-DD|earlier date first"):
        parse_period(text)


def test_cjm_diff_compares_two_periods(
    sample_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cjm_helpers.cli import main
    from cjm_helpers.paths import SAMPLE_PROJECT

    code = main(
        [
            "diff",
            str(sample_copy),
            "--period",
            "2026-09-01:2026-09-30",
            "--period",
            "2026-10-01:2026-10-31",
            "--events",
            str(Path(SAMPLE_PROJECT).parent / "events.csv"),
            "--lang",
            "en",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "1 Sept 2026 – 30 Sept 2026 against 1 Oct 2026 – 31 Oct 2026" in out
    assert "Conversion rate" in out and "within noise" in out
    assert main(["diff", str(sample_copy), "--period", "2026-09-01:2026-09-30"]) == 1


def test_dates_stay_dates() -> None:
    assert parse_period("2026-01-01:2026-01-31") == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def test_step_without_a_data_file_says_so_instead_of_failing(sample_copy: Path) -> None:
    from cjm_helpers.errors import CJMError
    from cjm_helpers.notebook import Step

    step = Step(number=7, project_path=sample_copy)
    for kind in ("events", "survey", "tickets"):
        with pytest.raises(CJMError):
            getattr(step, kind)


def test_step_seven_shows_the_switch_verdict_and_visits(sample_copy: Path) -> None:
    from cjm_helpers.notebook import Step
    from cjm_helpers.paths import SAMPLE_PROJECT

    data = Path(SAMPLE_PROJECT).parent
    step = Step(number=7, project_path=sample_copy, events_path=data / "events.csv")
    verdict = step.switch_verdicts().data
    assert "contradicts the hypothesis that device switches" in verdict
    assert "11.4%" in verdict and "16.8%" in verdict
    visits = step.visits()
    assert visits.iloc[:, 0].tolist() == ["First visit only", "Returning"]
    attribution = step.conversion_attribution(conversion_events=["reorder"]).data
    assert "first reorder" in attribution and "every buyer passes" in attribution


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_report_shows_switches_transitions_paths_scores_and_visits(
    sample_project, lang: str
) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.report.overlay import compute_overlay, overlay_html

    data = Path(SAMPLE_PROJECT).parent
    results = compute_overlay(
        sample_project,
        events_file=str(data / "events.csv"),
        survey_file=str(data / "survey.csv"),
        lang=lang,
    )
    page = overlay_html(results, lang)
    for part in ("switches", "transitions", "top_paths", "stage_scores", "visits"):
        assert f'data-analysis="{part}"' in page
    expected = {"en": "contradicts the hypothesis", "pl": "Dane przeczą hipotezie"}[lang]
    assert expected in page
    assert "tp-checkout" not in page  # names, not ids


def test_periods_compare_dated_survey_answers() -> None:
    log = load_events(
        pd.DataFrame(
            [("a", "2026-09-02 08:00:00", "view"), ("b", "2026-10-02 08:00:00", "view")],
            columns=["user_id", "timestamp", "event"],
        )
    )
    survey = load_survey(
        pd.DataFrame(
            [
                ("s1", "2026-09-03", "purchase", 0, 10, 5),
                ("s1", "2026-09-03", "retention", 0, None, 4),
                ("s2", "2026-09-20", "purchase", 0, 3, 2),
                ("s2", "2026-09-20", "retention", 0, None, 1),
                ("o1", "2026-10-03", "purchase", 0, 9, 5),
                ("o1", "2026-10-03", "retention", 0, None, 5),
                ("o2", "2026-10-30", "purchase", 0, 9, 5),
                ("o2", "2026-10-30", "retention", 0, None, 2),
                ("late", "2026-11-01", "purchase", 0, 0, 1),
            ],
            columns=["respondent_id", "submitted", "stage", "emotion", "nps", "csat"],
        )
    )
    frame = compare_periods(
        log,
        parse_period("2026-09-01:2026-09-30"),
        parse_period("2026-10-01:2026-10-31"),
        survey=survey,
    ).set_index("measure")
    satisfied = frame.loc["survey:csat_satisfied"]
    assert (satisfied["count_a"], satisfied["base_a"]) == (2, 4)  # 5 and 4 of 5, 4, 2, 1
    assert (satisfied["count_b"], satisfied["base_b"]) == (3, 4)
    promoters = frame.loc["survey:promoters"]
    assert (promoters["value_a"], promoters["value_b"]) == (0.5, 1.0)
    # pooled 3/4, se = sqrt(0.75 x 0.25 x (1/2 + 1/2)) = 0.433013, z = 0.5 / 0.433013
    assert promoters["z"] == pytest.approx(0.5 / math.sqrt(0.1875))
