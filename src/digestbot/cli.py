"""The `digestbot` command line. Its commands and flags are a contract (docs/ARCHITECTURE.md).

Exit codes: 0 done, 1 some input could not be used (the rest was processed), 2 bad usage or
configuration. Every error is one line on stderr naming the input or the setting.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from . import __version__
from .config_report import PRECEDENCE
from .domain.models import as_utc

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

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


class UsageError(Exception):
    """Bad usage or configuration: exit 2."""


def _positive_count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= number <= 20:
        raise argparse.ArgumentTypeError(f"must be between 1 and 20, got {number}")
    return number


def _datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or datetime: {value!r}") from None
    return as_utc(moment)


def build_parser() -> argparse.ArgumentParser:
    from .keypoints import METHODS

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

    def add_summary_options(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("-n", "--key-points", type=_positive_count, help="key points per article (default 3)")
        cmd.add_argument("--method", choices=sorted(METHODS), help="key-point method (default: digestbot)")

    digest = commands.add_parser(
        "digest",
        help="ingest articles and print their digest",
        description="Ingest files, folders, URLs and feeds (default: seeds/), store them, print the digest.",
        epilog="examples:\n  digestbot digest\n  digestbot digest news/ --format json\n"
        "  digestbot digest --jsonl - --since 2026-01-05 < archive.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    digest.add_argument("inputs", nargs="*", metavar="PATH|URL|FEED", help="what to ingest (default: seeds/)")
    digest.add_argument("--jsonl", metavar="FILE|-", help="read articles as JSON lines {id, text, title?, ...}")
    digest.add_argument("--since", type=_datetime, metavar="DATETIME",
                        help="what's new = what articles published after DATETIME add to earlier ones")
    digest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    digest.add_argument("--top", type=_positive_count, default=5, help="stories shown in text/markdown (default 5)")
    add_summary_options(digest)

    summarise = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        help="key points for JSON lines, one line out per line in",
        description="Read {\"id\", \"text\", ...} lines, write {\"id\", \"key_points\": [...]} lines in input order.",
        epilog="example:\n  digestbot summarise --jsonl articles.jsonl -n 3 > key_points.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summarise.add_argument("--jsonl", required=True, metavar="FILE|-", help="input JSON lines ('-' for stdin)")
    add_summary_options(summarise)

    extract = commands.add_parser(
        "extract",
        help="print the clean main text of pages and files, as the bot reads them",
        description="Print the main text of each input after extraction and cleaning, as ingestion "
        "sees it (paragraphs separated by blank lines). Stores nothing.",
        epilog="examples:\n  digestbot extract saved-page.html\n"
        "  digestbot extract https://example.org/news/story --format json\n"
        "  digestbot extract news/ --format json > clean.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("inputs", nargs="+", metavar="PATH|URL", help="files, folders, pages or feeds")
    extract.add_argument("--format", choices=("text", "json"), default="text")

    chat = commands.add_parser(
        "chat",
        help="answer a chat command as the bot would",
        description="Print the reply a chat user would get, against the local store "
        "(built from seeds/ when empty). With no command: an interactive prompt.",
        epilog='examples:\n  digestbot chat "/visit facts"\n  digestbot chat "/visit new"\n  digestbot chat',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("text", nargs="?", metavar="COMMAND", help='for example "/visit facts"')

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

    commands.add_parser(
        "run",
        help="run the bot: platforms, scheduled digests, HTTP health and metrics",
        description="Start everything configured in one process. With no platform credentials the "
        "console adapter prints scheduled digests to stdout. HTTP on "
        "$DIGESTBOT_HTTP_HOST:$DIGESTBOT_HTTP_PORT (default 127.0.0.1:8080): /healthz, /readyz, /metrics.",
        epilog="examples:\n  digestbot run\n  DIGESTBOT_CONFIG=config/digestbot.example.toml digestbot run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

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
    return parser


CONFIG_SHOW_EPILOG = "precedence (highest first):\n" + "".join(
    f"  {number}. {line}\n" for number, line in enumerate(PRECEDENCE, 1)) + """
examples:
  digestbot config show
  digestbot config show --format json
  DIGESTBOT_CONFIG=config/digestbot.example.toml digestbot config show
  digestbot --config /etc/digestbot.toml config show
"""


def _error(message: str) -> None:
    print(f"digestbot: {message}", file=sys.stderr, flush=True)


def default_seed_inputs() -> list[str]:
    """seeds/ in the working directory, else the copy installed with the package."""
    local = Path("seeds")
    if local.is_dir():
        return [str(local)]
    return [str(resources.files("digestbot.seeds"))]


def _open_jsonl(spec: str) -> tuple[TextIO, str]:
    """The stream and the name errors use for it (`stdin` for `-`)."""
    if spec == "-":
        return sys.stdin, "stdin"
    try:
        return open(spec, encoding="utf-8", errors="strict"), spec  # noqa: SIM115 - read to the end
    except OSError as exc:
        raise UsageError(f"{spec}: cannot open ({exc.strerror or exc})") from None


def _settings():
    from .settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(f"DIGESTBOT_{str(first['loc'][0]).upper()}: {message}") from None


def _with_progress(items: Iterator, what: str, jsonl: str | None = None) -> Iterator:
    """A progress bar on stderr when a person is watching it; the items unchanged otherwise.
    For a JSON lines file its lines are counted first (a quick pass over bytes) for an ETA."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit=" articles", file=sys.stderr, total=_line_count(jsonl))


def _line_count(path: str | None) -> int | None:
    if not path or path == "-":
        return None
    try:
        with open(path, "rb") as stream:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return None


def _bootstrap(args: argparse.Namespace):
    from .bootstrap import bootstrap
    from .config import ConfigError

    settings = _settings()
    try:
        return bootstrap(
            settings,
            config=args.config,
            key_points=getattr(args, "key_points", None),
            method=getattr(args, "method", None),
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def cmd_digest(args: argparse.Namespace) -> int:
    from .ingest import capped, load_sources, read_jsonl
    from .present.render import RENDERERS, render_json

    app = _bootstrap(args)
    try:
        sources = []
        if args.jsonl:
            sources.append(read_jsonl(*_open_jsonl(args.jsonl)))
        if args.inputs or not args.jsonl:
            sources.append(load_sources(args.inputs or default_seed_inputs()))
        jsonl_only = args.jsonl if not args.inputs else None
        items = capped(_chain(sources), app.settings.max_batch_articles)
        report = app.service.ingest(_with_progress(items, "ingesting", jsonl_only), on_problem=_error)
        digest = app.service.build_digest(report.articles, since=args.since)
        renderer = RENDERERS[args.format]
        if renderer is render_json:  # indented for a person at a terminal, compact for a pipe
            output = render_json(digest, pretty=sys.stdout.isatty())
        else:
            output = renderer(digest, top=args.top)
        sys.stdout.write(output)
    finally:
        app.close()
    return EXIT_INPUT if report.errors else EXIT_OK


def _chain(iterables: list) -> Iterator:
    for iterable in iterables:
        yield from iterable


def cmd_summarise(args: argparse.Namespace) -> int:
    from .text.analysis import analyse_text
    from .ingest import read_jsonl
    from .domain.models import InputError

    settings = _settings()
    n = args.key_points or settings.key_points
    method = args.method or settings.method
    failed = 0
    items = _with_progress(read_jsonl(*_open_jsonl(args.jsonl)), "summarising")
    out = sys.stdout
    for item in items:
        if isinstance(item, InputError):
            failed += 1
            _error(str(item))
            continue
        key_points = analyse_text(item.text, title=item.title, n=n, method=method).key_points
        out.write(json.dumps({"id": item.input_id, "key_points": key_points}, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_INPUT if failed else EXIT_OK


def extracted_article(raw) -> dict:
    """What `digestbot extract` shows of one ingested article: metadata and cleaned text."""
    from .text.cleaning import clean_text

    clean = clean_text(raw.text, raw.title)
    view: dict = {"id": raw.input_id} if raw.input_id else {}
    view.update(title=raw.title or clean.title, source=raw.source,
                published=raw.published.isoformat() if raw.published else None)
    if raw.url:
        view["url"] = raw.url
    view["text"] = "\n\n".join(clean.paragraphs)
    return view


def _extracted_as_text(view: dict) -> str:
    about = " | ".join(str(view[k]) for k in ("source", "published", "url") if view.get(k))
    return f"{view['title'] or '(no title)'}\n{about}\n\n{view['text']}\n"


def cmd_extract(args: argparse.Namespace) -> int:
    from .ingest import load_sources
    from .domain.models import InputError

    failed = 0
    views = []
    for item in load_sources(args.inputs):
        if isinstance(item, InputError):
            failed += 1
            _error(str(item))
            continue
        view = extracted_article(item)
        if not view["text"]:
            failed += 1
            _error(f"{item.origin}: no article text left after removing boilerplate")
            continue
        if args.format == "text":
            sys.stdout.write(("\n" if views else "") + _extracted_as_text(view))
        views.append(view)
    if args.format == "json":
        sys.stdout.write(json.dumps({"articles": views}, ensure_ascii=False, indent=2) + "\n")
    return EXIT_INPUT if failed else EXIT_OK


def _ensure_seeded(app) -> None:
    """The chat works out of the box: an empty store is filled from the seeds."""
    from .ingest import load_sources

    if app.store.count() == 0:
        app.service.ingest(load_sources(default_seed_inputs()), on_problem=_error)


def _console_context():
    """Who types in `digestbot chat`: the local user, trusted as an administrator."""
    import getpass

    from .domain.models import CommandContext

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        user = "console user"
    return CommandContext("console", "console", user, is_admin=True)


def cmd_chat(args: argparse.Namespace) -> int:
    from .chat.commands import render_reply_text

    app = _bootstrap(args)
    try:
        _ensure_seeded(app)
        context = _console_context()
        if args.text is not None:
            reply = app.service.answer(args.text, context)
            sys.stdout.write(render_reply_text(reply).rstrip() + "\n")
            return EXIT_OK if reply.ok else EXIT_USAGE  # a refused command is bad usage
        return _interactive_chat(app, render_reply_text, context)
    finally:
        app.close()


def _interactive_chat(app, render_reply_text, context=None) -> int:
    from .redaction import has_credentials

    history = _history_file()
    try:
        import readline

        if history.exists():
            readline.read_history_file(history)
    except (ImportError, OSError):
        readline = None  # type: ignore[assignment]
    print("digestbot chat: type a command such as /visit facts, /digest, /digest help, or 'quit'.")
    try:
        while True:
            try:
                line = input("> ").strip()
            except EOFError:
                print()
                break
            if line in {"quit", "exit", ":q"}:
                break
            if line and readline is not None and has_credentials(line):
                # a URL with a password in it is refused, and kept out of the history file
                length = readline.get_current_history_length()
                if length:
                    readline.remove_history_item(length - 1)
            if line:
                print(render_reply_text(app.service.answer(line, context)).rstrip())
    except KeyboardInterrupt:
        print()
    finally:
        if readline is not None:
            try:
                history.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(history)
            except OSError:
                pass
    return EXIT_OK


def _history_file() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("digestbot", appauthor=False)) / "chat_history"


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    try:
        from digestbot.adapters.slack.manifest import build_manifest, manifest_json, manifest_yaml
    except ImportError:
        raise UsageError("the Slack extra is not installed: pip install 'digestbot[slack]'") from None
    from .chat.commands import commandable_topics

    app = _bootstrap(args)
    try:
        topics, left_out = commandable_topics(app.service.topics)
        for problem in left_out:
            _error(f"slack-manifest: no slash command for {problem}")
        manifest = build_manifest(
            topics, socket_mode=args.socket_mode, request_url=args.request_url, app_name=args.name
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        app.close()
    sys.stdout.write(manifest_json(manifest) if args.format == "json" else manifest_yaml(manifest))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from .run.metrics import Metrics
    from .run.platforms import PlatformError, build_platforms
    from .run.runtime import Runtime, run_until_stopped

    app = _bootstrap(args)
    try:
        _ensure_seeded(app)
        _report_config_drift(app)
        metrics = Metrics()
        try:
            platforms = build_platforms(app, metrics)
            runtime = Runtime(app, platforms, metrics=metrics)
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


def cmd_config(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_config
    from .config_report import build_report, render_json, render_text
    from .service.seeding import Pins
    from .startup_errors import describe_startup_error
    from .storage.errors import DATABASE_ERRORS

    settings = _settings()
    if args.config is not None:
        settings = settings.model_copy(update={"config": args.config})
    try:
        config = load_config(settings.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    pins = Pins.from_config(config)
    try:
        app = _bootstrap(args)  # the store the bot uses, seeded and pinned as at a start
    except (*DATABASE_ERRORS, ImportError, OSError) as exc:  # still show what does not need the database
        problem = describe_startup_error(exc, settings)
        if problem is None:
            raise
        _error(f"{problem}; topics, feeds and subscriptions not shown")
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
        _error(str(exc))
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
        settings = _settings()
    except Exception:  # noqa: BLE001 - the settings may be what failed
        settings = None
    line = describe_startup_error(error, settings)
    if line is None:
        raise error
    _error(line)
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
