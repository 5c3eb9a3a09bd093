"""Telegram's message-text rules: its HTML dialect, length and emptiness.

`parse_html` parses Telegram HTML into (plain text, entities) and raises ApiError
(400, "Bad Request: can't parse entities: ...") on what Telegram rejects;
`render_text` applies parse_mode, trimming, "message text is empty" and the 4,096
UTF-16 code unit limit, as sendMessage/editMessageText do. Used by the stand-in Bot
API server (tests/botapi.py) and directly by renderer tests.
"""

from __future__ import annotations

import re
from typing import Any

MAX_MESSAGE_UTF16 = 4096

class ApiError(Exception):
    """A Telegram error answer: `description` already carries its prefix."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    @classmethod
    def bad(cls, what: str) -> ApiError:
        return cls(400, f"Bad Request: {what}")

    def body(self) -> dict:
        out: dict[str, Any] = {"ok": False, "error_code": self.code,
                               "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


# ---------------------------------------------------------------- Telegram HTML

_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_TAG_ATTRIBUTES = {
    "a": frozenset({"href"}), "span": frozenset({"class"}),
    "code": frozenset({"class"}), "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTRIBUTE = re.compile(
    r"\s*([a-zA-Z][a-zA-Z0-9_-]*)"
    r"(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?\s*")
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]*);")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entities(text: str, *, at: int, source: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        amp = text.find("&", i)
        if amp < 0:
            out.append(text[i:])
            break
        out.append(text[i:amp])
        out.append(_one_entity(text, amp, offset=at + amp, source=source))
        i = text.index(";", amp) + 1
    return "".join(out)


def _one_entity(text: str, i: int, *, offset: int, source: str) -> str:
    m = _ENTITY.match(text, i)
    where = _byte_offset(source, offset)
    if not m:
        raise ApiError.bad(
            f"can't parse entities: Character '&' at byte offset {where} must be "
            "escaped as &amp;")
    name = m.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise ApiError.bad(
                f"can't parse entities: Invalid character reference \"&{name};\" at "
                f"byte offset {where}")
        return chr(code)
    if name not in _NAMED_ENTITIES:
        raise ApiError.bad(
            f"can't parse entities: Unsupported HTML entity \"&{name};\" at byte "
            f"offset {where}")
    return _NAMED_ENTITIES[name]


def _parse_attributes(tag: str, raw: str, *, source: str, at: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    raw = raw.rstrip()
    where = _byte_offset(source, at)
    while pos < len(raw):
        m = _ATTRIBUTE.match(raw, pos)
        if not m or m.end() == pos:
            raise ApiError.bad(
                f"can't parse entities: Can't parse attributes of the tag \"{tag}\" "
                f"at byte offset {where}")
        name = m.group(1).lower()
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        if name not in _TAG_ATTRIBUTES.get(tag, frozenset()):
            raise ApiError.bad(
                f"can't parse entities: Unsupported attribute \"{name}\" of the tag "
                f"\"{tag}\" at byte offset {where}")
        attrs[name] = _decode_entities(value, at=at, source=source)
        pos = m.end()
    return attrs


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, entities), raising ApiError(400).

    Offsets and lengths of the entities are in UTF-16 code units; the text is not
    trimmed here.
    """
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out)
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict] = []
    i = 0
    n = len(source)
    while i < n:
        c = source[i]
        if c == "<":
            if source.startswith("</", i):
                m = _END_TAG.match(source, i)
                if not m:
                    raise ApiError.bad(
                        "can't parse entities: Unclosed end tag at byte offset "
                        f"{_byte_offset(source, i)}")
                tag = m.group(1).lower()
                if not stack:
                    raise ApiError.bad(
                        "can't parse entities: Unexpected end tag at byte offset "
                        f"{_byte_offset(source, i)}")
                open_tag, start, attrs = stack.pop()
                if open_tag != tag:
                    raise ApiError.bad(
                        "can't parse entities: Unmatched end tag at byte offset "
                        f"{_byte_offset(source, i)}, expected \"</{open_tag}>\", found "
                        f"\"</{tag}>\"")
                entity = _entity_for(open_tag, attrs, start, out_len - start)
                if entity is not None:
                    entities.append(entity)
                i = m.end()
                continue
            m = _START_TAG.match(source, i)
            if not m:
                if source.find(">", i) < 0 or not re.match(r"<[a-zA-Z]", source[i:]):
                    what = ("Unclosed start tag" if source.find(">", i) < 0
                            else "Unsupported start tag \"\"")
                    raise ApiError.bad(
                        f"can't parse entities: {what} at byte offset "
                        f"{_byte_offset(source, i)}")
                raise ApiError.bad(
                    "can't parse entities: Can't parse start tag at byte offset "
                    f"{_byte_offset(source, i)}")
            tag = m.group(1).lower()
            if tag not in _TAG_ENTITY:
                raise ApiError.bad(
                    f"can't parse entities: Unsupported start tag \"{tag}\" at byte "
                    f"offset {_byte_offset(source, i)}")
            raw_attrs = m.group(2)
            if raw_attrs.rstrip().endswith("/"):
                raise ApiError.bad(
                    f"can't parse entities: Unsupported start tag \"{tag}/\" at byte "
                    f"offset {_byte_offset(source, i)}")
            attrs = _parse_attributes(tag, raw_attrs, source=source, at=i)
            if tag == "span" and attrs.get("class") != "tg-spoiler":
                raise ApiError.bad(
                    "can't parse entities: Tag \"span\" must have class \"tg-spoiler\" "
                    f"at byte offset {_byte_offset(source, i)}")
            if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
                raise ApiError.bad(
                    "can't parse entities: Custom emoji entity must contain a valid "
                    "emoji-id")
            stack.append((tag, out_len, attrs))
            i = m.end()
            continue
        if c == "&":
            piece = _one_entity(source, i, offset=i, source=source)
            i = source.index(";", i) + 1
        else:
            nxt = min((p for p in (source.find("<", i), source.find("&", i)) if p >= 0),
                      default=n)
            piece = source[i:nxt]
            i = nxt
        out.append(piece)
        out_len += utf16_len(piece)
    if stack:
        raise ApiError.bad(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f"\"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity_for(tag: str, attrs: dict[str, str], offset: int, length: int) -> dict | None:
    if length <= 0:
        return None
    kind = _TAG_ENTITY[tag]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        if "href" not in attrs:
            return None
        entity["url"] = attrs["href"]
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif kind == "code" and attrs.get("class", "").startswith("language-"):
        entity = {"type": "pre", "offset": offset, "length": length,
                  "language": attrs["class"][len("language-"):]}
    return entity


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims surrounding whitespace from texts; shift entities along."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    kept = []
    for e in entities:
        start = max(e["offset"], lead)
        stop = min(e["offset"] + e["length"], end)
        if stop > start:
            kept.append({**e, "offset": start - lead, "length": stop - start})
    return stripped, kept


def render_text(text: Any, parse_mode: Any, entities: Any = None) -> tuple[str, list[dict]]:
    """Validate a message text as Telegram does; returns (plain text, entities)."""
    if text is None:
        raise ApiError.bad("message text is empty")
    if not isinstance(text, str):
        text = str(text)
    mode = (parse_mode or "").strip()
    if mode.lower() == "html":
        plain, found = parse_html(text)
    elif mode.lower() in ("", "markdown", "markdownv2"):
        plain = text
        found = list(entities) if isinstance(entities, list) else []
    else:
        raise ApiError.bad("unsupported parse_mode")
    plain, found = _trim(plain, found)
    if not plain:
        raise ApiError.bad("message text is empty")
    if utf16_len(plain) > MAX_MESSAGE_UTF16:
        raise ApiError.bad("message is too long")
    return plain, found
