"""`digestbot run`: one process, one asyncio loop: platforms, the scheduler, the HTTP server.

The runtime owns lifetimes only; what it runs is built in `bootstrap.build_runtime` (the one
composition root). `start` enters every part into one `AsyncExitStack` (servers, the database
error counter, each platform, the scheduler, the feed job) and `stop` leaves them in reverse:
the feed fetches are cut first, in-flight posts get their deadline, then the platforms and the
servers go. SIGTERM stops taking work, releases what is in flight, exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack

from ..settings import Settings
from ..storage.probe import DatabaseProbe
from .http_server import bound_port, build_http_app, build_metrics_app, serve
from .metrics import Metrics
from ..domain.platforms import Platform
from .polling import FeedPollJob
from .relay import NowRelay
from .scheduling import DigestScheduler

log = logging.getLogger("digestbot.run")

SHUTDOWN_DEADLINE = 8.0  # seconds: well inside Docker's 10 s grace
READY_CHECK_SECONDS = 5.0  # a database slower than this to answer /readyz is not ready
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)  # SIGHUP: the terminal or a supervisor going away


class Runtime:
    """Starts, serves and stops what `build_runtime` made; `posting`, `lanes` and `reloader`
    are the parts it runs, kept here to be looked at."""

    def __init__(self, settings: Settings, platforms: dict[str, Platform], *, scheduler: DigestScheduler,
                 feeds: FeedPollJob, metrics: Metrics, database: DatabaseProbe,
                 count_database_errors: Callable[[], Callable[[], None]], warm_up: Callable[[], object],
                 relay: NowRelay | None = None, posting=None, lanes=None, reloader=None):
        self.settings = settings
        self.platforms = platforms
        self.scheduler = scheduler
        self.feeds = feeds
        self.metrics = metrics
        self.relay = relay
        self.posting, self.lanes, self.reloader = posting, lanes, reloader
        self._database = database
        self._count_database_errors = count_database_errors  # starts counting; returns what stops it
        self._warm_up = warm_up  # the first load of the stories, started with the server
        self._stack: AsyncExitStack | None = None
        self._metrics_runner = None  # /metrics on its own port (DIGESTBOT_METRICS_PORT)

    async def _database_ready(self) -> bool:
        """In a thread, with a deadline: a locked or unreachable database makes `/readyz` say
        not ready in seconds, and never stalls the loop."""
        return await asyncio.wait_for(asyncio.to_thread(self._database.answers), READY_CHECK_SECONDS)

    def readiness_checks(self) -> dict:
        checks = {"database": self._database_ready, "scheduler": lambda: self.scheduler.running}
        for name, platform in self.platforms.items():
            checks[name] = platform.connected
        return checks

    async def start(self) -> int:
        """Start everything; returns the HTTP port actually bound. What started before a
        failure is stopped again before the error goes up."""
        async with AsyncExitStack() as stack:
            port = await self._serve_http(stack)
            stack.callback(self._count_database_errors())
            # Load the stories now, off the loop, so the first chat command does not wait for it.
            asyncio.get_running_loop().run_in_executor(None, self._warm_up)
            for platform in self.platforms.values():
                if platform.start is not None:
                    await platform.start()
                if platform.stop is not None:
                    stack.push_async_callback(platform.stop)
            self.scheduler.start()
            stack.push_async_callback(self._drain_scheduler)
            stack.push_async_callback(self.feeds.stop, SHUTDOWN_DEADLINE / 4)
            if self.relay is not None:
                self.relay.bind()
            self._stack = stack.pop_all()
        log.info("digestbot running", extra={"http": f"{self.settings.http_host}:{port}"})
        return port

    async def _serve_http(self, stack: AsyncExitStack) -> int:
        settings = self.settings
        routes = {path: handler for p in self.platforms.values() for path, handler in p.routes.items()}
        metrics_apart = settings.metrics_port is not None  # keeps /metrics off Slack's public port
        http_app = build_http_app(self.metrics, self.readiness_checks(), routes, serve_metrics=not metrics_apart)
        runner = await self._serve(http_app, settings.http_port)
        stack.push_async_callback(runner.cleanup)
        if metrics_apart:
            self._metrics_runner = await self._serve(build_metrics_app(self.metrics), settings.metrics_port)
            stack.push_async_callback(self._metrics_runner.cleanup)
            log.info("metrics served apart",
                     extra={"http": f"{settings.http_host}:{bound_port(self._metrics_runner)}"})
        return bound_port(runner)

    async def _serve(self, http_app, port: int):
        settings = self.settings
        return await serve(http_app, settings.http_host, port, request_timeout=settings.http_request_timeout,
                           max_connections=settings.http_max_connections)

    async def _drain_scheduler(self) -> None:
        cut_off = await self.scheduler.drain(timeout=SHUTDOWN_DEADLINE / 2)
        if cut_off:
            log.warning("posts cut off by shutdown", extra={"count": cut_off})

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()


async def run_until_stopped(runtime: Runtime, ready: Callable[[int], None] = lambda port: None) -> int:
    """Run until one of `STOP_SIGNALS`, then stop gracefully within `SHUTDOWN_DEADLINE`."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    port = await runtime.start()
    ready(port)
    await stop.wait()
    log.info("stopping")
    try:
        await asyncio.wait_for(runtime.stop(), SHUTDOWN_DEADLINE)
    except asyncio.TimeoutError:
        log.warning("shutdown took longer than %.0f s; exiting anyway", SHUTDOWN_DEADLINE)
    return 0
