"""Indonesian words in touchpoint names, so tickets find the touchpoints of a project written in Indonesian.

Connecting words ('dan', 'di', 'lewat') would make every ticket match every
touchpoint, so they are ignored like their English counterparts; a word of a
touchpoint name borrows the extra words of the English word it stands for
('konter' matches what 'counter' matches: kasir, counter, ...).
"""

from __future__ import annotations

__all__ = ["SAME_AS_ID", "STOPWORDS_ID"]

STOPWORDS_ID = frozenset(
    [
        "dan",
        "di",
        "dengan",
        "lewat",
        "dari",
        "untuk",
        "yang",
        "ke",
        "pada",
        "atau",
        "dalam",
        "oleh",
        "saat",
        "setelah",
        "sebelum",
        "halaman",
        "layar",
        "aplikasi",
        "pesanan",
        "mingguan",
        "baru",
    ]
)

SAME_AS_ID: dict[str, str] = {
    "konter": "counter",
    "pengambilan": "pick-up",
    "daftar": "sign-up",
    "pendaftaran": "sign-up",
    "poin": "points",
    "hadiah": "rewards",
    "loyalitas": "loyalty",
    "referal": "referral",
    "ulasan": "review",
    "struk": "receipt",
    "faktur": "invoice",
    "e-mail": "e-mail",
    "notifikasi": "notification",
    "keranjang": "cart",
    "instalasi": "install",
    "layanan pelanggan": "customer",
    "riwayat": "reorder",
    "pesan lagi": "reorder",
    "iklan": "ad",
    "pembayaran": "payment",
    "dompet digital": "e-wallet",
    "kode": "code",
}
"""An Indonesian word found in a touchpoint's name -> the English word whose extra words it shares."""
