"""Reading ../shared/eval records into processed articles, the same way for every benchmark."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from digestbot.domain.models import Article, InputError, RawArticle
from digestbot.pipeline import process_article


def article_from_record(record: dict) -> Article | None:
    """An eval record (`id`, `text`, `published`, `title`?, `source`?) as the pipeline makes it,
    keyed by its id; None when the pipeline refuses it (not English, no text left)."""
    published = datetime.fromisoformat(record["published"][:10]).replace(tzinfo=timezone.utc)
    raw = RawArticle(text=record["text"], origin=record["id"], title=record.get("title") or None,
                     source=record.get("source"), published=published, input_id=record["id"])
    try:
        article = process_article(raw).article
    except InputError:
        return None
    return replace(article, key=record["id"])
