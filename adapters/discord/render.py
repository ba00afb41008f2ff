"""Render digests and command replies as Discord messages that fit every limit in `limits`.

Everything that comes from articles is escaped (markdown and mentions), so a masked link
`[x](http://evil)` or `@everyone` in a headline is shown as text and pings no one; only
http(s) links survive. Lengths are counted in UTF-16 code units, which is never less than
what Discord counts, so a message that fits here fits there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import discord

from digestbot.domain.models import ArticleKind, Digest, Reply, Story, as_utc
from digestbot.present.lines import cite_all, counted, day, line_text, more_stories, outlet_text
from digestbot.present.render import empty_digest_text
from digestbot.present.view import Bullet, StoryView, story_view, top_stories

from . import limits

ELLIPSIS = "…"
BLANK = "\u200b"  # Discord rejects empty field names and values
OK_COLOUR = 0x2E8B57
ERROR_COLOUR = 0xC0392B


@dataclass
class DiscordMessage:
    """One message to send: plain content plus up to ten embeds."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    reply_to: int | None = None  # a message id: sent as a reply to it (a story's thread)

    def send_kwargs(self) -> dict:
        """Keyword arguments for `Messageable.send` / `Webhook.send` (mentions always off)."""
        kwargs: dict = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.embeds
        return kwargs


def plain_message(text: str, reply_to: int | None = None) -> DiscordMessage:
    """A short plain message (notices, thread replies): escaped, mentions off, within limits."""
    lines = [escape(line) for line in text.splitlines()]
    return DiscordMessage(content=truncate("\n".join(lines), limits.CONTENT), reply_to=reply_to)


# --- measuring and fitting text -------------------------------------------------------------


def discord_len(text: str) -> int:
    """Length in UTF-16 code units: an upper bound on how Discord counts characters."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` units, ending in an ellipsis, never mid-escape."""
    if len(text) <= limit // 2 or discord_len(text) <= limit:
        return text
    budget = limit - 1
    cut = text[:budget]
    while (excess := discord_len(cut) - budget) > 0:
        cut = cut[: len(cut) - (excess + 1) // 2]
    cut = cut.rstrip()
    # A trailing odd run of backslashes would escape the ellipsis (or be a half escape).
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def escape(text: str) -> str:
    """Make article text inert: markdown shown literally, mentions broken.

    escape_markdown escapes "[" only where it sees a whole `[x](y)` (and not inside what it
    takes for a URL), so brackets left bare could pair up with others across pieces of text
    into a masked link: every bracket not yet escaped is escaped here. Discord's link rule
    ignores escapes inside a label, so "](" is broken too: only our own links can close.
    """
    escaped = _escape_brackets(discord.utils.escape_markdown(text)).replace("](", "]\\(")
    return discord.utils.escape_mentions(escaped)


def _escape_brackets(text: str) -> str:
    if "[" not in text and "]" not in text:
        return text
    out: list[str] = []
    escaped = False
    for char in text:
        if char in "[]" and not escaped:
            out.append("\\")
        out.append(char)
        escaped = char == "\\" and not escaped
    return "".join(out)


def one_line(text: str) -> str:
    return " ".join(text.split())


def inert(text: str, limit: int) -> str:
    """Article text as one escaped line of at most `limit` units.

    The raw text is cut before escaping (escaping only lengthens it), so a megabyte of
    input costs no more than a line's worth of work.
    """
    cap = limit * 8 + 64
    flat = one_line(text[:cap])
    if len(text) > cap and len(flat) <= limit:
        flat += " " + ELLIPSIS
    return truncate(escape(flat[: limit + 1]), limit)


_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link that fits an embed, else None."""
    if not url or len(url) > limits.URL + 64:
        return None
    url = url.strip()
    if _UNSAFE_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Parentheses, angle brackets and the like would end a masked link early.
    quoted = quote(url, safe="/:?&=#%+@!$,;~.-_*'")
    if discord_len(quoted) > limits.URL:
        return None
    return quoted


def link(text: str, url: str | None, limit: int = limits.FIELD_VALUE) -> str:
    """A masked link with escaped text, at most `limit` units; the text alone if the URL is
    unsafe or too long to fit. Never cut inside the link, so no bracket is left open."""
    target = safe_url(url)
    # No brackets at all inside our own link's label, escaped or not.
    label = inert(text.replace("[", "(").replace("]", ")"), limit)
    if target and discord_len(target) + 4 + 8 <= limit:
        label = truncate(label, limit - discord_len(target) - 5) or "link"
        if (len(label) - len(label.rstrip("\\"))) % 2:  # a raw backslash would escape our "]"
            label += " "
        return f"[{label}]({target})"
    return truncate(inert(text, limit), limit)


def colour_for(key: str) -> discord.Colour:
    """A stable colour per story (the same key always gets the same colour)."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return discord.Colour(int.from_bytes(digest[:3], "big"))


def embed_len(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6000 across a message's embeds."""
    data = embed.to_dict()
    total = discord_len(data.get("title", "")) + discord_len(data.get("description", ""))
    for f in data.get("fields", []):
        total += discord_len(f["name"]) + discord_len(f["value"])
    total += discord_len(data.get("footer", {}).get("text", ""))
    total += discord_len(data.get("author", {}).get("name", ""))
    return total


def pack_lines(lines: list[str], limit: int, more: str = "… and {n} more", extra: int = 0) -> str:
    """Join whole lines up to `limit` and say how many were left out. Overlong lines are cut.

    `extra` counts further lines the caller did not even render (they are left out too).
    """
    out: list[str] = []
    used = 0
    left_out = extra
    for index, line in enumerate(lines):
        line = truncate(line, limit)
        width = discord_len(line) + (1 if out else 0)
        if used + width > limit:
            left_out += len(lines) - index
            break
        out.append(line)
        used += width
    if left_out:
        note = more.format(n=left_out)
        while out and used + discord_len(note) + 1 > limit:
            used -= discord_len(out.pop()) + (1 if out else 0)
            left_out += 1
            note = more.format(n=left_out)
        if used + (1 if out else 0) + discord_len(note) <= limit:
            out.append(note)
    return "\n".join(out)


# --- digests -------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
        return f"{day(moment)} {moment:%H:%M} UTC"
    return f"{day(moment)} {moment:%H:%M}"


def _timestamp(moment: datetime) -> float:
    return as_utc(moment).timestamp()


def _line(bullet: Bullet) -> str:
    """One view line: inert text, the figure it replaces, who reported it."""
    text = inert(line_text(bullet), limits.DESCRIPTION)
    cites = inert(cite_all(bullet.sources), limits.DESCRIPTION)
    return text + (" (opinion)" if bullet.is_opinion else "") + (f" — {cites}" if cites else "")


def _description(view: StoryView) -> str:
    """What happened in bold, then the bullets: the shared view of the story."""
    lines = [f"**{_line(view.what_happened)}**"] if view.what_happened else []
    lines += [f"• {_line(bullet)}" for bullet in view.bullets]
    text = "\n".join(lines)
    if discord_len(text) <= limits.DESCRIPTION:
        return text
    return pack_lines(lines, limits.DESCRIPTION, "… and {n} more lines")


def _footer(story: Story) -> str:
    n = len(story.articles)
    count = counted(n, "article")
    opinion = sum(1 for a in story.articles if a.kind is ArticleKind.OPINION)
    if opinion:
        count += f" ({opinion} opinion)"
    if not story.articles:
        return count
    times = sorted(story.articles, key=lambda a: _timestamp(a.published))
    first, last = times[0].published, times[-1].published
    span = _when(last) if first == last else f"{_when(first)} – {_when(last)}"
    return truncate(f"{count} · {one_line(span)}", limits.FOOTER)


def _fields(story: Story, budget: int) -> list[tuple[str, str]]:
    """The outlets as a field, within `budget` characters and the field limits. Facts are not a
    digest's: every surface shows the same view of a story, and facts answer `/TOPIC facts`."""
    view = story_view(story)
    if not view.outlets or budget - len("Sources") < 40:
        return []
    room = min(limits.FIELD_VALUE, budget - len("Sources"))
    lines = [inert(outlet_text(o), limits.FIELD_NAME) for o in view.outlets]
    return [("Sources", pack_lines(lines, room, "… and {n} more outlets") or BLANK)]


def render_story(story: Story) -> discord.Embed:
    """One embed for one story, itself within every per-embed limit and the 6000 total."""
    title = inert(story.title, limits.TITLE) or "Untitled story"
    view = story_view(story)
    embed = discord.Embed(
        title=title,
        url=next(filter(None, map(safe_url, view.links)), None),  # the newest news report's
        description=_description(view) or None,
        colour=colour_for(story.key),
    )
    if story.articles:
        embed.timestamp = max((a.published for a in story.articles), key=_timestamp)
        if embed.timestamp.tzinfo is None:
            embed.timestamp = embed.timestamp.replace(tzinfo=timezone.utc)
    footer = _footer(story)
    embed.set_footer(text=footer)
    used = discord_len(title) + discord_len(embed.description or "") + discord_len(footer)
    for name, value in _fields(story, limits.EMBED_TOTAL - used):
        embed.add_field(name=name, value=value, inline=False)
    return embed


PERIOD_LINE = 100  # units: a period key is about 20; never let it crowd out the header


def period_line(period: str) -> str:
    """The digest's period as a Discord subtext line (`-# 2026-03-03T08:00`).

    The first message of a digest carries it, so `DiscordChannelPublisher.find_posted` can
    recognise the post after a crash; match with this same function, never a hand-made string.
    """
    return f"-# {inert(period, PERIOD_LINE)}"


def with_period(content: str, period: str | None) -> str:
    """`content` with the period line appended, cut so the period line always survives whole."""
    if period is None:
        return truncate(content, limits.CONTENT)
    line = period_line(period)
    room = limits.CONTENT - discord_len(line) - 1
    return truncate(f"{truncate(content, room)}\n{line}", limits.CONTENT)


def _header(digest: Digest, hidden: int, period: str | None = None) -> str:
    n = len(digest.stories)
    stories = counted(n, "story", "stories")
    text = f"**digestbot** — {stories}, {day(digest.generated_at)}"
    if digest.since is not None:
        text += f" (new since {_when(digest.since)})"
    if hidden > 0:
        text += f"\n{more_stories(hidden)}"
    return with_period(text, period)


def pack_embeds(embeds: list[discord.Embed], first_content: str = "") -> list[DiscordMessage]:
    """Group embeds into messages of at most 10 embeds and 6000 embed characters."""
    messages: list[DiscordMessage] = []
    current = DiscordMessage(content=first_content)
    total = 0
    for embed in embeds:
        size = embed_len(embed)
        if current.embeds and (
            len(current.embeds) >= limits.EMBEDS_PER_MESSAGE or total + size > limits.EMBED_TOTAL
        ):
            messages.append(current)
            current = DiscordMessage()
            total = 0
        current.embeds.append(embed)
        total += size
    if current.embeds or current.content:
        messages.append(current)
    return messages


def render_digest(digest: Digest, period: str | None = None) -> list[DiscordMessage]:
    """A digest as one or more messages: a header line, then one embed per top story (the
    header counts the rest).

    With `period` (the scheduler's period key), the first message ends with the subtext line
    `-# <period>` (see `period_line`), which identifies the post after a crash.
    """
    if not digest.stories:
        return [DiscordMessage(content=with_period(empty_digest_text(digest), period))]
    shown, hidden = top_stories(digest)
    return pack_embeds([render_story(story) for story in shown], _header(digest, hidden, period))


# --- command replies -----------------------------------------------------------------------


def render_reply(reply: Reply) -> DiscordMessage:
    """A command answer: the title, then each section's heading and lines, in one embed, or in
    several when they overflow one embed's description (a story's fifteen facts with their
    sources), up to the message's embed characters."""
    title = inert(reply.title, limits.TITLE) or "digestbot"
    lines: list[str] = []
    for section in reply.sections:
        if lines:
            lines.append("")
        if section.heading:
            lines.append(f"**{inert(section.heading, limits.FIELD_NAME)}**")
        lines += [f"• {inert(line, limits.DESCRIPTION - 2)}" for line in section.lines if line.strip()]
    room = limits.EMBED_TOTAL - discord_len(title)
    text = pack_lines(lines, room, "… and {n} more lines") if lines else ""
    colour = discord.Colour(OK_COLOUR if reply.ok else ERROR_COLOUR)
    pages = _pages(text.split("\n"), limits.DESCRIPTION) if text else [""]
    return DiscordMessage(embeds=[discord.Embed(title=title if i == 0 else None, description=page or None, colour=colour)
                                  for i, page in enumerate(pages)])


def _pages(lines: list[str], limit: int) -> list[str]:
    """Whole lines joined into pages of at most `limit` units each (every line already fits one)."""
    pages: list[list[str]] = [[]]
    used = 0
    for line in lines:
        width = discord_len(line) + (1 if pages[-1] else 0)
        if pages[-1] and used + width > limit:
            pages.append([])
            used, width = 0, discord_len(line)
        pages[-1].append(line)
        used += width
    return ["\n".join(page).strip("\n") for page in pages]


def render_error(text: str) -> DiscordMessage:
    """A short error shown to the user (never a traceback)."""
    return DiscordMessage(content=inert(text, limits.CONTENT))
