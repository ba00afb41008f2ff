"""Adapters of one shape, found by name: the core's registry imports a platform's factory only when
the platform is asked for, so a deployment without the Slack or Discord extras still runs."""

import importlib
import sys
from pathlib import Path

import pytest

from builders import an_app
from digestbot.run.metrics import Metrics
from digestbot.domain.platforms import PlatformError
from digestbot.bootstrap import platform_needs
from digestbot.run.platforms import FACTORIES, build_platforms, platform_factory

ADAPTERS = Path(__file__).resolve().parents[3] / "adapters"
SURFACE = {"platform.py", "settings.py", "publisher.py", "commands.py", "limits.py", "render.py"}
CONFIG = """
[[topics]]
name = "visit"
title = "A state visit"
keywords = ["state visit"]
"""


@pytest.mark.parametrize("adapter", ["slack", "discord"])
def test_every_adapter_exposes_the_same_modules(adapter):
    present = {path.name for path in (ADAPTERS / adapter).glob("*.py")}
    assert SURFACE <= present, f"adapters/{adapter} lacks {sorted(SURFACE - present)}"


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_each_platform_name_finds_its_factory_in_its_adapter(name):
    factory = platform_factory(name)
    assert callable(factory) and factory.__module__ == FACTORIES[name][0]
    assert factory.__module__.startswith(f"digestbot.adapters.{name.split('-')[0]}.")


def without(monkeypatch, sdk: str, adapter: str) -> None:
    """Import as if `sdk` were not installed: the adapter's modules that need it load anew."""
    for module in [sdk, *(m for m in sys.modules if m.startswith(f"{sdk}."))]:
        monkeypatch.setitem(sys.modules, module, None)
    for module in [m for m in sys.modules if m.startswith(f"digestbot.adapters.{adapter}.")]:
        if module.rsplit(".", 1)[1] not in ("limits", "render", "manifest", "settings"):
            monkeypatch.delitem(sys.modules, module)


def test_without_the_slack_extra_a_slack_token_is_one_line_saying_what_to_install(tmp_path, monkeypatch):
    app = an_app(tmp_path, CONFIG)
    without(monkeypatch, "slack_bolt", "slack")
    with pytest.raises(ImportError):
        importlib.import_module("digestbot.adapters.slack.platform")
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    with pytest.raises(PlatformError, match=r"^SLACK_BOT_TOKEN is set but .*pip install 'digestbot\[slack\]'$"):
        build_platforms(platform_needs(app), Metrics(), env)


def test_without_the_platform_extras_the_console_still_runs(tmp_path, monkeypatch):
    app = an_app(tmp_path, CONFIG)
    without(monkeypatch, "slack_bolt", "slack")
    without(monkeypatch, "discord", "discord")
    assert set(build_platforms(platform_needs(app), Metrics(), {})) == {"console"}
