"""Settings from the environment (DIGESTBOT_*): the one place that reads it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOG_LEVEL_VARIABLE = "DIGESTBOT_LOG_LEVEL"


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
    # Seconds a client has to send a request's headers and its body (and an idle connection
    # stays open): a slow or silent client cannot hold a socket for long.
    http_request_timeout: float = Field(default=15, gt=0, le=300)
    # HTTP connections open at once; more are closed at once (never above half the open-file limit).
    http_max_connections: int = Field(default=1000, ge=1)
    # /metrics on a port of its own (same host), off the port Slack's HTTP mode exposes; unset:
    # served with /healthz.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    grace_minutes: int = Field(default=60, ge=0)  # how late a missed digest may still be posted
    # The first wait before a failed scheduled digest (platform or database) is tried again;
    # it doubles on each failure, up to 15 minutes, and the last try lands on the grace's edge.
    retry_seconds: float = Field(default=60, gt=0)
    claim_lease_seconds: float = Field(default=600, gt=0)  # after this a crashed post is recovered
    # A new subscription's first digest reaches back at most this far (its memory starts there).
    catch_up_hours: float = Field(default=24, gt=0, le=24 * 30)
    # How often `digestbot run` re-reads subscriptions and feeds from the database, so
    # changes made from chat take effect without a restart.
    reload_seconds: float = Field(default=30, gt=0)
    # Hosts the fetcher may reach even though they are not public (tests, soak runs): empty
    # by default, so feeds and URLs on private or loopback addresses are refused.
    # A JSON list or names separated by commas: DIGESTBOT_FETCH_ALLOW_HOSTS=127.0.0.1,feeds.internal
    fetch_allow_hosts: Annotated[frozenset[str], NoDecode] = frozenset()
    # debug also shows the traceback of a start-up error and the migrations' own log lines.
    log_level: Literal["debug", "info", "warning", "error"] | None = None
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

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, level: object) -> object:
        return level.strip().lower() if isinstance(level, str) else level

    @field_validator("fetch_allow_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.strip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError('not a JSON list; write ["127.0.0.1", "feeds.internal"] or '
                                 '127.0.0.1,feeds.internal') from None
        else:
            value = [host for host in value.replace(",", " ").split()]
        if not isinstance(value, list) or not all(isinstance(h, str) and h and "/" not in h for h in value):
            raise ValueError("give host names or addresses (not URLs), e.g. 127.0.0.1,feeds.internal")
        return frozenset(host.lower() for host in value)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if "://" not in url:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///path/to/file.db")
        return url


def log_level_from_env() -> str | None:
    """DIGESTBOT_LOG_LEVEL as written, read before (and even if) the other settings fail to
    load: it decides whether a start-up error shows its traceback."""
    value = next((v for k, v in os.environ.items() if k.upper() == LOG_LEVEL_VARIABLE), None)
    return value.strip().lower() if value else None
