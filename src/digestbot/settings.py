"""Settings from the environment (DIGESTBOT_*): the one place that reads it."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    data_dir = Path(user_data_dir("digestbot", appauthor=False))
    return f"sqlite:///{data_dir / 'digestbot.db'}"


class Settings(BaseSettings):
    """Runtime settings. Secrets never live here: platform adapters read their own."""

    model_config = SettingsConfigDict(env_prefix="DIGESTBOT_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    config: Path | None = None
    key_points: int = Field(default=3, ge=1, le=20)
    method: str = "digestbot"
    max_article_chars: int = Field(default=200_000, ge=1_000)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    grace_minutes: int = Field(default=60, ge=0)  # how late a missed digest may still be posted
    claim_lease_seconds: float = Field(default=600, gt=0)  # after this a crashed post is recovered
    # A new subscription's first digest reaches back at most this far (its memory starts there).
    catch_up_hours: float = Field(default=24, gt=0, le=24 * 30)
    # How often `digestbot run` re-reads subscriptions and feeds from the database, so
    # changes made from chat take effect without a restart.
    reload_seconds: float = Field(default=30, gt=0)
    # Hosts the fetcher may reach even though they are not public (tests, soak runs): empty
    # by default, so feeds and URLs on private or loopback addresses are refused.
    fetch_allow_hosts: frozenset[str] = frozenset()
    # A feed failing this many times in a row is announced once in the channels that use it
    # (and again once when it recovers).
    feed_failures_before_notice: int = Field(default=5, ge=1)
    # Pages fetched a feed poll for entries that carry only a title and a link (Hacker News,
    # search alerts, tables of contents); the rest wait for a later change of the feed.
    feed_page_fetches: int = Field(default=20, ge=0, le=500)
    # Entries read from one feed, the newest first: a feed of 40,000 entries took 242 s and
    # 547 MB to ingest; a news feed carries tens.
    feed_max_entries: int = Field(default=200, ge=1, le=10_000)
    # Articles one `digestbot digest` reads (files, folders, JSON lines): bounded memory.
    max_batch_articles: int = Field(default=50_000, ge=1)

    @field_validator("method")
    @classmethod
    def _known_method(cls, method: str) -> str:
        from .keypoints import METHODS

        if method not in METHODS:
            raise ValueError(f"unknown key-point method {method!r}; choose from {', '.join(sorted(METHODS))}")
        return method

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if "://" not in url:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///path/to/file.db")
        return url
