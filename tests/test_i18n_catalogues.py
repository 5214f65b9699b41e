"""Every message exists in English, Bahasa Indonesia and Polish, with the same placeholders."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from cjm_helpers.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    _flatten,
    format_date,
    format_number,
    format_percent,
    t,
)
from cjm_helpers.yamlio import parse_yaml

AREAS = sorted({p.stem for lang in LANGUAGES for p in (LOCALES_DIR / lang).glob("*.yaml")})


def keys_of(lang: str, area: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / f"{area}.yaml"
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    _flatten("", parse_yaml(path.read_text(encoding="utf-8")) or {}, out)
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_there_are_catalogues():
    assert {"common", "map", "report", "run"} <= set(AREAS)


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_key_exists_in_every_language(area, lang):
    english, other = keys_of("en", area), keys_of(lang, area)
    assert english, f"locales/en/{area}.yaml is missing or empty"
    missing = sorted(set(english) - set(other))
    extra = sorted(set(other) - set(english))
    assert not missing, f"locales/{lang}/{area}.yaml lacks {len(missing)} keys, e.g. {missing[:5]}"
    assert not extra, f"locales/{lang}/{area}.yaml has keys English lacks: {extra[:5]}"


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_placeholders_match_english(area, lang):
    english, other = keys_of("en", area), keys_of(lang, area)
    wrong = [
        k for k in english if k in other and placeholders(english[k]) != placeholders(other[k])
    ]
    assert not wrong, f"locales/{lang}/{area}.yaml: placeholders differ from English in {wrong[:5]}"


@pytest.mark.parametrize("area", AREAS)
def test_no_empty_messages(area):
    for lang in LANGUAGES:
        empty = [k for k, v in keys_of(lang, area).items() if not v.strip()]
        assert not empty, f"locales/{lang}/{area}.yaml: empty messages {empty[:5]}"


@pytest.mark.parametrize("area", ["report", "run"])
def test_report_and_run_are_really_translated(area):
    english = keys_of("en", area)
    for lang in ("id", "pl"):
        other = keys_of(lang, area)
        same = [
            k for k in english if other.get(k) == english[k] and re.search(r"[a-z]{5,}", english[k])
        ]
        # a few words are the same in every language (KPI, Status, Folder); sentences are not
        assert len(same) <= len(english) // 8, (
            f"{lang}/{area}: {len(same)} messages left in English: {same[:8]}"
        )


def test_numbers_and_dates_differ_per_language():
    numbers = {lang: format_number(1234567.5, lang) for lang in LANGUAGES}
    assert numbers == {"en": "1,234,567.5", "id": "1.234.567,5", "pl": "1\u00a0234\u00a0567,5"}
    percents = {lang: format_percent(0.256, lang) for lang in LANGUAGES}
    assert (
        len(set(percents.values())) >= 2 and percents["en"] == "25.6%" and percents["id"] == "25,6%"
    )
    dates = {lang: format_date(dt.date(2027, 8, 17), lang) for lang in LANGUAGES}
    assert dates == {"en": "17 Aug 2027", "id": "17 Agu 2027", "pl": "17 sie 2027"}, dates


def test_lookup_falls_back_to_english_and_formats():
    assert t("run.progress.step", "pl", n=3, total=8, name="x") == "krok 3 z 8 · x"
    with pytest.raises(KeyError):
        t("run.no.such.key", "en")


def test_locale_files_are_one_per_language_and_area():
    for lang in LANGUAGES:
        for path in (LOCALES_DIR / lang).glob("*"):
            assert path.suffix == ".yaml", path
    assert Path(LOCALES_DIR / "en" / "report.yaml").exists()
