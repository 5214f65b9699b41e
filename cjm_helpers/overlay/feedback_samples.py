"""Seeded sample surveys and tickets that follow a project's stages, touchpoints and personas.

The texts are written for the sample project (an order-ahead coffee chain in
Jakarta), in Bahasa Indonesia and English as customers there write, and for the
Polish sample in Polish (:mod:`.feedback_phrases_pl`, chosen by the project's
language); for other projects the generators fall back to plain texts built from
touchpoint names.
The survey deliberately disagrees with the sample map at two stages, so the
emotion curve has something to show, and its ``spend`` puts the personas other than
the primary one above the value typed for them (:data:`SPEND_SHIFT`), so step 2 has
a disagreement to explain.
"""

from __future__ import annotations

__all__ = [
    "COMMENTS",
    "EMOTION_SHIFT",
    "EXTRA_SEGMENTS",
    "EXTRA_SHARE",
    "GENERIC_COMMENTS",
    "SPEND_ANSWERED",
    "SPEND_SHIFT",
    "SPEND_SPREAD",
    "SPEND_UNLINKED",
    "STAGE_WEIGHTS",
    "TICKETS",
    "TICKET_CHANNELS",
    "generate_survey",
    "generate_tickets",
]

import datetime as dt
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..model import Project
from . import feedback_phrases_pl as pl

STAGE_WEIGHTS = {
    "awareness": 0.14,
    "consideration": 0.22,
    "purchase": 0.32,
    "retention": 0.22,
    "advocacy": 0.10,
}

EMOTION_SHIFT = {"consideration": -0.8, "purchase": 0.15, "retention": -0.6}
"""How far the 'true' feeling of the primary persona lies from the map (the sample's hidden findings)."""

SPEND_SHIFT = 1.4
"""How far above its typed value the yearly spend of a persona other than the primary lies."""
SPEND_SPREAD = 0.35
"""Spread (sigma of the logarithm) of one respondent's yearly spend around their segment's."""
SPEND_UNLINKED = 0.6
"""Spend of respondents no persona covers, as a share of the personas' mean typed value."""
SPEND_ANSWERED = 0.85
"""Share of respondents who say what they spend (the rest leave it blank)."""

EXTRA_SEGMENTS = (
    (
        "Remote worker or freelancer",
        "25–34",
        ["A quiet corner to work for a morning", "Good coffee without a long queue"],
        ["No power sockets near the window seats", "Wi-Fi drops after an hour"],
    ),
    (
        "Family on weekends",
        "35–44",
        ["A treat for the family after church or the mall", "Something sweet for the kids"],
        ["Few seats for groups", "Menu has little for children"],
    ),
)
EXTRA_SHARE = (0.15, 0.08)

COMMENTS: dict[str, dict[str, list[str]]] = {
    "awareness": {
        "pos": [
            "Lihat reel Kopiloka di IG, es kopi gula arennya kelihatan enak banget",
            "Video TikTok es kopi gula aren Kopiloka bikin penasaran",
            "Review TikTok soal latte gula aren bikin pengen coba",
            "Saw the TikTok review and wanted to try the palm-sugar latte",
            "The Instagram reel of the palm-sugar iced coffee made me curious",
            "A colleague swears by the palm-sugar latte at Kopiloka Sudirman",
        ],
        "neg": [
            "Iklannya tidak bilang outlet terdekat di mana",
            "Iklan di IG bagus tapi tidak ada info outlet terdekat dari stasiun",
            "The ad looked nice but I had no idea which station has an outlet",
            "The Instagram ad never says where the nearest outlet is",
            "Terlalu banyak iklan kopi, susah bedain",
        ],
    },
    "consideration": {
        "pos": [
            "Reviews on Google Maps were good, that convinced me",
            "Rating Kopiloka di Google Maps bagus, jadi yakin coba",
            "Promo first order lumayan, jadi install appnya",
            "The first order promo was worth it, so I installed the app",
        ],
        "neg": [
            "OTP-nya lama banget masuk, di KRL sinyal jelek",
            "Kode OTP tidak masuk, harus coba tiga kali",
            "SMS OTP baru masuk setelah kodenya kedaluwarsa",
            "Another app and another OTP... almost gave up",
            "The OTP took ages to arrive on the KRL",
            "The OTP SMS expired before it even arrived",
            "Had to sign up before I could even see the menu prices",
            "Kenapa harga menu baru kelihatan setelah daftar?",
        ],
    },
    "purchase": {
        "pos": [
            "Bayar pakai e-wallet cepat, tidak ada masalah",
            "Kopi saya sudah siap di rak waktu saya datang, mantap",
            "My coffee was already waiting on the shelf when I walked in, great",
            "Paying with the e-wallet was quick, no problem at all",
            "Kopinya enak dan sesuai pesanan",
        ],
        "neg": [
            "Kode promo gagal terus di checkout tanpa penjelasan",
            "Kode promo katanya tidak valid, akhirnya bayar harga penuh",
            "Promo code said invalid, paid full price in the end",
            "The promo code failed at checkout with no explanation",
            "Sudah pesan dari app tapi tetap antre 15 menit di kasir",
            "Pesan lewat app tetap harus antre lama di kasir",
            "App orders wait behind walk-in customers, what is the point?",
            "Ordered in the app and still had to queue 15 minutes at the counter",
            "Saldo kepotong tapi pesanan tidak muncul di outlet",
            "Barista tidak tahu pesanan saya sudah dibayar",
            "My GoPay balance was charged but the outlet never got the order",
            "Paid in the app, yet the barista could not find my order",
        ],
    },
    "retention": {
        "pos": [
            "Reorder from history is handy for my usual drink",
            "Reorder minuman favorit dari riwayat praktis banget",
            "One tap to reorder my usual coffee from history, love it",
        ],
        "neg": [
            "Poinnya lama sekali terkumpul, 12 gelas baru dapat gratis",
            "Poin dari pesanan minggu lalu belum tercatat",
            "Points from last week's order never showed up",
            "Collecting points takes forever, 12 cups for one free drink",
            "CS di WhatsApp minta screenshot struk lagi, ribet",
            "Admin CS WhatsApp lama balas, terus minta screenshot struk",
            "Customer service on WhatsApp could not see my order and asked for a screenshot again",
            "Terlalu banyak push notification promo, jadi saya matikan",
            "Notifikasi promo terlalu sering, tiap jam ada",
            "Too many promo push notifications, I turned them off",
        ],
    },
    "advocacy": {
        "pos": [
            "Sudah rekomendasikan Kopiloka ke teman-teman kantor",
            "Gave five stars after a smooth pick-up",
            "Kasih bintang lima setelah pick-up lancar",
            "Recommended Kopiloka to everyone at my office",
        ],
        "neg": [
            "Kode referral susah dicari, ada di dalam profil",
            "Bonus referral baru cair seminggu kemudian",
            "Took ages to find my referral code, it is hidden in the profile",
            "The referral bonus for my friend came a week late",
        ],
    },
}
GENERIC_COMMENTS = {
    "pos": ["Smooth and friendly, thank you", "Pelayanannya cepat dan ramah", "Worked as expected"],
    "neg": [
        "Took too long and nobody explained why",
        "Prosesnya membingungkan",
        "Had to ask twice for help",
    ],
}

TICKETS: dict[str, tuple[str, float, list[str]]] = {
    "tp-checkout": (
        "Payment",
        0.20,
        [
            "Saldo GoPay sudah kepotong tapi pesanan tidak masuk, mohon dicek",
            "Paid with OVO but the order never showed up at the outlet",
            "Pembayaran gagal terus padahal saldo cukup",
            "I was charged twice for one latte, please refund",
            "Checkout stuck on the loading screen after paying with DANA",
            "Sudah bayar via ShopeePay, status masih menunggu pembayaran",
        ],
    ),
    "tp-cart": (
        "Promo",
        0.17,
        [
            "Kode promo PAGIHEMAT tidak bisa dipakai di keranjang, katanya tidak valid",
            "Promo code says invalid without any reason",
            "Voucher diskon 50% hilang dari keranjang setelah ganti ukuran",
            "Why does the promo need a minimum spend that only shows in the cart?",
            "Potongan promo tidak muncul di keranjang padahal syarat sudah terpenuhi",
        ],
    ),
    "tp-pickup": (
        "Pick-up",
        0.20,
        [
            "Sudah pesan dari app 10 menit sebelumnya tapi tetap antre di kasir",
            "My order was not ready when I arrived, waited 15 minutes at the counter",
            "Pesanan saya diambil orang lain di outlet Sudirman",
            "Antrean pickup di Manggarai panjang sekali jam 7 pagi",
            "Nobody at the counter could find my app order",
            "Tolong pisahkan antrian ambil pesanan app dan walk-in",
        ],
    ),
    "tp-signup": (
        "Account",
        0.12,
        [
            "OTP tidak masuk-masuk, sudah coba tiga kali",
            "The verification SMS arrives after it expires",
            "Akun saya logout sendiri dan minta OTP lagi di kereta",
            "Cannot register with my new phone number",
            "Kode verifikasi SMS telat terus kalau di KRL",
        ],
    ),
    "tp-loyalty": (
        "Loyalty",
        0.10,
        [
            "Poin dari pembelian kemarin belum tercatat",
            "My points disappeared after the app update",
            "Tukar poin untuk free drink gagal di outlet",
            "Reward voucher expired before I could redeem it",
        ],
    ),
    "tp-referral": (
        "Referral",
        0.06,
        [
            "Bonus referral teman saya belum dikreditkan",
            "Where do I find my referral code? Took ages to find it",
            "Referral bonus for my friend came a week late",
        ],
    ),
    "tp-whatsapp-cs": (
        "Service",
        0.04,
        [
            "Admin WA lama balasnya, sudah 2 jam",
            "Customer service on WhatsApp keeps asking for a screenshot of my receipt",
        ],
    ),
    "tp-push": (
        "App",
        0.03,
        [
            "Notifikasi promo terlalu sering, tiap jam ada",
            "Push notification promo was for an outlet that is closed",
        ],
    ),
    "tp-menu": (
        "App",
        0.03,
        [
            "Harga di menu app beda dengan harga di kasir",
            "Menu shows drinks that are sold out",
        ],
    ),
    "tp-email-receipt": (
        "Payment",
        0.02,
        [
            "Butuh faktur pajak untuk kantor, invoice di email tidak lengkap",
            "Receipt e-mail never arrived",
        ],
    ),
    "": (
        "Other",
        0.03,
        [
            "Tolong buka outlet di Bekasi Timur",
            "Kopinya terlalu manis, bisa ada pilihan less sugar?",
            "Please bring back the pandan latte",
        ],
    ),
}
TICKET_CHANNELS = (
    ("WhatsApp", 0.45),
    ("In-app chat", 0.30),
    ("Email", 0.10),
    ("Instagram DM", 0.10),
    ("Phone", 0.05),
)


class _Phrases(NamedTuple):
    """The phrase tables one language's samples are written from."""

    comments: dict[str, dict[str, list[str]]]
    generic: dict[str, list[str]]
    tickets: dict[str, tuple[str, float, list[str]]]
    channels: tuple[tuple[str, float], ...]
    extra_segments: tuple
    fallback: tuple[str, ...]


_KOPILOKA = _Phrases(
    COMMENTS,
    GENERIC_COMMENTS,
    TICKETS,
    TICKET_CHANNELS,
    EXTRA_SEGMENTS,
    ("Problem with {name}, please help", "Ada masalah di {name}, mohon dibantu"),
)
_POLISH = _Phrases(
    pl.COMMENTS_PL,
    pl.GENERIC_COMMENTS_PL,
    pl.TICKETS_PL,
    pl.TICKET_CHANNELS_PL,
    pl.EXTRA_SEGMENTS_PL,
    pl.FALLBACK_TICKETS_PL,
)


def _phrases(project: Project) -> _Phrases:
    """Polish tables for a Polish project; the Kopiloka mix of Indonesian and English otherwise."""
    return _POLISH if project.language == "pl" else _KOPILOKA


def _segment_name(persona_name: str, language: str = "en") -> str:
    """'Rina, the commuting office worker' -> 'Commuting office worker'; in Polish 'Kasia, …' drops 'Kasia, '."""
    for sep in (", the ", ", ") if language == "pl" else (", the ",):
        if sep in persona_name:
            name = persona_name.split(sep, 1)[1]
            return name[:1].upper() + name[1:]
    return persona_name


def _stage_weights(project: Project) -> np.ndarray:
    weights = np.array([STAGE_WEIGHTS.get(s.id, 0.2) for s in project.stages], dtype=float)
    return weights / weights.sum()


def _timestamps(rng: np.random.Generator, n: int, start: dt.date, days: int) -> list[pd.Timestamp]:
    """Times spread over ``days``, most on weekday mornings (commute) and some in the afternoon."""
    out = []
    base = pd.Timestamp(start)
    for _ in range(n):
        day = int(rng.integers(0, days))
        morning = rng.random() < 0.6
        hour = rng.normal(7.6, 0.7) if morning else rng.uniform(10, 21)
        minutes = int(np.clip(hour, 5.5, 22.5) * 60)
        out.append(base + pd.Timedelta(days=day, minutes=minutes, seconds=int(rng.integers(0, 60))))
    return out


class _Segment(NamedTuple):
    """A group of respondents: a persona's segment or one of the extra ones no persona covers."""

    persona: str
    name: str
    age: str
    goals: list[str]
    pains: list[str]
    share: float


def _segments(project: Project, phrases: _Phrases) -> tuple[list[_Segment], np.ndarray]:
    """The personas' segments and the extra ones, with the chance a respondent is in each."""
    segments = [
        _Segment(
            persona.id,
            _segment_name(persona.name, project.language),
            persona.demographics.age_band or "25–34",
            persona.goals or ["—"],
            persona.pains or ["—"],
            persona.share_of_customers or (0.6 / max(len(project.personas), 1)),
        )
        for persona in project.personas
    ]
    rest = max(0.0, 1.0 - sum(s.share for s in segments))
    for (name, age, goals, pains), part in zip(phrases.extra_segments, EXTRA_SHARE):
        segments.append(_Segment("", name, age, goals, pains, rest * part / sum(EXTRA_SHARE)))
    chance = np.array([s.share for s in segments], dtype=float)
    return segments, chance / chance.sum()


def _stated_curves(project: Project, stages: list[str]) -> dict[str, dict[str, float]]:
    """Persona id -> the feeling per stage its first journey that is not a future state states."""
    stated: dict[str, dict[str, float]] = {}
    for journey in project.journeys:
        if journey.map_type != "future_state" and journey.persona not in stated:
            stated[journey.persona] = {s: float(journey.cell(s).emotion or 0) for s in stages}
    return stated


def _some(rng: np.random.Generator, items: list[str]) -> str:
    """One or two of ``items``, joined with '; ' in a stable order."""
    size = min(len(items), int(rng.integers(1, 3)))
    return "; ".join(sorted(set(rng.choice(items, size=size, replace=False))))


class _Answer(NamedTuple):
    """What one respondent said of one stage."""

    touchpoint: str
    emotion: int
    csat: int | None
    ces: int | None
    comment: str


def _stage_answer(
    rng: np.random.Generator,
    stage: str,
    feeling: float,
    phrases: _Phrases,
    touchpoints: list[str],
) -> _Answer:
    """One respondent's answer for one stage: felt emotion near ``feeling``, comment and scores."""
    emotion = int(np.clip(np.rint(rng.normal(feeling, 0.8)), -2, 2))
    pool = (
        phrases.comments.get(stage, phrases.generic)["pos" if emotion >= 1 else "neg"]
        if emotion != 0
        else []
    )
    comment = str(rng.choice(pool)) if pool and rng.random() < 0.6 else ""
    tp = str(rng.choice(touchpoints or [""])) if rng.random() < 0.7 else ""
    csat = (
        int(np.clip(np.rint(rng.normal(3.8 + 0.6 * emotion, 0.7)), 1, 5))
        if stage in ("purchase", "retention") or rng.random() < 0.2
        else None
    )
    ces = (
        int(np.clip(np.rint(rng.normal(4.8 + 0.9 * emotion, 1.0)), 1, 7))
        if stage in ("consideration", "purchase")
        else None
    )
    return _Answer(tp, emotion, csat, ces, comment)


def _typical_spend(project: Project, segments: list[_Segment]) -> list[float]:
    """Yearly spend around which each segment's respondents lie; NaN when no persona has a value.

    A persona's typed ``value`` (times :data:`SPEND_SHIFT` unless it is the primary
    persona), or :data:`SPEND_UNLINKED` of the personas' mean value for the others.
    """
    values = {p.id: p.value for p in project.personas if p.value is not None and p.value > 0}
    if not values:
        return [math.nan for _ in segments]
    primary = project.primary_persona()
    mean = sum(values.values()) / len(values)
    typical = []
    for segment in segments:
        value = values.get(segment.persona)
        if value is None:
            typical.append(SPEND_UNLINKED * mean)
        elif primary is not None and segment.persona == primary.id:
            typical.append(float(value))
        else:
            typical.append(SPEND_SHIFT * value)
    return typical


def _spend(rng: np.random.Generator, typical: float) -> float:
    """One respondent's yearly spend near ``typical``, rounded to a thousandth of it; NaN if not said."""
    if typical != typical or rng.random() >= SPEND_ANSWERED:
        return math.nan
    step = 10 ** max(0, math.floor(math.log10(typical)) - 3)
    return float(step * round(typical * rng.lognormal(0.0, SPEND_SPREAD) / step))


class _SurveyPlan(NamedTuple):
    """What every sample respondent is drawn from: stages, touchpoints, segments and stated curves."""

    phrases: _Phrases
    stages: list[str]
    weights: np.ndarray
    touchpoints: dict[str, list[str]]
    segments: list[_Segment]
    chance: np.ndarray
    typical: list[float]
    primary_id: str | None
    stated: dict[str, dict[str, float]]


def _survey_plan(project: Project) -> _SurveyPlan:
    """The project's part of the sample survey, worked out once for all respondents."""
    phrases = _phrases(project)
    stages = [s.id for s in project.stages]
    segments, chance = _segments(project, phrases)
    primary = project.primary_persona()
    return _SurveyPlan(
        phrases=phrases,
        stages=stages,
        weights=_stage_weights(project),
        touchpoints={
            s: [tp.id for tp in project.touchpoints if tp.stage == s and tp.events] for s in stages
        },
        segments=segments,
        chance=chance,
        typical=_typical_spend(project, segments),
        primary_id=primary.id if primary else None,
        stated=_stated_curves(project, stages),
    )


def generate_survey(project: Project, n: int = 300, seed: int = 0) -> pd.DataFrame:
    """``n`` seeded respondents answering for one to three stages each (see :mod:`.survey` columns).

    ``spend`` (yearly, in the project currency) is drawn from a generator of its own,
    so adding it left every other answer of a seed as it was.
    """
    rng = np.random.default_rng(seed)
    spend_rng = np.random.default_rng([seed, 1])
    plan = _survey_plan(project)
    dates = _timestamps(rng, n, dt.date(2026, 9, 1), 80)
    rows: list[dict[str, object]] = []
    for r in range(n):
        rows.extend(_respondent_rows(rng, spend_rng, plan, f"R{r + 1:04d}", dates[r]))
    frame = pd.DataFrame(rows)
    for column in ("nps", "csat", "ces"):
        frame[column] = frame[column].astype("Int64")
    frame["spend"] = frame["spend"].round().astype("Int64")
    return frame


def _respondent_rows(
    rng: np.random.Generator,
    spend_rng: np.random.Generator,
    plan: _SurveyPlan,
    respondent: str,
    submitted: pd.Timestamp,
) -> list[dict[str, object]]:
    """One respondent's rows, a row per stage answered; the NPS, when given, sits on the first row."""
    chosen = int(rng.choice(len(plan.segments), p=plan.chance))
    segment = plan.segments[chosen]
    spend = _spend(spend_rng, plan.typical[chosen])
    curve = plan.stated.get(segment.persona) or plan.stated.get(plan.primary_id or "", {}) or {}
    k = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.20]))
    stages = plan.stages
    answered = sorted(
        rng.choice(len(stages), size=min(k, len(stages)), replace=False, p=plan.weights)
    )
    shared = {
        "respondent_id": respondent,
        "submitted": submitted.date().isoformat(),
        "segment": segment.name,
        "persona": segment.persona,
        "age_band": segment.age,
        "goal": _some(rng, segment.goals),
        "pain": _some(rng, segment.pains),
        "spend": spend,
    }
    rows = []
    for index in answered:
        stage = stages[index]
        shift = (
            EMOTION_SHIFT.get(stage, 0.0)
            if segment.persona == plan.primary_id
            else rng.normal(0, 0.3)
        )
        answer = _stage_answer(
            rng, stage, curve.get(stage, 0.0) + shift, plan.phrases, plan.touchpoints[stage]
        )
        rows.append(_answer_row(shared, stage, answer))
    mood = float(np.mean([row["emotion"] for row in rows]))
    if rng.random() < 0.85:
        rows[0]["nps"] = int(np.clip(np.rint(rng.normal(8.0 + 1.3 * mood, 1.4)), 0, 10))
    return rows


def _answer_row(shared: dict[str, object], stage: str, answer: _Answer) -> dict[str, object]:
    """One survey row, columns in the order of the sample file."""
    return {
        "respondent_id": shared["respondent_id"],
        "submitted": shared["submitted"],
        "stage": stage,
        "touchpoint": answer.touchpoint,
        "emotion": answer.emotion,
        "nps": None,
        "csat": answer.csat,
        "ces": answer.ces,
        "comment": answer.comment,
        "segment": shared["segment"],
        "persona": shared["persona"],
        "age_band": shared["age_band"],
        "goal": shared["goal"],
        "pain": shared["pain"],
        "spend": shared["spend"],
    }


def generate_tickets(project: Project, n: int = 200, seed: int = 0) -> pd.DataFrame:
    """``n`` seeded support tickets: ticket_id, timestamp, user_id, channel, category, text."""
    rng = np.random.default_rng(seed)
    phrases = _phrases(project)
    known = {tp.id for tp in project.touchpoints}
    pools = [
        (tp, cat, w, texts)
        for tp, (cat, w, texts) in phrases.tickets.items()
        if tp in known or tp == ""
    ]
    if len(pools) <= 1:  # not the sample project: plain texts from the touchpoint names
        pools = (
            [
                (
                    tp.id,
                    next((s.name for s in project.stages if s.id == tp.stage), tp.stage),
                    1.0,
                    [text.format(name=tp.name) for text in phrases.fallback],
                )
                for tp in project.touchpoints
            ]
            + [pools[0]]
            if pools
            else []
        )
    p = np.array([w for _, _, w, _ in pools], dtype=float)
    p = p / p.sum()
    channels, channel_p = zip(*phrases.channels)
    times = sorted(_timestamps(rng, n, dt.date(2026, 9, 1), 80))
    rows = []
    for i in range(n):
        _, category, _, texts = pools[int(rng.choice(len(pools), p=p))]
        rows.append(
            {
                "ticket_id": f"T{i + 1:05d}",
                "timestamp": times[i].strftime("%Y-%m-%d %H:%M:%S"),
                "user_id": f"u{int(rng.integers(1, 5000)):05d}",
                "channel": str(rng.choice(channels, p=np.array(channel_p))),
                "category": category,
                "text": str(rng.choice(texts)),
            }
        )
    return pd.DataFrame(rows)
