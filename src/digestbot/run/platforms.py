"""Which platforms `digestbot run` starts, decided from the environment and the configuration.

The only core module that knows the adapters exist, and only by name: each platform's factory
lives in its adapter (`adapters/<name>/platform.py`) and is imported when the platform is
asked for, so a deployment without the Slack or Discord extras still runs with the console.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import time
from collections.abc import Callable, Mapping

from .metrics import Metrics
from ..domain.models import CommandContext, Reply
from ..domain.platforms import Answer, Platform, PlatformError, PlatformNeeds


# The variable that enables each platform a destination can name.
TOKEN_VARS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}
# Each platform's factory, `factory(needs, env) -> Platform`, by name: its module, its
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


Factory = Callable[[PlatformNeeds, Mapping[str, str]], Platform]


def platform_factory(name: str) -> Factory:
    """The factory of platform `name`, imported now; a missing extra is a `PlatformError`."""
    module, factory, missing = FACTORIES[name]
    try:
        return getattr(importlib.import_module(module), factory)
    except ImportError:
        raise PlatformError(missing) from None


def build_platforms(needs: PlatformNeeds, metrics: Metrics,
                    env: Mapping[str, str] | None = None) -> dict[str, Platform]:
    """The console, and each platform the environment enables or a destination names; each is
    given the needs with its commands measured under its name."""
    from digestbot.adapters.console import ConsolePublisher

    env = os.environ if env is None else env

    def build(name: str) -> Platform:
        measured = dataclasses.replace(needs, answer=timed_answer(needs.answer, metrics, name))
        return platform_factory(name)(measured, env)

    platforms = {"console": Platform("console", ConsolePublisher())}
    if env.get("SLACK_BOT_TOKEN", "").strip():
        platforms["slack"] = build("slack")
    if env.get("DISCORD_BOT_TOKEN", "").strip():
        platforms["discord"] = build("discord")
    if needs.webhooks:
        platforms["discord-webhook"] = build("discord-webhook")
    for platform in sorted(needs.destination_platforms - set(platforms)):
        if platform in TOKEN_VARS:
            raise PlatformError(f"destinations use {platform} but {TOKEN_VARS[platform]} is not set")
    return platforms
