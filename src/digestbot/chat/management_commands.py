"""The management commands as typed values: one frozen dataclass per `/digest` command.

Two builders make them, and nothing else travels between an adapter and the service:

- `parse_management(text)`, the one text parser: what Slack sends and `digestbot chat` reads;
- the Discord adapter, straight from its typed options (`Subscribe(topic=..., daily=...)`).

Values stay as the user typed them (whitespace runs made one space, blanks dropped): the
service checks them against the store and words every problem, so both builders get the same
replies. The parser refuses only what is wrong with the words themselves (`CommandProblem`).

    /digest subscribe [TOPIC|all] [daily HH:MM|weekdays HH:MM|cron "EXPR"] [tz ZONE] [OPTION VALUE]...
    /digest unsubscribe [TOPIC]
    /digest settings | now
    /digest topics add NAME KEYWORD... | topics list | topics remove NAME
    /digest feeds add URL [TOPIC] | feeds list | feeds remove ID
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from .commands import MANAGEMENT_VERBS

MAX_COMMAND_CHARS = 2000
MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 80

#: `/digest subscribe` words that take a value, each the name of a `Subscribe` field
#: (`skip-sources` is `skip_sources`). The first three are the schedule: one of them at most.
SCHEDULE_WORDS = ("daily", "weekdays", "cron")
SUBSCRIBE_WORDS = (*SCHEDULE_WORDS, "tz", "include", "exclude", "sources", "skip-sources", "threads", "breaking",
                   "empty")

_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d"}  # curly quotes: what phones and some keyboards type


class CommandProblem(Exception):
    """A command that cannot be done: the reply's title and lines."""

    def __init__(self, title: str, *lines: str):
        super().__init__(title)
        self.title = title
        self.lines = list(lines)


@dataclass(frozen=True, kw_only=True)
class ManagementCommand:
    """One `/digest` management command; `public` shares the reply with the channel."""

    action: ClassVar[str]  # as the usage, the audit log and the permission reply name it
    changes: ClassVar[bool] = False  # True: only administrators may do it

    public: bool = False

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str):  # one line, as typed; a blank option is no option
                object.__setattr__(self, field.name, " ".join(value.split()) or None)

    def with_text(self, clean: Callable[[str], str]) -> ManagementCommand:
        """A copy with `clean` applied to every typed value (as chat text is cleaned)."""
        changes = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str):
                changes[field.name] = clean(value)
            elif isinstance(value, tuple):
                changes[field.name] = tuple(clean(item) for item in value)
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class Subscribe(ManagementCommand):
    action: ClassVar[str] = "subscribe"
    changes: ClassVar[bool] = True

    topic: str | None = None  # a topic name, `all`, or None for all
    daily: str | None = None
    weekdays: str | None = None
    cron: str | None = None
    tz: str | None = None
    include: str | None = None
    exclude: str | None = None
    sources: str | None = None
    skip_sources: str | None = None
    threads: str | None = None
    breaking: str | None = None
    empty: str | None = None  # a digest with nothing new: `post` says so, `skip` posts nothing


@dataclass(frozen=True, kw_only=True)
class Unsubscribe(ManagementCommand):
    action: ClassVar[str] = "unsubscribe"
    changes: ClassVar[bool] = True

    topic: str | None = None  # None: everything this channel gets


@dataclass(frozen=True, kw_only=True)
class Settings(ManagementCommand):
    action: ClassVar[str] = "settings"


@dataclass(frozen=True, kw_only=True)
class PostNow(ManagementCommand):
    action: ClassVar[str] = "now"
    changes: ClassVar[bool] = True  # it posts to the channel


@dataclass(frozen=True, kw_only=True)
class TopicsAdd(ManagementCommand):
    action: ClassVar[str] = "topics add"
    changes: ClassVar[bool] = True

    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TopicsList(ManagementCommand):
    action: ClassVar[str] = "topics list"


@dataclass(frozen=True, kw_only=True)
class TopicsRemove(ManagementCommand):
    action: ClassVar[str] = "topics remove"
    changes: ClassVar[bool] = True

    name: str


@dataclass(frozen=True, kw_only=True)
class FeedsAdd(ManagementCommand):
    action: ClassVar[str] = "feeds add"
    changes: ClassVar[bool] = True

    url: str
    topic: str | None = None


@dataclass(frozen=True, kw_only=True)
class FeedsList(ManagementCommand):
    action: ClassVar[str] = "feeds list"


@dataclass(frozen=True, kw_only=True)
class FeedsRemove(ManagementCommand):
    action: ClassVar[str] = "feeds remove"
    changes: ClassVar[bool] = True

    feed: str  # its number as typed, `3` or `#3`


COMMANDS = (Subscribe, Unsubscribe, Settings, PostNow, TopicsAdd, TopicsList, TopicsRemove,
            FeedsAdd, FeedsList, FeedsRemove)
#: The actions only administrators may do.
CHANGES = frozenset(c.action for c in COMMANDS if c.changes)


def split_keywords(keywords: str) -> tuple[str, ...]:
    """`"Kessel Dam, Arnvik"` -> `("Kessel Dam", "Arnvik")`: comma-separated, blanks dropped."""
    return tuple(k for k in (" ".join(part.split()) for part in keywords.split(",")) if k)


def usage_lines() -> list[str]:
    return ["Usage:"] + list(MANAGEMENT_VERBS.values())


# --- the one text parser -------------------------------------------------------------------


def parse_management(text: str) -> ManagementCommand:
    """`/digest <management verb> ...` as its command; CommandProblem when the words cannot be
    one. A bare `public` anywhere after the verb shares the reply; a quoted "public" is a word."""
    if len(text) > MAX_COMMAND_CHARS:
        raise CommandProblem(f"Command too long: at most {MAX_COMMAND_CHARS} characters",
                             f"A topic takes at most {MAX_KEYWORDS} keywords of at most {MAX_KEYWORD_CHARS} "
                             "characters each.", *usage_lines())
    try:
        words = split_words(text)
    except ValueError:
        raise CommandProblem("Unbalanced quotes", 'Quote a cron expression or a keyword of several words: '
                             'cron "0 8 * * 1-5", "state visit".', *usage_lines()) from None
    public = any(word.lower() == "public" and not quoted for word, quoted in words[2:])
    kept = [word for word, quoted in words if quoted or word.lower() != "public"]
    verb, args = kept[1].lower(), kept[2:]
    if verb in {"topics", "feeds"}:
        sub = args[0].lower() if args else "list"
        if sub not in {"add", "list", "remove"}:
            raise CommandProblem(f"Unknown /digest {verb} command: {args[0][:40]}", MANAGEMENT_VERBS[verb])
        verb, args = f"{verb} {sub}", args[1:]
    return _BUILDERS[verb](args, public)


def split_words(text: str) -> list[tuple[str, bool]]:
    """The command's words, shell-style, each with whether it was quoted (ValueError on an
    unbalanced quote)."""
    words: list[tuple[str, bool]] = []
    current: list[str] = []
    closing, quoted, in_word, escaped = None, False, False, False
    for char in text:
        if escaped:  # inside double quotes, \" and \\ stand for themselves (as in a shell)
            current.append(char if char in '"\\' else "\\" + char)
            escaped = False
        elif closing is not None:
            if char == closing:
                closing = None
            elif char == "\\" and closing == '"':
                escaped = True
            else:
                current.append(char)
        elif char in _QUOTES:
            closing, quoted, in_word = _QUOTES[char], True, True
        elif char.isspace():
            if in_word:
                words.append(("".join(current), quoted))
                current, quoted, in_word = [], False, False
        else:
            current.append(char)
            in_word = True
    if closing is not None:
        raise ValueError("no closing quotation")
    if in_word:
        words.append(("".join(current), quoted))
    return words


def _subscribe(args: list[str], public: bool) -> Subscribe:
    """`[TOPIC] word value ...`: the first word is a topic unless it is one of SUBSCRIBE_WORDS."""
    usage = MANAGEMENT_VERBS["subscribe"]
    topic = None
    if args and args[0].lower() not in SUBSCRIBE_WORDS:
        topic, args = args[0], args[1:]
    given: dict[str, str] = {}
    for i in range(0, len(args), 2):
        word = args[i].lower()
        if word not in SUBSCRIBE_WORDS:
            raise CommandProblem(f"Unexpected word: {args[i][:40]}", usage)
        if i + 1 >= len(args):
            raise CommandProblem(f"{word} needs a value", usage)
        if word in given or (word in SCHEDULE_WORDS and given.keys() & set(SCHEDULE_WORDS)):
            raise CommandProblem("Give one schedule: daily, weekdays or cron" if word in SCHEDULE_WORDS
                                 else f"Give {word} once", usage)
        given[word] = args[i + 1]
    return Subscribe(topic=topic, public=public, **{w.replace("-", "_"): v for w, v in given.items()})


def _unsubscribe(args: list[str], public: bool) -> Unsubscribe:
    if len(args) > 1:
        raise CommandProblem("Too many words", MANAGEMENT_VERBS["unsubscribe"])
    return Unsubscribe(topic=args[0] if args else None, public=public)


def _no_arguments(command: type[ManagementCommand], verb: str):
    def build(args: list[str], public: bool) -> ManagementCommand:
        if args:
            raise CommandProblem(f"/digest {verb} takes no arguments", MANAGEMENT_VERBS[verb])
        return command(public=public)

    return build


def _topics_add(args: list[str], public: bool) -> TopicsAdd:
    if len(args) < 2:
        raise CommandProblem("A topic needs a name and at least one keyword",
                             'Example: /digest topics add dam "Kessel Dam" Arnvik', MANAGEMENT_VERBS["topics"])
    return TopicsAdd(name=args[0], keywords=tuple(" ".join(k.split()) for k in args[1:]), public=public)


def _topics_remove(args: list[str], public: bool) -> TopicsRemove:
    if len(args) != 1:
        raise CommandProblem("Name one topic to remove", MANAGEMENT_VERBS["topics"])
    return TopicsRemove(name=args[0], public=public)


def _feeds_add(args: list[str], public: bool) -> FeedsAdd:
    if not args or len(args) > 2:
        raise CommandProblem("Give a feed URL and, optionally, a topic",
                             "Example: /digest feeds add https://example.org/rss.xml visit", MANAGEMENT_VERBS["feeds"])
    return FeedsAdd(url=args[0].strip("<>"),  # Slack wraps links in <...>
                    topic=args[1] if len(args) == 2 else None, public=public)


def _feeds_remove(args: list[str], public: bool) -> FeedsRemove:
    if len(args) != 1:
        raise CommandProblem("Name the feed by its number", "See /digest feeds list; e.g. /digest feeds remove 3.")
    return FeedsRemove(feed=args[0], public=public)


_BUILDERS = {
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "settings": _no_arguments(Settings, "settings"),
    "now": _no_arguments(PostNow, "now"),
    "topics add": _topics_add,
    "topics list": lambda args, public: TopicsList(public=public),
    "topics remove": _topics_remove,
    "feeds add": _feeds_add,
    "feeds list": lambda args, public: FeedsList(public=public),
    "feeds remove": _feeds_remove,
}
