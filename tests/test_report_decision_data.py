"""The report shows the attribution read for a decision and the segments clustering finds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjm_helpers.model import Project, Stage, Touchpoint
from cjm_helpers.overlay import load_events
from cjm_helpers.report import build_report, compute_overlay
from cjm_helpers.report.decisions import decision_html, decision_results


def _shop() -> Project:
    return Project(
        name="Shop",
        stages=[Stage(id="awareness", name="Awareness"), Stage(id="purchase", name="Purchase")],
        touchpoints=[
            Touchpoint(id="tp-ad", name="Ad", stage="awareness", events=["ad_click"]),
            Touchpoint(id="tp-cart", name="Cart", stage="purchase", events=["add_to_cart"]),
            Touchpoint(
                id="tp-checkout",
                name="Checkout",
                stage="purchase",
                events=["checkout_start", "payment_success"],
            ),
        ],
    )


ROWS = [
    ("u1", "2026-01-01 08:00:00", "ad_click"),
    ("u1", "2026-01-01 08:01:00", "add_to_cart"),
    ("u1", "2026-01-01 08:02:00", "checkout_start"),
    ("u1", "2026-01-01 08:03:00", "payment_success"),
    ("u2", "2026-01-01 09:01:00", "add_to_cart"),
    ("u2", "2026-01-01 09:02:00", "checkout_start"),
    ("u2", "2026-01-01 09:03:00", "payment_success"),
    ("u3", "2026-01-01 10:00:00", "ad_click"),
]


def test_report_flags_must_pass_touchpoints_and_the_conversion_point() -> None:
    project = _shop()
    log = load_events(
        pd.DataFrame(ROWS, columns=["user_id", "timestamp", "event"]),
        project=project,
        conversion_events=["payment_success"],
    )
    html = decision_html(decision_results(log, project), "en")
    start = html.index('data-analysis="decision_attribution"')
    part = html[start : html.index("</div>", start)]
    assert "Which touchpoints earn the conversion" in part
    # u1 ad > cart > checkout, u2 cart > checkout: both buyers pass cart and checkout (100%),
    # one of two passes the ad (50%); checkout takes the payment, so it gets no last touch
    # and cart, the touch before it, ends both paths (100%)
    cart = part[part.index("<td>Cart</td>") :]
    cart = cart[: cart.index("</tr>")]
    assert "every buyer passes" in cart and cart.count("100%") >= 2
    checkout = part[part.index("<td>Checkout</td>") :]
    checkout = checkout[: checkout.index("</tr>")]
    assert "conversion point" in checkout and "every buyer passes" in checkout
    ad = part[part.index("<td>Ad</td>") :]
    ad = ad[: ad.index("</tr>")]
    assert "50%" in ad and "every buyer passes" not in ad
    assert "Checkout: the conversion happens here" in part


def test_report_shows_the_segments_found_in_the_answers(tmp_path: Path) -> None:
    # two happy promoters who spend a lot, three unhappy detractors who spend little
    survey = tmp_path / "survey.csv"
    pd.DataFrame(
        [
            ("h1", "purchase", 2, 10, 1000),
            ("h2", "purchase", 2, 9, 1200),
            ("u1", "purchase", -2, 0, 100),
            ("u2", "purchase", -2, 1, 200),
            ("u3", "purchase", -1, 2, 300),
        ],
        columns=["respondent_id", "stage", "emotion", "nps", "spend"],
    ).to_csv(survey, index=False)
    project = Project(name="Shop")
    page = build_report(project, "en", compute_overlay(project, survey_file=str(survey)))
    start = page.index('class="cjm-found-segments"')
    part = page[start : page.index("</div>", start)]
    assert "Segments the answers suggest" in part
    # cluster 1: u1..u3, 3 of 5 = 60%, mean spend (100 + 200 + 300) / 3 = 200;
    # cluster 2: h1, h2, 40%, mean spend (1000 + 1200) / 2 = 1,100
    first = part[part.index("<td>Cluster 1</td>") : part.index("<td>Cluster 2</td>")]
    second = part[part.index("<td>Cluster 2</td>") :]
    assert "60%" in first and "<td>200</td>" in first.replace(' class="num"', "")
    assert "40%" in second and "<td>1,100</td>" in second.replace(' class="num"', "")
