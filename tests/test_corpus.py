"""The corpus loader: the bundled seed corpus, and hostile or broken corpora built in tmp_path."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import tracemalloc
from pathlib import Path

import pytest
import yaml

from retrieval.corpus import (
    DEFAULT_MAX_ARTICLE_BYTES,
    Corpus,
    CorpusError,
    Problem,
    iter_corpus,
    load_corpus,
)
from retrieval.records import Article

BUNDLED = Path(__file__).resolve().parent.parent / "corpus"

GOOD_FRONT = '---\nid: "{id}"\ntitle: "Judul {id}"\nsource: "Sumber"\ndate: 2016-12-14\n---\n'


def good_md(article_id: str, body: str = "Rusia dan AS bertemu di Jenewa.") -> str:
    return GOOD_FRONT.format(id=article_id) + "\n" + body + "\n"


def corpus_with(tmp_path: Path, bad: bytes | str, *, name: str = "b-bad.md") -> tuple[Corpus, Path]:
    """A folder with one good article and one bad one; returns the load and the bad file."""
    (tmp_path / "a-good.md").write_text(good_md("good"), encoding="utf-8")
    bad_file = tmp_path / name
    if isinstance(bad, str):
        bad_file.write_text(bad, encoding="utf-8")
    else:
        bad_file.write_bytes(bad)
    return load_corpus(tmp_path), bad_file


def only_problem(corpus: Corpus, bad_file: Path) -> Problem:
    assert [a.id for a in corpus.articles] == ["good"], "the good article must still load"
    assert len(corpus.problems) == 1, corpus.problems
    problem = corpus.problems[0]
    assert problem.location == str(bad_file)
    return problem


# --- the bundled corpus -------------------------------------------------------------


EXPECTED = {
    # id: (date, approximate, author, source)
    "rusia-undang-oposisi-suriah-ke-moskow": (
        dt.date(2015, 8, 5), False, None, "Associated Press (terjemahan)"),
    "lavrov-as-hindari-serang-al-nusra": (
        dt.date(2016, 12, 14), False, None, "Russia Beyond (Rossiyskaya Gazeta)"),
    "kontak-rusia-as-suriah-berlanjut": (dt.date(2017, 2, 7), False, None, "Russia Beyond"),
    "rusia-kontak-langsung-hts": (dt.date(2024, 12, 13), False, "Khalied Malvino", "Pantau"),
    "rusia-tutup-negosiasi-aleppo-timur": (
        dt.date(2016, 12, 7), True, "Sulhi El-Izzi", "Kiblat.net (sumber: Al-Jazeera)"),
}


def test_bundled_corpus_loads_with_exact_metadata() -> None:
    corpus = load_corpus(BUNDLED)
    assert corpus.problems == ()
    got = {a.id: (a.date, a.date_approximate, a.author, a.source) for a in corpus.articles}
    assert got == EXPECTED
    assert all(a.url is None for a in corpus.articles), "no URL is known: none may be invented"
    titles = {a.id: a.title for a in corpus.articles}
    assert titles["rusia-undang-oposisi-suriah-ke-moskow"] == "Rusia Undang Kelompok Oposisi Utama Suriah ke Moskow"
    assert titles["rusia-tutup-negosiasi-aleppo-timur"] == "Oposisi: Rusia Tutup Seluruh Pintu Negosiasi untuk Aleppo Timur"


def test_bundled_files_are_named_by_date_and_carry_exactly_the_agreed_fields() -> None:
    files = sorted(p for p in BUNDLED.glob("*.md"))
    assert len(files) == 5
    by_id = {a.id: a for a in load_corpus(BUNDLED).articles}
    for file in files:
        front = file.read_text(encoding="utf-8").split("---\n")[1]
        meta = yaml.safe_load(front)
        assert set(meta) <= {"id", "title", "source", "date", "date_approximate", "author", "url"}
        assert set(meta) >= {"id", "title", "source", "date", "date_approximate", "author"}
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})-[a-z0-9-]+\.md", file.name)
        assert match, file.name
        assert by_id[meta["id"]].date == dt.date.fromisoformat(match.group(1))


BOILERPLATE = ["Baca juga", "SHARE", "kuki", "Langganan", "Hak cipta", "Getty Images", "Penulis :",
               "Reporter:", "Sumber:", "mohon masukkan tautan", "HOME", "Pantau Flash", "Foto:",
               "Anda mungkin juga berminat"]
BARE_CREDITS = {"Reuters", "Flickr / MFA Russia", "(Getty Images)"}


@pytest.mark.parametrize("article", load_corpus(BUNDLED).articles, ids=lambda a: a.id)
def test_bundled_bodies_are_reporting_only(article: Article) -> None:
    for phrase in BOILERPLATE:
        assert phrase not in article.text, phrase
    paragraphs = [p.strip() for p in article.text.split("\n\n")]
    assert all(paragraphs), "no empty paragraphs"
    assert not BARE_CREDITS & set(paragraphs)
    assert len(paragraphs) == len(set(paragraphs)), "a caption or paragraph is printed twice"
    assert paragraphs[0] != article.title, "the headline is metadata, not the first paragraph"


def test_bundled_bodies_keep_reporting_verbatim() -> None:
    text = {a.id: a.text for a in load_corpus(BUNDLED).articles}
    # Typos and odd spacing of the originals are kept, not corrected.
    assert "seperti dikutipSputnik." in text["lavrov-as-hindari-serang-al-nusra"]
    assert "perjanjian yang disepakatai karena" in text["kontak-rusia-as-suriah-berlanjut"]
    assert "bin Salman di St. Sang pangeran" in text["rusia-undang-oposisi-suriah-ke-moskow"]
    assert text["rusia-tutup-negosiasi-aleppo-timur"].startswith("KIBLAT.NET, Aleppo – Oposisi Suriah")
    assert "\n\nDukungan Rusia di DK PBB\n\n" in text["rusia-tutup-negosiasi-aleppo-timur"]
    assert "\n\nPantau - Rusia telah menjalin kontak langsung" in text["rusia-kontak-langsung-hts"]
    # A caption with facts is kept once, without its photo credit.
    assert text["rusia-kontak-langsung-hts"].count("berhasil merebut Aleppo, Hama, Homs") == 1


# --- Markdown problems, one bad file among good ones ------------------------------------


FRONT_OK = 'title: "Judul"\nsource: "Sumber"\n'

BAD_MARKDOWN = [
    # (case, file content, field, words the message must contain)
    ("no opening", "Judul\n\nTeks.\n", "front matter", "must start with a '---'"),
    ("no closing", f"---\n{FRONT_OK}\nTeks tanpa penutup.\n", "front matter", "no closing '---'"),
    ("yaml syntax", '---\ntitle: "Judul\nsource: [x\n---\nTeks.\n', "front matter", "not valid YAML at line"),
    ("not a mapping", "---\n- title\n- source\n---\nTeks.\n", "front matter", "must be a mapping"),
    ("scalar front matter", "---\njust words\n---\nTeks.\n", "front matter", "must be a mapping"),
    ("missing title", '---\nsource: "S"\n---\nTeks.\n', "title", "is missing"),
    ("misspelt title", '---\ntitel: "J"\nsource: "S"\n---\nTeks.\n', "title", "found unknown field 'titel'"),
    ("blank title", '---\ntitle: "  "\nsource: "S"\n---\nTeks.\n', "title", "is blank"),
    ("numeric title", "---\ntitle: 1945\nsource: S\n---\nTeks.\n", "title", "must be text, not a number"),
    ("null title", "---\ntitle: null\nsource: S\n---\nTeks.\n", "title", "is null"),
    ("missing source", '---\ntitle: "J"\n---\nTeks.\n', "source", "is missing"),
    ("blank source", '---\ntitle: "J"\nsource: ""\n---\nTeks.\n', "source", "is blank"),
    ("list author", f"---\n{FRONT_OK}author: [a, b]\n---\nTeks.\n", "author", "must be text, not a list"),
    ("unparsable date", f"---\n{FRONT_OK}date: 14/12/2016\n---\nTeks.\n", "date", '"14/12/2016" is not a date'),
    ("impossible month", f"---\n{FRONT_OK}date: 2016-13-01\n---\nTeks.\n", "date", '"2016-13-01" is not a date in YYYY-MM-DD form'),
    ("impossible day", f"---\n{FRONT_OK}date: 2017-02-29\n---\nTeks.\n", "date", "is not a date"),
    ("compact date", f"---\n{FRONT_OK}date: '20161214'\n---\nTeks.\n", "date", "is not a date"),
    ("numeric date", f"---\n{FRONT_OK}date: 2016\n---\nTeks.\n", "date", "not a number"),
    ("approximate yes", f"---\n{FRONT_OK}date: 2016-12-07\ndate_approximate: yes\n---\nTeks.\n", "date_approximate", "must be true or false"),
    ("approximate 1", f"---\n{FRONT_OK}date: 2016-12-07\ndate_approximate: 1\n---\nTeks.\n", "date_approximate", "must be true or false"),
    ("approximate without date", f"---\n{FRONT_OK}date_approximate: true\n---\nTeks.\n", "date_approximate", "no date"),
    ("empty body", f"---\n{FRONT_OK}---\n\n  \n\n", "body", "is empty"),
    ("text in front matter", f"---\n{FRONT_OK}text: x\n---\nTeks.\n", "text", "below the front matter"),
    ("blank id", f"---\nid: ' '\n{FRONT_OK}---\nTeks.\n", "id", "is blank"),
    ("duplicate key", f"---\n{FRONT_OK}title: Lagi\n---\nTeks.\n", "front matter", "'title' appears more than once"),
    ("anchor", f"---\n{FRONT_OK}author: &a Siapa\n---\nTeks.\n", "front matter", "anchor (&a)"),
    ("anchor and alias", "---\ntitle: &t Judul\nsource: *t\n---\nTeks.\n", "front matter", "anchor (&t)"),
    ("python tag", f"---\n{FRONT_OK}author: !!python/object/apply:os.getcwd []\n---\nTeks.\n", "front matter", "tag 'tag:yaml.org,2002:python/object/apply:os.getcwd'"),
    ("custom tag", f"---\n{FRONT_OK}author: !penulis Siapa\n---\nTeks.\n", "front matter", "tag '!penulis'"),
    ("explicit str tag", f"---\n{FRONT_OK}author: !!str Siapa\n---\nTeks.\n", "front matter", "tags are not allowed"),
    # Kutip's own depth check or, when the YAML library's scanner refuses first
    # (PyYAML >= 6.0.4), Kutip's invalid-YAML wording: either names file and field.
    ("deep nesting", "---\ntitle: " + "[" * 3000 + "\n---\nTeks.\n", "front matter", ("nested more than 8 levels deep", "is not valid YAML at line 2")),
]


@pytest.mark.parametrize(("content", "field", "words"), [c[1:] for c in BAD_MARKDOWN], ids=[c[0] for c in BAD_MARKDOWN])
def test_bad_markdown_is_one_problem_naming_file_and_field(
    tmp_path: Path, content: str, field: str, words: str | tuple[str, ...]
) -> None:
    corpus, bad_file = corpus_with(tmp_path, content)
    problem = only_problem(corpus, bad_file)
    assert problem.field == field
    assert any(w in problem.message for w in ((words,) if isinstance(words, str) else words)), problem.message
    assert str(problem).startswith(f"{bad_file}: field '{field}': ")


def test_not_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    data = good_md("latin").encode("utf-8").replace(b"Jenewa", b"Jen\xe9wa")
    corpus, bad_file = corpus_with(tmp_path, data)
    problem = only_problem(corpus, bad_file)
    offset = data.index(b"\xe9")
    assert problem.field is None
    assert f"byte offset {offset}" in problem.message and "not UTF-8" in problem.message


def test_binary_content_is_refused(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    corpus, bad_file = corpus_with(tmp_path, data, name="image.md")
    problem = only_problem(corpus, bad_file)
    assert "NUL byte at byte offset 8" in problem.message and "binary" in problem.message


def test_article_over_the_size_cap_is_refused_before_reading(tmp_path: Path) -> None:
    big = good_md("big", "Kalimat panjang. " * (DEFAULT_MAX_ARTICLE_BYTES // 17 + 10))
    corpus, bad_file = corpus_with(tmp_path, big)
    problem = only_problem(corpus, bad_file)
    assert f"over the {DEFAULT_MAX_ARTICLE_BYTES:,}-byte limit" in problem.message
    assert "max_article_bytes" in problem.message
    # The cap is a keyword option; raising it lets the same file load.
    assert len(load_corpus(tmp_path, max_article_bytes=4 * DEFAULT_MAX_ARTICLE_BYTES).articles) == 2


def test_small_size_cap_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(good_md("a", "Pendek."), encoding="utf-8")
    (tmp_path / "b.md").write_text(good_md("b", "Panjang sekali. " * 100), encoding="utf-8")
    corpus = load_corpus(tmp_path, max_article_bytes=500)
    assert [a.id for a in corpus.articles] == ["a"]
    assert corpus.problems[0].location == str(tmp_path / "b.md")


def test_billion_laughs_is_reported_without_expansion(tmp_path: Path) -> None:
    levels = ['lol0: &l0 "lol"'] + [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "---\n" + FRONT_OK + "\n".join(levels) + "\nauthor: *l9\n---\nTeks.\n"
    corpus, bad_file = corpus_with(tmp_path, bomb)
    problem = only_problem(corpus, bad_file)
    assert problem.field == "front matter" and "anchor" in problem.message


def test_python_tag_executes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    payload = (
        f"---\n{FRONT_OK}author: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n"
        "---\nTeks.\n"
    )
    corpus, bad_file = corpus_with(tmp_path, payload)
    problem = only_problem(corpus, bad_file)
    assert "tags are not allowed" in problem.message
    assert not marker.exists()


def test_oversized_front_matter_is_refused_before_parsing(tmp_path: Path) -> None:
    content = "---\n" + FRONT_OK + "catatan: " + "x" * 70_000 + "\n---\nTeks.\n"
    corpus, bad_file = corpus_with(tmp_path, content)
    problem = only_problem(corpus, bad_file)
    assert problem.field == "front matter" and "bytes" in problem.message


def test_duplicate_id_keeps_the_first_and_reports_the_second(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(good_md("same", "Pertama."), encoding="utf-8")
    (tmp_path / "b.md").write_text(good_md("same", "Kedua."), encoding="utf-8")
    (tmp_path / "c.md").write_text(good_md("other"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [(a.id, a.text) for a in corpus.articles][:1] == [("same", "Pertama.")]
    assert [a.id for a in corpus.articles] == ["same", "other"]
    (problem,) = corpus.problems
    assert (problem.location, problem.field) == (str(tmp_path / "b.md"), "id")
    assert "duplicate id 'same'" in problem.message and str(tmp_path / "a.md") in problem.message


def test_missing_id_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    (tmp_path / "2016-12-14-tanpa-id.md").write_text(f"---\n{FRONT_OK}---\nTeks.\n", encoding="utf-8")
    (article,) = load_corpus(tmp_path).articles
    assert article.id == "2016-12-14-tanpa-id"
    assert article.date is None and article.date_approximate is False and article.author is None


def test_markdown_values_are_read_as_written(tmp_path: Path) -> None:
    content = (
        "---\r\nid: 42\r\ntitle: No\r\nsource: Off\r\ndate: 2016-12-07\r\ndate_approximate: true\r\n"
        "author: ''\r\nurl: https://example.org/a\r\nkategori: dunia\r\n---\r\n\r\nParagraf satu.\r\n\r\nParagraf dua.\r\n"
    )
    (tmp_path / "x.md").write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    (article,) = load_corpus(tmp_path).articles
    # YAML 1.1 would make `No`/`Off` booleans and the date a timestamp; here they stay as written.
    assert article == Article(
        id="42", title="No", source="Off", date=dt.date(2016, 12, 7), text="Paragraf satu.\n\nParagraf dua.",
        date_approximate=True, author=None, url="https://example.org/a",
    )


def test_folder_is_read_recursively_in_order_skipping_lang_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text(good_md("b-z"), encoding="utf-8")
    (tmp_path / "a.md").write_text(good_md("a"), encoding="utf-8")
    (tmp_path / "c.md").write_text(good_md("c"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an article", encoding="utf-8")
    for skipped in ("lang", "b/lang", ".git"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "stopwords.md").write_text("no front matter", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.problems == ()
    assert [a.id for a in corpus.articles] == ["a", "b-z", "c"]


def test_folder_loads_jsonl_files_with_the_markdown(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(good_md("a"), encoding="utf-8")
    (tmp_path / "ingested.jsonl").write_text(
        json.dumps(jsonl_record("from-feed")) + "\n" + json.dumps(jsonl_record("a")) + "\n{broken\n", encoding="utf-8"
    )
    (tmp_path / "lang").mkdir()
    (tmp_path / "lang" / "data.jsonl").write_text("not articles", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["a", "from-feed"]
    # The id clash across files and the broken line are named; the rest loads.
    assert [p.location for p in corpus.problems] == [
        f"{tmp_path / 'ingested.jsonl'} line 2", f"{tmp_path / 'ingested.jsonl'} line 3"
    ]


def test_problem_reads_as_one_actionable_line() -> None:
    assert str(Problem("corpus/x.md", "date", '"2016-13-01" is not a date in YYYY-MM-DD form')) == (
        'corpus/x.md: field \'date\': "2016-13-01" is not a date in YYYY-MM-DD form'
    )
    assert str(Problem("big.jsonl line 12", None, "is not valid JSON")) == "big.jsonl line 12: is not valid JSON"


# --- JSONL --------------------------------------------------------------------------------


LAVROV = "Lavrov bertemu Kerry di Kuala Lumpur."


def jsonl_record(article_id: str, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": article_id, "title": f"Judul {article_id}", "source": "Sumber", "date": "2016-12-14",
        "url": None, "text": "Lavrov bertemu Kerry di Kuala Lumpur.",
    }
    record.update(changes)
    return record


def test_jsonl_reports_each_bad_line_and_loads_the_rest(tmp_path: Path) -> None:
    lines: list[bytes] = [
        json.dumps(jsonl_record("a")).encode(),                                   # 1 good
        b'{"id": "b", "title": "T", ',                                            # 2 broken JSON
        b"[1, 2, 3]",                                                             # 3 not an object
        json.dumps(jsonl_record("c", title=12)).encode(),                         # 4 wrong type
        json.dumps({k: v for k, v in jsonl_record("d").items() if k != "id"}).encode(),  # 5 no id
        b"",                                                                      # 6 blank: skipped
        json.dumps(jsonl_record("e", date=None, author="Penulis")).encode(),      # 7 good, no date
        json.dumps(jsonl_record("f", text="Jen\u00e9wa"), ensure_ascii=False).encode().replace(b"\xc3\xa9", b"\xe9"),  # 8 latin-1
        json.dumps(jsonl_record("g", date="2016-02-30")).encode(),                # 9 impossible date
        json.dumps(jsonl_record("a", text="Versi baru.")).encode(),               # 10 same id: a newer version
        json.dumps(jsonl_record("h", text="   ")).encode(),                       # 11 empty text
        json.dumps(jsonl_record("i", date_approximate="true")).encode(),          # 12 approximate as text
        b'{"id": "j", "title": "T\\u0000", "text": "\x00"}',                    # 13 NUL byte
        json.dumps(jsonl_record("k", source=None)).encode(),                      # 14 null source
        json.dumps(jsonl_record(7)).encode(),                                     # 15 numeric id: accepted
    ]
    file = tmp_path / "big.jsonl"
    file.write_bytes(b"\n".join(lines) + b"\n")
    corpus = load_corpus(file)
    # A JSONL file is an append log: line 10 is a newer version of article "a", not a problem.
    assert [a.id for a in corpus.articles] == ["a", "e", "a", "7"]
    assert [(a.id, a.text) for a in corpus.current] == [("e", LAVROV), ("a", "Versi baru."), ("7", LAVROV)]
    assert corpus.articles[1].date is None and corpus.articles[1].author == "Penulis"
    found = {(p.location.removeprefix(f"{file} "), p.field) for p in corpus.problems}
    assert found == {
        ("line 2", None), ("line 3", None), ("line 4", "title"), ("line 5", "id"), ("line 8", None),
        ("line 9", "date"), ("line 11", "text"), ("line 12", "date_approximate"),
        ("line 13", None), ("line 14", "source"),
    }
    messages = {p.location.rsplit(" ", 1)[-1]: p.message for p in corpus.problems}
    assert "not valid JSON" in messages["2"]
    assert "must be a JSON object" in messages["3"]
    assert "must be text, not a number (12)" in messages["4"]
    assert "is missing" in messages["5"]
    offset = lines[7].index(b"\xe9")
    assert f"byte offset {offset}" in messages["8"]
    assert "NUL byte" in messages["13"]


def test_jsonl_oversized_line_is_skipped_without_losing_the_next(tmp_path: Path) -> None:
    file = tmp_path / "c.jsonl"
    huge = json.dumps(jsonl_record("huge", text="kata " * 5000))
    file.write_text("\n".join([json.dumps(jsonl_record("a")), huge, json.dumps(jsonl_record("b"))]), encoding="utf-8")
    corpus = load_corpus(file, max_article_bytes=1000)
    assert [a.id for a in corpus.articles] == ["a", "b"]
    (problem,) = corpus.problems
    assert problem.location == f"{file} line 2" and "1,000-byte limit" in problem.message


def test_jsonl_is_streamed(tmp_path: Path) -> None:
    file = tmp_path / "stream.jsonl"
    good = json.dumps(jsonl_record("first")) + "\n"
    # ~3 MB in 2,000 lines of ~1.5 kB: the size that matters here, without parsing 20,000 articles.
    text = "Lavrov bertemu Kerry di Kuala Lumpur untuk membahas gencatan senjata di Suriah. " * 18
    filler = "".join(json.dumps(jsonl_record(f"n{i}", text=text)) + "\n" for i in range(2_000))
    file.write_bytes(good.encode() + b"{broken\n\xff\xfe\n" + filler.encode())
    stream = iter_corpus(file)
    assert inspect.isgenerator(stream)
    tracemalloc.start()
    try:
        first = next(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(first, Article) and first.id == "first"
    # The file is ~3 MB; reading it whole would show here (peak above the file's size).
    assert file.stat().st_size > 2_500_000 and peak < 1_000_000, peak
    rest = list(stream)
    assert sum(isinstance(x, Problem) for x in rest) == 2
    assert sum(isinstance(x, Article) for x in rest) == 2_000


# --- unusable corpora -----------------------------------------------------------------------


def test_missing_path_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist: set CORPUS_PATH"):
        iter_corpus(tmp_path / "nowhere")


def test_other_file_types_are_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "articles.csv").write_text("id,title\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="neither a folder nor a .jsonl file"):
        load_corpus(tmp_path / "articles.csv")


def test_empty_folder_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "lang").mkdir()
    (tmp_path / "lang" / "x.md").write_text(good_md("lang-only"), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus is empty: no Markdown article \(\*\.md\)"):
        load_corpus(tmp_path)


def test_empty_jsonl_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="contains no article lines"):
        load_corpus(tmp_path / "empty.jsonl")


def test_corpus_of_only_bad_articles_is_a_corpus_error_that_lists_them(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("no front matter", encoding="utf-8")
    (tmp_path / "b.md").write_text(f"---\n{FRONT_OK}---\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no article could be loaded") as caught:
        load_corpus(tmp_path)
    assert [(p.location, p.field) for p in caught.value.problems] == [
        (str(tmp_path / "a.md"), "front matter"), (str(tmp_path / "b.md"), "body"),
    ]
