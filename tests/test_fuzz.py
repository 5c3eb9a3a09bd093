"""Hostile input, fuzzed: the question path and the corpus loader never fall over.

Questions: random Unicode, control characters, right-to-left marks, strings up
to 10,000 characters, HTML/Markdown fragments, only stop words, only
punctuation, emoji. `Engine.search` must not raise and must finish within
Hypothesis' per-example deadline (bounded work, no wall-clock assertion of
ours); every HTML message built from its answer must pass the stand-in's
Telegram validator (`render_text`: parses as Telegram HTML, not empty, at most
4,096 UTF-16 units); the plain renderer must not raise.

Corpus: random bytes and random JSON lines in a `.jsonl`: the loader raises
nothing but `CorpusError`, and every non-blank line becomes an article or a
Problem (none is silently lost).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import Catalogue
from bot import render
from config.settings import BUNDLED_LANGUAGE_DATA
from retrieval.corpus import CorpusError, load_corpus
from tests.botapi import render_text
from tests.sampling import examples


def _words(name: str) -> list[str]:
    lines = (BUNDLED_LANGUAGE_DATA / name).read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


STOP_WORDS = _words("stopwords-id.txt") + _words("stopwords-questions.txt")
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’…—–¿¡·•"
CONTROL = "".join(chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0)))
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200b\u200c\u200d\ufeff"
EMOJI = "😀🇮🇩👍🏽👨‍👩‍👧‍👦🔥❤️✨🙏🏻" + "\U0001f9d1\u200d\U0001f4bb"
MARKUP = [
    "<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>", "</a>", "<script>", "&amp;", "&", "&lt;",
    "&#0;", "&nbsp;", "<blockquote>", "<tg-spoiler>", "**bold**", "__it__", "`code`", "```pre```",
    "[link](http://x)", "~~s~~", "||spoiler||", "\\", "<", ">", '"', "'",
]

questions = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=CONTROL + BIDI + "abc ", max_size=200),
    st.text(max_size=10_000, min_size=2_000),
    st.lists(st.sampled_from(MARKUP + ["banjir", "Suriah", "siapa", " "]), max_size=40).map("".join),
    st.lists(st.sampled_from(STOP_WORDS), min_size=1, max_size=30).map(" ".join),
    st.text(alphabet=PUNCTUATION + " ", max_size=200),
    st.text(alphabet=EMOJI + " ", max_size=100),
    st.tuples(st.text(alphabet=BIDI, max_size=5), st.sampled_from(["Siapa pemimpin koalisi oposisi Suriah?", "Rusia"]),
              st.text(alphabet=EMOJI + PUNCTUATION, max_size=20)).map("".join),
)

_settings = settings(
    max_examples=examples(400),
    # Bounded work per question: a 10,000-character question included.
    deadline=dt.timedelta(milliseconds=1500),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _valid(message: str) -> None:
    render_text(message, "HTML")  # raises ApiError(400) exactly where Telegram would refuse


@_settings
@given(question=questions, lang=st.sampled_from(["id", "en"]))
def test_any_question_is_searched_and_rendered_as_valid_telegram_html(engine, question: str, lang: str) -> None:
    answer = engine.search(question, k=4)
    assert answer.query == question
    render.answer_text(answer, lang=lang, catalogue=Catalogue.of(engine.articles))  # the console: never raises
    if not answer.answered:
        _valid(render.render_no_answer(question, Catalogue.of(engine.articles), lang=lang))
        return
    for offset in (0, 3):  # offset > 0 echoes the question in the header
        rendered = render.render_answer(answer, lang=lang, k=3, offset=offset, context_buttons=True,
                                        cache_key="AbCd_123")
        _valid(rendered.text)
    for hit in answer.hits:
        item = render.render_inline(hit, lang=lang)
        _valid(item.message)
        assert item.title.strip() and len(item.id.encode()) <= 64
        sentences = engine.context(hit.sentence.sid, before=2, after=2)
        _valid(render.render_context(sentences, hit.article, hit.sentence.sid, lang=lang))


@settings(max_examples=examples(150), deadline=dt.timedelta(milliseconds=1500))
@given(question=questions, k=st.integers(-2, 12), offset=st.integers(0, 50))
def test_search_accepts_any_k_and_offset(engine, question: str, k: int, offset: int) -> None:
    answer = engine.search(question, k=k, offset=offset)
    assert len(answer.hits) <= max(k, 0)


# --- corpus loader ---------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=6) | st.integers() | st.none(),
        "title": st.text(max_size=40) | _json_values,
        "source": st.text(max_size=20) | _json_values,
        "date": st.dates().map(str) | st.text(max_size=12) | _json_values,
        "text": st.text(max_size=200) | _json_values,
        "url": st.text(max_size=30) | st.none(),
    },
).map(lambda record: json.dumps(record, ensure_ascii=False).encode())
_lines = st.lists(
    st.one_of(
        st.binary(max_size=80).map(lambda b: b.replace(b"\n", b"")),
        _json_values.map(lambda v: json.dumps(v).encode()),
        _records,
        st.just(b'{"id": "x", "title": "T", "source": "S", "date": "2020-01-02", "text": "Kalimat satu."}'),
    ),
    max_size=12,
)


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=_lines)
def test_jsonl_loader_never_raises_and_accounts_for_every_line(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(b"\n".join(lines))
        try:
            corpus = load_corpus(path)
        except CorpusError as error:
            # Only when nothing usable is there: the error lists the first (up to 5) bad lines.
            assert len(error.problems) == min(5, sum(1 for line in lines if line.strip()))
            return
    assert len(corpus.articles) + len(corpus.problems) == sum(1 for line in lines if line.strip())
    assert corpus.articles
