"""Known start-up failures as one line naming the problem and the setting to fix.

`digestbot` prints the line and exits 2 (bad configuration) instead of a traceback; a
traceback is shown only with `--debug` or DIGESTBOT_LOG_LEVEL=debug. Anything not known
here is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import re
import socket

from .redaction import error_line, redact_credentials

URL_HINT = "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DATABASE"
_SQLITE_FILE_PROBLEMS = {
    "unable to open database file": "cannot open the SQLite file {path}: its folder is missing or not writable",
    "readonly database": "cannot write the SQLite file {path}: it or its folder is read-only",
    "file is not a database": "{path} is not a SQLite database",
    "disk i/o error": "cannot write the SQLite file {path} (disk I/O error)",
}


def describe_startup_error(error: BaseException, settings=None) -> str | None:
    """The one-line message for a known start-up failure, or None for anything else.
    `settings` (when they could be read) name the database URL and HTTP address."""
    database_url = getattr(settings, "database_url", None)
    for describe in (_settings_problem, _database_problem, _http_problem):
        line = describe(error, settings, database_url)
        if line is not None:
            return line
    return None


def _settings_problem(error: BaseException, _settings, _url) -> str | None:
    from pydantic_settings import SettingsError

    if not isinstance(error, SettingsError):
        return None
    field = re.search(r'field "(\w+)"', str(error))
    name = f"DIGESTBOT_{field.group(1).upper()}" if field else "a DIGESTBOT_* setting"
    return f"{name}: cannot read its value ({error_line(error.__cause__ or error)})"


def _database_problem(error: BaseException, _settings, url: str | None) -> str | None:
    from .storage.errors import driver_failure, is_unsupported_url
    from .storage.migrate import SchemaTooNewError

    shown = redact_credentials(url) if url else "the database"
    if isinstance(error, SchemaTooNewError):
        return f"DIGESTBOT_DATABASE_URL: {error}"
    if is_unsupported_url(error):
        return f"DIGESTBOT_DATABASE_URL: unsupported database URL {shown} ({error_line(error)}); {URL_HINT}"
    cause = driver_failure(error)
    if cause is not None:
        return "DIGESTBOT_DATABASE_URL: " + _dbapi_problem(error_line(cause), shown, url or "")
    if isinstance(error, OSError) and error.filename and url and url.startswith("sqlite"):
        return f"DIGESTBOT_DATABASE_URL: cannot create the folder {error.filename} ({error.strerror})"
    return None


def _dbapi_problem(cause: str, shown: str, url: str) -> str:
    lower = cause.lower()
    if "authentication failed" in lower or "password" in lower:
        return f"the database at {shown} refused the login (wrong user name or password?)"
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        found = next((text for key, text in _SQLITE_FILE_PROBLEMS.items() if key in lower), None)
        if found is not None:
            return found.format(path=path)
    if re.search(r'database "[^"]*" does not exist', lower):
        return f"{shown}: {cause}"
    return f"cannot reach the database at {shown} ({cause.removeprefix('connection failed: ')})"


def _http_problem(error: BaseException, settings, _url) -> str | None:
    host, port = getattr(settings, "http_host", "?"), getattr(settings, "http_port", "?")
    if isinstance(error, socket.gaierror):
        return f"DIGESTBOT_HTTP_HOST: cannot listen on {host!r} ({error.strerror or error})"
    if not isinstance(error, OSError) or "attempting to bind" not in str(error):
        return None
    if error.errno == errno.EADDRINUSE:
        return f"DIGESTBOT_HTTP_PORT: {host}:{port} is already in use; stop what listens there or choose another port"
    if error.errno == errno.EACCES:
        return f"DIGESTBOT_HTTP_PORT: port {port} needs privileges; choose one above 1023"
    return f"DIGESTBOT_HTTP_HOST: cannot listen on {host}:{port} ({error.strerror or error})"

