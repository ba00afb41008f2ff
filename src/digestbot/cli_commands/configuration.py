"""The commands that print what the configuration yields: `config show` (the effective
configuration and where each value comes from) and `slack-manifest` (the Slack app to create)."""

from __future__ import annotations

import argparse
import sys

from ..config_report import PRECEDENCE
from .support import EXIT_INPUT, EXIT_OK, UsageError, load_settings, open_app, report_error

CONFIG_SHOW_EPILOG = "precedence (highest first):\n" + "".join(
    f"  {number}. {line}\n" for number, line in enumerate(PRECEDENCE, 1)) + """
examples:
  digestbot config show
  digestbot config show --format json
  DIGESTBOT_CONFIG=config/digestbot.example.toml digestbot config show
  digestbot --config /etc/digestbot.toml config show
"""


def add_slack_manifest_command(commands) -> None:
    manifest = commands.add_parser(
        "slack-manifest",
        help="print a Slack app manifest with the configured topics' slash commands",
        description="Print a Slack app manifest (YAML or JSON) to paste at api.slack.com/apps: slash "
        "commands of the configured topics and /digest, the bot scopes, Socket Mode or request URLs.",
        epilog="examples:\n  digestbot slack-manifest --socket-mode\n"
        "  digestbot slack-manifest --request-url https://bot.example.org/slack/events --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = manifest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--socket-mode", action="store_true", help="the app connects out (no public URL)")
    mode.add_argument("--request-url", metavar="URL", help="public https URL of /slack/events (HTTP mode)")
    manifest.add_argument("--format", choices=("yaml", "json"), default="yaml")
    manifest.add_argument("--name", default="digestbot", help="the app's display name")


def add_config_command(commands) -> None:
    config = commands.add_parser(
        "config",
        help="show the effective configuration",
        description="Inspect the configuration the bot runs with.",
        epilog="examples:\n  digestbot config show\n  digestbot --config config/digestbot.example.toml config show "
        "--format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config_actions = config.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    show = config_actions.add_parser(
        "show",
        help="print the effective configuration and where each value comes from",
        description="Print the effective configuration and where each value comes from: the configuration "
        "file, the database, the settings (from the environment or their defaults), then the topics, feeds "
        "and subscriptions in the database, each marked pinned (config file), config file (seeded) or chat "
        "(added by USER). Secrets are never printed: platform credentials show as set / not set, passwords "
        "in URLs are masked, webhook URLs never appear.",
        epilog=CONFIG_SHOW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("--format", choices=("text", "json"), default="text")


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    try:
        from digestbot.adapters.slack.manifest import build_manifest, manifest_json, manifest_yaml
    except ImportError:
        raise UsageError("the Slack extra is not installed: pip install 'digestbot[slack]'") from None
    from ..chat.commands import commandable_topics

    app = open_app(args)
    try:
        topics, left_out = commandable_topics(app.service.topics)
        for problem in left_out:
            report_error(f"slack-manifest: no slash command for {problem}")
        manifest = build_manifest(
            topics, socket_mode=args.socket_mode, request_url=args.request_url, app_name=args.name
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        app.close()
    sys.stdout.write(manifest_json(manifest) if args.format == "json" else manifest_yaml(manifest))
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from ..config import ConfigError, load_config
    from ..config_report import build_report, render_json, render_text
    from ..run.scheduling import check_schedule
    from ..service.seeding import Pins
    from ..startup_errors import describe_startup_error
    from ..storage.errors import DATABASE_ERRORS

    settings = load_settings()
    if args.config is not None:
        settings = settings.model_copy(update={"config": args.config})
    try:
        config = load_config(settings.config, check_schedule)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    pins = Pins.from_config(config)
    try:
        app = open_app(args)  # the store the bot uses, seeded and pinned as at a start
    except (*DATABASE_ERRORS, ImportError, OSError) as exc:  # still show what does not need the database
        problem = describe_startup_error(exc, settings)
        if problem is None:
            raise
        report_error(f"{problem}; topics, feeds and subscriptions not shown")
        report = build_report(settings, config, None, pins, config_flag=args.config)
        status = EXIT_INPUT
    else:
        try:
            report = build_report(app.settings, app.config, app.service.management.store, pins,
                                  config_flag=args.config)
        finally:
            app.close()
        status = EXIT_OK
    sys.stdout.write(render_json(report) if args.format == "json" else render_text(report))
    return status
