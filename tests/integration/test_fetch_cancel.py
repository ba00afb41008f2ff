"""`SafeFetcher.cancel()` (shutdown) stops a fetch reading a slow server at once, and the
next fetch is refused before any request; a cancelled fetch is not the feed's fault."""

import threading
import time

import pytest

from digestbot.ingest import InputError, SafeFetcher
from digestbot.ingest.fetch import FetchCancelled

LOOP = frozenset({"127.0.0.1"})


def dribble(h) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    try:
        for _ in range(200):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def test_cancel_stops_a_fetch_under_way_at_once(http_server):
    http_server.route("/slow")(dribble)
    fetcher = SafeFetcher(allow_hosts=LOOP, deadline=20.0)
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            fetcher.fetch(http_server.url("/slow"))
        except BaseException as error:  # noqa: BLE001 - the test looks at what came out
            outcome.append(error)

    worker = threading.Thread(target=fetch)
    worker.start()
    deadline = time.monotonic() + 10
    while not http_server.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # reading the dribble
    cancelled_at = time.monotonic()
    fetcher.cancel()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - cancelled_at < 1.0
    [error] = outcome
    assert isinstance(error, FetchCancelled) and not isinstance(error, InputError)


def test_a_cancelled_fetcher_sends_no_more_requests(http_server):
    http_server.route("/slow")(dribble)
    fetcher = SafeFetcher(allow_hosts=LOOP)
    fetcher.cancel()
    with pytest.raises(FetchCancelled):
        fetcher.fetch(http_server.url("/slow"))
    assert http_server.requests == []


def test_cancel_stops_a_fetch_waiting_for_a_slow_resolver():
    resolving = threading.Event()

    def stuck_resolver(host: str, port: int) -> list[str]:
        resolving.set()
        time.sleep(30)  # getaddrinfo has no timeout of its own
        return ["93.184.216.34"]

    fetcher = SafeFetcher(resolver=stuck_resolver, deadline=20.0)
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            fetcher.fetch("http://slow-dns.example/feed.xml")
        except BaseException as error:  # noqa: BLE001 - the test looks at what came out
            outcome.append(error)

    worker = threading.Thread(target=fetch)
    worker.start()
    assert resolving.wait(5)
    cancelled_at = time.monotonic()
    fetcher.cancel()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - cancelled_at < 1.0
    assert isinstance(outcome[0], FetchCancelled)
