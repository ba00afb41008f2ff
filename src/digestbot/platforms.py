"""Which platforms `digestbot run` starts, decided from the environment and the configuration.

The only core module that knows the adapters exist: it imports each one lazily, so a
deployment without the Slack or Discord extras still runs.
"""

from __future__ import annotations

from .bootstrap import App
from .runtime import Platform


class PlatformError(Exception):
    """A platform that cannot start: one line naming the variable, never its value."""


def build_platforms(app: App) -> dict[str, Platform]:
    from digestbot.adapters.console import ConsolePublisher

    platforms = {"console": Platform("console", ConsolePublisher())}
    return platforms
