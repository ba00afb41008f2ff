"""`digestbot config show`: the effective configuration, where each value comes from, and no secrets."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from digestbot.cli import main
from digestbot.config_report import redact_url
from digestbot.storage.articles import SqlStore
from digestbot.storage.management import SqlManagementStore
from digestbot.domain.records import AuditEntry
from digestbot.service.seeding import PINS_USER

WEBHOOK = "https://discord.com/api/webhooks/42/w3bh00k-s3cr3t"
TOKEN = "xoxb-0000-very-secret-token"
CONFIG = f"""
[[topics]]
name = "visit"
title = "The state visit"
keywords = ["Lee Jae Myung", "Xi Jinping"]
pinned = true

[[topics]]
name = "dam"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam"]

[[feeds]]
url = "https://example.org/pinned.xml"
topics = ["visit"]
pinned = true

[[destinations]]
platform = "slack"
channel = "C1"
cron = "0 7 * * 1-5"
timezone = "Asia/Seoul"
topics = ["visit"]
pinned = true

[[destinations]]
platform = "slack"
channel = "C2"
topics = ["dam"]

[[destinations]]
platform = "discord-webhook"
webhook = "{WEBHOOK}"
topics = ["dam"]
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    path = tmp_path / "digestbot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'show.db'}"
    for name in ("DIGESTBOT_CONFIG", "DIGESTBOT_KEY_POINTS", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
                 "DISCORD_BOT_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(path))
    monkeypatch.setenv("DIGESTBOT_KEY_POINTS", "5")
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    return {"path": path, "url": url}


def show(capsys, *args: str) -> str:
    assert main(["config", "show", *args]) == 0
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    assert "w3bh00k" not in out + err and "webhooks/42" not in out + err
    return out


def test_text_shows_precedence_sources_and_origins(env, capsys):
    out = show(capsys)
    lines = out.splitlines()
    assert lines[0] == "Where settings come from (highest first):"
    assert lines[1].startswith("  1. environment")
    assert lines[5] == "  5. built-in defaults"
    assert f"Configuration file: {env['path']} (environment)" in out
    assert f"Database: {env['url']} (environment)" in out
    assert any(line.split() == ["DIGESTBOT_KEY_POINTS", "5", "(environment)"] for line in lines)
    assert any(line.split() == ["DIGESTBOT_HTTP_PORT", "8080", "(default)"] for line in lines)
    assert any(line.split() == ["SLACK_BOT_TOKEN", "set"] for line in lines)
    assert any(line.split() == ["DISCORD_BOT_TOKEN", "not", "set"] for line in lines)
    assert "/visit: The state visit; keywords: Lee Jae Myung, Xi Jinping  [pinned (config file)]" in out
    assert "/dam: The Kessel Dam failure; keywords: Kessel Dam  [config file (seeded)]" in out
    assert "#1 https://example.org/pinned.xml (every 15m, /visit)  [pinned (config file)]" in out
    assert "slack C1: /visit, weekdays at 07:00 (Asia/Seoul)  [pinned (config file)]" in out
    assert "slack C2: /dam, daily at 08:00 (UTC)  [config file (seeded)]" in out
    assert "discord-webhook webhook:" in out  # the digest of the URL, never the URL


def test_chat_changes_are_marked_with_who_made_them(env, capsys):
    show(capsys)  # the first use seeds the database
    articles = SqlStore.from_url(env["url"])
    try:
        store = SqlManagementStore(articles.engine)
        at = datetime(2026, 3, 2, tzinfo=timezone.utc)
        store.save_subscription("slack", "C3", "dam", "0 9 * * *", "UTC",
                                AuditEntry(at, "slack", "C3", "ada", "subscribe", "subscribed", None, None))
        store.save_subscription("slack", "C2", "dam", "0 6 * * *", "UTC",
                                AuditEntry(at, "slack", "C2", "bob", "subscribe", "subscribed", None, None))
    finally:
        articles.close()
    out = show(capsys)
    assert "slack C3: /dam, daily at 09:00 (UTC)  [chat (added by ada)]" in out
    assert "slack C2: /dam, daily at 06:00 (UTC)  [config file (seeded), changed since]" in out


def test_json_has_the_same_facts(env, capsys):
    report = json.loads(show(capsys, "--format", "json"))
    assert len(report["precedence"]) == 5
    assert report["config_file"] == {"path": str(env["path"]), "source": "environment"}
    settings = {s["name"]: s for s in report["settings"]}
    assert settings["DIGESTBOT_KEY_POINTS"] == {"name": "DIGESTBOT_KEY_POINTS", "value": 5, "source": "environment"}
    assert settings["DIGESTBOT_HTTP_HOST"]["source"] == "default"
    assert {c["name"]: c["value"] for c in report["credentials"]}["SLACK_BOT_TOKEN"] == "set"
    assert {t["name"]: t["source"] for t in report["topics"]} == {"visit": "pinned (config file)",
                                                                   "dam": "config file (seeded)"}
    [feed] = report["feeds"]
    assert feed["source"] == "pinned (config file)"
    webhook = [s for s in report["subscriptions"] if s["platform"] == "discord-webhook"]
    assert webhook and webhook[0]["channel"].startswith("webhook:")


def test_the_command_line_config_flag_wins_over_the_environment(env, capsys, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[[topics]]\nname = "x"\ntitle = "X"\n', encoding="utf-8")
    assert main(["--config", str(other), "config", "show", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["config_file"] == {"path": str(other), "source": "command line (--config)"}


def test_database_passwords_are_masked(env, capsys, monkeypatch):
    assert redact_url("postgresql://bob:hunter2@db:5432/news") == "postgresql://***@db:5432/news"
    assert redact_url("https://ann:pw@example.org/rss") == "https://***@example.org/rss"
    assert redact_url("https://t0ken@example.org/rss") == "https://***@example.org/rss"
    assert redact_url("sqlite:////var/lib/digestbot.db") == "sqlite:////var/lib/digestbot.db"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", "postgresql://bob:hunter2@127.0.0.1:1/news")
    assert main(["config", "show"]) == 1  # nothing listens there: settings shown, the store not
    out, err = capsys.readouterr()
    assert "hunter2" not in out + err
    assert "Database: postgresql://***@127.0.0.1:1/news (environment)" in out
    assert err.startswith("digestbot: DIGESTBOT_DATABASE_URL: cannot reach the database at postgresql://***@")
    assert err.rstrip().endswith("; topics, feeds and subscriptions not shown")
    assert len(err.strip().splitlines()) == 1


def test_a_bad_configuration_file_is_a_one_line_usage_error(env, capsys):
    env["path"].write_text("[[destinations]]\nplatform = 'irc'\n", encoding="utf-8")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"digestbot: {env['path']}: destinations.0.platform:") and err.count("\n") == 1


@pytest.mark.parametrize("cron, zone, problem", [("every day", "UTC", "bad cron 'every day'"),
                                                ("0 8 * * *", "Mars/Base", "unknown time zone 'Mars/Base'")])
def test_a_schedule_that_cannot_fire_is_a_one_line_usage_error(env, capsys, cron, zone, problem):
    """The configuration cannot import APScheduler (it sits below run/): the command passes the
    scheduler's check in, and a schedule it refuses is still named when the file is read."""
    env["path"].write_text(f"[[destinations]]\nplatform = 'console'\ncron = '{cron}'\ntimezone = '{zone}'\n",
                           encoding="utf-8")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"digestbot: {env['path']}: destinations.0: ") and problem in err and err.count("\n") == 1


def test_config_without_an_action_is_bad_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["config"])
    assert exit_.value.code == 2


def test_an_entry_a_pin_created_is_marked_formerly_pinned_once_the_pin_is_gone(env, capsys):
    show(capsys)
    articles = SqlStore.from_url(env["url"])
    try:  # what a pin since removed from the file created: its audit entry names the file
        SqlManagementStore(articles.engine).save_subscription(
            "slack", "C4", "dam", "0 9 * * *", "UTC",
            AuditEntry(datetime(2026, 3, 2, tzinfo=timezone.utc), "slack", "C4", PINS_USER, "subscribe",
                       "subscribed", None, None))
    finally:
        articles.close()
    report = json.loads(show(capsys, "--format", "json"))
    c4 = next(row for row in report["subscriptions"] if row["channel"] == "C4")
    assert c4["source"] == "config file (formerly pinned)"
