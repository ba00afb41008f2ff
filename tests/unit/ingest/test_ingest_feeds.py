"""Feeds from bytes: RSS, Atom, RDF, unusable entries, and hostile XML."""

from __future__ import annotations

import io
import time
import tracemalloc
from datetime import datetime, timezone

import feedparser
import pytest

from digestbot.ingest import InputError, RawArticle
from digestbot.ingest.feeds import parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Chan</title>
<link>https://example.org/</link><lastBuildDate>Sun, 04 Jan 2026 00:00:00 GMT</lastBuildDate>
<item><title>Dated</title><link>https://example.org/1</link>
<pubDate>Mon, 05 Jan 2026 10:00:00 +0900</pubDate><description>Text one.</description></item>
<item><title>Undated</title><link>https://example.org/2</link><description>Text two.</description></item>
<item><title>Title only</title><link>https://example.org/3</link></item>
<item><title>&lt;!channel&gt; ping</title><link>javascript:alert(1)</link>
<description>Body.</description><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.com/"><title>RDF chan</title><link>https://example.com/</link>
<description>d</description></channel>
<item rdf:about="https://example.com/x"><title>RDF item</title><link>https://example.com/x</link>
<description>RDF body.</description><dc:date>2026-01-05T01:02:03Z</dc:date></item>
</rdf:RDF>"""


def only(items, cls):
    return [i for i in items if isinstance(i, cls)]


def test_rss_entries_fallbacks_and_errors(caplog):
    caplog.set_level("WARNING", logger="digestbot.ingest")
    fetched = datetime(2026, 1, 6, tzinfo=timezone.utc)
    items = list(parse_feed(RSS, "feed.xml", fetched_at=fetched))
    arts = only(items, RawArticle)
    assert [a.title for a in arts] == ["Dated", "Undated", "<!channel> ping"]
    dated, undated, ping = arts
    assert dated.published == datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
    assert not dated.published_is_fallback
    assert dated.source == "Chan" and dated.origin == "feed.xml entry 1 (Dated)"
    # no entry date: the feed's own date, flagged and logged
    assert undated.published == datetime(2026, 1, 4, tzinfo=timezone.utc)
    assert undated.published_is_fallback
    assert any("entry 2" in r.getMessage() for r in caplog.records)
    assert ping.url is None  # only http(s) links survive
    [err] = only(items, InputError)
    assert str(err).startswith("feed.xml entry 3 (Title only): entry has no text")


def test_rdf_feed():
    [a] = list(parse_feed(RDF, "rdf.xml"))
    assert a.title == "RDF item" and a.text == "RDF body." and a.source == "RDF chan"
    assert a.published == datetime(2026, 1, 5, 1, 2, 3, tzinfo=timezone.utc)


def test_not_a_feed():
    [e] = list(parse_feed(b"<html><body>hi</body></html>", "page"))
    assert isinstance(e, InputError) and e.args[0].startswith("page: not a usable feed")


def test_only_bytes_are_accepted():
    with pytest.raises(TypeError):
        list(parse_feed("/etc/passwd", "x"))  # type: ignore[arg-type]


def test_bytes_that_look_like_a_path_are_not_opened(monkeypatch):
    """feedparser calls open() on bytes; parse_feed must hand it a stream instead."""
    import builtins

    opened: list[object] = []
    real_open = builtins.open

    def spy(file, *a, **k):
        opened.append(file)
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", spy)
    items = list(parse_feed(b"/etc/passwd", "evil"))
    assert b"/etc/passwd" not in opened and "/etc/passwd" not in opened
    assert all(isinstance(i, InputError) for i in items)
    assert "root:" not in " ".join(str(i) for i in items)


# --- hostile XML ------------------------------------------------------------------------------

def _laughs(levels: int = 9) -> bytes:
    ents = ['<!ENTITY l0 "lollollollollollollollollollol">']
    for i in range(1, levels + 1):
        ents.append(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">')
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(ents)}]>'
            f'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
            f'<description>&l{levels};</description></item></channel></rss>').encode()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>t &xxe;</title>
<description>leak: &xxe;</description></item></channel></rss>"""

QUADRATIC = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"A" * 10_000 + b'">]>'
             b'<rss version="2.0"><channel><item><title>q</title><description>'
             + b"&a;" * 10_000 + b"</description></item></channel></rss>")

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "file:///etc/passwd">
<rss version="2.0"><channel><item><title>t</title><description>body</description></item>
</channel></rss>"""

PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss version="2.0"><channel><item><title>t</title><description>body</description></item>
</channel></rss>"""

BOMBS = {"billion_laughs": _laughs(), "xxe": XXE, "quadratic": QUADRATIC,
         "external_dtd": EXTERNAL_DTD, "parameter_entity": PARAMETER}


def _bounded(fn):
    tracemalloc.start()
    start = time.monotonic()
    try:
        result = fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, time.monotonic() - start, peak


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_hostile_xml_is_refused_fast_and_leaks_nothing(name):
    items, seconds, peak = _bounded(lambda: list(parse_feed(BOMBS[name], f"{name}.xml")))
    assert seconds < 2 and peak < 50_000_000
    shown = " ".join(str(i) for i in items) + " ".join(
        f"{a.title} {a.text}" for a in items if isinstance(a, RawArticle))
    assert "root:" not in shown and "/bin/" not in shown
    if name not in ("external_dtd",):  # an external DTD alone declares no entity
        assert [str(i) for i in items] == [f"{name}.xml: feed declares XML entities in a "
                                           "DOCTYPE (refused)"]


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_feedparser_itself_stays_safe_on_hostile_xml(name):
    """The layer below our guard: if the DOCTYPE check were removed, feedparser (expat)
    still finishes fast, in bounded memory, and expands no external entity."""
    parsed, seconds, peak = _bounded(lambda: feedparser.parse(io.BytesIO(BOMBS[name])))
    assert seconds < 5 and peak < 100_000_000  # generous: tracemalloc slows parsing
    dumped = repr(parsed)
    assert "root:x:" not in dumped and "/bin/bash" not in dumped
    assert "lollollollollollollollollollollollollollollol" * 1000 not in dumped
