"""Prometheus metrics, one registry per process (served on /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.digests_posted = Counter(
            "digestbot_digests_posted", "Scheduled digests posted", ["destination"], registry=self.registry
        )
        self.digests_failed = Counter(
            "digestbot_digests_failed", "Scheduled digests that failed", ["destination"], registry=self.registry
        )
        self.digests_missed = Counter(
            "digestbot_digests_missed", "Digests due while down, past the grace", ["destination"],
            registry=self.registry,
        )
        self.command_latency = Histogram(
            "digestbot_command_seconds", "Time to answer a chat command", ["platform"], registry=self.registry
        )
        self.articles_ingested = Counter(
            "digestbot_articles_ingested", "Articles ingested", ["outcome"], registry=self.registry
        )
        self.ingestion_errors = Counter(
            "digestbot_ingestion_errors", "Inputs that could not be used", registry=self.registry
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
