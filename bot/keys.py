"""Stable, short names for sentences, for buttons that must outlive corpus changes.

A sid is only a place in one engine's numbering; an append keeps it, a rebuild
can move it. A sentence is named instead by its article (a short hash of the
article id), its place in that article, and a short hash of its text: the
name resolves to the same sentence in every later engine that still has it,
and to nothing once the article was changed there or removed.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from retrieval.records import Sentence

# 64 bits of article id: collision-free in practice for millions of articles.
ARTICLE_KEY_CHARS = 11
# 36 bits of sentence text: only told apart from the sentence once at the same place.
TEXT_KEY_CHARS = 6


def _short_hash(value: str, chars: int) -> str:
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=(chars * 6 + 7) // 8).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:chars]


def article_key(article_id: str) -> str:
    return _short_hash(article_id, ARTICLE_KEY_CHARS)


def text_key(sentence_text: str) -> str:
    return _short_hash(sentence_text, TEXT_KEY_CHARS)


@dataclass(frozen=True, slots=True)
class SentenceKey:
    article: str  # article_key(article id)
    position: int  # the sentence's place in its article
    text: str  # text_key(sentence text)

    @classmethod
    def of(cls, sentence: Sentence) -> SentenceKey:
        return cls(article_key(sentence.article_id), sentence.position, text_key(sentence.text))
