"""Forms every answer to a question takes, read from the question alone.

"Kapan ...?" is answered by a time, "Berapa lama ...?" by a span, "Berapa umur ...?" by
an age, "Di mana X lahir?" by a birth, "Apa hasil pertemuan ...?" by words of how it
turned out, "Siapa pejabat ...?" by a name beside an office. A news story says them
whenever it reports them ("pada Senin (12/12)", "selama empat tahun", "berusia 57 tahun",
"lahir di Damaskus", "mencapai kebuntuan", "Wamenlu Rusia, Mikhail Bogdanov"),
so the engine declines a question whose best window says nothing in the form asked
(`search.Engine`), naming what is missing.

A time, a span, an age, a birth and a name are read only of a news story (a dated
article): a passage without a date, an encyclopedia's, gives them in ways news does not
("(1138-1194)", a reign's years, a link). An outcome is said in words of outcome in any text.
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
    that only a dated article's text must hold it (within `reach` sentences of the best)."""

    word: str
    word_en: str
    gives: Callable[[str], bool]
    news_only: bool
    # How many sentences either side of the best one may give it: a story may name an
    # office's holder a sentence or two after it introduces the office.
    reach: int = 1

    def named(self, *, english: bool) -> str:
        return self.word_en if english else self.word


def answer_form(question: str) -> AnswerForm | None:
    """The form every answer to `question` takes, or None when it asks none."""
    for asks, form in _FORMS:
        if asks(question):
            return form
    return _who_in_office(question)


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


# "Siapa kepala pusat rekonsiliasi Rusia?", "Siapa nama pejabat Rusia yang ...?", "penasihat
# presiden AS yg ngomong ke sputnik namanya siapa", "Who was the US Secretary of State ...?": a
# person named by an office (not "penasihat trump bilang koalisi bakal antara siapa aja",
# whose "siapa" asks another). News names such a person beside the office, by a name of
# two words or after the title: "Wakil Menteri Luar Negeri (Wamenlu) Rusia, *Mikhail
# Bogdanov*", "Menteri Luar Negeri AS *John Kerry*", "Kepala media faksi Tastaqim (salah
# satu faksi FSA), *Zakariya Malahifji*".
_OFFICES = (
    r"menteri|menlu|wamenlu|presiden|wapres|wakil|kepala|ketua|pemimpin|pimpinan|komandan|panglima|jubir|"
    r"juru\s+bicara|duta|dubes|utusan|diplomat|pejabat|perwakilan|direktur|sekretaris|sekjen|gubernur|"
    r"wali\s*kota|raja|pangeran|anggota|wartawan|analis|pengamat|pakar|ahli|tokoh|negosiator|delegasi|"
    r"perdana\s+menteri|secretary|minister|president|leader|commander|envoy|official|spokesman|"
    r"spokesperson|ambassador|head|chief|penasihat|advisor|adviser"
)
_ASKS_WHO_IN_OFFICE = re.compile(
    rf"^\W*(?:siapa|sapa|who)(?:kah)?\s+(?:(?:nama|is|was|the)\s+)*(?:[A-Z]{{2,4}}\s+)?({_OFFICES})\b"
    rf"|\b({_OFFICES})\b[^?]*\bnama(?:nya)?\s+(?:siapa|sapa)\b",
    re.I,
)
# ... which a story may say by the verb of leading: "dipimpin Prof Hwang Woo Suk".
_OFFICE = re.compile(rf"(?:{_OFFICES}|dipimpin|memimpin|diketuai|mengetuai|led|headed)", re.I)
_TOKEN = re.compile(r"\w[\w'’-]*")
# Words written capitalised in a title, an institution or a date, never a person's name.
_TITLE_WORDS = frozenset(
    "menteri luar negeri dalam pertahanan wakil presiden kepala ketua pemimpin komandan utusan khusus duta "
    "besar perdana raja putra mahkota sang jenderal letnan kolonel mayor juru bicara dewan keamanan "
    "kementerian pasukan tentara angkatan senin selasa rabu kamis jumat sabtu minggu januari februari maret "
    "april mei juni juli agustus september oktober november desember the of secretary state minister "
    "general foreign president".split()
)
# How many words from the office its holder's name may stand ("Kepala media faksi Tastaqim
# (salah satu faksi FSA), Zakariya Malahifji": nine; "Kepala Bidang Informasi dan Sistem
# Pelaporan KLB Flu Burung RSPI, dr ...": thirteen).
_NAME_REACH = 15


def _who_in_office(question: str) -> AnswerForm | None:
    match = _ASKS_WHO_IN_OFFICE.search(question)
    if match is None:
        return None
    office = (match.group(1) or match.group(2)).casefold()
    asked = frozenset(word.casefold() for word in _TOKEN.findall(question))
    return AnswerForm(
        f"nama {office}", f"the {office}'s name", lambda text: _names_someone_in_office(text, asked), True, reach=2
    )


def _names_someone_in_office(text: str, asked: frozenset[str]) -> bool:
    """Whether `text` names a person (`_person_at`) within `_NAME_REACH` words of an office;
    the question's own words (`asked`) name nobody new."""
    words = _TOKEN.findall(text)
    for i, word in enumerate(words):
        if not (_OFFICE.fullmatch(word) or (i + 1 < len(words) and _OFFICE.fullmatch(f"{word} {words[i + 1]}"))):
            continue
        if any(
            _person_at(words, j, asked) for j in range(max(1, i - _NAME_REACH), min(len(words), i + _NAME_REACH + 1))
        ):
            return True
    return False


def _person_at(words: list[str], j: int, asked: frozenset[str]) -> bool:
    """Whether `words[j]` (not the first word: every sentence capitalises that) is part of a
    person's name: capitalised, no acronym nor title word nor a word of the question, and
    beside another capitalised word or an initial ("George W *Bush*"; the office's own words
    count: "Kepala Bagian Humas Garuda *Pujobroto*") or right after a title ("Menteri Luar
    Negeri *Lavrov*")."""
    word = words[j]
    if not _capitalised(word) or word.casefold() in asked or word.casefold() in _TITLE_WORDS:
        return False
    before = words[j - 1]
    after = words[j + 1] if j + 1 < len(words) else ""
    return (
        _capitalised(after)
        or _initial(after)
        or (j > 1 and (_capitalised(before) or _initial(before)) and before.casefold() not in _TITLE_WORDS)
        or before.casefold() in _TITLE_WORDS
    )


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _initial(word: str) -> bool:
    """An initial of a name: "George *W* Bush", "*MS* Kaban"."""
    return 0 < len(word) <= 2 and word.isupper() and word.isalpha()


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
