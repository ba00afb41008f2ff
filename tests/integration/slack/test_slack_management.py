"""`/digest subscribe|settings` from Slack through the real slack-bolt app, signed as Slack signs,
answered by a real DigestService with management on a temporary SQLite database. Whether the
user is an administrator comes from the fake Slack's `users.info`; which user groups they are in
(for `[permissions] admin_roles`) from its `usergroups.list`."""

from __future__ import annotations

import json
import logging

import pytest

from builders import an_app

from digestbot.adapters.slack.app import build_slack_app, serve_http
from digestbot.adapters.slack.commands import AdminCheck, GroupRoles, command_context, is_change_command
from digestbot.adapters.slack.manifest import BOT_SCOPES
from digestbot.run.metrics import Metrics
from digestbot.run.platforms import timed_answer
from test_slack_commands import Server, settings_for, signed, slash_body

CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[permissions]
admin_roles = ["news-desk", "@news-admins", "Night Editors"]
"""


def user_info(user_id: str, *, admin: bool = False, owner: bool = False) -> tuple[int, dict, dict]:
    return 200, {"ok": True, "user": {"id": user_id, "name": user_id.lower(), "is_admin": admin,
                                      "is_owner": owner, "is_primary_owner": False}}, {}


def usergroup(handle: str, name: str, users: list[str], *, deleted: bool = False) -> dict:
    """A user group as `usergroups.list` describes it (with include_users)."""
    return {"id": f"S{handle.upper()}", "team_id": "T1", "is_usergroup": True, "handle": handle, "name": name,
            "date_delete": 1700000000 if deleted else 0, "user_count": len(users), "users": users}


def text_of(response: dict) -> str:
    return json.dumps(response, ensure_ascii=False)


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG)
    yield app
    app.close()


@pytest.fixture
async def server(fake_slack, app):
    answer = timed_answer(app.service.answer, Metrics(), "slack")
    bolt = build_slack_app(settings_for(fake_slack), app.service.topics, answer, process_before_response=True,
                           admin_roles=app.config.permissions.admin_roles)
    runner = await serve_http(bolt, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield Server(f"http://{host}:{port}/slack/events", answer)  # type: ignore[arg-type]
    await runner.cleanup()


async def command(server: Server, fake, text: str, *, user: str, channel: str = "C1", trigger: str) -> dict:
    body = slash_body(fake, command="/digest", text=text, trigger=trigger, user_id=user, channel_id=channel)
    status, _, _ = await server.post(body, signed(body))
    assert status == 200
    return await fake.next_response()


async def test_an_admin_subscribes_the_channel_and_settings_show_it(fake_slack, server, app):
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))
    reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UADMIN", trigger="t1")
    assert reply["response_type"] == "ephemeral"
    assert "Subscribed" in text_of(reply) and "Not allowed" not in text_of(reply)
    (info,) = fake_slack.called("users.info")
    assert info.params["user"] == "UADMIN"
    [sub] = app.service.management.store.subscriptions("slack", "C1")
    assert (sub.topic, sub.cron, sub.timezone) == ("visit", "0 8 * * *", "UTC")

    # Anyone may read, without a users.info lookup; the channel sees its own subscription.
    settings = await command(server, fake_slack, "settings", user="UREADER", trigger="t2")
    text = text_of(settings)
    assert "Settings for slack C1" in text and "/visit: daily at 08:00 (UTC)" in text
    assert "UADMIN: subscribed to /visit" in text  # the change log names who
    assert len(fake_slack.called("users.info")) == 1

    # Another channel has its own settings.
    other = await command(server, fake_slack, "settings", user="UADMIN", channel="C2", trigger="t3")
    assert "no digest yet" in text_of(other) and "/visit: daily" not in text_of(other)


async def test_a_topic_added_from_chat_is_asked_through_digest_until_the_manifest_names_it(fake_slack, server, app):
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))
    added = await command(server, fake_slack, 'topics add korea "Lee Jae Myung"', user="UADMIN", trigger="t1")
    assert "Added topic /korea" in text_of(added)
    facts = await command(server, fake_slack, "korea facts", user="UREADER", trigger="t2")
    assert "No coverage of /korea yet" in text_of(facts)  # answered as /korea facts


async def test_an_owner_counts_as_an_administrator_and_the_verdict_is_cached(fake_slack, server, app):
    fake_slack.script["users.info"].append(user_info("UOWNER", owner=True))
    first = await command(server, fake_slack, "subscribe visit daily 08:00", user="UOWNER", trigger="t1")
    second = await command(server, fake_slack, "subscribe visit weekdays 07:30 tz Asia/Seoul", user="UOWNER",
                           trigger="t2")
    assert "Subscribed" in text_of(first) and "Subscription changed" in text_of(second)
    assert len(fake_slack.called("users.info")) == 1  # cached per user


async def test_a_non_admin_is_refused_with_who_may(fake_slack, server, app):
    fake_slack.script["users.info"].append(user_info("UREADER"))
    reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UREADER", trigger="t1")
    text = text_of(reply)
    assert "Not allowed: /digest subscribe changes settings" in text
    assert "administrators" in text and "news-desk" in text
    assert app.service.management.store.subscriptions("slack", "C1") == []


async def test_a_failing_users_info_means_not_admin_and_is_logged(fake_slack, server, app, caplog):
    fake_slack.script["users.info"].append((200, {"ok": False, "error": "missing_scope"}, {}))
    with caplog.at_level(logging.WARNING, logger="digestbot.adapters.slack"):
        reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UADMIN", trigger="t1")
    assert "Not allowed" in text_of(reply) and "missing_scope" not in text_of(reply)
    assert any("users.info" in r.getMessage() and "missing_scope" in r.getMessage() for r in caplog.records)
    assert not any("xoxb" in r.getMessage() for r in caplog.records)
    assert app.service.management.store.subscriptions("slack", "C1") == []
    # The failure is not cached: the next try asks again.
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))
    again = await command(server, fake_slack, "subscribe visit daily 08:00", user="UADMIN", trigger="t2")
    assert "Subscribed" in text_of(again)


def test_change_commands_and_the_scope():
    for text in ("/digest subscribe", "/digest unsubscribe visit", "/digest topics add x y", "/digest feeds remove 1",
                 "/digest FEEDS add http://x", "/digest public subscribe visit"):
        assert is_change_command(text), text
    for text in ("/digest", "/digest settings", "/digest topics", "/digest topics list", "/digest feeds list",
                 "/visit subscribe"):
        assert not is_change_command(text), text
    assert "users:read" in BOT_SCOPES


# --- Slack user groups as admin_roles -----------------------------------------------------------


@pytest.mark.parametrize("handle, name", [
    ("news-admins", "News admins"),  # configured as "@news-admins"
    ("news-desk", "The desk"),  # configured as "news-desk"
    ("nights", "Night Editors"),  # configured by display name
    ("NEWS-ADMINS", "x"),  # case is not a different group
])
async def test_a_member_of_a_configured_user_group_subscribes_the_channel(fake_slack, server, app, handle, name):
    fake_slack.usergroups = [usergroup("others", "Others", ["UEDITOR"]), usergroup(handle, name, ["UX", "UEDITOR"])]
    fake_slack.script["users.info"].append(user_info("UEDITOR"))  # not a workspace admin
    reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UEDITOR", trigger="t1")
    assert "Subscribed" in text_of(reply) and "Not allowed" not in text_of(reply)
    [sub] = app.service.management.store.subscriptions("slack", "C1")
    assert (sub.topic, sub.cron) == ("visit", "0 8 * * *")
    (groups,) = fake_slack.called("usergroups.list")
    assert groups.params.get("include_users") in {"1", "true", True}

    # Within a minute the team's groups are not asked again; reading asks nothing.
    fake_slack.script["users.info"].append(user_info("UEDITOR"))
    again = await command(server, fake_slack, "unsubscribe visit", user="UEDITOR", trigger="t2")
    assert "Not allowed" not in text_of(again)
    await command(server, fake_slack, "settings", user="UEDITOR", trigger="t3")
    assert len(fake_slack.called("usergroups.list")) == 1


async def test_a_non_member_is_refused_with_who_may(fake_slack, server, app):
    fake_slack.usergroups = [
        usergroup("news-admins", "News admins", ["UEDITOR"]),
        usergroup("night-editors", "Night Editors", ["UREADER"], deleted=True),  # disabled: grants nothing
        usergroup("readers", "Readers", ["UREADER"]),
    ]
    fake_slack.script["users.info"].append(user_info("UREADER"))
    reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UREADER", trigger="t1")
    text = text_of(reply)
    assert "Not allowed: /digest subscribe changes settings" in text
    assert "administrators" in text and all(role in text for role in ("news-desk", "@news-admins", "Night Editors"))
    assert app.service.management.store.subscriptions("slack", "C1") == []
    assert len(fake_slack.called("usergroups.list")) == 1


async def test_a_failing_usergroups_list_means_no_roles_and_is_logged_once(fake_slack, server, app, caplog):
    fake_slack.usergroups = [usergroup("news-admins", "News admins", ["UEDITOR"])]
    for _ in range(2):
        fake_slack.script["users.info"].append(user_info("UEDITOR"))
        fake_slack.script["usergroups.list"].append(
            (200, {"ok": False, "error": "missing_scope", "needed": "usergroups:read"}, {}))
    with caplog.at_level(logging.DEBUG, logger="digestbot.adapters.slack"):
        first = await command(server, fake_slack, "subscribe visit daily 08:00", user="UEDITOR", trigger="t1")
        second = await command(server, fake_slack, "feeds add https://example.org/feed.xml", user="UEDITOR",
                               trigger="t2")
    for reply in (first, second):
        assert "Not allowed" in text_of(reply) and "news-admins" in text_of(reply)
        assert "missing_scope" not in text_of(reply) and "try again" not in text_of(reply)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "usergroups.list" in r.getMessage()]
    assert len(warnings) == 1 and "missing_scope" in warnings[0].getMessage()
    assert not any("xoxb" in r.getMessage() for r in caplog.records)
    assert app.service.management.store.subscriptions("slack", "C1") == []
    # A failure is not cached: once Slack answers, the member may.
    fake_slack.script["users.info"].append(user_info("UEDITOR"))
    again = await command(server, fake_slack, "subscribe visit daily 08:00", user="UEDITOR", trigger="t3")
    assert "Subscribed" in text_of(again)
    assert len(fake_slack.called("usergroups.list")) == 3


async def test_an_administrator_needs_no_user_groups(fake_slack, server, app):
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))
    reply = await command(server, fake_slack, "subscribe visit daily 08:00", user="UADMIN", trigger="t1")
    assert "Subscribed" in text_of(reply)
    assert fake_slack.called("usergroups.list") == []


class GroupsClient:
    """Stands in for AsyncWebClient in `command_context`: counts usergroups.list calls."""

    def __init__(self, groups: list[dict]):
        self.groups = groups
        self.asked = 0

    async def users_info(self, user: str) -> dict:
        return {"ok": True, "user": {"id": user, "is_admin": False}}

    async def usergroups_list(self, include_users: bool = False) -> dict:
        self.asked += 1
        return {"ok": True, "usergroups": self.groups}


async def test_groups_are_asked_only_when_admin_roles_are_configured_and_cached_per_team_for_a_minute():
    client = GroupsClient([usergroup("news-admins", "News admins", ["U1"])])
    now = [0.0]
    groups = GroupRoles(clock=lambda: now[0])
    change = {"user_id": "U1", "channel_id": "C1", "team_id": "T1"}

    context = await command_context(change, "/digest subscribe", client, AdminCheck(), groups, admin_roles=[])
    assert context.roles == () and client.asked == 0  # no admin_roles: nothing to look up
    context = await command_context(change, "/digest settings", client, AdminCheck(), groups, ["@news-admins"])
    assert context.roles == () and client.asked == 0  # reading needs no roles

    context = await command_context(change, "/digest subscribe", client, AdminCheck(), groups, ["@News-Admins"])
    assert set(context.roles) == {"news-admins", "@news-admins", "News admins", "@News-Admins"}
    assert client.asked == 1
    # admin_roles unknown (None): looked up all the same; the handle and "@handle" both come.
    context = await command_context(change, "/digest now", client, AdminCheck(), groups, None)
    assert {"news-admins", "@news-admins"} <= set(context.roles) and client.asked == 1  # cached

    other_team = dict(change, team_id="T2")
    await command_context(other_team, "/digest now", client, AdminCheck(), groups, ["news-admins"])
    assert client.asked == 2  # per team
    now[0] = 61.0
    await command_context(change, "/digest now", client, AdminCheck(), groups, ["news-admins"])
    assert client.asked == 3  # a minute later: asked again
