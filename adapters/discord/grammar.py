"""Discord's `/digest` sub-commands as the one text grammar every platform shares.

Slack sends `/digest subscribe visit daily 08:00 tz Asia/Seoul` as text; Discord sends typed
options. These pure functions turn the options back into that text, quoting each value so
that `shlex.split` (which `digestbot.service.management` parses with) gives it back unchanged:

    subscribe_text(topic="visit", daily="08:00", tz="Asia/Seoul", include="state visit,Xi")
    -> '/digest subscribe visit daily 08:00 tz Asia/Seoul include "state visit,Xi"'

No discord import here: the adapter's bot.py maps the options onto these functions.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[\w@%+=:,./-]+", re.ASCII)


def quote(value: str) -> str:
    """One shell-like word: as is when plain, else in double quotes (`"` and `\\` escaped).

    Whitespace runs become one space (Discord strings are one line anyway); `shlex.split`
    in POSIX mode gives the value back: inside double quotes it unescapes only `\\"` and `\\\\`.
    """
    value = " ".join(value.split())
    if _PLAIN.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(*pairs: tuple[str, str | None]) -> list[str]:
    """`keyword value` for every given value; an empty or missing value is left out."""
    words = []
    for keyword, value in pairs:
        if value is not None and value.strip():
            words += [keyword, quote(value)]
    return words


def digest_text(*words: str) -> str:
    return " ".join(["/digest", *words])


def subscribe_text(
    topic: str | None = None,
    *,
    daily: str | None = None,
    weekdays: str | None = None,
    cron: str | None = None,
    tz: str | None = None,
    include: str | None = None,
    exclude: str | None = None,
    sources: str | None = None,
    skip_sources: str | None = None,
    threads: str | None = None,
    breaking: str | None = None,
) -> str:
    """`/digest subscribe [TOPIC|all] [daily HH:MM|weekdays HH:MM|cron "EXPR"] [tz ZONE]
    [include WORDS] [exclude WORDS] [sources NAMES] [skip-sources NAMES] [threads on|off]
    [breaking on|off|EVERY]`. The management layer checks the values (one schedule only, a
    real time zone ...): this only writes them in its grammar."""
    words = [quote(topic)] if topic is not None and topic.strip() else []
    words += _words(
        ("daily", daily), ("weekdays", weekdays), ("cron", cron), ("tz", tz),
        ("include", include), ("exclude", exclude), ("sources", sources), ("skip-sources", skip_sources),
        ("threads", threads), ("breaking", breaking),
    )
    return digest_text("subscribe", *words)


def unsubscribe_text(topic: str | None = None) -> str:
    return digest_text("unsubscribe", *([quote(topic)] if topic is not None and topic.strip() else []))


def keyword_list(keywords: str) -> list[str]:
    """`"Kessel Dam, Arnvik"` -> `["Kessel Dam", "Arnvik"]`: comma-separated, blanks dropped."""
    return [k for k in (" ".join(part.split()) for part in keywords.split(",")) if k]


def topics_add_text(name: str, keywords: str) -> str:
    """`/digest topics add NAME KEYWORD...`: each comma-separated keyword is one quoted word."""
    return digest_text("topics", "add", quote(name), *(quote(k) for k in keyword_list(keywords)))


def topics_remove_text(name: str) -> str:
    return digest_text("topics", "remove", quote(name))


def feeds_add_text(url: str, topic: str | None = None) -> str:
    return digest_text("feeds", "add", quote(url), *([quote(topic)] if topic is not None and topic.strip() else []))


def feeds_remove_text(feed_id: str) -> str:
    return digest_text("feeds", "remove", quote(feed_id))
