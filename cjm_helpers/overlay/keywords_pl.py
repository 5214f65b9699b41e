"""Polish words that place a ticket on a touchpoint, beside the Indonesian and English ones in :mod:`.tickets`.

Polish bends its words ("odbiór", "odbioru", "odebrałam"), so most entries are word
starts: a keyword longer than three letters matches as the start of a word. Keys are
words of Polish touchpoint names; the stop words are short words that say nothing
about where a ticket belongs.
"""

from __future__ import annotations

__all__ = ["STOPWORDS_PL", "SYNONYMS_PL"]

STOPWORDS_PL = frozenset(
    [
        "na",
        "za",
        "przy",
        "dla",
        "lub",
        "od",
        "do",
        "po",
        "ze",
        "we",
        "bez",
        "oraz",
        "jest",
        "się",
        "nie",
        "to",
    ]
)

SYNONYMS_PL: dict[str, tuple[str, ...]] = {
    "płatność": (
        "płatno",
        "zapłac",
        "płaci",
        "blik",
        "kartą",
        "karty",
        "pobrano",
        "pobrali",
        "zwrot",
        "środki",
        "obciąż",
    ),
    "koszyk": ("koszyk", "rabat", "kod rabatowy", "kupon rabatowy"),
    "ladzie": (
        "lada",
        "lady",
        "ladą",
        "ladzie",
        "kolejk",
        "odebra",
        "odbior",
        "odbiór",
        "gotowe",
        "czekał",
    ),
    "rejestracja": (
        "rejestr",
        "zarejestr",
        "konto",
        "konta",
        "aktywac",
        "wylogow",
        "zaloguj",
        "logowa",
        "potwierdz",
    ),
    "pieczątki": ("pieczątk", "pieczątek", "nagrod", "kupon z nagrodą"),
    "polecający": ("polecaj", "polecając", "zaprosz", "zaprosi", "znajomych"),
    "powiadomienie": ("powiadom", "push", "notyfikac"),
    "oferta": ("ofert", "ceny", "cena", "cenach", "wyprzedan", "dostępn"),
    "faktura": ("faktur", "nip"),
    "messengerze": ("messenger", "konsultant", "odpisuj"),
    "instalacja": ("instal", "pobra", "sklepie z aplikacjami"),
    "opinię": ("opini", "gwiazd", "ocen"),
}
"""Extra Polish words for words that appear in the Polish sample's touchpoint names."""
