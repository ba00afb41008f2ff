"""`digestbot chat` manages the bot against the local store: the whole flow without a workspace.

Every command below is its own `digestbot` process on one database, so each step also shows
that changes made from chat survive a restart.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def chat(run_cli, tmp_path):
    def run(*commands: str, stdin: str | None = None):
        # XDG_DATA_HOME: the interactive prompt's history file goes to the test's own folder
        return run_cli("chat", *commands, stdin=stdin, XDG_DATA_HOME=str(tmp_path / "data"))

    return run


def test_subscribe_add_a_topic_ask_it_and_read_the_settings_after_a_restart(chat):
    subscribed = chat("/digest subscribe visit weekdays 07:30 tz Asia/Seoul")
    assert subscribed.returncode == 0, subscribed.stderr
    assert "This channel gets /visit weekdays at 07:30 (Asia/Seoul)." in subscribed.stdout
    assert "Next digest:" in subscribed.stdout and "KST" in subscribed.stdout

    added = chat('/digest topics add korea "Lee Jae Myung" "Xi Jinping" "state visit" China Seoul Beijing')
    assert "Added topic /korea" in added.stdout, added.stdout

    facts = chat("/korea facts")  # a new process: the topic came from the database
    # the seed story is in /korea as well as /visit, under its own headline (not a topic's title)
    assert facts.stdout.startswith("South Korea's President seeks reset with China"), facts.stdout
    assert "Who" in facts.stdout and "CGTN" in facts.stdout

    settings = chat("/digest settings")
    assert "/visit: weekdays at 07:30 (Asia/Seoul); next digest" in settings.stdout
    assert "Last changes" in settings.stdout and "subscribed to /visit" in settings.stdout

    topics = chat("/digest topics list")
    assert "/visit: Lee Jae Myung's state visit to China" in topics.stdout  # seeded from the config
    assert "/korea:" in topics.stdout and "added by" in topics.stdout


def test_bad_input_and_refused_feeds_get_clear_replies(chat):
    session = "\n".join([
        "/digest topics add digest news",
        "/digest subscribe tz Mars/Olympus",
        "/digest feeds add http://127.0.0.1:9/rss.xml",
        "/digest feeds add https://ann:hunter2@example.org/rss.xml",
        "/digest topics add dam " + "k" * 10_000,
        "/digest feeds list",
    ]) + "\n"
    result = chat(stdin=session)
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("> ")[1:]
    assert replies[0].startswith("/digest is already a command")
    assert replies[1].startswith("Unknown time zone 'Mars/Olympus'")
    assert "refused: the address is not public (a loopback address)" in replies[2]
    assert replies[3].startswith("Feed URLs with credentials are refused")
    assert replies[4].startswith("Command too long: at most 2000 characters")
    assert "No feeds yet." in replies[5]
    assert "hunter2" not in result.stdout + result.stderr


def test_an_interactive_session(chat, tmp_path):
    session = "\n".join([
        "/digest subscribe all daily 08:00 tz Europe/Berlin",
        "/digest topics add dam Kessel Arnvik",
        "/digest feeds add https://ann:hunter2@example.org/rss.xml",
        "/digest unsubscribe",
        "/digest settings",
        "quit",
    ]) + "\n"
    result = chat(stdin=session)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "This channel gets all stories daily at 08:00 (Europe/Berlin)." in out
    assert "Added topic /dam" in out and "Unsubscribed" in out
    assert "This channel gets no digest yet." in out
    assert "unsubscribed from everything" in out and "added topic /dam (Kessel, Arnvik)" in out
    assert "hunter2" not in out + result.stderr
    history = list((tmp_path / "data").rglob("chat_history"))
    assert all("hunter2" not in h.read_text() for h in history)


def test_a_refused_command_exits_2_and_a_done_one_0(chat):
    """Issue 14, item 8: `digestbot chat` exited 0 for a refused command, so scripts could
    not tell. Bad usage is exit 2 (the CLI contract); the reply still says why."""
    refused = chat("/digest topics add digest news")
    assert refused.returncode == 2
    assert refused.stdout.startswith("/digest is already a command")
    assert chat("/digest topics list").returncode == 0


def test_feeds_list_never_shows_a_config_files_feed_password(run_cli, tmp_path):
    """Issue 14, item 15: anyone can run /digest feeds list."""
    config = tmp_path / "bot.toml"
    config.write_text('[[topics]]\nname = "dam"\ntitle = "Dam"\n'
                      '[[feeds]]\nurl = "https://ann:hunter2@example.org/rss.xml"\n', encoding="utf-8")
    listed = run_cli("chat", "/digest feeds list", DIGESTBOT_CONFIG=str(config))
    assert listed.returncode == 0, listed.stderr
    assert "#1 https://***@example.org/rss.xml" in listed.stdout
    assert "hunter2" not in listed.stdout + listed.stderr
