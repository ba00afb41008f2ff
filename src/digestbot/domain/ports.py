"""Every port the service layer depends on, in one place: the storage, posting and fetching
interfaces that `storage/`, the adapters and `ingest/` implement, each with an in-memory twin
in `tests/fakes.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from .models import Claim, Digest, FeedState
from .records import ShownStory

# --- storage ports -------------------------------------------------------------------------

# --- posting ports -------------------------------------------------------------------------


class Publisher(Protocol):
    """A platform's way to post a digest; what else it can do is one of the abilities below."""

    async def publish(self, target: str, digest: Digest, period: str) -> str | None: ...


@runtime_checkable
class FindsPosted(Protocol):
    """A publisher that recognises its own earlier post of a period (used when recovering a claim)."""

    async def find_posted(self, target: str, period: str) -> str | None: ...


@runtime_checkable
class Notifies(Protocol):
    """A publisher that posts a short plain message (feed notices, breaking news without threads)."""

    async def notify(self, target: str, text: str) -> None: ...


@runtime_checkable
class Replies(Protocol):
    """A publisher that answers in a message's thread."""

    async def reply(self, target: str, anchor: str, text: str) -> str | None: ...


@dataclass(frozen=True)
class Skip:
    """What a post answers for a period it decided not to post (nothing new for the channel):
    the ledger records the period as skipped, so it is neither retried nor counted missed."""

    reason: str


class Ledger(Protocol):
    """The exactly-once record of digests, shared by every process on one database.

    `claim` succeeds for one caller only. An attempt interrupted by shutdown, or a claim left
    behind by a crash (after its lease), is taken over as RECOVER: the publisher then checks
    the platform for an earlier post of the same period (message metadata) before posting.
    """

    def claim(self, destination: str, period: str, now: datetime) -> Claim | None: ...
    def complete(self, destination: str, period: str, message_id: str | None) -> None: ...
    def release(self, destination: str, period: str) -> None: ...
    def interrupt(self, destination: str, period: str) -> None: ...
    def mark_missed(self, destination: str, period: str, now: datetime) -> bool: ...
    def started(self, destination: str, now: datetime) -> datetime: ...  # first scheduled (now if new)
    def skip(self, destination: str, period: str) -> None: ...


class PostedItems(Protocol):
    """Channel memory: the what's-new items (by fingerprint) each channel has been shown."""

    def seen(self, channel: str) -> set[str]: ...
    def remember(self, channel: str, fingerprints: list[str], now: datetime) -> None: ...


class StoryPosts(Protocol):
    """Channel memory: per channel and article, the message that showed its story (its thread)
    and the last breaking post about it."""

    def view(self, channel: str, article_keys: list[str]) -> ShownStory: ...
    def anchor(self, channel: str, article_keys: list[str]) -> str | None: ...
    def record(self, channel: str, article_keys: list[str], message: str | None, now: datetime,
               *, breaking: bool = False) -> None: ...


class PostingMetrics(Protocol):
    """What posting reports: a digest's outcome, a platform's error, how late a digest was."""

    def digest(self, destination_id: str, outcome: str) -> None: ...
    def platform_error(self, destination_id: str, error: BaseException) -> None: ...
    def lag(self, platform: str, seconds: float) -> None: ...


class FeedHealth(Protocol):
    """Each feed's state, and whether its channels were told it is failing (kept across restarts)."""

    def load(self, url: str) -> FeedState: ...
    def notified_down(self, url: str) -> bool: ...
    def set_notified_down(self, url: str, value: bool) -> None: ...
