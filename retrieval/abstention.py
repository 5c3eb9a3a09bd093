"""Whether the best sentence answers the question at all: the abstention stage.

The engine ranks candidates (retrieval/ranking.py), then keeps its hand rules
(names the corpus lacks, coverage floors; retrieval/search.py). What passes
them is judged here: a small model (logistic weights, boosted trees) over what the best candidate, its
window and its article hold of the question (`Signals`). A question that
changes one thing of an answerable one ("komputer *makro*" over a paragraph on
*mikro*computers, "Siapa yang *tidak* ...", a year the article never gives)
matches the paragraph well on everything but that thing, so the model reads
the thing left unmatched, not the overall match.

The weights are fitted by benchmarks/abstention.py on IDK-MRC train and FacQA
train and ship as readable JSON (`abstention.json` beside this module).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.question import asks_day, asks_reason, asks_yes_no, asks_yes_no_in_clause, gives_day
from retrieval.ranking import Unit
from retrieval.ranktrees import ModelError, RankTrees
from retrieval.langfiles import numbered_data_lines
from retrieval.text import Analyzer

_BUNDLED = Path(__file__).with_name("abstention.json")
_NEGATION = re.compile(r"\b(tidak|tak|bukan|belum|tanpa|non|never|not|no)\b", re.I)
_DROPPED_NEGATORS = frozenset("tidak tak bukan belum tanpa".split())
_HELD_NEGATION = re.compile(r"\b(tidak|tak|bukan|belum|tanpa)\b", re.I)
# A closing "(atau) tidak?" asks yes or no and negates nothing: "... jadi tidak?"
# (`chatwords` reads a chat "jadi ga?" so).
_YES_NO_TAG = re.compile(r"\s+(?:(?:atau|apa)\s+)?(?:tidak|belum|bukan)\W*$", re.I)
# Chat puts the tag right after the verb it asks about, before the rest of the question:
# "kontak rusia as bakal berkurang *gak* di era trump", "lavrov yakin *gak* kontak ...".
# A negation before a preposition or "kalau" negates no word ("yang tidak di ..." does),
# nor does one after a verb of will or belief that a negation would stand before
# ("oposisi mau gak keluar", not "oposisi gak mau keluar"; "mau tidak mau" neither).
_YES_NO_MID_TAG = re.compile(
    r"(?<!\byang)(?<!\bapa)\s+(?:tidak|belum|bukan)\s+(?=(?:di|ke|dari|pada|dalam|setelah|sejak|selama|saat|waktu|kalau|nanti)\b)"
    r"|\b(?:yakin|setuju|mau|bisa|jadi|boleh|tahu|tau|berani|sanggup|siap|ikut|berhasil|sukses|menerima|terima|menolak|tolak)\s+(?:tidak|belum|bukan)\s+"
    r"(?!(?:mau|bisa|ada|pernah|lagi|akan|dapat|boleh|usah|perlu)\b)(?=\w)",
    re.I,
)
# So does an opening "Benar tidak ...?" ("true or not: ..."; chat's "bener gak ...?" reads
# so): its "tidak" asks, and negates nothing that follows. Not "Benarkah tidak ...?" nor
# "Benar tidak ada ...?", which ask about a negation ("is it true that none ...").
_YES_NO_LEAD = re.compile(r"\s*(?:benar|betul)\s+(?:atau\s+)?(?:tidak|tak|bukan)\b(?!\s+ada\b)", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Words that negate what follows them. In the article "kurang" ("kurang tepat") negates
# too; in a question it is as often "less" as "not".
_NEGATORS = frozenset("tidak tak bukan belum tanpa non".split())
_HELD_NEGATORS = _NEGATORS | {"kurang"}
# Words that say "not" of the word after them: "AS *enggan* menyerang al-Nusra" asks
# what "AS tak mau menyerang al-Nusra" says, so the window's "tak" drops nothing.
_UNWILLING = frozenset("enggan ogah emoh segan menolak gagal batal urung".split())
# Words between a negation and what it negates: "tidak pernah menciptakan".
_NEGATION_SKIP = frozenset({"pernah", "lagi"})
# A negation that negates nothing: "paling tidak" (at least), "tidak hanya" (not only),
# "tak lain" (none other), "belum lagi" (not to mention).
_NOT_NEGATING_BEFORE = frozenset({"paling"})
_NOT_NEGATING_AFTER = frozenset({"hanya", "cuma", "sekadar", "lain", "saja"})
# How many words after a negation the article's words count as negated:
# "tidak dilaporkan ada masalah" negates "masalah".
_NEGATION_REACH = 3
# What "tidak ada ... yang" negates: a noun phrase and its clause, in one sentence.
_NONE_REACH = 15
# A question word one or two letters away from an article word ("makro"/"mikro",
# "utara"/"utama") is a near miss only when both are long enough to be words, not codes.
_NEAR_MIN_LENGTH = 4
# "Berapa ...?" asks a count or an amount; "tahun berapa", "tanggal berapa" ask a date
# (`number_gap` and the ranking read those).
_HOW_MANY = re.compile(r"\b(se)?berapa(kah)?\b", re.I)
_WHAT_DATE = re.compile(r"\b(tahun|tanggal|abad|bulan|hari|pukul|jam)\s+(ke\s*-?\s*)?berapa", re.I)
# Words between "berapa" and the thing it counts: "berapa *jumlah* tentara", "berapa
# *kira-kira* penduduk".
_COUNT_OPENERS = frozenset(
    "jumlah banyak total keseluruhan seluruh kira-kira sekitar kurang lebih perkiraan rata-rata".split()
)
# How near a number the counted thing stands in the window ("*130 ribu* warga", "harimau
# sumatera yang tersisa hanya *400-500* ekor", "pengungsi saat ini mencapai sekitar *130 ribu*").
_COUNT_REACH = 6
_DIGIT = re.compile(r"\d")  # "22stasiun", "ke-59"
# A count written in words: "tiga belas", "dua puluh", "ratusan", "sepertiga", "keempat
# kitab" (all four books).
_NUMBER_WORD = re.compile(
    r"\b(ke)?(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|setengah|separuh"
    r"|sepertiga|seperempat|tunggal|ganda)\b|\b\w*(belas|puluh|ratus|ribu|juta|miliar|triliun)(an)?\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Signals:
    """What the abstention model reads of one question and its best candidate (all floats)."""

    coverage: float  # idf-weighted share of the question's content words in the sentence
    window_coverage: float  # ... in the sentence and its neighbours
    article_coverage: float  # ... anywhere in its article
    # Below, "content words" leave out the words that frame a question (`Lexicon.frame`).
    window_gap: float  # weight of the heaviest content word the window lacks, / the rarest idf
    article_gap: float  # ... that the whole article lacks
    article_missing: float  # how many content words the article lacks
    missing_known: float  # 1 when a content word the article lacks is used elsewhere in the corpus
    corpus_unknown: float  # share of the question's weight in words the corpus never uses
    near_miss: float  # 1 when a content word the article lacks is 1-2 letters from one it has
    antonym: float  # 1 when a content word the article lacks has its opposite in the article
    negation: float  # 1 when the question negates ("tidak", "bukan", "belum") and the window does not; 0 for a why-question
    # 1 when a word the question negates ("tidak *digunakan*") stands in the window, never
    # negated there ("digunakan"), and no opposite of it does ("tidak panas" over "dingin")
    negated_held: float
    # 1 when a word the question asks plainly stands in the window only negated
    # ("Planet apa yang memiliki satelit?" over "Merkurius *tidak* memiliki satelit");
    # never for a question that opens with "Apakah", which may ask yes or no
    negation_dropped: float
    # 1 when the question narrows what it asks with a qualifier ("yang *paling terpencil*",
    # "*menurut ahli*", `Lexicon.qualifiers`) whose word the article lacks
    qualifier: float
    # 1 when a content word the window lacks has its opposite in the window ("terakhir"
    # over a window that says "pertama", though the article may say "berakhir" elsewhere)
    window_opposite: float
    # 1 when the question asks one word of a closed set of relations (`Lexicon.relations`:
    # "ayah" of "ayah ibu anak istri ...", "utara" of "utara selatan ...") that the window
    # lacks while it holds another of the set the question does not ask ("ibu X")
    relation_swap: float
    # 1 when the article lacks the last word of a name of several words and writes the
    # word before it with another name after it ("Paul *Brunasli*" over "Paul Simon",
    # "Lapangan Udara *Harrison*" over "Lapangan Udara Henderson")
    name_part: float
    names_absent: float  # share of the question's names the whole article lacks
    # 1 when the question asks plainly about an undoing (`Lexicon.undoings`: "ditutup",
    # "dibubarkan", "dilarang") the article never mentions ("Kapan Google *ditutup*?" over
    # an article on its founding): what did not happen has no date, place or cause to quote.
    # Never for a yes/no question ("Apakah Rusia akan berhenti ...?"). Read by the model,
    # not alone: a passage of one sentence may imply what it does not name ("berlangsung
    # 22-26 Agustus" for "ditutup"), as FacQA's do.
    undoing: float
    # 1 when "berapa" asks a count or an amount (not "tahun berapa") and the window holds
    # no number in digits or words
    count_absent: float
    # 1 when "berapa" counts a thing ("Berapa jumlah *tentara* Rusia di Tartus?") and no
    # number in the window stands within a few words of it or before a counter word
    # (`Lexicon.counters`: "orang", "ekor"): the window counts something else ("*dua*
    # pangkalan"). Not for a measure (`Lexicon.measures`: "berapa lama", "berapa berat")
    # nor a date ("tahun berapa"). Also 1 when it asks an amount of money (`Lexicon.money`:
    # "Berapa *nilai* senjata ...?") and the window names no currency: "empat tahun" is
    # no price; or a day of a month ("Tanggal berapa ...?") and the window writes none:
    # "pada hari Rabu" is no date.
    count_unmatched: float
    number_gap: float  # 1 when a number of the question is in neither the window nor the article
    names: float  # how many things the question names (capitalised runs, numbers)
    names_missing: float  # share of them the window lacks
    margin: float  # log of the best score over the second's (0 when alone)
    log_score: float  # log of the best score
    units: float  # how many content words the question has

    @classmethod
    def names_(cls) -> tuple[str, ...]:
        return _SIGNAL_NAMES

    def vector(self) -> list[float]:
        return [getattr(self, name) for name in self.names_()]


# Read once: `dataclasses.fields` costs more than the model's sum (the engine asks every answer).
_SIGNAL_NAMES = tuple(f.name for f in fields(Signals))


@dataclass(frozen=True, slots=True)
class Abstention:
    """P(unanswerable) from `Signals`: declines when it reaches `threshold`, or when one
    of the `alone` signals (binary, precise on train by themselves) is set.

    The log-odds are `bias`, plus the logistic `weights`, plus the sum of `trees`
    (boosted trees over the signals, `retrieval.ranktrees`' shape) when it has them:
    trees can read one signal differently beside another (a missing word matters
    less when the window covers the rest), which a weighted sum cannot."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    alone: tuple[str, ...] = ()
    trees: RankTrees | None = None

    def probability(self, signals: Signals) -> float:
        z = self.bias + sum(w * getattr(signals, name) for name, w in zip(self.names, self.weights))
        if self.trees is not None:
            z += float(self.trees.evaluate(np.array([[getattr(signals, name) for name in self.trees.inputs]]))[0])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def declines(self, signals: Signals) -> bool:
        if any(getattr(signals, name) > 0 for name in self.alone):
            return True
        return self.probability(signals) >= self.threshold

    def to_json(self) -> str:
        data: dict[str, object] = {
            # One weight per signal, in raw units (not standardised): P = 1 / (1 + exp(-(bias + sum))).
            "weights": {name: round(w, 6) for name, w in zip(self.names, self.weights)},
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "alone": list(self.alone),
        }
        if self.trees is not None:
            # Leaves and thresholds unrounded: a rounded threshold would send a signal
            # that sits on it down the other side.
            data["trees"] = {"inputs": list(self.trees.inputs), "trees": list(self.trees.trees)}
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "abstention model") -> Abstention:
        data = json.loads(text)
        try:
            names = tuple(str(n) for n in data["weights"])
            weights = tuple(float(w) for w in data["weights"].values())
            alone = tuple(str(n) for n in data.get("alone", ()))
            bias, threshold = float(data["bias"]), float(data["threshold"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{source}: needs weights (signal: number), bias and threshold ({exc!r})") from exc
        trees = None
        if "trees" in data:
            given = data["trees"]
            if not isinstance(given, dict):
                raise ValueError(f'{source}: "trees" must be an object with "inputs" and "trees"')
            try:
                trees = RankTrees.of(given.get("inputs"), given.get("trees"))
            except ModelError as exc:
                raise ValueError(f"{source}: trees: {exc}") from None
        read = set(names) | set(alone) | set(trees.inputs if trees is not None else ())
        unknown = read - set(Signals.names_())
        if unknown or len(names) != len(weights):
            raise ValueError(f"{source}: unknown signals {sorted(unknown)} or names/weights of different lengths")
        return cls(names, weights, bias, threshold, alone, trees)


@lru_cache(maxsize=1)
def bundled() -> Abstention | None:
    """The shipped model (`abstention.json`), or None when the file is absent."""
    if not _BUNDLED.is_file():
        return None
    return Abstention.from_json(_BUNDLED.read_text(encoding="utf-8"), source=str(_BUNDLED))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Plain-text word lists the signals read (`corpus/lang/abstention/`), as analyzer terms."""

    frame: frozenset[str] = frozenset()  # terms of words that frame a question
    # (terms of a word asked about, terms of an opposite that, held instead, means the article does not say it)
    opposites: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    qualifiers: tuple[tuple[str, ...], ...] = ()  # words that open a qualifier, folded, as written
    # Closed sets of words that name one relation among several (kin, order, direction):
    # the terms of each word of a set
    relations: tuple[tuple[frozenset[str], ...], ...] = ()
    undoings: tuple[frozenset[str], ...] = ()  # terms of each word naming an end or undoing
    # Honorifics and ranks before a name ("jenderal", "sir", "syekh"), folded as written:
    # the coverage floor leaves them out (`Tuning.floor_honorifics`)
    honorifics: frozenset[str] = frozenset()
    # Words that, after "berapa", ask a measure rather than a count of things ("lama",
    # "berat", "persen"), and counter words that, after a number, count whatever is asked
    # ("orang", "ekor", "buah"): folded, as written
    measures: frozenset[str] = frozenset()
    counters: frozenset[str] = frozenset()
    # Terms of nouns for people ("korban", "pengungsi"): a counter word among them counts
    # people only (`persons.txt`), and those of people of any kind, which a people count
    # counts without the window naming them ("korban", "warga"; its `any:` lines)
    persons: frozenset[str] = frozenset()
    persons_any: frozenset[str] = frozenset()
    # Terms of words that name the same people, a group a `same:` line of `persons.txt`
    # ("warga penduduk rakyat masyarakat": a place's people), counted as one thing
    same_people: tuple[frozenset[str], ...] = ()
    # Words that, after "berapa" (or beside an English "how much"), ask an amount of money
    # ("nilai", "biaya", "worth"), folded as written, and the currencies that write one
    # ("rp", "dolar", "$"), as one pattern (None: no file, no money read)
    money: frozenset[str] = frozenset()
    currency: re.Pattern[str] | None = None
    # Verbs of saying, folded as written (`retrieval/speakers.py`): those the speaker
    # stands before ("Lavrov mengatakan") and (`after:` lines) after ("kata Lavrov")
    speech: frozenset[str] = frozenset()
    speech_verb_first: frozenset[str] = frozenset()

    def undoes(self, terms: frozenset[str]) -> bool:
        """Whether a word of `terms` is one of `undoing.txt`'s."""
        return any(not word.isdisjoint(terms) for word in self.undoings)

    @classmethod
    def read(cls, directory: Path, terms: Callable[[str], list[str]]) -> Lexicon:
        """`frame.txt` (a word a line), `antonyms.txt` and `swaps.txt` (`asked: held ...` a line),
        `qualifiers.txt` (a word or phrase a line), `relations.txt` (a set of words a line,
        `a/b` for one relation in several words), `undoing.txt`, `honorifics.txt`, `measures.txt`,
        `counters.txt` (a word a line), `persons.txt`, `money.txt`, `currencies.txt` and
        `speech.txt` (words, several a line)
        under `directory`, each word but the qualifiers' turned into terms by `terms` (the
        engine's analyzer); absent files are empty."""
        frame: set[str] = set()
        opposites: list[tuple[frozenset[str], frozenset[str]]] = []
        for _number, line in _lines(directory / "frame.txt"):
            frame.update(terms(line))
        for name in ("antonyms.txt", "swaps.txt"):
            for number, line in _lines(directory / name):
                asked, colon, held = line.partition(":")
                if not colon or not asked.strip() or not held.split():
                    raise ValueError(f"{directory / name}:{number}: expected `asked: held ...`, got {line!r}")
                word = frozenset(terms(asked.strip()))
                if not word:
                    continue  # a word the analyzer drops (a stop word) is never asked about
                opposites += [(word, other) for held_word in held.split() if (other := frozenset(terms(held_word)))]
        qualifiers = tuple(tuple(line.casefold().split()) for _number, line in _lines(directory / "qualifiers.txt"))
        relations: list[tuple[frozenset[str], ...]] = []
        for number, line in _lines(directory / "relations.txt"):
            # "meninggal/wafat": one relation in several words.
            members = tuple(dict.fromkeys(
                t for member in line.split() if (t := frozenset(x for word in member.split("/") for x in _specific(terms(word))))
            ))
            if len(members) < 2:
                raise ValueError(f"{directory / 'relations.txt'}:{number}: expected two or more words, got {line!r}")
            relations.append(members)
        undoings = tuple(dict.fromkeys(
            t for _number, line in _lines(directory / "undoing.txt") if (t := _undoing_terms(line, terms))
        ))
        honorifics, measures, counters = (
            frozenset(word.casefold() for _number, line in _lines(directory / name) for word in line.split())
            for name in ("honorifics.txt", "measures.txt", "counters.txt")
        )
        plain_persons, any_persons = _marked(directory / "persons.txt", "any:")
        plain_persons, same_lines = _split(plain_persons, "same:")
        persons_any = frozenset(t for line in any_persons for t in terms(line))
        persons = persons_any | frozenset(t for line in plain_persons for t in terms(line))
        same_people = tuple(frozenset(t for word in line.split() for t in terms(word)) for line in same_lines)
        money = frozenset(word.casefold() for _number, line in _lines(directory / "money.txt") for word in line.split())
        speech, speech_verb_first = (
            frozenset(word.casefold() for line in lines for word in line.split())
            for lines in _marked(directory / "speech.txt", "after:")
        )
        currencies = [word.casefold() for _number, line in _lines(directory / "currencies.txt") for word in line.split()]
        currency = (
            # Whole, but touching a number: "Rp100.000", "US$3", "€20".
            re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, sorted(currencies, key=len, reverse=True)))
                       + r")(?![^\W\d_])", re.I)
            if currencies else None
        )
        return cls(
            frozenset(frame), tuple(opposites), qualifiers, tuple(relations), undoings, honorifics, measures, counters,
            persons, persons_any, same_people, money, currency, speech, speech_verb_first,
        )


def _undoing_terms(line: str, terms: Callable[[str], list[str]]) -> frozenset[str]:
    """The terms of an `undoing.txt` word: its group's (`_specific`), or with a leading `=`
    its own stem only: `=tewas` (killed) is asked, not `meninggal` (died) of its group,
    which an encyclopedia gives by dates."""
    if line.startswith("="):
        return frozenset(t for t in terms(line[1:]) if not t.startswith("~"))
    return frozenset(_specific(terms(line)))


def _specific(terms: list[str]) -> list[str]:
    """A word's concept terms when it has any: "meninggal" is `~korban_tewas`, not its
    stem `tinggal`, which "meninggalkan" (to leave) shares."""
    return [t for t in terms if t.startswith("~")] or terms


def _lines(path: Path) -> list[tuple[int, str]]:
    return numbered_data_lines(path) if path.is_file() else []


def _marked(path: Path, mark: str) -> tuple[list[str], list[str]]:
    """The lines of `path` without `mark` before them, and those with it (`mark` cut off)."""
    return _split([line for _number, line in _lines(path)], mark)


def _split(lines: Iterable[str], mark: str) -> tuple[list[str], list[str]]:
    """`lines` without `mark` before them, and those with it (`mark` cut off)."""
    plain: list[str] = []
    marked: list[str] = []
    for line in lines:
        (marked if line.startswith(mark) else plain).append(line.removeprefix(mark))
    return plain, marked


def measure(
    *,
    question: str,
    units: list[Unit],
    names: tuple[tuple[str, tuple[frozenset[str], ...]], ...],
    own: frozenset[str],
    window: frozenset[str],
    article: frozenset[str],
    window_text: str,
    article_text: str,
    scores: tuple[float, ...],
    known: Callable[[str], bool],
    rarest_idf: float,
    lexicon: Lexicon = Lexicon(),
    question_words: Sequence[tuple[str, tuple[str, ...]]] = (),
    window_words: Callable[[], Sequence[tuple[str, tuple[str, ...]]]] = tuple,
) -> Signals:
    """The `Signals` of the best candidate (`own` terms; `window` with its neighbours;
    `article` of its article; `scores` the ranking scores of the best and the next;
    `question_words` the question's surface words and their terms, `window_words` gives
    `window_text`'s (`Analyzer.word_terms`), asked only when a negation may need them)."""
    total = sum(u.weight for u in units) or 1.0

    def share(terms: frozenset[str]) -> float:
        return sum(u.weight for u in units if not u.terms.isdisjoint(terms)) / total

    content = [u for u in units if u.terms.isdisjoint(lexicon.frame)]
    lacking_window = [u for u in content if u.terms.isdisjoint(window)]
    lacking_article = [u for u in content if u.terms.isdisjoint(article)]
    unknown = sum(u.weight for u in units if not any(known(t) for t in u.terms))
    near = any(_near_any(u.terms, article) for u in lacking_article)
    tag = _YES_NO_TAG.search(question) or _YES_NO_MID_TAG.search(question)
    lead = _YES_NO_LEAD.match(question)
    negated = bool(_NEGATION.search(question[lead.end() if lead else 0 : tag.start() if tag else len(question)]))
    yes_no = tag is not None or lead is not None or asks_yes_no(question)
    if lead:
        question_words = question_words[len(re.findall(r"\w+", lead.group())) :]
    # "tidak berdarah panas" over "berdarah dingin" restates the article: a negated opposite is no change.
    opposite = not negated and _opposite_held(lacking_article, lexicon.opposites, article)
    # "Mengapa AS tidak mau menyerang al-Nusra?" asks the reason, which its answer gives
    # without saying the negation again ("keinginan Washington untuk melindungi al-Nusra").
    negation = negated and not asks_reason(question) and not _NEGATION.search(window_text)
    held = dropped = False
    analysed: list[Sequence[tuple[str, tuple[str, ...]]]] = []

    def window_analysed() -> Sequence[tuple[str, tuple[str, ...]]]:
        if not analysed:
            analysed.append(window_words())
        return analysed[0]

    if negated and (asked := _negated(question_words)):
        held = _held_plain(asked, window_analysed(), lexicon.opposites)
    # Analysing the window costs ~0.5 ms, mostly words seen the first time; most windows
    # hold no word the question asks right after their negation, seen from the words alone.
    if _HELD_NEGATION.search(window_text) and not yes_no and _may_drop(question_words, window_text):
        dropped = _dropped(question_words, window_analysed())
    # An article that qualifies the same way ("paling berkuasa" for "paling kuat") may say it in other words.
    qualifier = any(
        article.isdisjoint(terms) and not _opener_pattern(opener).search(article_text)
        for opener, terms in _qualified(question_words, lexicon.qualifiers)
    )
    undoing = (
        not negated
        and not (tag or lead or asks_yes_no_in_clause(question))
        and any(lexicon.undoes(u.terms) for u in lacking_article)
    )
    window_opposite = not negated and _opposite_held(lacking_window, lexicon.opposites, window)
    asked_terms = frozenset().union(*(u.terms for u in content)) if content else frozenset()
    relation = any(
        not member.isdisjoint(asked_terms)
        and member.isdisjoint(window)
        and any(other is not member and asked_terms.isdisjoint(other) and not window.isdisjoint(other) for other in group)
        for group in lexicon.relations
        for member in group
    )
    name_part = any(_other_last_word(name, needed, article, article_text) for name, needed in names)
    names_absent = sum(all(article.isdisjoint(t) for t in needed) for _name, needed in names)
    count_absent = (
        bool(_HOW_MANY.search(question))
        and not _WHAT_DATE.search(question)
        and not (_NUMBER.search(window_text) or _NUMBER_WORD.search(window_text))
    )
    counted_at = _counted_at(question, question_words, lexicon.measures, lexicon.counters)
    count_unmatched = (
        counted_at is not None
        and not _counts(
            _as_one(_counted(counted_at, question_words, window_analysed()), lexicon.same_people), window_analysed(),
            lexicon.counters, lexicon.persons, lexicon.persons_any, lexicon.measures, _places(question_words),
        )
    ) or (
        lexicon.currency is not None
        and money_asked(question, question_words, lexicon.money) is not None
        and lexicon.currency.search(window_text) is None
    ) or (asks_day(question) and not gives_day(window_text))
    numbers = set(_NUMBER.findall(question))
    # The article's numbers (a scan of its whole text) matter only to a question that has some.
    # The window's terms hold the article's date for a question that names a year: a story
    # of August 2015 rarely writes "2015" ("... menurut laporan tahun 2015?").
    given = (
        set(_NUMBER.findall(window_text)) | set(_NUMBER.findall(article_text)) | {t for t in window if t.isdigit()}
        if numbers
        else set()
    )
    missing_names = [n for n, needed in names if all(window.isdisjoint(t) for t in needed)]
    best = scores[0] if scores else 0.0
    second = scores[1] if len(scores) > 1 else 0.0
    return Signals(
        coverage=share(own),
        window_coverage=share(window),
        article_coverage=share(article),
        window_gap=max((u.weight for u in lacking_window), default=0.0) / rarest_idf,
        article_gap=max((u.weight for u in lacking_article), default=0.0) / rarest_idf,
        article_missing=float(len(lacking_article)),
        missing_known=float(any(any(known(t) for t in u.terms) for u in lacking_article)),
        corpus_unknown=unknown / total,
        near_miss=float(near),
        antonym=float(opposite),
        negation=float(negation),
        negated_held=float(held),
        negation_dropped=float(dropped),
        qualifier=float(qualifier),
        window_opposite=float(window_opposite),
        relation_swap=float(relation),
        name_part=float(name_part),
        names_absent=names_absent / len(names) if names else 0.0,
        undoing=float(undoing),
        count_absent=float(count_absent),
        count_unmatched=float(count_unmatched),
        number_gap=float(bool(numbers - given)),
        names=float(len(names)),
        names_missing=len(missing_names) / len(names) if names else 0.0,
        margin=math.log(best / second) if best > 0 and second > 0 else 0.0,
        log_score=math.log(best) if best > 0 else 0.0,
        units=float(len(units)),
    )


def counted_word(question: str, words: Sequence[tuple[str, tuple[str, ...]]], lexicon: Lexicon) -> str | None:
    """The word naming what "berapa" counts, as written ("Berapa jumlah *tentara* ...?"),
    or None when the question counts nothing (`count_unmatched` reads the same word)."""
    at = _counted_at(question, words, lexicon.measures, lexicon.counters)
    return None if at is None else words[at][0]


def _counted(
    at: int, words: Sequence[tuple[str, tuple[str, ...]]], window: Sequence[tuple[str, tuple[str, ...]]]
) -> frozenset[str]:
    """The terms of the thing "berapa" counts, the word at `at` (`_counted_at`). A thing
    named in two words may be counted by its second ("jumlah karakter *huruf*" over "26
    huruf"); a name after it is no part of it ("tentara Rusia"), nor one chat writes in
    lower case ("tentara rusia") that the window writes as a name."""
    after = words[at + 1] if at + 1 < len(words) else ("", ())
    written = [word for word, terms in window if not set(terms).isdisjoint(after[1])]
    if not after[0].islower() or (written and all(word[:1].isupper() for word in written)):
        return frozenset(words[at][1])
    return frozenset(words[at][1]) | frozenset(after[1])


def _counted_at(
    question: str, words: Sequence[tuple[str, tuple[str, ...]]], measures: frozenset[str], counters: frozenset[str]
) -> int | None:
    """Where in `words` the thing "berapa" counts stands ("Berapa jumlah *tentara* ...?",
    past `_COUNT_OPENERS` and counter words), or None for no count: no "berapa", a date
    ("tahun berapa"), a measure ("berapa lama"), or nothing named after it ("berapa yang ...")."""
    if _HOW_MANY_EN.search(question):
        return _counted_in_english(words, measures)
    if not _HOW_MANY.search(question) or _WHAT_DATE.search(question):
        return None
    # "banyakkah", "orangkah": the -kah of a question word's neighbour asks, it names nothing.
    folded = [word.casefold().removesuffix("kah") for word, _terms in words]
    # "berapa *jumlah* tentara", "berapa *orang* warga"
    found = _past_how_many(words, folded, _COUNT_OPENERS | counters)
    if found is None:
        return None
    i, j = found
    if i > 0 and folded[i - 1] in measures:
        return None  # "umur berapa", "pukul berapa"
    if j == len(words) or folded[j] in measures or not words[j][1]:
        return None
    return j


def _past_how_many(
    words: Sequence[tuple[str, tuple[str, ...]]], folded: Sequence[str], skipped: frozenset[str]
) -> tuple[int, int] | None:
    """Where the question's first "berapa" stands in `words`, and the first word after it
    that is not one of `skipped` (`folded` is `words` folded); None without a "berapa"."""
    for i, (word, _terms) in enumerate(words):
        if _HOW_MANY.fullmatch(word):
            j = i + 1
            while j < len(words) and folded[j] in skipped:
                j += 1
            return i, j
    return None


_HOW_MANY_EN = re.compile(r"\bhow\s+many\b", re.I)


def _counted_in_english(words: Sequence[tuple[str, tuple[str, ...]]], measures: frozenset[str]) -> int | None:
    """`_counted_at` of an English "How many ...?": the noun, past the names and stop words
    English puts before it ("How many *Russian* soldiers", "How many of the fighters"); None
    for a measure, read by the word's Indonesian terms ("How many *years*" is "tahun")."""
    folded = [word.casefold() for word, _terms in words]
    for i in range(1, len(words)):
        if folded[i] == "many" and folded[i - 1] == "how":
            j = i + 1
            # Past the words that qualify it ("How many *Russian* soldiers"), not a name that is
            # itself the thing counted ("How many *Syrians* had been ...").
            while j < len(words) and (
                not words[j][1] or (words[j][0][:1].isupper() and j + 1 < len(words) and words[j + 1][1])
            ):
                j += 1
            if j == len(words) or not measures.isdisjoint(words[j][1]) or folded[j] in measures:
                return None
            return j
    return None


# "Berapa nilai *ujian* ...?" asks a grade, not money.
_GRADED = frozenset("ujian rapor raport ipk skor rata-rata akhir".split())
_HOW_MUCH = re.compile(r"\bhow\s+much\b", re.I)
# Words between "berapa" and the money it asks: "berapa *besar* biaya", "berapa *jumlah* dana".
_MONEY_OPENERS = _COUNT_OPENERS | {"besar", "besarnya"}


def money_asked(question: str, words: Sequence[tuple[str, tuple[str, ...]]], money: frozenset[str]) -> str | None:
    """What the question asks the amount of money of, as written ("Berapa *nilai senjata*
    ...?", "How much ... *worth*?"), or None when it asks none: a word of `money` right
    after "berapa" (past "jumlah", "besar", "total"; with the word after it), or anywhere
    beside an English "how much"."""
    if not money:
        return None
    folded = [word.casefold().removesuffix("kah") for word, _terms in words]
    if _HOW_MUCH.search(question):
        return next((words[i][0] for i, word in enumerate(folded) if word in money), None)
    if not _HOW_MANY.search(question) or (found := _past_how_many(words, folded, _MONEY_OPENERS)) is None:
        return None
    j = found[1]
    if j == len(folded) or folded[j] not in money:
        return None
    if j + 1 == len(folded) or not words[j + 1][1]:
        return words[j][0]
    return None if folded[j + 1] in _GRADED else f"{words[j][0]} {words[j + 1][0]}"


def _counts(
    counted: frozenset[str],
    words: Sequence[tuple[str, tuple[str, ...]]],
    counters: frozenset[str],
    persons: frozenset[str],
    persons_any: frozenset[str],
    measures: frozenset[str],
    places: frozenset[str],
) -> bool:
    """Whether a number in `words` counts `counted`: the thing stands within `_COUNT_REACH`
    words of it, or a counter word follows it ("13 *orang*"). A counter word for people
    ("orang", `persons`) counts a thing the window names elsewhere only when that thing is
    people: "250.000 orang tewas" is no count of the "senjata" the window says were supplied;
    and people of a kind the window never names only when they are people of any kind
    (`persons_any`: "korban", "warga"). A date or a measure (`_measuring`: "dua *hari*") counts
    nothing, nor does a number of the place the question names (`_counts_other`)."""
    numbers = [
        i
        for i, (word, _terms) in enumerate(words)
        if (_DIGIT.search(word) or _NUMBER_WORD.fullmatch(word)) and not _measuring(i, words, counted, measures)
    ]
    if not numbers:
        return False
    near = [i for i, (_word, terms) in enumerate(words) if not counted.isdisjoint(terms)]
    if any(abs(i - n) <= _COUNT_REACH and not _counts_other(n, words, places - counted) for n in numbers for i in near):
        return True
    if not near and (counted & persons) - persons_any:
        # People of a kind the window never names ("Berapa *tentara* Rusia yang tewas?"):
        # "250.000 orang tewas" counts people, not them. A word read several ways (an
        # English "members": "anggota", "warga") asks the kind when one reading is one.
        return False
    things = bool(near) and counted.isdisjoint(persons)
    return any(
        words[k][0].casefold() in counters and not (things and not persons.isdisjoint(words[k][1]))
        for n in numbers
        for k in range(n + 1, min(n + 3, len(words)))
    )


def _as_one(counted: frozenset[str], groups: tuple[frozenset[str], ...]) -> frozenset[str]:
    """`counted` with the terms of every group of `groups` it shares one with: "Berapa
    *penduduk* ...?" is counted by "200 ribu lebih *warga*"."""
    return counted.union(*(group for group in groups if not counted.isdisjoint(group)))


def _counts_other(n: int, words: Sequence[tuple[str, tuple[str, ...]]], places: frozenset[str]) -> bool:
    """Whether the number at `n` counts, right after it, the place the question puts the
    thing it counts in (`places`): "*dua pangkalan* militernya" counts the bases of "Berapa
    personel militer Rusia di pangkalan Tartus?", not its soldiers."""
    k = n + 1
    while k < len(words) and (_DIGIT.search(words[k][0]) or _NUMBER_WORD.fullmatch(words[k][0])):
        k += 1
    return k < len(words) and not places.isdisjoint(words[k][1])


_PLACE_PREPOSITIONS = frozenset("di at in".split())


def _places(words: Sequence[tuple[str, tuple[str, ...]]]) -> frozenset[str]:
    """The terms of the words a question puts after a preposition of place ("di *pangkalan* Tartus")."""
    return frozenset(
        t
        for (before, _before_terms), (_word, terms) in zip(words, words[1:])
        if before.casefold() in _PLACE_PREPOSITIONS
        for t in terms
    )


# Words a date or a label stands after: "*tahun* 2015", "*pukul* 10", "*nomor* 7".
_NUMBERED_BY = frozenset("tahun tanggal pukul jam abad nomor kode angka".split())


def _measuring(
    i: int, words: Sequence[tuple[str, tuple[str, ...]]], counted: frozenset[str], measures: frozenset[str]
) -> bool:
    """Whether the number at `i` is a date or a measure rather than a count: "dua *hari*
    sebelumnya", "*tahun* 2015", "(12/12)" count no fighters, unless the question counts
    the measure itself ("Berapa hari ...?")."""
    if "/" in words[i][0]:
        return True
    after = words[i + 1] if i + 1 < len(words) else ("", ())
    before = words[i - 1][0].casefold() if i > 0 else ""
    return (after[0].casefold() in measures and counted.isdisjoint(after[1])) or (
        before in _NUMBERED_BY and before not in counted
    )


def _opposite_held(
    lacking: list[Unit], opposites: tuple[tuple[frozenset[str], frozenset[str]], ...], present: frozenset[str]
) -> bool:
    """Whether one of `lacking` shares a term with an asked word of `opposites` whose opposite
    `present` holds: `any(not u.terms.isdisjoint(word) and not present.isdisjoint(other) for u
    in lacking for word, other in opposites)`, looked up by term instead of every pair tried."""
    if not lacking:
        return False
    by_term = _opposites_by_term(opposites)
    return any(not present.isdisjoint(other) for u in lacking for t in u.terms for other in by_term.get(t, ()))


@lru_cache(maxsize=8)
def _opposites_by_term(
    opposites: tuple[tuple[frozenset[str], frozenset[str]], ...]
) -> dict[str, tuple[frozenset[str], ...]]:
    """For each term of an asked word of `opposites`, the opposites of the words it is a term of."""
    found: dict[str, list[frozenset[str]]] = {}
    for word, other in opposites:
        for term in word:
            found.setdefault(term, []).append(other)
    return {term: tuple(others) for term, others in found.items()}


def _other_last_word(name: str, needed: tuple[frozenset[str], ...], article: frozenset[str], text: str) -> bool:
    """Whether the article lacks the last word of a name of several words and writes the
    word before it followed by another capitalised word, not a spelling of it: "Paul
    *Brunasli*" over "Paul Simon", not "Salim *Kancil*" over an article that says "Salim"."""
    words = name.split()
    if len(words) < 2 or len(needed) < 2 or not article.isdisjoint(needed[-1]):
        return False
    last, before = words[-1], words[-2]
    for match in _followed_pattern(before).finditer(text):
        other = match.group(1)
        if other.casefold() != last.casefold() and not within(other.casefold(), last.casefold(), 2):
            return True
    return False


@lru_cache(maxsize=256)
def _followed_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"\s+([A-Z][\w'-]*)")


def _qualified(
    words: Sequence[tuple[str, tuple[str, ...]]], openers: tuple[tuple[str, ...], ...]
) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    """Each qualifier opener of `openers` in `words` and the terms of the word it leads to:
    the first word with terms after it ("paling *terpencil*", "pada abad *pertengahan*")."""
    out: list[tuple[tuple[str, ...], frozenset[str]]] = []
    if not openers:
        return out
    firsts = {opener[0] for opener in openers}
    folded = [word.casefold() for word, _terms in words]
    for i, word in enumerate(folded):
        if word not in firsts:
            continue
        for opener in openers:
            end = i + len(opener)
            if opener[0] == word and tuple(folded[i:end]) == opener:
                after = next((terms for _word, terms in words[end:] if terms), ())
                if after:
                    out.append((opener, frozenset(after)))
    return out


@lru_cache(maxsize=64)
def _opener_pattern(opener: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, opener)) + r"(?!\w)", re.I)


def _negated(words: Sequence[tuple[str, tuple[str, ...]]]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Each word the question negates: the word right after "tidak", "bukan"... (past
    "pernah", "lagi"), when it is a content word ("tidak *mau* ..." negates no content),
    with the terms of it and the word after it (what "tidak berdarah *panas*" negates too)."""
    out: list[tuple[frozenset[str], frozenset[str]]] = []
    after = False
    for i, (word, terms) in enumerate(words):
        folded = word.casefold()
        if folded in _NEGATORS:
            after = not _describes(words, i)
        elif after and folded in _NEGATION_SKIP:
            continue
        else:
            if after and terms:
                following = words[i + 1][1] if i + 1 < len(words) else ()
                out.append((frozenset(terms), frozenset(terms) | frozenset(following)))
            after = False
    return out


# A verb form: what a question asks of the thing a clause before it describes.
_VERB_FORM = re.compile(r"(?:di|me|ter|ber)[a-z]{4,}")


def _describes(words: Sequence[tuple[str, tuple[str, ...]]], i: int) -> bool:
    """Whether the negation at `i` stands in a clause that only describes a thing the
    question asks something else of: "Kapan kesepakatan gencatan senjata *yang tidak
    dijalankan* Obama itu *dicapai*?" asks when the agreement was reached, not of what
    was not done. A noun, then "yang", then the negation, then a verb beyond the one it
    negates; "Apa nama gunung yang tidak berada di Malang?" asks the clause itself."""
    if i < 2 or words[i - 1][0].casefold() != "yang" or not words[i - 2][1]:
        return False
    return sum(bool(_VERB_FORM.fullmatch(word)) for word, _terms in words[i + 1 :]) >= 2


def _dropped(question: Sequence[tuple[str, tuple[str, ...]]], window: Sequence[tuple[str, tuple[str, ...]]]) -> bool:
    """Whether a content word the question does not negate stands in `window`, as written,
    right after a negation and nowhere else in any form ("tidak dapat *diukur*", "tidak ada *informasi*": one
    word between at most, past "pernah", "lagi"). "non" and "kurang" are left out here:
    "non profit" and "kurang dari" are no negation of what the question asks."""
    asked = [(word.casefold(), frozenset(terms)) for word, terms in _plain_words(question) if terms]
    if not asked:
        return False
    first: set[str] = set()  # as written: the question copies the phrase, less its negation
    elsewhere: set[str] = set()
    gap = -1  # words left between a negation and the word it negates (-1: none pending)
    for i, (word, terms) in enumerate(window):
        folded = word.casefold()
        if folded in _DROPPED_NEGATORS and _negates(window, i):
            gap = 1
            continue
        if not terms:
            if gap >= 0 and folded not in _NEGATION_SKIP:
                gap -= 1
            continue
        if gap >= 0:
            first.add(folded)
        else:
            elsewhere.update(terms)
        gap = -1
    return any(word in first and terms.isdisjoint(elsewhere) for word, terms in asked)


def _may_drop(question: Sequence[tuple[str, tuple[str, ...]]], window_text: str) -> bool:
    """False only when `_dropped(question, <window_text's word_terms>)` is False, read from the
    surface words alone: `_dropped` finds a word only where it follows a negation with at most
    one other word between (past "pernah", "lagi"), and only a word the question asks plainly.
    Here every word may have terms and every negation negates, so this finds a superset."""
    asked = {word.casefold() for word, terms in _plain_words(question) if terms}
    if not asked:
        return False
    words = [word.casefold() for word in Analyzer.words(window_text)]
    for i, word in enumerate(words):
        if word not in _DROPPED_NEGATORS:
            continue
        between = 0
        for later in words[i + 1 :]:
            if later in asked:
                return True
            if later not in _NEGATION_SKIP:
                between += 1
                if between > 1:
                    break
    return False


def _plain_words(words: Sequence[tuple[str, tuple[str, ...]]]) -> list[tuple[str, tuple[str, ...]]]:
    """The words no negation governs, with their terms.

    Not quite `_negated`'s complement: here a negation reaches past words without
    terms ("tidak mau *pergi*": `pergi` is left out), where `_negated` reads "tidak
    mau" as negating no content, so such a word is in neither list. Both sides are
    the cautious reading for the signal that uses them (`_dropped`, `negated_held`
    decline an answer), so the two walks stay separate.
    """
    out: list[tuple[str, tuple[str, ...]]] = []
    after = False
    for word, terms in words:
        folded = word.casefold()
        if folded in _NEGATORS:
            after = True
        elif folded in _UNWILLING:
            out.append((word, terms))
            after = True
        elif after and folded in _NEGATION_SKIP:
            continue
        else:
            if not after:
                out.append((word, terms))
            after = after and not terms
    return out


def _negates(words: Sequence[tuple[str, tuple[str, ...]]], i: int) -> bool:
    """Whether the negation at `i` negates what follows (not "paling tidak", "tidak hanya", "belum lagi")."""
    before = words[i - 1][0].casefold() if i > 0 else ""
    after = words[i + 1][0].casefold() if i + 1 < len(words) else ""
    if before in _NOT_NEGATING_BEFORE or after in _NOT_NEGATING_AFTER:
        return False
    return not (words[i][0].casefold() == "belum" and after == "lagi")


def _held_plain(
    asked: list[tuple[frozenset[str], frozenset[str]]],
    words: Sequence[tuple[str, tuple[str, ...]]],
    opposites: tuple[tuple[frozenset[str], frozenset[str]], ...],
) -> bool:
    """Whether one of the `asked` (negated) words stands in `words` and never within
    `_NEGATION_REACH` words after a negation, while no opposite of it is in `words`."""
    plain: set[str] = set()
    negated: set[str] = set()
    reach = 0
    for i, (word, terms) in enumerate(words):
        folded = word.casefold()
        if folded in _HELD_NEGATORS:
            # "tak ada seorang pun di Irak ... yang meminta": nobody asked. "tidak ada" negates
            # its noun and the clause that says what of it, not only the next words.
            there_is_none = i + 1 < len(words) and words[i + 1][0].casefold() == "ada"
            reach = _NONE_REACH if there_is_none else _NEGATION_REACH
            continue
        if reach and folded in _NEGATION_SKIP:
            continue
        (negated if reach else plain).update(terms)
        reach = max(0, reach - 1)
    present = plain | negated
    for terms, phrase in asked:
        if terms.isdisjoint(plain) or not terms.isdisjoint(negated):
            continue
        # "tidak berdarah panas" over "berdarah dingin" says what the window says.
        other: set[str] = set()
        for a, b in opposites:
            if not a.isdisjoint(phrase):
                other |= b
            if not b.isdisjoint(phrase):
                other |= a
        if other.isdisjoint(present):
            return True
    return False


def _near_any(terms: Iterable[str], vocabulary: frozenset[str]) -> bool:
    for term in terms:
        if term.startswith("~") or len(term) < _NEAR_MIN_LENGTH or not term.isalpha():
            continue
        # `within`'s first test, its three pieces cut once a term instead of once a pair
        # (an article's vocabulary is hundreds of words; most fail it).
        first, second, third = _pieces(term, 2)
        low, high = max(len(term) - 2, _NEAR_MIN_LENGTH), len(term) + 2
        masks = _letter_masks(term)  # `within`'s distance, its table of the term made once
        by_length = _by_length(vocabulary)
        for length in range(low, high + 1):
            for other in by_length.get(length, ()):
                if (first in other or second in other or third in other) and other != term:
                    if _distance(masks, len(term), other) <= 2:
                        return True
    return False


@lru_cache(maxsize=64)
def _by_length(vocabulary: frozenset[str]) -> dict[int, tuple[str, ...]]:
    """An article's terms by length: `_near_any` reads only the few lengths within two of
    a term's. Cached by the vocabulary's contents: the engine hands an equal set (a new one,
    with the article's date terms added) for each question its best sentence answers."""
    out: dict[int, list[str]] = {}
    for term in vocabulary:
        out.setdefault(len(term), []).append(term)
    return {length: tuple(terms) for length, terms in out.items()}


def _pieces(word: str, limit: int) -> tuple[str, ...]:
    """`word` cut into `limit + 1` pieces of near-equal length, in order."""
    n, parts = len(word), limit + 1
    return tuple(word[i * n // parts : (i + 1) * n // parts] for i in range(parts))


def within(a: str, b: str, limit: int) -> bool:
    """Whether the Levenshtein distance of `a` and `b` is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    # `limit` edits leave one of `a`'s limit + 1 pieces whole, so it is in `b`. Most
    # pairs of unrelated words fail this test, which costs far less than the table.
    if len(a) > limit and not any(piece in b for piece in _pieces(a, limit)):
        return False
    return _distance(_letter_masks(a), len(a), b) <= limit


def _letter_masks(word: str) -> dict[str, int]:
    """Bit i set in the mask of letter c where `word[i] == c`."""
    masks: dict[str, int] = {}
    for i, c in enumerate(word):
        masks[c] = masks.get(c, 0) | (1 << i)
    return masks


def _distance(masks: dict[str, int], m: int, b: str) -> int:
    """The Levenshtein distance of the word of length `m` with `_letter_masks` `masks` and `b`:
    Myers' bit-vector algorithm (Hyyrö's form), a column of the table in a few integer
    operations per letter of `b` instead of a Python loop over its cells."""
    if m == 0:
        return len(b)
    full = (1 << m) - 1
    last = 1 << (m - 1)
    up, down, score = full, 0, m  # the column's +1 and -1 steps, and its last cell
    for c in b:
        eq = masks.get(c, 0)
        xv = eq | down
        xh = (((eq & up) + up) ^ up) | eq
        right = down | (~(xh | up) & full)
        left = up & xh
        if right & last:
            score += 1
        elif left & last:
            score -= 1
        # The top row is 0, 1, 2, ...: a +1 step enters from above.
        right = ((right << 1) | 1) & full
        left = (left << 1) & full
        up = left | (~(xv | right) & full)
        down = right & xv
    return score
