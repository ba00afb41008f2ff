"""`digestbot config show`: the effective configuration and where each value comes from.

Precedence, highest first:

1. the environment: DIGESTBOT_* settings (and `--config` on the command line), platform
   credentials and endpoints;
2. the configuration file's pinned entries (`pinned = true`): applied at every start, chat
   cannot change them;
3. the database: changes made from chat;
4. the configuration file's seed: each unpinned topic, feed and destination is copied once, at
   the first start that sees it (what chat changed or removed since is listed as ignored);
5. built-in defaults.

Secrets never appear: platform credentials show as "set" / "not set", passwords in URLs are
masked, and a Discord webhook shows only as the digest of its URL the database keys it by.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from .redaction import redact_credentials

PRECEDENCE = [
    "environment: DIGESTBOT_* settings (and --config), platform credentials and endpoints",
    "pinned entries of the configuration file (pinned = true): applied at every start, chat cannot change them",
    "the database: changes made from chat (/digest subscribe, topics, feeds)",
    "the configuration file: each entry copied into the database once, at the first start that sees it",
    "built-in defaults",
]
CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN")
ENDPOINTS = ("SLACK_API_URL", "DISCORD_API_URL", "DISCORD_GATEWAY_URL", "DISCORD_GUILD_ID")
_SECRET_NAME = re.compile(r"token|secret|password|passwd|api_key|credential", re.IGNORECASE)

PINNED = "pinned (config file)"
SEEDED = "config file (seeded)"


def redact_url(url: str) -> str:
    """The URL with its user information (user name, password, token) masked."""
    return redact_credentials(url)


def _env_value(env: Mapping[str, str], name: str) -> str | None:
    """The variable as pydantic-settings reads it: names are not case-sensitive."""
    if name in env:
        return env[name]
    return next((value for key, value in env.items() if key.upper() == name), None)


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(str(v) for v in value)
    return value


def build_report(settings, config, store, pins, *, config_flag: Path | None = None,
                 env: Mapping[str, str] | None = None) -> dict:
    """The effective configuration as plain data (what `--format json` prints)."""
    env = os.environ if env is None else env
    rows = _setting_rows(settings, env, config_flag)
    by_name = {row["name"]: row for row in rows}
    config_row = by_name.get("DIGESTBOT_CONFIG", {"value": "embedded default", "source": "default"})
    database_row = by_name["DIGESTBOT_DATABASE_URL"]
    report = {
        "precedence": PRECEDENCE,
        "config_file": {"path": config_row["value"], "source": config_row["source"]},
        "database_url": {"value": database_row["value"], "source": database_row["source"]},
        "settings": rows,
        "credentials": _credential_rows(env),
        "endpoints": _endpoint_rows(env),
        "topics": None, "feeds": None, "subscriptions": None, "ignored": None,  # the database could not be opened
    }
    if store is None:
        return report
    return {**report, **_stored_entries(store, config, pins)}


def _setting_rows(settings, env: Mapping[str, str], config_flag: Path | None) -> list[dict]:
    """Each DIGESTBOT_* setting: its value as shown (secrets as set / not set, URLs masked) and
    where it came from."""
    rows = []
    for name in type(settings).model_fields:
        var = f"DIGESTBOT_{name.upper()}"
        value = _plain(getattr(settings, name))
        if name == "config" and config_flag is not None:
            source = "command line (--config)"
        elif _env_value(env, var) is not None:
            source = "environment"
        else:
            source = "default"
        if _SECRET_NAME.search(name):
            value = "set" if value else "not set"
        elif isinstance(value, str) and "://" in value:
            value = redact_url(value)
        if name == "config" and value is None:
            value = "embedded default"
        rows.append({"name": var, "value": value, "source": source})
    return rows


def _credential_rows(env: Mapping[str, str]) -> list[dict]:
    return [{"name": var, "value": "set" if (_env_value(env, var) or "").strip() else "not set"}
            for var in CREDENTIALS]


def _endpoint_rows(env: Mapping[str, str]) -> list[dict]:
    endpoints = []
    for var in ENDPOINTS:
        raw = (_env_value(env, var) or "").strip()
        endpoints.append({"name": var, "value": redact_url(raw) if raw else "default",
                          "source": "environment" if raw else "default"})
    return endpoints


def _origin(pinned: bool, seeded: bool, created_by: str) -> str:
    """Where a stored topic, feed or subscription came from."""
    from .service.seeding import PINS_USER

    if pinned:
        return PINNED
    if seeded:
        return SEEDED
    if created_by == PINS_USER:  # created by a pin since removed from the file
        return "config file (formerly pinned)"
    return f"chat (added by {created_by or 'unknown'})"


def _stored_entries(store, config, pins) -> dict:
    """The topics, feeds and subscriptions in the database, each with its origin, and the file's
    entries the database ignores."""
    from .service.seeding import config_drift

    topics = [{"name": s.topic.name, "title": s.topic.title, "keywords": list(s.topic.keywords),
               "source": _origin(s.topic.name in pins.topics, s.origin == "config", s.created_by)}
              for s in store.topics()]
    feeds = [{"id": f.id, "url": redact_url(f.url), "every": f.every, "topic": f.topic,
              "source": _origin(f.url in pins.feeds, f.origin == "config", f.created_by)}
             for f in store.feeds()]
    return {"topics": topics, "feeds": feeds, "subscriptions": _subscription_rows(store, config, pins),
            "ignored": config_drift(store, config)}


def _subscription_rows(store, config, pins) -> list[dict]:
    from .service.words import describe_schedule

    in_file = {(d.platform, d.store_channel, t): (d.cron, d.timezone, d.options())
               for d in config.destinations for t in d.topics}
    subscriptions = []
    for s in store.subscriptions():
        key = (s.platform, s.channel, s.topic)
        source = _origin(key in pins.subscriptions, s.created_by == "config file", s.created_by)
        if source == SEEDED and in_file.get(key) != (s.cron, s.timezone, s.options):
            source += ", changed since"
        schedule = "; ".join([describe_schedule(s.cron, s.timezone), *s.options.describe()])
        subscriptions.append({"platform": s.platform, "channel": s.channel, "topic": s.topic, "cron": s.cron,
                              "timezone": s.timezone, "options": s.options.as_dict(), "schedule": schedule,
                              "source": source})
    return subscriptions


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def render_text(report: dict) -> str:
    out = ["Where settings come from (highest first):"]
    out += [f"  {i}. {line}" for i, line in enumerate(report["precedence"], 1)]
    out += ["", f"Configuration file: {report['config_file']['path']} ({report['config_file']['source']})",
            f"Database: {report['database_url']['value']} ({report['database_url']['source']})", ""]

    def table(title: str, rows: list[dict], with_source: bool = True) -> None:
        out.append(title)
        width = max((len(r["name"]) for r in rows), default=0)
        for r in rows:
            value = r["value"]
            shown = (", ".join(value) or "none") if isinstance(value, list) else str(value)
            out.append(f"  {r['name']:<{width}}  {shown}" + (f"  ({r['source']})" if with_source else ""))
        out.append("")

    table("Settings (DIGESTBOT_*)", report["settings"])
    table("Platform credentials (values never shown)", report["credentials"], with_source=False)
    table("Platform endpoints", report["endpoints"])

    if report["topics"] is None:
        out.append("Topics, feeds and subscriptions: not shown (the database could not be opened)")
        return "\n".join(out) + "\n"
    out.append("Topics (database)")
    for t in report["topics"]:
        out.append(f"  /{t['name']}: {t['title']}; keywords: {', '.join(t['keywords']) or 'none'}  [{t['source']}]")
    if not report["topics"]:
        out.append("  none")
    out += ["", "Feeds (database)"]
    for f in report["feeds"]:
        topic = f", /{f['topic']}" if f["topic"] else ""
        out.append(f"  #{f['id']} {f['url']} (every {f['every']}{topic})  [{f['source']}]")
    if not report["feeds"]:
        out.append("  none")
    out += ["", "Subscriptions (database)"]
    for s in report["subscriptions"]:
        topic = "all stories" if s["topic"] == "*" else f"/{s['topic']}"
        out.append(f"  {s['platform']} {s['channel']}: {topic}, {s['schedule']}  [{s['source']}]")
    if not report["subscriptions"]:
        out.append("  none (the console default applies: daily at 08:00 UTC)")
    if report["ignored"]:
        out += ["", "Configuration file entries the database ignores"]
        out += [f"  {line}" for line in report["ignored"]]
    return "\n".join(out) + "\n"
