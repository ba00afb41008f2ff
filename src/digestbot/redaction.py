"""Credentials in URLs (`https://user:password@host/...`): found and masked in one place.

Every surface that shows a URL someone else wrote (chat replies, channel notices, logs,
`config show`) passes it through `redact_credentials`. Pure: no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# The user information of a URL: everything between "scheme://" and the last "@" before the
# path. A password may itself hold an "@", so the match runs to the last one.
URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/?#\s\"'<>]*@", re.IGNORECASE)
MASK = "***"


def has_credentials(text: str) -> bool:
    """Whether a URL in `text` (or `text` as a URL, "//user@host" too) carries a user name or
    password."""
    if URL_CREDENTIALS.search(text) is not None:
        return True
    try:
        parts = urlsplit(text.strip())
    except ValueError:  # a malformed authority: call it suspect rather than echo it
        return "@" in text
    return parts.username is not None or "@" in parts.netloc


def error_line(error: BaseException, limit: int = 300) -> str:
    """An error's first line, credentials masked, for one-line reports (its type when empty):
    a database error's text can carry the URL it failed on."""
    lines = str(error).strip().splitlines()
    return redact_credentials(lines[0])[:limit] if lines else type(error).__name__


def redact_credentials(text: str) -> str:
    """`text` with the user information of every URL in it masked whole (a user name alone
    may be a token): `https://***@example.org/rss`."""
    return URL_CREDENTIALS.sub(lambda match: f"{match.group('scheme')}{MASK}@", text)
