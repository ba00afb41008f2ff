"""Slack as `digestbot run` starts it: the factory the core's platform registry looks up by name.

Socket Mode when SLACK_APP_TOKEN is set (the handler owns the connection's lifetime), HTTP mode
otherwise (bolt's handler is served at `/slack/events` by the runtime's HTTP server).
"""

from __future__ import annotations

from collections.abc import Mapping

from digestbot.domain.models import Digest
from digestbot.domain.platforms import DeliveryFailed, Platform, PlatformError, PlatformNeeds

from .app import build_slack_app, build_socket_mode_handler, events_handler
from .publisher import SlackPublisher
from .settings import SlackConfigError, load_slack_settings


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


def slack_platform(needs: PlatformNeeds, env: Mapping[str, str]) -> Platform:
    try:
        settings = load_slack_settings(env)
    except SlackConfigError as exc:
        raise PlatformError(str(exc)) from None
    bolt_app = build_slack_app(settings, needs.topics, needs.answer, admin_roles=needs.admin_roles)
    publisher = _SlackDigestPublisher(SlackPublisher(bolt_app.client))
    if not settings.socket_mode:
        return Platform("slack", publisher,
                        routes={"/slack/events": events_handler(bolt_app, seen=needs.seen_requests)})
    handler = build_socket_mode_handler(bolt_app, settings)

    async def connected() -> bool:
        return await handler.client.is_connected()

    return Platform("slack", publisher, connected=connected, start=handler.connect_async, stop=handler.close_async)
