"""Themes from what customers wrote: survey comments and tickets, grouped by what they are about.

The survey's ``comment`` column and the tickets' ``text`` become one corpus of
*documents*. Each is tokenised, stripped of stop words and stemmed in its own
language (:mod:`.themes_text`), weighted by TF-IDF and split into themes by
non-negative matrix factorisation (scikit-learn's NMF, seeded, so the same data
always gives the same themes). Everything runs on this machine; nothing is
downloaded.

A theme is described by:

* ``label`` and ``terms``: its top words, as customers wrote them;
* ``size``: documents whose strongest theme it is, and ``share`` of all documents;
* ``sentiment``: the mean feeling (-2..+2) of its survey answers, from the
  emotion given with each comment (tickets carry no score); ``polarity`` is
  ``pain`` at -0.5 or below, or when only tickets speak of it (a ticket is a
  request for help), ``gain`` at +0.5 or above, else ``mixed``;
* ``stage``/``touchpoint``: where most of its documents were placed, and
  ``stages``/``touchpoints``: every place with its share of the theme;
* ``trend``: ``rising``, ``falling`` or ``steady``, comparing the theme's share
  of all documents in the later half of the period with the earlier half
  (rising: at least 1.5 times and 2 points more, with 5 or more documents in
  the later half; falling the other way round); empty without dates;
* ``quote_1``..``quote_3``: the documents that express it most strongly
  (distinct texts, both languages when the theme spans two).

Pain and gain themes become cards on the map (:func:`theme_cards`,
:func:`add_theme_cards`) with evidence "observed"; each card names its theme
id, which is the ``theme`` column of ``themes.csv`` and the anchor of the theme
in :func:`themes_html`, where its quotes are.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..i18n import LANGUAGES, check_language, format_number, format_percent, t
from ..model import Journey, Note, PainPoint, Project
from .themes_text import Analyser

__all__ = [
    "DOCUMENT_COLUMNS",
    "PLACEMENT_COLUMNS",
    "THEME_COLUMNS",
    "ThemeCard",
    "ThemeResult",
    "add_theme_cards",
    "feedback_documents",
    "find_themes",
    "overlay_themes",
    "project_themes",
    "theme_cards",
    "theme_trend",
    "themes_html",
    "themes_table",
]

DOCUMENT_COLUMNS: tuple[str, ...] = (
    "source",
    "ref",
    "text",
    "stage",
    "stage_name",
    "stage_order",
    "touchpoint",
    "touchpoint_name",
    "when",
    "score",
)
THEME_COLUMNS: tuple[str, ...] = (
    "theme",
    "label",
    "terms",
    "size",
    "share",
    "sentiment",
    "scored",
    "polarity",
    "survey_comments",
    "tickets",
    "stage",
    "stage_name",
    "stage_share",
    "stages",
    "touchpoint",
    "touchpoint_name",
    "touchpoints",
    "languages",
    "first_seen",
    "last_seen",
    "earlier_share",
    "recent_share",
    "trend",
    "quote_1",
    "quote_2",
    "quote_3",
)
PLACEMENT_COLUMNS: tuple[str, ...] = (
    "theme",
    "label",
    "stage",
    "stage_name",
    "touchpoint",
    "touchpoint_name",
    "documents",
    "share",
    "sentiment",
)

DEFAULT_THEMES = 12
"""Themes to look for when not told: about what a workshop can read through."""
MAX_THEMES = 40
FIT_SAMPLE = 20_000
"""Above this many texts the themes are learnt from this many, spread evenly, and then found in all."""
MIN_SIZE = 3
"""A theme needs at least this many documents; smaller ones are dropped."""
TEXTS_PER_THEME = 5
"""At least this many distinct texts per theme looked for (fewer texts, fewer themes)."""
PAIN_AT, GAIN_AT = -0.5, 0.5
QUOTES = 3
MIN_FIT = 0.2
"""A document joins its strongest theme only if its words point the same way (cosine of its TF-IDF
vector with the theme's word weights); a text that merely has to go somewhere stays without a theme."""
CARD_MIN_SHARE = 1 / 3
"""A theme gets a card at each stage holding at least this share of its documents (and its main stage)."""
CARDS_PER_STAGE = 4
"""At most this many theme cards per stage and lane, the largest themes first; the report lists them all."""
CARD_QUOTE_CHARS = 100
THEME_ID = re.compile(r"^theme-\d{2,}")
_CARD_MARK = re.compile(r"\btheme-\d{2,}\b")
SURVEY_TIME_COLUMNS = ("submitted", "timestamp", "date", "when", "created")


# --- the corpus -------------------------------------------------------------------------


def _text(values: pd.Series) -> pd.Series:
    return values.astype("object").map(
        lambda v: (
            ""
            if v is None or (isinstance(v, float) and math.isnan(v))
            else " ".join(str(v).split())
        )
    )


def _names(
    project: Project | None, lang: str
) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """Stage names (defaults translated into ``lang``), touchpoint names, and stage order."""
    from ..mapping.layout import stage_label

    if project is None:
        return {}, {}, {}
    return (
        {s.id: stage_label(s, lang) for s in project.stages},
        {tp.id: tp.name for tp in project.touchpoints},
        {s.id: i for i, s in enumerate(project.stages)},
    )


def _document_columns(
    frame: pd.DataFrame,
    source: str,
    text_column: str,
    ref_column: str,
    names: tuple[dict[str, str], dict[str, str], dict[str, int]],
    lang: str,
) -> dict[str, Any]:
    """The columns a survey answer and a ticket share as documents: reference, text, stage and touchpoint.

    A table without its ``text_column`` is a :class:`DataError`; ``names`` is what :func:`_names` gives.
    """
    if text_column not in frame.columns:
        what = frame.attrs.get("source", {"survey": "survey", "ticket": "tickets"}[source])
        raise DataError(t("themes.error.no_text", lang, what=what, column=text_column))
    stage_names, tp_names, order = names
    stage, tp = _optional_text(frame, "stage"), _optional_text(frame, "touchpoint")
    return {
        "source": source,
        "ref": _optional_text(frame, ref_column),
        "text": _text(frame[text_column]),
        "stage": stage,
        "stage_name": stage.map(lambda s: stage_names.get(s, s)),
        "stage_order": stage.map(lambda s: order.get(s, math.nan)),
        "touchpoint": tp,
        "touchpoint_name": tp.map(lambda s: tp_names.get(s, s)),
    }


def _optional_text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as single-spaced text, or blanks where the table does not have it."""
    return _text(frame[column]) if column in frame.columns else pd.Series("", index=frame.index)


def feedback_documents(
    survey: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    project: Project | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Survey comments and ticket texts as one table of documents (:data:`DOCUMENT_COLUMNS`).

    ``survey`` is what :func:`.survey.load_survey` returns (its ``comment``, the
    ``emotion`` as score and a ``submitted`` date when there is one); ``tickets``
    what :func:`.tickets.load_tickets` returns. Rows without text are left out;
    a table without its text column is a :class:`DataError` in ``lang``, the
    language stage names are written in when they are still the defaults.
    """
    names = _names(project, lang)
    parts = []
    if survey is not None and len(survey):
        columns = _document_columns(survey, "survey", "comment", "respondent_id", names, lang)
        when_column = next((c for c in SURVEY_TIME_COLUMNS if c in survey.columns), None)
        columns["when"] = (
            pd.to_datetime(survey[when_column], errors="coerce", format="mixed")
            if when_column
            else pd.NaT
        )
        columns["score"] = (
            pd.to_numeric(survey["emotion"], errors="coerce")
            if "emotion" in survey.columns
            else math.nan
        )
        parts.append(pd.DataFrame(columns))
    if tickets is not None and len(tickets):
        columns = _document_columns(tickets, "ticket", "text", "ticket_id", names, lang)
        if "stage_name" in tickets.columns and project is None:
            columns["stage_name"] = _text(tickets["stage_name"])
        if "touchpoint_name" in tickets.columns:
            columns["touchpoint_name"] = _text(tickets["touchpoint_name"])
        columns["when"] = (
            pd.to_datetime(tickets["timestamp"], errors="coerce", format="mixed")
            if "timestamp" in tickets.columns
            else pd.NaT
        )
        columns["score"] = math.nan
        parts.append(pd.DataFrame(columns))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in DOCUMENT_COLUMNS})
    docs = pd.concat(parts, ignore_index=True)
    docs = docs[docs["text"] != ""].reset_index(drop=True)
    docs["when"] = pd.to_datetime(docs["when"], errors="coerce")
    if getattr(docs["when"].dtype, "tz", None) is not None:
        docs["when"] = docs["when"].dt.tz_convert(None)
    docs["score"] = pd.to_numeric(docs["score"], errors="coerce").astype(float)
    docs["stage_order"] = pd.to_numeric(docs["stage_order"], errors="coerce").astype(float)
    return docs[list(DOCUMENT_COLUMNS)]


# --- finding themes -------------------------------------------------------------------------


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True)
class ThemeResult:
    """The themes of one corpus: one row per theme, one per document, and where each theme occurs."""

    themes: pd.DataFrame
    """One row per theme (:data:`THEME_COLUMNS`), largest first; ``themes.csv``."""
    documents: pd.DataFrame
    """The documents with their ``language``, ``theme`` ('' when none) and ``weight``."""
    placement: pd.DataFrame
    """Theme × stage × touchpoint: documents, share of the theme, mean feeling (:data:`PLACEMENT_COLUMNS`)."""

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The themes as a table for people (:func:`themes_table`)."""
        return themes_table(self.themes, lang)

    def html(self, lang: str = "en") -> str:
        """The themes with their quotes as an escaped HTML fragment (:func:`themes_html`)."""
        return themes_html(self, lang)

    def _repr_html_(self) -> str:
        return self.html()

    def trend(self, freq: str = "MS") -> pd.DataFrame:
        return theme_trend(self, freq)

    def cards(self, lang: str = "en") -> list[ThemeCard]:
        return theme_cards(self, lang)

    def on_map(self, project: Project, journey_id: str | None = None, lang: str = "en") -> Project:
        """A copy of ``project`` with this result's pain and gain cards on the journey's map."""
        return add_theme_cards(project, self.cards(lang), journey_id)


def _n_themes(n_themes: int | None, distinct: int) -> int:
    if n_themes is None:
        return max(1, min(DEFAULT_THEMES, distinct // TEXTS_PER_THEME))
    if (
        isinstance(n_themes, bool)
        or not isinstance(n_themes, (int, np.integer))
        or not 1 <= n_themes <= MAX_THEMES
    ):
        raise DataError(t("themes.error.bad_n_themes", "en", most=MAX_THEMES, value=repr(n_themes)))
    return int(min(n_themes, max(1, distinct // 2)))


def _empty_result(documents: pd.DataFrame) -> ThemeResult:
    """No themes: the documents as they are (with an empty theme each) and empty tables."""
    docs = documents.assign(theme="", weight=0.0)
    if "language" not in docs.columns:
        docs.insert(len(documents.columns), "language", "")
    return ThemeResult(
        themes=pd.DataFrame({c: pd.Series(dtype="object") for c in THEME_COLUMNS}),
        documents=docs,
        placement=pd.DataFrame({c: pd.Series(dtype="object") for c in PLACEMENT_COLUMNS}),
    )


def find_themes(
    documents: pd.DataFrame,
    n_themes: int | None = None,
    seed: int = 0,
    lang: str = "en",
    min_size: int = MIN_SIZE,
    progress: bool = False,
) -> ThemeResult:
    """Group documents (:func:`feedback_documents`) into themes; the same input gives the same themes.

    ``n_themes`` is how many themes to look for (default: up to
    :data:`DEFAULT_THEMES`, fewer for a small corpus); themes of fewer than
    ``min_size`` documents are dropped. ``lang`` is the language assumed for a
    text that shows none of its own.
    """
    check_language(lang)
    docs = documents.reset_index(drop=True)
    if docs.empty:
        return _empty_result(docs)
    analyser = Analyser(default=lang)
    languages, tokens = _analyse_texts(docs["text"], analyser, progress)
    docs = docs.assign(language=languages)
    distinct = len({" ".join(tk) for tk in tokens if tk})
    k = _n_themes(n_themes, distinct)
    vectorised = _vectorise(tokens, len(docs))
    if vectorised is None:  # no word occurs twice: nothing to group
        return _empty_result(docs)
    matrix, terms = vectorised
    weights, components = _fit_topics(matrix, min(k, matrix.shape[1]), seed)
    best, strength = _assign_themes(matrix, weights, components)
    sizes = Counter(int(b) for b in best if b >= 0)
    kept = sorted((j for j, n in sizes.items() if n >= min_size), key=lambda j: (-sizes[j], j))
    ids = {j: f"theme-{i + 1:02d}" for i, j in enumerate(kept)}
    docs["theme"] = [ids.get(int(b), "") for b in best]
    docs["weight"] = np.where(docs["theme"] != "", strength, 0.0).astype(float)
    if not kept:
        return _empty_result(docs)
    rows = [_describe(ids[j], components[j], terms, analyser, docs, weights[:, j]) for j in kept]
    themes = pd.DataFrame(rows, columns=list(THEME_COLUMNS))
    _add_trend(themes, docs)
    return ThemeResult(themes=themes, documents=docs, placement=_placement(themes, docs))


def _analyse_texts(
    texts: pd.Series, analyser: Analyser, progress: bool
) -> tuple[list[str], list[list[str]]]:
    """Each text's language and tokens; a text seen before is not analysed again."""
    from tqdm.auto import tqdm

    seen: dict[str, tuple[str, list[str]]] = {}
    languages: list[str] = []
    tokens: list[list[str]] = []
    for text in tqdm(texts, desc="themes", unit="text", disable=not progress):
        result = seen.get(text)
        if result is None:
            result = seen[text] = analyser.analyse(text)
        languages.append(result[0])
        tokens.append(result[1])
    return languages, tokens


def _vectorise(tokens: list[list[str]], n_docs: int) -> tuple[Any, np.ndarray] | None:
    """TF-IDF of the tokens and the terms kept; None when no term occurs often enough to group by."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        analyzer=_identity,
        min_df=max(2, math.ceil(n_docs * 0.0002)),
        max_df=0.8,
        sublinear_tf=True,
        dtype=np.float32,
        max_features=20000,
    )
    try:
        matrix = vectoriser.fit_transform(tokens)
    except ValueError:
        return None
    return matrix, vectoriser.get_feature_names_out()


def _fit_topics(matrix: Any, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's weight on ``k`` topics, and the topics' term weights (NMF, seeded)."""
    from sklearn.decomposition import NMF

    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
    if (
        matrix.shape[0] > FIT_SAMPLE
    ):  # learn the themes from evenly spread texts, then weigh every text
        model.fit(matrix[np.linspace(0, matrix.shape[0] - 1, FIT_SAMPLE).astype(int)])
        weights = model.transform(matrix)
    else:
        weights = model.fit_transform(matrix)
    return weights, model.components_


def _assign_themes(
    matrix: Any, weights: np.ndarray, components: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each text's strongest topic (-1 when it fits none well) and that topic's weight."""
    best = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    unit = components / np.maximum(np.linalg.norm(components, axis=1, keepdims=True), 1e-12)
    fit = np.asarray((matrix @ unit.T)[np.arange(len(best)), best]).ravel()
    best[(strength <= 1e-9) | (fit < MIN_FIT)] = -1
    return best, strength


def _label_terms(
    component: np.ndarray, terms: np.ndarray, analyser: Analyser, n: int = 6
) -> list[str]:
    words: list[str] = []
    for index in np.argsort(-component, kind="stable"):
        if component[index] <= 0 or len(words) >= n:
            break
        word = analyser.surface(str(terms[index]))
        if word not in words:
            words.append(word)
    return words


def _quotes(members: pd.DataFrame, scores: np.ndarray, polarity: str) -> list[str]:
    """The strongest distinct texts of a theme; the best one of a second language if none is among them.

    Texts whose feeling agrees with the theme's kind come first (a pain theme is
    quoted from complaints and tickets, a gain theme from praise).
    """
    feeling = members["score"]
    if polarity == "pain":
        agrees = (feeling < 0) | feeling.isna()
    elif polarity == "gain":
        agrees = feeling > 0
    else:
        agrees = pd.Series(True, index=members.index)
    order = members.assign(_score=scores[members.index], _agrees=agrees.astype(int))
    order = order.sort_values(["_agrees", "_score"], ascending=False, kind="stable")
    picked: list[str] = []
    picked_langs: list[str] = []
    seen: set[str] = set()
    top = float(order["_score"].iloc[0]) if len(order) else 0.0
    for text, language, score in zip(order["text"], order["language"], order["_score"]):
        key = text.casefold()
        if key in seen:
            continue
        seen.add(key)
        if len(picked) < QUOTES:
            picked.append(text)
            picked_langs.append(language)
        elif len(set(picked_langs)) == 1 and language != picked_langs[0]:
            if score >= 0.5 * top:  # only a text that still speaks strongly of the theme
                picked[-1], picked_langs[-1] = text, language
            break
    return picked + [""] * (QUOTES - len(picked))


def _spread(members: pd.DataFrame, key: str, name: str) -> tuple[str, str, float, str]:
    """Main place (id, name, share) and every place with its share, largest first."""
    placed = members[members[key] != ""]
    if placed.empty:
        return "", "", math.nan, ""
    order_key = "stage_order" if key == "stage" else None
    counts = placed.groupby([key, name], sort=False).size().reset_index(name="n")
    if order_key:
        counts = counts.merge(
            placed.groupby(key)[order_key].min().rename("_o"), left_on=key, right_index=True
        )
        counts = counts.sort_values(["n", "_o", key], ascending=[False, True, True], kind="stable")
    else:
        counts = counts.sort_values(["n", key], ascending=[False, True], kind="stable")
    total = counts["n"].sum()
    listing = "; ".join(
        f"{n or k} {round(100 * c / total)}%"
        for k, n, c in zip(counts[key], counts[name], counts["n"])
    )
    top = counts.iloc[0]
    return str(top[key]), str(top[name] or top[key]), float(top["n"] / total), listing


def _describe(
    theme: str,
    component: np.ndarray,
    terms: np.ndarray,
    analyser: Analyser,
    docs: pd.DataFrame,
    scores: np.ndarray,
) -> dict[str, Any]:
    members = docs[docs["theme"] == theme]
    words = _label_terms(component, terms, analyser)
    scored = members["score"].dropna()
    sentiment = float(scored.mean()) if len(scored) else math.nan
    if (len(scored) and sentiment <= PAIN_AT) or (
        not len(scored) and (members["source"] == "ticket").any()
    ):
        polarity = "pain"
    elif len(scored) and sentiment >= GAIN_AT:
        polarity = "gain"
    else:
        polarity = "mixed"
    stage, stage_name, stage_share, stages = _spread(members, "stage", "stage_name")
    tp, tp_name, _, tps = _spread(members, "touchpoint", "touchpoint_name")
    langs = Counter(members["language"])
    when = members["when"].dropna()
    quotes = _quotes(members, scores, polarity)
    return {
        "theme": theme,
        "label": ", ".join(words[:3]),
        "terms": ", ".join(words),
        "size": len(members),
        "share": len(members) / len(docs),
        "sentiment": sentiment,
        "scored": len(scored),
        "polarity": polarity,
        "survey_comments": int((members["source"] == "survey").sum()),
        "tickets": int((members["source"] == "ticket").sum()),
        "stage": stage,
        "stage_name": stage_name,
        "stage_share": stage_share,
        "stages": stages,
        "touchpoint": tp,
        "touchpoint_name": tp_name,
        "touchpoints": tps,
        "languages": ", ".join(
            f"{lang} {n}" for lang, n in sorted(langs.items(), key=lambda i: (-i[1], i[0]))
        ),
        "first_seen": when.min().date().isoformat() if len(when) else "",
        "last_seen": when.max().date().isoformat() if len(when) else "",
        "earlier_share": math.nan,
        "recent_share": math.nan,
        "trend": "",
        "quote_1": quotes[0],
        "quote_2": quotes[1],
        "quote_3": quotes[2],
    }


def _add_trend(themes: pd.DataFrame, docs: pd.DataFrame) -> None:
    """Fill earlier_share, recent_share and trend, halving the period all documents span."""
    when = docs["when"]
    if when.notna().sum() < 2 or when.min() == when.max():
        return
    middle = when.min() + (when.max() - when.min()) / 2
    earlier, recent = when.notna() & (when < middle), when >= middle
    n_earlier, n_recent = int(earlier.sum()), int(recent.sum())
    for row, theme in enumerate(themes["theme"]):
        mine = docs["theme"] == theme
        before = (mine & earlier).sum() / n_earlier if n_earlier else math.nan
        after = (mine & recent).sum() / n_recent if n_recent else math.nan
        themes.loc[row, ["earlier_share", "recent_share"]] = [before, after]
        trend = "steady"
        if (mine & recent).sum() >= 5 and after >= 1.5 * before and after - before >= 0.02:
            trend = "rising"
        elif (mine & earlier).sum() >= 5 and before >= 1.5 * after and before - after >= 0.02:
            trend = "falling"
        themes.loc[row, "trend"] = trend


def _placement(themes: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    members = docs[docs["theme"] != ""]
    keys = ["theme", "stage", "stage_name", "touchpoint", "touchpoint_name"]
    grouped = (
        members.groupby(keys, sort=False)
        .agg(documents=("text", "size"), sentiment=("score", "mean"), _order=("stage_order", "min"))
        .reset_index()
    )
    grouped["share"] = grouped["documents"] / grouped["theme"].map(members.groupby("theme").size())
    grouped["label"] = grouped["theme"].map(dict(zip(themes["theme"], themes["label"])))
    rank = {theme: i for i, theme in enumerate(themes["theme"])}
    grouped = grouped.assign(_rank=grouped["theme"].map(rank), _o=grouped["_order"].fillna(1e9))
    grouped = grouped.sort_values(
        ["_rank", "_o", "documents", "touchpoint"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    return grouped[list(PLACEMENT_COLUMNS)].reset_index(drop=True)


def theme_trend(result: ThemeResult, freq: str = "MS") -> pd.DataFrame:
    """Documents per theme and period (default: month): theme, label, period, documents, share of the period."""
    docs = result.documents.dropna(subset=["when"])
    columns = ["theme", "label", "period", "documents", "share"]
    if docs.empty or result.themes.empty:
        return pd.DataFrame(columns=columns)
    period = docs["when"].dt.to_period(freq[0] if freq in ("MS", "M") else freq).dt.start_time
    totals = period.value_counts()
    members = docs.assign(period=period)[docs["theme"] != ""]
    counts = members.groupby(["theme", "period"]).size().rename("documents").reset_index()
    counts["share"] = counts["documents"] / counts["period"].map(totals)
    counts["label"] = counts["theme"].map(dict(zip(result.themes["theme"], result.themes["label"])))
    return counts.sort_values(["theme", "period"], kind="stable")[columns].reset_index(drop=True)


# --- for people: a table and an HTML fragment -------------------------------------------------------


def _sentiment_text(value: float, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("themes.no_score", lang)
    text = format_number(value, lang, 1)
    return text.replace("-", "\u2212") if value < 0 else ("+" + text if value > 0 else text)


def _percent_listing(listing: str, lang: str) -> str:
    """'Purchase 72%; Retention 18%' with the language's percent style."""
    parts = []
    for item in filter(None, (p.strip() for p in str(listing).split(";"))):
        name, _, pct = item.rpartition(" ")
        value = float(pct.rstrip("%")) / 100 if pct.rstrip("%").isdigit() else None
        parts.append(
            f"{name} {format_percent(value, lang, 0)}" if value is not None and name else item
        )
    return "; ".join(parts)


def themes_table(themes: pd.DataFrame | ThemeResult, lang: str = "en") -> pd.DataFrame:
    """One row per theme with headers in ``lang``: names and formatted numbers, quotes on separate lines."""
    check_language(lang)
    frame = themes.themes if isinstance(themes, ThemeResult) else themes
    col = {
        key: t(f"themes.column.{key}", lang)
        for key in (
            "theme",
            "size",
            "polarity",
            "sentiment",
            "stages",
            "touchpoints",
            "trend",
            "quotes",
        )
    }
    rows = []
    for row in frame.itertuples(index=False):
        quotes = [q for q in (row.quote_1, row.quote_2, row.quote_3) if isinstance(q, str) and q]
        rows.append(
            {
                col["theme"]: row.label,
                col["size"]: format_number(row.size, lang, 0),
                col["polarity"]: t(f"themes.polarity.{row.polarity}", lang),
                col["sentiment"]: _sentiment_text(row.sentiment, lang),
                col["stages"]: _percent_listing(row.stages, lang) or t("themes.no_stage", lang),
                col["touchpoints"]: _percent_listing(row.touchpoints, lang),
                col["trend"]: t(f"themes.trend.{row.trend or 'unknown'}", lang),
                col["quotes"]: "\n".join(f"“{q}”" for q in quotes),
            }
        )
    return pd.DataFrame(rows, columns=list(col.values()))


THEMES_CSS = """
.cjm-themes{font-family:inherit}
.cjm-themes .cjm-theme{border-left:4px solid #80868b;padding:4px 12px;margin:10px 0}
.cjm-themes .cjm-theme-pain{border-color:#d93025}
.cjm-themes .cjm-theme-gain{border-color:#188038}
.cjm-themes h4{margin:0 0 2px;font-size:15px}
.cjm-themes .cjm-theme-meta{margin:0 0 4px;color:#5b6b7a;font-size:13px}
.cjm-themes blockquote{margin:2px 0 2px 8px;font-style:italic}
"""


def themes_html(themes: ThemeResult | pd.DataFrame, lang: str = "en") -> str:
    """Every theme as a short block: its label, size, kind, feeling, place, trend and quotes.

    Each block's ``id`` is the theme id that the map cards name. All text from
    the data is escaped.
    """
    check_language(lang)
    frame = themes.themes if isinstance(themes, ThemeResult) else themes
    esc = html.escape
    parts = [f"<section class='cjm-themes' lang='{esc(lang)}'><style>{THEMES_CSS}</style>"]
    if frame.empty:
        parts.append(f"<p>{esc(t('themes.none', lang, needed=2 * MIN_SIZE))}</p>")
    elif isinstance(themes, ThemeResult):
        docs = themes.documents
        langs = ", ".join(sorted(set(docs["language"])))
        parts.append(
            "<p>"
            + esc(
                t(
                    "themes.intro",
                    lang,
                    themes=len(frame),
                    documents=len(docs),
                    languages=langs,
                    unassigned=int((docs["theme"] == "").sum()),
                )
            )
            + "</p>"
        )
    for row in frame.itertuples(index=False):
        meta = t(
            "themes.meta",
            lang,
            size=format_number(row.size, lang, 0),
            kind=t(f"themes.polarity.{row.polarity}", lang),
            sentiment=_sentiment_text(row.sentiment, lang),
            stage=row.stage_name or t("themes.no_stage", lang),
            trend=t(f"themes.trend.{row.trend or 'unknown'}", lang),
        )
        quotes = "".join(
            f"<blockquote>“{esc(q)}”</blockquote>"
            for q in (row.quote_1, row.quote_2, row.quote_3)
            if isinstance(q, str) and q
        )
        parts.append(
            f"<div class='cjm-theme cjm-theme-{esc(row.polarity)}' id='{esc(row.theme)}'>"
            f"<h4>{esc(row.label)}</h4><p class='cjm-theme-meta'>{esc(meta)}</p>{quotes}</div>"
        )
    parts.append("</section>")
    return "".join(parts)


# --- on the map -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCard:
    """A card a theme puts on the map: a pain point, or a gain shown in the thoughts lane."""

    theme: str
    stage: str
    lane: str
    """``pain_points`` or ``thoughts`` (the map has no lane of its own for gains)."""
    card: Note


def _short(text: str, limit: int = CARD_QUOTE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def theme_cards(
    themes: ThemeResult | pd.DataFrame,
    lang: str = "en",
    placement: pd.DataFrame | None = None,
    min_share: float = CARD_MIN_SHARE,
    per_stage: int = CARDS_PER_STAGE,
) -> list[ThemeCard]:
    """Pain-point and gain cards for pain and gain themes, with evidence 'observed'.

    A theme gets a card at its main stage and at every other stage holding at
    least ``min_share`` of its documents, up to ``per_stage`` cards per stage
    and lane (largest themes first). The card says what customers complain
    about or value, quotes the strongest text and names the theme id, under
    which themes.csv and the report list all its quotes.
    """
    check_language(lang)
    frame = themes.themes if isinstance(themes, ThemeResult) else themes
    if placement is None and isinstance(themes, ThemeResult):
        placement = themes.placement
    cards: list[ThemeCard] = []
    for row in frame.itertuples(index=False):
        if row.polarity not in ("pain", "gain") or not row.stage:
            continue
        stages = [row.stage]
        if placement is not None and len(placement):
            mine = placement[placement["theme"] == row.theme]
            shares = mine[mine["stage"] != ""].groupby("stage", sort=False)["share"].sum()
            stages += [s for s, share in shares.items() if share >= min_share and s != row.stage]
        lines = [
            t(
                f"themes.card.{row.polarity}",
                lang,
                label=row.label,
                size=format_number(row.size, lang, 0),
            )
        ]
        lines += [f"“{_short(q)}”" for q in (row.quote_1,) if isinstance(q, str) and q]
        lines.append(t("themes.card.link", lang, theme=row.theme))
        text = "\n".join(lines)
        lane = "pain_points" if row.polarity == "pain" else "thoughts"
        stages = [
            s for s in stages if sum(c.stage == s and c.lane == lane for c in cards) < per_stage
        ]
        for stage in stages:
            if row.polarity == "pain":
                note: Note = PainPoint(
                    id=f"{row.theme}-{stage}"[:64].rstrip("-_"), text=text, evidence="observed"
                )
                cards.append(ThemeCard(row.theme, stage, "pain_points", note))
            else:
                cards.append(
                    ThemeCard(row.theme, stage, "thoughts", Note(text=text, evidence="observed"))
                )
    return cards


def _target_journey(project: Project, journey_id: str | None) -> Journey:
    if journey_id is not None:
        return project.journey(journey_id)
    primary = project.primary_persona()
    for journey in project.journeys:
        if (
            journey.map_type != "future_state"
            and primary is not None
            and journey.persona == primary.id
        ):
            return journey
    return next((j for j in project.journeys if j.map_type != "future_state"), project.journey())


def add_theme_cards(
    project: Project, cards: Sequence[ThemeCard], journey_id: str | None = None
) -> Project:
    """A copy of ``project`` whose journey shows ``cards``; the project itself is left as it was.

    Without ``journey_id``, the primary persona's current-state journey (or the
    first one that is not a future state). Theme cards added before are
    replaced, so running this again after new data does not pile cards up.
    """
    copy = project.model_copy(deep=True)
    journey = _target_journey(copy, journey_id)
    taken = {
        pp.id
        for j in copy.journeys
        for cell in j.stages.values()
        for pp in cell.pain_points + cell.internal_pain_points
        if not THEME_ID.match(pp.id)
    }
    for cell in journey.stages.values():
        cell.pain_points = [pp for pp in cell.pain_points if not THEME_ID.match(pp.id)]
        cell.thoughts = [
            n for n in cell.thoughts if not (n.evidence == "observed" and _CARD_MARK.search(n.text))
        ]
    known = set(copy.stage_ids())
    for card in cards:
        if card.stage not in known:
            continue
        cell = journey.stages.setdefault(card.stage, journey.cell(card.stage))
        note = card.card
        if isinstance(note, PainPoint):
            if note.id in taken:
                continue
            taken.add(note.id)
            cell.pain_points = [*cell.pain_points, note]
        else:
            cell.thoughts = [*cell.thoughts, note]
    return copy


# --- one call for notebooks, the report and `cjm overlay` ------------------------------------------


def project_themes(
    project: Project,
    survey: Any = None,
    tickets: Any = None,
    lang: str | None = None,
    n_themes: int | None = None,
    seed: int = 0,
) -> ThemeResult:
    """Themes from a project's survey comments and tickets (paths or DataFrames, either may be None).

    What step 7 and the report call: ``result.table(lang)``, ``result.html(lang)``
    and ``result.on_map(project)`` show the themes; ``result.themes`` is themes.csv.
    """
    from .survey import load_survey
    from .tickets import load_tickets

    language = lang or project.language
    check_language(language)
    survey_frame = load_survey(survey, project, lang=language) if survey is not None else None
    ticket_frame = load_tickets(tickets, project, lang=language) if tickets is not None else None
    documents = feedback_documents(survey_frame, ticket_frame, project, language)
    return find_themes(
        documents, n_themes=n_themes, seed=seed, lang=_text_language(project, language)
    )


def _text_language(project: Project | None, lang: str) -> str:
    """The language assumed for a text that shows none: the project's, else the reader's."""
    if project is not None and project.language in LANGUAGES:
        return project.language
    return lang


def overlay_themes(
    survey: pd.DataFrame | None,
    tickets: pd.DataFrame | None,
    project: Project | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The rows of ``themes.csv`` for `cjm overlay`, from the survey and tickets it already loaded."""
    documents = feedback_documents(survey, tickets, project, lang)
    return find_themes(documents, lang=_text_language(project, lang)).themes
