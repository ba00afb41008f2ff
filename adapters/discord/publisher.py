"""Post digests to Discord: to channels through the bot, or to a webhook without a bot.

Mentions are off on every send. discord.py's own 429 handling stays in place; a wait longer
than the client's `max_ratelimit_timeout` comes back as `DeliveryDeferred`, carrying what was
already sent and what is left, so the caller keeps the digest queued instead of losing it.
A destination Discord refuses (403 missing permissions, 404 unknown channel or webhook) is
logged once, marked unavailable and skipped without raising.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

import aiohttp
import discord

from digestbot.domain.models import Digest

from .settings import DiscordConfigError
from .render import DiscordMessage, period_line, render_digest

log = logging.getLogger("digestbot.adapters.discord")

NONCE_LENGTH = 25  # Discord's limit


class DeliveryDeferred(Exception):
    """Discord asked us to wait longer than we will: send `remaining` later.

    `sent` holds the ids of the messages of this digest that did go out (a long digest is
    several messages), so a retry resumes instead of posting them twice.
    """

    def __init__(self, destination: str, retry_after: float, sent: list[int], remaining: list[DiscordMessage]):
        self.destination = destination
        self.retry_after = retry_after
        self.sent = sent
        self.remaining = remaining
        super().__init__(
            f"discord {destination}: rate limited for {retry_after:.0f} s; "
            f"{len(remaining)} message(s) left queued"
        )


def message_nonce(key: str, index: int) -> str:
    """A stable nonce per digest message: Discord drops a repeat within a few minutes."""
    return hashlib.sha256(f"{key}:{index}".encode()).hexdigest()[:NONCE_LENGTH]


class DiscordChannelPublisher:
    """Posts through a logged-in client; no gateway is needed (partial messageables)."""

    def __init__(self, client: discord.Client):
        self.client = client
        self.unavailable: set[int] = set()

    async def post_digest(self, channel_id: int, digest: Digest, *, period: str | None = None) -> list[int]:
        """Post the digest; the ids of the messages sent ([] when the channel is unavailable).

        `period` (the scheduler's period key) gives each message a stable nonce, so a repeat
        within Discord's nonce window is dropped rather than posted twice, and ends the first
        message with the subtext line `-# <period>`, which `find_posted` looks for later.
        Raises DeliveryDeferred when Discord wants a wait longer than the client's cap.
        """
        return await self.post_messages(channel_id, render_digest(digest, period), period=period)

    async def find_posted(self, channel_id: int, period: str, limit: int = 50) -> int | None:
        """The id of a digest this bot already posted to the channel for `period`, if any.

        Used after an interrupted attempt (a crash between posting and recording it), long
        after Discord's nonce window: the newest of the channel's last `limit` messages that
        this bot wrote and whose content has the line `-# <period>`. Needs the Read Message
        History permission; when the history cannot be read the lookup is skipped with a
        warning and None is returned, so the digest is posted.
        """
        destination = f"channel {channel_id}"
        me = self.client.user
        if me is None:
            log.warning("discord %s: not logged in, cannot look for an earlier digest; posting", destination)
            return None
        wanted = period_line(period)
        channel = self.client.get_partial_messageable(channel_id)
        try:
            async for message in channel.history(limit=limit):  # newest first
                if message.author.id == me.id and wanted in (message.content or "").splitlines():
                    return message.id
        except discord.HTTPException as exc:  # Forbidden and NotFound included
            log.warning("discord %s: cannot look for an earlier digest (%s); posting",
                        destination, exc.text or exc.status)
        except discord.RateLimited as exc:
            log.warning("discord %s: cannot look for an earlier digest (rate limited for %.0f s); posting",
                        destination, exc.retry_after)
        return None

    async def post_messages(
        self, channel_id: int, messages: list[DiscordMessage], *, period: str | None = None, start: int = 0
    ) -> list[int]:
        """Post rendered messages; `start` is the index of the first (to resume a deferral)."""
        channel = self.client.get_partial_messageable(channel_id)
        destination = f"channel {channel_id}"
        sent: list[int] = []
        for index, message in enumerate(messages):
            kwargs = message.send_kwargs()
            if message.reply_to is not None:
                # A deleted anchor must not lose the update: it then goes as a plain message.
                kwargs["reference"] = discord.MessageReference(
                    message_id=message.reply_to, channel_id=channel_id, fail_if_not_exists=False)
            if period is not None:
                kwargs["nonce"] = message_nonce(f"{channel_id}:{period}", start + index)  # discord.py adds enforce_nonce
            try:
                posted = await channel.send(**kwargs)
            except discord.RateLimited as exc:
                log.warning("discord %s: rate limited for %.0f s, digest stays queued", destination, exc.retry_after)
                raise DeliveryDeferred(destination, exc.retry_after, sent, messages[index:]) from None
            except (discord.Forbidden, discord.NotFound) as exc:
                self._mark_unavailable(channel_id, destination, exc)
                return sent
            sent.append(posted.id)
        self.unavailable.discard(channel_id)
        return sent

    def _mark_unavailable(self, channel_id: int, destination: str, exc: discord.HTTPException) -> None:
        if channel_id not in self.unavailable:
            reason = "missing permissions" if isinstance(exc, discord.Forbidden) else "unknown channel"
            log.error("discord %s unavailable (%s): %s", destination, reason, exc.text or exc.status)
        self.unavailable.add(channel_id)


class DiscordWebhookPublisher:
    """Posts to a webhook URL (webhook-only mode: no bot, no token).

    discord.py's webhook adapter sleeps through any 429; `max_wait` caps one message's
    send, after which the rest is returned as DeliveryDeferred.
    """

    def __init__(self, webhook_url: str, session: aiohttp.ClientSession, *, max_wait: float = 60.0):
        try:
            self.webhook = discord.Webhook.from_url(webhook_url, session=session)
        except ValueError:
            # Never echo the URL: it holds the webhook's secret token.
            raise DiscordConfigError(
                "destinations: webhook is not a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN)"
            ) from None
        self.max_wait = max_wait
        self.unavailable = False
        self.destination = f"webhook {self.webhook.id}"

    async def post_digest(self, digest: Digest) -> list[int]:
        return await self.post_messages(render_digest(digest))

    async def post_messages(self, messages: list[DiscordMessage]) -> list[int]:
        sent: list[int] = []
        for index, message in enumerate(messages):
            try:
                posted = await asyncio.wait_for(
                    self.webhook.send(**message.send_kwargs(), wait=True), timeout=self.max_wait
                )
            except (asyncio.TimeoutError, discord.RateLimited):
                log.warning("discord %s: no answer within %.0f s, digest stays queued", self.destination, self.max_wait)
                raise DeliveryDeferred(self.destination, self.max_wait, sent, messages[index:]) from None
            except (discord.Forbidden, discord.NotFound) as exc:
                if not self.unavailable:
                    log.error("discord %s unavailable (%s): %s", self.destination, exc.status, exc.text or exc.status)
                self.unavailable = True
                return sent
            sent.append(posted.id)
        self.unavailable = False
        return sent
