"""`/digest subscribe|settings` from Slack through the real slack-bolt app, signed as Slack signs,
answered by a real DigestService with management on a temporary SQLite database. Whether the
user is an administrator comes from the fake Slack's `users.info`."""

from __future__ import annotations

import json
import logging

import pytest

from digestbot.adapters.slack.app import build_slack_app, serve_http
from digestbot.adapters.slack.commands import is_change_command
from digestbot.adapters.slack.manifest import BOT_SCOPES
from digestbot.bootstrap import bootstrap
from digestbot.metrics import Metrics
from digestbot.platforms import timed_answer
from digestbot.settings import Settings
from test_slack_commands import Server, settings_for, signed, slash_body

CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[permissions]
admin_roles = ["news-desk"]
"""


def user_info(user_id: str, *, admin: bool = False, owner: bool = False) -> tuple[int, dict, dict]:
    return 200, {"ok": True, "user": {"id": user_id, "name": user_id.lower(), "is_admin": admin,
                                      "is_owner": owner, "is_primary_owner": False}}, {}


def text_of(response: dict) -> str:
    return json.dumps(response, ensure_ascii=False)


@pytest.fixture
def app(tmp_path):
    config = tmp_path / "digestbot.toml"
    config.write_text(CONFIG)
    app = bootstrap(Settings(config=config, database_url=f"sqlite:///{tmp_path / 'digest.db'}"))
    yield app
    app.close()


@pytest.fixture
async def server(fake_slack, app):
    answer = timed_answer(app.service.answer, Metrics(), "slack")
    bolt = build_slack_app(settings_for(fake_slack), app.service.topics, answer, process_before_response=True)
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
