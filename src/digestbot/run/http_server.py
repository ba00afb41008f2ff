"""The bot's small HTTP server: /healthz, /readyz, /metrics, and routes adapters mount.

It faces the internet in Slack's HTTP mode, so a client cannot hold its sockets: a request's
headers and body must arrive within `request_timeout` seconds (an idle connection is closed
after as long), at most `max_connections` are open at once (and never more than half the
process's file descriptors), and what it logs about refused clients is one line per kind a
minute.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..redaction import error_line
from .metrics import Metrics

ReadinessCheck = Callable[[], Awaitable[bool] | bool]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def metrics_handler(metrics: Metrics) -> Handler:
    async def metrics_endpoint(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), content_type="text/plain", charset="utf-8")

    return metrics_endpoint


def build_metrics_app(metrics: Metrics) -> web.Application:
    """/metrics alone, for its own port (DIGESTBOT_METRICS_PORT)."""
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler(metrics))
    return app


def build_http_app(
    metrics: Metrics,
    checks: dict[str, ReadinessCheck],
    extra_routes: dict[str, Handler] | None = None,
    *,
    serve_metrics: bool = True,
) -> web.Application:
    """Readiness runs every named check and reports each; any failure answers 503.
    `serve_metrics=False` leaves /metrics out (it is served on a port of its own)."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        results, reasons = {}, {}
        for name, check in checks.items():
            try:
                outcome = check()
                results[name] = bool(await outcome) if hasattr(outcome, "__await__") else bool(outcome)
            except Exception as error:  # a failing check means not ready, never a 500
                results[name] = False
                reasons[name] = check_failure(error)
        status = 200 if all(results.values()) else 503
        body = {"ready": status == 200, "checks": results}
        if reasons:
            body["reasons"] = reasons
        return web.json_response(body, status=status)

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if serve_metrics:
        app.router.add_get("/metrics", metrics_handler(metrics))
    for path, handler in (extra_routes or {}).items():
        app.router.add_post(path, handler)
    return app


def check_failure(error: BaseException) -> str:
    """Why a readiness check failed, in one short line (the error's type and its first line)."""
    detail = "no answer in time" if isinstance(error, TimeoutError) else error_line(error, 160)
    return f"{type(error).__name__}: {detail}"[:160]


REQUEST_TIMEOUT = 15.0  # seconds (DIGESTBOT_HTTP_REQUEST_TIMEOUT)
MAX_CONNECTIONS = 1000  # (DIGESTBOT_HTTP_MAX_CONNECTIONS)
LOG_INTERVAL = 60.0  # seconds between two log lines of one kind from the server's loggers
# The loggers a flood of hostile clients writes to: ours, aiohttp's, asyncio's accept errors.
FLOOD_LOGGERS = ("digestbot.http", "aiohttp.server", "aiohttp.web", "asyncio")

log = logging.getLogger("digestbot.http")


class OncePerInterval(logging.Filter):
    """One record per (logger, first line of the message) per interval; the next one that
    passes says how many were held back."""

    def __init__(self, interval: float = LOG_INTERVAL, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._kinds: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg).split("\n", 1)[0][:120])
        now = self._clock()
        last, held = self._kinds.get(kind, (None, 0))
        if last is not None and now - last < self.interval:
            self._kinds[kind] = (last, held + 1)
            return False
        if len(self._kinds) > 1000:  # message texts vary only by a bug: never grow without bound
            self._kinds.clear()
        self._kinds[kind] = (now, 0)
        if held:
            record.held_back = held
        return True


def limit_log_floods(interval: float = LOG_INTERVAL) -> None:
    """Install `OncePerInterval` on the server's loggers (once per process)."""
    for name in FLOOD_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerInterval) for f in logger.filters):
            logger.addFilter(OncePerInterval(interval))


def body_deadline(timeout: float):
    """A middleware that reads a request's body within `timeout` seconds, else answers 408
    and closes the connection (aiohttp itself waits for a dribbling body for ever)."""

    @web.middleware
    async def read_body_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.can_read_body:
            try:
                await asyncio.wait_for(request.read(), timeout)  # kept: handlers read it again
            except asyncio.TimeoutError:
                log.warning("request body not sent in time: connection closed", extra={"timeout_s": timeout})
                raise web.HTTPRequestTimeout(headers={"Connection": "close"}) from None
        return await handler(request)

    return read_body_in_time


def connection_cap(wanted: int) -> int:
    """`wanted`, but at most half the open-file limit: the database, feeds and platforms
    need file descriptors too."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(1, min(wanted, soft // 2)) if soft != resource.RLIM_INFINITY else wanted


class _Refused(asyncio.Protocol):
    """A connection over the cap: closed as soon as it is accepted, nothing read."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.abort()


class CappedSite(web.TCPSite):
    """A TCP site that closes connections beyond `max_connections` at once.

    The count is aiohttp's open connections, so a burst accepted in one loop tick may pass
    the cap by that burst (asyncio accepts at most 100 a tick); the next burst is refused.
    """

    def __init__(self, runner: web.AppRunner, host: str, port: int, *, max_connections: int):
        super().__init__(runner, host, port)
        self.max_connections = max_connections
        self.refused = 0

    def _protocol(self) -> asyncio.BaseProtocol:
        server = self._runner.server
        if len(server.connections) >= self.max_connections:
            self.refused += 1
            log.warning("connection refused: %d connections open, the cap", self.max_connections)
            return _Refused()
        return server()

    async def start(self) -> None:
        await web.BaseSite.start(self)  # registers the site with its runner
        self._server = await asyncio.get_running_loop().create_server(
            self._protocol, self._host, self._port, backlog=self._backlog,
            reuse_address=self._reuse_address, reuse_port=self._reuse_port)
        self._bound_port = self._server.sockets[0].getsockname()[1] if self._server.sockets else self._port


async def serve(app: web.Application, host: str, port: int, *,
                request_timeout: float = REQUEST_TIMEOUT, max_connections: int = MAX_CONNECTIONS) -> web.AppRunner:
    """Serve `app` on host:port. aiohttp's keep-alive timer starts when a connection opens and
    closes it if no whole request has arrived by then (idle or half-sent headers); a body not
    read whole (a 408, or a handler that did not need it) is drained for at most as long."""
    limit_log_floods()
    app.middlewares.append(body_deadline(request_timeout))
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=request_timeout, lingering_time=request_timeout)
    await runner.setup()
    await CappedSite(runner, host, port, max_connections=connection_cap(max_connections)).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (useful when asked for port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server and server.sockets:
            return server.sockets[0].getsockname()[1]
    raise RuntimeError("server is not listening")
