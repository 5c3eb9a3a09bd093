"""Forms every answer to a question takes, read from the question alone.

"Kapan ...?" is answered by a time, "Berapa lama ...?" by a span, "Berapa umur ...?" by
an age, "Di mana X lahir?" by a birth, "Apa hasil pertemuan ...?" by words of how it
turned out. A news story says them whenever it reports them ("pada Senin (12/12)",
"selama empat tahun", "berusia 57 tahun", "lahir di Damaskus", "mencapai kebuntuan"),
so the engine declines a question whose best window says nothing in the form asked
(`search.Engine`), naming what is missing.

A time, a span, an age and a birth are read only of a news story (a dated article): a
passage without a date, an encyclopedia's, gives them in ways news does not
("(1138-1194)", a reign's years). An outcome is said in words of outcome in any text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.question import asks_yes_no, names_time

__all__ = ["AnswerForm", "answer_form"]


@dataclass(frozen=True, slots=True)
class AnswerForm:
    """What a question asks for in a form every answer takes: `gives` finds it in text,
    `word` and `word_en` name it in a decline ("kapan", "when"), and `news_only` says
    that only a dated article's text must hold it."""

    word: str
    word_en: str
    gives: Callable[[str], bool]
    news_only: bool

    def named(self, *, english: bool) -> str:
        return self.word_en if english else self.word


def answer_form(question: str) -> AnswerForm | None:
    """The form every answer to `question` takes, or None when it asks none."""
    for asks, form in _FORMS:
        if asks(question):
            return form
    return None


# A question that asks when, not one that names a time ("... pada tahun 2016?", which
# `question.wants` reads as wanting a time too); "sampai kapan" asks an end, which may be
# an event.
_ASKS_WHEN = re.compile(
    r"\b(?<!sampai )(?<!hingga )(?:kapan(?:kah)?|bilamana|"
    r"(?:tanggal|tahun|bulan|hari|pukul|jam)\s+(?:berapa|apa)(?:kah)?|(?<!until )when|what\s+(?:date|year|day|time))\b",
    re.I,
)
# A time told by another event or as a span from now answers a `kapan` as a date does:
# "*setelah* Aleppo jatuh", "*jika* struktur ... sudah jelas", "*dalam dua atau tiga
# hari* mendatang".
_RELATIVE_TIME = re.compile(
    r"\b(?:setelah|sesudah|sebelum|ketika|saat|sewaktu|semasa|begitu|usai|seusai|selepas|menjelang|selama|hingga|"
    r"sampai|jika|bila|apabila|kalau|after|before|during|until|when|if|once)\b|"
    r"\bdalam\s+(?:\S+\s+){0,3}(?:detik|menit|jam|hari|minggu|pekan|bulan|tahun)\b|"
    # "kini", "baru-baru ini", "beberapa hari terakhir", "dua pekan kemudian"
    r"\b(?:kini|sekarang|saat\s+ini|baru-baru\s+ini|belakangan|segera|kelak|silam|mendatang|"
    r"now|recently|soon|ago|yesterday|today|tomorrow|tonight)\b|"
    r"\b(?:detik|menit|jam|hari|minggu|pekan|bulan|tahun|dekade)\s+(?:lalu|terakhir|kemudian|berikutnya)\b",
    re.I,
)

# "Berapa lama ...?", "Sudah berapa tahun ...?", "Dalam berapa hari ...?", "How long ...?":
# a span, not a date ("tahun berapa" asks when).
_TIME_UNITS = r"detik|menit|jam|hari|minggu|pekan|bulan|tahun|dekade|abad"
_ASKS_DURATION = re.compile(rf"\b(?:berapa(?:kah)?\s+(?:lama|{_TIME_UNITS})|how\s+long)\b", re.I)
# "selama empat tahun", "lebih dari empat tahun", "dua atau tiga hari", "seminggu", "sejak
# 19 Juli 2012", "three years".
_DURATION = re.compile(
    rf"\b(?:sejak|selama|since)\b|\b(?:se(?:{_TIME_UNITS}|windu)|berhari-hari|berbulan-bulan|bertahun-tahun)\b|"
    rf"(?:\d[\d.,]*|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|beberapa|"
    rf"belasan|puluhan|ratusan|setengah|separuh|\w+\s+(?:belas|puluh|ratus)|"
    rf"a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few))"
    rf"\s*(?:atau\s+\S+\s+)?(?:{_TIME_UNITS}|seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b",
    re.I,
)

# "Berapa umur ...?", "Usianya berapa?", "How old ...?": news gives an age as "berusia 57
# tahun", "(57)", a birth, or an institution's as an anniversary ("ulang tahun ke-153").
_ASKS_AGE = re.compile(
    r"\b(?:berapa(?:kah)?\s+(?:umur|usia)|(?:umur|usia)(?:nya)?\s+berapa|how\s+old|(?:at\s+)?what\s+age)\b", re.I
)
_AGE = re.compile(
    r"\b(?:berusia|berumur|umur|usia|lahir|kelahiran|ulang\s+tahun|hut|aged?|born|anniversary)\b|"
    r"\b\d{1,3}\s*(?:tahun|thn|years?)\b|\(\d{1,3}\)|\bke-?\d{1,3}\b",
    re.I,
)

# "Apa hasil pertemuan ...?", "Bagaimana hasil kunjungan ...?", "perundingan ... hasilnya
# apa", "What was the outcome of the talks ...?": the outcome of a meeting; not "hasil
# panen", "hasil karya".
_MEETINGS = (
    r"pertemuan|kunjungan|perundingan|pembicaraan|perbincangan|dialog|konferensi|sidang|rapat|pemilu|pemilihan|"
    r"negosiasi|ktt|voting|pemungutan\s+suara|diskusi|konsultasi|"
    r"meeting|visit|talks|negotiations?|conference|summit|vote|election"
)
_ASKS_OUTCOME = re.compile(
    rf"\bhasil(?:nya)?\s+(?:akhir\s+)?(?:dari\s+)?(?:{_MEETINGS})\b|\b(?:{_MEETINGS})\b.*\bhasil(?:nya)?\b|"
    rf"\b(?:result|outcome)s?\s+of\s+(?:[\w'’-]+\s+){{0,3}}(?:{_MEETINGS})\b",
    re.I,
)
_OUTCOME = re.compile(
    r"\b(?:hasil(?:nya)?|membuahkan|(?:ber|me|di)?sepakat(?:i)?|kesepakatan|menyepakati|setuju|menyetujui|disetujui|"
    r"persetujuan|kebuntuan|buntu|gagal|kegagalan|berhasil|keberhasilan|sukses|mencapai|dicapai|tercapai|"
    r"menghasilkan|memutuskan|keputusan|diputuskan|menolak|ditolak|penolakan|menerima|diterima|"
    r"result(?:ed|s)?|outcome|agreed|agreement|deadlock|failed|succeeded|rejected|accepted|decided)\b",
    re.I,
)


# "Kapan X lahir?", "X lahir di mana?", "Where was X born?": a news story that reports a
# birth says it ("lahir di Damaskus", "kelahiran 1965"). Asked when or where: "aliansi
# seperti apa yang mungkin lahir?" asks what may emerge.
_BORN = r"(?:lahir|dilahirkan|kelahiran(?:nya)?|born)"
_WHEN_OR_WHERE = r"(?:kapan(?:kah)?|(?:di\s*)?mana(?:kah)?|berapa|where|when|what\s+year)"
_ASKS_BIRTH = re.compile(rf"\b{_WHEN_OR_WHERE}\b.*\b{_BORN}\b|\b{_BORN}\b.*\b{_WHEN_OR_WHERE}\b", re.I)
_BIRTH = re.compile(r"\b(?:lahir|dilahirkan|kelahiran(?:nya)?|born|birth(?:place)?)\b", re.I)


def _asks_outcome(question: str) -> bool:
    # "Apakah hasil pembicaraan itu diungkap ...?" asks whether, not what came of it.
    return _ASKS_OUTCOME.search(question) is not None and not asks_yes_no(question)


def _pattern(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern.search(text) is not None


# In order: "Tahun berapa ...?" asks when, "Berapa tahun ...?" how long, "Berapa umur
# ...?" how old.
def _gives_time(text: str) -> bool:
    return names_time(text) or _RELATIVE_TIME.search(text) is not None


_FORMS: tuple[tuple[Callable[[str], bool], AnswerForm], ...] = (
    (_pattern(_ASKS_BIRTH), AnswerForm("kelahiran", "the birth", _pattern(_BIRTH), True)),
    (_pattern(_ASKS_WHEN), AnswerForm("kapan", "when", _gives_time, True)),
    (_pattern(_ASKS_AGE), AnswerForm("umur", "the age", _pattern(_AGE), True)),
    (_pattern(_ASKS_DURATION), AnswerForm("berapa lama", "how long", _pattern(_DURATION), True)),
    (_asks_outcome, AnswerForm("hasil", "the outcome", _pattern(_OUTCOME), False)),
)
