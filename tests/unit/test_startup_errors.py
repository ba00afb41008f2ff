"""The one mapping of start-up failures (digestbot.startup_errors): known ones are one line
naming the setting, anything else stays a bug with its traceback."""

from __future__ import annotations

import errno

import pytest

from digestbot.settings import Settings
from digestbot.startup_errors import describe_startup_error


def test_an_unknown_error_is_not_dressed_up_as_configuration():
    assert describe_startup_error(KeyError("story"), Settings()) is None
    assert describe_startup_error(OSError(errno.EPIPE, "Broken pipe"), Settings()) is None


def test_the_port_in_use_names_host_port_and_setting():
    settings = Settings(http_host="127.0.0.1", http_port=8080)
    error = OSError(errno.EADDRINUSE, "error while attempting to bind on address ('127.0.0.1', 8080): in use")
    assert describe_startup_error(error, settings) == (
        "DIGESTBOT_HTTP_PORT: 127.0.0.1:8080 is already in use; stop what listens there or choose another port")
    error = OSError(errno.EACCES, "error while attempting to bind on address ('0.0.0.0', 80): denied")
    assert describe_startup_error(error, Settings(http_port=80)).startswith("DIGESTBOT_HTTP_PORT: port 80 needs")


def test_a_bug_in_a_command_keeps_its_traceback(monkeypatch):
    from digestbot import cli

    def broken(_args):
        raise KeyError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "digest", broken)
    with pytest.raises(KeyError):
        cli.main(["digest"])
