"""Which platforms `digestbot run` starts, decided from the environment and the configuration.

The only core module that knows the adapters exist: it imports each one lazily, so a
deployment without the Slack or Discord extras still runs with the console.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping

from .bootstrap import App
from .metrics import Metrics
from .models import CommandContext, Digest, Reply
from .runtime import Platform

log = logging.getLogger("digestbot.run")

# The variable that enables each platform a destination can name.
TOKEN_VARS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}


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


def build_platforms(app: App, metrics: Metrics, env: Mapping[str, str] | None = None) -> dict[str, Platform]:
    from digestbot.adapters.console import ConsolePublisher

    env = os.environ if env is None else env
    platforms = {"console": Platform("console", ConsolePublisher())}
    if env.get("SLACK_BOT_TOKEN", "").strip():
        platforms["slack"] = _slack_platform(app, metrics, env)
    if env.get("DISCORD_BOT_TOKEN", "").strip():
        platforms["discord"] = _discord_platform(app, metrics, env)
    destinations = app.config.destinations
    webhooks = [d.webhook for d in destinations if d.platform == "discord-webhook" and d.webhook]
    if webhooks:
        platforms["discord-webhook"] = _discord_webhook_platform(env, webhooks)
    for platform in sorted({d.platform for d in destinations} - set(platforms)):
        if platform in TOKEN_VARS:
            raise PlatformError(f"destinations use {platform} but {TOKEN_VARS[platform]} is not set")
    return platforms


class _SlackDigestPublisher:
    def __init__(self, publisher):
        self._publisher = publisher

    async def publish(self, target: str, digest: Digest, period: str) -> str | None:
        timestamps = await self._publisher.post_digest(target, digest, period=period)
        if not timestamps:
            raise DeliveryFailed(f"slack:{target} is unavailable")
        return timestamps[0]

    async def find_posted(self, target: str, period: str) -> str | None:
        return await self._publisher.find_posted(target, period)

    async def notify(self, target: str, text: str) -> None:
        """A short plain message (feed health notices, breaking news)."""
        await self._publisher.post_text(target, text)

    async def reply(self, target: str, thread: str, text: str) -> str | None:
        """`text` in the thread of message `thread` (a story's first showing): `thread_ts`."""
        return await self._publisher.post_text(target, text, thread_ts=thread) or None


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
    bolt_app = build_slack_app(settings, app.service.topics, answer,
                               admin_roles=app.config.permissions.admin_roles)
    publisher = _SlackDigestPublisher(SlackPublisher(bolt_app.client))
    if not settings.socket_mode:
        from .storage import SqlSeenRequests  # a replayed request is refused, across restarts too

        seen = SqlSeenRequests(app.store.engine)
        return Platform("slack", publisher, routes={"/slack/events": events_handler(bolt_app, seen=seen)})
    handler = build_socket_mode_handler(bolt_app, settings)

    async def connected() -> bool:
        return await handler.client.is_connected()

    return Platform("slack", publisher, connected=connected, start=handler.connect_async, stop=handler.close_async)


class _DiscordDigestPublisher:
    """`publish(target, ...)` for a bot: target is the channel id."""

    def __init__(self, publisher):
        self._publisher = publisher

    async def publish(self, target: str, digest: Digest, period: str) -> str | None:
        # DeliveryDeferred (a long rate limit) propagates: the scheduler keeps the digest queued.
        ids = await self._publisher.post_digest(int(target), digest, period=period)
        if not ids:
            raise DeliveryFailed(f"discord:{target} is unavailable")
        return str(ids[0])

    async def find_posted(self, target: str, period: str) -> str | None:
        """The id of this bot's earlier post of `period` (its `-# <period>` line), if any."""
        found = await self._publisher.find_posted(int(target), period)
        return None if found is None else str(found)

    async def notify(self, target: str, text: str) -> None:
        """A short plain message (feed health notices, breaking news): escaped, mentions off."""
        from digestbot.adapters.discord.render import plain_message

        await self._publisher.post_messages(int(target), [plain_message(text)])

    async def reply(self, target: str, thread: str, text: str) -> str | None:
        """`text` as a reply to message `thread` (a story's first showing): a message reference."""
        from digestbot.adapters.discord.render import plain_message

        ids = await self._publisher.post_messages(int(target), [plain_message(text, reply_to=int(thread))])
        if not ids:
            raise DeliveryFailed(f"discord:{target} is unavailable")
        return str(ids[0])


def _discord_platform(app: App, metrics: Metrics, env: Mapping[str, str]) -> Platform:
    try:
        from digestbot.adapters.discord import (DiscordChannelPublisher, DiscordConfigError, DiscordSettings,
                                                ManagementSuggestions, build_bot)
    except ImportError:
        raise PlatformError(
            "DISCORD_BOT_TOKEN is set but the Discord extra is not installed: pip install 'digestbot[discord]'"
        ) from None
    try:
        settings = DiscordSettings.from_env(env)
        # Autocompletion reads the live topics and feeds from the management store (none without one).
        suggestions = ManagementSuggestions(lambda: getattr(app.service, "management", None))
        bot = build_bot(settings, timed_answer(app.service.answer, metrics, "discord"), app.service.topics,
                        suggestions=suggestions)
    except DiscordConfigError as exc:
        raise PlatformError(str(exc)) from None
    tasks: set[asyncio.Task] = set()

    def gateway_ended(task: asyncio.Task) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("discord gateway connection ended: %s", task.exception(), exc_info=task.exception())

    async def start() -> None:
        try:
            await bot.login(settings.token)  # also syncs the slash commands (setup_hook)
        except DiscordConfigError as exc:
            await bot.close()
            raise PlatformError(str(exc)) from None
        except Exception as exc:  # unreachable API, 5xx, a refused command sync
            await bot.close()
            raise PlatformError(f"discord: login failed ({type(exc).__name__}: {exc})".splitlines()[0]) from None
        # The gateway runs in the background: start() must not block the rest of the runtime.
        task = asyncio.create_task(bot.connect(reconnect=True), name="discord-gateway")
        tasks.add(task)
        task.add_done_callback(gateway_ended)

    async def stop() -> None:
        await bot.close()
        pending = [t for t in tasks if not t.done()]
        if pending:
            _, still_running = await asyncio.wait(pending, timeout=2)
            for task in still_running:
                task.cancel()

    def connected() -> bool:
        return bot.is_ready() and not bot.is_closed()

    publisher = _DiscordDigestPublisher(DiscordChannelPublisher(bot))
    return Platform("discord", publisher, connected=connected, start=start, stop=stop)


class _DiscordWebhookDigestPublisher:
    """`publish(target, ...)` for webhook-only mode: target is the webhook URL (a secret)."""

    def __init__(self):
        self.session = None
        self._publishers: dict = {}

    async def publish(self, target: str, digest: Digest, period: str) -> str | None:
        from digestbot.adapters.discord import DiscordWebhookPublisher

        if self.session is None or self.session.closed:
            raise RuntimeError("discord-webhook is not started")
        publisher = self._publishers.get(target)
        if publisher is None:
            publisher = self._publishers[target] = DiscordWebhookPublisher(target, self.session)
        ids = await publisher.post_digest(digest)
        if not ids:
            raise DeliveryFailed(f"discord-webhook:{publisher.webhook.id} is unavailable")
        return str(ids[0])


def _discord_webhook_platform(env: Mapping[str, str], urls: list[str]) -> Platform:
    try:
        import aiohttp

        from digestbot.adapters.discord import DiscordConfigError, DiscordWebhookPublisher, apply_endpoints
    except ImportError:
        raise PlatformError(
            "destinations use discord-webhook but the Discord extra is not installed: pip install 'digestbot[discord]'"
        ) from None
    try:
        apply_endpoints(api_url=env.get("DISCORD_API_URL", "").strip() or None)
        for url in urls:  # checked now, so a bad URL fails at startup (the message never shows it)
            DiscordWebhookPublisher(url, None)  # type: ignore[arg-type]
    except DiscordConfigError as exc:
        raise PlatformError(str(exc)) from None
    publisher = _DiscordWebhookDigestPublisher()

    async def start() -> None:
        publisher.session = aiohttp.ClientSession()

    async def stop() -> None:
        if publisher.session is not None:
            await publisher.session.close()

    def connected() -> bool:
        return publisher.session is not None and not publisher.session.closed

    return Platform("discord-webhook", publisher, connected=connected, start=start, stop=stop)
