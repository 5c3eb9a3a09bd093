"""What every handler shares, typed for PTB: `BotData` (PTB's `bot_data`) and `Context`.

A leaf module: `bot.app` builds the objects, `bot.handlers` reads them, and
neither is imported from here, so imports run one way (app -> handlers ->
library/pages/render).
"""

from __future__ import annotations

from typing import TypeAlias

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.feeds import Feeds
from bot.flood import FloodLimiter
from bot.library import Library
from bot.pages import QueryCache
from config.settings import Settings


class BotData:
    """PTB creates it empty; `bot.app.build_app` installs each shared object, built once."""

    settings: Settings
    library: Library
    queries: QueryCache
    flood: FloodLimiter
    feeds: Feeds

    def install(
        self, *, settings: Settings, library: Library, queries: QueryCache, flood: FloodLimiter, feeds: Feeds
    ) -> None:
        self.settings = settings
        self.library = library
        self.feeds = feeds
        self.queries = queries
        self.flood = flood


Context: TypeAlias = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
