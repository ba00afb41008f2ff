"""Articles as JSON lines: good lines, bad lines named by origin:LINE, and batches that go on."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from digestbot.ingest import InputError, RawArticle, read_jsonl
from digestbot.domain.models import ArticleKind


def lines(*objs) -> io.StringIO:
    return io.StringIO("\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n")


def test_full_line():
    [a] = list(read_jsonl(lines({
        "id": "a1", "text": "Body text.\r\nSecond line.", "title": "T", "source": "Wire",
        "url": "https://example.org/a", "kind": "opinion", "published": "2026-01-05T12:00:00+08:00",
    }), "in.jsonl"))
    assert a == RawArticle(
        text="Body text.\nSecond line.", origin="in.jsonl:1", title="T", source="Wire",
        url="https://example.org/a", kind=ArticleKind.OPINION, input_id="a1",
        published=datetime(2026, 1, 5, 12, tzinfo=timezone(timedelta(hours=8))),
    )


def test_minimal_line_and_defaults():
    [a] = list(read_jsonl(lines({"id": 7, "text": "x y z"}), "-"))
    assert a.input_id == "7" and a.title is None and a.published is None and a.kind is None
    [b] = list(read_jsonl(lines({"id": "b", "text": "t", "url": "https://www.news.example/x"}),
                          "-"))
    assert b.source == "news.example"  # the domain when no source is given


@pytest.mark.parametrize("published, expected", [
    ("2026-01-05T12:00:00", datetime(2026, 1, 5, 12, tzinfo=timezone.utc)),  # naive = UTC
    ("2026-01-05T12:00:00Z", datetime(2026, 1, 5, 12, tzinfo=timezone.utc)),
    ("2026-01-05", datetime(2026, 1, 5, tzinfo=timezone.utc)),
])
def test_published_forms(published, expected):
    [a] = list(read_jsonl(lines({"id": "a", "text": "t", "published": published}), "-"))
    assert a.published == expected and a.published.tzinfo is not None


@pytest.mark.parametrize("line, problem", [
    ("{not json", "invalid JSON"),
    ('["a", "b"]', "expected a JSON object, got list"),
    ({"text": "t"}, "missing 'id'"),
    ({"id": "a"}, "missing 'text'"),
    ({"id": True, "text": "t"}, "'id' must be a string or an integer"),
    ({"id": ["a"], "text": "t"}, "'id' must be a string or an integer"),
    ({"id": "a", "text": 5}, "'text' must be a string"),
    ({"id": "a", "text": "   "}, "'text' is empty"),
    ({"id": "a", "text": "t", "title": 3}, "'title' must be a string"),
    ({"id": "a", "text": "t", "published": "last week"}, "not an ISO-8601 date-time"),
    ({"id": "a", "text": "t", "published": 1767600000}, "'published' must be an ISO-8601"),
    ({"id": "a", "text": "t", "kind": "satire"}, "'kind' must be 'news' or 'opinion'"),
    ({"id": "a", "text": "t", "url": "javascript:alert(1)"}, "'url' must be an http(s) URL"),
    ("[" * 100_000 + "]" * 100_000, "invalid JSON"),
])
def test_bad_lines_named_and_batch_goes_on(line, problem):
    items = list(read_jsonl(lines({"id": "ok1", "text": "fine"}, line,
                                  {"id": "ok2", "text": "fine"}), "feed.jsonl"))
    assert [type(i) for i in items] == [RawArticle, InputError, RawArticle]
    message = str(items[1])
    assert message.startswith("feed.jsonl:2") and problem in message
    assert "\n" not in message


def test_blank_lines_skipped_and_numbered():
    items = list(read_jsonl(io.StringIO('\n  \n{"id": "a", "text": "t"}\n\n{"id": 1}\n'), "x"))
    assert items[0].origin == "x:3"
    assert str(items[1]).startswith("x:5")


def test_overlong_line(monkeypatch):
    import digestbot.ingest.jsonl as jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_CHARS", 100)
    data = (json.dumps({"id": "big", "text": "x" * 500}) + "\n"
            + json.dumps({"id": "b", "text": "y"}))
    items = list(read_jsonl(io.StringIO(data), "x"))
    assert "longer than 100" in str(items[0])
    assert isinstance(items[1], RawArticle) and items[1].origin == "x:2"


def test_undecodable_line_costs_one_line():
    data = b'\xef\xbb\xbf{"id": "a", "text": "t"}\n\xff\xfe\xfa\n{"id": "b", "text": "caf\xc3\xa9"}\n'
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    items = list(read_jsonl(stream, "bin.jsonl"))
    assert [type(i) for i in items] == [RawArticle, InputError, RawArticle]
    assert str(items[1]) == "bin.jsonl:2: not UTF-8 text"
    assert items[2].text == "café"


def test_the_origin_is_the_whole_name_of_the_input_and_the_line():
    [a] = list(read_jsonl(lines({"id": "a1", "text": "Body text."}), "notes (id list).jsonl"))
    assert a.origin == "notes (id list).jsonl:1"
