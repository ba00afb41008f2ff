"""Slash-command listeners: `/<topic> <verb> [args]` for every configured topic, and `/digest`.

Handlers `ack()` first, then run the (synchronous, possibly slow) command layer in a worker
thread and send its reply to the command's `response_url` (what bolt's `respond()` does, plus
a wait-and-retry on 429 `Retry-After`): ephemeral unless the reply says otherwise. A slash
command repeated with the same `trigger_id` is answered once.

Every command is answered with a `CommandContext` (who asks, in which channel). Whether the
user is a workspace administrator comes from `users.info` (needs the `users:read` scope),
asked only for the management commands that change something and cached per user for a few
minutes; if Slack cannot say, the user counts as not an administrator (and the log says why).

`[permissions] admin_roles` may name Slack user groups, by handle (`news-admins` or
`@news-admins`) or display name. For a changing command by a user who is not an
administrator, and only when admin roles are configured, the user's groups come from
`usergroups.list` (include_users; needs the `usergroups:read` scope), cached per team for a
minute, and are passed as `CommandContext.roles`: each group's handle, `@handle` and name,
plus every configured role naming one of them (case and a leading `@` ignored). If Slack
cannot say, the user has no roles (a warning is logged once).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from digestbot.chat.management_commands import CHANGES
from digestbot.domain.models import CommandContext, Reply, Topic

from .manifest import DIGEST_COMMAND, command_name
from .publisher import Sleep, retry_handlers
from .render import render_reply

log = logging.getLogger("digestbot.adapters.slack")

Answer = Callable[[str, CommandContext], Reply]
MAX_ARGUMENT_CHARS = 2000
ADMIN_CACHE_SECONDS = 300.0
GROUPS_CACHE_SECONDS = 60.0
FAILURE = Reply(title="Sorry, that did not work. Please try again in a moment.", ok=False)


class RecentTriggers:
    """The last `size` trigger ids seen: a repeated slash command causes one answer."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, trigger_id: str | None) -> bool:
        if not trigger_id:
            return True
        if trigger_id in self._seen:
            return False
        self._seen[trigger_id] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class AdminCheck:
    """Is this Slack user a workspace admin or owner? `users.info`, cached per user for `ttl` s.

    A failed lookup is not cached and counts as "not an administrator"; the log names the
    Slack error code only (never the token or the request).
    """

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._known: dict[str, tuple[bool, float]] = {}

    async def is_admin(self, client, user_id: str) -> bool:
        now = self._clock()
        known = self._known.get(user_id)
        if known is not None and known[1] > now:
            return known[0]
        try:
            response = await client.users_info(user=user_id)
            user = response.get("user") or {}
            verdict = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        except Exception as exc:  # SlackApiError, a timeout, a refused connection
            response = getattr(exc, "response", None)
            error = response.get("error") if hasattr(response, "get") else None
            log.warning("slack users.info failed for %s (%s): treated as not an administrator",
                        user_id, error or type(exc).__name__)
            return False
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[user_id] = (verdict, now + self.ttl)
        return verdict


def _role_key(name: str) -> str:
    """How role names compare: case, surrounding spaces and a leading `@` ignored."""
    return name.strip().removeprefix("@").strip().casefold()


class GroupRoles:
    """A user's Slack user groups as role names: `usergroups.list`, cached per team for `ttl` s.

    One call answers for every user of a team (include_users=True). A failed call is not cached
    and means "no roles"; the first failure is logged as a warning (naming the Slack error code
    only, e.g. `missing_scope` without `usergroups:read`), later ones at debug level.
    """

    def __init__(self, ttl: float = GROUPS_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._teams: dict[str, tuple[dict[str, tuple[str, ...]], float]] = {}
        self._warned = False

    async def roles(self, client, team: str, user_id: str, configured: Sequence[str] | None = None) -> tuple[str, ...]:
        members = await self._members(client, team)
        if members is None:
            return ()
        names = members.get(user_id, ())
        if not names or not configured:
            return names
        keys = {_role_key(name) for name in names}
        extra = tuple(role for role in configured if _role_key(role) in keys)  # e.g. "@News-Admins"
        return tuple(dict.fromkeys(names + extra))

    async def _members(self, client, team: str) -> dict[str, tuple[str, ...]] | None:
        now = self._clock()
        known = self._teams.get(team)
        if known is not None and known[1] > now:
            return known[0]
        try:
            response = await client.usergroups_list(include_users=True)
            groups = response.get("usergroups") or []
        except Exception as exc:  # SlackApiError (missing_scope, ...), a timeout, a refused connection
            response = getattr(exc, "response", None)
            error = response.get("error") if hasattr(response, "get") else None
            (log.warning if not self._warned else log.debug)(
                "slack usergroups.list failed (%s): user groups are not used as admin roles",
                error or type(exc).__name__)
            self._warned = True
            return None
        result = group_names_by_user(groups)
        if len(self._teams) > 1000:
            self._teams.clear()
        self._teams[team] = (result, now + self.ttl)
        return result


def group_names_by_user(groups: list) -> dict[str, tuple[str, ...]]:
    """Each user's user-group names (handle, @handle, display name) from `usergroups.list`."""
    members: dict[str, list[str]] = {}
    for group in groups:
        if not isinstance(group, dict) or group.get("date_delete"):
            continue  # a disabled group grants nothing
        handle = str(group.get("handle") or "").strip()
        name = str(group.get("name") or "").strip()
        names = [n for n in (handle, f"@{handle}" if handle else "", name) if n]
        for user in group.get("users") or ():
            members.setdefault(str(user), []).extend(names)
    return {user: tuple(dict.fromkeys(names)) for user, names in members.items()}


def is_change_command(text: str) -> bool:
    """True for `/digest subscribe|unsubscribe|topics add|topics remove|feeds add|feeds remove ...`."""
    words = [w.lower() for w in text.split() if w.lower() != "public"]  # as management reads it
    if len(words) < 2 or words[0] != DIGEST_COMMAND:
        return False
    action = f"{words[1]} {words[2]}" if words[1] in {"topics", "feeds"} and len(words) > 2 else words[1]
    return action in CHANGES


async def command_context(
    command: dict[str, Any],
    text: str,
    client,
    admins: AdminCheck,
    groups: GroupRoles | None = None,
    admin_roles: Sequence[str] | None = None,
) -> CommandContext:
    """Who asks and where; users.info (and usergroups.list) only for commands that change settings.

    `admin_roles` are the configured roles; None means not known here, so the groups are looked
    up whenever they might matter; an empty list means no group can grant anything.
    """
    user = str(command.get("user_id") or "")
    change = bool(user) and is_change_command(text)
    is_admin = change and await admins.is_admin(client, user)
    roles: tuple[str, ...] = ()
    if change and not is_admin and groups is not None and (admin_roles is None or admin_roles):
        team = str(command.get("enterprise_id") or "") + ":" + str(command.get("team_id") or "")
        roles = await groups.roles(client, team, user, admin_roles)
    return CommandContext("slack", str(command.get("channel_id") or ""), user, is_admin, roles)


def command_text(command: dict[str, Any]) -> str:
    """What the command layer parses: `"/visit facts public"` (command, a space, the text)."""
    text = " ".join(str(command.get("text") or "").split())[:MAX_ARGUMENT_CHARS]
    return f"{command.get('command', '')} {text}".strip()


def reply_payload(reply: Reply) -> dict[str, Any]:
    message = render_reply(reply)
    return {
        "text": message.text,
        "blocks": message.blocks,
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
        "unfurl_links": False,
        "unfurl_media": False,
    }


async def send_reply(response_url: str, payload: dict[str, Any], *, sleep: Sleep = asyncio.sleep) -> None:
    """POST the reply to Slack's `response_url`, waiting out a 429 once."""
    client = AsyncWebhookClient(url=response_url, retry_handlers=retry_handlers(sleep=sleep))
    response = await client.send_dict(payload)
    if response.status_code >= 400:
        log.warning("slack response_url refused the answer: HTTP %s %s", response.status_code, response.body[:200])


def make_handler(
    answer: Answer,
    triggers: RecentTriggers | None = None,
    *,
    sleep: Sleep = asyncio.sleep,
    admins: AdminCheck | None = None,
    groups: GroupRoles | None = None,
    admin_roles: Sequence[str] | None = None,
):
    triggers = triggers or RecentTriggers()
    admins = admins or AdminCheck()
    groups = groups or GroupRoles()
    admin_roles = None if admin_roles is None else tuple(admin_roles)

    async def handle_command(ack, respond, command, client) -> None:
        await ack()
        if not triggers.first_time(command.get("trigger_id")):
            log.info("slack command %s repeated (same trigger_id): answered once", command.get("command"))
            return
        text = command_text(command)
        try:
            context = await command_context(command, text, client, admins, groups, admin_roles)
            reply = await asyncio.to_thread(answer, text, context)
        except Exception:
            log.exception("slack command %r failed", text)
            reply = FAILURE
        payload = reply_payload(reply)
        try:
            if command.get("response_url"):
                await send_reply(command["response_url"], payload, sleep=sleep)
            else:
                await respond(**payload)
        except Exception:
            log.exception("slack command %r: could not send the answer to response_url", text)

    return handle_command


def register(
    app: AsyncApp,
    topics: Sequence[Topic],
    answer: Answer,
    *,
    sleep: Sleep = asyncio.sleep,
    admins: AdminCheck | None = None,
    groups: GroupRoles | None = None,
    admin_roles: Sequence[str] | None = None,
) -> list[str]:
    """Register one listener per topic command and `/digest`; return the command names.

    `admin_roles`: the configuration's `[permissions] admin_roles` (None: unknown, see
    `command_context`)."""
    names = [command_name(topic) for topic in topics] + [DIGEST_COMMAND]
    handler = make_handler(answer, sleep=sleep, admins=admins, groups=groups, admin_roles=admin_roles)
    for name in dict.fromkeys(names):
        app.command(name)(handler)
    return names
