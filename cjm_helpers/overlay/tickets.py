"""Support tickets and feedback as anecdotal data: where in the journey people complain.

Columns, names in any case: ``timestamp``, ``channel``, ``category``, ``text``
(required), and optionally ``ticket_id``, ``user_id``, ``stage``, ``touchpoint``.

Each ticket is placed on the map in this order of trust: its own ``touchpoint``
cell; its own ``stage`` cell (then the touchpoint by keywords among that stage's
touchpoints); a ``category_map`` entry for its category; keywords in the
category and text. Keywords come from the touchpoints' names and event names,
widened with Indonesian and English words for the same things (``bayar`` for
payment, ``antre`` for queue, ...); a keyword shared by several touchpoints
counts less. Tickets that match nothing keep an empty stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..errors import DataError
from ..i18n import t
from ..model import Project
from .feedback_input import (
    Problems,
    known_list,
    match,
    parse_timestamps,
    read_table,
    require_cells,
    require_columns,
    stage_lookup,
    text_column,
    touchpoint_lookup,
)
from .feedback_samples import generate_tickets
from .keywords_id import SAME_AS_ID, STOPWORDS_ID
from .keywords_pl import STOPWORDS_PL, SYNONYMS_PL

__all__ = [
    "TICKET_COLUMNS",
    "generate_tickets",
    "load_tickets",
    "match_touchpoint",
    "ticket_counts",
    "ticket_quotes",
    "touchpoint_keywords",
]

_PLACEMENT_COLUMNS: tuple[str, ...] = (
    "stage",
    "stage_name",
    "stage_order",
    "touchpoint",
    "touchpoint_name",
    "matched_by",
)
"""Where a ticket was placed on the journey, and how."""
TICKET_COLUMNS: tuple[str, ...] = (
    "ticket_id",
    "timestamp",
    "channel",
    "category",
    "text",
    "user_id",
    *_PLACEMENT_COLUMNS,
)

STOPWORDS = (
    frozenset(
        [
            "and",
            "with",
            "from",
            "the",
            "for",
            "on",
            "of",
            "in",
            "to",
            "a",
            "an",
            "by",
            "app",
            "store",
            "page",
            "screen",
            "order",
            "orders",
            "your",
            "my",
            "our",
            "weekly",
            "new",
        ]
    )
    | STOPWORDS_PL
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "payment": (
        "bayar",
        "pembayaran",
        "paid",
        "pay",
        "refund",
        "saldo",
        "e-wallet",
        "ewallet",
        "gopay",
        "ovo",
        "dana",
        "shopeepay",
        "qris",
        "charged",
        "terpotong",
        "kepotong",
        "debited",
    ),
    "e-wallet": ("gopay", "ovo", "dana", "shopeepay"),
    "checkout": ("check out", "checkout"),
    "queue": ("antre", "antri", "antrian", "antrean", "waiting", "wait", "menunggu", "nunggu"),
    "counter": ("kasir", "konter", "counter"),
    "pick-up": ("ambil", "diambil", "pickup", "pick up", "pick-up", "collect"),
    "otp": ("otp", "kode verifikasi", "verification code", "sms"),
    "sign-up": (
        "daftar",
        "registrasi",
        "register",
        "login",
        "log in",
        "logout",
        "sign in",
        "akun",
        "account",
    ),
    "points": ("poin", "point", "stamp"),
    "rewards": ("hadiah", "reward", "redeem", "tukar poin", "free drink", "gratis"),
    "loyalty": ("member", "membership", "loyalty"),
    "referral": ("referal", "referral", "undang", "ajak teman", "invite"),
    "review": ("ulasan", "rating", "bintang", "review"),
    "receipt": ("struk", "nota", "bukti bayar", "receipt"),
    "invoice": ("faktur", "invoice", "tagihan"),
    "e-mail": ("email", "e-mail", "surel"),
    "notification": ("notifikasi", "notif", "notification"),
    "cart": ("keranjang", "cart"),
    "install": ("instal", "install", "unduh", "download"),
    "whatsapp": ("wa", "whatsapp"),
    "customer": ("cs", "admin", "agent", "agen"),
    "reorder": ("pesan lagi", "order again", "reorder", "riwayat", "history"),
    "maps": ("maps", "lokasi", "location", "alamat"),
    "instagram": ("ig", "instagram"),
    "ad": ("iklan", "ads"),
    "promo": ("promo", "diskon", "voucher", "discount", "potongan"),
    "menu": ("menu", "harga", "price"),
    **SYNONYMS_PL,
}
"""Extra words (Indonesian, English and Polish) for words that appear in touchpoint names."""

STOPWORDS = STOPWORDS | STOPWORDS_ID
SYNONYMS.update(
    {word: (english, *SYNONYMS.get(english, ())) for word, english in SAME_AS_ID.items()}
)


# --- keyword matching --------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w]+", " ", str(text).lower()).split()) + " "


def touchpoint_keywords(project: Project) -> dict[str, set[str]]:
    """Touchpoint id -> its keywords (normalised), from its name, id, events and :data:`SYNONYMS`."""
    out: dict[str, set[str]] = {}
    for tp in project.touchpoints:
        words: set[str] = set()
        raw = [tp.name, *tp.events, *[e.replace("_", " ") for e in tp.events]]
        tokens = re.findall(r"[\w-]+", " ".join(raw).lower())
        for token in tokens:
            for part in {token, *token.split("-"), *token.split("_")}:
                if len(part) >= 2 and part not in STOPWORDS:
                    words.add(part)
        for word in list(words):
            words.update(SYNONYMS.get(word, ()))
        for key, extra in SYNONYMS.items():
            if key in tp.name.lower():
                words.update(extra)
        out[tp.id] = {_normalise(w).strip() for w in words if _normalise(w).strip()}
    return out


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern[str]:
    # short words whole-word only ('ad' must not match 'ada'); longer ones also as a word start,
    # so Indonesian suffixes match ('antrenya', 'bayarnya')
    tail = r"\b" if len(keyword) <= 3 else ""
    return re.compile(r"\b" + re.escape(keyword) + tail)


def match_touchpoint(
    text: str, keywords: dict[str, set[str]], allowed: list[str] | None = None
) -> str | None:
    """The touchpoint whose keywords the text matches best; ties go to the earlier touchpoint."""
    normal = _normalise(text)
    weight: dict[str, int] = {}
    for words in keywords.values():
        for w in words:
            weight[w] = weight.get(w, 0) + 1
    best, best_score = None, 0.0
    for tp_id, words in keywords.items():
        if allowed is not None and tp_id not in allowed:
            continue
        score = sum(1.0 / weight[w] for w in words if _pattern(w).search(normal))
        if score > best_score + 1e-9:
            best, best_score = tp_id, score
    return best


# --- loading ------------------------------------------------------------------------------


def load_tickets(
    source: Any,
    project: Project,
    category_map: dict[str, str] | None = None,
    lang: str = "en",
    sep: str = ",",
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read and check tickets, then place each on a stage and touchpoint of the project.

    Returns the columns of :data:`TICKET_COLUMNS`; ``matched_by`` says how each ticket
    was placed: touchpoint, stage, category, keyword or none. ``category_map`` maps a
    category to a touchpoint or stage (id or name). ``date_format`` reads dates that are
    not ISO 8601, as for the event log ('day-first', 'month-first' or a strptime
    pattern). Raises :class:`DataError`.
    """
    frame, name, from_file = read_table(source, t("feedback.tickets.what", lang), lang, sep)
    require_columns(frame, name, ["timestamp", "channel", "category", "text"], lang)
    problems = Problems(name, from_file, lang)
    out = pd.DataFrame(index=frame.index)
    ids = text_column(frame, "ticket_id")
    out["ticket_id"] = [v or f"T{position + 1:05d}" for position, v in enumerate(ids)]
    out["timestamp"] = parse_timestamps(
        frame["timestamp"], problems, date_format=date_format
    ).to_numpy()
    for column in ("channel", "category", "text", "user_id"):
        out[column] = text_column(frame, column)
    require_cells(out["text"], "text", problems, t("feedback.hint.text", lang))
    placed = _place(
        out,
        text_column(frame, "stage"),
        text_column(frame, "touchpoint"),
        project,
        category_map or {},
        problems,
    )
    problems.raise_if_any()
    for column in _PLACEMENT_COLUMNS:
        out[column] = placed[column]
    out["stage_order"] = out["stage_order"].astype("Int64")
    out = out.reset_index(drop=True)
    out.attrs["source"] = name
    return out[list(TICKET_COLUMNS)]


@dataclass(frozen=True)
class _Places:
    """The project's stages and touchpoints, looked up every way a ticket may name them."""

    project: Project
    stages: dict[str, str]
    touchpoints: dict[str, str]
    keywords: dict[str, set[str]]
    stage_of: dict[str, str]
    by_stage: dict[str, list[str]]

    @classmethod
    def of(cls, project: Project) -> _Places:
        """The lookups for one project, built once for all its tickets."""
        by_stage: dict[str, list[str]] = {}
        for touchpoint in project.touchpoints:
            by_stage.setdefault(touchpoint.stage, []).append(touchpoint.id)
        return cls(
            project=project,
            stages=stage_lookup(project),
            touchpoints=touchpoint_lookup(project),
            keywords=touchpoint_keywords(project),
            stage_of={tp.id: tp.stage for tp in project.touchpoints},
            by_stage=by_stage,
        )


def _place(
    out: pd.DataFrame,
    stages_in: pd.Series,
    tps_in: pd.Series,
    project: Project,
    category_map: dict[str, str],
    problems: Problems,
) -> pd.DataFrame:
    """Each ticket's stage, touchpoint and how it was placed; unknown names given are problems."""
    places = _Places.of(project)
    categories = _category_targets(category_map, places, problems.lang)
    order = {s: i for i, s in enumerate(project.stage_ids())}
    names = {s.id: s.name for s in project.stages}
    tp_names = {tp.id: tp.name for tp in project.touchpoints}
    rows = []
    for position, (label, stage_raw, tp_raw, category, text) in enumerate(
        zip(out.index, stages_in, tps_in, out["category"], out["text"])
    ):
        row = problems.where(position, label)
        stage, tp, how = _place_as_given(places, stage_raw, tp_raw, category, text, problems, row)
        if not stage and not tp:
            stage, tp, how = _place_by_text(places, categories, category, text, how)
        rows.append(
            {
                "stage": stage,
                "stage_name": names.get(stage, ""),
                "stage_order": order.get(stage),
                "touchpoint": tp,
                "touchpoint_name": tp_names.get(tp, ""),
                "matched_by": how,
            }
        )
    return pd.DataFrame(rows, index=out.index)


def _category_targets(category_map: dict[str, str], places: _Places, lang: str) -> dict[str, str]:
    """The category map with normalised keys; a target that is neither a touchpoint nor a stage is refused."""
    categories = {" ".join(str(k).lower().split()): v for k, v in category_map.items()}
    for key, value in categories.items():
        if match(places.touchpoints, value) is None and match(places.stages, value) is None:
            raise DataError(
                t(
                    "feedback.error.bad_category_map",
                    lang,
                    category=key,
                    value=value,
                    known=known_list(places.project.stage_ids() + list(places.keywords)),
                )
            )
    return categories


def _place_as_given(
    places: _Places,
    stage_raw: str,
    tp_raw: str,
    category: str,
    text: str,
    problems: Problems,
    row: Any,
) -> tuple[str, str, str]:
    """Stage, touchpoint and how, from the ticket's own touchpoint or stage cell (a stage narrows the keyword match)."""
    stage, tp, how = "", "", "none"
    if tp_raw:
        tp = match(places.touchpoints, tp_raw) or ""
        if not tp:
            problems.add(
                "unknown_touchpoint",
                row=row,
                column="touchpoint",
                value=tp_raw,
                known=known_list(list(places.keywords)),
            )
        stage, how = places.stage_of.get(tp, ""), "touchpoint"
    if stage_raw:
        given = match(places.stages, stage_raw)
        if given is None:
            problems.add(
                "unknown_stage",
                row=row,
                column="stage",
                value=stage_raw,
                known=known_list(places.project.stage_ids()),
            )
        elif not tp:
            stage, how = given, "stage"
            allowed = places.by_stage.get(given, [])
            tp = match_touchpoint(f"{category} {text}", places.keywords, allowed) or ""
    return stage, tp, how


def _place_by_text(
    places: _Places, categories: dict[str, str], category: str, text: str, how: str
) -> tuple[str, str, str]:
    """Stage, touchpoint and how for a ticket that names neither: its category's target, else its keywords."""
    stage = tp = ""
    target = categories.get(" ".join(category.lower().split()))
    if target:
        tp = match(places.touchpoints, target) or ""
        stage = places.stage_of[tp] if tp else match(places.stages, target) or ""
        how = "category"
    if not stage and not tp:
        tp = match_touchpoint(f"{category} {text}", places.keywords) or ""
        if tp:
            stage, how = places.stage_of[tp], "keyword"
    return stage, tp, how


# --- summaries ------------------------------------------------------------------------------


def ticket_counts(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tickets per stage and touchpoint: stage, stage_name, touchpoint, touchpoint_name, tickets, share.

    In journey order, most tickets first within a stage; unplaced tickets last with an
    empty stage.
    """
    if tickets.empty:
        return pd.DataFrame(
            columns=["stage", "stage_name", "touchpoint", "touchpoint_name", "tickets", "share"]
        )
    keys = ["stage", "stage_name", "touchpoint", "touchpoint_name"]
    data = tickets.assign(_order=tickets["stage_order"].astype("Float64").fillna(1e9))
    counts = data.groupby(keys + ["_order"], dropna=False).size().reset_index(name="tickets")
    counts["share"] = counts["tickets"] / counts["tickets"].sum()
    counts = counts.sort_values(["_order", "tickets", "touchpoint"], ascending=[True, False, True])
    return counts.drop(columns="_order").reset_index(drop=True)


def ticket_quotes(tickets: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """Up to ``n`` example quotes per stage (the most recent), in journey order.

    Columns: stage, stage_name, touchpoint_name, timestamp, channel, category, text.
    """
    columns = ["stage", "stage_name", "touchpoint_name", "timestamp", "channel", "category", "text"]
    if tickets.empty:
        return pd.DataFrame(columns=columns)
    data = tickets.assign(_order=tickets["stage_order"].astype("Float64").fillna(1e9))
    data = data.sort_values(["_order", "timestamp"], ascending=[True, False], kind="stable")
    picked = data.groupby("_order", sort=False, dropna=False).head(n)
    return picked[columns].reset_index(drop=True)
