"""Issue 14, item 15: a password in a configuration file's feed URL is never shown: not in
`/digest feeds list` (anyone may run it), `/digest feeds remove`, the feed-failure notice
posted to channels, the logs, or `config show`. One function masks it (digestbot.redaction)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from builders import an_app
from fakes import RecordingPublisher
from digestbot.run.logs import JsonFormatter, TextFormatter
from digestbot.domain.models import CommandContext
from digestbot.redaction import has_credentials, redact_credentials
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform

SECRET_URL = "https://ann:hunter2@example.org/rss.xml"
SHOWN = "https://***@example.org/rss.xml"
CONFIG = f"""
[[topics]]
name = "dam"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam"]

[[feeds]]
url = "{SECRET_URL}"
topics = ["dam"]

[[destinations]]
platform = "console"
channel = "ops"
topics = ["dam"]
"""
ADMIN = CommandContext("console", "ops", "ada", is_admin=True)
MEMBER = CommandContext("console", "ops", "bob", is_admin=False)


@pytest.mark.parametrize("text, masked", [
    (SECRET_URL, SHOWN),
    ("https://t0ken@example.org/rss", "https://***@example.org/rss"),  # a user part alone may be a token
    ("postgresql://bob:p@ss@db:5432/news", "postgresql://***@db:5432/news"),  # an '@' in the password
    (f"failed: {SECRET_URL} and http://x:y@other.example/", f"failed: {SHOWN} and http://***@other.example/"),
    ("https://example.org/a@b", "https://example.org/a@b"),  # an '@' in the path is not a credential
    ("mail ann@example.org", "mail ann@example.org"),
])
def test_one_function_masks_user_information(text, masked):
    assert redact_credentials(text) == masked


def test_credentials_are_found_in_a_url_or_a_line():
    assert has_credentials(SECRET_URL) and has_credentials("//ann:pw@example.org/rss")
    assert has_credentials(f"/digest feeds add {SECRET_URL}")
    assert not has_credentials("https://example.org/rss.xml")


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG, feed_failures_before_notice=2)
    yield app
    app.close()


def reply_text(reply) -> str:
    return reply.title + "\n" + "\n".join(line for s in reply.sections for line in s.lines)


async def test_the_failure_notice_and_the_logs_never_show_the_password(app, caplog):
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # the fetcher refuses the URL: two failures make the notice
            state = runtime.feeds.poller.states.load(SECRET_URL)
            runtime.feeds.poller.states.save(replace(state, next_due=datetime.now(timezone.utc)))
            await runtime.feeds.poll()
    [(target, notice)] = publisher.notices
    assert target == "ops" and notice.startswith(f"Feed {SHOWN} is failing")
    assert "hunter2" not in notice and "ann:" not in notice
    for formatter in (JsonFormatter(), TextFormatter()):
        logged = "\n".join(formatter.format(record) for record in caplog.records)
        assert "feed health notice" in logged and SHOWN in logged  # the URL is logged, masked
        assert "hunter2" not in logged


def test_feeds_list_and_remove_never_show_the_password(app):
    listed = reply_text(app.service.answer("/digest feeds list", MEMBER))
    assert SHOWN in listed and "hunter2" not in listed
    removed = reply_text(app.service.answer("/digest feeds remove 1", ADMIN))
    assert removed.startswith("Removed feed #1") and "hunter2" not in removed


def test_a_log_record_with_the_url_is_masked_in_message_and_fields():
    record = logging.LogRecord("digestbot.run.polling", logging.WARNING, __file__, 1, "feed %s failed", (SECRET_URL,),
                               None)
    record.feed = SECRET_URL
    line = JsonFormatter().format(record)
    assert json.loads(line)["feed"] == SHOWN and "hunter2" not in line
    assert "hunter2" not in TextFormatter().format(record)


def test_config_show_masks_it(app):
    from digestbot.config_report import build_report, render_text
    from digestbot.service.seeding import Pins

    report = build_report(app.settings, app.config, app.service.management.store, Pins.from_config(app.config))
    assert [f["url"] for f in report["feeds"]] == [SHOWN]
    assert "hunter2" not in render_text(report) + json.dumps(report)
