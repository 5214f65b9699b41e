"""Personas measured by the survey: computed share and value, and segments found by clustering.

A persona is *linked* to survey respondents by its ``segment`` (respondents whose
``segment`` cell names it, case and spaces ignored) or, without one, by the survey's
``persona`` column holding the persona's id. From the linked respondents:

* **share of customers** = linked respondents / all respondents;
* **value** = the mean yearly ``spend`` of the linked respondents who answered it
  (NaN when the survey has no spend);
* **satisfaction** = their mean CSAT (1..5) and NPS (-100..100), for context.

A typed share *disagrees* when it is :data:`SHARE_TOLERANCE` (5 points) or more from
the computed one; a typed value when it differs by :data:`VALUE_TOLERANCE` (25%) or
more of the computed value. Suggested 1..5 scores give 5 to the largest share (or
value) among the personas and the others in proportion, rounded up:
``ceil(5 x share / largest share)``; a score typed in step 3 that is
:data:`SCORE_TOLERANCE` (2) points or more from the suggestion is flagged.

Clustering: each respondent becomes one row of numbers (mean emotion, NPS, CSAT,
CES and spend, where the survey has them), each column is standardised (mean 0,
standard deviation 1; a blank becomes the column mean, 0), and scikit-learn's KMeans
groups the rows. A cluster's profile (size, share, means, the most common goals,
pains and age band) is a persona draft: :func:`persona_from_cluster`.
"""

from __future__ import annotations

__all__ = [
    "CLUSTER_FEATURES",
    "PERSONA_SCORE_COLUMNS",
    "SCORE_TOLERANCE",
    "SHARE_TOLERANCE",
    "VALUE_TOLERANCE",
    "find_segments",
    "linked_respondents",
    "persona_from_cluster",
    "persona_score_warnings",
    "persona_scores",
    "respondent_features",
    "standardise",
]

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..i18n import t
from ..model import Demographics, Persona, Project
from .survey import _checked, _respondents, _split, _top, nps_score

SHARE_TOLERANCE = 0.05
"""Typed and computed share of customers disagree from this many (fraction) points apart."""
VALUE_TOLERANCE = 0.25
"""Typed and computed value disagree from this relative difference of the computed value."""
SCORE_TOLERANCE = 2
"""A typed 1..5 score this many points (or more) from the suggested one is flagged."""
CLUSTER_FEATURES: tuple[str, ...] = ("emotion", "nps", "csat", "ces", "spend")
"""Answers that place a respondent for clustering (means per respondent)."""

PERSONA_SCORE_COLUMNS: tuple[str, ...] = (
    "persona",
    "name",
    "linked_by",
    "respondents",
    "share",
    "share_typed",
    "share_disagrees",
    "share_score",
    "share_score_typed",
    "value",
    "value_typed",
    "value_disagrees",
    "value_score",
    "value_score_typed",
    "csat_mean",
    "nps",
)


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def linked_respondents(people: pd.DataFrame, persona: Persona) -> tuple[pd.DataFrame, str]:
    """The respondents standing for a persona, and how they were found ('segment', 'persona' or '')."""
    if persona.segment.strip() and "segment" in people.columns:
        wanted = _norm(persona.segment)
        return people[people["segment"].map(_norm) == wanted], "segment"
    if "persona" in people.columns and (people["persona"] == persona.id).any():
        return people[people["persona"] == persona.id], "persona"
    return people.iloc[0:0], ""


def _proportional_scores(values: list[float]) -> list[float]:
    """1..5 scores: 5 for the largest value, the others ceil(5 x value / largest); NaN stays NaN."""
    known = [v for v in values if v == v]
    top = max(known) if known else 0.0
    if top <= 0:
        return [math.nan for _ in values]
    return [
        max(1.0, float(math.ceil(5.0 * v / top - 1e-9))) if v == v else math.nan for v in values
    ]


def persona_scores(survey: pd.DataFrame | Any, project: Project, lang: str = "en") -> pd.DataFrame:
    """Share of customers, value and satisfaction of each persona, computed beside the typed ones.

    One row per project persona (columns :data:`PERSONA_SCORE_COLUMNS`); a persona
    linked to no respondent has 0 respondents and NaN for what is computed.
    """
    data = _checked(survey, lang=lang)
    people = _respondents(data)
    total = len(people)
    spend = data.groupby("respondent_id")["spend"].mean()
    rows = []
    for persona in project.personas:
        linked, how = linked_respondents(people, persona)
        n = len(linked)
        ids = set(linked["respondent_id"])
        answers = data[data["respondent_id"].isin(ids)]
        spent = spend.reindex(list(ids)).dropna()
        share = n / total if total and how else math.nan
        value = float(spent.mean()) if len(spent) else math.nan
        typed_share = persona.share_of_customers
        typed_value = persona.value
        rows.append(
            {
                "persona": persona.id,
                "name": persona.name,
                "linked_by": how,
                "respondents": n,
                "share": share,
                "share_typed": math.nan if typed_share is None else float(typed_share),
                "share_disagrees": bool(
                    typed_share is not None
                    and share == share
                    and abs(share - typed_share) >= SHARE_TOLERANCE - 1e-12
                ),
                "value": value,
                "value_typed": math.nan if typed_value is None else float(typed_value),
                "value_disagrees": bool(
                    typed_value is not None
                    and value == value
                    and value > 0
                    and abs(typed_value - value) / value >= VALUE_TOLERANCE - 1e-12
                ),
                "csat_mean": _mean(answers["csat"]),
                "nps": nps_score(linked["nps"]) if n else math.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in PERSONA_SCORE_COLUMNS if "score" not in c])
    frame["share_score"] = _proportional_scores(list(frame["share"]))
    frame["value_score"] = _proportional_scores(list(frame["value"]))
    typed = {target.persona: target for target in project.target_personas}
    frame["share_score_typed"] = [
        float(typed[p].share_score) if p in typed else math.nan for p in frame["persona"]
    ]
    frame["value_score_typed"] = [
        float(typed[p].value_score) if p in typed else math.nan for p in frame["persona"]
    ]
    return frame[list(PERSONA_SCORE_COLUMNS)]


def persona_score_warnings(scores: pd.DataFrame, currency: str, lang: str = "en") -> list[str]:
    """One sentence per disagreement (or missing link) in :func:`persona_scores`, for the learner."""
    from ..i18n import format_number, format_percent

    lines = []
    linked = scores[scores["linked_by"] != ""]
    if len(linked) and linked["value"].isna().all():
        lines.append(t("decisions.persona.no_spend", lang))
    for row in scores.itertuples(index=False):
        if not row.linked_by:
            lines.append(t("decisions.persona.unlinked", lang, name=row.name))
            continue
        if row.share_disagrees:
            lines.append(
                t(
                    "decisions.persona.share_disagrees",
                    lang,
                    name=row.name,
                    typed=format_percent(row.share_typed, lang),
                    computed=format_percent(row.share, lang),
                    n=row.respondents,
                )
            )
        for kind in ("share", "value"):
            suggested = getattr(row, f"{kind}_score")
            given = getattr(row, f"{kind}_score_typed")
            if (
                suggested == suggested
                and given == given
                and abs(suggested - given) >= SCORE_TOLERANCE
            ):
                lines.append(
                    t(
                        f"decisions.persona.{kind}_score_disagrees",
                        lang,
                        name=row.name,
                        typed=int(given),
                        suggested=int(suggested),
                    )
                )
        if row.value_disagrees:
            lines.append(
                t(
                    "decisions.persona.value_disagrees",
                    lang,
                    name=row.name,
                    typed=f"{format_number(row.value_typed, lang, 0)} {currency}",
                    computed=f"{format_number(row.value, lang, 0)} {currency}",
                )
            )
    return lines


def _mean(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.mean()) if len(values) else math.nan


# --- clustering ----------------------------------------------------------------------


def respondent_features(data: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: the mean of each of :data:`CLUSTER_FEATURES` the survey answers."""
    means = data.groupby("respondent_id", sort=False)[list(CLUSTER_FEATURES)].mean()
    answered = [c for c in CLUSTER_FEATURES if means[c].notna().any()]
    return means[answered]


def standardise(features: pd.DataFrame) -> np.ndarray:
    """Each column to mean 0 and standard deviation 1; blanks become 0 (the mean); flat columns 0."""
    values = features.to_numpy(dtype=float)
    mean = np.nanmean(values, axis=0)
    std = np.nanstd(values, axis=0)
    std = np.where(std > 0, std, 1.0)
    scaled = (values - mean) / std
    return np.nan_to_num(scaled, nan=0.0)


def find_segments(
    survey: pd.DataFrame | Any,
    k: int | None = None,
    seed: int = 0,
    top: int = 3,
    lang: str = "en",
) -> pd.DataFrame:
    """Segments found in the answers by KMeans on standardised answers, one profile per cluster.

    ``k`` clusters, or (None) the k of 2..6 with the best silhouette score. Columns:
    cluster (1 = largest), respondents, share, the mean of each answer used, age_band
    (most common), segment (the most common typed segment), top_goals, top_pains.
    """
    data = _checked(survey, lang=lang)
    features = respondent_features(data)
    n = len(features)
    if features.shape[1] == 0 or n < 2:
        raise DataError(
            t("decisions.cluster.too_little", lang, file=data.attrs.get("source", "survey"), n=n)
        )
    labels = _cluster(standardise(features), k, seed, lang)
    sizes = Counter(labels.tolist())
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    number = {c: i + 1 for i, c in enumerate(order)}
    people = _respondents(data).set_index("respondent_id").reindex(features.index)
    rows = [
        _cluster_profile(number[c], features.index[labels == c], features, people, data, top)
        for c in order
    ]
    frame = pd.DataFrame(rows)
    frame.attrs["assignments"] = pd.Series(
        [number[c] for c in labels], index=features.index, name="cluster"
    )
    return frame


def _cluster(scaled: np.ndarray, k: int | None, seed: int, lang: str) -> np.ndarray:
    """Each respondent's cluster label: KMeans with ``k`` clusters, or the best k when None."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    n = len(scaled)
    # one thread: a few hundred rows cluster in milliseconds, while a thread pool per fit
    # on a busy machine takes seconds
    with threadpool_limits(1):
        if k is None:
            k = _best_k(scaled, seed)
        if not 1 <= k <= n:
            raise DataError(t("decisions.cluster.bad_k", lang, k=k, n=n))
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(scaled)


def _cluster_profile(
    number: int,
    ids: pd.Index,
    features: pd.DataFrame,
    people: pd.DataFrame,
    data: pd.DataFrame,
    top: int,
) -> dict[str, Any]:
    """One cluster's row: its size and share, mean answers, commonest age band and segment, top goals and pains."""
    group = people.loc[ids]
    answers = data[data["respondent_id"].isin(set(ids))]
    ages = Counter(v for v in group["age_band"] if v)
    segments = Counter(v for v in group["segment"] if v)
    row: dict[str, Any] = {
        "cluster": number,
        "respondents": len(ids),
        "share": len(ids) / len(features),
    }
    for column in features.columns:
        row[column] = float(features.loc[ids, column].mean())
    row.update(
        {
            "age_band": ages.most_common(1)[0][0] if ages else "",
            "segment": segments.most_common(1)[0][0] if segments else "",
            "top_goals": _top(
                _split(answers.drop_duplicates(["respondent_id", "goal"])["goal"]), top
            ),
            "top_pains": _top(
                _split(answers.drop_duplicates(["respondent_id", "pain"])["pain"]), top
            ),
        }
    )
    return row


def _best_k(scaled: np.ndarray, seed: int) -> int:
    """The k of 2..6 (fewer with few respondents) whose clusters are best separated (silhouette)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    distinct = len(np.unique(scaled, axis=0))
    best, best_score = 1, -1.0
    for k in range(2, min(6, distinct - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(scaled)
        score = float(silhouette_score(scaled, labels))
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best if best > 1 else min(2, distinct) or 1


def persona_from_cluster(
    profiles: pd.DataFrame, cluster: int, persona_id: str, name: str, lang: str = "en"
) -> Persona:
    """A persona draft from one cluster's profile: share, value (mean spend), age band, goals, pains.

    The learner edits it (quote, needs, channels, empathy map) and adds it in step 2.
    """
    hit = profiles[profiles["cluster"] == cluster]
    if hit.empty:
        known = ", ".join(str(c) for c in profiles["cluster"])
        raise DataError(t("decisions.cluster.no_cluster", lang, cluster=cluster, known=known))
    row = hit.iloc[0]
    spend = row.get("spend", math.nan)

    def listed(cell: str) -> list[str]:
        return [part.rsplit(" (", 1)[0] for part in str(cell).split("; ") if part]

    return Persona(
        id=persona_id,
        name=name,
        evidence="observed",
        demographics=Demographics(age_band=str(row["age_band"])),
        goals=listed(row["top_goals"]),
        pains=listed(row["top_pains"]),
        share_of_customers=round(float(row["share"]), 4),
        value=None if spend != spend else round(float(spend), 2),
    )
