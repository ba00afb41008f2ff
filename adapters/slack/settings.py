"""Slack credentials and endpoint from the environment, checked once at startup.

A missing or malformed value is a `SlackConfigError` whose message is one line naming the
variable and never its value; secrets are held as `SecretStr`, so a stray repr or log line
shows `**********`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

DEFAULT_API_URL = "https://slack.com/api/"
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9-]+$")


class SlackConfigError(ValueError):
    """A Slack setting that cannot be used; `str()` is one line naming the variable."""


@dataclass(frozen=True)
class SlackSettings:
    bot_token: SecretStr
    signing_secret: SecretStr | None = None  # required in HTTP mode only
    app_token: SecretStr | None = None  # set: Socket Mode
    api_url: str = DEFAULT_API_URL

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None


def slack_configured(env: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for Slack at all (a bot token is set, even if malformed)."""
    env = os.environ if env is None else env
    return bool(env.get("SLACK_BOT_TOKEN", "").strip())


def _token(env: Mapping[str, str], name: str, prefix: str, *, required: bool) -> SecretStr | None:
    value = env.get(name, "").strip()
    if not value:
        if required:
            raise SlackConfigError(f"{name} is not set (a Slack token starting with {prefix})")
        return None
    if not value.startswith(prefix) or not _TOKEN_CHARS.match(value):
        raise SlackConfigError(f"{name} is malformed: it must be a Slack token starting with {prefix}")
    return SecretStr(value)


def _api_url(env: Mapping[str, str]) -> str:
    value = env.get("SLACK_API_URL", "").strip()
    if not value:
        return DEFAULT_API_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SlackConfigError("SLACK_API_URL is malformed: it must be an http(s) URL such as https://slack.com/api/")
    return value if value.endswith("/") else value + "/"


def load_slack_settings(env: Mapping[str, str] | None = None) -> SlackSettings:
    """Read SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL.

    Socket Mode when SLACK_APP_TOKEN is set (the signing secret is then optional); HTTP mode
    otherwise, which needs SLACK_SIGNING_SECRET to verify requests.
    """
    env = os.environ if env is None else env
    bot_token = _token(env, "SLACK_BOT_TOKEN", "xoxb-", required=True)
    app_token = _token(env, "SLACK_APP_TOKEN", "xapp-", required=False)
    secret = env.get("SLACK_SIGNING_SECRET", "").strip()
    if secret and not re.fullmatch(r"[\x21-\x7e]+", secret):
        raise SlackConfigError("SLACK_SIGNING_SECRET is malformed: it must be the app's signing secret, no spaces")
    if not secret and app_token is None:
        raise SlackConfigError(
            "SLACK_SIGNING_SECRET is not set (needed in HTTP mode; set SLACK_APP_TOKEN for Socket Mode)"
        )
    assert bot_token is not None
    return SlackSettings(
        bot_token=bot_token,
        signing_secret=SecretStr(secret) if secret else None,
        app_token=app_token,
        api_url=_api_url(env),
    )
