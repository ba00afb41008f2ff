"""Live data for the `/digest` autocompletion: the `Suggestions` port and the matching rules.

The bot asks a `Suggestions` for the topic names and feeds as they are now (chat may have
added some since the start). `ManagementSuggestions` reads them from the management store;
`StaticSuggestions` serves the topics the bot started with. No discord import here: bot.py
turns the (name, value) pairs into `app_commands.Choice`s.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
CHOICE_NAME = 100  # characters of a choice's name (and of a string choice's value)


class Suggestions(Protocol):
    """The port: what autocompletion offers. Called from a worker thread; may be slow or fail."""

    def topics(self) -> list[str]: ...
    def feeds(self) -> list[tuple[int, str]]: ...  # (id, url)


class StaticSuggestions:
    """The topics the bot was built with, no feeds: for a bot without a management store."""

    def __init__(self, topics: Iterable[str] = ()):
        self._topics = list(topics)

    def topics(self) -> list[str]:
        return list(self._topics)

    def feeds(self) -> list[tuple[int, str]]:
        return []


class ManagementSuggestions:
    """Topics and feeds from `digestbot.service.management.Management` (`.topics()`, `.store.feeds()`).

    `management` is a callable so the service may install or replace it after the bot is
    built; it may return None (no management store): then there is nothing to suggest.
    """

    def __init__(self, management: Callable[[], Any]):
        self._management = management

    def topics(self) -> list[str]:
        management = self._management()
        return [topic.name for topic in management.topics()] if management is not None else []

    def feeds(self) -> list[tuple[int, str]]:
        management = self._management()
        return [(feed.id, feed.url) for feed in management.store.feeds()] if management is not None else []


def _clip(text: str, limit: int = CHOICE_NAME) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rank(candidates: Iterable[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    """(name, value) pairs whose name contains `current` (case-insensitive), those that start
    with it first, at most 25; names cut to 100 characters."""
    needle = " ".join((current or "").split()).lower()
    starts, contains = [], []
    for name, value in candidates:
        lowered = name.lower()
        if not needle or lowered.startswith(needle):
            starts.append((name, value))
        elif needle in lowered:
            contains.append((name, value))
    return [(_clip(name), value) for name, value in (starts + contains)[:MAX_CHOICES]]


def topic_choices(names: Sequence[str], current: str, *, with_all: bool = False) -> list[tuple[str, str]]:
    """Topic names matching what is typed (and "all", for every story, when it may be given)."""
    pool = sorted(dict.fromkeys(n for n in names if n and len(n) <= CHOICE_NAME))
    if with_all:
        pool = ["all", *(n for n in pool if n != "all")]
    return _rank(((n, n) for n in pool), current)


@functools.lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    zones = sorted(zoneinfo.available_timezones())
    return ("UTC", *(z for z in zones if z != "UTC"))


def timezone_choices(current: str) -> list[tuple[str, str]]:
    """IANA zones containing what is typed, case-insensitive (`seoul` -> Asia/Seoul): zones
    whose name or city starts with it first."""
    needle = " ".join((current or "").split()).lower()
    if not needle:
        return [(z, z) for z in _zones()[:MAX_CHOICES]]
    first, rest = [], []
    for zone in _zones():
        lowered = zone.lower()
        if needle not in lowered:
            continue
        city = lowered.rsplit("/", 1)[-1]
        (first if lowered.startswith(needle) or city.startswith(needle) else rest).append(zone)
    return [(z, z) for z in (first + rest)[:MAX_CHOICES]]


def feed_choices(feeds: Iterable[tuple[int, str]], current: str) -> list[tuple[str, str]]:
    """Feeds as `#id url` labels matching what is typed (an id, `#id`, or part of the URL);
    the value is the id."""
    needle = " ".join((current or "").split()).lower()
    ids = needle.lstrip("#")
    matches = []
    for feed_id, url in sorted(feeds):
        label = f"#{feed_id} {url}"
        if not needle or (ids and str(feed_id).startswith(ids)) or needle in label.lower():
            matches.append((_clip(label), str(feed_id)))
    return matches[:MAX_CHOICES]
