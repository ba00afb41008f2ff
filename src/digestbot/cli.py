"""The `digestbot` command line. Its commands and flags are a contract (docs/ARCHITECTURE.md).

Exit codes: 0 done, 1 some input could not be used (the rest was processed), 2 bad usage or
configuration. Every error is one line on stderr naming the input or the setting. The handlers
live in `cli_commands/`, grouped by what they do; `run` is here.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from . import __version__
from .cli_commands.articles import (add_digest_command, add_extract_command, add_summarise_command, cmd_digest,
                                    cmd_extract, cmd_summarise)
from .cli_commands.chat import add_chat_command, cmd_chat
from .cli_commands.configuration import add_config_command, add_slack_manifest_command, cmd_config, cmd_slack_manifest
from .cli_commands.support import EXIT_OK, EXIT_USAGE, UsageError, ensure_seeded, load_settings, open_app, report_error

EPILOG = """\
examples:
  digestbot digest                          digest of the seed articles (seeds/)
  digestbot digest news/ https://example.org/feed.xml --format markdown
  digestbot digest --jsonl archive.jsonl --since 2026-01-05T00:00:00+09:00 --format json
  digestbot summarise --jsonl articles.jsonl -n 3 > key_points.jsonl
  digestbot extract page.html --format json  the clean text the bot reads from a page
  digestbot chat "/visit facts"             the reply a chat user would get
  digestbot chat                            interactive prompt
  digestbot config show                     the effective configuration and where each value comes from

environment:
  DIGESTBOT_DATABASE_URL   where articles are stored (default: a SQLite file in your data folder)
  DIGESTBOT_CONFIG         the TOML configuration file (topics, feeds, destinations)
"""


def _add_run_command(commands) -> None:
    commands.add_parser(
        "run",
        help="run the bot: platforms, scheduled digests, HTTP health and metrics",
        description="Start everything configured in one process. With no platform credentials the "
        "console adapter prints scheduled digests to stdout. HTTP on "
        "$DIGESTBOT_HTTP_HOST:$DIGESTBOT_HTTP_PORT (default 127.0.0.1:8080): /healthz, /readyz, /metrics.",
        epilog="examples:\n  digestbot run\n  DIGESTBOT_CONFIG=config/digestbot.example.toml digestbot run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


# Each group adds its subcommands, in the order `digestbot --help` lists them.
SUBCOMMANDS = (add_digest_command, add_summarise_command, add_extract_command, add_chat_command,
               add_slack_manifest_command, _add_run_command, add_config_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digestbot",
        description="News digests for Slack and Discord: key points, stories, what's new, facts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digestbot {__version__}")
    parser.add_argument("--config", type=Path, help="TOML configuration file (default: $DIGESTBOT_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens on stderr")
    parser.add_argument("--debug", action="store_true",
                        help="log everything, and show the traceback of a start-up error (as DIGESTBOT_LOG_LEVEL=debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_command in SUBCOMMANDS:
        add_command(commands)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from .bootstrap import build_runtime, platform_needs
    from .domain.platforms import PlatformError
    from .run.metrics import Metrics
    from .run.platforms import build_platforms
    from .run.runtime import run_until_stopped

    app = open_app(args, running=True)
    try:
        ensure_seeded(app)
        _report_config_drift(app)
        metrics = Metrics()
        try:
            runtime = build_runtime(app, build_platforms(platform_needs(app), metrics), metrics=metrics)
        except (PlatformError, RuntimeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        # a log record, so that a JSON log stream holds no plain-text line
        announce = lambda port: logging.getLogger("digestbot.run").info(  # noqa: E731
            "running; http://%s:%d/healthz", app.settings.http_host, port)
        try:
            return asyncio.run(run_until_stopped(runtime, announce))
        except PlatformError as exc:  # a platform refused us at startup (e.g. a rejected token)
            raise UsageError(str(exc)) from None
    finally:
        app.close()


def _report_config_drift(app) -> None:
    """What the configuration file holds that the database ignores, said at start."""
    from .service.seeding import config_drift

    for line in config_drift(app.service.management.store, app.config):
        logging.getLogger("digestbot.config").warning("configuration file entry not applied: %s", line)


COMMANDS = {"digest": cmd_digest, "summarise": cmd_summarise, "extract": cmd_extract, "summarize": cmd_summarise, "chat": cmd_chat, "run": cmd_run,
            "slack-manifest": cmd_slack_manifest, "config": cmd_config}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = _configure_logging(args)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        report_error(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a known start-up failure is one line, the rest a bug
        return _startup_failure(exc, debug)


def _configure_logging(args: argparse.Namespace) -> bool:
    """Log as the command and DIGESTBOT_LOG_LEVEL say; whether tracebacks are wanted (debug)."""
    from .run.logs import configure_logging
    from .settings import log_level_from_env

    level = "debug" if args.debug else log_level_from_env()
    if args.command == "run":  # a service: one JSON line per event unless on a terminal
        configure_logging(verbose=True, level=level)
        if not args.verbose and level != "debug":
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
    else:
        configure_logging(verbose=args.verbose, as_json=False, level=level)
    return level == "debug"


def _startup_failure(error: Exception, debug: bool) -> int:
    from .startup_errors import describe_startup_error

    try:
        settings = load_settings()
    except Exception:  # noqa: BLE001 - the settings may be what failed
        settings = None
    line = describe_startup_error(error, settings)
    if line is None:
        raise error
    report_error(line)
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
