"""Test-data builders: readable defaults, override only what a test is about."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text

from digestbot.domain.models import Article, ArticleKind, RawArticle, Story, Topic
from digestbot.storage.tables import Base
from digestbot.stories.facts import extract_facts

CORPUS = Path(__file__).parent / "corpus"
_counter = itertools.count(1)
BASE_TIME = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def split_simple(text: str) -> list[str]:
    """A tiny sentence splitter for test data (clean prose only)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        out.extend(s.strip() for s in _SENTENCE_END.split(para) if s.strip())
    return out


def an_article(
    *sentences: str,
    title: str | None = None,
    source: str = "Test Wire",
    published: datetime | str | None = None,
    days: float = 0,
    kind: ArticleKind | str = ArticleKind.NEWS,
    key: str | None = None,
    key_points: list[str] | None = None,
    url: str | None = None,
    dateline: str | None = None,
) -> Article:
    """An Article with explicit sentences; key points default to the first two sentences."""
    n = next(_counter)
    sents = list(sentences) or [f"Placeholder sentence number {n}."]
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    when = published or BASE_TIME + timedelta(days=days)
    text = " ".join(sents)
    return Article(
        key=key or f"a{n}",
        title=title or sents[0][:80],
        source=source,
        published=when,
        kind=ArticleKind(kind) if isinstance(kind, str) else kind,
        sentences=sents,
        key_points=list(key_points) if key_points is not None else sents[:2],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        url=url or f"https://example.org/{key or n}",
        input_id=key,
        dateline=dateline,
    )


def an_opinion(*sentences: str, **kw) -> Article:
    return an_article(*sentences, kind=ArticleKind.OPINION, **kw)


def facts_of(articles) -> list:
    """The facts of one story of these articles."""
    return extract_facts(Story(key="s", title="t", articles=list(articles)))


def fact_texts(*sentences: str, category: str | None = None, **kw) -> list[str]:
    """The facts' texts of a story of one article with these sentences: all, or one category's."""
    return [f.text for f in facts_of([an_article(*sentences, **kw)]) if category in (None, f.category)]


def a_topic(name: str = "arnvik", title: str = "The Kessel Dam failure",
            keywords: tuple[str, ...] = ("Kessel Dam", "Arnvik")) -> Topic:
    return Topic(name=name, title=title, keywords=keywords)


def article_from_record(rec: dict) -> Article:
    sents = split_simple(rec["text"])
    return an_article(
        *sents,
        title=rec.get("title"),
        source=rec.get("source", "Test Wire"),
        published=rec.get("published"),
        kind=rec.get("kind", "news"),
        key=rec["id"],
        key_points=sents[:2],
        url=rec.get("url"),
    )


def corpus_articles(name: str = "arnvik.jsonl") -> list[Article]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [article_from_record(json.loads(line)) for line in lines if line.strip()]


def corpus_article(key: str) -> Article:
    return next(a for a in corpus_articles() if a.key == key)


def corpus_raw(*ids: str, **overrides) -> list[RawArticle]:
    """Corpus records as ingestion hands them over (with a URL each), in the order given."""
    records = {r["id"]: r for r in map(json.loads, (CORPUS / "arnvik.jsonl").read_text().splitlines())}
    return [
        RawArticle(**{"text": r["text"], "origin": r["id"], "title": r["title"], "source": r["source"],
                      "url": f"https://example.org/{r['id']}", "published": datetime.fromisoformat(r["published"]),
                      **overrides})
        for r in (records[i] for i in ids)
    ]


def a_raw_article(article, **overrides) -> RawArticle:
    """What ingestion would hand over for `article` (an Article built here), to go through the service."""
    fields = dict(text=" ".join(article.sentences), origin=article.key, title=article.title,
                  source=article.source, url=article.url, published=article.published, kind=article.kind)
    fields.update(overrides)
    return RawArticle(**fields)


def two_channels_config(platform: str, first, second) -> str:
    """A configuration with /visit daily at 08:00 in one channel and /other at 09:00 in another."""
    return f"""
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[[topics]]
name = "other"
title = "Something else"
keywords = ["elsewhere"]

[[destinations]]
platform = "{platform}"
channel = "{first}"
cron = "0 8 * * *"
topics = ["visit"]

[[destinations]]
platform = "{platform}"
channel = "{second}"
cron = "0 9 * * *"
topics = ["other"]
"""


# One RSS item about the state visit.
VISIT_FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Xi Jinping meets Lee Jae Myung</title><link>https://example.org/visit</link>
<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate>
<description>Lee Jae Myung met Xi Jinping in Beijing on Monday. Trade was discussed.</description></item>
</channel></rss>"""


def an_app_with_a_visit_story(tmp_path: Path, config_text: str):
    """The app `digestbot run` tests start: HTTP on a free loopback port, feeds allowed on
    loopback, a failing feed announced after 2 failures, and one state-visit story stored."""
    app = an_app(tmp_path, config_text, running=True, http_host="127.0.0.1", http_port=0, feed_failures_before_notice=2,
                 fetch_allow_hosts=frozenset({"127.0.0.1"}))
    app.service.ingest([RawArticle(
        text="Lee Jae Myung met Xi Jinping in Beijing on Monday. The two leaders discussed trade and tourism. "
             "Officials said a joint statement would follow.",
        origin="visit-1", title="Lee Jae Myung meets Xi Jinping in Beijing", source="Example Wire",
        url="https://example.org/visit-1", published=datetime(2026, 3, 3, 6, 0, tzinfo=timezone.utc),
    )])
    return app


def an_app(tmp_path: Path, config_text: str, *, running: bool = False, **settings):
    """The application wired by the real `bootstrap`, on a temp SQLite and this configuration;
    `running`: as `digestbot run` wires it (`/digest now` reaches the runtime)."""
    from digestbot.bootstrap import bootstrap
    from digestbot.settings import Settings

    config = tmp_path / "digestbot.toml"
    config.write_text(config_text)
    return bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", config=config, **settings),
                     running=running)


# columns later migrations added to the initial tables: a database of that release lacks them
LATER_COLUMNS = {"articles": {"dateline"}}


def create_initial_tables(engine, names) -> None:
    """What SqlStore's old ``create_all`` made: those tables as that release had them."""
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[name] for name in names])
    with engine.begin() as conn:
        for name in names:
            for column in LATER_COLUMNS.get(name, ()):
                conn.execute(text(f"ALTER TABLE {name} DROP COLUMN {column}"))
