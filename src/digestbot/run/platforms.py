"""Which platforms `digestbot run` starts, decided from the environment and the configuration.

The only core module that knows the adapters exist, and only by name: each platform's factory
lives in its adapter (`adapters/<name>/platform.py`) and is imported when the platform is
asked for, so a deployment without the Slack or Discord extras still runs with the console.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .metrics import Metrics
from ..domain.models import CommandContext, Reply
from ..domain.ports import Publisher

if TYPE_CHECKING:  # the factories take the app bootstrap builds; bootstrap builds the runtime from here
    from ..bootstrap import App


# The variable that enables each platform a destination can name.
TOKEN_VARS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}
# Each platform's factory, `factory(app, metrics, env) -> Platform`, by name: its module, its
# name there, and the one line to show when the module cannot be imported (its extra is missing).
FACTORIES = {
    "slack": ("digestbot.adapters.slack.platform", "slack_platform",
              "SLACK_BOT_TOKEN is set but the Slack extra is not installed: pip install 'digestbot[slack]'"),
    "discord": ("digestbot.adapters.discord.platform", "discord_platform",
                "DISCORD_BOT_TOKEN is set but the Discord extra is not installed: pip install 'digestbot[discord]'"),
    "discord-webhook": ("digestbot.adapters.discord.platform", "discord_webhook_platform",
                        "destinations use discord-webhook but the Discord extra is not installed: "
                        "pip install 'digestbot[discord]'"),
}


@dataclass
class Platform:
    """A connected chat platform (or the console) as `run` sees it."""

    name: str
    publisher: Publisher
    connected: Callable[[], bool] = lambda: True
    start: Callable[[], object] | None = None  # coroutine function
    stop: Callable[[], object] | None = None  # coroutine function
    routes: dict = field(default_factory=dict)  # HTTP routes to mount, e.g. /slack/events


class PlatformError(Exception):
    """A platform that cannot start: one line naming the variable, never its value."""


class DeliveryFailed(Exception):
    """The platform refused the digest for good (the destination is marked unavailable)."""

    permanent = True  # the scheduler does not retry it


Answer = Callable[[str, CommandContext], Reply]


def timed_answer(answer: Answer, metrics: Metrics, platform: str) -> Answer:
    """The adapters' port, `answer(text, context)`, measured: the context says who asks and
    where, so the management commands (`/digest subscribe ...`) can check and record it."""

    def answer_and_measure(text: str, context: CommandContext) -> Reply:
        started = time.perf_counter()
        try:
            return answer(text, context)
        finally:
            metrics.command_latency.labels(platform).observe(time.perf_counter() - started)

    return answer_and_measure


Factory = Callable[["App", Metrics, Mapping[str, str]], Platform]


def platform_factory(name: str) -> Factory:
    """The factory of platform `name`, imported now; a missing extra is a `PlatformError`."""
    module, factory, missing = FACTORIES[name]
    try:
        return getattr(importlib.import_module(module), factory)
    except ImportError:
        raise PlatformError(missing) from None


def build_platforms(app: "App", metrics: Metrics, env: Mapping[str, str] | None = None) -> dict[str, Platform]:
    from digestbot.adapters.console import ConsolePublisher

    env = os.environ if env is None else env
    platforms = {"console": Platform("console", ConsolePublisher())}
    if env.get("SLACK_BOT_TOKEN", "").strip():
        platforms["slack"] = platform_factory("slack")(app, metrics, env)
    if env.get("DISCORD_BOT_TOKEN", "").strip():
        platforms["discord"] = platform_factory("discord")(app, metrics, env)
    destinations = app.config.destinations
    if any(d.platform == "discord-webhook" and d.webhook for d in destinations):
        platforms["discord-webhook"] = platform_factory("discord-webhook")(app, metrics, env)
    for platform in sorted({d.platform for d in destinations} - set(platforms)):
        if platform in TOKEN_VARS:
            raise PlatformError(f"destinations use {platform} but {TOKEN_VARS[platform]} is not set")
    return platforms
