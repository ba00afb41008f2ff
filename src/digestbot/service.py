"""Use cases: ingest articles, build a digest, answer a chat command. No platform names."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .commands import answer
from .digest import build_digest
from .models import Article, Digest, InputError, RawArticle, Reply, Topic
from .pipeline import process_article
from .storage import ArticleStore, UpsertOutcome

log = logging.getLogger("digestbot.service")


@dataclass
class IngestReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: dict[UpsertOutcome, int] = field(default_factory=dict)


class DigestService:
    # Chat answers reuse the digest of the whole store: it is rebuilt after an ingest in this
    # process, and at least this often to see what other processes on the database added.
    DIGEST_MAX_AGE = 60.0

    def __init__(
        self,
        store: ArticleStore,
        topics: list[Topic],
        *,
        key_points: int = 3,
        method: str = "digestbot",
        max_article_chars: int = 200_000,
    ):
        self.store = store
        self.topics = topics
        self._key_points = key_points
        self._method = method
        self._max_chars = max_article_chars
        self._cache_lock = threading.Lock()
        self._cached: tuple[float, Digest] | None = None

    def ingest(
        self,
        items: Iterable[RawArticle | InputError],
        on_problem: Callable[[str], None] = lambda message: None,
    ) -> IngestReport:
        """Process and store each item; a bad item is reported and the rest go on."""
        report = IngestReport()
        for item in items:
            if isinstance(item, InputError):
                report.errors.append(str(item))
                on_problem(str(item))
                continue
            try:
                processed = process_article(
                    item, key_points=self._key_points, method=self._method, max_chars=self._max_chars
                )
            except InputError as error:
                report.errors.append(str(error))
                on_problem(str(error))
                continue
            for warning in processed.warnings:
                report.warnings.append(warning)
                on_problem(f"warning: {warning}")
            outcome = self.store.upsert(processed.article)
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
            report.articles.append(processed.article)
        if report.articles:
            self._cached = None
        return report

    def build_digest(
        self, articles: list[Article] | None = None, since: datetime | None = None
    ) -> Digest:
        chosen = self.store.all_articles() if articles is None else articles
        return build_digest(chosen, self.topics, since=since)

    def current_digest(self) -> Digest:
        """The digest of everything stored, cached between ingests (commands run in threads)."""
        with self._cache_lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self.DIGEST_MAX_AGE:
                self._cached = (time.monotonic(), self.build_digest())
            return self._cached[1]

    def answer(self, command_text: str) -> Reply:
        return answer(command_text, self.current_digest(), self.topics)
