"""What a question asks for (a person, a number, a time, a place) and whether a
sentence offers one that the question does not already contain."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Iterator, Sequence


class Wants(enum.Enum):
    ANYTHING = "anything"
    PERSON = "person"
    NUMBER = "number"
    TIME = "time"
    PLACE = "place"
    FREQUENCY = "frequency"
    NAME = "name"


# Checked in order: "tahun berapa" asks for a time before "berapa" asks for a number.
_CUES: tuple[tuple[Wants, re.Pattern[str]], ...] = (
    # "Sampai kapan?" is as often answered by an event ("sampai titik darah
    # terakhir", "hingga Assad mundur") as by a date: no type to insist on.
    (Wants.ANYTHING, re.compile(r"\b(sampai|hingga|until)\s+(kapan|when)\b", re.I)),
    (
        Wants.FREQUENCY,
        re.compile(r"\b((se)?berapa\s+(sering|kerap)|how\s+(often|frequently))\b", re.I),
    ),
    (
        Wants.TIME,
        re.compile(
            r"\b(kapan|kapankah|bilamana|(tanggal|tahun|bulan|hari|pukul|jam)\s+(berapa|berapakah|apa|apakah)|"
            r"pada\s+(tanggal|tahun|bulan|hari)|sejak\s+kapan|when|what\s+(date|year|day|time))\b",
            re.I,
        ),
    ),
    (Wants.NUMBER, re.compile(r"\b(berapa|berapakah|seberapa|how\s+(many|much|long|old)|what\s+number)\b", re.I)),
    (Wants.PERSON, re.compile(r"\b(siapa|siapakah|who|whom)\b", re.I)),
    (
        Wants.PLACE,
        re.compile(
            r"\b(di\s*mana(kah)?|dimana(kah)?|ke\s*mana(kah)?|kemana(kah)?|dari\s*mana(kah)?|darimana(kah)?|"
            r"berasal\s+dari|(negara|kota|provinsi|daerah|lokasi|tempat)\s+(mana|manakah|apa|apakah)|where)\b",
            re.I,
        ),
    ),
    # "Apa nama ...?", "Partai apakah ...?": a proper name, of anything but a person.
    (
        Wants.NAME,
        re.compile(
            r"\b(apa|apakah)\s+(nama|judul|kepanjangan|singkatan)\b|"
            r"\b(badan|partai|organisasi|perusahaan|lembaga|departemen|kementerian|kelompok|maskapai|universitas|"
            r"yayasan|klub|tim|film|buku|lagu|album|program|penghargaan|festival|kapal|pesawat|merek|produk|"
            r"media|surat\s+kabar|harian|majalah|stasiun|bandara|pelabuhan|gedung|jalan)\s+(apa|apakah|mana|manakah)\b|"
            r"\bwhat\s+(is|was)\s+the\s+name\b|\bwhich\s+(organi[sz]ation|company|party|group|agency)\b",
            re.I,
        ),
    ),
)


def _top_level(alternation: str) -> list[str]:
    """The alternatives of `alternation` split at its top-level `|` (not inside a group)."""
    out: list[str] = []
    depth = start = 0
    escaped = False
    for i, char in enumerate(alternation):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(alternation[start:i])
            start = i + 1
    out.append(alternation[start:])
    return out


def _shared_letters(alternatives: Sequence[str]) -> str:
    """`"|".join(alternatives)`, with alternatives that open with the same lower-case letter
    sharing it, level by level ("jan(?:uari|uary|)"): at each word `re` tries some tens of
    month, day and number words one by one, and the first letter alone rules out most.

    The same matches, first to last: at one place only alternatives opening with its
    letter can match (letters fold onto no other letter, even under re.IGNORECASE), and
    those keep their order; an alternative opening otherwise ("\\s+ini", or empty) keeps
    its place, no alternative moving past it.
    """
    entries: list[str | tuple[str, list[str]]] = []
    open_letters: dict[str, tuple[str, list[str]]] = {}
    for alternative in alternatives:
        letter = alternative[:1]
        if "a" <= letter <= "z":
            entry = open_letters.get(letter)
            if entry is None:
                entry = open_letters[letter] = (letter, [])
                entries.append(entry)
            entry[1].append(alternative[1:])
        else:
            entries.append(alternative)
            open_letters = {}
    parts: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            parts.append(entry)
            continue
        letter, rests = entry
        if len(rests) == 1:
            parts.append(letter + rests[0])
            continue
        shared = _shared_letters(rests)
        parts.append(letter + (shared if len(_top_level(shared)) == 1 else f"(?:{shared})"))
    return "|".join(parts)


_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "january february march may june july august october december "
    "jan feb mar apr jun jul agu aug sep okt oct nov des dec"
)
_DAYS = "senin selasa rabu kamis jumat sabtu minggu monday tuesday wednesday thursday friday saturday sunday"
_RELATIVE_TIMES = (
    r"kemarin|besok|lusa|pekan\s+(ini|lalu|depan)|minggu\s+(ini|lalu|depan)|bulan\s+(ini|lalu|depan)|"
    r"tahun\s+(ini|lalu|depan)|hari\s+ini|awal\s+(pekan|tahun|bulan)|akhir\s+(pekan|tahun|bulan)|"
    r"sebelumnya|sejak|pagi|siang|sore|malam|"
    # "abad ke-19", "abad pertengahan": an encyclopedia's answer to `kapan`.
    r"abad|"
    # "pada masa Dinasti Han", "sejak zaman Reje Linge XIII", "di era Orde Baru".
    r"zaman|era|masa|masehi|hijriah|hijriyah"
)
# Years an encyclopedia gives: any from 1000 ("1293"), a decade ("1970an", "1945-an"),
# one marked by its era ("384 SM", "283H", "1599 Saka"; not "72 M", which reads as
# metres) and a short one after "tahun"/"pada"/"sejak" ("tahun 907", "pada 650"): only 1800-2099 were read as years,
# and IDK-MRC's `kapan` answers are mostly older (on its train, 206 of 1,016 answers held no time found).
_YEARS = (
    r"(?:1\d|20)\d\d(?:-?an)?\b|\d{1,4}\s?(?:sm|bc|bce|masehi|hijriah|hijriyah|saka)\b|\d{1,4}h\b|"
    r"(?:tahun|pada|sejak)\s+\d{2,4}\b(?![.,]\d)"
)
# Every match starts with "(" or a word: the lookahead and the one `\b` in front of the
# word alternatives let `re` reject most positions at once (about half the time of
# `\b` repeated in each alternative); the spans are the same (tests/test_question.py).
_TIME_RE = re.compile(
    rf"(?=[(\w])(?:\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|\b(?:\d{{1,2}}[./]\d{{2}}\b|{_YEARS}|"
    rf"(?:{_shared_letters([*_MONTHS.split(), *_DAYS.split(), *_top_level(_RELATIVE_TIMES)])})\b))",
    re.I,
)
_MONTH = _shared_letters(_MONTHS.split())
_DATE_RE = re.compile(
    rf"(?=[(\w])(?:\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|\b(?:\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?\b|"
    rf"(?:{_MONTH})\s+\d{{4}}\b|(?:tahun|tanggal|sejak|pada)\s+(?:1[89]|20)\d\d\b))",
    re.I,
)
# A day of a month, as news and encyclopedias write one: "12 September", "September 12",
# "(14/12)", "8/ 9", "12-09-2016", "tanggal 5", "20-29 September". A year alone
# ("tahun 2016") or a weekday ("pada hari Rabu") names no day of a month.
_DAY_OF_MONTH = re.compile(
    rf"(?<!\d)\d{{1,2}}\s*(?:{_MONTH})\b|\b(?:{_MONTH})\.?\s+\d{{1,2}}(?!\d)"
    r"|(?<!\d)\d{1,2}\s*/\s*\d{1,2}(?!\d)|(?<!\d)\d{1,2}-\d{1,2}-\d{2,4}(?!\d)|\btanggal\s+\d{1,2}(?!\d)"
    rf"|(?<!\d)\d{{1,2}}\s*(?:-|–|hingga|sampai)\s*\d{{1,2}}\s+(?:{_MONTH})\b",
    re.I,
)
# "Tanggal berapa ...?", "On what date ...?" ask a day of a month, not a year.
_ASKS_DAY = re.compile(r"\btanggal\s+(berapa|berapakah)\b|\b(on\s+)?what\s+(exact\s+)?date\b", re.I)


def asks_day(question: str) -> bool:
    return _ASKS_DAY.search(question) is not None


def gives_day(text: str) -> bool:
    """Whether `text` writes a day of a month (`asks_day`'s answer)."""
    return _DAY_OF_MONTH.search(text) is not None


_NUMBER_WORDS = (
    "dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas puluhan ratusan ribuan belas puluh ratus ribu "
    "juta miliar triliun seratus seribu setengah separuh "
    "one two three four five six seven eight nine ten hundred thousand million billion"
)
_NUMBER_RE = re.compile(
    # "salah satu" (one of) and "satu-satunya" (the only) count nothing.
    rf"\d|\b(?:satu(?<!salah satu)\b(?!-satunya)|(?:{_shared_letters(_NUMBER_WORDS.split())})\b)",
    re.I,
)
_FREQUENCY_RE = re.compile(
    r"\b(setiap|tiap|saban|sekali|dua\s+kali|\d+\s+kali|kali\s+(se|dalam)\w*|harian|mingguan|bulanan|tahunan|"
    r"selalu|sering|kerap|jarang|rutin|berkala|every|daily|weekly|monthly|yearly|annually|once|twice|always|often)\b",
    re.I,
)
_CITATION_RE = re.compile(r"\[(?:(?:note|nb|n|lower-alpha)\s*)?\d{1,3}(?:\s*,\s*\d{1,3})*\]")
# A capitalised word or acronym that does not open the sentence.
_PROPER_RE = re.compile(r"(?<=[\w,;:()\"“”'’-] )[A-Z][\w'’-]*")
# "di Jakarta", and after up to three words that say what kind of place or which part
# of it: "di provinsi Jawa Timur", "di tengah pulau Sumatera", "di wilayah administrasi
# Provinsi Nusa Tenggara Timur". Any lower-case words there (tried first) cost FacQA
# valid a question at rank 1 and one at rank 3.
_PLACE_KINDS = (
    "sebuah bagian sebelah tengah tengah-tengah pusat pesisir pinggir wilayah daerah kawasan administrasi "
    "provinsi kabupaten kota kecamatan desa kelurahan distrik prefektur negara negeri pulau kepulauan benua "
    "semenanjung lembah pegunungan gunung sungai danau teluk selat laut samudra samudera "
    "utara selatan barat timur tenggara daya laut"
)
_PLACE_RE = re.compile(rf"\b(di|ke|dari|in|at|to|from)\s+(?:(?:{'|'.join(dict.fromkeys(_PLACE_KINDS.split()))})\s+){{0,3}}[A-Z][\w'-]+")
# Words that introduce a name without being one: offices, and the verbs of attribution.
_TITLE_WORDS = (
    "Presiden Menteri Menlu Wamenlu Jenderal Letnan Raja Pangeran Perdana Dr Prof Pak Bu".split()
    + ["pemimpin", "juru bicara", "kata", "ujar", "tegas", "ungkap", "jelas"]
)
_TITLE_ALTERNATIVES = "|".join(title.replace(" ", r"\s+") for title in _TITLE_WORDS)
# A person shows as a full name (two capitalised words, "al-"/"bin" allowed between)
# or one capitalised word after a title; one capitalised word alone is too often a place.
_NAME_RE = re.compile(
    r"\b[A-Z][\w'’-]*(?:\s+(?:al-|bin\s+|de\s+|van\s+)?[A-Z][\w'’-]*)+"
    rf"|\b(?:{_TITLE_ALTERNATIVES})\s+[A-Z][\w'’-]+"
)


def wants(question: str) -> Wants:
    for kind, pattern in _CUES:
        if pattern.search(question):
            return kind
    return Wants.ANYTHING


# Capitalised words that start organisations, offices and places, not people:
# "Kementerian Luar Negeri Rusia" answers no `siapa`.
_NOT_PERSON_HEADS = frozenset(
    """kantor kementerian departemen dewan badan komite komisi partai universitas institut fakultas
    bandar bandara pelabuhan desa kecamatan kabupaten kota provinsi pulau selat sungai danau gunung
    jalan negara republik kerajaan tentara pasukan angkatan pangkalan perserikatan persatuan
    front koalisi kelompok organisasi perusahaan bank pt cv sekolah rumah gedung istana markas
    amerika uni timur barat utara selatan tenggara asia eropa afrika laut samudra the""".split()
)

# Of those, the ones that start a group or an organisation, which does answer a
# `siapa`: "Siapa yang diundang Rusia?" -> "delegasi ... Koalisi Nasional Suriah".
_GROUP_HEADS = frozenset(
    """kementerian departemen dewan badan komite komisi partai tentara pasukan angkatan perserikatan
    persatuan front koalisi kelompok organisasi perusahaan""".split()
)

# ...and words that end them: "Aleppo Timur", "Jawa Tengah", "Amerika Serikat".
_NOT_PERSON_TAILS = frozenset("timur barat utara selatan tengah tenggara daya laut raya serikat pusat".split())
_TITLES = frozenset(word.casefold() for title in _TITLE_WORDS for word in title.split())


def offers(sentence: str, kind: Wants, *, question: str) -> bool:
    """True when `sentence` holds something of `kind` that `question` lacks."""
    return _offered(sentence, kind, question=question, beside_asked=False)[0]


def offers_beside(sentence: str, kind: Wants, *, question: str) -> bool:
    """True when that new thing stands right after a word the question uses: the
    apposition that names what was asked ("Siapa Wamenlu Rusia ...?" ->
    "Wamenlu Rusia, Mikhail Bogdanov"; "Siapa Menteri Kesehatan?" -> "Menteri
    Kesehatan Siti Fadilah Supari"). For a time, number, place or name, a few
    words before or after it: "didirikan pada tanggal 17 Agustus 1945" answers
    "Kapan X didirikan?" where a date elsewhere in the sentence may not."""
    return _offered(sentence, kind, question=question, beside_asked=True)[1]


_APPOSITION_REACH = 3
# A date or a number is said a few words from its predicate ("didirikan pada
# tanggal 17 Agustus 1945", "memiliki luas 120 km2"), on either side.
_NEAR_REACH = 4
# Words that say what kind of thing is asked ("tahun berapa", "pada tanggal"):
# found beside any date, so no sign that this date is the one asked about.
_KIND_WORDS = frozenset(
    "tahun tanggal bulan hari pukul jam abad masa kapan berapa berapakah mana manakah dimana apa apakah nama "
    "sejak pada sekitar".split()
)
_FUNCTION_WORDS = frozenset(
    "yang dan di ke dari pada untuk dengan oleh dalam itu ini atau juga sang para dia ia mereka beliau "
    "the of and in on at to a an he she they".split()
)


def offers_each(
    sentences: Sequence[str], kind: Wants, *, question: str, beside: bool = False
) -> list[tuple[bool, bool]]:
    """(`offers`, and with `beside` also `offers_beside`, else False) of each of
    `sentences` for one question, both from one pass over the sentence's matches.

    Ranking asks it of every candidate: what a match holds is read once per
    distinct match text ("2", "Lavrov"), not once per sentence it occurs in.
    """
    if kind is Wants.ANYTHING:
        return [(False, False)] * len(sentences)
    memo: dict[str, tuple[list[str], int] | None] = {}
    # The same sentence in several articles (a wire story reprinted) is read once.
    done: dict[str, tuple[bool, bool]] = {}
    out: list[tuple[bool, bool]] = []
    for sentence in sentences:
        found = done.get(sentence)
        if found is None:
            found = done[sentence] = _offered(sentence, kind, question=question, beside_asked=beside, memo=memo)
        out.append(found)
    return out


def _offered(
    sentence: str,
    kind: Wants,
    *,
    question: str,
    beside_asked: bool,
    memo: dict[str, tuple[list[str], int] | None] | None = None,
) -> tuple[bool, bool]:
    """Whether the sentence offers something new and, when `beside_asked`, whether
    one such thing stands beside a word asked about."""
    if kind is Wants.ANYTHING:
        return False, False
    asked = _asked(question)
    pattern = _OFFER_SCANS[kind]
    if kind is Wants.PLACE and _ASKS_COUNTRY.search(question):
        pattern = _COUNTRY_SCAN
    # A citation mark ("kota.[2]") is no number, name or date the sentence offers.
    if "[" in sentence:
        sentence = _CITATION_RE.sub(lambda m: " " * len(m.group(0)), sentence)
    if kind is Wants.NUMBER and _DIGIT.search(sentence):
        # "8 September 2005" and "(13/12)" are dates, not the quantity asked for
        # (every date pattern holds a digit).
        sentence = _blanked(sentence, _DATES.spans(sentence))
    near: _Near | None = None
    # Where the question's words stand matters only once the sentence offers something:
    # found at the first new match, not for every sentence.
    find_near = beside_asked and kind is not Wants.PERSON
    offered = False
    for start, end in pattern.spans(sentence):
        text = sentence[start:end]
        if memo is None:
            read = _new_words(text, kind, asked)
        else:
            read = memo.get(text, _UNREAD)
            if read is _UNREAD:
                read = memo[text] = _new_words(text, kind, asked)
        if read is None:
            continue
        offered = True
        if find_near:
            find_near = False
            near = _Near.of(sentence, question)
            if near is None:
                # No word the question says of its subject is in the sentence: nothing is beside one.
                beside_asked = False
        if not beside_asked:
            return True, False
        if near is not None:
            if near.beside(start, end):
                return True, True
            # Only the stretches around the question's words can hold one beside them:
            # scanned instead of the rest of the sentence.
            for start, end in pattern.spans_within(sentence, near.windows()):
                found = memo.get(sentence[start:end], _UNREAD) if memo is not None else _UNREAD
                if found is _UNREAD:
                    found = _new_words(sentence[start:end], kind, asked)
                if found is not None and near.beside(start, end):
                    return True, True
            return True, False
        inside, first_new = read
        # The words leading up to the first new one, inside the match too:
        # "Menteri Perhubungan Hatta Rajasa" answers "Siapa Menteri Perhubungan?".
        # Only the last words before the match can be among the last `_APPOSITION_REACH`.
        before = [w.casefold() for w in _WORDS.findall(sentence[:start])[-_APPOSITION_REACH:]]
        lead = (before + inside[:first_new])[-_APPOSITION_REACH:]
        if any(w in asked and w not in _FUNCTION_WORDS and w not in _TITLES for w in lead):
            return True, True
    return offered, False


class _Near:
    """Where the words the question says of its subject (`_plain_words`) stand in a sentence,
    to ask of a match whether one is within `_NEAR_REACH` words of it."""

    __slots__ = ("_sentence", "_found")

    def __init__(self, sentence: str, found: list[tuple[int, int]]) -> None:
        self._sentence = sentence
        self._found = found

    @classmethod
    def of(cls, sentence: str, question: str) -> _Near | None:
        """None when the sentence holds none of those words."""
        pattern = _plain_words(question)
        if pattern is None:
            return None
        found = list(pattern.spans(sentence))
        return cls(sentence, found) if found else None

    def windows(self) -> list[tuple[int, int]]:
        """The stretches of the sentence within `_NEAR_CHARS` of one of the words (ending
        at a space, so no word is cut), merged where they overlap."""
        sentence = self._sentence
        out: list[tuple[int, int]] = []
        for word_start, word_end in self._found:
            low = max(0, word_start - _NEAR_CHARS)
            high = sentence.find(" ", word_end + _NEAR_CHARS)
            if high < 0:
                high = len(sentence)
            if out and low <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], high))
            else:
                out.append((low, high))
        return out

    def beside(self, start: int, end: int) -> bool:
        sentence = self._sentence
        for word_start, word_end in self._found:
            if word_end <= start:
                gap = sentence[word_end:start]
            elif word_start >= end:
                gap = sentence[end:word_start]
            else:
                continue
            # Fewer than `_NEAR_REACH` words between: it is among the nearest `_NEAR_REACH`.
            if len(gap) <= _NEAR_CHARS and len(_WORDS.findall(gap)) < _NEAR_REACH:
                return True
        return False


# A word is rarely longer than this many characters: a longer gap holds too many words.
_NEAR_CHARS = 20 * _NEAR_REACH


_UNREAD: object = object()
_DIGIT = re.compile(r"\d")
# Text whose letters are all ASCII (and a few common non-ASCII marks that are no letters).
_PLAIN = re.compile(r"[\x00-\x7f\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026]*")
# A letter of a pattern outside an escape ("\b", "\D"): an upper-case one would match
# nothing in lowered text.
_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


class _Scan:
    """The spans `pattern.finditer` finds, faster for an IGNORECASE pattern.

    Python's `re` matches case-insensitively several times slower than exactly
    (`_TIME_RE`: ~140 against ~30 µs a sentence), and ranking scans every
    candidate. Over text whose only letters are ASCII, a pattern written in
    lower case finds the very same spans case-sensitively in the lowered text
    (lowering keeps every position; re.IGNORECASE folds no other character of
    such text onto an ASCII letter); other text takes the pattern itself.
    """

    __slots__ = ("pattern", "_exact")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        # Made once per module pattern; the per-question finders are `_Words` and `_Counted`.
        self.pattern = pattern
        self._exact: re.Pattern[str] | None = None
        if pattern.flags & re.IGNORECASE:
            if _UPPER_LITERAL.search(pattern.pattern):
                raise ValueError(f"write {pattern.pattern!r} in lower case: it is matched over lowered text")
            self._exact = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if self._exact is not None and (text.isascii() or _PLAIN.fullmatch(text)):
            return (m.span() for m in self._exact.finditer(text.lower()))
        return (m.span() for m in self.pattern.finditer(text))

    def spans_within(self, text: str, windows: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """The spans found in each (start, end) stretch of `text`: a match may look at the
        text before the stretch (a word boundary, a look-behind), as over the whole text."""
        pattern = self.pattern
        if self._exact is not None and (text.isascii() or _PLAIN.fullmatch(text)):
            pattern, text = self._exact, text.lower()
        for low, high in windows:
            yield from (m.span() for m in pattern.finditer(text, low, high))


def _blanked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with every span replaced by as many spaces."""
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _new_words(match: str, kind: Wants, asked: frozenset[str]) -> tuple[list[str], int] | None:
    """A match's folded words and the place of the first the question lacks; None when it
    offers nothing new (a place word, a title, a non-person head, or only words asked)."""
    inside = [w.casefold() for w in _WORDS.findall(match)]
    words = set(inside)
    if kind is Wants.PLACE:
        words -= {"di", "ke", "dari", "in", "at", "to", "from"}
    elif kind is Wants.PERSON:
        names = match.split()
        group = names[0].casefold() in _GROUP_HEADS
        if not group and (names[0].casefold() in _NOT_PERSON_HEADS or names[-1].casefold() in _NOT_PERSON_TAILS):
            return None
        # "kata Lavrov" offers no one new when the question names Lavrov.
        words -= _TITLES
    if not words - asked:
        return None
    first_new = next((i for i, w in enumerate(inside) if w not in asked and w not in _TITLES), len(inside))
    return inside, first_new


_WORDS = re.compile(r"\w+")
_OFFER_PATTERNS = {
    Wants.PERSON: _NAME_RE,
    Wants.NUMBER: _NUMBER_RE,
    Wants.TIME: _TIME_RE,
    Wants.PLACE: _PLACE_RE,
    Wants.FREQUENCY: _FREQUENCY_RE,
    Wants.NAME: _PROPER_RE,
}
_OFFER_SCANS = {kind: _Scan(pattern) for kind, pattern in _OFFER_PATTERNS.items()}
# Countries as Indonesian text names them (and the short forms news uses: AS, RRC, UEA).
# "Negara mana yang memveto ...?" is answered by "... Rusia dan Cina ...", a country named
# anywhere in the sentence, not only after "di", "ke", "dari" as another place is; "*Di*
# negara mana ...?" asks where, which a place after "di" (a city) answers as before.
_COUNTRIES = """
    Afganistan | Afghanistan | Afrika Selatan | Albania | Aljazair | Amerika Serikat | Amerika |
    Andorra | Angola | Arab Saudi | Argentina | Armenia | Australia | Austria | Azerbaijan | Bahama |
    Bahrain | Bangladesh | Barbados | Belanda | Belarus | Belgia | Belize | Benin | Bhutan | Bolivia |
    Bosnia | Botswana | Brasil | Brazil | Britania Raya | Brunei | Bulgaria | Burkina Faso | Burundi |
    Ceko | Chad | Chili | Cile | Cina | China | Tiongkok | Denmark | Djibouti | Dominika | Ekuador |
    El Salvador | Eritrea | Estonia | Etiopia | Ethiopia | Fiji | Filipina | Finlandia | Gabon |
    Gambia | Georgia | Ghana | Grenada | Guatemala | Guinea | Guyana | Haiti | Honduras | Hongaria |
    India | Indonesia | Inggris | Irak | Iran | Irlandia | Islandia | Israel | Italia | Jamaika |
    Jepang | Jerman | Kamboja | Kamerun | Kanada | Kazakhstan | Kenya | Kirgistan | Kiribati |
    Kolombia | Komoro | Kongo | Korea Selatan | Korea Utara | Korea | Kosta Rika | Kroasia | Kuba |
    Kuwait | Laos | Latvia | Lebanon | Libanon | Lesotho | Liberia | Libya | Liechtenstein | Lituania |
    Luksemburg | Madagaskar | Makedonia | Maladewa | Malawi | Malaysia | Mali | Malta | Maroko |
    Mauritania | Mauritius | Meksiko | Mesir | Moldova | Monako | Mongolia | Montenegro | Mozambik |
    Myanmar | Namibia | Nauru | Nepal | Niger | Nigeria | Nikaragua | Norwegia | Oman | Pakistan |
    Palau | Palestina | Panama | Pantai Gading | Papua Nugini | Paraguay | Peru | Polandia | Portugal |
    Prancis | Perancis | Qatar | Rumania | Rusia | Rwanda | Samoa | San Marino | Selandia Baru |
    Senegal | Serbia | Seychelles | Sierra Leone | Singapura | Siprus | Slowakia | Slovakia |
    Slovenia | Somalia | Spanyol | Sri Lanka | Sudan | Suriah | Suriname | Swedia | Swiss | Swaziland |
    Tajikistan | Tanzania | Thailand | Timor Leste | Togo | Tonga | Trinidad | Tunisia | Turki |
    Turkmenistan | Tuvalu | Uganda | Ukraina | Uni Emirat Arab | Uruguay | Uzbekistan | Vanuatu |
    Vatikan | Venezuela | Vietnam | Yaman | Yordania | Yunani | Zambia | Zimbabwe | Taiwan |
    Skotlandia | Wales | Irlandia Utara | AS | RRC | RRT | UEA
"""
_COUNTRY_NAMES = sorted(
    (name.strip().replace(" ", r"\s+") for name in _COUNTRIES.split("|") if name.strip()), key=len, reverse=True
)
_COUNTRY_SCAN = _Scan(re.compile(_PLACE_RE.pattern + r"|\b(?:" + "|".join(_COUNTRY_NAMES) + r")\b"))
_ASKS_COUNTRY = re.compile(
    r"(?<!\bdi )(?<!\bke )(?<!\bdari )\bnegara(?:-negara)?\s+(?:mana|apa)|(?<!\bin )\bwhich\s+countr", re.I
)
_DATES = _Scan(_DATE_RE)


def _is_word(char: str) -> bool:
    """Whether `re` counts `char` as a word character (`\\w` over str)."""
    return char.isalnum() or char == "_"


class _LazyPattern:
    """A per-question pattern kept as its source and compiled (IGNORECASE) only when a
    text beyond what `_Scan` lowers needs it: most questions' candidates never do, and
    the compile cost more than the scan. `_Words` and `_Counted` find their matches in
    lowered text without it."""

    __slots__ = ("_source", "_pattern")

    def __init__(self, source: str) -> None:
        self._source = source
        self._pattern: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._pattern = re.compile(self._source, re.IGNORECASE)
        return self._pattern


class _Words(_LazyPattern):
    """The spans where any of some lower-case words (each a run of word characters) stands
    whole in a text, in any case: what `\\b(?:word|...)\\b` with re.IGNORECASE finds.

    Made per question (`_plain_words`): compiling that pattern cost a question about
    as much as scanning its candidates with it. Over text `_Scan` lowers (ASCII and a
    few marks), a match is exactly a run of word characters equal to one of the words,
    found with `str.find`; other text takes the pattern itself, compiled when first needed.
    """

    __slots__ = ("_words",)

    def __init__(self, words: Iterable[str]) -> None:
        self._words = tuple(words)
        super().__init__(r"\b(?:" + "|".join(map(re.escape, self._words)) + r")\b")

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if not (text.isascii() or _PLAIN.fullmatch(text)):
            return (m.span() for m in self.pattern.finditer(text))
        low = text.lower()
        size = len(low)
        found: list[tuple[int, int]] = []
        for word in self._words:
            start = low.find(word)
            while start >= 0:
                end = start + len(word)
                if (start == 0 or not _is_word(low[start - 1])) and (end == size or not _is_word(low[end])):
                    found.append((start, end))
                # A later occurrence overlapping this one starts inside a word.
                start = low.find(word, end)
        found.sort()
        return iter(found)


@functools.lru_cache(maxsize=256)
def _plain_words(question: str) -> _Words | None:
    """The question's content words written in lower case, as one pattern (any case): what it
    says of the thing it names ("luas", "diresmikan"), not the name itself, which its article
    repeats beside every date and number ("ulang tahun ke-153 Kebun Raya Cibodas"); None when
    it has none."""
    words = sorted({
        w for w in _WORDS.findall(question)
        if w == w.casefold() and not w.isdigit() and w not in _FUNCTION_WORDS and w not in _KIND_WORDS
    })
    if not words:
        return None
    return _Words(words)


@functools.lru_cache(maxsize=256)
def _asked(question: str) -> frozenset[str]:
    """The question's words, folded: read once per question, not once per candidate sentence."""
    return frozenset(w.casefold() for w in _WORDS.findall(question))


# The noun a question asks about: "*Badan* apa ...", "Di *kota* manakah ...",
# "Siapa *pelatih* karate ...". Reasons and manners ("mengapa", "bagaimana") have none.
_NOUN_WHICH = re.compile(r"\b(\w+)\s+(apa|apakah|mana|manakah)\b", re.I)
_QUESTION_WORDS = frozenset("apa apakah siapa siapakah berapa berapakah kapan kapankah mana manakah dimana dimanakah".split())
_NOT_FOCUS = frozenset(
    """yang dengan untuk oleh karena dari di ke pada adalah ialah itu ini dan atau hal sebagai dalam
    tentang terhadap akan sudah telah bisa dapat merupakan menjadi nama namanya kepanjangan singkatan""".split()
)


# The word after "berapa"/"how" that says what is measured or counted only by asking.
_HOW_MUCH = re.compile(
    r"\b(?:se)?berapa(?:kah)?\s+(banyak|sering|kerap|lama|jauh|besar|luas)\b|\bhow\s+(many|much|long|often|far)\b",
    re.I,
)


def names_time(text: str) -> bool:
    """Whether `text` names a date, a year, a day or a time of day: what `offers` reads as
    a `kapan` answer, whatever the question names."""
    return _TIME_RE.search(text) is not None


def is_time_word(word: str) -> bool:
    """A year, a date or a month or day name ("2015", "Desember", "12/12"): what a news
    sentence seldom repeats of its article's date."""
    return any(ch.isdigit() for ch in word) or bool(_TIME_RE.fullmatch(word))


def kind_words(question: str) -> frozenset[str]:
    """The question's words (folded) that say what kind of thing it asks for, not what
    the answer holds: "*Negara* mana", "*Kota* apa", "*tahun* berapa", "berapa
    *banyak*", "seberapa *sering*", "how *many*". A quote gives a country, a year or a
    count; it need not repeat the word."""
    found = {m.group(1).casefold() for m in _NOUN_WHICH.finditer(question)} - _NOT_FOCUS - _QUESTION_WORDS
    found |= {word.casefold() for m in _HOW_MUCH.finditer(question) for word in m.groups() if word}
    found |= {word for word in (w.casefold() for w in re.findall(r"\w+", question)) if word in _KIND_WORDS}
    return frozenset(found)


def focus(question: str, words: list[tuple[str, tuple[str, ...]]]) -> tuple[str, ...]:
    """Terms of the question's focus noun, given the question's (word, terms) pairs:
    the word just before "apa"/"manakah", else the first content word after the
    question word; () when there is none."""
    terms_of = {word.casefold(): terms for word, terms in words}
    for match in _NOUN_WHICH.finditer(question):
        noun = match.group(1).casefold()
        if noun not in _NOT_FOCUS and terms_of.get(noun):
            return terms_of[noun]
    for i, (word, _terms) in enumerate(words):
        if word.casefold() not in _QUESTION_WORDS:
            continue
        for later, terms in words[i + 1 :]:
            if later.casefold() in _NOT_FOCUS:
                continue
            if terms:
                return terms
            if later.casefold() in _QUESTION_WORDS:
                continue
            return ()
        return ()
    return ()


# Words of a name that do not tell one thing from another: "Kabupaten", "Utara",
# "Universitas", "Sir", "Inc". A name is found when a distinctive word of it is
# ("Paul Leonard Newman" -> "Newman"); "Korea Utara" is not found by "Utara".
_GENERIC_NAME_WORDS = (
    _NOT_PERSON_HEADS
    | _NOT_PERSON_TAILS
    | _TITLES
    | frozenset(
        """sir inc ltd co corp international nasional internasional raja ratu kaisar kekaisaran museum
        operasi perang pertempuran ekspedisi kongres festival piala pertama kedua ketiga i ii iii iv v
        bapak ibu saint santo st""".split()
    )
)
# ... nor, in a name of three words or more, the kin words and Arabic given names many share.
_GENERIC_OR_GIVEN_NAME_WORDS = _GENERIC_NAME_WORDS | frozenset(
    "abu bin binti ibn ibnu mohammed mohammad mohamed ahmed".split()
)
_ASKING_WORDS = _QUESTION_WORDS | frozenset("bagaimana bagaimanakah mengapa kenapa darimana kemana".split())
# An Arabic name's article or "son of" before a capital ("al-Jolani", "Al-Khatib",
# "ibn-Sina"): part of the name, though it may open in lower case.
_NAME_PARTICLE = re.compile(r"((?i:al|el|ad|an|ar|as|asy|at|az|ud|ul|ibn|bin))-(?=[A-Z])")
# A brand written with a capital after a letter or two ("iPhone", "eBay", "tvOne"): a name
# wherever it stands, even first, where a capital tells nothing. Not a preposition glued
# to a name ("diTurki"), nor a longer word run into the next ("negaraRepublik"): typos.
_INNER_CAPITAL = re.compile(r"(?!(?:di|ke)[A-Z])[a-z]{1,2}[A-Z][a-z]")


# Academic degrees after a name ("Arief Yahya, M.Sc.", "Ganjar Pranowo, S.H., M.IP.",
# "Daniel M. Rosyid PhD, M.RINA") and abbreviated honorifics before it ("Dr. Ir.",
# "Drs. H."): an article about the person seldom repeats them, and "Sc" or "IP" read
# as a thing the question names made the engine decline (IDK-MRC train).
_DEGREES = re.compile(r",\s*(?:[A-Z][A-Za-z]{0,3}\.\s?)+(?:[A-Z][A-Za-z]{0,4}\b\.?)?|\bPh\.?\s?D\b\.?")
_HONORIFICS = re.compile(r"\b(?:Dr|Drs|Dra|Ir|Prof|Hj|H|KH|Kol|Letkol|Mayjen|Brigjen|Jend)\.(?=\s)")
_DEGREE_WORD = re.compile(r"[A-Za-z]+")


def titles(question: str) -> frozenset[str]:
    """The words of `question` that are academic degrees or abbreviated honorifics
    ("M.Sc.", "PhD", "Dr.", "Ir."), as written: not things the question names."""
    found = [m.group(0) for pattern in (_DEGREES, _HONORIFICS) for m in pattern.finditer(question)]
    return frozenset(word for text in found for word in _DEGREE_WORD.findall(text))


def named(
    words: list[tuple[str, tuple[str, ...]]], *, skip: frozenset[str] = frozenset()
) -> list[tuple[str, tuple[frozenset[str], ...]]]:
    """The things a question names, given its (word, terms) pairs: runs of capitalised
    words after the first word ("Korea Utara", "Lavrov"), each with the terms of its
    distinctive words; a word holding a digit ends its run ("G20"). A sentence is
    about the thing when it holds any one of them. Words in `skip` (`titles`) are no
    part of a name. Numbers are not names: a year is read against the article's date
    (`dating`), a count may be written in words."""
    runs: list[list[tuple[str, tuple[str, ...]]]] = []
    current: list[tuple[str, tuple[str, ...]]] = []
    for i, (word, terms) in enumerate(words):
        if word in skip:
            terms = ()
        # The first word is capitalised because it opens the question, so it tells nothing.
        # Dates are left out: a news sentence rarely repeats its article's date
        # ("pada 12 September 2005"), and numbers are written in words as often.
        particle = _NAME_PARTICLE.match(word)
        if particle is not None:
            # The article alone ("al") names nothing: every al-name holds it.
            terms = tuple(t for t in terms if t != particle.group(1).casefold()) or terms
        is_name = (
            (i > 0 and (word[:1].isupper() or particle is not None) or _INNER_CAPITAL.match(word) is not None)
            and word.casefold() not in _ASKING_WORDS
            and not _TIME_RE.fullmatch(word)
        )
        if is_name and terms:
            if current and any(ch.isdigit() for ch in current[-1][0]):
                runs.append(current)
                current = []
            current.append((word, terms))
        elif current and is_name and _initial_within(words, i, skip):
            # A middle initial ("Sony D. Kuncoro", "George W. Bush") is part of the name:
            # it names nothing itself, but it must not cut the name in two.
            current.append((word, terms))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    out: list[tuple[str, tuple[frozenset[str], ...]]] = []
    for run in runs:
        # A phrase the synonym list knows as one thing ("Korea Utara") is found by that thing only.
        shared = frozenset.intersection(*(frozenset(t) for _w, t in run)) if len(run) > 1 else frozenset()
        concepts = frozenset(t for t in shared if t.startswith("~"))
        if concepts:
            out.append((" ".join(w for w, _ in run), (concepts,)))
            continue
        # An office spelled in several words ("Menteri Luar Negeri" Indonesia, which the
        # synonym list knows as one thing) tells no more than its title alone.
        office = frozenset(t for t in run[0][1] if t.startswith("~")) if run[0][0].casefold() in _TITLES else frozenset()
        # In a name of three words or more, the kin words and the Arabic given names many
        # share ("*Abu Mohammed* al-Jolani") do not tell it apart either.
        generic = _GENERIC_OR_GIVEN_NAME_WORDS if len(run) >= 3 else _GENERIC_NAME_WORDS
        distinctive = [frozenset(t) for w, t in run if t and w.casefold() not in generic and office.isdisjoint(t)]
        out.append((" ".join(w for w, _ in run), tuple(distinctive or [frozenset(t) for _w, t in run if t])))
    return out


def _initial_within(words: list[tuple[str, tuple[str, ...]]], i: int, skip: frozenset[str]) -> bool:
    """Whether `words[i]` is one capital letter before a capitalised word that names
    something (not a degree of `skip`: the "M" of "M.Sc." is no initial)."""
    word = words[i][0]
    after, terms = words[i + 1] if i + 1 < len(words) else ("", ())
    return (
        len(word) == 1 and word.isalpha() and word.isupper()
        and after[:1].isupper() and bool(terms) and after not in skip
    )


# "Apa itu X?", "Apa yang dimaksud dengan X?", "Apa arti X?": a definition, which a
# sentence gives as "X adalah ...", "X merupakan ...", "X (...) ialah ...". Not
# "Apa kepanjangan X?": that wants the long form, printed beside X in brackets
# (every FacQA train question the rule took as a definition was one). "Siapa itu X?",
# "Siapakah yang dimaksud dengan Uskup?" ask the same of a person or an office
# ("Uskup adalah pimpinan Gereja setempat ..."); "Siapa yang dimaksud Lavrov?" (whom
# Lavrov meant) does not.
_ASKS_DEFINITION = re.compile(
    r"^\W*(apa|apakah)\s+(itu|yang\s+di\s*maksud|maksud|arti|pengertian|definisi)\b|"
    r"^\W*(siapa|siapakah)\s+(itu\b|yang\s+(di\s*maksud|disebut)\s+dengan\b)|"
    r"\bitu\s+(apa|apakah|siapa|siapakah)\W*$|^\W*what\s+(is|are|does)\b",
    re.I,
)
# The words that only frame a definition question ("Apa yang dimaksud dengan",
# "Apakah pengertian dari"): the sentence that defines X says "X adalah ...", not
# "dimaksud", so they are no evidence; as rare words they outweighed X itself.
_DEFINITION_FRAME = re.compile(
    r"^\W*(apa|apakah)\s+(yang\s+)?(di\s*maksud|maksud|arti|pengertian|definisi)(\s+(dengan|dari))?\b|"
    r"^\W*(siapa|siapakah)\s+yang\s+(di\s*maksud|disebut)\s+dengan\b",
    re.I,
)
_DEFINES = re.compile(r"\b(adalah|merupakan|ialah|yaitu|yakni|is|are|means)\b", re.I)


def written_as_name(word: str, text: str) -> bool:
    """Whether `text` writes `word` as a name: capitalised somewhere after a sentence's
    first word, and never in lower case. A chat question writes names in lower case
    ("ketemu lavrov di mana"); the article it is asked of tells which words are names."""
    capitalised = False
    for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE):
        found = match.group(0)
        if not found[:1].isupper():
            return False
        capitalised = capitalised or not _SENTENCE_START.search(text, 0, match.start())
    return capitalised


# What may stand before a sentence's first word: its start, the end of the sentence
# before, or an opening quotation mark or bracket.
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*|[\"“‘'(]\s*)\Z")


def asks_definition(question: str) -> bool:
    return bool(_ASKS_DEFINITION.search(question))


# "Mengapa ...?", "Apa alasan ...?", "Why ...?" ask a reason, which the sentence that
# answers usually marks ("karena", "akibat", "beralasan", "agar"); a sentence that only
# restates what is asked about ("Kedua anggota DK PBB itu memveto ...") marks none.
# Chat's "ngapain aja" (read as "mengapa saja") asks what was done, not why.
_ASKS_REASON = re.compile(
    r"\b((mengapa|kenapa|knp)(?!\s+(saja|aja)\b)|why|(apa|apakah)\s+(alasan|sebab|penyebab)|alasan\s+(apa|apakah)"
    r"|apa\s+yang\s+(menyebabkan|membuat)|for\s+what\s+reason|what\s+(caused|made))\b",
    re.I,
)
_GIVES_REASON = re.compile(
    r"\b(karena|karenanya|dikarenakan|sebab|disebabkan|penyebab|akibat|diakibatkan|lantaran|alasan|beralasan"
    r"|alasannya|dalih|berdalih|agar|supaya|demi|sehingga|bertujuan|tujuannya|because|due|reason|so\s+that)\b",
    re.I,
)


# "Apakah ...?" opens a yes/no question as often as a "what" one: a window's "tidak"
# may be its answer, and "Apakah hasil pembicaraan itu diungkap?" asks whether, not
# what came of it. So do "Benarkah ...?", "Sudahkah ...?", an English auxiliary
# ("Did ...?") and a chat "apa" before one ("apa Rusia sudah memutuskan ...?", not
# "Apa yang sudah ...?").
_YES_NO_OPENER = (
    r"(apakah|apa\s+(benar|betul)|benarkah|betulkah|sudahkah|akankah|pernahkah|masihkah|bisakah|dapatkah|"
    r"mungkinkah|adakah|did|does|do|is|are|was|were|has|have|will|can|"
    r"apa\s+(?!yang\b|itu\b)(?:(?!yang\b)[\w-]+\s+){0,2}(sudah|telah|akan|bakal|masih|pernah|sedang))\b"
)
_YES_NO_OPENING = re.compile(r"\s*" + _YES_NO_OPENER, re.I)
# ... and so does one after a comma ("Menurut Lavrov, apakah serangan udara cukup untuk
# mengalahkan teroris?"): an undoing it asks about may be answered "no".
_YES_NO_CLAUSE = re.compile(r"(^|[,;:])\s*" + _YES_NO_OPENER, re.I)


def asks_yes_no(question: str) -> bool:
    """Whether `question` opens as a yes/no question ("Apakah ...?", "Did ...?")."""
    return _YES_NO_OPENING.match(question) is not None


def asks_yes_no_in_clause(question: str) -> bool:
    """Whether it opens so, or after a comma ("Menurut Lavrov, apakah ...?")."""
    return _YES_NO_CLAUSE.search(question) is not None


def asks_reason(question: str) -> bool:
    return bool(_ASKS_REASON.search(question))


def gives_reason(sentence: str) -> bool:
    """Whether `sentence` marks a cause or a purpose, as an answer to `asks_reason` does."""
    return bool(_GIVES_REASON.search(sentence))


# "Berapa jumlah stasiun ...?" asks "Berapa stasiun ...?": the sentence that answers
# says "memiliki 22 stasiun" as often as "jumlah stasiun", and "jumlah" as evidence
# favours any sentence that counts something else ("jumlah penduduk").
_COUNT_FRAME = re.compile(r"\b((?:ada\s+)?(?:se)?berapa(?:\s*kah)?)\s+(?:jumlah|banyak(?:nya)?)\b", re.I)


def without_definition_frame(question: str) -> str:
    """The question without the words that frame a definition question ("Apa yang
    dimaksud dengan Uskup?" -> "Apa Uskup?": the question word stays, so a capitalised
    word after it is still a name) or a count ("Berapa jumlah stasiun?" -> "Berapa
    stasiun?"); other questions unchanged."""
    return _COUNT_FRAME.sub(lambda m: m.group(1), _DEFINITION_FRAME.sub(lambda m: m.group(1) or m.group(6), question, count=1), count=1)


# "Siapa Mohammed bin Salman *menurut artikel itu*?", "... *in the article*?": the
# question points at the text it is asked over; "Siapa *sebenarnya* ...?" leans on a
# particle that asks nothing. The corpus seldom writes "artikel": as a word it lowered
# coverage and read as a qualifier the article lacks. Read out of the question only:
# an article's "sebenarnya" still counts as written.
_ASIDES = re.compile(
    r"[,\s]*\b(?:(?:menurut|dalam|di|berdasarkan|sesuai(?:\s+dengan)?|kata)\s+(?:artikel|berita|laporan|tulisan|teks|naskah)"
    r"\s+(?:ini|itu|tersebut|tadi)|(?:according\s+to|in|from)\s+(?:the|this|that)\s+(?:article|report|story|text)"
    r"|sebenarnya|sesungguhnya)\b",
    re.I,
)


def without_asides(question: str) -> str:
    """The question without the words that point at the text itself ("menurut artikel
    itu", "according to the article") or only lean on it ("sebenarnya"); others unchanged."""
    return _ASIDES.sub("", question).lstrip(" ,")


# "didirikan oleh Zhu Yuanzhang", "dipimpin oleh Letkol Ventje Sumual", "by DMA Design":
# a passive sentence names who did it after "oleh", a person or a group alike.
# ("karya X", "ciptaan X" as well changed nothing on IDK-MRC train: 0.593 -> 0.593.)
_AGENT = re.compile(r"\b(oleh|by)\s+(?:[a-z]+\s+){0,2}[A-Z]")


def names_agent(sentence: str) -> bool:
    """The sentence says who did something ("... oleh X"): what a `siapa` question asks."""
    return _AGENT.search(sentence) is not None


def defines(sentence: str) -> bool:
    """The sentence says what something is ("X adalah ...")."""
    return bool(_DEFINES.search(sentence))


# Spellings of one name that Indonesian text mixes: old and new orthography
# ("Djuanda"/"Juanda", "Soekarno"/"Sukarno"), transliterations ("Ethiopia"/"Etiopia",
# "Baghdad"/"Bagdad", "Socrates"/"Sokrates") and doubled letters ("Buddha"/"Budha").
# Each rewrite maps letters that spell one sound in some of these systems; none
# changes a vowel or a letter that sounds different, so "Helanda" keeps apart
# from "Belanda" and "Palapo" from "Palopo" (IDK-MRC writes its unanswerable
# questions with such swaps).
_SPELLING_REWRITES = (
    ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("oe", "u"), ("ph", "f"), ("dh", "d"), ("th", "t"), ("kh", "k"),
    ("gh", "g"), ("ch", "k"), ("sh", "sy"), ("c", "k"), ("q", "k"), ("x", "ks"), ("z", "s"), ("v", "f"),
)
_DOUBLED = re.compile(r"(.)\1+")
# Shorter words are too often another word one letter off ("Afan"/"Affan" is fine, "kpk"/"kppc" is not).
SPELLING_MIN_LENGTH = 5


def spelling_key(term: str) -> str | None:
    """The key two spellings of one name share (`_SPELLING_REWRITES`), or None for a
    term too short or not alphabetic to be compared that way."""
    if len(term) < SPELLING_MIN_LENGTH or not term.isalpha():
        return None
    key = term.casefold()
    for old, new in _SPELLING_REWRITES:
        key = key.replace(old, new)
    return _DOUBLED.sub(r"\1", key)


# What a `berapa` question measures, read from the word that names the measure, and
# the units a sentence gives that measure in: "Berapa luas Turki?" is answered by
# "783.562 kilometer persegi", not by "1.600 kilometer" (a length) or "54.310 orang".
# Checked in order: "luas" before "panjang" ("luas" and "panjang" both in "luas
# wilayah sepanjang ..." questions are rare; the first measure word names the measure).
_AREA_UNITS = r"km²|km2|m²|m2|kilometer\s+persegi|meter\s+persegi|mil\s+persegi|sq\s*mi|hektar|hektare|ha|acre"
_MEASURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(luas|seluas)(nya|kah)?\b", re.I), _AREA_UNITS),
    (
        re.compile(r"\b(panjang|tinggi|ketinggian|jarak|kedalaman|lebar|diameter|jauh)(nya|kah)?\b", re.I),
        r"km|m|cm|mm|meter|kilometer|mil|kaki|ft|mdpl|dpl|inci",
    ),
    (re.compile(r"\b(berat|bobot)(nya|kah)?\b", re.I), r"kg|kilogram|ton|gram|g|pon|lb"),
    (re.compile(r"\b(penduduk|populasi|warga|jiwa)\b", re.I), r"jiwa|orang|penduduk|warga"),
    (re.compile(r"\b(umur|usia|lama)(nya|kah)?\b", re.I), r"tahun|bulan|hari|minggu|pekan|jam|menit|detik|abad|dekade"),
    (re.compile(r"\b(suhu|temperatur)\b", re.I), r"°|derajat"),
    (re.compile(r"\b(harga|biaya|nilai|anggaran|gaji|pendapatan|modal|dana)\b", re.I),
     r"rp|rupiah|dolar|dollar|us\$|usd|euro|yen|ringgit|juta|miliar|triliun"),
)
# A number as an encyclopedia writes it ("783.562", "1.984,31", "6.650km", "22stasiun") or
# as news does ("200 ribu lebih warga", "ratusan orang"), then the unit.
_AMOUNT = (
    r"(?:\d[\d.,]*|(?:se|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\s?(?:puluh|ratus|ribu)|"
    r"puluhan|ratusan|ribuan|jutaan)"
)
_QUANTITY = r"\b" + _AMOUNT + r"\s?(?:(?:ribu|juta|miliar|triliun|lebih|kurang)\s+){{0,2}}(?:{units})(?![\w²])"
_MEASURE_SCANS = tuple(
    (cue, _Scan(re.compile(_QUANTITY.format(units=units), re.I))) for cue, units in _MEASURES
)
# "Berapa (jumlah) stasiun ...?", "Ada berapa provinsi ...?": the counted noun.
_COUNTED = re.compile(r"\b(?:se)?berapa(?:kah)?\s+(?:(?:jumlah|banyak(?:nya)?)\s+)?([a-z]\w{2,})\b", re.I)
# What stands before the unit in `_QUANTITY`, up to the unit: searched in lowered text ending where a
# counted noun starts.
_BEFORE_UNIT = re.compile(_QUANTITY.format(units="").removesuffix(r"(?:)(?![\w²])") + r"\Z")


class _Counted(_LazyPattern):
    """Whether a text holds a number followed by one noun (`_QUANTITY` with the noun as its
    unit, any case): "memiliki 22 stasiun".

    Made per question (`_measure_scan`): compiling that pattern cost a `berapa`
    question more than its whole scan. Over text `_Scan` lowers, each place the noun
    stands is found with `str.find` and the amount before it with one pattern compiled
    once (`_BEFORE_UNIT`); other text takes the pattern itself, compiled when first needed.
    """

    __slots__ = ("_noun",)

    def __init__(self, noun: str) -> None:
        self._noun = noun
        super().__init__(_QUANTITY.format(units=re.escape(noun)))

    def found(self, text: str) -> bool:
        if not (text.isascii() or _PLAIN.fullmatch(text)):
            return self.pattern.search(text) is not None
        low = text.lower()
        noun = self._noun
        start = low.find(noun)
        while start >= 0:
            end = start + len(noun)
            # `(?![\w²])`: "²" is a word character too.
            if (end == len(low) or not _is_word(low[end])) and _BEFORE_UNIT.search(low, 0, start):
                return True
            start = low.find(noun, start + 1)
        return False


@functools.lru_cache(maxsize=256)
def _measure_scan(question: str) -> _Scan | _Counted | None:
    """The pattern of a quantity in the unit a `berapa` question asks for, or of a number
    followed by the noun it counts ("Berapa jumlah stasiun?" -> "22 stasiun"); None
    when the question names no measure or counted noun."""
    for cue, scan in _MEASURE_SCANS:
        if cue.search(question):
            return scan
    counted = _COUNTED.search(question)
    if counted is not None and counted.group(1).casefold() not in _QUESTION_WORDS | _KIND_WORDS | _NOT_FOCUS:
        return _Counted(counted.group(1).casefold())
    return None


def gives_measure(sentence: str, question: str) -> bool:
    """The sentence gives a quantity in the unit the question's measure is given in
    ("Berapa luas Turki?" -> "783.562 kilometer persegi"), or a count of the noun it
    counts ("Berapa jumlah stasiun?" -> "memiliki 22 stasiun")."""
    scan = _measure_scan(question)
    if scan is None:
        return False
    if isinstance(scan, _Counted):
        return scan.found(sentence)
    return next(scan.spans(sentence), None) is not None
