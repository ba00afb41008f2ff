"""Logging: one line per event, JSON when stderr is not a terminal, secrets never written.

Every record passes through `redact`, whatever logger emitted it (ours or a library's), so a
token, signing secret, response_url or webhook URL never reaches a log line at any level.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone

from ..redaction import redact_credentials

_SECRET_PATTERNS = [
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),  # Slack bot/user/app tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"https://hooks\.slack\.com/\S+"),  # response_url and incoming webhooks
    re.compile(r"https?://[^\s\"']*/api/(?:v\d+/)?webhooks/\d+/[\w-]+"),  # Discord webhooks
    re.compile(r"https?://[^\s\"']*/commands/[^\s\"']+"),  # response_url on proxies and fakes
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),  # Discord bot tokens
    re.compile(r"(?i)(?:token|secret|authorization|signature)([\"']?\s*[:=]\s*[\"']?)([^\s\"',}]+)"),
]

# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    text = redact_credentials(text)  # user:password@ in any URL, a feed's included
    for pattern in _SECRET_PATTERNS:
        if pattern.groups == 2:
            text = pattern.sub(lambda m: m.group(0)[: m.start(2) - m.start(0)] + "[redacted]", text)
        else:
            text = pattern.sub("[redacted]", text)
    return text


def _extras(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in _extras(record).items():
            entry[key] = value if isinstance(value, (int, float, bool, type(None))) else redact(str(value))
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"digestbot: {record.getMessage()}"
        extras = _extras(record)
        if extras:
            line += " (" + ", ".join(f"{k}={v}" for k, v in extras.items()) + ")"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


# Libraries that narrate routine work at INFO (Alembic: 19 of 25 lines of a start): their
# warnings still show; their chatter only at debug.
QUIET_BELOW_WARNING = ("alembic",)


def configure_logging(verbose: bool = False, as_json: bool | None = None, level: str | None = None) -> None:
    """Log to stderr: JSON lines when it is not a terminal (or as asked), readable text otherwise.
    `level` (DIGESTBOT_LOG_LEVEL: debug, info, warning, error) wins over `verbose`."""
    if as_json is None:
        as_json = not sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO) if level else
                  logging.INFO if verbose else logging.WARNING)
    for name in QUIET_BELOW_WARNING:
        logging.getLogger(name).setLevel(logging.NOTSET if level == "debug" else logging.WARNING)
    logging.captureWarnings(True)  # Python warnings as log records, not plain text in the stream
