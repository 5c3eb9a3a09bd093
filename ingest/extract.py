"""Saved or fetched HTML page -> `Extracted` (title, source, date, author, body).

trafilatura (with htmldate for dates) does the heavy lifting: it is the
field's standard, kept up, and measured on `../shared/datasets/news-pages`.
What it gets wrong on Indonesian news is fixed here, with the patterns kept
as language data in `corpus/lang/extraction/` (see `ingest/langdata.py`):

- titles keep the site's suffix (`... | Republika Online`);
- the site name is a company or a host (`Antara News Agency`,
  `lifestyle.okezone.com`), not the name a reader knows;
- bylines carry role labels (`Pewarta Nur Imansyah`), an editor instead of the
  writer, or the publisher (`PT VIVA MEDIA BARU`);
- the dateline paragraph (`VIVA.co.id - Pianis ...`) is sometimes dropped;
- copyright lines, credit tables and related-article lists leak into the body,
  and on some pages the related list is all that comes out.

Nothing is invented: a field that cannot be found is None, with a note.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterable

import lxml.html
from lxml import etree

from ingest import langdata
from ingest.records import Extracted, NotAnArticle

# Pages above this size are refused before parsing: real articles are a few
# hundred kilobytes, and the fetcher enforces its own (smaller) limit.
MAX_HTML_BYTES = 16 * 1024 * 1024
# Real article pages have a few thousand elements (the benchmark's at most
# 1,800). Far above that the library's fallback extractors (readability,
# jusText) take tens of seconds, so only its main pass runs; beyond
# MAX_ELEMENTS the page is refused, which bounds the time one page can take.
_FAST_ABOVE_ELEMENTS = 10_000
MAX_ELEMENTS = 150_000
# Less running text than this is not an article (a login wall, an empty template).
_MIN_TEXT_CHARS = 200

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF media file (WebP image, WAV audio or AVI video)"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x00", "binary data (a video or image container)"),
)

_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BLOCK_TAGS = frozenset(
    "p div section article h1 h2 h3 h4 h5 h6 li ul ol blockquote table tr td th "
    "figure figcaption header footer pre dd dt dl center".split()
)
_DROP_TAGS = (
    "script", "style", "noscript", "iframe", "form", "button", "nav", "aside",
    "select", "svg", "template", "object", "embed", "head",
)
# Class or id words of page furniture inside an article container.
_FURNITURE = re.compile(
    r"(^|[\s_-])(share|sharing|social|sosmed|related|terkait|baca-?juga|readmore|read-more|"
    r"iklan|ads?|advert\w*|banner|comments?|komentar|newsletter|subscribe|langganan|tags?|topik|"
    r"breadcrumbs?|footer|menu|nav\w*|sidebar|popular|populer|terpopuler|widget|recommend\w*|"
    r"rekomendasi|promo|author-?box|byline)($|[\s_-])",
    re.IGNORECASE,
)
_BYLINE_CLASS = re.compile(
    r"author|byline|reporter|writer|penulis|jurnalis|wartawan|pewarta|kontributor|creator",
    re.IGNORECASE,
)
# Between a headline and the site's name in <title>: ` - `, ` | `, ` :: `, ` : `, ` » `.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—-]{1,2}|::?|»|·)\s+")
# A date opening a line: related-article list items carry one before the headline.
_LEADING_DATE = re.compile(
    r"^((senin|selasa|rabu|kamis|jumat|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\s*,?\s*)?\d{1,2}[\s/.-]+(\w+|\d{1,2})[\s/.-]+\d{2,4}\s*[,|-]?\s*"
    r"(\d{1,2}[:.]\d{2}\s*(wib|wita|wit)?)?\s*",
    re.IGNORECASE,
)


def extract_html(
    html: bytes | str,
    *,
    url: str | None = None,
    max_bytes: int = MAX_HTML_BYTES,
    language: langdata.LangData | None = None,
) -> Extracted:
    """Extract one article from a page; raise `NotAnArticle` when the page holds none.

    `url` is where the page came from (it helps the date, the source and
    relative links); the canonical URL the page declares wins in the result.
    `language`: the outlet names, roles and boilerplate to read it with
    (`langdata.at(LANGUAGE_DATA_PATH)`; the bundled ones when None).
    """
    where = url or "the page"
    text = _decode(html, where=where, max_bytes=max_bytes)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"{where}: not readable as HTML ({exc})") from None
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise NotAnArticle(
            f"{where}: too complex to be an article page ({elements:,} HTML elements; the limit is {MAX_ELEMENTS:,})"
        )
    data = language or langdata.bundled()
    document = _trafilatura(tree, url, fast=elements > _FAST_ABOVE_ELEMENTS)
    notes: list[str] = []

    canonical = _canonical_url(tree, document, url)
    sitename = _clean(getattr(document, "sitename", None))
    source = _source(data, canonical, url, sitename)
    if source is None:
        notes.append("no source: the page names no outlet and its address is unknown")
    title = _title(data, tree, _raw_title(tree) or _clean(getattr(document, "title", None)), source, sitename, canonical or url)
    if title is None:
        notes.append("no title found on the page")
    date = _date(getattr(document, "date", None))
    if date is None:
        notes.append("no publication date found on the page")
    author = _author(data, tree, text, _clean(getattr(document, "author", None)))
    if author is None:
        notes.append("no author named on the page")

    anchors = _anchor_texts(tree)
    body = _body(data, tree, document, title=title, anchors=anchors, where=where)
    return Extracted(
        text=body,
        title=title,
        source=source,
        date=date,
        date_approximate=False,
        author=author,
        url=canonical or url,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


def _decode(html: bytes | str, *, where: str, max_bytes: int) -> str:
    if isinstance(html, str):
        if len(html) > max_bytes:
            raise NotAnArticle(f"{where}: too large ({len(html):,} characters; the limit is {max_bytes:,})")
        text = html
    elif isinstance(html, (bytes, bytearray, memoryview)):
        raw = bytes(html)
        if len(raw) > max_bytes:
            raise NotAnArticle(f"{where}: too large ({len(raw):,} bytes; the limit is {max_bytes:,})")
        text = _decode_bytes(raw, where=where)
    else:
        raise TypeError(f"html must be bytes or str, not {type(html).__name__}")
    if not text.strip():
        raise NotAnArticle(f"{where}: empty (no content at all)")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch in "\x00\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    if controls > max(8, len(sample) // 50):
        raise NotAnArticle(f"{where}: binary data, not an HTML page")
    if "<" not in text[:65536]:
        raise NotAnArticle(f"{where}: no HTML markup (plain text? use the text-copy extraction)")
    # lxml refuses control characters and lone surrogates anywhere in a string.
    return _UNSAFE_CHARS.sub(" ", text)


def _decode_bytes(raw: bytes, *, where: str) -> str:
    head = raw[:16]
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise NotAnArticle(f"{where}: {kind}, not an HTML page")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if head.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", raw[:4096], re.IGNORECASE)
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    from trafilatura.utils import detect_encoding

    for guess in detect_encoding(raw):
        try:
            return raw.decode(guess)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _trafilatura(tree: lxml.html.HtmlElement, url: str | None, *, fast: bool):
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            copy.deepcopy(tree),
            url=url,
            fast=fast,
            with_metadata=True,
            include_links=True,
            include_comments=False,
            include_tables=True,
        )
    except Exception:  # noqa: BLE001 - a parser fault on one hostile page must not stop ingestion
        return None


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    text = langdata.collapse(value)
    return text or None


def _canonical_url(tree, document, url: str | None) -> str | None:
    for element in tree.xpath('//link[@rel="canonical"][@href] | //meta[@property="og:url"][@content]'):
        href = (element.get("href") or element.get("content") or "").strip()
        if href.startswith(("http://", "https://")):
            return href
    found = getattr(document, "url", None)
    if found and found.startswith(("http://", "https://")):
        return found
    return url


def _source(data: langdata.LangData, canonical: str | None, url: str | None, sitename: str | None) -> str | None:
    for address in (canonical, url):
        name = data.source_for_domain(address)
        if name:
            return name
    name = data.source_for_name(sitename)
    if name:
        return name
    if sitename and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}", sitename.casefold()):
        # `PT Warta Pesisir Tbk` -> `Warta Pesisir`: the company form is not what readers say.
        name = re.sub(r"^(pt|cv)\.?\s+|\s+tbk\.?$", "", sitename, flags=re.IGNORECASE).strip()
        if name:
            return name
    domain = _registered_label(canonical or url or sitename)
    return domain.capitalize() if domain else None


def _registered_label(address: str | None) -> str | None:
    """`lifestyle.okezone.com` -> `okezone`; `nasional.republika.co.id` -> `republika`."""
    host = langdata.host_of(address)
    if not host or "." not in host or re.fullmatch(r"[\d.]+", host):
        return None
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in {"co", "or", "ac", "go", "com", "net", "org", "web", "my", "sch"}:
        return labels[-3]
    return labels[-2]


def _raw_title(tree) -> str | None:
    """The page's own headline field as printed (og:title, else <title>), site name and all.

    Read here rather than taken from the library, which splits titles at
    separators itself and sometimes keeps the site's part.
    """
    for xpath in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content', "//title//text()"):
        values = [langdata.collapse(v) for v in tree.xpath(xpath)]
        values = [v for v in values if v]
        if values:
            return values[0]
    return None


def _title(
    data: langdata.LangData,
    tree,
    raw_title: str | None,
    source: str | None,
    sitename: str | None,
    address: str | None,
) -> str | None:
    headings = [langdata.collapse(h.text_content()) for h in tree.iter("h1")]
    headings = [h for h in headings if len(h.split()) >= 2]
    if not raw_title:
        return headings[0] if headings else None
    stripped = _strip_site(data, tree, raw_title, headings, source, sitename, address)
    return _visible_headline(stripped, headings) or stripped


def _visible_headline(title: str, headings: list[str]) -> str | None:
    """The page's <h1> when it is this article's headline worded differently.

    Many sites give search engines and social cards a shorter title than the
    headline readers see; the headline is what a reader would cite. An <h1>
    counts when it shares at least half the title's words.
    """
    words = _title_words(title)
    if not words:
        return None
    if any(_fold_title(heading) == _fold_title(title) for heading in headings):
        return None
    for heading in headings:
        if len(heading.split()) < 4 or len(heading.split()) > 40 or len(_TITLE_SEPARATORS.split(heading)) > 1:
            continue  # a logo or a page-title banner (`Okezone ... :: Okezone Lifestyle`)
        if len(words & _title_words(heading)) * 2 >= len(words):
            return heading
    return None


def _title_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 3}


def _strip_site(data, tree, raw_title: str, headings: list[str], source, sitename, address) -> str:
    segments = _TITLE_SEPARATORS.split(raw_title)
    if len(segments) == 1:
        return raw_title
    folded_headings = {_fold_title(h) for h in headings}
    # The page's own heading is one part of <title>: that part is the headline.
    for segment in segments:
        if _fold_title(segment) in folded_headings:
            return segment
    site_keys = {
        key
        for key in (
            langdata.fold_name(source or ""),
            langdata.fold_name(sitename or ""),
            _registered_label(address) or "",
        )
        if len(key) >= 3
    }
    for name in (source, sitename):
        table_name = data.source_for_name(name)
        if table_name:
            site_keys.add(langdata.fold_name(table_name))

    def is_site(segment: str) -> bool:
        key = langdata.fold_name(segment)
        if not key or len(segment.split()) > 5:
            return False
        if re.search(r"\.(com|co\.id|id|net|org|co)\b", segment, re.IGNORECASE):
            return True
        return any(site in key or key in site for site in site_keys)

    while len(segments) > 1 and is_site(segments[-1]):
        segments.pop()
    while len(segments) > 1 and is_site(segments[0]):
        segments.pop(0)
    separators = _TITLE_SEPARATORS.findall(raw_title)
    if len(segments) == len(separators) + 1:
        return raw_title
    # Rejoin what is left with the separators that stood between those parts.
    start = raw_title.find(segments[0])
    end = raw_title.rfind(segments[-1]) + len(segments[-1])
    return raw_title[start:end] if start >= 0 and end > start else segments[0]


def _fold_title(text: str) -> str:
    return langdata.fold_name(text)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- author ----------------------------------------------------------------


def _author(data: langdata.LangData, tree, page_text: str, library_author: str | None) -> str | None:
    """The writer the page names: a labelled byline first, then structured data, then the library's."""
    editors = _editor_names(data, page_text)
    rejected: list[str] = []
    # A name the page labels as the writer's (`Penulis: X`) stands even when X
    # also edited the piece; unlabelled names must not be an editor's.
    for candidate in _labelled_bylines(data, tree):
        name = data.person_name(candidate)
        if name:
            return name
        rejected.append(langdata.fold_person(candidate))
    candidates: list[str] = []
    candidates.extend(_schema_people(tree))
    candidates.extend(_itemprop_and_class_bylines(tree))
    candidates.extend(
        m.get("content", "") for m in tree.xpath('//meta[@name="author" or @property="article:author"]')
    )
    for candidate in candidates:
        name = data.person_name(candidate)
        if name and langdata.fold_person(name) not in editors:
            return name
        rejected.append(langdata.fold_person(candidate))
    # The library rewrites what it reads (`Designed by X` -> `X`, `site.com` ->
    # `Site Com`): its author counts only when it is not one we turned down.
    for part in re.split(r"\s*;\s*", library_author or ""):
        name = data.person_name(part)
        folded = langdata.fold_person(name) if name else ""
        if name and folded not in editors and not any(folded in r for r in rejected if r):
            return name
    return None


def _labelled_bylines(data: langdata.LangData, tree) -> list[str]:
    """`Pewarta: Nur Imansyah`, `Oleh : Maya Sofia`, `Reporter: ...` as printed on the page."""
    writers = [role for role in data.roles if role not in data.editor_roles]
    if not writers:
        return []
    label = re.compile(
        r"^\s*(?:" + "|".join(re.escape(r) for r in writers) + r")\b\s*:?\s*(.{2,80})$",
        re.IGNORECASE,
    )
    found: list[str] = []
    for element in tree.iter():
        if element.tag in ("script", "style") or not isinstance(element.tag, str):
            continue
        if element.tag not in ("div", "span", "p", "li", "small", "strong", "b", "em", "td", "address"):
            continue
        text = langdata.collapse(" ".join(element.itertext()))
        if len(text) > 90:
            continue
        match = label.match(text)
        if match:
            found.append(match.group(1))
    return found


def _schema_people(tree) -> list[str]:
    """Writers named in JSON-LD: `creator` before `author` (some CMSs put the editor in `author`)."""
    creators: list[str] = []
    authors: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            payload = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in _json_nodes(payload):
            creators.extend(_person_names(node.get("creator")))
            authors.extend(_person_names(node.get("author")))
    return creators + authors


def _json_nodes(payload, depth: int = 0) -> Iterable[dict]:
    if depth > 6:
        return
    if isinstance(payload, dict):
        yield payload
        for value in payload.values():
            if isinstance(value, (dict, list)):
                yield from _json_nodes(value, depth + 1)
    elif isinstance(payload, list):
        for item in payload[:50]:
            yield from _json_nodes(item, depth + 1)


def _person_names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if str(value.get("@type", "Person")).casefold() not in ("person", "['person']"):
            return []
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value[:10] for name in _person_names(item)]
    return []


def _itemprop_and_class_bylines(tree) -> list[str]:
    found: list[str] = []
    for element in tree.xpath('//*[@itemprop="author"] | //*[@rel="author"]'):
        named = element.xpath('.//*[@itemprop="name"]')
        if named:
            found.append(named[0].get("content") or named[0].text_content())
        else:
            found.append(element.get("content") or " ".join(element.itertext()))
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "body", "html"):
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if _BYLINE_CLASS.search(marker):
            text = langdata.collapse(" ".join(element.itertext()))
            if 2 <= len(text) <= 90:
                found.append(text)
    return found


def _editor_names(data: langdata.LangData, page_text: str) -> frozenset[str]:
    """Folded names the page gives after an editing label (`Editor:B Kunto Wibisono`)."""
    if not data.editor_roles:
        return frozenset()
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(r) for r in data.editor_roles) + r")\s*:\s*(?:<[^>]{0,200}>\s*)*"
        r"([A-Z][\w.'’ -]{1,60}?)\s*(?=[<\"\],;|\n]|$)",
        re.IGNORECASE,
    )
    return frozenset(langdata.fold_person(m.group(1)) for m in pattern.finditer(page_text[:2_000_000]))


# ---------------------------------------------------------------------------
# Body
# ---------------------------------------------------------------------------


def _anchor_texts(tree) -> frozenset[str]:
    """Folded texts of the page's links with three words or more (headlines of other articles)."""
    texts = set()
    for anchor in tree.iter("a"):
        text = langdata.collapse(anchor.text_content())
        if len(text.split()) >= 3:
            texts.add(_fold_title(text))
    return frozenset(texts)


def _body(data, tree, document, *, title: str | None, anchors: frozenset[str], where: str) -> str:
    library_blocks = _library_blocks(document)
    library = _keep(data, library_blocks, title=title, anchors=anchors)
    own_blocks = _container_blocks(tree)
    own = _keep(data, own_blocks, title=title, anchors=anchors)
    library_chars = sum(len(p) for p in library)
    own_chars = sum(len(p) for p in own)
    if own_chars >= _MIN_TEXT_CHARS and (library_chars < _MIN_TEXT_CHARS or _list_share(document) >= 0.5):
        # The library kept a link list (or nothing): read the article container instead.
        paragraphs = own
    else:
        paragraphs = _merge_edges(library, own)
    text = "\n\n".join(paragraphs)
    if len(text) < _MIN_TEXT_CHARS:
        dropped_links = sum(1 for block in library_blocks + own_blocks if _fold_title(_undated(block[0])) in anchors)
        if dropped_links >= 5:
            raise NotAnArticle(
                f"{where}: a list of links (an index, tag or search page), not an article; "
                "give the address of one article"
            )
        raise NotAnArticle(
            f"{where}: no article text found (under {_MIN_TEXT_CHARS} characters of running text; "
            "a login wall, an empty template or a page built by JavaScript?)"
        )
    return text


def _library_blocks(document) -> list[tuple[str, float]]:
    """(text, share of it inside links) for each paragraph trafilatura kept, in order."""
    body = getattr(document, "body", None)
    if body is None:
        return []
    blocks: list[tuple[str, float]] = []
    for element in body:
        if element.tag == "list":
            items = [(_xml_text(item), _link_share(item)) for item in element.iter("item")]
            if items and sum(1 for _, share in items if share >= 0.5) * 2 >= len(items):
                blocks.extend((text, 1.0) for text, _ in items)  # a related-articles list
            else:
                blocks.extend(items)
        elif element.tag == "table":
            for row in element.iter("row"):
                cells = [langdata.collapse(_xml_text(cell)) for cell in row.iter("cell")]
                blocks.append((" ".join(c for c in cells if c), _link_share(row)))
        else:
            share = _link_share(element)
            for line in _xml_text(element).split("\n"):
                blocks.append((line, share))
    return blocks


def _xml_text(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts)


def _link_share(element) -> float:
    total = len(langdata.collapse("".join(element.itertext())))
    if not total:
        return 0.0
    linked = sum(len(langdata.collapse("".join(ref.itertext()))) for ref in element.iter("ref"))
    return linked / total


def _container_blocks(tree) -> list[tuple[str, float]]:
    """Paragraphs of the element that holds the article, found without the library."""
    container = _article_container(tree)
    if container is None:
        return []
    container = copy.deepcopy(container)
    for element in list(container.iter()):
        if element is container or not isinstance(element.tag, str):
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag in _DROP_TAGS or _FURNITURE.search(marker):
            element.drop_tree()
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    text = container.text_content()
    blocks: list[tuple[str, float]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        for line in paragraph.split("\n"):
            if line.strip():
                blocks.append((line, 0.0))
    return blocks


def _article_container(tree):
    marked = tree.xpath('//*[@itemprop="articleBody"]')
    if marked:
        return max(marked, key=lambda e: len(e.text_content()))
    scores: dict = {}
    for paragraph in tree.iter("p", "div", "td", "section", "article"):
        # A paragraph is a <p>, or any block whose own text (not its children's) is running text.
        if paragraph.tag != "p":
            own_text = (paragraph.text or "") + "".join(child.tail or "" for child in paragraph)
            if len(own_text.strip()) < 40:
                continue
        if any(a.tag in ("nav", "footer", "aside", "header") for a in paragraph.iterancestors()):
            continue
        text = langdata.collapse(paragraph.text_content())
        linked = sum(len(langdata.collapse(a.text_content())) for a in paragraph.iter("a"))
        value = len(text) - 2 * linked
        if value < 40:
            continue
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + value
    if not scores:
        return None
    return max(scores, key=scores.get)


def _keep(data, blocks: list[tuple[str, float]], *, title: str | None, anchors: frozenset[str]) -> list[str]:
    """The reporting paragraphs of `blocks`: boilerplate, link lists, repeats and the headline out."""
    kept: list[str] = []
    seen: set[str] = set()
    folded_title = _fold_title(title) if title else None
    for raw, link_share in blocks:
        line = langdata.collapse(raw).lstrip("-•· ").strip()
        if not line:
            continue
        key = _fold_title(line)
        if not key or key in seen or not any(ch.isalpha() for ch in line):
            continue  # repeats, and counters left as text (`0`, `12.345`)
        if link_share >= 0.5 and len(line.split()) < 40:
            continue
        if _fold_title(_undated(line)) in anchors and len(line) <= 250:
            continue  # another article's headline (a related list)
        if folded_title and key == folded_title:
            continue
        if data.is_boilerplate(line):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def _undated(line: str) -> str:
    return _LEADING_DATE.sub("", langdata.collapse(line), count=1)


def _list_share(document) -> float:
    """Share of the library's body text inside lists: near 1 when it took a related-news list."""
    body = getattr(document, "body", None)
    if body is None:
        return 0.0
    total = len(langdata.collapse("".join(body.itertext())))
    if not total:
        return 0.0
    listed = sum(len(langdata.collapse("".join(e.itertext()))) for e in body if e.tag == "list")
    return listed / total


def _merge_edges(library: list[str], own: list[str]) -> list[str]:
    """Put back opening and closing paragraphs of the article container that the library dropped.

    The library sometimes loses the dateline paragraph (text directly inside
    the container, before the first block) or the last quote. Only prose is
    put back, and only at the edges of what both agree is the article.
    """
    if not library or not own:
        return library
    joined = langdata.fold_name(" ".join(library))
    matched = [i for i, p in enumerate(own) if (key := langdata.fold_name(p)) and key in joined]
    if not matched:
        # No paragraph in common: the two read different parts of the page
        # (the library sometimes takes a teaser list). Keep the more prose.
        prose = lambda ps: sum(len(p) for p in ps if _is_prose(p))  # noqa: E731
        return own if prose(own) > prose(library) else library
    lead = [p for p in own[: matched[0]] if _is_prose(p)]
    tail = [p for p in own[matched[-1] + 1 :] if _is_prose(p)]
    first = langdata.fold_name(library[0])
    if lead and first and langdata.fold_name(lead[-1]).endswith(first):
        # The library kept the opening paragraph without its dateline
        # (`JAKARTA, KOMPAS.com -` in bold): take the whole paragraph.
        return lead + library[1:] + tail
    return lead + library + tail


def _is_prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= 10 and paragraph.rstrip().endswith((".", "?", "!", '"', "”", "’", "'"))
