"""All of Kutip's settings, read once in `main()` from the environment or `.env`.

Environment variable names are exactly the field names in upper case, with no
prefix (`TELEGRAM_BOT_TOKEN`, `CORPUS_PATH`, ...): deployments rely on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # --- Telegram -------------------------------------------------------
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # Telegram user ids allowed to run /reload.
    admin_user_ids: frozenset[int] = frozenset()

    # --- Webhook mode (polling when webhook_url is unset) -----------------
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = None
    # Telegram's updates are a few kilobytes; anything far larger is not Telegram.
    webhook_max_body_bytes: int = Field(default=1_048_576, ge=1024, le=104_857_600)
    health_port: int = Field(default=8080, ge=1, le=65535)

    # --- Corpus and engine ----------------------------------------------
    corpus_path: Path = BUNDLED_CORPUS
    language_data_path: Path = BUNDLED_LANGUAGE_DATA
    # Where the persisted index lives; None: a folder per corpus in the user cache
    # (platformdirs.user_cache_dir("kutip"), or KUTIP_CACHE_DIR), see retrieval/store.py.
    index_dir: Path | None = None
    strict: bool = False
    # Processes that analyse articles when an index is built: 0 means every
    # core this process may use; small corpora are always built in one.
    build_workers: int = Field(default=0, ge=0, le=256)
    results_per_answer: int = Field(default=3, ge=1, le=10)

    # --- Ingest: feeds and fetching ---------------------------------------
    # Feed URLs (RSS or Atom) the running bot polls, as a JSON list.
    feeds: list[str] = Field(default_factory=list)
    feed_poll_seconds: int = Field(default=900, ge=5, le=7 * 24 * 3600)
    # Items read from one feed document (the newest first), and new entries
    # fetched per feed and poll; the rest wait for the next polls.
    feed_max_entries: int = Field(default=200, ge=1, le=10_000)
    feed_max_new_per_poll: int = Field(default=30, ge=1, le=1000)
    # Fetch loopback, private, link-local and other non-public addresses
    # (tests and intranet deployments); refused by default.
    allow_private_urls: bool = False
    fetch_timeout_seconds: float = Field(default=30.0, ge=1.0, le=600.0)
    fetch_connect_timeout_seconds: float = Field(default=10.0, ge=0.5, le=120.0)
    fetch_read_timeout_seconds: float = Field(default=15.0, ge=0.5, le=600.0)
    fetch_max_bytes: int = Field(default=10_000_000, ge=10_000, le=500_000_000)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_per_host: int = Field(default=2, ge=1, le=16)
    # Where the ingest state (SQLite: feed validators, entries seen) lives;
    # default INDEX_DIR, else a `.kutip` folder beside the ingest target.
    state_dir: Path | None = None

    # --- Flood control -----------------------------------------------------
    user_questions_per_minute: int = Field(default=20, ge=1, le=600)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("feeds")
    @classmethod
    def _feed_urls(cls, value: list[str]) -> list[str]:
        urls = []
        for item in value:
            url = item.strip()
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"{item!r} is not an http(s) URL; FEEDS is a JSON list of feed URLs")
            if url not in urls:
                urls.append(url)
        return urls

    @field_validator("telegram_bot_token", "webhook_secret_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _telegram_secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is None:
            return value
        secret = value.get_secret_value()
        if not (1 <= len(secret) <= 256) or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ or -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret_token is None:
            raise ValueError("WEBHOOK_SECRET_TOKEN is required when WEBHOOK_URL is set")
        return self
