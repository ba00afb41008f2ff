"""Post digests to Slack channels: retries on 429, paced per channel, permanent errors contained.

- `build_web_client` makes the `AsyncWebClient` every Slack call goes through, with
  `RetryAfterHandler` (a `AsyncRateLimitErrorRetryHandler` that sleeps exactly `Retry-After`,
  injectable for tests, capped) and slack-sdk's connection-error retry.
- `SlackPublisher.post_digest` waits so that one channel gets about one post a second.
- A permanent error (`channel_not_found`, `not_in_channel`, `invalid_auth`, ...) is logged once
  with the destination, which is then marked unavailable (`publisher.unavailable`) and skipped;
  `post_digest` returns `[]` and does not raise, so the scheduler job goes on with the others.
- A transient error on the first message (rate limit beyond the retry, 5xx, network) raises,
  so the scheduler releases its claim and tries again; once the first message is out, later
  failures are logged and the posted part is returned (posting again would duplicate it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.domain.models import Digest

from .render import SlackMessage, escape, render_digest
from .settings import SlackSettings

log = logging.getLogger("digestbot.adapters.slack")

Sleep = Callable[[float], Awaitable[Any]]

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "invalid_auth",
        "is_archived",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_authed",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)


class RetryAfterHandler(AsyncRateLimitErrorRetryHandler):
    """Retry a 429 after exactly `Retry-After` seconds, at most `max_retry_count` times.

    Unlike slack-sdk's own handler it adds no random second, accepts a non-integer header, has
    an injectable `sleep`, and does not retry when Slack asks for more than `max_wait` seconds
    (the caller then gets `ratelimited` and tries later instead of hanging).
    """

    def __init__(self, max_retry_count: int = 1, *, max_wait: float = 30.0, sleep: Sleep = asyncio.sleep):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.sleep = sleep

    @staticmethod
    def retry_after(response: HttpResponse | None) -> float:
        if response is None:
            return 1.0
        for key, values in response.headers.items():
            if key.lower() == "retry-after" and values:
                try:
                    return max(0.0, float(values[0]))
                except ValueError:
                    return 1.0
        return 1.0

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429 and self.retry_after(response) <= self.max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self.sleep(self.retry_after(response))
        state.increment_current_attempt()


def retry_handlers(*, max_retry_count: int = 1, sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    return [AsyncConnectionErrorRetryHandler(), RetryAfterHandler(max_retry_count, sleep=sleep)]


def build_web_client(settings: SlackSettings, *, sleep: Sleep = asyncio.sleep) -> AsyncWebClient:
    """The bot's Web API client: SLACK_API_URL honoured, 429s waited out and retried once."""
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        retry_handlers=retry_handlers(sleep=sleep),
    )


def slack_error(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or "unknown_error")
    except Exception:  # a response that is not a dict
        return "unknown_error"


class SlackPublisher:
    """Publisher for Slack channels (ids such as C0123456789)."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        min_interval: float = 1.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.min_interval = min_interval
        self._sleep = sleep
        self._clock = clock
        self._last_post: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.unavailable: set[str] = set()

    def is_available(self, channel: str) -> bool:
        return channel not in self.unavailable

    def mark_available(self, channel: str) -> None:
        """Try a destination again (e.g. after the bot was invited back)."""
        self.unavailable.discard(channel)

    async def post_digest(self, channel: str, digest: Digest, *, period: str | None = None) -> list[str]:
        """Post `digest` to `channel`; return the posted messages' ts (first = the digest).

        `period` (the scheduler's digest period) goes into the message metadata, so a restart
        can recognise a digest it already posted.
        """
        return await self.post_messages(channel, render_digest(digest), period=period)

    async def find_posted(self, channel: str, period: str, *, limit: int = 100) -> str | None:
        """The ts of a digest this bot already posted to `channel` for `period`, if any.

        Used after an interrupted attempt (a crash between posting and recording it): the
        message metadata written by `post_digest` identifies the earlier post. Needs the
        `channels:history` scope (`groups:history` for private channels); without it the
        lookup is skipped with a warning and the digest is posted.
        """
        try:
            response = await self.client.conversations_history(
                channel=channel, limit=limit, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("slack: cannot look for an earlier digest in %s (%s); posting", channel, slack_error(exc))
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == "digestbot_digest"
                and (metadata.get("event_payload") or {}).get("period") == period
            ):
                return str(message.get("ts"))
        return None

    async def post_messages(
        self, channel: str, messages: Sequence[SlackMessage], *, period: str | None = None
    ) -> list[str]:
        if channel in self.unavailable:
            log.debug("slack destination %s is unavailable; digest not posted", channel)
            return []
        posted: list[str] = []
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            for message in messages:
                thread_ts = posted[0] if message.in_thread and posted else None
                try:
                    posted.append(await self._post(channel, message, thread_ts, period if not posted else None))
                except SlackApiError as exc:
                    error = slack_error(exc)
                    if error in PERMANENT_ERRORS:
                        self.unavailable.add(channel)
                        log.error("slack destination %s is unavailable: %s; not posting there again", channel, error)
                        return posted
                    if not posted:
                        raise
                    log.warning("slack digest to %s cut after %d messages: %s", channel, len(posted), error)
                    return posted
                except Exception:
                    if not posted:
                        raise
                    log.warning("slack digest to %s cut after %d messages", channel, len(posted), exc_info=True)
                    return posted
        return posted

    async def post_text(self, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        """A short plain message (feed notices, breaking news, a reply in a story's thread):
        escaped, without link previews, paced and ordered with the channel's digests."""
        async with self._locks.setdefault(channel, asyncio.Lock()):
            return await self._post(channel, SlackMessage(text=escape(text)), thread_ts, None)

    async def _post(self, channel: str, message: SlackMessage, thread_ts: str | None, period: str | None) -> str:
        await self._pace(channel)
        kwargs: dict[str, Any] = {
            "channel": channel,
            "text": message.text,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if message.blocks:
            kwargs["blocks"] = message.blocks
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if period:
            kwargs["metadata"] = {"event_type": "digestbot_digest", "event_payload": {"period": period}}
        try:
            response = await self.client.chat_postMessage(**kwargs)
        finally:
            self._last_post[channel] = self._clock()
        return str(response.get("ts", ""))

    async def _pace(self, channel: str) -> None:
        last = self._last_post.get(channel)
        if last is None:
            return
        wait = self.min_interval - (self._clock() - last)
        if wait > 0:
            await self._sleep(wait)
