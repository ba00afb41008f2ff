"""The runtime owns lifetimes only, and `bootstrap` wires everything it runs.

A real runtime (HTTP server on a loopback port, the real scheduler) on a temp SQLite; the
platforms are recording fakes, one of which refuses to start.
"""

from __future__ import annotations

import socket

import pytest

from builders import an_app
from fakes import RecordingPublisher
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform, PlatformError

CONFIG = """
[[destinations]]
platform = "console"
channel = "ops"
cron = "0 8 * * *"
"""


def a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def can_bind(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


async def test_a_platform_that_cannot_start_leaves_no_server_listening_and_nothing_running(tmp_path):
    port = a_free_port()
    app = an_app(tmp_path, CONFIG, running=True, http_host="127.0.0.1", http_port=port)
    stopped = []

    async def refuse() -> None:
        raise PlatformError("SLACK_BOT_TOKEN was rejected")

    async def stop() -> None:
        stopped.append("console")

    platforms = {"console": Platform("console", RecordingPublisher(), stop=stop),
                 "slack": Platform("slack", RecordingPublisher(), start=refuse)}
    runtime = build_runtime(app, platforms)
    try:
        with pytest.raises(PlatformError):
            await runtime.start()
        assert can_bind(port)  # the HTTP server started first is closed again
        assert stopped == ["console"] and not runtime.scheduler.running
    finally:
        app.close()


def test_digestbot_run_gives_management_its_post_now_and_catch_up_at_construction(tmp_path):
    running = an_app(tmp_path, CONFIG, running=True)
    try:
        management = running.service.management
        assert management.post_now == running.relay.post_now
        assert management.catch_up == running.relay.catch_up
        # Before the runtime binds its loop at start, a request answers "failed" (nothing posts).
        build_runtime(running, {"console": Platform("console", RecordingPublisher())})
        assert management.post_now("console", "ops") == "failed"
    finally:
        running.close()
    (tmp_path / "chat").mkdir()
    chat = an_app(tmp_path / "chat", CONFIG)  # `digestbot chat`: no running bot to post with
    try:
        assert chat.relay is None and chat.service.management.post_now is None
    finally:
        chat.close()
