"""What every command handler shares: exit codes, the usage error, the settings, the bootstrapped
application and the seed articles."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or configuration: exit 2."""


def report_error(message: str) -> None:
    print(f"digestbot: {message}", file=sys.stderr, flush=True)


def load_settings():
    """The settings from the environment; a bad value is a UsageError naming its variable."""
    from ..settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(f"DIGESTBOT_{str(first['loc'][0]).upper()}: {message}") from None


def open_app(args: argparse.Namespace, *, running: bool = False):
    """The application bootstrapped for a command (`--config`, `-n`, `--method` applied);
    `running` for `digestbot run`, whose chat can post a digest now."""
    from ..bootstrap import bootstrap
    from ..config import ConfigError

    settings = load_settings()
    try:
        return bootstrap(
            settings,
            config=args.config,
            key_points=getattr(args, "key_points", None),
            method=getattr(args, "method", None),
            running=running,
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def default_seed_inputs() -> list[str]:
    """seeds/ in the working directory, else the copy installed with the package."""
    local = Path("seeds")
    if local.is_dir():
        return [str(local)]
    return [str(resources.files("digestbot.seeds"))]


def ensure_seeded(app) -> None:
    """The chat works out of the box: an empty store is filled from the seeds."""
    from ..ingest import load_sources

    if app.store.count() == 0:
        app.service.ingest(load_sources(default_seed_inputs()), on_problem=report_error)
