"""`digestbot config show` as a real process: pinned entries come back after a chat change
across restarts, and no secret is ever printed."""

from __future__ import annotations

import json

WEBHOOK = "https://discord.com/api/webhooks/7/e2e-w3bh00k-s3cr3t"
TOKEN = "xoxb-e2e-secret-token"
CONFIG = f"""
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping", "state visit"]
pinned = true

[[destinations]]
platform = "console"
channel = "console"
cron = "30 7 * * 1-5"
timezone = "Asia/Seoul"
topics = ["visit"]
pinned = true

[[destinations]]
platform = "discord-webhook"
webhook = "{WEBHOOK}"
topics = ["visit"]
"""


def test_config_show_names_sources_keeps_pins_and_hides_secrets(run_cli, tmp_path):
    config = tmp_path / "digestbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {"DIGESTBOT_CONFIG": str(config), "DISCORD_BOT_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp_path / "data")}

    shown = run_cli("config", "show", **env)
    assert shown.returncode == 0, shown.stderr
    assert "Where settings come from (highest first):" in shown.stdout
    assert f"Configuration file: {config} (environment)" in shown.stdout
    assert "console console: /visit, weekdays at 07:30 (Asia/Seoul)  [pinned (config file)]" in shown.stdout

    # chat cannot change the pinned subscription (`digestbot chat` speaks for console/console)
    refused = run_cli("chat", "/digest subscribe visit daily 09:00", **env)
    assert refused.returncode == 2, refused.stderr  # a refused command is bad usage (issue 14, item 8)
    assert "pinned by the operators in the configuration file; ask them to change it" in refused.stdout
    added = run_cli("chat", '/digest topics add dam "Kessel Dam"', **env)
    assert "Added topic /dam" in added.stdout, added.stdout

    as_json = run_cli("config", "show", "--format", "json", **env)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    topics = {t["name"]: t["source"] for t in report["topics"]}
    assert topics["visit"] == "pinned (config file)"
    assert topics["dam"].startswith("chat (added by ")
    assert {c["name"]: c["value"] for c in report["credentials"]}["DISCORD_BOT_TOKEN"] == "set"
    [console] = [s for s in report["subscriptions"] if s["platform"] == "console"]
    assert (console["cron"], console["timezone"]) == ("30 7 * * 1-5", "Asia/Seoul")

    for result in (shown, as_json, refused):
        everything = result.stdout + result.stderr
        assert TOKEN not in everything
        assert "w3bh00k" not in everything and "webhooks/7" not in everything


def test_config_show_help_has_examples_and_the_precedence(run_cli):
    result = run_cli("config", "show", "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "digestbot config show --format json" in result.stdout
    assert "precedence (highest first):" in result.stdout


FILE_AFTER_FIRST_DIGEST = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping", "state visit"]

[[topics]]
name = "dam"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam"]

[[destinations]]
platform = "console"
channel = "console"
cron = "0 7 * * *"
topics = ["visit", "dam"]
"""


def test_the_files_destinations_apply_after_a_first_digest_without_it(run_cli, tmp_path):
    """Issue 14, item 6: the README's first command, then the file: its destinations used to
    be ignored ("Subscriptions: none") because the database was marked seeded."""
    assert run_cli("digest").returncode == 0
    config = tmp_path / "bot.toml"
    config.write_text(FILE_AFTER_FIRST_DIGEST, encoding="utf-8")
    env = {"DIGESTBOT_CONFIG": str(config), "XDG_DATA_HOME": str(tmp_path / "data")}
    shown = run_cli("config", "show", **env)
    assert shown.returncode == 0, shown.stderr
    assert "console console: /visit, daily at 07:00 (UTC)  [config file (seeded)]" in shown.stdout
    assert "console console: /dam, daily at 07:00 (UTC)  [config file (seeded)]" in shown.stdout

    assert run_cli("chat", "/digest unsubscribe dam", **env).returncode == 0
    report = json.loads(run_cli("config", "show", "--format", "json", **env).stdout)
    assert report["ignored"] == ["console channel console, /dam: unsubscribed from chat"]
    assert "Configuration file entries the database ignores" in run_cli("config", "show", **env).stdout
