"""Render a Digest for the terminal and files: plain text, Markdown, JSON (the CLI contract)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from ..domain.models import Article, Digest, Fact, NewItem, SourceRef, Story, WireCopy
from ..stories.novelty import Revision
from .lines import cite_all, counted, day, line_text, more_stories, outlets_text
from .view import TOP_STORIES, Bullet, StoryView, development, story_view, top_stories


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def story_update_text(story: Story, heading: str = "Update on") -> str:
    """A story's new developments as one short message: a thread reply or a breaking post."""
    lines = [f"{heading}: {story.title}"]
    lines += [f"- {line_text(development(item))} [{cite_all(item.sources)}]" for item in story.whats_new]
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


def _labels(view: StoryView) -> str:
    return " · ".join([counted(view.article_count, "article"), *(f"/{t}" for t in view.topics)])


# --- plain text ---------------------------------------------------------------------------


def _text_line(bullet: Bullet) -> str:
    opinion = " [opinion]" if bullet.is_opinion else ""
    return f"{line_text(bullet)}{opinion} [{cite_all(bullet.sources)}]"


NOTHING_NEW = "Nothing new since the last digest."
NOTHING_INGESTED = "No stories yet: nothing was ingested."


def empty_digest_text(digest: Digest) -> str:
    """What a chat digest without stories says: a quiet day or a bot that has read nothing."""
    return NOTHING_NEW if digest.nothing_new else NOTHING_INGESTED


def render_text(digest: Digest, top: int = TOP_STORIES) -> str:
    if not digest.stories:
        return f"{NOTHING_NEW if digest.nothing_new else 'No stories to report.'}\n"
    count = len(digest.stories)
    lines = [f"digestbot — {counted(count, 'story', 'stories')}, {day(digest.generated_at)}", ""]
    shown, hidden = top_stories(digest, top)
    for number, story in enumerate(shown, 1):
        view = story_view(story)
        lines.append(f"{number}. {view.headline}  ({_labels(view)})")
        if view.what_happened:
            lines.append(f"   {_text_line(view.what_happened)}")
        lines += [f"   - {_text_line(bullet)}" for bullet in view.bullets]
        lines.append(f"   Sources: {outlets_text(view)}")
        lines.append("")
    if hidden > 0:
        lines.append(f"{more_stories(hidden)} (--format json lists every story)")
    return "\n".join(lines).rstrip() + "\n"


# --- Markdown -----------------------------------------------------------------------------


_URL_BREAK = re.compile(r"[\s()<>]")  # characters that would end a Markdown link target early
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md_escape(text: str) -> str:
    """Article text as literal Markdown: no emphasis, and no way to open or close a link."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_line(bullet: Bullet) -> str:
    opinion = " *(opinion)*" if bullet.is_opinion else ""
    return f"{_md_escape(line_text(bullet))}{opinion} ({_md_escape(cite_all(bullet.sources))})"


def _md_lead_link(view: StoryView, headline: str) -> str:
    """The headline, linked to the newest news report whose link Markdown can carry."""
    for url in view.links:
        if url.startswith(("https://", "http://")) and not _URL_BREAK.search(url):
            return f"[{headline}]({url})"
    return headline


def render_markdown(digest: Digest, top: int = TOP_STORIES) -> str:
    if not digest.stories:
        return "# Digest\n\nNo stories to report.\n"
    out = [f"# Digest — {day(digest.generated_at)}", ""]
    shown, hidden = top_stories(digest, top)
    for story in shown:
        view = story_view(story)
        out += [f"## {_md_lead_link(view, _md_escape(view.headline))}", "", f"*{_md_escape(_labels(view))}*", ""]
        if view.what_happened:
            out += [f"**{_md_line(view.what_happened)}**", ""]
        out += [f"- {_md_line(bullet)}" for bullet in view.bullets]
        out += ["", f"Sources: {_md_escape(outlets_text(view))}", ""]
    if hidden > 0:
        out.append(_md_escape(more_stories(hidden)))
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
    data: dict[str, Any] = {"text": development(item).text, "sources": [_ref_json(r) for r in item.sources]}
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


def _bullet_json(bullet: Bullet) -> dict[str, Any]:
    data: dict[str, Any] = {"text": bullet.text, "new": bullet.is_new, "sources": [_ref_json(r) for r in bullet.sources],
                            "cite": cite_all(bullet.sources)}
    if bullet.before is not None:
        data["update"] = {"before": bullet.before, "before_sources": [_ref_json(r) for r in bullet.before_sources]}
    return data


def _view_json(view: StoryView) -> dict[str, Any]:
    """What the text and chat forms show of the story, so other tools can show the same."""
    return {
        "headline": view.headline,
        "what_happened": _bullet_json(view.what_happened) if view.what_happened else None,
        "bullets": [_bullet_json(b) for b in view.bullets],
        "outlets": [{"source": o.source, "articles": o.articles} for o in view.outlets],
    }


def digest_to_json(digest: Digest) -> dict[str, Any]:
    return {
        "generated_at": _iso(digest.generated_at),
        "since": _iso(digest.since),
        "top_stories": len(top_stories(digest)[0]),  # the first N stories are the ones other surfaces show
        "stories": [
            {
                "key": story.key,
                "title": story.title,
                "topic": story.topic,
                "topics": list(story.topics),
                "score": round(story.score, 4),
                "article_count": len(story.articles),
                "articles": [entry for a in story.articles for entry in _articles_json(a)],
                "whats_new": [_item_json(i) for i in story.whats_new],
                "facts": [_fact_json(f) for f in story.facts],
                "view": _view_json(story_view(story)),
            }
            for story in digest.stories
        ],
    }


def render_json(digest: Digest, *, pretty: bool = True) -> str:
    """The digest as JSON; `pretty=False` writes it compactly (for pipes: Python's indented
    encoder is several times slower than its C one)."""
    indent = 2 if pretty else None
    return json.dumps(digest_to_json(digest), ensure_ascii=False, indent=indent) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
