"""Discord credentials and endpoints from the environment, checked once at startup.

`load_discord_settings` reads DISCORD_BOT_TOKEN, DISCORD_API_URL, DISCORD_GATEWAY_URL and
DISCORD_GUILD_ID (the same shape as the Slack adapter's `load_slack_settings`). Errors are one
line that names the variable and never shows the token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import discord
import discord.gateway
import discord.http
import yarl

from digestbot.config import ConfigError

TOKEN_VAR = "DISCORD_BOT_TOKEN"
API_URL_VAR = "DISCORD_API_URL"
GATEWAY_URL_VAR = "DISCORD_GATEWAY_URL"
GUILD_ID_VAR = "DISCORD_GUILD_ID"

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_API_VERSION = re.compile(r"/api/v\d+$")


class DiscordConfigError(ConfigError):
    """A Discord setting that cannot be used; the message names the variable, not the value."""


def check_token(token: str | None) -> str:
    """The token, stripped, if it has the shape of a bot token (three base64url parts)."""
    if token is None or not token.strip():
        raise DiscordConfigError(f"{TOKEN_VAR} is not set: give the bot token from the Discord developer portal")
    token = token.strip()
    if token.lower().startswith("bot "):
        token = token[4:].strip()
    if not _TOKEN_SHAPE.fullmatch(token):
        raise DiscordConfigError(
            f"{TOKEN_VAR} does not look like a Discord bot token (expected three dot-separated base64url parts)"
        )
    return token


def login_failed() -> DiscordConfigError:
    """The error for a token Discord refused (`discord.LoginFailure`)."""
    return DiscordConfigError(f"{TOKEN_VAR} was rejected by Discord (login failed): check or reset the bot token")


def _api_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DiscordConfigError(f"{API_URL_VAR} must be an http(s) URL such as {DEFAULT_API_URL}")
    url = value.strip().rstrip("/")
    if not _API_VERSION.search(parts.path.rstrip("/")):
        url += "/api/v10"
    return url


def _gateway_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise DiscordConfigError(f"{GATEWAY_URL_VAR} must be a ws(s) URL such as {DEFAULT_GATEWAY_URL}")
    return value.strip()


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(repr=False)
    api_url: str | None = None  # REST base including /api/v10; None keeps Discord's
    gateway_url: str | None = None  # None keeps Discord's
    guild_id: int | None = None  # sync commands to this guild (instant) instead of globally


def load_discord_settings(env: Mapping[str, str] | None = None) -> DiscordSettings:
    """Read DISCORD_BOT_TOKEN, DISCORD_API_URL, DISCORD_GATEWAY_URL, DISCORD_GUILD_ID."""
    env = os.environ if env is None else env
    token = check_token(env.get(TOKEN_VAR))
    api = env.get(API_URL_VAR, "").strip()
    gateway = env.get(GATEWAY_URL_VAR, "").strip()
    guild = env.get(GUILD_ID_VAR, "").strip()
    if guild and not guild.isdigit():
        raise DiscordConfigError(f"{GUILD_ID_VAR} must be a numeric guild (server) id")
    return DiscordSettings(
        token=token,
        api_url=_api_url(api) if api else None,
        gateway_url=_gateway_url(gateway) if gateway else None,
        guild_id=int(guild) if guild else None,
    )


def apply_endpoints(api_url: str | None = None, gateway_url: str | None = None) -> None:
    """Point discord.py at other endpoints (proxies, regional gateways, fakes in tests).

    Call once before the client logs in. These are process-wide class attributes in
    discord.py; None leaves the current value alone.
    """
    if api_url:
        discord.http.Route.BASE = _api_url(api_url)
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(_gateway_url(gateway_url))


def reset_endpoints() -> None:
    """Back to Discord's own endpoints (for tests)."""
    discord.http.Route.BASE = DEFAULT_API_URL
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(DEFAULT_GATEWAY_URL)
