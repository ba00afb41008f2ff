"""Fetch and feed failures in plain words: chosen by the error's type, never by its message."""

from __future__ import annotations

import pytest

from digestbot.ingest.fetch import SafeFetcher, check_url
from digestbot.domain.models import (AddressRefused, ConnectionFailed, FeedEntitiesRefused, FetchError, FetchTimedOut,
                              HostUnresolved, HttpStatusError, InputError, NotAFeed, RedirectRefused,
                              ResponseTooLarge, TlsFailed, UrlRefused)
from digestbot.service.fetch_words import fetch_words

WHERE = "https://news.example/feed.xml"


@pytest.mark.parametrize(("error", "words"), [
    (HttpStatusError(WHERE, "HTTP 403", 403), "blocked: the server refused access (HTTP 403)"),
    (HttpStatusError(WHERE, "HTTP 503", 503), "the server had an error (HTTP 503)"),
    (HttpStatusError(WHERE, "unexpected HTTP status 302", 302), "the server refused the request (HTTP 302)"),
    (AddressRefused(WHERE, "refused, news.example resolves to a loopback address (127.0.0.1)", "loopback address"),
     "refused: the address is not public (a loopback address)"),
    (HostUnresolved(WHERE, "cannot resolve host news.example (no such name)"),
     "the host name does not resolve (DNS failure)"),
    (ResponseTooLarge(WHERE, "body larger than 5000000 bytes"), "too large"),
    (NotAFeed(WHERE, "not a usable feed, no entries"), "not a feed (no RSS or Atom entries found)"),
    (FeedEntitiesRefused(WHERE, "feed declares XML entities in a DOCTYPE (refused)"),
     "not a feed we read: it declares XML entities (refused)"),
    (FetchTimedOut(WHERE, "fetch took longer than 20 s (deadline)"), "timed out"),
    (TlsFailed(WHERE, "TLS failed (certificate has expired)"), "the secure connection failed (TLS)"),
    (ConnectionFailed(WHERE, "cannot fetch (connection refused)"), "could not connect"),
    (UrlRefused(WHERE, "URLs with credentials are refused", "credentials"),
     "URLs with credentials (user:password@) are refused"),
    (UrlRefused("gopher://news.example/", "only http and https URLs are fetched (scheme 'gopher')", "scheme"),
     "only http and https URLs can be feeds"),
    (RedirectRefused(WHERE, AddressRefused("http://10.0.0.9/", "refused, 10.0.0.9 resolves to a private "
                                           "address (10.0.0.9)", "private address")),
     "a redirect led somewhere refused: refused: the address is not public (a private address)"),
    (FetchError(WHERE, "more than 5 redirects"), "more than 5 redirects"),
    (InputError(f"{WHERE}: something else"), "could not read it"),
])
def test_each_failure_has_its_words(error, words):
    assert fetch_words(error) == words


def test_words_come_from_the_type_not_from_the_message():
    """A message that reads like another failure does not change the words."""
    assert fetch_words(FetchTimedOut(WHERE, "HTTP 404 while resolving")) == "timed out"
    assert fetch_words(InputError(f"{WHERE}: HTTP 404")) == "could not read it"


def test_the_message_still_names_the_url_and_the_problem():
    error = HttpStatusError(WHERE, "HTTP 404", 404)
    assert str(error) == f"{WHERE}: HTTP 404" and isinstance(error, InputError)


@pytest.mark.parametrize(("url", "kind", "reason"), [
    ("ftp://news.example/feed.xml", UrlRefused, "scheme"),
    ("https://reader:hunter2@news.example/feed.xml", UrlRefused, "credentials"),
    ("https://news.example:99999/feed.xml", UrlRefused, "form"),
])
def test_the_fetcher_refuses_urls_with_typed_errors(url, kind, reason):
    with pytest.raises(kind) as raised:
        check_url(url)
    assert raised.value.reason == reason


def test_the_fetcher_refuses_a_loopback_address_with_its_kind():
    with pytest.raises(AddressRefused) as raised:
        SafeFetcher().fetch("http://127.0.0.1:9/feed.xml")
    assert "loopback" in raised.value.kind
