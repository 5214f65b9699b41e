"""Polish phrases for the seeded sample surveys and tickets, as customers of the Polish sample write them.

The Polish sample (Zakwasownia, an order-ahead bakery chain in Kraków and Łódź) shares
the stage ids of the default stages; its tickets are keyed by its touchpoint ids. The
generators in :mod:`.feedback_samples` pick these tables for a project whose language is
``pl``; texts are written the way people type in a chat, some without Polish letters.
"""

from __future__ import annotations

__all__ = [
    "COMMENTS_PL",
    "EXTRA_SEGMENTS_PL",
    "FALLBACK_TICKETS_PL",
    "GENERIC_COMMENTS_PL",
    "TICKETS_PL",
    "TICKET_CHANNELS_PL",
]

EXTRA_SEGMENTS_PL = (
    (
        "Studenci przed zajęciami",
        "18–24",
        [
            "Tanie śniadanie przed pierwszymi zajęciami",
            "Miejsce, żeby chwilę posiedzieć z laptopem",
        ],
        ["Rano wszystkie stoliki są zajęte", "Brak gniazdek przy stolikach"],
    ),
    (
        "Seniorzy z osiedla",
        "65+",
        ["Świeży chleb codziennie rano", "Sprawdzone pieczywo bez niespodzianek"],
        ["Za mała czcionka w aplikacji", "Ulubiony chleb znika z oferty"],
    ),
)

COMMENTS_PL: dict[str, dict[str, list[str]]] = {
    "awareness": {
        "pos": [
            "Zobaczyłam rolkę z drożdżówką z rabarbarem i od razu zachciało mi się spróbować",
            "Koleżanka z pracy poleciła, że na Zabłociu odbiera się bez kolejki",
            "Fajna reklama, konkretna i apetyczna",
            "Sąsiadka wrzuciła zdjęcie chleba na grupę osiedlową, wyglądał świetnie",
        ],
        "neg": [
            "Z reklamy nie wiem, gdzie jest najbliższa piekarnia",
            "Reklama ładna, ale nie było napisane, czy jest punkt przy moim przystanku",
            "Za dużo reklam piekarni, wszystkie wyglądają tak samo",
        ],
    },
    "consideration": {
        "pos": [
            "Dobre opinie w Mapach Google mnie przekonały",
            "Rabat na pierwsze zamówienie zachęcił do instalacji",
        ],
        "neg": [
            "Link aktywacyjny przyszedł po 10 minutach, i to do spamu",
            "Musiałam założyć konto, żeby w ogóle zobaczyć ceny",
            "Kolejna aplikacja i kolejne konto... prawie odpuściłam",
            "Mail z potwierdzeniem nie doszedł, zakładałem konto dwa razy",
            "Czemu ceny widać dopiero po rejestracji?",
        ],
    },
    "purchase": {
        "pos": [
            "Płatność BLIKiem szybka i bez problemu",
            "Zamówienie czekało, jak przyszłam, super",
            "Pieczywo świeże i wszystko zgodnie z zamówieniem",
        ],
        "neg": [
            "Kod rabatowy ciągle odrzucany przy płatności i zero wyjaśnienia",
            "Zamówiłam przez aplikację, a i tak stałam 10 minut w kolejce",
            "Zamówienia z aplikacji czekają za kolejką przy ladzie, to po co zamawiać?",
            "Kod nieprawidłowy, zapłaciłem pełną cenę",
            "Pieniądze zeszły z konta, a w piekarni nie widzieli zamówienia",
            "Pani przy ladzie nie wiedziała, że zamówienie jest już opłacone",
        ],
    },
    "retention": {
        "pos": [
            "Powtórzenie zamówienia z historii bardzo wygodne",
            "Powiadomienie w poniedziałek rano w samą porę",
        ],
        "neg": [
            "Dziesięć pieczątek za jedną kawę to za dużo",
            "Na Messengerze znowu chcieli zrzut ekranu paragonu, męczące",
            "Konsultant nie widział mojego zamówienia, tłumaczyłam wszystko dwa razy",
            "Pieczątki z zeszłego tygodnia się nie doliczyły",
            "Za dużo powiadomień, wyłączyłem",
        ],
    },
    "advocacy": {
        "pos": [
            "Wysłałam kod polecający dziewczynom z biura",
            "Dałam pięć gwiazdek po szybkim odbiorze",
            "Poleciłem na grupie osiedlowej",
        ],
        "neg": [
            "Kod polecający trudno znaleźć, jest gdzieś w profilu",
            "Nagroda za polecenie przyszła dopiero po tygodniu",
        ],
    },
}

GENERIC_COMMENTS_PL = {
    "pos": [
        "Sprawnie i miło, dziękuję",
        "Obsługa szybka i uprzejma",
        "Wszystko zgodnie z oczekiwaniami",
    ],
    "neg": [
        "Trwało za długo i nikt nie wyjaśnił dlaczego",
        "Wszystko strasznie zagmatwane",
        "Dwa razy musiałem prosić o pomoc",
    ],
}

TICKETS_PL: dict[str, tuple[str, float, list[str]]] = {
    "tp-checkout": (
        "Płatność",
        0.20,
        [
            "Zapłaciłam BLIKiem, pieniądze zeszły z konta, a zamówienie nie doszło do piekarni",
            "Płatność kartą odrzucona, chociaż mam środki na koncie",
            "Płatność BLIK wisi na ekranie ładowania, nie wiem czy przeszła",
            "Pobrano mi dwa razy za jedno zamówienie, proszę o zwrot",
            "Po płatności BLIKiem status zamówienia to dalej „czeka na zapłatę”",
            "Kod BLIK wygasa, zanim aplikacja przejdzie do płatności",
        ],
    ),
    "tp-cart": (
        "Rabat",
        0.17,
        [
            "Kod rabatowy DZIENDOBRY nie działa w koszyku, pisze że nieprawidłowy",
            "Kod rabatowy odrzucony bez żadnego powodu",
            "Rabat 20% znika z koszyka, jak zmienię godzinę odbioru",
            "Czemu kod rabatowy wymaga minimalnej kwoty, o której nigdzie nie piszecie?",
            "W koszyku nie da się wybrać godziny odbioru przed 6:30",
        ],
    ),
    "tp-pickup": (
        "Odbiór",
        0.20,
        [
            "Zamówiłam 15 minut wcześniej, a przy ladzie i tak czekałam w kolejce",
            "Zamówienie nie było gotowe, stałem przy ladzie kwadrans",
            "Ktoś inny odebrał moje zamówienie na Zabłociu",
            "Rano przy ladzie na Rondzie Mogilskim ogromna kolejka, zamówienia z aplikacji też w niej stoją",
            "Nikt przy ladzie nie mógł znaleźć mojego zamówienia",
            "Proszę zrobić przy ladzie osobne miejsce na zamówienia z aplikacji",
        ],
    ),
    "tp-signup": (
        "Rejestracja",
        0.12,
        [
            "Link aktywacyjny do konta nie przychodzi, próbowałam trzy razy",
            "Mail z linkiem aktywacyjnym przyszedł, kiedy link już wygasł",
            "Zostałem wylogowany i muszę znowu potwierdzać konto",
            "Nie mogę się zarejestrować, bo konto na ten adres podobno istnieje",
            "Rejestracja stoi na potwierdzeniu konta, a wiadomości brak",
        ],
    ),
    "tp-loyalty": (
        "Pieczątki",
        0.10,
        [
            "Pieczątki z wczoraj się nie doliczyły",
            "Po aktualizacji aplikacji zniknęły mi wszystkie pieczątki",
            "Nie mogę odebrać nagrody w piekarni, aplikacja pokazuje błąd",
            "Kupon z nagrodą wygasł, zanim zdążyłem go użyć",
        ],
    ),
    "tp-referral": (
        "Polecenia",
        0.06,
        [
            "Koleżanka zapisała się z moim kodem polecającym, a bonusu dalej brak",
            "Gdzie jest kod polecający? Szukałem go dziesięć minut",
            "Bonus za kod polecający przyszedł po tygodniu",
        ],
    ),
    "tp-messenger-cs": (
        "Obsługa klienta",
        0.04,
        [
            "Na Messengerze nikt nie odpisuje od dwóch godzin",
            "Obsługa na Messengerze za każdym razem prosi o zrzut ekranu paragonu",
        ],
    ),
    "tp-push": (
        "Powiadomienia",
        0.03,
        [
            "Powiadomienia push co godzinę, to przesada",
            "Powiadomienie o promocji dotyczyło piekarni, która jest zamknięta",
        ],
    ),
    "tp-menu": (
        "Oferta",
        0.03,
        [
            "W ofercie dnia w aplikacji inne ceny niż w piekarni",
            "Oferta dnia pokazuje wypieki, które są już wyprzedane",
        ],
    ),
    "tp-email-invoice": (
        "Faktura",
        0.02,
        [
            "Potrzebuję faktury na firmę z NIP-em, a na e-mail przyszedł tylko paragon",
            "Faktura nie przyszła na e-mail",
        ],
    ),
    "": (
        "Inne",
        0.03,
        [
            "Otwórzcie piekarnię na Bałutach",
            "Czy mogłaby być wersja chleba bez soli?",
            "Wróćcie z jagodziankami, proszę",
        ],
    ),
}

TICKET_CHANNELS_PL = (
    ("Messenger", 0.45),
    ("Czat w aplikacji", 0.30),
    ("E-mail", 0.12),
    ("Telefon", 0.08),
    ("Instagram", 0.05),
)

FALLBACK_TICKETS_PL = ("Problem: {name}, proszę o pomoc", "Coś nie działa: {name}")
"""Ticket texts for a Polish project that is not the sample, built from a touchpoint's name."""
