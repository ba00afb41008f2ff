"""The database never stalls the event loop, and `/readyz` tells when it cannot be used.

A real Runtime (HTTP server on a loopback port, the real scheduler and ledger) on a SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from builders import an_app
from fakes import FakeClock, RecordingPublisher
from digestbot.domain.models import RawArticle
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from test_database_outage import write_lock

CONFIG = """
[[topics]]
name = "harbour"
title = "The harbour crane strike"
keywords = ["harbour", "crane"]

[[destinations]]
platform = "console"
channel = "ops"
cron = "0 8 * * *"
timezone = "UTC"
"""


def get(port: int, path: str) -> tuple[int, dict, float]:
    """Status, JSON body and the seconds the answer took."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=40) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def a_harbour_story() -> RawArticle:
    return RawArticle(
        text="Crane operators at the north harbour stopped work on Monday. The strike halted container "
             "traffic for the day. The port authority said talks would resume on Wednesday.",
        origin="harbour-1", title="Harbour crane operators strike", source="Example Wire",
        url="https://example.org/harbour-1", published=datetime(2026, 3, 3, 6, 0, tzinfo=timezone.utc),
    )


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG, http_host="127.0.0.1", http_port=0)
    app.service.ingest([a_harbour_story()])
    yield app
    app.close()


@pytest.fixture
async def running(app):
    """A started runtime whose clock stands just before today's digest; stopped after."""
    clock = FakeClock(datetime(2026, 3, 3, 7, 59, 50, tzinfo=timezone.utc))
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)}, clock=clock)
    port = await runtime.start()
    await asyncio.sleep(0.2)  # the start-up catch-up run: nothing due yet
    yield runtime, port, clock, publisher
    await runtime.stop()


async def test_healthz_answers_at_once_while_a_digest_waits_on_a_locked_database(running, tmp_path):
    runtime, port, clock, publisher = running
    clock.now += timedelta(seconds=15)  # 08:00:05: the digest is due
    with write_lock(tmp_path / "app.db"):
        job = asyncio.create_task(runtime.scheduler.run_due())
        # Asked from a thread once the job waits for the lock (busy timeout: 30 s), timed there:
        # before the fix the loop itself waited, and /healthz with it.
        probe = asyncio.to_thread(lambda: (time.sleep(0.3), get(port, "/healthz"))[1])
        status, body, seconds = await probe
        assert (status, body) == (200, {"status": "alive"})
        assert seconds < 2, f"/healthz took {seconds:.1f} s behind a locked database"
        assert not job.done()
    outcomes = await asyncio.wait_for(job, 30)
    assert [(o.destination, o.status) for o in outcomes] == [("console:ops", "posted")]
    assert publisher.posts == [("ops", "2026-03-03T08:00")]


async def test_readyz_is_not_ready_on_a_database_overwritten_with_junk(running, tmp_path):
    _runtime, port, _clock, _publisher = running
    status, body, _seconds = await asyncio.to_thread(get, port, "/readyz")
    assert status == 200 and body["checks"]["database"] is True
    path = tmp_path / "app.db"
    path.write_bytes(os.urandom(path.stat().st_size))  # what a bad disk or a stray `cp` leaves
    status, body, _seconds = await asyncio.to_thread(get, port, "/readyz")
    assert status == 503
    assert body["checks"]["database"] is False
    assert "not a SQLite database" in body["reasons"]["database"]
