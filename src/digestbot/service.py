"""Use cases: ingest articles, build a digest, answer a chat command. No platform names."""

from __future__ import annotations

import logging
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
        return report

    def build_digest(
        self, articles: list[Article] | None = None, since: datetime | None = None
    ) -> Digest:
        chosen = self.store.all_articles() if articles is None else articles
        return build_digest(chosen, self.topics, since=since)

    def answer(self, command_text: str) -> Reply:
        return answer(command_text, self.build_digest(), self.topics)
