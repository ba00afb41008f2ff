"""Prometheus metrics, one registry per process (served on /metrics).

Every label has a small, fixed set of values (platform names, outcomes), so the number of
series never grows with what chat does: which channel or schedule a digest was for goes to the
logs and `/digest settings`, never into a label (channel ids would also be shown to whoever
can read /metrics). The registry carries prometheus-client's process_* (CPU, memory, open
file descriptors) and python_* (GC, version) collectors too.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

# Seconds between a digest's due time and its post: a minute's jitter up to a day's catch-up.
LAG_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)


def platform_of(destination_id: str) -> str:
    """A destination id is `platform:channel[ schedule]`: its platform, a bounded label."""
    return destination_id.split(":", 1)[0]


def is_rate_limit(error: BaseException) -> bool:
    """Whether a platform error is a 429, as each SDK reports one (no SDK imported here):
    a `status`/`status_code` of 429 on the error or its response, or a `retry_after`."""
    response = getattr(error, "response", None)
    statuses = {getattr(error, "status", None), getattr(error, "status_code", None),
                getattr(response, "status_code", None), getattr(response, "status", None)}
    return 429 in statuses or getattr(error, "retry_after", None) is not None


def poll_outcome(report) -> str:
    """A feed poll's outcome label from its `PollReport`: failed when it gave errors and no
    article (the poller counts that against the feed)."""
    if report.not_modified:
        return "not_modified"
    return "failed" if report.errors and not report.articles else "fetched"


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self.digests = Counter(
            "digestbot_digests", "Scheduled digests by platform and outcome (posted, failed, missed)",
            ["platform", "outcome"], registry=registry,
        )
        self.scheduler_lag = Histogram(
            "digestbot_scheduler_lag_seconds", "Seconds from a digest's due time to its post",
            ["platform"], buckets=LAG_BUCKETS, registry=registry,
        )
        self.platform_errors = Counter(
            "digestbot_platform_errors", "Posts a platform refused or failed", ["platform"], registry=registry,
        )
        self.platform_rate_limited = Counter(
            "digestbot_platform_rate_limited", "Posts a platform answered with 429 (rate limited)",
            ["platform"], registry=registry,
        )
        self.feed_polls = Counter(
            "digestbot_feed_polls", "Feed polls by outcome (fetched, not_modified, failed)", ["outcome"],
            registry=registry,
        )
        self.feed_entries = Counter(
            "digestbot_feed_entries", "Entries read from polled feeds", registry=registry,
        )
        self.database_errors = Counter(
            "digestbot_database_errors", "Database operations that raised an error", registry=registry,
        )
        self.command_latency = Histogram(
            "digestbot_command_seconds", "Time to answer a chat command", ["platform"], registry=registry
        )
        self.articles_ingested = Counter(
            "digestbot_articles_ingested", "Articles ingested", ["outcome"], registry=registry
        )
        self.ingestion_errors = Counter(
            "digestbot_ingestion_errors", "Inputs that could not be used", registry=registry
        )

    def digest(self, destination_id: str, outcome: str) -> None:
        """Count a scheduled digest's outcome under its destination's platform."""
        self.digests.labels(platform_of(destination_id), outcome).inc()

    def platform_error(self, destination_id: str, error: BaseException) -> None:
        platform = platform_of(destination_id)
        self.platform_errors.labels(platform).inc()
        if is_rate_limit(error):
            self.platform_rate_limited.labels(platform).inc()

    def lag(self, platform: str, seconds: float) -> None:
        self.scheduler_lag.labels(platform).observe(seconds)

    def ingested(self, report) -> None:
        """An ingest's articles by outcome (created, updated, ...) and its errors."""
        for outcome, count in report.outcomes.items():
            self.articles_ingested.labels(outcome.value).inc(count)
        if report.errors:
            self.ingestion_errors.inc(len(report.errors))

    def feed_poll(self, outcome: str, entries: int = 0) -> None:
        self.feed_polls.labels(outcome).inc()
        self.feed_entries.inc(entries)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
