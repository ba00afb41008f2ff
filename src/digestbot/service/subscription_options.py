"""A `/digest subscribe` command's schedule and options, checked and made into what the store
keeps (a cron expression, `SubscriptionOptions`); every problem is a CommandProblem."""

from __future__ import annotations

import dataclasses
import re

from ..chat.management_commands import MAX_KEYWORD_CHARS, MAX_KEYWORDS, SCHEDULE_WORDS, CommandProblem, Subscribe
from ..domain.records import SubscriptionOptions
from ..stories.delivery import parse_breaking

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def cron_from(command: Subscribe, usage: str) -> str | None:
    """The command's schedule (`daily HH:MM`, `weekdays HH:MM` or `cron EXPR`) as a cron
    expression; None when it gives none."""
    given = [(word, getattr(command, word)) for word in SCHEDULE_WORDS if getattr(command, word) is not None]
    if len(given) > 1:
        raise CommandProblem("Give one schedule: daily, weekdays or cron", usage)
    if not given:
        return None
    (word, value), = given
    if word == "cron":
        return value
    match = _HHMM.match(value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CommandProblem(f"Not a time of day: {value[:40]}", "Use HH:MM, for example 08:00.", usage)
    return f"{int(match.group(2))} {int(match.group(1))} * * {'*' if word == 'daily' else '1-5'}"


def _word_list(word: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of words or outlets; `none` clears it."""
    if value.strip().lower() == "none":
        return ()
    items = tuple(dict.fromkeys(" ".join(v.split()) for v in value.split(",") if v.strip()))
    if not items:
        raise CommandProblem(f"{word} needs words", f'Example: {word} "state visit, Xi Jinping"; {word} none clears it.')
    if len(items) > MAX_KEYWORDS:
        raise CommandProblem(f"Too many {word} words: {len(items)}", f"At most {MAX_KEYWORDS} per list.")
    if any(len(item) > MAX_KEYWORD_CHARS for item in items):
        raise CommandProblem(f"{word}: a word is too long", f"Each has at most {MAX_KEYWORD_CHARS} characters.")
    return items


def _breaking_minutes(value: str) -> int | None:
    try:
        return parse_breaking(value)
    except ValueError as error:
        raise CommandProblem(f"breaking: {error}", "Examples: breaking on (at most hourly per story), breaking 30m, "
                       "breaking 2h, breaking off.") from None


def options_from(command: Subscribe, current: SubscriptionOptions, usage: str) -> SubscriptionOptions:
    """The subscription's options after this command: what is not given stays as it was."""
    changes: dict = {}
    for word, field_name in (("include", "include"), ("exclude", "exclude"), ("sources", "sources"),
                             ("skip-sources", "skip_sources")):
        if getattr(command, field_name) is not None:
            changes[field_name] = _word_list(word, getattr(command, field_name))
    if command.threads is not None:
        value = command.threads.lower()
        if value not in {"on", "off"}:
            raise CommandProblem(f"threads: on or off, not {command.threads[:40]}", usage)
        changes["threads"] = value == "on"
    if command.breaking is not None:
        changes["breaking_minutes"] = _breaking_minutes(command.breaking)
    if command.empty is not None:  # a digest with nothing new: `post` says so, `skip` (the default) posts nothing
        value = command.empty.lower()
        if value not in {"post", "skip"}:
            raise CommandProblem(f"empty: post or skip, not {command.empty[:40]}", usage)
        changes["post_when_empty"] = value == "post"
    return dataclasses.replace(current, **changes)
