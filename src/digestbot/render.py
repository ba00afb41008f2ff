"""Render a Digest for the terminal and files: plain text, Markdown, JSON (the CLI contract)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from .models import Article, ArticleKind, Digest, Fact, NewItem, SourceRef, Story, WireCopy
from .stories.novelty import Revision

TOP_STORIES = 5


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def cite(ref: SourceRef) -> str:
    """A short attribution: outlet, kind when opinion, day."""
    kind = ", opinion" if ref.kind is ArticleKind.OPINION else ""
    return f"{ref.source}{kind}, {_day(ref.published)}"


def cite_all(refs: list[SourceRef]) -> str:
    seen: dict[str, str] = {}
    for ref in refs:
        seen.setdefault(ref.article_key, cite(ref))
    return "; ".join(seen.values())


def item_text(item: NewItem) -> str:
    if item.is_update:
        was = f"was {item.before}"
        if item.before_sources:
            was += f", {cite_all(item.before_sources)}"
        return f"Update: {item.text} ({was})"
    return item.text


def story_update_text(story: Story, heading: str = "Update on") -> str:
    """A story's new developments as one short message: a thread reply or a breaking post."""
    lines = [f"{heading}: {story.title}"]
    lines += [f"- {item_text(item)} [{cite_all(item.sources)}]" for item in story.whats_new]
    return "\n".join(lines)


def revision_text(article: Article, change: Revision, limit: int = 5) -> str:
    """What an edited article changed, for the thread of the story that showed it."""
    lines = [f"What changed in \u201c{article.title}\u201d ({article.source}):"]
    if change.title_before:
        lines.append(f"- Headline was: {change.title_before}")
    lines += [f"+ {sentence}" for sentence in change.added[:limit]]
    lines += [f"\u2212 {sentence}" for sentence in change.removed[:limit]]
    hidden = max(0, len(change.added) - limit) + max(0, len(change.removed) - limit)
    if hidden:
        lines.append(f"... and {hidden} more changed sentences")
    return "\n".join(lines)


def fact_text(fact: Fact) -> str:
    agree = f"{fact.agreeing} sources agree" if fact.agreeing > 1 else cite_all(fact.sources)
    text = f"{fact.text} ({agree})"
    for value, refs in fact.conflicts:
        text += f" | differs: {value} ({cite_all(refs)})"
    return text


_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _restates(point: str, items: list[set[str]]) -> bool:
    """True when most of a key point's words are already in one of the what's new items."""
    words = _words(point)
    return any(len(words & item) >= 0.6 * min(len(words), len(item)) for item in items if item)


def story_key_points(story: Story, limit: int = 3) -> list[tuple[str, Article]]:
    """The story's key points from its news reports, newest first (opinion only when there is
    no news), leaving out what its what's new already says: a digest says a thing once."""
    news = [a for a in story.articles if a.kind is not ArticleKind.OPINION]
    ordered = sorted(news or story.articles, key=lambda a: -a.published.timestamp())
    already_new = [_words(item.text) for item in story.whats_new]
    points: list[tuple[str, Article]] = []
    for article in ordered:
        for point in article.key_points:
            if len(points) < limit and not _restates(point, already_new):
                points.append((point, article))
    return points


def _label(article: Article) -> str:
    return " [opinion]" if article.kind is ArticleKind.OPINION else ""


# --- plain text ---------------------------------------------------------------------------


def render_text(digest: Digest, top: int = TOP_STORIES) -> str:
    if not digest.stories:
        return "No stories to report.\n"
    count = len(digest.stories)
    lines = [f"digestbot — {count} {'story' if count == 1 else 'stories'}, {_day(digest.generated_at)}", ""]
    for number, story in enumerate(digest.stories[:top], 1):
        lines.append(f"{number}. {story.title}  ({_article_count(story)})")
        points = story_key_points(story)
        if points:
            lines.append("   Key points:")
            lines += [f"   - {point}{_label(article)}" for point, article in points]
        if story.whats_new:
            lines.append("   What's new:")
            lines += [f"   + {item_text(item)} [{cite_all(item.sources)}]" for item in story.whats_new]
        lines.append("   Sources:")
        lines += [f"   · {_source_line(article)}" for article in story.articles]
        lines.append("")
    hidden = len(digest.stories) - top
    if hidden > 0:
        lines.append(f"... and {hidden} more stories (--format json lists every story)")
    return "\n".join(lines).rstrip() + "\n"


def _article_count(story: Story) -> str:
    n = len(story.articles)
    return f"{n} article" if n == 1 else f"{n} articles"


def _source_line(article: Article) -> str:
    parts = [article.source, str(article.kind), _day(article.published), f"“{article.title}”"]
    if article.url:
        parts.append(article.url)
    return " · ".join(parts)


# --- Markdown -----------------------------------------------------------------------------


_URL_BREAK = re.compile(r"[\s()<>]")  # characters that would end a Markdown link target early
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md_escape(text: str) -> str:
    """Article text as literal Markdown: no emphasis, and no way to open or close a link."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(digest: Digest, top: int = TOP_STORIES) -> str:
    if not digest.stories:
        return "# Digest\n\nNo stories to report.\n"
    out = [f"# Digest — {_day(digest.generated_at)}", ""]
    for story in digest.stories[:top]:
        out += [f"## {_md_escape(story.title)}", "", f"*{_article_count(story)}*"]
        points = story_key_points(story)
        if points:
            out += ["", "**Key points**", ""]
            out += [f"- {_md_escape(point)}{_label(article)}" for point, article in points]
        if story.whats_new:
            out += ["", "**What's new**", ""]
            out += [f"- {_md_escape(item_text(item))} ({_md_escape(cite_all(item.sources))})" for item in story.whats_new]
        out += ["", "**Sources**", ""]
        for article in story.articles:
            title = _md_escape(article.title)
            safe_url = article.url and article.url.startswith(("https://", "http://")) and not _URL_BREAK.search(article.url)
            linked = f"[{title}]({article.url})" if safe_url else title
            out.append(f"- {linked} — {_md_escape(article.source)}, {article.kind}, {_day(article.published)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- JSON (the CLI contract) ----------------------------------------------------------------


def _ref_json(ref: SourceRef) -> dict[str, Any]:
    return {
        "source": ref.source,
        "kind": str(ref.kind),
        "published": _iso(ref.published),
        "title": ref.title,
        "url": ref.url,
        "article": ref.article_key,
    }


def _copy_json(copy: WireCopy) -> dict[str, Any]:
    data: dict[str, Any] = {"id": copy.input_id, "source": copy.source}
    if copy.url:
        data["url"] = copy.url
    return data


def _article_json(article: Article) -> dict[str, Any]:
    data = {
        "id": article.input_id,
        "key": article.key,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "published": _iso(article.published),
        "published_is_fallback": article.published_is_fallback,
        "kind": str(article.kind),
        "url": article.url,
        "key_points": article.key_points,
    }
    if article.copies:  # wire copies: the same text under other ids and outlets
        data["also"] = [_copy_json(c) for c in article.copies]
    return data


def _articles_json(article: Article) -> list[dict[str, Any]]:
    """The article, then one entry per wire copy (`copy_of` names the first input), so that
    every ingested input is listed under its own id (the CLI contract); `article_count`
    counts the article once."""
    first = _article_json(article)
    copies = []
    for copy in article.copies:
        entry = {**first, "id": copy.input_id, "source": copy.source, "url": copy.url,
                 "copy_of": article.input_id or article.key}
        entry.pop("also", None)
        copies.append(entry)
    return [first, *copies]


def _item_json(item: NewItem) -> dict[str, Any]:
    data: dict[str, Any] = {"text": item.text, "sources": [_ref_json(r) for r in item.sources]}
    if item.is_update:
        data["update"] = {"before": item.before, "before_sources": [_ref_json(r) for r in item.before_sources]}
    return data


def _fact_json(fact: Fact) -> dict[str, Any]:
    return {
        "category": fact.category,
        "text": fact.text,
        "sources": [_ref_json(r) for r in fact.sources],
        "agreeing": fact.agreeing,
        "conflicts": [{"text": value, "sources": [_ref_json(r) for r in refs]} for value, refs in fact.conflicts],
    }


def digest_to_json(digest: Digest) -> dict[str, Any]:
    return {
        "generated_at": _iso(digest.generated_at),
        "since": _iso(digest.since),
        "stories": [
            {
                "key": story.key,
                "title": story.title,
                "topic": story.topic,
                "score": round(story.score, 4),
                "article_count": len(story.articles),
                "articles": [entry for a in story.articles for entry in _articles_json(a)],
                "whats_new": [_item_json(i) for i in story.whats_new],
                "facts": [_fact_json(f) for f in story.facts],
            }
            for story in digest.stories
        ],
    }


def render_json(digest: Digest) -> str:
    return json.dumps(digest_to_json(digest), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
