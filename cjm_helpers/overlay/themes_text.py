"""Words from what customers wrote: language, tokens without stop words, and stems.

Comments and tickets mix English, Bahasa Indonesia and Polish, often in one
file, so the language is guessed per text from words only that language uses
(and Polish letters). Stems come from the Snowball stemmers (the
``snowballstemmer`` package: pure Python, offline, no model to download), so
'pembayaran', 'dibayar' and 'bayar' count as one word, as do 'codes' and 'code'.
The stop-word lists keep the words that say nothing about a theme ('yang',
'please', 'proszę', chat fillers like 'banget' or 'sih').
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "SNOWBALL_NAMES", "STOP_WORDS", "WORD", "Analyser", "detect_language"]

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import snowballstemmer

LANGUAGES: tuple[str, ...] = ("en", "id", "pl")
SNOWBALL_NAMES = {"en": "english", "id": "indonesian", "pl": "polish"}

_ENGLISH = """
a an the and or but if then than so because as of at by for with about against between into through
during before after above below to from up down in out on off over under again further once here there
when where why how all any both each few more most other some such no nor not only own same too very
can will just should would could might must shall may am is are was were be been being have has had
having do does did doing i me my myself we our ours ourselves you your yours yourself yourselves he him
his himself she her hers herself it its itself they them their theirs themselves what which who whom
this that these those while until also even still ever yet already almost quite rather much many
im ive dont didnt doesnt cant couldnt wont wouldnt isnt wasnt arent werent havent hasnt youre its
thats theres lets don didn doesn isn wasn weren couldn wouldn shouldn haven hasn ll ve re please
thanks thank hi hello really got get gets getting done want wanted need needs lot lots bit ok okay
every time times one two three four five six ten day days week weeks minute minutes hour hours
"""

_INDONESIAN = """
yang dan di ke dari ini itu dengan untuk pada adalah ada tidak tak bukan belum sudah udah sdh telah
akan bisa dapat harus mau ingin perlu masih juga lagi saja aja hanya cuma baru pun para oleh atau
tapi tetapi namun tp karena karna krn kalau kalo jika bila agar supaya sehingga setelah sebelum
saat waktu ketika sejak sampai hingga sama seperti begitu gitu gimana bagaimana kenapa mengapa apa
siapa kapan mana dimana sini situ sana nya dalam luar atas bawah antara bagi tanpa serta lalu
kemudian tetap pernah sedang selalu sering kadang sangat sekali banget bgt terlalu paling lebih
kurang sih dong deh kok nih tuh ya yah yaa lho loh kan kah lah pula
saya aku gue gw sy kami kita kamu anda dia mereka kalian beliau
ga gak nggak enggak ngga engga tdk yg dgn utk jd jadi sdg
mohon tolong terima kasih makasih thx min kak gan sis bro pak bu
satu dua tiga empat lima sepuluh kali hari jam menit minggu
"""

_POLISH = """
i w we z ze na do nie się to że jest są był była było były być będzie jak ale o co po za od tak już
jestem mi mnie ja ty on ona ono my wy oni one ten ta te tego tej tym tych tę czy a oraz lub albo bo
bardzo tylko też także jeszcze przez przy pod nad dla u ku sobie swoje swój swoja mój moje moja
mojego mojej moim proszę dziękuję dzięki żeby aby gdy kiedy gdzie który która które którego której
jego jej ich im go ją je nam nas was wam znowu znów nawet więc tam tu tutaj wszystko nic nikt ktoś
coś mam ma mają miał miała mieli można trzeba już ciągle dalej potem wtedy teraz dziś dzisiaj
raz dwa trzy razy dni dzień minut minuty godzinę godziny tydzień czemu dlaczego da jeden jedna jedno zero
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(_ENGLISH),
    "id": _words(_INDONESIAN),
    "pl": _words(_POLISH),
}
"""Words left out of themes, per language."""

_MARKERS: dict[str, frozenset[str]] = {
    lang: words - frozenset().union(*(other for o, other in STOP_WORDS.items() if o != lang))
    for lang, words in STOP_WORDS.items()
}
"""Stop words only one language uses: what the language guess counts."""
_MARKER_OF: dict[str, str] = {word: lang for lang, words in _MARKERS.items() for word in words}

_POLISH_LETTERS = re.compile(r"[ąćęłńśźż]")
WORD = re.compile(r"[^\W\d_]{2,}")
"""A token: two or more letters (digits and punctuation split words and are dropped)."""


def detect_language(tokens: Iterable[str], text: str = "", default: str = "en") -> str:
    """The language whose own stop words the text uses most; ``default`` when none shows.

    Polish letters (ą, ł, ż, ...) count as Polish words, since neither English
    nor Indonesian writes them, and words ending in '-nya' ('pesanannya') as
    Indonesian ones.
    """
    hits = {lang: 0 for lang in LANGUAGES}
    marker_of = _MARKER_OF
    for token in tokens:
        lang = marker_of.get(token)
        if lang is not None:
            hits[lang] += 1
    hits["pl"] += 2 * len(_POLISH_LETTERS.findall(text))
    hits["id"] += sum(1 for token in tokens if len(token) > 5 and token.endswith("nya"))
    best = max(LANGUAGES, key=lambda lang: (hits[lang], lang == default))
    return best if hits[best] else default


@dataclass
class Analyser:
    """Turns texts into stems, remembering which written word each stem came from most often.

    One analyser serves a whole corpus: stems are cached per language (a corpus
    of 100,000 comments has only a few thousand distinct words), and
    :meth:`surface` gives a readable word for a stem when labelling a theme.
    """

    default: str = "en"
    _stemmers: dict[str, object] = field(default_factory=dict)
    _cache: dict[tuple[str, str], str] = field(default_factory=dict)
    _forms: dict[str, Counter[str]] = field(default_factory=dict)

    def _stem(self, lang: str, word: str) -> str:
        key = (lang, word)
        stem = self._cache.get(key)
        if stem is None:
            stemmer = self._stemmers.get(lang)
            if stemmer is None:
                stemmer = self._stemmers[lang] = snowballstemmer.stemmer(SNOWBALL_NAMES[lang])
            stem = stemmer.stemWord(word) or word  # type: ignore[attr-defined]
            if len(stem) < 2:
                stem = word
            self._cache[key] = stem
        return stem

    def analyse(self, text: str) -> tuple[str, list[str]]:
        """(language, stems) of one text: lower-cased words, stop words out, each word stemmed.

        A stem is prefixed by nothing: the same stem from two languages (``promo``)
        is one term, which is how a theme spans an English and an Indonesian comment.
        """
        lowered = text.lower()
        tokens = WORD.findall(lowered)
        lang = detect_language(tokens, lowered, self.default)
        stops = STOP_WORDS[lang]
        stems = []
        for token in tokens:
            if token in stops:
                continue
            stem = self._stem(lang, token)
            forms = self._forms.get(stem)
            if forms is None:
                forms = self._forms[stem] = Counter()
            forms[token] += 1
            stems.append(stem)
        return lang, stems

    def surface(self, stem: str) -> str:
        """The written word most often behind ``stem`` (the stem itself if it was never seen)."""
        forms = self._forms.get(stem)
        if not forms:
            return stem
        return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
