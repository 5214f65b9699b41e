"""Themes from what customers wrote: planted themes are found, placed, scored and shown safely."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.mapping import JourneyMap
from cjm_helpers.model import Note, PainPoint, Project
from cjm_helpers.overlay import generate_survey, generate_tickets, load_survey, load_tickets
from cjm_helpers.overlay.run import summary_html
from cjm_helpers.overlay.themes import (
    THEME_COLUMNS,
    add_theme_cards,
    feedback_documents,
    find_themes,
    overlay_themes,
    project_themes,
    theme_cards,
    theme_trend,
    themes_html,
    themes_table,
)
from cjm_helpers.overlay.themes_text import Analyser, detect_language
from cjm_helpers.references import reference_problems

# Each planted theme: its words in English and in Bahasa Indonesia, where it happens, how it feels.
PLANTED = {
    "otp": (
        "purchase",
        -2,
        ["otp", "sms", "verification", "expired", "arrive", "late"],
        ["otp", "sms", "verifikasi", "telat", "kedaluwarsa", "kirim"],
    ),
    "promo": (
        "purchase",
        -1,
        ["promo", "voucher", "discount", "invalid", "rejected", "minimum"],
        ["promo", "voucher", "diskon", "valid", "ditolak", "minimal"],
    ),
    "queue": (
        "retention",
        -2,
        ["queue", "counter", "barista", "waited", "line", "crowded"],
        ["antre", "kasir", "barista", "menunggu", "antrean", "ramai"],
    ),
    "latte": (
        "awareness",
        2,
        ["latte", "aren", "delicious", "creamy", "fresh", "sweet"],
        ["latte", "enak", "gula", "aren", "segar", "manis"],
    ),
}
FILLER_EN = ["the", "my", "was", "and", "again", "today", "app", "kopiloka", "this", "so"]
FILLER_ID = ["yang", "saya", "dan", "lagi", "hari", "ini", "app", "kopiloka", "banget", "sih"]


def planted_corpus(n: int = 400, seed: int = 3, quote: str = "") -> pd.DataFrame:
    """Documents written from the planted themes' words, half in each language, with the truth kept."""
    rng = np.random.default_rng(seed)
    names = list(PLANTED)
    rows = []
    start = pd.Timestamp("2026-09-01")
    for i in range(n):
        name = names[i % len(names)]
        stage, score, en, idn = PLANTED[name]
        english = (i // len(names)) % 2 == 0
        words = list(rng.choice(en if english else idn, size=4, replace=False))
        words += list(rng.choice(FILLER_EN if english else FILLER_ID, size=3, replace=False))
        rng.shuffle(words)
        day = (
            int(rng.integers(0, 80)) if name != "latte" else int(rng.integers(40, 80))
        )  # latte: late only
        rows.append(
            {
                "source": "survey" if i % 3 else "ticket",
                "ref": f"D{i}",
                "text": " ".join(words).capitalize(),
                "stage": stage,
                "stage_name": stage.title(),
                "stage_order": float(list(PLANTED).index(name)),
                "touchpoint": f"tp-{name}",
                "touchpoint_name": f"Touchpoint {name}",
                "when": start + pd.Timedelta(days=day),
                "score": float(score) if i % 3 else np.nan,
                "_truth": name,
            }
        )
    if quote:
        rows[0]["text"] = quote
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return planted_corpus()


@pytest.fixture(scope="module")
def found(corpus):
    return find_themes(corpus.drop(columns="_truth"), n_themes=4, seed=0)


def _match(corpus: pd.DataFrame, found) -> dict[str, str]:
    """Planted theme -> the found theme holding most of its documents."""
    joined = corpus.assign(theme=found.documents["theme"])
    return {
        name: group["theme"].value_counts().index[0] for name, group in joined.groupby("_truth")
    }


# --- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The promo code said invalid and I paid the full price", "en"),
        ("Kode promo tidak bisa dipakai di keranjang, katanya tidak valid", "id"),
        ("Pesanannya belum muncul", "id"),
        ("Kod rabatowy nie działa przy płatności", "pl"),
    ],
)
def test_the_language_is_guessed_per_text(text, lang):
    assert detect_language(re.findall(r"\w+", text.lower()), text.lower()) == lang


def test_stop_words_go_and_words_are_stemmed_in_their_language():
    analyser = Analyser()
    lang, stems = analyser.analyse("Pembayaran saya sudah dibayar tapi yang bayar tidak tercatat")
    assert lang == "id"
    assert "saya" not in stems and "yang" not in stems and "sudah" not in stems
    assert stems.count("bayar") == 3  # pembayaran, dibayar, bayar: one word
    lang, stems = analyser.analyse("Codes were rejected, the code is rejected again")
    assert (
        lang == "en"
        and stems.count("code") == 2
        and stems.count("reject") == 2
        and "the" not in stems
    )
    lang, stems = analyser.analyse(
        "Punkty za zamówienie nie zostały dodane do mojego konta, zamówienia też"
    )
    assert lang == "pl" and "nie" not in stems and "do" not in stems
    assert (
        len({stem for stem in stems if stem.startswith("zamówi")}) == 1
    )  # zamówienie, zamówienia: one word
    assert analyser.surface("code") in {"code", "codes"}


# --- planted themes ------------------------------------------------------------------------------


def test_every_planted_theme_is_found_as_its_own_theme(corpus, found):
    matched = _match(corpus, found)
    assert len(set(matched.values())) == len(PLANTED), matched
    joined = corpus.assign(theme=found.documents["theme"])
    for name, theme in matched.items():
        mine = joined[joined["_truth"] == name]
        assert (mine["theme"] == theme).mean() >= 0.9, (name, mine["theme"].value_counts())
        row = found.themes.set_index("theme").loc[theme]
        words = set(PLANTED[name][2]) | set(PLANTED[name][3])
        assert words & set(row["terms"].split(", ")), (name, row["terms"])


POLISH = {
    "kolejka": ["kolejka", "kolejce", "kasa", "czekałem", "długo", "tłum"],
    "kod": ["kod", "kodu", "rabat", "rabatowy", "zniżka", "nieważny"],
    "punkty": ["punkty", "punktów", "nagroda", "naliczone", "konto", "program"],
}


def test_polish_texts_are_stemmed_and_grouped_too():
    rng = np.random.default_rng(5)
    filler = ["nie", "się", "na", "w", "i", "już", "bardzo", "znowu"]
    rows, truth = [], []
    for i in range(120):
        name = list(POLISH)[i % 3]
        words = list(rng.choice(POLISH[name], size=4, replace=False)) + list(
            rng.choice(filler, 3, replace=False)
        )
        rows.append(" ".join(words))
        truth.append(name)
    docs = pd.DataFrame(
        {
            "source": "ticket",
            "ref": "",
            "text": rows,
            "stage": "",
            "stage_name": "",
            "stage_order": np.nan,
            "touchpoint": "",
            "touchpoint_name": "",
            "when": pd.NaT,
            "score": np.nan,
        }
    )
    result = find_themes(docs, n_themes=3, lang="pl")
    assert set(result.documents["language"]) == {"pl"}
    joined = pd.DataFrame({"truth": truth, "theme": result.documents["theme"]})
    assert (
        joined.groupby("truth")["theme"].agg(lambda s: s.value_counts(normalize=True).iloc[0]).min()
        >= 0.9
    )
    assert joined.groupby("truth")["theme"].agg(lambda s: s.value_counts().index[0]).nunique() == 3
    assert not {word for terms in result.themes["terms"] for word in terms.split(", ")} & set(
        filler
    )


def test_themes_span_both_languages_and_quote_both(corpus, found):
    for theme in _match(corpus, found).values():
        row = found.themes.set_index("theme").loc[theme]
        assert "en" in row["languages"] and "id" in row["languages"]
        quotes = [row[f"quote_{i}"] for i in (1, 2, 3)]
        assert all(quotes) and len(set(quotes)) == 3
        langs = {detect_language(re.findall(r"\w+", q.lower())) for q in quotes}
        assert langs == {"en", "id"}, quotes


def test_each_theme_has_its_place_feeling_size_and_trend(corpus, found):
    rows = found.themes.set_index("theme")
    for name, theme in _match(corpus, found).items():
        stage, score, _, _ = PLANTED[name]
        row = rows.loc[theme]
        assert row["stage"] == stage and row["stage_share"] == pytest.approx(1.0)
        assert row["touchpoint"] == f"tp-{name}"
        assert row["sentiment"] == pytest.approx(score)
        assert row["polarity"] == ("gain" if score > 0 else "pain")
        assert row["size"] == (corpus["_truth"] == name).sum()
        assert row["share"] == pytest.approx(row["size"] / len(corpus))
        assert row["trend"] == ("rising" if name == "latte" else row["trend"])
    assert set(rows["trend"]) <= {"rising", "falling", "steady"}
    assert rows.loc[_match(corpus, found)["otp"], "trend"] in {"falling", "steady"}
    placed = found.placement
    assert set(placed["theme"]) == set(rows.index)
    assert placed.groupby("theme")["share"].sum().round(6).eq(1.0).all()


def test_a_theme_only_tickets_speak_of_is_a_pain_point(corpus):
    docs = corpus.drop(columns="_truth").assign(score=np.nan, source="ticket")
    result = find_themes(docs, n_themes=4)
    assert set(result.themes["polarity"]) == {"pain"}
    assert result.themes["sentiment"].isna().all()


def test_the_trend_per_month_counts_each_themes_documents(corpus, found):
    trend = theme_trend(found)
    assert list(trend.columns) == ["theme", "label", "period", "documents", "share"]
    assert trend["documents"].sum() == (found.documents["theme"] != "").sum()
    latte = _match(corpus, found)["latte"]
    assert trend[trend["theme"] == latte]["period"].min() >= pd.Timestamp("2026-10-01")


def test_same_data_same_themes(corpus, found):
    again = find_themes(corpus.drop(columns="_truth"), n_themes=4, seed=0)
    pd.testing.assert_frame_equal(found.themes, again.themes)
    pd.testing.assert_frame_equal(found.documents, again.documents)
    assert list(found.themes.columns) == list(THEME_COLUMNS)


def test_text_that_fits_no_theme_stays_without_one(corpus):
    noise = (
        corpus.drop(columns="_truth")
        .iloc[:6]
        .assign(
            text=[
                "Weather in Bekasi",
                "Lorem ipsum dolor",
                "Kucing tetangga lucu",
                "Football tonight",
                "Hujan deras sekali",
                "Printer jammed",
            ]
        )
    )
    result = find_themes(
        pd.concat([corpus.drop(columns="_truth"), noise], ignore_index=True), n_themes=4
    )
    assert (result.documents["theme"].iloc[-6:] == "").all()


def test_too_little_text_gives_no_themes_and_no_error():
    docs = planted_corpus(n=4).drop(columns="_truth")
    result = find_themes(docs)
    assert result.themes.empty and list(result.themes.columns) == list(THEME_COLUMNS)
    assert "no themes" in themes_html(result).lower()
    assert (
        list(result.documents["text"]) == list(docs["text"])
        and (result.documents["theme"] == "").all()
    )
    assert result.documents["language"].isin(["en", "id"]).all()
    assert find_themes(docs.iloc[:0]).themes.empty


def test_odd_texts_neither_break_nor_join_themes(corpus):
    odd = [
        "🙂🙂🙂",
        "12345 678",
        "...",
        "\u202eteks terbalik",
        "x" * 100_000,
        "ok",
        "\x00\x01",
        "ج",
    ]
    extra = (
        corpus.drop(columns="_truth").iloc[: len(odd)].assign(text=odd, when=pd.NaT, score=np.nan)
    )
    result = find_themes(
        pd.concat([corpus.drop(columns="_truth"), extra], ignore_index=True), n_themes=4
    )
    assert len(result.themes) == 4
    assert (result.documents["theme"].iloc[-len(odd) :] == "").all()


@pytest.mark.parametrize("bad", [0, -1, 41, 2.5, "ten", True])
def test_a_wrong_number_of_themes_is_a_clear_error(corpus, bad):
    with pytest.raises(DataError, match="number of themes"):
        find_themes(corpus.drop(columns="_truth"), n_themes=bad)


# --- the sample project --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_result(sample_project):
    survey = load_survey(generate_survey(sample_project, n=300, seed=7), sample_project)
    tickets = load_tickets(generate_tickets(sample_project, n=200, seed=7), sample_project)
    return find_themes(feedback_documents(survey, tickets, sample_project), seed=0)


def test_the_sample_holds_real_themes_in_english_and_indonesian(sample_result):
    themes = sample_result.themes
    assert len(themes) >= 8
    terms = " ".join(themes["terms"])
    for word in ("otp", "promo", "antre", "reorder", "latte"):
        assert word in terms, (word, list(themes["label"]))
    both = themes[themes["languages"].str.contains("en") & themes["languages"].str.contains("id")]
    assert len(both) >= 3
    assert {"pain", "gain"} <= set(themes["polarity"])
    assert (themes["stage"] != "").all()


def test_sample_themes_become_observed_cards_on_the_primary_map(sample_project, sample_result):
    cards = theme_cards(sample_result, "id")
    assert cards and all(card.card.evidence == "observed" for card in cards)
    pains = [c for c in cards if c.lane == "pain_points"]
    gains = [c for c in cards if c.lane == "thoughts"]
    assert pains and gains
    assert all(isinstance(c.card, PainPoint) and c.card.id.startswith(c.theme) for c in pains)
    assert all(type(c.card) is Note for c in gains)
    assert all(c.theme in c.card.text and "themes.csv" in c.card.text for c in cards)
    assert "Pelanggan mengeluhkan" in pains[0].card.text

    mapped = sample_result.on_map(sample_project, lang="id")
    journey = mapped.journey("rina-current")
    added = [
        pp
        for cell in journey.stages.values()
        for pp in cell.pain_points
        if pp.id.startswith("theme-")
    ]
    assert len(added) == len(pains)
    assert not reference_problems(mapped)
    from cjm_helpers.store import project_to_yaml
    from cjm_helpers.yamlio import parse_yaml

    assert Project.model_validate(parse_yaml(project_to_yaml(mapped))) == mapped
    assert not any(
        pp.id.startswith("theme-")
        for j in sample_project.journeys
        for cell in j.stages.values()
        for pp in cell.pain_points
    ), "the project itself changed"
    twice = add_theme_cards(mapped, cards)
    assert twice.model_dump() == mapped.model_dump(), "adding the cards again piled them up"
    page = JourneyMap(mapped, "rina-current", lang="id").html()
    assert pains[0].card.id in page


# --- for people, escaped ---------------------------------------------------------------------------


HOSTILE = (
    "<script>alert('x')</script> OTP sms <b>telat</b> & verifikasi otp kirim sms telat kedaluwarsa"
)


def test_quotes_are_escaped_wherever_they_reach_html(sample_project):
    corpus = planted_corpus(quote=HOSTILE)
    result = find_themes(corpus.drop(columns="_truth"), n_themes=4)
    row = result.themes[result.themes[["quote_1", "quote_2", "quote_3"]].eq(HOSTILE).any(axis=1)]
    assert len(row) == 1, "the hostile text should be among the strongest quotes of its theme"
    fragment = themes_html(result, "en")
    assert "<script>" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in fragment

    docs = corpus.drop(columns="_truth").assign(stage="purchase", stage_name="Purchase")
    mapped = find_themes(docs, n_themes=4).on_map(sample_project)
    page = JourneyMap(mapped, "rina-current").html()
    assert "<script>" not in page and "&lt;script&gt;" in page

    overlay_page = summary_html({"themes": result.themes}, {}, "en", "events.csv")
    assert "<script>" not in overlay_page and "&lt;script&gt;" in overlay_page


def test_the_table_shows_names_and_formatted_numbers_in_each_language(found):
    english = themes_table(found, "en")
    assert list(english.columns)[:3] == ["Theme", "Comments", "Kind"]
    assert (
        not english.apply(lambda col: col.astype(str).str.contains(r"theme-\d|\d\.\d{3,}"))
        .any()
        .any()
    )
    polish = themes_table(found, "pl")
    assert "Temat" in polish.columns and set(polish["Rodzaj"]) <= {"Problem", "Zaleta", "Różnie"}
    indonesian = themes_table(found, "id")
    assert "Tema" in indonesian.columns and "−2" in set(indonesian["Rata-rata perasaan"])


# --- where the themes come from, and `cjm overlay` ----------------------------------------------------


def test_documents_come_from_survey_comments_and_ticket_texts(sample_project):
    survey = load_survey(
        pd.DataFrame(
            {
                "respondent_id": ["R1", "R2", "R3"],
                "stage": ["purchase", "retention", "purchase"],
                "emotion": [-2, 1, 0],
                "comment": ["Promo code invalid", "", "  Antre   lama  "],
                "submitted": ["2026-10-01", "2026-10-02", "not a date"],
            }
        ),
        sample_project,
    )
    tickets = load_tickets(
        pd.DataFrame(
            {
                "timestamp": ["2026-10-03 08:00"],
                "channel": ["WhatsApp"],
                "category": ["Payment"],
                "text": ["Saldo kepotong"],
            }
        ),
        sample_project,
    )
    docs = feedback_documents(survey, tickets, sample_project)
    assert list(docs["text"]) == ["Promo code invalid", "Antre lama", "Saldo kepotong"]
    assert list(docs["source"]) == ["survey", "survey", "ticket"]
    assert docs["score"].iloc[0] == -2 and np.isnan(docs["score"].iloc[2])
    assert docs["stage_name"].iloc[0] == "Purchase" and docs["stage"].iloc[2] == "purchase"
    assert docs["when"].iloc[0] == pd.Timestamp("2026-10-01") and pd.isna(docs["when"].iloc[1])


def test_a_table_without_its_text_column_is_a_clear_error():
    survey = pd.DataFrame({"respondent_id": ["R1"], "stage": ["purchase"], "emotion": [1]})
    survey.attrs["source"] = "survey.csv"
    with pytest.raises(DataError, match=r"survey\.csv.*'comment'"):
        feedback_documents(survey)
    with pytest.raises(DataError, match="kolom teks"):
        feedback_documents(survey, lang="id")


def test_overlay_writes_themes_csv(sample_project, tmp_path):
    from cjm_helpers.overlay import generate_events
    from cjm_helpers.overlay.run import run_overlay

    events = generate_events(sample_project, users=60, seed=1)
    survey = generate_survey(sample_project, n=150, seed=2)
    tickets = generate_tickets(sample_project, n=80, seed=2)
    results = run_overlay(
        events,
        tmp_path,
        survey=survey,
        tickets=tickets,
        project=sample_project,
        progress=False,
        lang="id",
    )
    written = pd.read_csv(tmp_path / "themes.csv", keep_default_na=False)
    assert list(written.columns) == list(THEME_COLUMNS) and len(written) >= 3
    assert list(written["theme"]) == list(results["themes"]["theme"])
    assert (tmp_path / "themes.png").stat().st_size > 0
    assert "Tema dari tulisan pelanggan" in (tmp_path / "summary.html").read_text(encoding="utf-8")


def test_project_themes_reads_files_and_the_overlay_frame_agrees(sample_project, tmp_path):
    survey = generate_survey(sample_project, n=150, seed=5)
    tickets = generate_tickets(sample_project, n=80, seed=5)
    survey.to_csv(tmp_path / "survey.csv", index=False)
    tickets.to_csv(tmp_path / "tickets.csv", index=False)
    result = project_themes(
        sample_project, tmp_path / "survey.csv", tmp_path / "tickets.csv", lang="pl"
    )
    frame = overlay_themes(
        load_survey(tmp_path / "survey.csv", sample_project),
        load_tickets(tmp_path / "tickets.csv", sample_project),
        sample_project,
        lang="pl",
    )
    pd.testing.assert_frame_equal(result.themes, frame)
    assert "Zakup" in set(frame["stage_name"]), (
        "default stage names are written in the reader's language"
    )
    assert "Tematy" not in result.html("en") and "Znalezione tematy" in result.html("pl")
    assert dt.date.fromisoformat(result.themes["first_seen"].min()) >= dt.date(2026, 9, 1)


def test_the_themes_figure_has_a_bar_per_theme_in_the_readers_language(found):
    import matplotlib.pyplot as plt

    from cjm_helpers.overlay.themes_plot import plot_themes

    fig = plot_themes(found.themes, "id")
    ax = fig.axes[0]
    assert len(ax.patches) == len(found.themes)
    assert ax.get_title() == "Tema dari tulisan pelanggan" and ax.get_xlabel() == "Komentar"
    assert {tick.get_text() for tick in ax.get_yticklabels()} == set(found.themes["label"])
    plt.close(fig)
    empty = plot_themes(found.themes.iloc[:0], "pl")
    assert empty.axes[0].get_title() == "Tematy z wypowiedzi klientów"
    plt.close(empty)
