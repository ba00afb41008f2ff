"""The slack-bolt `AsyncApp`, its HTTP endpoint and its Socket Mode handler.

Socket Mode when SLACK_APP_TOKEN is set (`build_socket_mode_handler`, started by the caller
with `await handler.connect_async()`), HTTP mode otherwise: `serve_http` (or `events_handler`
mounted on another aiohttp app) serves `/slack/events`, refusing unsigned requests itself
before bolt sees them (see `signature.py`), and, given a `SeenRequests` store, a signed request
seen before (a captured copy replayed within its 5 minutes, even after a restart or on another
replica): 409, never a handler. Never `app.start()`: it runs its own loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timezone

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.domain.models import Topic
from digestbot.domain.ports import SeenRequests

from . import commands
from .commands import Answer
from .publisher import Sleep, build_web_client
from .settings import SlackSettings
from .signature import SignatureRefused, check_signature

log = logging.getLogger("digestbot.adapters.slack")

EVENTS_PATH = "/slack/events"


def request_key(headers: Mapping[str, str]) -> str:
    """One checked request: its signature covers its timestamp and body, so a replay has the
    same one and a new request never does."""
    return hashlib.sha256(headers["X-Slack-Signature"].strip().encode("utf-8", "replace")).hexdigest()
_SECRETS: weakref.WeakKeyDictionary[AsyncApp, str] = weakref.WeakKeyDictionary()


def build_slack_app(
    settings: SlackSettings,
    topics: Sequence[Topic],
    answer: Answer,
    *,
    process_before_response: bool = False,
    client: AsyncWebClient | None = None,
    sleep: Sleep = asyncio.sleep,
    admin_roles: Sequence[str] | None = None,
) -> AsyncApp:
    """A bolt app with the slash commands registered; its client honours SLACK_API_URL.

    `admin_roles` is the configuration's `[permissions] admin_roles`: Slack user groups named
    there may change settings (looked up with `usergroups.list` only when it is non-empty;
    None, unknown, looks them up for every non-administrator's change).

    `process_before_response=True` finishes the listener before answering Slack's HTTP request
    (handy in tests, but a slow answer then delays the ack): keep the default in production.
    `sleep` is what 429 retries wait with (injectable for tests).
    """
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    app = AsyncApp(
        client=client or build_web_client(settings, sleep=sleep),
        signing_secret=secret,
        process_before_response=process_before_response,
        logger=logging.getLogger("digestbot.adapters.slack.bolt"),
    )
    _SECRETS[app] = secret
    commands.register(app, topics, answer, sleep=sleep, admin_roles=admin_roles)
    return app


def events_handler(
    app: AsyncApp,
    signing_secret: str | None = None,
    *,
    clock: Callable[[], float] = time.time,
    seen: SeenRequests | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler for `POST /slack/events`: signature first, then (with `seen`) no
    replay, then bolt."""
    secret = signing_secret if signing_secret is not None else _SECRETS.get(app, "")
    if not secret:
        raise ValueError("Slack HTTP mode needs SLACK_SIGNING_SECRET to verify requests")

    async def replayed(request: web.Request) -> bool:
        if seen is None:
            return False
        now = datetime.fromtimestamp(clock(), timezone.utc)
        try:
            return not await asyncio.to_thread(seen.first_time, request_key(request.headers), now)
        except Exception:  # the database is down: chat keeps working, replays are not caught meanwhile
            log.warning("could not check the slack request for a replay (database unavailable)", exc_info=True)
            return False

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            check_signature(secret, request.headers, body, clock=clock)
        except SignatureRefused as refused:
            log.info("slack request refused (%s) from %s", refused.reason, request.remote)
            return web.json_response({"error": refused.reason}, status=refused.status)
        if await replayed(request):
            log.warning("slack request refused (replayed: its signature was seen before) from %s", request.remote)
            return web.json_response({"error": "replayed request"}, status=409)
        if request.headers.get("X-Slack-Retry-Num"):  # the first delivery was acked and handled
            log.info("slack retry %s ignored (%s)", request.headers["X-Slack-Retry-Num"],
                     request.headers.get("X-Slack-Retry-Reason", "no reason given"))
            return web.Response(status=200, headers={"X-Slack-No-Retry": "1"})
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    return handle


def build_web_app(
    app: AsyncApp,
    *,
    path: str = EVENTS_PATH,
    signing_secret: str | None = None,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    web_app = web.Application()
    web_app.router.add_post(path, events_handler(app, signing_secret, clock=clock))
    return web_app


async def serve_http(
    app: AsyncApp,
    host: str,
    port: int,
    *,
    path: str = EVENTS_PATH,
    signing_secret: str | None = None,
) -> web.AppRunner:
    """Serve `path` on host:port in the running loop; `await runner.cleanup()` to stop.

    The bound port (when `port=0`) is `runner.addresses[0][1]`.
    """
    runner = web.AppRunner(build_web_app(app, path=path, signing_secret=signing_secret))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def build_socket_mode_handler(app: AsyncApp, settings: SlackSettings) -> AsyncSocketModeHandler:
    """Socket Mode handler (not started): `await handler.connect_async()` / `close_async()`."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    return AsyncSocketModeHandler(app, settings.app_token.get_secret_value(), web_client=app.client)
