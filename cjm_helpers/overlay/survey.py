"""Survey responses: validated loading, the data emotion curve, segments and scores.

One row per respondent and stage (a respondent may answer for several stages).
Columns, names in any case:

* ``respondent_id`` (required); ``stage`` or ``touchpoint`` (at least one column;
  a touchpoint gives its stage);
* the feeling at that stage, either ``emotion`` on the map's scale **-2..+2**
  (-2 very negative, +2 very positive) or ``satisfaction`` on **1..5**, which is
  turned into emotion by subtracting 3 (1 → -2, 3 → 0, 5 → +2); required on every row;
* optional scores, blank when the respondent skipped the question: ``nps`` 0..10
  (whole numbers), ``csat`` 1..5 (5 = very satisfied), ``ces`` 1..7 (customer effort
  score, 7 = very easy), ``spend`` (what the respondent spends with us in a year,
  in the project currency, 0 or more; used for a persona's value);
* optional text: ``comment``, and segment attributes ``segment``, ``persona``
  (a project persona id), ``age_band``, ``goal``, ``pain`` (several goals or pains
  in one cell are separated by ';');
* optional dates ``submitted`` or ``timestamp``, read like the event log's times
  (ISO 8601, or ``date_format``: 'day-first', 'month-first' or a strptime pattern);
  empty (NaT) when blank or unreadable, as they are optional.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..i18n import t
from ..model import Project
from .feedback_input import (
    Problems,
    known_list,
    match,
    number_column,
    parse_timestamps,
    read_table,
    require_cells,
    require_columns,
    require_one_of,
    stage_lookup,
    text_column,
    touchpoint_lookup,
)
from .feedback_samples import generate_survey

__all__ = [
    "SURVEY_COLUMNS",
    "emotion_curve",
    "generate_survey",
    "load_survey",
    "mean_ci",
    "nps_score",
    "score_summary",
    "segment_profiles",
    "survey_segments",
    "t_quantile",
]

TEXT_COLUMNS: tuple[str, ...] = ("comment", "segment", "persona", "age_band", "goal", "pain")
DATE_COLUMNS: tuple[str, ...] = ("submitted", "timestamp")
"""Optional columns of dates, read with the same reader as event logs and tickets."""
SURVEY_COLUMNS: tuple[str, ...] = (
    "respondent_id",
    "stage",
    "touchpoint",
    "emotion",
    "satisfaction",
    "nps",
    "csat",
    "ces",
    "spend",
    *TEXT_COLUMNS,
)
EMOTION_RANGE = (-2.0, 2.0)
SATISFACTION_RANGE = (1.0, 5.0)
NPS_RANGE = (0.0, 10.0)
CSAT_RANGE = (1.0, 5.0)
CES_RANGE = (1.0, 7.0)
SPEND_RANGE = (0.0, math.inf)
DISAGREE_MARGIN = 0.25
"""How far outside the survey's confidence interval a stated emotion must lie to be flagged.

Half of the map's smallest step (a half point): a stated -2 beside a mean of -1.75 is
not a disagreement, since the map cannot say -1.75."""
CONFIDENCE = 0.95


# --- loading ----------------------------------------------------------------------------


def load_survey(
    source: Any,
    project: Project | None = None,
    lang: str = "en",
    sep: str = ",",
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read and check survey responses (CSV/XLSX/Parquet path or DataFrame).

    Returns a DataFrame with the columns of :data:`SURVEY_COLUMNS` (plus any extra
    columns of the input), ``emotion`` always filled on the -2..+2 scale. With a
    project, stage and touchpoint cells may be ids or names and are turned into
    ids; an unknown one is an error naming the row. Dates in :data:`DATE_COLUMNS` are
    read with ``date_format`` as for event logs. Raises :class:`DataError`.
    """
    frame, name, from_file = read_table(source, t("feedback.survey.what", lang), lang, sep)
    require_columns(frame, name, ["respondent_id"], lang)
    require_one_of(frame, name, ["stage", "touchpoint"], lang)
    require_one_of(frame, name, ["emotion", "satisfaction"], lang)
    problems = Problems(name, from_file, lang)
    out = pd.DataFrame(index=frame.index)
    for column, values in (
        *_who_and_where(frame, problems, lang).items(),
        *_feelings(frame, problems, lang).items(),
        *_scores(frame, problems, lang).items(),
        *((column, text_column(frame, column)) for column in TEXT_COLUMNS),
        *_dates(frame, problems, date_format).items(),
    ):
        out[column] = values
    if project is not None:
        _map_stages(out, project, problems, lang)
    problems.raise_if_any()
    out = _with_extra_columns(out, frame).reset_index(drop=True)
    out.attrs["source"] = name
    out.attrs["from_file"] = from_file
    return out


def _who_and_where(frame: pd.DataFrame, problems: Problems, lang: str) -> dict[str, pd.Series]:
    """Respondent, stage and touchpoint as text; a row without a respondent, or without both places, is a problem."""
    respondent = text_column(frame, "respondent_id")
    require_cells(respondent, "respondent_id", problems, t("feedback.hint.respondent", lang))
    stage = text_column(frame, "stage")
    touchpoint = text_column(frame, "touchpoint")
    stage_or_touchpoint = stage.where(stage != "", touchpoint)
    require_cells(stage_or_touchpoint, "stage", problems, t("feedback.hint.stage", lang))
    return {"respondent_id": respondent, "stage": stage, "touchpoint": touchpoint}


def _feelings(frame: pd.DataFrame, problems: Problems, lang: str) -> dict[str, pd.Series | float]:
    """Emotion on -2..+2 and satisfaction on 1..5: the column given is required, emotion comes from satisfaction when absent."""
    if "emotion" not in frame.columns:
        satisfaction = _satisfaction(frame, problems, lang, required=True)
        return {"satisfaction": satisfaction, "emotion": satisfaction - 3.0}
    emotion = number_column(
        frame, "emotion", *EMOTION_RANGE, False, True, problems, t("feedback.hint.emotion", lang)
    )
    return {
        "emotion": emotion,
        "satisfaction": (
            _satisfaction(frame, problems, lang, required=False)
            if "satisfaction" in frame.columns
            else math.nan
        ),
    }


def _satisfaction(frame: pd.DataFrame, problems: Problems, lang: str, required: bool) -> pd.Series:
    """The satisfaction column checked on 1..5."""
    return number_column(
        frame,
        "satisfaction",
        *SATISFACTION_RANGE,
        False,
        required,
        problems,
        t("feedback.hint.satisfaction", lang),
    )


def _scores(frame: pd.DataFrame, problems: Problems, lang: str) -> dict[str, pd.Series | float]:
    """The optional NPS, CSAT, CES and spend, each checked on its range; NaN when the column is absent."""
    scores: dict[str, pd.Series | float] = {}
    for column, (low, high) in (("nps", NPS_RANGE), ("csat", CSAT_RANGE), ("ces", CES_RANGE)):
        scores[column] = (
            number_column(
                frame, column, low, high, True, False, problems, t(f"feedback.hint.{column}", lang)
            )
            if column in frame.columns
            else math.nan
        )
    scores["spend"] = (
        number_column(
            frame, "spend", *SPEND_RANGE, False, False, problems, t("decisions.hint.spend", lang)
        )
        if "spend" in frame.columns
        else math.nan
    )
    return scores


def _dates(
    frame: pd.DataFrame, problems: Problems, date_format: str | None
) -> dict[str, pd.Series]:
    """The optional date columns the input has, read like the event log's times."""
    return {
        column: parse_timestamps(frame[column], problems, column, date_format, required=False)
        for column in DATE_COLUMNS
        if column in frame.columns
    }


def _with_extra_columns(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The checked columns followed by the input's other columns, added in one step (one by one is quadratic)."""
    extra = [column for column in frame.columns if column not in out.columns]
    return pd.concat([out, frame[extra]], axis=1) if extra else out


def _map_stages(out: pd.DataFrame, project: Project, problems: Problems, lang: str) -> None:
    """Turn stage and touchpoint names into ids, filling a missing stage from the touchpoint."""
    stages = stage_lookup(project)
    touchpoints = touchpoint_lookup(project)
    stage_of = {tp.id: tp.stage for tp in project.touchpoints}
    stage_ids = project.stage_ids()
    tp_ids = [tp.id for tp in project.touchpoints]
    new_stage: list[str] = []
    new_tp: list[str] = []
    for position, (label, stage, tp) in enumerate(zip(out.index, out["stage"], out["touchpoint"])):
        row = problems.where(position, label)
        tp_id = match(touchpoints, tp) if tp else ""
        if tp and tp_id is None:
            problems.add(
                "unknown_touchpoint",
                row=row,
                column="touchpoint",
                value=tp,
                known=known_list(tp_ids),
            )
        stage_id = match(stages, stage) if stage else stage_of.get(tp_id or "", "")
        if stage and stage_id is None:
            problems.add(
                "unknown_stage", row=row, column="stage", value=stage, known=known_list(stage_ids)
            )
        new_stage.append(stage_id or "")
        new_tp.append(tp_id or "")
    out["stage"] = new_stage
    out["touchpoint"] = new_tp


def _checked(
    survey: pd.DataFrame | Any, project: Project | None = None, lang: str = "en"
) -> pd.DataFrame:
    """A survey that went through :func:`load_survey` (checking a raw DataFrame now)."""
    if (
        isinstance(survey, pd.DataFrame)
        and survey.attrs.get("cjm_survey_checked")
        and project is None
    ):
        return survey
    checked = load_survey(survey, project, lang)
    if project is None:
        checked.attrs["cjm_survey_checked"] = True
    return checked


# --- the emotion curve --------------------------------------------------------------


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t distribution (scipy when installed, else solved here exactly)."""
    try:
        from scipy.stats import t as student_t

        return float(student_t.ppf(p, df))
    except ImportError:
        pass
    if df <= 0:
        return math.nan
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


def _t_cdf(x: float, df: int) -> float:
    """P(T <= x) for x >= 0, through the regularised incomplete beta function."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + x * x))
    return 1.0 - tail


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) by its continued fraction (Lentz's method)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _betainc(b, a, 1.0 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * result / a


def mean_ci(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean and its two-sided t-interval; the interval is NaN with fewer than two values."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def emotion_curve(
    survey: pd.DataFrame | Any,
    project: Project,
    journey_id: str | None = None,
    lang: str = "en",
    confidence: float = CONFIDENCE,
    margin: float = DISAGREE_MARGIN,
) -> pd.DataFrame:
    """Survey emotion per stage beside the emotion stated on the journey map.

    One row per project stage, in order: stage, stage_name, n, mean, ci_low, ci_high
    (t-interval at ``confidence``), stated (the map's emotion, NaN when not set),
    difference (mean - stated) and disagree: the stated emotion lies outside the
    interval by more than ``margin`` (:data:`DISAGREE_MARGIN`); with fewer than two
    answers there is no interval and nothing is flagged. On a project whose map runs
    -3..+3 (``emotion_scale: 3``) the survey's -2..+2 is stretched by 1.5 to meet it. When
    the survey has a ``persona`` column, only the journey persona's answers count.
    """
    data = _checked(survey, project, lang)
    journey = project.journey(journey_id) if project.journeys else None
    if journey is not None and (data["persona"] != "").any():
        data = data[data["persona"] == journey.persona]
    rows = []
    for stage in project.stages:
        values = data.loc[data["stage"] == stage.id, "emotion"].dropna().to_numpy()
        values = values * (project.top_emotion / 2)
        mean, low, high = mean_ci(values, confidence)
        stated = journey.cell(stage.id).stage_emotion() if journey is not None else None
        stated_value = math.nan if stated is None else float(stated)
        difference = mean - stated_value
        outside = bool(low == low and (stated_value < low - margin or stated_value > high + margin))
        rows.append(
            {
                "stage": stage.id,
                "stage_name": stage.name,
                "n": len(values),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "stated": stated_value,
                "difference": difference,
                "disagree": outside,
            }
        )
    return pd.DataFrame(rows)


# --- segments and personas ----------------------------------------------------------


def _respondents(data: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: the first non-blank value of each column."""
    text = [
        c for c in data.columns if data[c].dtype == object or pd.api.types.is_string_dtype(data[c])
    ]
    blanked = data.copy()
    for column in text:
        blanked[column] = blanked[column].replace("", np.nan)
    people = blanked.groupby("respondent_id", sort=False).first().reset_index()
    for column in text:
        if column in people.columns:
            people[column] = people[column].fillna("")
    return people


def survey_segments(
    survey: pd.DataFrame | Any, by: str = "segment", lang: str = "en"
) -> pd.DataFrame:
    """Segment sizes: segment, respondents, share, nps, csat_mean, emotion_mean (largest first)."""
    data = _checked(survey, lang=lang)
    people = _respondents(data)
    if by not in people.columns:
        raise DataError(
            t(
                "feedback.error.missing_column",
                lang,
                file=data.attrs.get("source", "survey"),
                column=by,
                found=", ".join(data.columns),
            )
        )
    people[by] = people[by].map(
        lambda v: v if isinstance(v, str) and v else t("feedback.label.no_segment", lang)
    )
    emotion = data.groupby("respondent_id")["emotion"].mean()
    people["emotion_mean"] = people["respondent_id"].map(emotion)
    rows = []
    for segment, group in people.groupby(by, sort=False):
        rows.append(
            {
                "segment": segment,
                "respondents": len(group),
                "share": len(group) / len(people),
                "nps": nps_score(group["nps"]),
                "csat_mean": _mean(group["csat"]),
                "emotion_mean": _mean(group["emotion_mean"]),
            }
        )
    frame = pd.DataFrame(rows).sort_values(["respondents", "segment"], ascending=[False, True])
    return frame.reset_index(drop=True)


def _split(values: pd.Series) -> Counter[str]:
    counts: Counter[str] = Counter()
    for cell in values:
        for part in str(cell).split(";"):
            part = part.strip()
            if part:
                counts[part] += 1
    return counts


def _top(counts: Counter[str], top: int) -> str:
    return "; ".join(
        f"{value} ({n})"
        for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    )


def segment_profiles(
    survey: pd.DataFrame | Any, by: str = "segment", top: int = 3, lang: str = "en"
) -> pd.DataFrame:
    """Who each segment is: segment, respondents, share, age_band (most common), top_goals, top_pains.

    Goals and pains are listed most frequent first as 'text (count)', joined by '; '.
    """
    data = _checked(survey, lang=lang)
    people = _respondents(data)
    sizes = survey_segments(data, by, lang).set_index("segment")
    people[by] = people[by].map(
        lambda v: v if isinstance(v, str) and v else t("feedback.label.no_segment", lang)
    )
    rows = []
    for segment in sizes.index:
        group = people[people[by] == segment]
        ids = set(group["respondent_id"])
        answers = data[data["respondent_id"].isin(ids)]
        ages = Counter(v for v in group["age_band"] if v)
        rows.append(
            {
                "segment": segment,
                "respondents": int(sizes.loc[segment, "respondents"]),
                "share": float(sizes.loc[segment, "share"]),
                "age_band": ages.most_common(1)[0][0] if ages else "",
                "top_goals": _top(
                    _split(answers.drop_duplicates(["respondent_id", "goal"])["goal"]), top
                ),
                "top_pains": _top(
                    _split(answers.drop_duplicates(["respondent_id", "pain"])["pain"]), top
                ),
            }
        )
    return pd.DataFrame(rows)


# --- NPS, CSAT, CES --------------------------------------------------------------------


def _mean(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.mean()) if len(values) else math.nan


def nps_score(values: pd.Series) -> float:
    """Net Promoter Score -100..100: % promoters (9-10) minus % detractors (0-6); NaN without answers."""
    values = pd.to_numeric(values, errors="coerce").dropna()
    if not len(values):
        return math.nan
    return float(100.0 * ((values >= 9).mean() - (values <= 6).mean()))


def score_summary(
    survey: pd.DataFrame | Any, by: str | None = None, lang: str = "en"
) -> pd.DataFrame:
    """NPS, CSAT and CES overall (by=None) or per stage/segment/... (by='stage').

    Columns: group, respondents, nps_answers, promoters, passives, detractors (shares),
    nps, csat_answers, csat_mean, csat_satisfied (share answering 4-5), ces_answers,
    ces_mean, ces_easy (share answering 5-7). NPS counts each respondent once.
    """
    data = _checked(survey, lang=lang)
    groups = (
        [(t("feedback.label.all", lang), data)]
        if by is None
        else list(data.groupby(by, sort=False))
    )
    rows = []
    for key, group in groups:
        people = _respondents(group)
        nps = people["nps"].dropna()
        csat = group["csat"].dropna()
        ces = group["ces"].dropna()
        rows.append(
            {
                "group": key or t("feedback.label.no_segment", lang),
                "respondents": len(people),
                "nps_answers": len(nps),
                "promoters": float((nps >= 9).mean()) if len(nps) else math.nan,
                "passives": float(((nps >= 7) & (nps <= 8)).mean()) if len(nps) else math.nan,
                "detractors": float((nps <= 6).mean()) if len(nps) else math.nan,
                "nps": nps_score(nps),
                "csat_answers": len(csat),
                "csat_mean": _mean(csat),
                "csat_satisfied": float((csat >= 4).mean()) if len(csat) else math.nan,
                "ces_answers": len(ces),
                "ces_mean": _mean(ces),
                "ces_easy": float((ces >= 5).mean()) if len(ces) else math.nan,
            }
        )
    return pd.DataFrame(rows)
