"""Slack settings: clear one-line errors naming the variable, never the secret."""

from __future__ import annotations

import pytest

from digestbot.adapters.slack.settings import DEFAULT_API_URL, SlackConfigError, load_slack_settings, slack_configured

GOOD = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}


def test_http_mode_with_default_api_url():
    settings = load_slack_settings(GOOD)
    assert not settings.socket_mode
    assert settings.api_url == DEFAULT_API_URL
    assert settings.bot_token.get_secret_value() == GOOD["SLACK_BOT_TOKEN"]
    assert "xoxb-123" not in repr(settings) and "8f742231" not in repr(settings)


def test_socket_mode_needs_no_signing_secret_and_api_url_is_normalised():
    settings = load_slack_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A1-2-abc", "SLACK_API_URL": "http://127.0.0.1:9/api"}
    )
    assert settings.socket_mode and settings.signing_secret is None
    assert settings.api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    "env, variable",
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "  "}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-user-token-secret"}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxb-with space-secret"}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong-kind-secret"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_SIGNING_SECRET": "has a space-secret"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_API_URL": "ftp://x-secret"}, "SLACK_API_URL"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
    ],
)
def test_bad_settings_name_the_variable_in_one_line_without_the_value(env, variable):
    with pytest.raises(SlackConfigError) as caught:
        load_slack_settings(env)
    message = str(caught.value)
    assert variable in message and "\n" not in message
    assert "secret" not in message.replace("SECRET", "").replace("signing secret", "")


def test_slack_configured():
    assert slack_configured(GOOD)
    assert not slack_configured({"SLACK_SIGNING_SECRET": "x"})
