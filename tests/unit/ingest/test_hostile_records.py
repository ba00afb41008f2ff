"""Records built to break ingestion (issue 14, items 14 and 20): each costs only itself."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from digestbot.ingest import InputError, RawArticle, read_jsonl
from digestbot.ingest.dates import parse_datetime
from digestbot.ingest.html import extract_page
from digestbot.pipeline import plain_title, process_article
from digestbot.text.cleaning import clean_text

GOOD = '{"id": "ok", "text": "The harbour bridge reopened on Tuesday after repairs."}'
NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
STORY = ("The harbour bridge reopened on Tuesday after three weeks of repairs. "
         "Traffic returned to normal by the evening, the city council said.")


@pytest.mark.parametrize("line, problem", [
    ('{"id": "n", "text": "t", "views": ' + "7" * 4400 + "}", "a number with too many digits"),
    ('{"id": ' + "9" * 5000 + ', "text": "t"}', "a number with too many digits"),
    ('{"id": "d", "text": "t", "published": "0001-01-01T00:00:00+14:00"}', "date-time in range"),
    ('{"id": "d", "text": "t", "published": "9999-12-31T23:59:59-14:00"}', "date-time in range"),
])
def test_a_hostile_jsonl_record_is_named_and_the_batch_goes_on(line, problem):
    items = list(read_jsonl(io.StringIO(f"{GOOD}\n{line}\n{GOOD}\n"), "in.jsonl"))
    assert [type(i) for i in items] == [RawArticle, InputError, RawArticle]
    message = str(items[1])
    assert message.startswith("in.jsonl:2") and problem in message and "\n" not in message


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                   datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=3)))])
def test_a_date_with_no_utc_equivalent_is_unreadable(value):
    assert parse_datetime(value) is None


def test_a_web_page_meta_date_out_of_range_is_no_date():
    page = ('<html><head><title>Bridge reopens</title>'
            '<meta property="article:published_time" content="0001-01-01T00:00:00+14:00">'
            f'</head><body><article><p>{STORY}</p><p>{STORY}</p></article></body></html>')
    _text, meta = extract_page(page, "bridge.html")
    assert meta.published is None or meta.published.year > 1


@pytest.mark.parametrize("ahead, kept", [(timedelta(days=400_000), False), (timedelta(days=2), False),
                                         (timedelta(hours=20), True)])
def test_a_published_date_far_ahead_of_ingestion_is_dropped(ahead, kept):
    raw = RawArticle(text=STORY, origin="in.jsonl:1", published=NOW + ahead)
    processed = process_article(raw, now=NOW)
    if kept:
        assert processed.article.published == NOW + ahead and not processed.article.published_is_fallback
    else:
        assert processed.article.published == NOW and processed.article.published_is_fallback
        assert any("ahead" in w and w.startswith("in.jsonl:1") for w in processed.warnings)


def test_year_2999_feed_date_is_dropped_too():
    raw = RawArticle(text=STORY, origin="feed entry 1", published=datetime(2999, 1, 1, tzinfo=timezone.utc))
    assert process_article(raw, now=NOW).article.published == NOW


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_override_characters_are_removed_from_text_and_titles():
    text = f"The council met on \u202eyadsenW\u202c and agreed{BIDI} a new budget for the harbour."
    assert not set(BIDI) & set("".join(clean_text(text).paragraphs))
    assert plain_title(f"Harbour \u2067budget\u2069 agreed\u202e") == "Harbour budget agreed"
    article = process_article(RawArticle(text=f"{text} {STORY}", origin="x", title=f"\u202eBudget"),
                              now=NOW).article
    assert not set(BIDI) & set(article.title + "".join(article.sentences) + "".join(article.key_points))


def test_right_to_left_letters_themselves_are_kept():
    hebrew = "\u05e9\u05dc\u05d5\u05dd"
    line = f"The mayor greeted the visitors with {hebrew} and \u202eopened\u202c the new library on Monday."
    assert clean_text(line).paragraphs == [
        f"The mayor greeted the visitors with {hebrew} and opened the new library on Monday."]
