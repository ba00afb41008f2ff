"""The Slack app manifest for the configured topics (`digestbot slack-manifest`).

Paste the output into https://api.slack.com/apps ("Create New App" -> "From an app manifest").
JSON is what Slack's tools and `apps.manifest.create` take; the YAML form is for the web form
and is emitted without any YAML library (every scalar is a JSON string, which YAML accepts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from digestbot.chat.commands import MAX_TOPICS, VERBS as COMMAND_VERBS, topic_name_problem
from digestbot.domain.models import Topic

VERBS: tuple[str, ...] = tuple(COMMAND_VERBS)  # the command layer's verbs, in its order
# history scopes let a restarted bot find a digest it posted just before a crash (metadata).
BOT_SCOPES: tuple[str, ...] = (
    "commands", "chat:write", "chat:write.public", "channels:history", "groups:history",
    "users:read",  # users.info: is the user asking for a settings change a workspace admin?
    "usergroups:read",  # usergroups.list: is the user in a user group named in [permissions] admin_roles?
)
DIGEST_COMMAND = "/digest"
DESCRIPTION_MAX = 100
USAGE_HINT_MAX = 100


def command_name(topic: Topic) -> str:
    problem = topic_name_problem(topic.name.strip().lower())
    if problem is not None:
        raise ValueError(f"topic {topic.name!r} cannot be a Slack slash command: {problem}")
    return "/" + topic.name.strip().lower()


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slash_commands(topics: Sequence[Topic], verbs: Sequence[str] = VERBS) -> list[dict[str, Any]]:
    """One command per topic plus `/digest`, each with a description and a usage hint; at most
    MAX_TOPICS topics (see `digestbot.chat.commands.commandable_topics`)."""
    if len(topics) > MAX_TOPICS:
        raise ValueError(f"{len(topics)} topics, but a Slack app takes at most {MAX_TOPICS} topic commands")
    commands: list[dict[str, Any]] = []
    seen: set[str] = set()
    for topic in topics:
        name = command_name(topic)
        if name == DIGEST_COMMAND or name in seen:
            raise ValueError(f"topic {topic.name!r} is configured twice or clashes with {DIGEST_COMMAND}")
        seen.add(name)
        commands.append(
            {
                "command": name,
                "description": _short(f"{topic.title or topic.name}: {', '.join(verbs)}", DESCRIPTION_MAX),
                "usage_hint": _short(" | ".join(verbs), USAGE_HINT_MAX),
                "should_escape": False,
            }
        )
    commands.append(
        {
            "command": DIGEST_COMMAND,
            "description": "Top stories; subscribe this channel, topics, feeds, settings",
            "usage_hint": "[TOPIC VERB | subscribe | unsubscribe | settings | topics | feeds | now | help]",
            "should_escape": False,
        }
    )
    return commands


def build_manifest(
    topics: Sequence[Topic],
    *,
    socket_mode: bool,
    request_url: str | None,
    app_name: str = "digestbot",
    verbs: Sequence[str] = VERBS,
) -> dict[str, Any]:
    """The app manifest: slash commands, bot scopes, and Socket Mode or request URLs.

    In HTTP mode `request_url` is where Slack posts commands (`https://host/slack/events`).
    """
    if not socket_mode and not request_url:
        raise ValueError("request_url is needed in HTTP mode (e.g. https://bot.example.org/slack/events)")
    if request_url and not re.match(r"^https?://[^\s/]+", request_url):
        raise ValueError("request_url must be an http(s) URL")
    commands = slash_commands(topics, verbs)
    if not socket_mode:
        for command in commands:
            command["url"] = request_url
    name = _short(app_name, 35)
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "News digests: key points, stories, what's new, facts",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": False},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def manifest_yaml(manifest: dict[str, Any]) -> str:
    """Block-style YAML; strings are JSON-quoted (valid YAML double-quoted scalars)."""
    lines: list[str] = []
    _emit(manifest, 0, lines)
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _emit(value: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_key(key)}:")
                _emit(item, indent + 2, lines)
            else:
                lines.append(f"{pad}{_key(key)}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub: list[str] = []
                _emit(item, indent + 2, sub)
                first = sub[0][indent + 2 :]
                lines.append(f"{pad}- {first}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
    else:
        lines.append(f"{pad}{_inline(value)}")


def _key(key: Any) -> str:
    return key if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else _scalar(key)


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)
