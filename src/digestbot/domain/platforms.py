"""A chat platform as the process runs it, and what its factory is given.

Each adapter's `platform.py` builds a `Platform` from `PlatformNeeds`; `run/platforms.py` looks
the factory up by name and the runtime starts and stops what it built. Both sit above the
adapters, so the record, the needs and the errors they share live here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import CommandContext, Reply, Topic
from .ports import Publisher, SeenRequests

# The adapters' port into the core: the reply to a command, typed or as text, for who asks where.
Answer = Callable[[Any, CommandContext], Reply]


@dataclass
class Platform:
    """A connected chat platform (or the console) as `run` sees it."""

    name: str
    publisher: Publisher
    connected: Callable[[], bool] = lambda: True
    start: Callable[[], object] | None = None  # coroutine function
    stop: Callable[[], object] | None = None  # coroutine function
    routes: dict = field(default_factory=dict)  # HTTP routes to mount: a platform's events endpoint


@dataclass(frozen=True)
class PlatformNeeds:
    """What a platform's factory is given (bootstrap builds it from the app), not the whole app."""

    answer: Answer  # measured per platform by the registry
    topics: list[Topic]  # the topics at start: each is a slash command
    admin_roles: tuple[str, ...] = ()  # who may change settings besides the platform's administrators
    # The management service as it is now (None without one): autocompletion reads its topics and feeds.
    management: Callable[[], Any] = lambda: None
    seen_requests: SeenRequests | None = None  # signed requests already handled: a replay is refused
    webhooks: tuple[str, ...] = ()  # the webhook of every destination posted through one
    destination_platforms: frozenset[str] = frozenset()  # the platforms the destinations name


class PlatformError(Exception):
    """A platform that cannot start: one line naming the variable, never its value."""


class DeliveryFailed(Exception):
    """The platform refused the digest for good (the destination is marked unavailable)."""

    permanent = True  # the scheduler does not retry it
