"""Why a feed could not be fetched or read, in plain words for a chat reply: chosen by the
error's type (`digestbot.domain.models.FetchError` and its subclasses), never by searching its
message, and never naming the URL (it may hold a secret; the reply names the feed itself)."""

from __future__ import annotations

from ..domain.models import (AddressRefused, ConnectionFailed, FeedEntitiesRefused, FetchError, FetchTimedOut,
                      HostUnresolved, HttpStatusError, InputError, NotAFeed, RedirectRefused, ResponseTooLarge,
                      TlsFailed, UrlRefused)

#: The words for each failure that needs no detail.
WORDS: dict[type[FetchError], str] = {
    HostUnresolved: "the host name does not resolve (DNS failure)",
    FetchTimedOut: "timed out",
    ResponseTooLarge: "too large",
    TlsFailed: "the secure connection failed (TLS)",
    ConnectionFailed: "could not connect",
    NotAFeed: "not a feed (no RSS or Atom entries found)",
    FeedEntitiesRefused: "not a feed we read: it declares XML entities (refused)",
}
URL_REASONS = {
    "scheme": "only http and https URLs can be feeds",
    "credentials": "URLs with credentials (user:password@) are refused",
}
HTTP_MEANINGS = {
    401: "needs a login",
    403: "blocked: the server refused access",
    404: "not found",
    410: "gone",
    429: "rate limited by the server",
}


def fetch_words(error: InputError) -> str:
    """The failure in plain words, e.g. "not found (HTTP 404)" or "timed out"."""
    if isinstance(error, RedirectRefused):
        return "a redirect led somewhere refused: " + fetch_words(error.cause)
    if isinstance(error, AddressRefused):
        return f"refused: the address is not public (a {error.kind})"
    if isinstance(error, HttpStatusError):
        return f"{_http_meaning(error.status)} (HTTP {error.status})"
    if isinstance(error, UrlRefused) and error.reason in URL_REASONS:
        return URL_REASONS[error.reason]
    words = next((w for kind, w in WORDS.items() if isinstance(error, kind)), None)
    if words is not None:
        return words
    if isinstance(error, FetchError):
        return error.detail
    return "could not read it"  # another input problem: its message names the URL


def _http_meaning(status: int) -> str:
    if status in HTTP_MEANINGS:
        return HTTP_MEANINGS[status]
    return "the server had an error" if status >= 500 else "the server refused the request"
