"""Render digests and command replies as Block Kit messages that Slack always accepts.

Every piece of text that came from an article (titles, key points, outlets, what's new) is
escaped (`&`, `<`, `>`), so `<!channel>`, `<@U123>`, `<!subteam^X>` or `<http://evil|ok>` in a
headline arrive as plain text; mrkdwn objects are sent with `verbatim: true`, so Slack does not
auto-link `@channel` or channel names either. Only http(s) URLs become links.

A long digest becomes several messages: the first is posted in the channel, the later ones
(`SlackMessage.in_thread`) as replies in its thread, so a channel never gets a wall of posts.
Every message fits the limits in `limits.py`; the property tests prove it over arbitrary digests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from digestbot.domain.models import Digest, Reply, Story, as_utc
from digestbot.present.lines import cite_all, counted, day, line_text, more_stories, outlets_text
from digestbot.present.render import empty_digest_text
from digestbot.present.view import TOP_STORIES, Bullet, story_view, top_stories

from . import limits
from .limits import slack_len

Block = dict[str, Any]
ELLIPSIS = "…"


@dataclass(frozen=True)
class SlackMessage:
    """One `chat.postMessage` (or `respond`) payload: fallback `text` plus Block Kit `blocks`.

    `in_thread` marks a continuation: post it as a reply in the thread of the first message.
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    in_thread: bool = False


# --- text safety ---------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(raw: str, limit: int) -> str:
    """`raw` escaped, cut (never inside an entity) with an ellipsis so it fits `limit`."""
    escaped = escape(raw)
    if slack_len(escaped) <= limit:
        return escaped
    head = raw[: max(limit, 0)]  # an escaped character is never shorter than the raw one
    return truncate(escape(head) + "…", limit, pieces=_escaped_pieces(head))


def truncate(text: str, limit: int, *, pieces: list[str] | None = None) -> str:
    """Cut already-safe text to `limit` with an ellipsis; `pieces` are the units not to split."""
    if slack_len(text) <= limit:
        return text
    if limit < 1:
        return ""
    budget = limit - slack_len(ELLIPSIS)
    out: list[str] = []
    used = 0
    for piece in pieces if pieces is not None else list(text):
        size = slack_len(piece)
        if used + size > budget:
            break
        out.append(piece)
        used += size
    return "".join(out).rstrip() + ELLIPSIS


def _escaped_pieces(raw: str) -> list[str]:
    return [escape(ch) for ch in raw]


def safe_url(url: str | None) -> str | None:
    """The URL ready to put inside `<...|...>`, or None unless it is a plain http(s) link."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # Percent-encode whitespace, controls, `|`, `<`, `>` and non-ASCII; keep URL syntax as is.
    quoted = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    quoted = quoted.replace("&", "&amp;")
    if slack_len(quoted) > limits.URL_MAX:
        return None
    return quoted


def link(url: str | None, title: str, limit: int) -> str:
    """`<url|title>` for an http(s) URL, else the escaped title; the whole fits `limit`."""
    target = safe_url(url)
    label = title.replace("|", "¦").replace("\n", " ").strip() or "link"
    if target is None:
        return fit(label, limit)
    room = limit - slack_len(target) - 3  # `<`, `|`, `>`
    if room < 8:
        return fit(label, limit)
    return f"<{target}|{fit(label, room)}>"


def when(moment: datetime) -> str:
    """A Slack date token (shown in each reader's own time zone) with a UTC fallback."""
    moment = as_utc(moment)
    try:
        stamp = int(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return day(moment)
    fallback = moment.astimezone(timezone.utc).strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>"


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(truncate(text, limits.SECTION_TEXT))}


def context(elements: list[str]) -> Block:
    items = [mrkdwn(truncate(e, limits.CONTEXT_TEXT)) for e in elements if e][: limits.CONTEXT_ELEMENTS]
    return {"type": "context", "elements": items}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, limits.HEADER_TEXT), "emoji": True}}


def divider() -> Block:
    return {"type": "divider"}


def bullets(title: str, lines: list[str], limit: int = limits.SECTION_TEXT, *, more: str = "more") -> str:
    """`*title*` and one `• line` per safe line, as many as fit `limit`, then `…and N more`."""
    out = f"*{title}*" if title else ""
    for index, line in enumerate(lines):
        candidate = f"{out}\n• {line}" if out else f"• {line}"
        rest = len(lines) - index - 1
        reserve = slack_len(f"\n…and {len(lines)} {more}") if rest else 0
        if slack_len(candidate) + reserve <= limit:
            out = candidate
            continue
        # The first line that does not fit: cut it if it is the first, else count the rest.
        if index == 0:
            tail = f"\n…and {rest} {more}" if rest else ""
            prefix = f"{out}\n• " if out else "• "
            room = limit - slack_len(prefix) - slack_len(tail)
            out = prefix + truncate(line, room) + tail
        else:
            out += f"\n…and {len(lines) - index} {more}"
        break
    return truncate(out, limit)


# --- digests -------------------------------------------------------------------------------


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _line(bullet: Bullet) -> str:
    """One view line: escaped text, the figure it replaces, who reported it."""
    text = fit(_oneline(line_text(bullet)), 1000)
    if bullet.is_opinion:
        text += " _(opinion)_"
    if bullet.sources:
        text += f" _[{fit(cite_all(bullet.sources), 300)}]_"
    return text


def story_blocks(story: Story, number: int) -> list[Block]:
    """At most four blocks for one story (the shared view): headline, what happened and the
    bullets, outlets with counts, divider."""
    view = story_view(story)
    lead = next((url for url in view.links if safe_url(url)), None)
    headline = link(lead, _oneline(view.headline) or "Untitled story", 300)
    labels = " · ".join([counted(view.article_count, "article"), *(f"/{fit(t, 40)}" for t in view.topics)])
    blocks: list[Block] = [divider(), section(f"*{number}. {headline}*  ({labels})")]
    if view.what_happened or view.bullets:
        first = _line(view.what_happened) if view.what_happened else ""
        blocks.append(section(bullets(first, [_line(b) for b in view.bullets])))
    if view.outlets:
        blocks.append(context([fit("Sources: " + _oneline(outlets_text(view)), limits.CONTEXT_TEXT)]))
    return blocks


def _visible(block: Block) -> int:
    if "text" in block:
        return slack_len(block["text"]["text"])
    return sum(slack_len(e["text"]) for e in block.get("elements", ()))


def pack(groups: list[list[Block]], continued: str) -> list[list[Block]]:
    """Greedily pack block groups into messages within the block and text budgets.

    Every message after the first starts with a context line `continued` (n/m filled later).
    """
    messages: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for group in groups:
        group_size = sum(_visible(b) for b in group)
        if current and (
            len(current) + len(group) > limits.BLOCKS_PER_MESSAGE or size + group_size > limits.MESSAGE_TEXT
        ):
            messages.append(current)
            current = [context([continued])]
            size = _visible(current[0])
        current.extend(group[: limits.BLOCKS_PER_MESSAGE - len(current)])
        size += group_size
    if current:
        messages.append(current)
    return messages


def render_digest(digest: Digest, *, top: int = TOP_STORIES) -> list[SlackMessage]:
    """A digest as Slack messages: the first for the channel, the rest for its thread."""
    title = f"Digest — {day(digest.generated_at)}"
    stories = digest.stories
    articles = sum(len(s.articles) for s in stories)
    summary = f"{counted(len(stories), 'story', 'stories')} · {counted(articles, 'article')}"
    if digest.since is not None:
        summary += f" · new since {when(digest.since)}"
    groups: list[list[Block]] = [[header(title), context([summary])]]
    if not stories:
        groups[0].append(section(empty_digest_text(digest)))
    shown, hidden = top_stories(digest, top)
    for number, story in enumerate(shown, 1):
        groups.append(story_blocks(story, number))
    if hidden > 0:
        groups.append([divider(), context([more_stories(hidden)])])

    packed = pack(groups, f"{title} (continued)")
    total = len(packed)
    headlines = "; ".join(f"{n}. {s.title}" for n, s in enumerate(shown, 1))
    messages = []
    for index, blocks in enumerate(packed):
        if index == 0:
            fallback = f"{title}: {summary}. " + fit(headlines, limits.FALLBACK_TEXT)
        else:
            blocks[0] = context([f"{title} (continued, {index + 1}/{total})"])
            fallback = f"{title} (continued, {index + 1}/{total})"
        messages.append(
            SlackMessage(text=truncate(fallback, limits.FALLBACK_TEXT), blocks=blocks, in_thread=index > 0)
        )
    return messages


# --- command replies -----------------------------------------------------------------------


def render_reply(reply: Reply) -> SlackMessage:
    """A command reply as one message (a `respond()` payload); overlong replies are cut, saying so."""
    title = fit(reply.title.strip() or "digestbot", 300)
    blocks: list[Block] = [section(("*" if reply.ok else ":warning: *") + title + "*")]
    budget = limits.BLOCKS_PER_MESSAGE - 2  # room for the title and a final "cut" note
    dropped = 0
    for part in reply.sections:
        lines = [fit(line, 1500) for line in part.lines if line.strip()]
        heading = fit(part.heading, 200) if part.heading else ""
        chunks = _chunk(heading, lines)
        for chunk in chunks:
            if len(blocks) - 1 < budget:
                blocks.append(section(chunk))
            else:
                dropped += 1
    if dropped:
        blocks.append(context([f"…{counted(dropped, 'more part')} not shown"]))
    plain = [reply.title] + [
        (f"{p.heading}: " if p.heading else "") + "; ".join(p.lines) for p in reply.sections
    ]
    fallback = fit(" — ".join(x for x in plain if x.strip()), limits.FALLBACK_TEXT).strip()
    return SlackMessage(text=fallback or title, blocks=blocks)


def _chunk(heading: str, lines: list[str]) -> list[str]:
    """Section texts holding `heading` and every line, each within the section limit."""
    chunks: list[str] = []
    current = f"*{heading}*" if heading else ""
    for line in lines:
        entry = f"• {line}"
        candidate = f"{current}\n{entry}" if current else entry
        if slack_len(candidate) <= limits.SECTION_TEXT:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = truncate(entry, limits.SECTION_TEXT)
    if current:
        chunks.append(current)
    return chunks
