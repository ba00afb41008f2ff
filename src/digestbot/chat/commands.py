"""The chat command layer: parse `/<topic> <verb> [args]` and `/digest`, answer with a Reply.

Platform-neutral and pure: replies are plain-text lines; adapters render them. Rules:
- topic names and verbs are case-insensitive; the leading slash is optional;
- `/<topic>` alone means `/<topic> summary`; `/digest` lists the top stories;
- `public` anywhere in the arguments makes the reply visible to the channel (ephemeral=False);
- empty input, an unknown topic or verb, or arguments over 200 characters get a helpful Reply
  with ok=False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from collections.abc import Callable

from ..domain.models import (Article, ArticleKind, CommandContext, Digest, Fact, NewItem, Reply, ReplySection, SourceRef,
                     Story, Topic)
from ..present.lines import cite_all, line_text, more_stories, update_text
from ..present.view import Bullet, development, story_view, top_stories
from ..stories.digest import topic_story
from ..stories.novelty import split_coverage
from ..stories.summary import story_summary

MAX_ARGS_CHARS = 200

VERBS: dict[str, str] = {
    "facts": "key facts (who, what, when, where, how many, also reported) with sources and conflicts",
    "why": "each fact with the sentence that states it",
    "new": "what the latest coverage of each story adds to earlier coverage, newest first",
    "summary": "what the story is about, in a few sentences from its articles",
    "sources": "the articles behind the story: outlet, kind, time, link",
    "timeline": "the coverage in time order",
    "help": "this list",
}
# `/digest <verb> ...`: the management commands, answered by `digestbot.service.management`.
MANAGEMENT_VERBS: dict[str, str] = {
    "subscribe": "/digest subscribe [TOPIC|all] [daily HH:MM|weekdays HH:MM|cron \"EXPR\"] [tz ZONE] "
                 "[include WORDS] [exclude WORDS] [sources NAMES] [skip-sources NAMES] "
                 "[threads on|off] [breaking on|off|EVERY] [empty post|skip]",
    "unsubscribe": "/digest unsubscribe [TOPIC]",
    "settings": "/digest settings: what this channel gets, when, and the last changes",
    "topics": "/digest topics add NAME KEYWORD... | list | remove NAME",
    "feeds": "/digest feeds add URL [TOPIC] | list | remove ID",
    "now": "/digest now: post this channel's digest at once",
}
# Names a topic may not take: they are commands or verbs already.
RESERVED_NAMES = frozenset({"digest", "help", "public", "all", "now", *VERBS, *MANAGEMENT_VERBS})
# A topic is a slash command on Slack and Discord. Slack takes at most 50 slash commands an
# app (one is /digest; one is kept as headroom) and Discord 100 top-level ones: both hold this.
MAX_TOPICS = 48
# Slack: lower case, at most 32 characters with the slash; Discord: 1-32 of a-z, 0-9, - and _.
TOPIC_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
TOPIC_NAME_RULE = "1 to 31 lower-case letters, digits, - or _, starting with a letter"


def topic_name_problem(name: str) -> str | None:
    """Why `name` cannot be a topic (its slash command on Slack and Discord), or None."""
    if name in RESERVED_NAMES:
        return f"/{name[:40]} is already a command"
    if not TOPIC_NAME.match(name):
        return f"not a topic name: {name[:40]}"
    return None


def commandable_topics(topics: list[Topic]) -> tuple[list[Topic], list[str]]:
    """The topics that get a slash command (valid names, the first MAX_TOPICS) and, for each
    other one, why not: what a platform's command list is built from, so it never holds more
    than the platform accepts."""
    kept: list[Topic] = []
    left_out: list[str] = []
    for topic in topics:
        problem = topic_name_problem(topic.name)
        if problem is None and len(kept) >= MAX_TOPICS:
            problem = f"/{topic.name}: over the limit of {MAX_TOPICS} topics"
        if problem is None:
            kept.append(topic)
        else:
            left_out.append(problem)
    return kept, left_out


CATEGORY_HEADINGS = {"who": "Who", "what": "What", "when": "When", "where": "Where", "how_many": "How many",
                     "reported": "Also reported"}


@dataclass(frozen=True)
class Command:
    topic: str | None  # None for /digest
    verb: str
    args: list[str] = field(default_factory=list)
    public: bool = False


def _topics_line(topic_names: list[str]) -> str:
    names = ", ".join(f"/{n}" for n in sorted(topic_names)) or "none configured"
    return f"Topics: {names}; and /digest for all stories."


def _verbs_line() -> str:
    return "Verbs: " + ", ".join(VERBS) + "."


def _error(title: str, *lines: str) -> Reply:
    return Reply(title=title, sections=[ReplySection(None, list(lines))], ok=False)


def is_management_command(text: str) -> bool:
    """`/digest <management verb> ...`: answered by the management use cases, not from stories."""
    words = (text or "").split(maxsplit=2)
    return (len(words) >= 2 and words[0].lstrip("/").lower() == "digest"
            and words[1].lower() in MANAGEMENT_VERBS)


def topic_alias(text: str, topic_names: list[str]) -> str:
    """`/digest NAME VERB ...` as `/NAME VERB ...`: how a topic added from chat is asked on Slack
    until the app's manifest gives it its own slash command. Topic names never clash with the
    /digest verbs (RESERVED_NAMES)."""
    words = text.split()
    if len(words) >= 2 and words[0].lstrip("/").lower() == "digest":
        names = {n.lower() for n in topic_names}
        if words[1].lstrip("/").lower() in names:
            return " ".join(["/" + words[1].lstrip("/"), *words[2:]])
    return text


def parse_command(text: str, topic_names: list[str]) -> Command | Reply:
    words = (text or "").split()
    if not words or words == ["/"]:
        return _error("Empty command", "Try /<topic> <verb>, for example /"
                      + (sorted(topic_names)[0] if topic_names else "topic") + " facts.",
                      _topics_line(topic_names), _verbs_line())
    head = words[0].lstrip("/").lower()
    rest = words[1:]
    if len(" ".join(rest)) > MAX_ARGS_CHARS:
        return _error("Arguments too long",
                      f"Arguments are limited to {MAX_ARGS_CHARS} characters; try a shorter command.",
                      _verbs_line())
    public = any(w.lower() == "public" for w in rest)
    rest = [w for w in rest if w.lower() != "public"]
    if head == "digest":
        return _digest_command(rest, public, topic_names)
    by_lower = {n.lower(): n for n in topic_names}
    if head not in by_lower:
        return _error(f"Unknown topic: /{head[:40]}", _topics_line(topic_names))
    topic = by_lower[head]
    if not rest:
        return Command(topic, "summary", [], public)
    verb = rest[0].lower()
    if verb not in VERBS:
        return _error(f"Unknown verb for /{topic}: {rest[0][:40]}", _verbs_line(),
                      f"Example: /{topic} facts")
    return Command(topic, verb, rest[1:], public)


def _digest_command(rest: list[str], public: bool, topic_names: list[str]) -> Command | Reply:
    """`/digest` (the top stories) or `/digest help`; anything else is a helpful refusal."""
    if not rest:
        return Command(None, "digest", [], public)
    if rest[0].lower() == "help":
        return Command(None, "help", rest[1:], public)
    return _error(f"Unknown option for /digest: {rest[0][:40]}",
                  "Use /digest for the top stories, /digest TOPIC VERB for a topic, or /digest help.",
                  "Manage: /digest " + " | ".join(MANAGEMENT_VERBS) + ".", _topics_line(topic_names))


# --- attribution and formatting -----------------------------------------------------------


def _day(d: datetime) -> str:
    return f"{d.day} {d:%b}"


def attribution(refs: list[SourceRef], most: int | None = None) -> str:
    """'(CGTN, opinion, 3 Jan 2026; AnewZ, 5 Jan 2026)': the shared citation, in parentheses."""
    cited = cite_all(refs, most)
    return f"({cited})" if cited else ""


def _ref(a: Article) -> SourceRef:
    return SourceRef(a.key, a.source, a.kind, a.published, a.title, a.url, a.outlets)


def new_item_line(item: NewItem | Bullet) -> str:
    """A development (opening with its dateline when it says here or today) or a view line, with who reported it."""
    line = development(item) if isinstance(item, NewItem) else item
    return f"{line_text(line)} {attribution(line.sources)}".strip()


FACT_CITATIONS = 3  # reports a fact line names; `/TOPIC sources` lists them all, `/TOPIC why` the sentences


def fact_line(fact: Fact) -> str:
    cited = attribution(fact.sources, FACT_CITATIONS)
    line = f"{fact.text} {cited}"
    if fact.timeline:  # the figure changed over time: newest first, then what it was
        line = f"{update_text(fact.text, fact.timeline)} {cited}"
    if fact.agreeing >= 2:
        line += f"; {fact.agreeing} sources agree"
    if fact.conflicts:
        others = "; ".join(f"{text} {attribution(refs)}" for text, refs in fact.conflicts)
        line += f"; but: {others}"
    return line


# --- answers -----------------------------------------------------------------------------


def _help(topic: str | None, topic_names: list[str]) -> Reply:
    name = topic or (sorted(topic_names)[0] if topic_names else "topic")
    lines = [f"/{name} {verb}: {desc}" for verb, desc in VERBS.items()]
    lines.append("Add 'public' to share the reply with the channel.")
    sections = [ReplySection("Commands", lines)]
    if topic is None:
        sections.insert(0, ReplySection("Digest", ["/digest: the top stories and what is new in each"]))
        sections.append(ReplySection("Topics", [_topics_line(topic_names)]))
        sections.append(ReplySection("Manage (anyone reads; administrators change)",
                                     list(MANAGEMENT_VERBS.values())))
    return Reply(title=f"Help for /{topic}" if topic else "Digest help", sections=sections)


def _summary(story: Story) -> list[ReplySection]:
    lines = [f"{s.text} {attribution([_ref(s.article)])}" for s in story_summary(story.articles)]
    return [ReplySection("Summary", lines or ["No summary yet."])]


def _new(stories: list[Story], since: datetime | None) -> list[ReplySection]:
    """What's new in every story of the topic, the story with the newest coverage first."""
    sections = []
    for story in sorted(stories, key=lambda s: max(a.published for a in s.articles), reverse=True):
        if not story.whats_new:
            continue
        newest = max(a.published for a in story.articles)
        prior, _ = split_coverage(story.articles, since)
        if since:
            when = f"new since {since:%Y-%m-%d %H:%M}"
        elif not prior:
            when = f"first coverage ({_day(newest)})"
        else:
            when = f"what the {_day(newest)} coverage adds"
        heading = f"{story.title}: {when}" if len(stories) > 1 else when[0].upper() + when[1:]
        sections.append(ReplySection(heading, [new_item_line(i) for i in story.whats_new]))
    return sections or [ReplySection(None, ["Nothing new compared with earlier coverage."])]


def _facts(story: Story) -> list[ReplySection]:
    top = [fact_line(f) for f in story.facts if f.text.startswith("What happened: ")]
    sections = [ReplySection(None, top)] if top else []
    for cat, heading in CATEGORY_HEADINGS.items():
        lines = [fact_line(f) for f in story.facts if f.category == cat and not f.text.startswith("What happened: ")]
        if lines:
            sections.append(ReplySection(heading, lines))
    return sections or [ReplySection(None, ["No facts extracted yet."])]


def _why(story: Story) -> list[ReplySection]:
    lines = [(f.text if f.evidence in f.text else f"{f.text}: \"{f.evidence}\"") + f" {attribution(f.sources[:1])}"
             for f in story.facts if f.evidence]
    return [ReplySection(None, lines or ["No facts extracted yet."])]


def _sources(story: Story) -> list[ReplySection]:
    lines = []
    for a in story.articles:
        line = f"{a.source}, {a.kind.value}, {a.published:%Y-%m-%d %H:%M}: {a.title}"
        if a.url:
            line += f" {a.url}"
        lines.append(line)
    return [ReplySection(f"{len(lines)} articles", lines)]


def _timeline(story: Story) -> list[ReplySection]:
    lines = []
    for a in sorted(story.articles, key=lambda x: x.published):
        point = a.key_points[0] if a.key_points else a.title
        kind = ", opinion" if a.kind == ArticleKind.OPINION else ""
        lines.append(f"{a.published:%Y-%m-%d %H:%M} {a.source}{kind}: {point}")
    return [ReplySection(None, lines)]


def _digest_overview(digest: Digest) -> Reply:
    """The top stories, each with the lines every other surface shows of it."""
    if not digest.stories:
        return Reply(title="Digest", sections=[ReplySection(None, ["No stories yet."])])
    sections = []
    shown, hidden = top_stories(digest)
    for story in shown:
        newest = max(a.published for a in story.articles)
        outlets = len({o for a in story.articles for o in a.outlets})
        meta = f"{len(story.articles)} articles from {outlets} outlets, latest {_day(newest)}"
        if story.topic:
            meta += f"; /{story.topic} facts, /{story.topic} new"
        lines = [meta] + [new_item_line(line) for line in story_view(story).lines]
        sections.append(ReplySection(story.title, lines))
    if hidden > 0:
        sections.append(ReplySection(None, [more_stories(hidden)]))
    return Reply(title="Digest", sections=sections)


def management_unavailable() -> Reply:
    return _error("Management is not available here",
                  "Settings, topics and feeds are managed where the bot keeps its store "
                  "(digestbot chat, Slack, Discord).")


def answer(
    text: str,
    digest: Digest,
    topics: list[Topic],
    context: CommandContext | None = None,
    manage: Callable[[str, CommandContext | None], Reply] | None = None,
) -> Reply:
    """The reply to one command. `/digest <management verb>` goes to `manage` (the
    management use cases, which need a store) with the asker's `context`."""
    if is_management_command(text):
        return manage(text, context) if manage is not None else management_unavailable()
    names = [t.name for t in topics]
    parsed = parse_command(text, names)
    if isinstance(parsed, Reply):
        return parsed
    return replace(_answer(parsed, digest, topics), ephemeral=not parsed.public)


def _answer(cmd: Command, digest: Digest, topics: list[Topic]) -> Reply:
    names = [t.name for t in topics]
    if cmd.verb == "help":
        return _help(cmd.topic, names)
    if cmd.topic is None:
        return _digest_overview(digest)
    topic = next(t for t in topics if t.name == cmd.topic)
    stories = [s for s in digest.stories if cmd.topic in s.topics]
    if not stories:
        return Reply(title=topic.title, sections=[ReplySection(None, [
            f"No coverage of /{topic.name} yet.", "Try /digest for the stories there are."])])
    if cmd.verb == "new":
        title = f"{topic.title}: what's new" if len(stories) > 1 else f"{stories[0].title}: what's new"
        return Reply(title=title, sections=_new(stories, digest.since))
    story = topic_story(stories, topic)
    builders = {
        "summary": _summary,
        "facts": _facts,
        "why": _why,
        "sources": _sources,
        "timeline": _timeline,
    }
    label = {"summary": "summary", "new": "what's new", "facts": "facts", "why": "why", "sources": "sources",
             "timeline": "timeline"}[cmd.verb]
    return Reply(title=f"{story.title}: {label}", sections=builders[cmd.verb](story))


def render_reply_text(reply: Reply) -> str:
    """The reply as terminal text (`digestbot chat`)."""
    out = [reply.title, "=" * min(len(reply.title), 72)]
    for section in reply.sections:
        if section.heading:
            out += ["", section.heading]
        elif len(out) > 2:
            out.append("")
        out += [f"- {line}" for line in section.lines]
    return "\n".join(out) + "\n"
