"""SafeFetcher and load_sources against a real HTTP server on 127.0.0.1.

127.0.0.1 is reachable only through the explicit allow-list (or a fake public name mapped to it
by an injected resolver); nothing here touches any other address.
"""

from __future__ import annotations

import gzip
import time
import zlib

import pytest

from digestbot.ingest import InputError, RawArticle, SafeFetcher, load_sources
from digestbot.ingest.fetch import _PinnedHTTPConnection

LOOP = frozenset({"127.0.0.1"})

PARAS = [
    "Seoul and Beijing agreed on Monday to resume high-level economic dialogue after a "
    "three-year pause, officials from both governments said after the talks ended.",
    "The two leaders met for more than ninety minutes in the Great Hall of the People and "
    "discussed trade, supply chains and security on the Korean peninsula.",
    "Analysts said the visit marked a turning point in relations that had cooled after a "
    "dispute over a missile defence system deployed in the south of the country.",
    "Both sides signed fourteen memorandums of understanding covering trade, technology, "
    "the environment and cultural exchanges, according to the presidential office.",
]

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Leaders agree to resume dialogue | Example News</title>
<meta property="og:title" content="Leaders agree to resume dialogue">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2026-01-05T09:30:00+08:00">
<meta name="author" content="Jane Reporter">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Leaders agree to resume dialogue</h1>
{''.join(f'<p>{p}</p>' for p in PARAS)}
</article>
<footer>Copyright Example News. All rights reserved.</footer>
</body></html>""".encode()

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Example World</title><link>https://example.org/</link><description>World news</description>
<item><title>First story</title><link>https://example.org/a</link>
<pubDate>Mon, 05 Jan 2026 10:00:00 +0800</pubDate><author>a@example.org (Ann)</author>
<description>&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;</description></item>
<item><title>Second story</title><link>javascript:alert(1)</link>
<pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate>
<description>Only a summary here.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom World</title><id>urn:x</id><updated>2026-01-05T00:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:1</id><link href="https://example.net/e1"/>
<updated>2026-01-05T08:00:00Z</updated><author><name>Bo</name></author>
<content type="html">&lt;p&gt;Atom body text.&lt;/p&gt;</content></entry>
</feed>"""


def only(items, cls):
    return [i for i in items if isinstance(i, cls)]


# --- pages and feeds -------------------------------------------------------------------------

def test_article_page_extracted(http_server):
    http_server.serve("/story", ARTICLE_HTML)
    items = list(load_sources([http_server.url("/story")], SafeFetcher(allow_hosts=LOOP)))
    [article] = only(items, RawArticle)
    assert not only(items, InputError)
    assert "Great Hall of the People" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text
    assert "\n" in article.text  # paragraph breaks kept
    assert article.title == "Leaders agree to resume dialogue"
    assert article.source == "Example News"
    assert article.author == "Jane Reporter"
    assert article.published.isoformat() == "2026-01-05T09:30:00+08:00"
    assert article.published_is_fallback is False
    assert article.url == http_server.url("/story")
    # what we asked for: only gzip/deflate
    _, headers = http_server.requests[-1]
    assert headers["accept-encoding"] == "gzip, deflate"


def test_page_without_date_falls_back_to_fetch_time(http_server, caplog):
    page = ARTICLE_HTML.replace(b'<meta property="article:published_time" '
                                b'content="2026-01-05T09:30:00+08:00">', b"")
    http_server.serve("/nodate", page)
    caplog.set_level("WARNING", logger="digestbot.ingest")
    [article] = list(load_sources([http_server.url("/nodate")], SafeFetcher(allow_hosts=LOOP)))
    assert article.published_is_fallback
    assert article.published.tzinfo is not None
    assert any("/nodate" in r.getMessage() for r in caplog.records)


def test_gzip_page_decoded(http_server):
    http_server.serve("/gz", gzip.compress(ARTICLE_HTML), headers={"Content-Encoding": "gzip"})
    result = SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/gz"))
    assert result.body == ARTICLE_HTML


@pytest.mark.parametrize("wrap", [zlib.compress, lambda b: zlib.compress(b)[2:-4]],
                         ids=["zlib", "raw"])
def test_deflate_page_decoded(http_server, wrap):
    http_server.serve("/df", wrap(ARTICLE_HTML), headers={"Content-Encoding": "deflate"})
    assert SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/df")).body == ARTICLE_HTML


def test_rss_feed_by_content(http_server):
    http_server.serve("/rss", RSS, content_type="text/plain")  # a wrong Content-Type
    items = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP)))
    arts = only(items, RawArticle)
    assert [a.title for a in arts] == ["First story", "Second story"]
    first, second = arts
    assert first.text == "First paragraph.\nSecond paragraph."
    assert first.url == "https://example.org/a"
    assert first.source == "Example World"
    assert first.published.isoformat() == "2026-01-05T02:00:00+00:00"
    assert second.url is None  # javascript: link dropped
    assert second.text == "Only a summary here."
    # entry pages were not fetched by default
    assert [p for p, _ in http_server.requests] == ["/rss"]


def test_atom_feed(http_server):
    http_server.serve("/atom", ATOM, content_type="application/atom+xml")
    [entry] = list(load_sources([http_server.url("/atom")], SafeFetcher(allow_hosts=LOOP)))
    assert entry.title == "Atom entry" and entry.text == "Atom body text."
    assert entry.author == "Bo" and entry.url == "https://example.net/e1"


def test_fetch_entries_fetches_pages(http_server):
    feed = RSS.replace(b"https://example.org/a", http_server.url("/story").encode())
    http_server.serve("/rss", feed, content_type="application/rss+xml")
    http_server.serve("/story", ARTICLE_HTML)
    items = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP),
                              fetch_entries=True))
    first = only(items, RawArticle)[0]
    assert "Great Hall of the People" in first.text
    assert first.title == "First story"  # the feed's fields win over the page's


def test_http_error_is_an_input_error_and_batch_goes_on(http_server):
    http_server.serve("/story", ARTICLE_HTML)
    items = list(load_sources([http_server.url("/missing"), http_server.url("/story")],
                              SafeFetcher(allow_hosts=LOOP)))
    assert isinstance(items[0], InputError) and "HTTP 404" in str(items[0])
    assert isinstance(items[1], RawArticle)


# --- redirects and SSRF ----------------------------------------------------------------------

def test_redirect_to_loopback_refused(http_server):
    # news.test is a "public" name the injected resolver maps to our server; only it is allowed.
    http_server.serve("/secret", b"internal admin page")
    http_server.redirect("/go", http_server.url("/secret"))
    fetcher = SafeFetcher(allow_hosts=frozenset({"news.test"}),
                          resolver=lambda host, port: ["127.0.0.1"])
    with pytest.raises(InputError) as err:
        fetcher.fetch(http_server.url("/go", host="news.test"))
    assert "redirect refused" in str(err.value) and "loopback" in str(err.value)
    assert [p for p, _ in http_server.requests] == ["/go"]  # /secret never requested


def test_redirect_followed_within_allow_list(http_server):
    http_server.serve("/story", ARTICLE_HTML)
    http_server.redirect("/old", "/story", status=301)
    result = SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/old"))
    assert result.final_url == http_server.url("/story") and result.status == 200


def test_redirect_to_file_scheme_refused(http_server):
    http_server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(InputError, match="redirect refused.*scheme"):
        SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/go"))


def test_too_many_redirects(http_server):
    http_server.redirect("/loop", "/loop")
    with pytest.raises(InputError, match="more than 2 redirects"):
        SafeFetcher(allow_hosts=LOOP, max_redirects=2).fetch(http_server.url("/loop"))


def test_loopback_refused_without_allow_list(http_server):
    http_server.serve("/story", ARTICLE_HTML)
    with pytest.raises(InputError, match="loopback"):
        SafeFetcher().fetch(http_server.url("/story"))
    assert http_server.requests == []


def test_dns_rebinding_connects_to_the_checked_address(http_server, monkeypatch):
    """The resolver answers public first, loopback after: the connection must go to the
    address that was checked, and the resolver is asked once per hop."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    calls: list[str] = []

    def resolver(host, port):
        calls.append(host)
        return next(answers)

    connected: list[str] = []

    def fake_connect(self):
        connected.append(self._ip)
        raise ConnectionRefusedError("test: no network")  # never leave the machine

    monkeypatch.setattr(_PinnedHTTPConnection, "connect", fake_connect)
    with pytest.raises(InputError, match="cannot fetch"):
        SafeFetcher(resolver=resolver).fetch("http://rebind.test/")
    assert calls == ["rebind.test"]
    assert connected == ["93.184.216.34"]


# --- size and time ---------------------------------------------------------------------------

def test_oversized_content_length_refused(http_server):
    @http_server.route("/big")
    def big(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(10**9))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"<html>" * 10)

    start = time.monotonic()
    with pytest.raises(InputError, match="over the 1000000-byte cap"):
        SafeFetcher(allow_hosts=LOOP, max_bytes=1_000_000).fetch(http_server.url("/big"))
    assert time.monotonic() - start < 2


def test_stream_without_length_cut_at_cap(http_server):
    @http_server.route("/endless")
    def endless(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        for _ in range(1000):
            h.wfile.write(b"x" * 65536)

    with pytest.raises(InputError, match="larger than 100000 bytes"):
        SafeFetcher(allow_hosts=LOOP, max_bytes=100_000).fetch(http_server.url("/endless"))


def test_gzip_bomb_refused(http_server):
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB compressed
    assert len(bomb) < 100_000
    http_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    start = time.monotonic()
    with pytest.raises(InputError, match="after decompression"):
        SafeFetcher(allow_hosts=LOOP, max_bytes=1_000_000).fetch(http_server.url("/bomb"))
    assert time.monotonic() - start < 2


def test_unsupported_encoding_refused(http_server):
    http_server.serve("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})
    with pytest.raises(InputError, match="unsupported Content-Encoding 'br'"):
        SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/br"))


def test_dribbling_body_cut_at_deadline(http_server):
    @http_server.route("/slow")
    def slow(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        for _ in range(40):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    start = time.monotonic()
    with pytest.raises(InputError, match="deadline"):
        SafeFetcher(allow_hosts=LOOP, deadline=1.0).fetch(http_server.url("/slow"))
    assert time.monotonic() - start < 2.5


def test_dribbling_headers_cut_at_deadline(http_server):
    @http_server.route("/slowhead")
    def slowhead(h):
        for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 100:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.05)

    start = time.monotonic()
    with pytest.raises(InputError, match="deadline"):
        SafeFetcher(allow_hosts=LOOP, deadline=1.0).fetch(http_server.url("/slowhead"))
    assert time.monotonic() - start < 2.5


def test_silent_server_cut_at_deadline(http_server):
    @http_server.route("/silent")
    def silent(h):
        time.sleep(3)

    start = time.monotonic()
    with pytest.raises(InputError, match="deadline"):
        SafeFetcher(allow_hosts=LOOP, deadline=1.0).fetch(http_server.url("/silent"))
    assert time.monotonic() - start < 2.5


def test_chunked_gzip_body(http_server):
    payload = gzip.compress(ARTICLE_HTML)

    @http_server.route("/chunked")
    def chunked(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        for i in range(0, len(payload), 500):
            part = payload[i:i + 500]
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    assert SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/chunked")).body == ARTICLE_HTML


def test_conflicting_charset_header_and_utf8_body(http_server):
    page = ARTICLE_HTML.replace(b"Great Hall",
                                "Grande Salle \u00e9l\u00e9gante Great Hall".encode())
    http_server.serve("/cs", page, content_type="text/html; charset=iso-8859-1")
    [article] = list(load_sources([http_server.url("/cs")], SafeFetcher(allow_hosts=LOOP)))
    assert "Grande Salle \u00e9l\u00e9gante" in article.text


def test_non_ascii_path_is_quoted(http_server):
    http_server.serve("/caf%C3%A9", ARTICLE_HTML)
    result = SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/caf\u00e9"))
    assert result.status == 200


def test_default_fetcher_refuses_loopback(http_server):
    http_server.serve("/story", ARTICLE_HTML)
    [err] = list(load_sources([http_server.url("/story")]))
    assert isinstance(err, InputError) and "loopback" in str(err)
    assert http_server.requests == []


def test_corrupt_gzip_refused(http_server):
    http_server.serve("/bad", b"\x1f\x8b\x08\x00garbage-not-gzip",
                      headers={"Content-Encoding": "gzip"})
    with pytest.raises(InputError, match="corrupt gzip body"):
        SafeFetcher(allow_hosts=LOOP).fetch(http_server.url("/bad"))


def test_unsupported_content_type(http_server):
    http_server.serve("/img", b"\x89PNG\r\n", content_type="image/png")
    [err] = list(load_sources([http_server.url("/img")], SafeFetcher(allow_hosts=LOOP)))
    assert str(err) == f"{http_server.url('/img')}: unsupported content type 'image/png'"


def test_fetch_entries_keeps_summary_when_page_fails(http_server, caplog):
    feed = RSS.replace(b"https://example.org/a", http_server.url("/gone").encode())
    http_server.serve("/rss", feed, content_type="application/rss+xml")
    caplog.set_level("WARNING", logger="digestbot.ingest")
    items = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP),
                              fetch_entries=True))
    first = only(items, RawArticle)[0]
    assert first.text == "First paragraph.\nSecond paragraph."
    assert not only(items, InputError)
    assert any("HTTP 404" in r.getMessage() for r in caplog.records)
