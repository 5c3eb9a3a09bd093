"""Sastrawi made faster stems as plain Sastrawi; build workers share its stems through a folder."""

from __future__ import annotations

import random
import re

import pytest

from config.settings import BUNDLED_CORPUS
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.text import Analyzer
from tests.sampling import sample


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return list(load_corpus(BUNDLED_CORPUS).articles)


def test_build_workers_share_stems_through_a_folder(tmp_path) -> None:
    # Each worker reads what the others stemmed instead of running Sastrawi again;
    # only whole lines count, so a line still being written is never read.
    from retrieval.stemming import StemShare, _sastrawi

    first, second = StemShare(tmp_path), StemShare(tmp_path)
    assert second.lookup("mempersoalkan") is None
    first.publish("mempersoalkan", _sastrawi().stem_word("mempersoalkan"))
    assert second.lookup("mempersoalkan") == "soal"
    assert first.lookup("mempersoalkan") is None  # its own words are in its own cache
    with open(tmp_path / "other.tsv", "wb") as other:
        other.write("berjalan\tja".encode())
        other.flush()
        assert second.lookup("berjalan") is None
        other.write("lan\n".encode())
        other.flush()
        assert second.lookup("berjalan") == "jalan"
        # Only "\n" ends a line: other line breaks Unicode knows are part of the word.
        other.write("a\u2028b\tab\n".encode())
        other.flush()
        assert second.lookup("a\u2028b") == "ab" and second.lookup("b") is None


def test_quickened_sastrawi_stems_as_plain_sastrawi(articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    # `_SastrawiRe` only caches patterns and removes literal ones with str.replace:
    # every stem must be the one Sastrawi gives with the real `re`.
    import sys

    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from retrieval.stemming import _PrefixGuard, _SastrawiRe, _sastrawi

    words = sorted({w.casefold() for a in articles for w in Analyzer.words(a.text) if w.isascii() and w.isalpha()})
    roots = ["ajar", "tani", "kerja", "baca", "tulis", "laku", "pukul", "jalan", "satu", "tiru", "balas", "rusak"]
    affixed = [p + r + s for r in roots for p in ("", "me", "mem", "men", "meng", "ber", "per", "pe", "pen", "di", "ke", "se", "ter", "memper")
               for s in ("", "kan", "an", "i", "nya", "lah", "kah", "pun")]
    words += affixed + [f"{w}-{w}" for w in roots] + ["berbalas-balasan", "meniru-nirukan", "malaikat-malaikatnya", "buku-bukunya"]
    # Every kind of prefix rule: belajar/pelajar (a word, not a pattern), CerV/CelV/CemV/CinV infixes, ku-/kau-.
    words += ["belajar", "pelajar", "gerigi", "telunjuk", "gemuruh", "kinerja", "sinambung", "kuambil", "kaubawa",
              "bekerja", "terpercaya", "pengetahuan", "menyapu", "mempelajari", "memperbarui"]
    quick = _sastrawi()
    assert any(isinstance(getattr(m, "re", None), _SastrawiRe) for n, m in sys.modules.items() if n.startswith("Sastrawi."))
    # The prefix rules run only where one of their patterns matches (`_PrefixGuard`): all but the plain-prefix one.
    assert sum(isinstance(rule, _PrefixGuard) for rule in quick.visitor_provider.prefix_visitors) >= 35
    # Sastrawi takes 0.15-0.2 ms a word: the quick run stems and compares a spread fifth of them,
    # and whatever the sample, every rule kind above.
    compared = sorted(set(sample(range(len(words)), at_most=400)) | set(range(len(words) - 15, len(words))))
    stems = [quick.stem_word(words[i]) for i in compared]
    for name, module in list(sys.modules.items()):
        if name.startswith("Sastrawi.") and isinstance(getattr(module, "re", None), _SastrawiRe):
            monkeypatch.setattr(module, "re", re)
    plain = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    assert stems == [plain.stem_word(words[i]) for i in compared]
    # Most of them have an affix to strip (over 300 of the ~2,000 words, or that share of the sample).
    assert len(words) > 1000 and sum(s != words[i] for s, i in zip(stems, compared)) > 300 * len(compared) / len(words)


def test_sastrawi_pair_stems_as_sastrawi_stems_the_hyphenated_word(articles: list[Article]) -> None:
    # `sastrawi_pair_stem` reuses the halves' stems instead of Sastrawi's `stem_plural_word`
    # stemming them again: the same stem for every pair, particles (`buku-nya`) included.
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from retrieval.stemming import _SASTRAWI_PARTICLES, sastrawi_pair_stem

    halves = sorted({w.casefold() for a in articles for w in Analyzer.words(a.text) if w.isascii() and w.isalpha()})
    rng = random.Random(7)
    pairs = [(a, a) for a in halves[:50]] + [(rng.choice(halves), rng.choice(halves)) for _ in range(200)]
    pairs += [("berbalas", "balasan"), ("meniru", "nirukan"), ("tiru", "nirukan"), ("pangkalan", "pangkalannya"),
              ("sayur", "mayur"), ("bolak", "balik"), ("lauk", "pauk"), ("kata", "katakan"), ("main", "mainan")]
    pairs += [(h, p) for h in ("buku", "malaikat", "rumah", "xyz") for p in sorted(_SASTRAWI_PARTICLES)]
    plain = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    compared = sample(pairs, at_most=300) + pairs[-(9 + 28):]
    got = [sastrawi_pair_stem(a, b) for a, b in compared]
    assert got == [plain.stem_word(f"{a}-{b}") for a, b in compared]
    assert sum("-" not in stem for stem in got) > 20 and sum("-" in stem for stem in got) > 20
