"""Discord settings: token shape, endpoint overrides, one-line errors that never show the token."""

from __future__ import annotations

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from digestbot.adapters.discord.settings import (
    DEFAULT_API_URL,
    DEFAULT_GATEWAY_URL,
    DiscordConfigError,
    apply_endpoints,
    check_token,
    load_discord_settings,
    reset_endpoints,
)
from digestbot.config import ConfigError

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


@pytest.fixture(autouse=True)
def restore_endpoints():
    yield
    reset_endpoints()


def test_a_well_formed_token_is_accepted():
    assert check_token(f"  {TOKEN}\n") == TOKEN
    assert check_token(f"Bot {TOKEN}") == TOKEN


@pytest.mark.parametrize("token", [None, "", "  ", "abc", "a.b", "a.b.c.d", "a.b.c=", "ab c.d.e", "a.b.c\nd"])
def test_a_missing_or_malformed_token_is_one_line_naming_the_variable(token):
    with pytest.raises(DiscordConfigError) as caught:
        check_token(token)
    message = str(caught.value)
    assert message.startswith("DISCORD_BOT_TOKEN ") and "\n" not in message
    if token and token.strip():
        assert token.strip() not in message
    assert isinstance(caught.value, ConfigError)  # the CLI maps it to exit code 2


def test_settings_from_environment():
    settings = load_discord_settings(
        {
            "DISCORD_BOT_TOKEN": TOKEN,
            "DISCORD_API_URL": "http://127.0.0.1:9999",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9998/",
            "DISCORD_GUILD_ID": "1100000000000000003",
        }
    )
    assert settings.token == TOKEN
    assert settings.api_url == "http://127.0.0.1:9999/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:9998/"
    assert settings.guild_id == 1100000000000000003
    assert TOKEN not in repr(settings)


def test_defaults_keep_discords_endpoints():
    settings = load_discord_settings({"DISCORD_BOT_TOKEN": TOKEN})
    assert settings.api_url is None and settings.gateway_url is None and settings.guild_id is None


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"DISCORD_API_URL": "ftp://x"}, "DISCORD_API_URL"),
        ({"DISCORD_API_URL": "127.0.0.1:9999"}, "DISCORD_API_URL"),
        ({"DISCORD_GATEWAY_URL": "http://127.0.0.1:1/"}, "DISCORD_GATEWAY_URL"),
        ({"DISCORD_GUILD_ID": "my-server"}, "DISCORD_GUILD_ID"),
        ({"DISCORD_BOT_TOKEN": ""}, "DISCORD_BOT_TOKEN"),
    ],
)
def test_bad_settings_name_the_variable(env, variable):
    with pytest.raises(DiscordConfigError, match=variable):
        load_discord_settings({"DISCORD_BOT_TOKEN": TOKEN, **env})


def test_apply_endpoints_points_discord_py_elsewhere():
    apply_endpoints("http://127.0.0.1:9999/api/v10/", "ws://127.0.0.1:9998/")
    assert discord.http.Route.BASE == "http://127.0.0.1:9999/api/v10"
    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9999/api/v10/users/@me"
    assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL("ws://127.0.0.1:9998/")


def test_apply_endpoints_with_nothing_changes_nothing():
    apply_endpoints(None, None)
    assert discord.http.Route.BASE == DEFAULT_API_URL
    assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL(DEFAULT_GATEWAY_URL)
