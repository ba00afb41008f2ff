"""Discord as `digestbot run` starts it: the factories the core's platform registry looks up by
name, `discord` (a bot on the gateway) and `discord-webhook` (channel webhooks, no bot).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import aiohttp

from digestbot.domain.models import Digest
from digestbot.domain.platforms import DeliveryFailed, Platform, PlatformError, PlatformNeeds

from .bot import build_bot
from .publisher import DiscordChannelPublisher, DiscordWebhookPublisher
from .render import plain_message
from .settings import DiscordConfigError, apply_endpoints, load_discord_settings
from .suggestions import ManagementSuggestions

log = logging.getLogger("digestbot.run")


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
        await self._publisher.post_messages(int(target), [plain_message(text)])

    async def reply(self, target: str, thread: str, text: str) -> str | None:
        """`text` as a reply to message `thread` (a story's first showing): a message reference."""
        ids = await self._publisher.post_messages(int(target), [plain_message(text, reply_to=int(thread))])
        if not ids:
            raise DeliveryFailed(f"discord:{target} is unavailable")
        return str(ids[0])


def discord_platform(needs: PlatformNeeds, env: Mapping[str, str]) -> Platform:
    try:
        settings = load_discord_settings(env)
        # Autocompletion reads the live topics and feeds from the management store (none without one).
        bot = build_bot(settings, needs.answer, needs.topics, suggestions=ManagementSuggestions(needs.management))
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
        if self.session is None or self.session.closed:
            raise RuntimeError("discord-webhook is not started")
        publisher = self._publishers.get(target)
        if publisher is None:
            publisher = self._publishers[target] = DiscordWebhookPublisher(target, self.session)
        ids = await publisher.post_digest(digest)
        if not ids:
            raise DeliveryFailed(f"discord-webhook:{publisher.webhook.id} is unavailable")
        return str(ids[0])


def discord_webhook_platform(needs: PlatformNeeds, env: Mapping[str, str]) -> Platform:
    try:
        apply_endpoints(api_url=env.get("DISCORD_API_URL", "").strip() or None)
        for url in needs.webhooks:  # checked now, so a bad URL fails at startup (the message never shows it)
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
