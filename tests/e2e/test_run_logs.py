"""Issue 14, item 11 (and the start-time report of item 6): `digestbot run`'s log stream is
JSON lines only, without Alembic's narration unless at debug."""

from __future__ import annotations

import json
import re
import signal

from .test_run import start_bot

CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[[destinations]]
platform = "console"
channel = "console"
cron = "0 8 * * *"
topics = ["visit"]
"""


def run_and_stop(tmp_path, config: str = CONFIG, **env: str) -> list[str]:
    """Start `digestbot run` on a new database, stop it once it serves; its stderr lines."""
    process = start_bot(tmp_path, config, **env)
    lines = []
    try:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if re.search(r"http://[\d.]+:\d+/healthz", line):
                break
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 0, "\n".join(lines) + rest
    return lines + rest.splitlines()


def test_every_line_is_json_and_alembic_is_quiet(tmp_path):
    lines = run_and_stop(tmp_path)
    records = [json.loads(line) for line in lines]  # a plain-text line fails here
    assert not [r for r in records if r["logger"].startswith("alembic")]
    assert any("http://127.0.0.1:" in r["message"] and r["message"].endswith("/healthz") for r in records)


def test_at_debug_the_migrations_are_logged(tmp_path):
    lines = run_and_stop(tmp_path, DIGESTBOT_LOG_LEVEL="debug")
    records = [json.loads(line) for line in lines]
    assert any(r["logger"].startswith("alembic") and "Running upgrade" in r["message"] for r in records)


def test_entries_the_database_ignores_are_reported_at_start(tmp_path, run_cli):
    run_and_stop(tmp_path)
    unsubscribed = run_cli("chat", "/digest unsubscribe visit", DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
                           DIGESTBOT_CONFIG=str(tmp_path / "bot.toml"))
    assert unsubscribed.returncode == 0, unsubscribed.stderr
    records = [json.loads(line) for line in run_and_stop(tmp_path)]
    [drift] = [r for r in records if r["logger"] == "digestbot.config"]
    assert drift["level"] == "warning"
    assert drift["message"] == "configuration file entry not applied: console channel console, /visit: unsubscribed from chat"

