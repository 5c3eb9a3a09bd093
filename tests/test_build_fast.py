"""The build's fast paths give what the plain ones give: term-id encoding, boilerplate test, worker processes."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import signal
import re
import threading
import unicodedata
from collections.abc import Sequence
from itertools import accumulate, chain, repeat

import numpy as np
import pytest

import retrieval.build as build
import retrieval.encoder as encoder
import retrieval.sentences as sentences
import retrieval.text as text
from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
from retrieval.acronyms import ArticleAcronyms
from retrieval.build import Built, build_workers, sentence_spans
from retrieval.corpus import load_corpus
from retrieval.assemble import build_index
from retrieval.index import Bm25Index
from retrieval.records import Article
from retrieval.encoder import TermEncoder
from retrieval.text import Analyzer
from tests.sampling import examples


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return list(load_corpus(BUNDLED_CORPUS).articles)


def _reference_match(pieces: list, by_first: dict) -> dict[int, dict[str, int]]:
    """Synonym phrase matching as first written: every piece in turn, longest phrase first."""
    found: dict[int, dict[str, int]] = {}
    index = 0
    while index < len(pieces):
        matched = 0
        for phrase in by_first.get(pieces[index].key, ()):
            length = len(phrase.pieces)
            if index + length > len(pieces):
                continue
            forms = [p.exact if phrase.case_sensitive else p.key for p in pieces[index : index + length]]
            if tuple(forms) == phrase.pieces:
                found.setdefault(index + length - 1, {})[phrase.concept] = length
                matched = length
                break
        index += matched or 1
    return found


def _random_sentences(analyzer: Analyzer, articles: list[Article], n: int, seed: int) -> list[str]:
    """Words of the corpus and of every synonym phrase, shuffled into sentences with caps, hyphens and numbers."""
    rng = random.Random(seed)
    words = [w for a in articles for w in Analyzer.words(a.text)]
    phrases = [" ".join(p.pieces) for ps in analyzer._phrases_by_first.values() for p in ps]
    extras = ["AS", "as", "As", "negara-negara", "Amerika-Serikat", "250.000", "3,5", "14/12", "G20", "Kerry's",
              "e-KTP", "PBB", "pbb", "Dewan", "Keamanan", "DK", "Uni", "Eropa", "café", "İstanbul", "ı"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 25)):
            pick = rng.random()
            if pick < 0.3:
                parts.append(rng.choice(phrases))
            elif pick < 0.4:
                parts.append(rng.choice(extras))
            else:
                word = rng.choice(words)
                parts.append(word.upper() if rng.random() < 0.05 else word)
        out.append(" ".join(parts) + rng.choice(["", ".", "?", " (AS)."]))
    return out


def test_phrase_matching_equals_the_plain_scan(analyzer: Analyzer, articles: list[Article]) -> None:
    for sentence in _random_sentences(analyzer, articles, examples(400), seed=1):
        _words, pieces, _owners = analyzer._pieces(sentence)
        assert analyzer._match_phrases(pieces) == _reference_match(pieces, analyzer._phrases_by_first), sentence


def test_encoder_gives_analyse_terms_and_word_terms(analyzer: Analyzer, articles: list[Article]) -> None:
    # A fresh analyzer each time: the per-form memo must not depend on what was seen first.
    sentences = _random_sentences(analyzer, articles, examples(600), seed=2)
    sentences += [s for a in articles for s in analyzer.split_sentences(a.text)]
    encoder = TermEncoder(Analyzer.from_directory(BUNDLED_LANGUAGE_DATA))
    extra = ["~tambahan", "kata"]
    extras = [extra if i % 7 == 0 else () for i in range(len(sentences))]
    for round_ in range(3):  # later rounds read every form from the memo; the last adds in bulk
        encoder.clear()
        if round_ < 2:
            for sentence, its in zip(sentences, extras):
                encoder.add(sentence, its)
        else:
            encoder.add_many(sentences, extras)
        names = encoder.terms
        doc, doc_len = list(encoder.doc), list(encoder.doc_len)
        word_len, word_term, word_count = list(encoder.word_len), list(encoder.word_term), list(encoder.word_count)
        d = w = t = 0
        for i, sentence in enumerate(sentences):
            terms, words = analyzer.analyse(sentence)
            expected = terms + (extra if i % 7 == 0 else [])
            assert [names[x] for x in doc[d : d + doc_len[i]]] == expected, (round_, sentence)
            d += doc_len[i]
            assert word_count[i] == len(words)
            for _surface, its in words:
                assert tuple(names[x] for x in word_term[t : t + word_len[w]]) == its, (round_, sentence)
                t += word_len[w]
                w += 1
        assert d == len(doc) and w == len(word_len) and t == len(word_term)


def _encoded(encoder: TermEncoder) -> tuple[list[str], ...]:
    names = encoder.terms
    return tuple([names[i] for i in a] for a in (encoder.doc, encoder.word_term)) + tuple(
        list(a) for a in (encoder.doc_len, encoder.word_len, encoder.word_count))  # type: ignore[return-value]


@pytest.mark.parametrize("breaks", [False, True])
def test_encoder_in_bulk_reads_each_sentence_on_its_own(analyzer: Analyzer, articles: list[Article], breaks: bool) -> None:
    # add_many reads every sentence's words in one pass over them joined by "\x00":
    # words at the joins (digits, citation marks, hyphens) and a sentence holding
    # "\x00" itself come out as sentence by sentence.
    rng = random.Random(7)
    sentences = _random_sentences(analyzer, articles, examples(300), seed=3)
    sentences += ["", "3.", "5 kota", "[10] Ia", "Ia -", "- Amerika", "Serikat", "2,", "5", "x'", "s", "AS", "."]
    rng.shuffle(sentences)
    if breaks:
        sentences += ["Amerika\x00Serikat", "\x00", "3.\x005", "a\x00\x00b"]
    extras = [("kata",) if i % 11 == 0 else () for i in range(len(sentences))]
    one = TermEncoder(Analyzer.from_directory(BUNDLED_LANGUAGE_DATA))
    for sentence, extra in zip(sentences, extras):
        one.add(sentence, extra)
    bulk = TermEncoder(Analyzer.from_directory(BUNDLED_LANGUAGE_DATA))
    bulk.add_many(sentences, extras)
    assert _encoded(bulk) == _encoded(one)
    bulk.clear()
    bulk.add_many([], [])
    assert _encoded(bulk) == ([], [], [], [], [])


def _reference_variants(self: TermEncoder, words: list[str]) -> list[tuple[int, int]]:
    """`TermEncoder._phrase_variants` as first written: every word's pieces, the whole sentence matched.

    (place, form number) of each word of a sentence whose entries differ from its
    form's because a phrase longer than one piece matched over it (`_add_with_phrases`'s
    terms for it); no form of the sentence has several pieces that start a phrase.

    Elsewhere a form's own entries are the sentence's: a word no phrase matched over
    has none of its one-piece phrase's concept (it has none, or the phrase matched).
    """
    keys = list(map(self._keys.__getitem__, words))  # analyses new forms' pieces
    flat_keys = list(chain.from_iterable(keys))
    found = self.analyzer._match_keys(flat_keys, list(chain.from_iterable(map(self._exacts.__getitem__, words))))
    spans = [(last - length + 1, last, concept)
             for last, concepts in found.items() for concept, length in concepts.items()]
    if all(first == last for first, last, _concept in spans):
        return []
    if len(flat_keys) == len(words):
        owners: Sequence[int] = range(len(words))
        first_piece: Sequence[int] = owners
    else:
        owners = list(chain.from_iterable(map(repeat, range(len(words)), map(len, keys))))
        first_piece = list(accumulate(map(len, keys), initial=0))
    touched = sorted({owners[p] for first, last, _c in spans if first < last for p in range(first, last + 1)})
    out = []
    for place in touched:
        word = words[place]
        begin = first_piece[place]
        end = begin + len(keys[place])
        doc: list[int] = []
        for piece, ids in enumerate(self._piece_ids[word], begin):
            doc.extend(ids)
            doc.extend(self._ids(found.get(piece, ())))
        terms = list(self._raw[word])
        for first, last, concept in spans:
            if first < end and last >= begin:
                cid = self._ids((concept,))[0]
                if cid not in terms:
                    terms.append(cid)
        entries = (tuple(doc), tuple(terms))
        if entries == (self._forms[word], self._word_forms[word]):
            continue
        number = self._variants.get(entries)
        if number is None:
            number = self._variants[entries] = self._add_form_entries(*entries, phrase=0, first=None)
        out.append((place, number))
    return out

def test_phrase_variants_from_the_leads_equal_the_whole_sentence_matched(analyzer: Analyzer, articles: list[Article]) -> None:
    rng = random.Random(11)
    encoder = TermEncoder(Analyzer.from_directory(BUNDLED_LANGUAGE_DATA))
    phrases = [p.pieces for ps in encoder.analyzer._phrases_by_first.values() for p in ps if len(p.pieces) > 1]
    # Longer phrases ending inside a hyphenated word, hyphenated words inside them, overlaps.
    odd = [f"{p[0]} {'-'.join(p[1:])}" for p in phrases] + [" ".join(p) + "-lain" for p in phrases]
    odd += [" ".join(p[:-1]) for p in phrases] + [" ".join(p + q[1:]) for p, q in zip(phrases, phrases[1:])]
    sentences = _random_sentences(analyzer, articles, examples(400), seed=13)
    sentences += [" ".join(rng.choice(odd) for _ in range(rng.randint(1, 5))) for _ in range(examples(400))]
    tried = matched = 0
    for sentence in sentences:
        words = Analyzer.words(sentence)
        for word in words:
            encoder._form_ids[word]  # analyses the form (and its phrase kind)
        if any(encoder._follow.get(word, ()) is None for word in words):
            continue  # a form of several pieces starting a phrase: `add` takes the sentence
        leads = [i for i, word in enumerate(words) if encoder._follow.get(word)]
        expected = _reference_variants(encoder, words)
        assert encoder._phrase_variants(words, leads) == expected, sentence
        tried += 1
        matched += bool(expected)
    assert tried > examples(300) and matched > examples(100), (tried, matched)


def test_words_of_whitespace_tokens_are_the_words_of_the_text(articles: list[Article]) -> None:
    # add_many reads a whitespace token's words once per token: the words of a text are
    # its tokens' words in turn, for every character str.split() splits at.
    spaces = [c for c in map(chr, range(0x3001)) if c.isspace()]
    rng = random.Random(11)
    alphabet = list("abXZ09_[]-‐‑'’ʼ.,/:é") + ["İ", "٣", "[1]", "[12]", "3.5", "a_b", "x[10]y"] + spaces * 2
    samples = [a.text for a in articles]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(examples(20000))]
    samples += [f"3{c}5 kota{c}[2] a{c}-b 1,{c}5" for c in spaces]
    for sample_text in samples:
        by_token = [w for token in sample_text.split() for w in encoder._words_and_breaks(token)]
        assert by_token == encoder._words_and_breaks(sample_text), sample_text


def test_words_and_breaks_shortcut_reads_the_words_of_the_word_pattern(articles: list[Article]) -> None:
    # `_words_and_breaks` scans with \w after turning `_` and citation marks into spaces:
    # the same words as `WORD` (and breaks) on corpus text and on text made of the
    # characters that decide a word's edges: `_`, brackets, joiners, digits of every script.
    samples = [a.text for a in articles]
    rng = random.Random(5)
    alphabet = list("abXZ09_[]-‐‑'’ʼ.,/: \x00é") + ["İ", "ı", "٣", "²", "½", "\u0301", "ß", "ǅ", "[1]", "[12]", "[123]",
                                                  "[1234]", "3.5", "a_b", "_1", "[a]", "x[10]y", "[[2]", "4,[5]6"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(examples(20000))]
    samples += ["kota.[2][3] Ia", "snake_case_word", "__init__", "[10]", "1[2]3", "a-[1]b", "5.[10].5", "x_-y"]
    for sample_text in samples:
        assert encoder._words_and_breaks(sample_text) == encoder._WORDS_AND_BREAKS(sample_text), sample_text


def test_collapsed_whitespace_shortcut_is_the_split_and_join() -> None:
    # Every whitespace character but the space is unprintable (the shortcut's premise) ...
    spaces = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    assert [ch for ch in spaces if ch.isprintable()] == [" "]
    # ... and the shortcut gives the split and join on text made of the characters it looks at.
    rng = random.Random(9)
    alphabet = ["a", "B", "é", " ", "  ", "\t", "\n", "\xa0", "\u3000", "\u2028", "\x85", "\x1f", "\u200b", "·"]
    for _ in range(examples(20000)):
        sample_text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert text._collapsed(sample_text) == " ".join(sample_text.split()), repr(sample_text)


def _reference_boilerplate(analyzer: Analyzer, sentence: str) -> bool:
    normal = " ".join(unicodedata.normalize("NFKC", sentence).split())
    return not normal or any(re.search(p.pattern, normal, re.IGNORECASE) for p in analyzer._boilerplate)


def _assert_boilerplate_as_reference(analyzer: Analyzer, sentences: list[str], seed: int = 3) -> None:
    """`is_boilerplate`, and `boilerplate_test` of texts made of the sentences (each and
    the text's own sentences), answer as every pattern's `search` does."""
    for sentence in sentences:
        assert analyzer.is_boilerplate(sentence) == _reference_boilerplate(analyzer, sentence), sentence
    rng = random.Random(seed)
    gaps = [" ", "  ", "\n", "\n\n", "\t", " \n "]
    pool = list(sentences)
    for _ in range(examples(400)):
        parts = [rng.choice(pool) for _ in range(rng.randint(1, 6))]
        article = "".join(part + rng.choice(gaps) for part in parts)
        test = analyzer.boilerplate_test(article)
        for sentence in parts + analyzer.split_sentences(article):
            assert test(sentence) == _reference_boilerplate(analyzer, sentence), (article, sentence)


def test_boilerplate_shortcuts_answer_as_every_pattern_does(analyzer: Analyzer, articles: list[Article]) -> None:
    samples = [s for a in articles for s in analyzer.split_sentences(a.text)]
    samples += [
        "Baca juga: Rusia dan AS", "BACA JUGA berita lain", "baca  selengkapnya", "Bacaan juga", "Share:", "share",
        "Bagikan :", "Iklan", "SCROLL TO CONTINUE WITH CONTENT", "Situs ini menggunakan cookie untuk",
        "Kami punya cookie policy", "Berlangganan newsletter kami", "langganan buletin", "© 2024 Kompas",
        "Hak Cipta dilindungi", "Editor: Andi Lubis", "Oleh: Budi Santoso", "oleh: budi santoso",
        "Foto: Reuters/Ahmad", "(Reuters)", "ANTARA FOTO", "Home > Berita > Dunia", "home sweet home",
        "Follow us on Twitter", "Ikuti kami", "Anda mungkin juga suka", "Kamu mungkin juga tertarik",
        "Artikel ini telah tayang di Kompas.com", "mohon sertakan tautan", "All rights reserved.",
        # Non-ASCII look-alikes take the full path: Kelvin sign, dotless i, long s.
        "\u212aebijakan privasi", "Kebijakan kuk\u0131", "\u017fhare:", "Ba\u0307ca juga", "Ｓhare:", "",
        "   ", "Presiden berbicara tentang kebijakan cookie yang baru.", "Dapatkan update berita terbaru di Google News",
        # Leads through an optional character or nested groups, whitespace to collapse.
        "(AFP)", "(AFP", "AFP / Ahmad", "(Antara Foto/Ahmad)", "Antara", "Anadolu Agency", "(Dok. Pribadi)", "(ap)",
        "(Reuters) Presiden datang", "Scroll to continue with content", "scroll  to continue", "Lanjutkan membaca",
        "ADVERTISEMENT", "Advertisement ", " Iklan", "Iklan\t", "Iklan baris dibuka", "(Iklan)", "Baca\tjuga: x",
        "Share :\n", "Share\x0b:", "Editor:\xa0Andi", "Iklan\u2028", "situs  ini menggunakan   cookie", "menggunakan",
        "Kebijakan pemerintah", "Ia berlangganan koran", "all rights  reserved", "(kata dia)", "[Iklan]",
    ]
    _assert_boilerplate_as_reference(analyzer, samples)


def test_boilerplate_shortcuts_of_user_patterns(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for path in BUNDLED_LANGUAGE_DATA.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    patterns = [r"^(?:foo|bar)baz", r"^ab|cd", r"x{2}yy", r"^(ab)?cd", r"(?-i:Kelvin) scale", r"\bk\b", r"^(sha|shb) x",
                r"^\[?(qq|rr( ss)?)\]?$", r"^(tt|)uu", r"^(?:vv)*ww", r"^(xa|xb)+yy", r"^[(]?zz", r"^-?mm", r"^(nn|o\w)p"]
    (tmp_path / "boilerplate.txt").write_text("\n".join(patterns) + "\n", encoding="utf-8")
    analyzer = Analyzer.from_directory(tmp_path)
    _assert_boilerplate_as_reference(analyzer, [
        "foobaz", "barbaz x", "zz cd", "xxyy", "cd", "abcd", "kelvin scale", "Kelvin scale", "a \u212a b", "a k b",
        "SHA x", "shb x", "zab", "ab", "xcd", "[qq]", "qq", "[rr ss", "RR SS]", "uu", "ttuu", "ww", "vvvvww", "xaxbyy",
        "yy", "(zz", "zz", "-mm", "mm", "nnp", "oxp", "o1p", "p"])


def test_boilerplate_shortcuts_on_text_beyond_ascii(analyzer: Analyzer, articles: list[Article], tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Curly quotes, dashes and accents take the needle and prefix shortcuts too
    # (only a character matching an ASCII one case-insensitively forces every pattern).
    samples = [s for a in articles for s in analyzer.split_sentences(a.text) if not s.isascii()]
    assert samples
    samples += [
        "“Baca juga: Rusia dan AS”", "Baca juga — Rusia", "BACA JUGA: café", "Situs ini menggunakan cookie — ya",
        "© 2024 Kompas – semua", "Copyright © Kompas", "Editor: André Lubis", "Foto: Reuters/Ahmad – dok",
        "(Reuters) – ", "“Iklan”", "Iklan ", "Ｓhare：", "Kebijakan privasi é", "berlangganan newsletter’",
        "Kebijakan privasi é", "Kebijakan kukı é", "ſhare: é", "İklan", "ıklan é", "Share: é",
        "Presiden “berbicara” tentang kebijakan cookie.", "Dapatkan update berita terbaru di Google News ✓",
        "(Reuters) – ya", "（Reuters）", "\u3000Iklan", "Iklan\u3000\u3000", "[Iklan]",
    ]
    _assert_boilerplate_as_reference(analyzer, samples)
    # A user's pattern with a needle beyond ASCII (µ also matches μ case-insensitively).
    for path in BUNDLED_LANGUAGE_DATA.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "boilerplate.txt").write_text("µg per liter\nbiaya \\d+ µ\n^harga é\n", encoding="utf-8")
    user = Analyzer.from_directory(tmp_path)
    for sentence in ["5 μg per liter é", "5 µg per liter é", "5 ΜG PER LITER é", "biaya 5 μ é", "Harga é naik",
                     "HARGA É naik", "harga e naik é", "hargá é"]:
        assert user.is_boilerplate(sentence) == _reference_boilerplate(user, sentence), sentence


def test_ascii_lookalikes_are_every_such_character() -> None:
    # The characters beyond ASCII that some ASCII letter, digit or space matches case-insensitively.
    # Every code point beyond ASCII but the surrogates, decoded at once (chr one by one
    # took 0.25 s), and one pass of each pattern over them: an alternation of the ASCII
    # characters matches what each of them would (a scan per character took 0.5 s).
    beyond = np.r_[128:0xD800, 0xE000:0x110000].astype("<u4").tobytes().decode("utf-32-le")
    assert len(beyond) == 0x110000 - 128 - 0x800
    ascii_ = re.compile("|".join(map(re.escape, "abcdefghijklmnopqrstuvwxyz0123456789 ([")), re.IGNORECASE)
    found = set(ascii_.findall(beyond))
    assert found
    assert set(text._ASCII_LOOKALIKE.__self__.findall(beyond)) == found


# The sentence splitter as first written (a slice of the rest of the block per boundary,
# the word before a dot walked back one character at a time): the reference for the fast one.
_REF_BOUNDARY = re.compile(rf"([.?!…]+)((?:[\"'”’»)\]]|{sentences._CITATION})*)(\s+)")


def _reference_blocks(t: str) -> list[tuple[int, int]]:
    lines, pos = [], 0
    for line in t.splitlines(keepends=True):
        lines.append((pos, pos + len(line)))
        pos += len(line)
    blocks, current = [], None
    for start, end in lines:
        content = t[start:end].strip()
        if not content:
            if current is not None:
                blocks.append(current)
                current = None
            continue
        if current is None:
            current = (start, end)
            continue
        previous = t[current[0] : current[1]].rstrip()
        if previous[-1] not in ".?!…:;\"'”’)]" and content[0].islower():
            current = (current[0], end)
        else:
            blocks.append(current)
            current = (start, end)
    if current is not None:
        blocks.append(current)
    return blocks


def _reference_is_boundary(block: str, match: re.Match[str], abbr) -> bool:  # type: ignore[no-untyped-def]
    openers = "\"'“‘«([—–-"
    following = block[match.end() :].lstrip(openers + " ")
    if not following:
        return True
    first = following[0]
    if first.islower():
        return False
    if match.group(1) != ".":
        return True
    start = match.start()
    while start > 0 and not block[start - 1].isspace():
        start -= 1
    word = block[start : match.start()].lstrip(openers)
    folded = word.casefold()
    if folded in abbr.never_final:
        return False
    if len(word) == 1 and word.isupper():
        return False
    if re.match(r"^(?:[^\W\d_]\.)+[^\W\d_]$", word):
        return False
    if folded in abbr.may_end:
        return first.isupper()
    return True


def _reference_split(t: str, analyzer: Analyzer) -> list[str]:
    """Sentences as first cut: each block's pieces between accepted boundaries, stripped."""
    out = []
    for start, end in _reference_blocks(t):
        block, pieces, cut = t[start:end], [], 0
        for match in _REF_BOUNDARY.finditer(block):
            if match.end() >= len(block):
                break
            if _reference_is_boundary(block, match, analyzer._abbreviations):
                pieces.append(block[cut : match.end(2)])
                cut = match.end()
        pieces.append(block[cut:])
        out += [p.strip() for p in pieces if p.strip()]
    return out


def _reference_spans(t: str, analyzer: Analyzer) -> list[tuple[int, int]]:
    """Spans as first found: each sentence searched for in the text after the previous one."""
    spans, cursor = [], 0
    for sentence in _reference_split(t, analyzer):
        at = t.index(sentence, cursor)
        cursor = at + len(sentence)
        spans.append((at, cursor))
    return spans


def test_sentence_offsets_are_where_the_sentences_are(analyzer: Analyzer, articles: list[Article]) -> None:
    rng = random.Random(5)
    texts = [a.text for a in articles]
    gaps = [" ", "  ", "\n", "\n\n", " \n \n ", "\r\n", "\u2028", "\x85", "\x0b", "\t", "\u3000", "\n\u2029\n"]
    pieces = ["Ya.", "Ya!", "ya.", "Dr. Ahmad datang.", "J. Kerry", "kota.[2][3] Ia", "“Siap,” kata dia.", "dll. dan",
              "A.", "3,5 persen.", "Ia pergi…", "(AS).", "Baca juga: x", "—", "x",
              # words before a dot longer than the splitter's first look back, with and without
              # whitespace or openers in it, and openers, spaces and other whitespace after a dot
              "Sebuah" + "kata" * 12 + ".", "(“" + "x" * 45 + ".", "a.n.", "S.H.", "“(" + "Dr.", "u.p. Budi", "“— Ia",
              "A" * 39 + ".", "A" * 40 + ".", "A" * 41 + ".", ". “ ( x", ".\u3000Ia", "." + "“" * 3, "? ' a", "! (B",
              "a." * 25 + "b. Ia", "(" + "a." * 30 + "b. Ia", "A?", "J! Kerry", "dr?! Ahmad", "S.H.… Ia", "Jl.", "No. 5", "dkk. Ia", "dkk. ia", "ltd.", "(kata", "[1]"]
    for _ in range(examples(300)):
        texts.append("".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randint(0, 12))))
    for t in texts:
        spans = analyzer.sentence_offsets(t)
        assert spans == _reference_spans(t, analyzer), t
        assert [t[s:e] for s, e in spans] == analyzer.split_sentences(t)


def _many(articles: list[Article], copies: int) -> list[Article]:
    """The bundled articles again and again under new ids, one id repeated (a replaced version)."""
    out = [dataclasses.replace(a, id=f"{a.id}-{i}") for i in range(copies) for a in articles]
    out.append(dataclasses.replace(articles[0], id=f"{articles[0].id}-1", text=articles[1].text))
    return out


def _reference_index(articles: list[Article], analyzer: Analyzer) -> Bm25Index:
    def docs():  # type: ignore[no-untyped-def]
        for article in articles:
            acronyms = ArticleAcronyms.find(article.text, analyzer)
            for _start, _end, sentence in sentence_spans(article.text, analyzer):
                terms, words = analyzer.analyse(sentence)
                yield acronyms.extend(sentence, terms), words

    return build_index(docs(), positional=True)


def _index_arrays(index: Bm25Index) -> dict[str, np.ndarray]:
    arrays = {name: getattr(index, name) for name in ("_term_ptr", "_doc_ids", "_tf", "_doc_len", "_weights", "_idf")}
    arrays.update({f"words{i}": a for i, a in enumerate(index._words)})
    return arrays


def _assert_same(a: Built, b: Built) -> None:
    assert a.fingerprint == b.fingerprint and a.retired == b.retired
    assert a.index.vocabulary_size == b.index.vocabulary_size and a.index._terms == b.index._terms
    assert a.index.average_idf == b.index.average_idf
    for name, array in _index_arrays(a.index).items():
        other = _index_arrays(b.index)[name]
        assert array.dtype == other.dtype and np.array_equal(array, other), name
    for x, y in zip(a.table.columns(), b.table.columns()):
        assert np.array_equal(x, y)
    assert [p.definitions() for p in a.acronyms] == [p.definitions() for p in b.acronyms]


@pytest.fixture()
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of a few articles, and a pool for anything bigger than one: the
    # same code a million-sentence build takes, on a corpus a test can afford.
    monkeypatch.setattr(build, "_CHUNK_CHARS", 3000)
    monkeypatch.setattr(build, "_POOL_MIN_CHARS", 6000)


@pytest.mark.e2e  # forks a pool of build workers (~1 s wall, most of it in the workers)
def test_parallel_build_equals_one_process_and_the_plain_index(
    analyzer: Analyzer, articles: list[Article], small_chunks: None
) -> None:
    stream = _many(articles, 2)  # ~28 kB: about ten chunks for two workers
    chunks = build._analysed(stream, analyzer, 2)
    next(chunks)
    assert len(multiprocessing.active_children()) == 2  # the pool is really there
    chunks.close()
    seen: list = []
    serial = Built.build(stream, analyzer, workers=1)
    parallel = Built.build(iter(stream), analyzer, workers=2, progress=seen.append, total=len(stream))
    # The workers exit while the index is assembled, and are gone when the build returns.
    assert not multiprocessing.active_children()
    _assert_same(serial, parallel)
    reference = _reference_index(stream, analyzer)
    for name, array in _index_arrays(reference).items():
        assert np.array_equal(array, _index_arrays(parallel.index)[name]), name
    assert reference._terms == parallel.index._terms
    # Progress still covers every article once, then the final report.
    assert [p.articles for p in seen] == list(range(1, len(stream) + 1)) + [len(stream)]
    assert seen[-1].done and seen[-1].sentences == len(parallel.table)
    # An append through workers equals the build of the whole stream.
    head = Built.build(stream[:9], analyzer, workers=2)
    _assert_same(head.extend(stream[9:], workers=2), Built.build(stream, analyzer, workers=1))


def test_build_drops_boilerplate_and_adds_acronym_terms_as_the_plain_index(
    analyzer: Analyzer, articles: list[Article]
) -> None:
    # The bundled articles hold neither: articles that do, among them (ASCII and not).
    texts = [
        "Baca juga: Rusia dan AS.\n\nTaman Lumut di Kebun Raya Cibodas (KRC) akan selesai. KRC dibuka pagi. "
        "Share:\n\nIklan\n\n© 2024 Kompas. Lumut di Kebun Raya Cibodas diam.",
        "Advertisement\n\nEditor: Andi Lubis\n\n(Reuters)",
        "Badan Pengkajian dan Penerapan Teknologi (BPPT) meneliti. Menurut BPPT, lumut tumbuh.\n\nSitus ini menggunakan cookie.",
        "“Kami menolak,” kata Komisi Pemberantasan Korupsi (KPK). KPK datang.\n\nBaca juga: “Ia pergi”\n\nIklan",
    ]
    extra = [dataclasses.replace(articles[0], id=f"extra-{i}", text=t) for i, t in enumerate(texts)]
    stream = [*articles[:2], *extra, *articles[2:]]
    built = Built.build(stream, analyzer, workers=1)
    assert sum(bool(ArticleAcronyms.find(t, analyzer).extend(s, [])) for t in texts for s in analyzer.split_sentences(t)) >= 3
    assert sum(analyzer.is_boilerplate(s) for t in texts for s in analyzer.split_sentences(t)) >= 8
    reference = _reference_index(stream, analyzer)
    for name, array in _index_arrays(reference).items():
        assert np.array_equal(array, _index_arrays(built.index)[name]), name
    assert reference._terms == built.index._terms
    spans = [(i, s, e) for i, a in enumerate(stream) for s, e, _sentence in sentence_spans(a.text, analyzer)]
    assert [tuple(map(int, row)) for row in zip(*built.table.columns())] == spans


@pytest.mark.e2e  # forks a pool of build workers
def test_workers_send_back_every_stem_they_learned(articles: list[Article], small_chunks: None) -> None:
    # The parent's analyzer (whose stems are saved beside the index, for the next
    # start's questions) knows every word's stem, as after a build in one process.
    stream = _many(articles, 2)
    serial = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    Built.build(stream, serial, workers=1)
    parallel = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    before = parallel.stem_count  # the synonym phrases' words
    Built.build(stream, parallel, workers=2)
    assert serial.stem_count > before + 300  # the corpus's own words are most of them
    assert parallel.known_stems() == serial.known_stems()


def test_stems_after_are_the_stems_learned_since(analyzer: Analyzer, articles: list[Article]) -> None:
    fresh = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    for article in articles[:6]:
        known = fresh.known_stems()
        mark = fresh.stem_count
        fresh.analyse(article.text)
        # The reference: the dict's new keys, in the order they were added.
        assert fresh.stems_after(mark) == [(w, s) for w, s in fresh.known_stems().items() if w not in known]
    assert fresh.stems_after(fresh.stem_count) == []
    other = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    other.learn_stems(fresh.stems_after(0))
    assert other.known_stems() == fresh.known_stems()
    for article in articles[6:8]:
        assert other.analyse(article.text) == analyzer.analyse(article.text)


@pytest.mark.e2e  # spawns fresh interpreters, which import Kutip anew (~3 s)
def test_parallel_build_from_a_thread_spawns_fresh_workers(articles: list[Article], small_chunks: None) -> None:
    # The bot builds in a worker thread: there the workers are spawned, not forked,
    # and rebuild the analyzer from its language data.
    stream = _many(articles, 3)
    result: list[Built] = []
    spawned = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    thread = threading.Thread(target=lambda: result.append(Built.build(stream, spawned, workers=2)))
    thread.start()
    thread.join()
    serial = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    _assert_same(result[0], Built.build(stream, serial, workers=1))
    # Spawned workers' stems reach the parent too.
    assert spawned.known_stems() == serial.known_stems()


def test_workers_setting() -> None:
    assert build_workers(3) == 3
    assert build_workers(1) == 1
    assert build_workers(0) == build_workers(None) >= 1


def test_analyzer_pickles_to_the_same_analysis(analyzer: Analyzer, articles: list[Article]) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy.fingerprint == analyzer.fingerprint
    for sentence in _random_sentences(analyzer, articles, 100, seed=3):
        assert copy.analyse(sentence) == analyzer.analyse(sentence)
        assert copy.is_boilerplate(sentence) == analyzer.is_boilerplate(sentence)


@pytest.mark.e2e  # forks build workers and kills one
def test_a_worker_that_dies_leaves_the_rest_to_this_process(
    analyzer: Analyzer, articles: list[Article], small_chunks: None, caplog: pytest.LogCaptureFixture
) -> None:
    stream = _many(articles, 6)
    killed: list[int] = []

    def kill_a_worker(_progress) -> None:  # type: ignore[no-untyped-def]
        if not killed:
            for child in multiprocessing.active_children():
                killed.append(child.pid)
                os.kill(child.pid, signal.SIGKILL)
                break

    built = Built.build(stream, analyzer, workers=2, progress=kill_a_worker)
    assert killed and "build worker process died" in caplog.text
    _assert_same(built, Built.build(stream, analyzer, workers=1))


def test_build_keeps_every_articles_acronyms_in_its_slot(analyzer: Analyzer, articles: list[Article]) -> None:
    # Chunks carry only the articles that define acronyms; the build puts each back in its slot.
    import dataclasses

    from retrieval.acronyms import ArticleAcronyms

    defining = " Para peneliti Badan Pengkajian dan Penerapan Teknologi (BPPT) memetakan 200 jenis lumut."
    stream = [
        dataclasses.replace(a, text=a.text + defining) if i % 3 == 1 else a for i, a in enumerate(articles)
    ]
    expected = tuple(ArticleAcronyms.find(a.text, analyzer) for a in stream)
    assert any(found.pairs for found in expected) and not all(found.pairs for found in expected)
    assert Built.build(stream, analyzer, workers=1).acronyms == expected


def _reference_fold(word: str) -> str:
    """`text._fold` without its ASCII shortcut."""
    word = text._POSSESSIVE.sub("", word.casefold())
    word = text._APOSTROPHES.sub("", word)
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).replace("‐", "-").replace("‑", "-")


def test_fold_shortcut_for_ascii_folds_as_the_full_steps(articles: list[Article]) -> None:
    rng = random.Random(9)
    words = sorted({w for a in articles for w in Analyzer.words(a.text)})
    alphabet = list("aZ9'’ʼ-‐‑s.\n ") + ["'s", "S", "é", "İ", "ß"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(examples(5000))]
    words += ["Kerry's", "KERRY'S", "rock'n'roll", "'s", "s'", "ab's\n", "Jum'at", "O'Neil's", "café's"]
    # Both paths are taken many times, in the quick run's tenth of the random words too.
    assert sum(w.isascii() for w in words) > 500 and sum(not w.isascii() for w in words) > 100
    for word in words:
        assert text._fold(word) == _reference_fold(word), repr(word)
