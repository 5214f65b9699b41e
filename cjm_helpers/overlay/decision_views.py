"""Tables for people from the decision analyses: names instead of ids, numbers formatted.

Each function takes the frame an analysis returned (and the project where names
come from) and returns a small DataFrame with translated headers, ready to show in
a notebook or a report.
"""

from __future__ import annotations

__all__ = [
    "attribution_table",
    "baselines_table",
    "cluster_table",
    "paths_table",
    "persona_scores_table",
    "stage_scores_table",
    "switch_table",
    "transitions_table",
    "visits_table",
]

from typing import Any

import pandas as pd

from ..i18n import format_number, format_percent, t
from ..model import Project
from .paths import named_path


def _pct(value: float, lang: str) -> str:
    return "—" if value != value else format_percent(float(value), lang)


def _num(value: float, lang: str, digits: int = 1) -> str:
    return "—" if value != value else format_number(float(value), lang, digits)


def _col(key: str, lang: str) -> str:
    return t(f"decisions.{key}", lang)


def persona_scores_table(scores: pd.DataFrame, currency: str, lang: str = "en") -> pd.DataFrame:
    """Computed and typed share and value per persona, with the suggested 1..5 scores."""

    def money(value: float) -> str:
        return "—" if value != value else f"{format_number(float(value), lang, 0)} {currency}"

    rows = []
    for row in scores.itertuples(index=False):
        rows.append(
            {
                _col("persona.col.persona", lang): row.name,
                _col("persona.col.linked_by", lang): _col(
                    f"persona.linked.{row.linked_by or 'none'}", lang
                ),
                _col("persona.col.respondents", lang): int(row.respondents),
                _col("persona.col.share", lang): _pct(row.share, lang),
                _col("persona.col.share_typed", lang): _pct(row.share_typed, lang),
                _col("persona.col.share_score", lang): _num(row.share_score, lang, 0),
                _col("persona.col.share_score_typed", lang): _num(row.share_score_typed, lang, 0),
                _col("persona.col.value", lang): money(row.value),
                _col("persona.col.value_typed", lang): money(row.value_typed),
                _col("persona.col.value_score", lang): _num(row.value_score, lang, 0),
                _col("persona.col.value_score_typed", lang): _num(row.value_score_typed, lang, 0),
                _col("persona.col.csat", lang): _num(row.csat_mean, lang, 2),
                _col("persona.col.nps", lang): _num(row.nps, lang, 0),
            }
        )
    return pd.DataFrame(rows)


def cluster_table(profiles: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Cluster profiles: size, share, the mean answers, who they are and what they want."""
    out = pd.DataFrame()
    out[_col("cluster.col.cluster", lang)] = [
        t("decisions.cluster.name", lang, n=int(c)) for c in profiles["cluster"]
    ]
    out[_col("cluster.col.respondents", lang)] = profiles["respondents"].astype(int)
    out[_col("cluster.col.share", lang)] = [_pct(v, lang) for v in profiles["share"]]
    for column in ("emotion", "nps", "csat", "ces", "spend"):
        if column in profiles.columns:
            digits = 0 if column == "spend" else 2
            out[_col(f"cluster.col.{column}", lang)] = [
                _num(v, lang, digits) for v in profiles[column]
            ]
    for column in ("age_band", "segment", "top_goals", "top_pains"):
        out[_col(f"cluster.col.{column}", lang)] = list(profiles[column])
    return out


def switch_table(points: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The switch points of one kind: from, to, steps, customers and drop-off (formatted)."""
    return pd.DataFrame(
        {
            _col("switch.col.from", lang): points["from"],
            _col("switch.col.to", lang): points["to"],
            _col("switch.col.steps", lang): points["steps"].astype(int),
            _col("switch.col.users", lang): points["users"].astype(int),
            _col("switch.col.drop_off", lang): [_pct(v, lang) for v in points["drop_off"]],
        }
    )


def _names(project: Project | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if project is not None:
        names.update({s.id: s.name for s in project.stages})
        names.update({tp.id: tp.name for tp in project.touchpoints})
    return names


def transitions_table(
    moves: pd.DataFrame, project: Project | None, n: int = 10, lang: str = "en"
) -> pd.DataFrame:
    """The ``n`` most frequent moves, touchpoints and stages by name."""
    names = _names(project)
    top = moves.head(n)
    return pd.DataFrame(
        {
            _col("paths.col.from", lang): [names.get(v, v) for v in top["from"]],
            _col("paths.col.to", lang): [names.get(v, v) for v in top["to"]],
            _col("paths.col.users", lang): top["users"].astype(int),
            _col("paths.col.events", lang): top["events"].astype(int),
        }
    )


def paths_table(paths: pd.DataFrame, project: Project | None, lang: str = "en") -> pd.DataFrame:
    """Top paths with each step by name, their length, customers and share."""
    names = _names(project)
    return pd.DataFrame(
        {
            _col("paths.col.path", lang): [named_path(p, names) for p in paths["path"]],
            _col("paths.col.steps", lang): paths["steps"].astype(int),
            _col("paths.col.count", lang): paths["count"].astype(int),
            _col("paths.col.share", lang): [_pct(v, lang) for v in paths["share"]],
        }
    )


def stage_scores_table(
    scores: pd.DataFrame, project: Project | None, lang: str = "en"
) -> pd.DataFrame:
    """NPS, CSAT and CES per stage, in the project's stage order, blank where nobody answered."""
    names = _names(project)
    order = [s.id for s in project.stages] if project is not None else list(scores["group"])
    ranked = (
        scores.assign(
            _order=[order.index(g) if g in order else len(order) for g in scores["group"]]
        )
        .sort_values("_order")
        .reset_index(drop=True)
    )
    return pd.DataFrame(
        {
            _col("scores.col.stage", lang): [names.get(g, g) for g in ranked["group"]],
            _col("scores.col.respondents", lang): ranked["respondents"].astype(int),
            _col("scores.col.nps", lang): [_num(v, lang, 0) for v in ranked["nps"]],
            _col("scores.col.csat", lang): [_num(v, lang, 2) for v in ranked["csat_mean"]],
            _col("scores.col.csat_satisfied", lang): [
                _pct(v, lang) for v in ranked["csat_satisfied"]
            ],
            _col("scores.col.ces", lang): [_num(v, lang, 2) for v in ranked["ces_mean"]],
            _col("scores.col.ces_easy", lang): [_pct(v, lang) for v in ranked["ces_easy"]],
        }
    )


def visits_table(groups: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """First-visit against returning customers: how many, and how they convert."""
    return pd.DataFrame(
        {
            _col("visits.col.group", lang): [_col(f"visits.{g}", lang) for g in groups["group"]],
            _col("visits.col.users", lang): groups["users"].astype(int),
            _col("visits.col.share", lang): [_pct(v, lang) for v in groups["share"]],
            _col("visits.col.converted", lang): groups["converted"].astype(int),
            _col("visits.col.conversion_rate", lang): [
                _pct(v, lang) for v in groups["conversion_rate"]
            ],
            _col("visits.col.events_per_user", lang): [
                _num(v, lang, 1) for v in groups["events_per_user"]
            ],
        }
    )


def attribution_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Credit per touchpoint under each model, the share of buyers passing it, and its flag."""

    def flag(row: Any) -> str:
        parts = []
        if row.must_pass:
            parts.append(_col("attribution.flag.must_pass", lang))
        if row.excluded_from_last:
            parts.append(_col("attribution.flag.excluded", lang))
        return "; ".join(parts)

    return pd.DataFrame(
        {
            _col("attribution.col.touchpoint", lang): frame["label"],
            _col("attribution.col.first_touch", lang): [
                _pct(v, lang) for v in frame["first_touch"]
            ],
            _col("attribution.col.last_touch", lang): [_pct(v, lang) for v in frame["last_touch"]],
            _col("attribution.col.markov", lang): [_pct(v, lang) for v in frame["markov_removal"]],
            _col("attribution.col.reach", lang): [_pct(v, lang) for v in frame["reach"]],
            _col("attribution.col.flag", lang): [flag(r) for r in frame.itertuples(index=False)],
        }
    )


def baselines_table(changed: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """KPIs whose baseline now comes from the data: typed against measured, each in its unit."""
    units = list(changed["unit"]) if "unit" in changed.columns else ["%"] * len(changed)
    return pd.DataFrame(
        {
            _col("baselines.col.kpi", lang): changed["name"],
            _col("baselines.col.measured", lang): [
                t(f"decisions.kpi.{m}", lang) for m in changed["measured"]
            ],
            _col("baselines.col.typed_baseline", lang): [
                _in_unit(v, u, lang) if v is not None else "—"
                for v, u in zip(changed["typed_baseline"], units)
            ],
            _col("baselines.col.baseline", lang): [
                _in_unit(v, u, lang) for v, u in zip(changed["baseline"], units)
            ],
        }
    )


def _in_unit(value: float, unit: str, lang: str) -> str:
    """A baseline as read: a percent as a number, money with its currency, whole."""
    if str(unit).strip() == "%":
        return _num(value, lang, 1)
    return f"{_num(value, lang, 0)} {unit}"
