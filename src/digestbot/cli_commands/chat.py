"""`digestbot chat`: the reply a chat user would get, for one command or at an interactive prompt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .support import EXIT_OK, EXIT_USAGE, ensure_seeded, open_app


def add_chat_command(commands) -> None:
    chat = commands.add_parser(
        "chat",
        help="answer a chat command as the bot would",
        description="Print the reply a chat user would get, against the local store "
        "(built from seeds/ when empty). With no command: an interactive prompt.",
        epilog='examples:\n  digestbot chat "/visit facts"\n  digestbot chat "/visit new"\n  digestbot chat',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("text", nargs="?", metavar="COMMAND", help='for example "/visit facts"')


def _console_context():
    """Who types in `digestbot chat`: the local user, trusted as an administrator."""
    import getpass

    from ..domain.models import CommandContext

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        user = "console user"
    return CommandContext("console", "console", user, is_admin=True)


def cmd_chat(args: argparse.Namespace) -> int:
    from ..chat.commands import render_reply_text

    app = open_app(args)
    try:
        ensure_seeded(app)
        context = _console_context()
        if args.text is not None:
            reply = app.service.answer(args.text, context)
            sys.stdout.write(render_reply_text(reply).rstrip() + "\n")
            return EXIT_OK if reply.ok else EXIT_USAGE  # a refused command is bad usage
        return _interactive_chat(app, render_reply_text, context)
    finally:
        app.close()


def _interactive_chat(app, render_reply_text, context=None) -> int:
    from ..redaction import has_credentials

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
