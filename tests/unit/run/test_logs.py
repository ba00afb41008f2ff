import json
import logging

import pytest

from digestbot.run.logs import JsonFormatter, TextFormatter, redact

SECRETS = [
    "xoxb-1234567890-abcdefghijkl",
    "xapp-1-A111-222-abcdef",
    "https://hooks.slack.com/commands/T1/397700885554/96rGlfmibIGlgcZRskXaIFfN",
    "https://discord.com/api/webhooks/123456789/abcDEF-ghi_JKL",
    "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_secrets_are_redacted(secret):
    assert secret not in redact(f"posting with {secret} failed")


def test_key_value_secrets_are_redacted():
    assert "hunter2" not in redact("signing_secret=hunter2 and Authorization: Bearer")
    assert "s3cr3t" not in redact('{"token": "s3cr3t"}')


def record(message, **extra):
    rec = logging.LogRecord("digestbot.run", logging.INFO, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_json_lines_carry_extras_and_no_secret():
    line = JsonFormatter().format(record("digest posted", destination="slack:C1", period="2026-01-05T08:00",
                                         url=SECRETS[2]))
    entry = json.loads(line)
    assert entry["message"] == "digest posted"
    assert entry["destination"] == "slack:C1" and entry["period"] == "2026-01-05T08:00"
    assert SECRETS[2] not in line


def test_text_lines_are_one_line_with_extras():
    line = TextFormatter().format(record("digest missed", destination="console:stdout"))
    assert line == "digestbot: digest missed (destination=console:stdout)"
