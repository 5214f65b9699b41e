"""What the switch data says about the hypothesis "switching device, channel or department loses customers".

:func:`~.gaps.gaps` gives, per kind, the drop-off rate after a step that switches
and after one that does not. :func:`switch_verdicts` compares the two rates:

* **supports**: people drop off more after a switch (rate after switch > rate without);
* **contradicts**: they drop off less or as often (rate after switch <= rate without);
* **unknown**: one of the rates has no steps behind it.

:func:`plot_switch_points` draws the drop-off after each from → to switch of one
kind beside the rate after no switch, so the switches that lose people stand out.
"""

from __future__ import annotations

__all__ = [
    "VERDICT_COLUMNS",
    "plot_switch_points",
    "switch_verdicts",
    "verdict_lines",
]

import math

import pandas as pd
from matplotlib.figure import Figure

from ..charts import message_figure
from ..i18n import format_percent, t

VERDICT_COLUMNS: tuple[str, ...] = (
    "kind",
    "switch_steps",
    "switch_drop_off",
    "stay_steps",
    "stay_drop_off",
    "verdict",
)


def switch_verdicts(gaps: pd.DataFrame) -> pd.DataFrame:
    """Per gap kind: steps and drop-off rate with and without a switch, and the verdict."""
    rows = []
    for kind, group in gaps.groupby("kind", sort=False):
        switched = group[group["switched"].astype(bool)]
        stayed = group[~group["switched"].astype(bool)]
        s_steps = int(switched["steps"].sum())
        n_steps = int(stayed["steps"].sum())
        s_rate = float(switched["drop_offs"].sum()) / s_steps if s_steps else math.nan
        n_rate = float(stayed["drop_offs"].sum()) / n_steps if n_steps else math.nan
        if s_rate != s_rate or n_rate != n_rate:
            verdict = "unknown"
        elif s_rate > n_rate:
            verdict = "supports"
        else:
            verdict = "contradicts"
        rows.append(
            {
                "kind": kind,
                "switch_steps": s_steps,
                "switch_drop_off": s_rate,
                "stay_steps": n_steps,
                "stay_drop_off": n_rate,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=list(VERDICT_COLUMNS))


def verdict_lines(verdicts: pd.DataFrame, lang: str = "en") -> list[str]:
    """One sentence per kind with data: what the rates are and whether they back the hypothesis."""
    lines = []
    for row in verdicts.itertuples(index=False):
        if row.verdict == "unknown":
            continue
        lines.append(
            t(
                f"decisions.switch.{row.verdict}",
                lang,
                kind=t(f"decisions.switch.kind.{row.kind}", lang),
                switched=format_percent(row.switch_drop_off, lang),
                stayed=format_percent(row.stay_drop_off, lang),
                switch_steps=row.switch_steps,
                stay_steps=row.stay_steps,
            )
        )
    return lines


def plot_switch_points(
    points: pd.DataFrame, stay_drop_off: float | None = None, lang: str = "en"
) -> Figure:
    """Drop-off after each from → to switch (bars, labelled with its steps), and the no-switch rate."""
    height = 1.4 + 0.45 * max(len(points), 1)
    if points.empty:
        return message_figure(9, height, t("decisions.switch.none", lang))
    fig = Figure(figsize=(9, height))
    ax = fig.subplots()
    data = points.iloc[::-1]
    labels = [f"{a} → {b}" for a, b in zip(data["from"], data["to"])]
    rates = data["drop_off"].astype(float) * 100
    worse = stay_drop_off is not None and stay_drop_off == stay_drop_off
    colours = [
        "#c0504d" if worse and r > 100 * float(stay_drop_off or 0) else "#4f81bd" for r in rates
    ]
    ax.barh(labels, rates, color=colours)
    for y, (rate, steps) in enumerate(zip(rates, data["steps"])):
        ax.text(
            rate,
            y,
            f"  {rate:.0f}% · {t('decisions.switch.steps', lang, n=int(steps))}",
            va="center",
            fontsize=8,
        )
    if worse:
        ax.axvline(100 * float(stay_drop_off or 0), color="#333333", ls="--", lw=1)
        ax.text(
            100 * float(stay_drop_off or 0),
            len(data) - 0.4,
            " " + t("decisions.switch.no_switch_line", lang),
            fontsize=8,
            va="bottom",
        )
    kind = str(points["kind"].iloc[0])
    ax.set_xlabel(t("decisions.switch.x_label", lang))
    ax.set_title(t("decisions.switch.title", lang, kind=t(f"decisions.switch.kind.{kind}", lang)))
    ax.set_xlim(0, max(float(rates.max()), 100 * float(stay_drop_off or 0)) * 1.35 + 1)
    fig.tight_layout()
    return fig
