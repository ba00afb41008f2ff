"""Which platforms `digestbot run` starts, decided from the environment and the configuration.

The only core module that knows the adapters exist: it imports each one lazily, so a
deployment without the Slack or Discord extras still runs with the console.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

from .bootstrap import App
from .metrics import Metrics
from .models import Digest, Reply
from .runtime import Platform


class PlatformError(Exception):
    """A platform that cannot start: one line naming the variable, never its value."""


class DeliveryFailed(Exception):
    """The platform refused the digest for good (the destination is marked unavailable)."""


def timed_answer(answer: Callable[[str], Reply], metrics: Metrics, platform: str) -> Callable[[str], Reply]:
    def answer_and_measure(text: str) -> Reply:
        started = time.perf_counter()
        try:
            return answer(text)
        finally:
            metrics.command_latency.labels(platform).observe(time.perf_counter() - started)

    return answer_and_measure


def build_platforms(app: App, metrics: Metrics, env: Mapping[str, str] | None = None) -> dict[str, Platform]:
    from digestbot.adapters.console import ConsolePublisher

    env = os.environ if env is None else env
    platforms = {"console": Platform("console", ConsolePublisher())}
    if env.get("SLACK_BOT_TOKEN", "").strip():
        platforms["slack"] = _slack_platform(app, metrics, env)
    return platforms


class _SlackDigestPublisher:
    def __init__(self, publisher):
        self._publisher = publisher

    async def publish(self, target: str, digest: Digest, period: str) -> str | None:
        timestamps = await self._publisher.post_digest(target, digest, period=period)
        if not timestamps:
            raise DeliveryFailed(f"slack:{target} is unavailable")
        return timestamps[0]


def _slack_platform(app: App, metrics: Metrics, env: Mapping[str, str]) -> Platform:
    try:
        from digestbot.adapters.slack.app import build_slack_app, build_socket_mode_handler, events_handler
        from digestbot.adapters.slack.publisher import SlackPublisher
        from digestbot.adapters.slack.settings import SlackConfigError, load_slack_settings
    except ImportError:
        raise PlatformError("SLACK_BOT_TOKEN is set but the Slack extra is not installed: pip install 'digestbot[slack]'") from None
    try:
        settings = load_slack_settings(env)
    except SlackConfigError as exc:
        raise PlatformError(str(exc)) from None
    answer = timed_answer(app.service.answer, metrics, "slack")
    bolt_app = build_slack_app(settings, app.service.topics, answer)
    publisher = _SlackDigestPublisher(SlackPublisher(bolt_app.client))
    if not settings.socket_mode:
        return Platform("slack", publisher, routes={"/slack/events": events_handler(bolt_app)})
    handler = build_socket_mode_handler(bolt_app, settings)

    async def connected() -> bool:
        return await handler.client.is_connected()

    return Platform("slack", publisher, connected=connected, start=handler.connect_async, stop=handler.close_async)
