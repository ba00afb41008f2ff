"""/metrics that ops can alert on: bounded labels (platform and outcome, never a channel),
process_* and python_* metrics, feed polls, platform errors and 429s, scheduler lag, database
errors, and /metrics on a port of its own when asked.

A real Runtime on a temp SQLite with recording publishers; the scheduler's clock is a
FakeClock and polls are driven directly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from builders import an_app
from fakes import FakeClock, RecordingPublisher
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from digestbot.run.runtime import Runtime

CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[destinations]]
platform = "console"
channel = "C0SECRETCHANNEL"
cron = "0 8 * * *"
timezone = "Asia/Seoul"
post_when_empty = true  # nothing is ingested here: the digest says so instead of being skipped
"""

FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Kessel Dam inspected</title><link>https://example.org/dam</link>
<description>Engineers inspected the Kessel Dam near Arnvik on Monday. Repairs start soon.</description></item>
<item><title>Arnvik repairs</title><link>https://example.org/repairs</link>
<description>Repairs at the Kessel Dam near Arnvik began on Tuesday, officials said.</description></item>
</channel></rss>"""


class RateLimited(Exception):
    """What an SDK raises for a 429 (duck-typed: a status and a retry_after)."""

    status = 429
    retry_after = 30.0


class RefusingPublisher(RecordingPublisher):
    async def publish(self, target, digest, period):
        raise RateLimited("slow down")


def samples(runtime: Runtime) -> dict[tuple[str, tuple], float]:
    exposition = runtime.metrics.exposition().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(exposition) for s in family.samples}


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG, fetch_allow_hosts=frozenset({"127.0.0.1"}), http_host="127.0.0.1",
                 http_port=0, metrics_port=0)
    yield app
    app.close()


async def test_a_posted_digest_is_counted_by_platform_with_its_lag_and_no_channel_shows(app):
    clock = FakeClock(datetime(2026, 3, 2, 23, 1, 30, tzinfo=timezone.utc))  # 08:01:30 in Seoul
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())}, clock=clock)
    await runtime.scheduler.run_due()
    got = samples(runtime)
    assert got[("digestbot_digests_total", (("outcome", "posted"), ("platform", "console")))] == 1
    assert got[("digestbot_scheduler_lag_seconds_count", (("platform", "console"),))] == 1
    assert got[("digestbot_scheduler_lag_seconds_sum", (("platform", "console"),))] == 90
    exposition = runtime.metrics.exposition().decode()
    assert "C0SECRETCHANNEL" not in exposition and "destination" not in exposition
    assert "process_cpu_seconds_total" in exposition and "process_open_fds" in exposition
    assert "python_info" in exposition and "python_gc_collections_total" in exposition


async def test_a_refused_post_counts_as_failed_and_as_a_platform_error_and_a_429(app):
    clock = FakeClock(datetime(2026, 3, 2, 23, 0, 5, tzinfo=timezone.utc))
    runtime = build_runtime(app, {"console": Platform("console", RefusingPublisher())}, clock=clock)
    await runtime.scheduler.run_due()
    got = samples(runtime)
    assert got[("digestbot_digests_total", (("outcome", "failed"), ("platform", "console")))] == 1
    assert got[("digestbot_platform_errors_total", (("platform", "console"),))] == 1
    assert got[("digestbot_platform_rate_limited_total", (("platform", "console"),))] == 1
    runtime.scheduler.shutdown()


async def test_feed_polls_are_counted_by_outcome_with_their_entries(app, http_server):
    from digestbot.domain.records import AuditEntry

    http_server.serve("/feed.xml", FEED, content_type="application/rss+xml")
    http_server.serve("/broken.xml", b"oops", status=500)
    audit = AuditEntry(datetime.now(timezone.utc), "console", "ops", "ann", "feeds.add", "added", None, None)
    for path in ("/feed.xml", "/broken.xml"):
        app.service.management.store.add_feed(http_server.url(path), "15m", None, audit)
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    for path in ("/feed.xml", "/broken.xml"):
        url = http_server.url(path)
        runtime.feeds.poller.states.save(replace(runtime.feeds.poller.states.load(url), next_due=datetime.now(timezone.utc)))
    await runtime.feeds.poll()
    got = samples(runtime)
    assert got[("digestbot_feed_polls_total", (("outcome", "fetched"),))] == 1
    assert got[("digestbot_feed_polls_total", (("outcome", "failed"),))] == 1
    assert got[("digestbot_feed_entries_total", ())] == 2


async def test_metrics_apart_from_the_public_port_and_database_errors_counted(app):
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    port = await runtime.start()
    try:
        metrics_port = runtime._metrics_runner.addresses[0][1]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 404  # not on the port Slack's HTTP mode exposes
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
            with pytest.raises(Exception):
                with app.store.engine.connect() as connection:
                    connection.execute(text("SELECT * FROM no_such_table"))
            async with session.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
                assert response.status == 200
                assert "digestbot_database_errors_total 1.0" in await response.text()
    finally:
        await runtime.stop()
