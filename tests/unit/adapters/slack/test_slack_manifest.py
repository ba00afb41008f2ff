"""The Slack app manifest for the configured topics."""

from __future__ import annotations

import json

import pytest

from digestbot.adapters.slack.manifest import build_manifest, manifest_json, manifest_yaml
from digestbot.domain.models import Topic

TOPICS = [Topic("visit", "Lee Jae Myung's state visit to China"), Topic("climate", "Climate: talks & \"quotes\" " * 10)]


def test_http_manifest_has_every_command_with_request_url_and_scopes():
    manifest = build_manifest(TOPICS, socket_mode=False, request_url="https://bot.example.org/slack/events")
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/visit", "/climate", "/digest"]
    for command in commands:
        assert command["url"] == "https://bot.example.org/slack/events"
        assert 0 < len(command["description"]) <= 100 and command["usage_hint"]
    assert "facts" in commands[0]["usage_hint"] and "state visit" in commands[0]["description"]
    assert {"commands", "chat:write"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    # users.info (is the user an admin?) and usergroups.list (user groups as admin_roles)
    assert {"users:read", "usergroups:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["display_information"]["name"] == "digestbot"


def test_socket_mode_manifest_has_no_urls():
    manifest = build_manifest(TOPICS[:1], socket_mode=True, request_url=None, app_name="newsbot")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
    assert manifest["features"]["bot_user"]["display_name"] == "newsbot"


@pytest.mark.parametrize("topics, kwargs", [
    (TOPICS, {"socket_mode": False, "request_url": None}),
    (TOPICS, {"socket_mode": False, "request_url": "javascript:x"}),
    ([Topic("Has Space", "x")], {"socket_mode": True, "request_url": None}),
    ([Topic("digest", "x")], {"socket_mode": True, "request_url": None}),
    ([Topic("visit", "x"), Topic("visit", "y")], {"socket_mode": True, "request_url": None}),
    ([Topic("x" * 40, "x")], {"socket_mode": True, "request_url": None}),
])
def test_unusable_input_is_refused(topics, kwargs):
    with pytest.raises(ValueError):
        build_manifest(topics, **kwargs)


@pytest.mark.parametrize("socket_mode", [True, False])
def test_json_and_yaml_dumps_round_trip(socket_mode):
    manifest = build_manifest(TOPICS, socket_mode=socket_mode, request_url="https://b.example/slack/events")
    assert json.loads(manifest_json(manifest)) == manifest
    text = manifest_yaml(manifest)
    assert text.startswith("_metadata:\n  major_version: 1\n") and "\n    - command: \"/visit\"\n" in text
    yaml = pytest.importorskip("yaml")  # PyYAML is optional: only the round trip needs it
    assert yaml.safe_load(text) == manifest
