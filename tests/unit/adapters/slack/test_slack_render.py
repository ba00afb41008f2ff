"""Block Kit rendering: safety (escaping, links) and limits, by example and by property."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digestbot.adapters.slack import limits
from digestbot.adapters.slack.limits import slack_len
from digestbot.adapters.slack.render import (
    SlackMessage,
    escape,
    fit,
    link,
    render_digest,
    render_reply,
    safe_url,
)
from digestbot.domain.models import Article, ArticleKind, Digest, NewItem, Reply, ReplySection, Story
from digestbot.present.view import TOP_STORIES
from digestbot.stories.clustering import source_ref

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
INJECTIONS = ["<!channel>", "<!here>", "<@U123>", "<!subteam^S42>", "<http://evil.example|ok>", "<#C99>"]

# Our own constructs: date tokens and http(s) links. Anything else in angle brackets is a leak.
OURS = re.compile(
    r"<!date\^-?\d+\^\{date_short_pretty\} \{time\}\|[^<>|]*>"
    r"|<https?://[^\s<>|]+\|[^<>|]*>"
)


# --- builders ------------------------------------------------------------------------------


def article(key="a1", title="Title", *, source="Outlet", points=("A point.",), kind=ArticleKind.NEWS,
            url=None, published=T0) -> Article:
    return Article(key=key, title=title, source=source, published=published, kind=kind, sentences=list(points),
                   key_points=list(points), content_hash=key, url=url)


def story(articles, title="A story", new=(), key="s1") -> Story:
    refs = [source_ref(a) for a in articles]
    return Story(key=key, title=title, articles=list(articles), whats_new=[NewItem(t, refs[:2]) for t in new])


def digest(*stories, since=None) -> Digest:
    return Digest(stories=list(stories), generated_at=T0, since=since)


# --- checks --------------------------------------------------------------------------------


def texts(message: SlackMessage) -> list[str]:
    out = [message.text]
    for block in message.blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", ())]
    return out


def assert_within_limits(message: SlackMessage) -> None:
    json.dumps(message.blocks, ensure_ascii=True)  # serialisable
    assert 1 <= len(message.blocks) <= limits.BLOCKS_PER_MESSAGE
    assert 1 <= slack_len(message.text) <= limits.FALLBACK_TEXT <= limits.FALLBACK_TEXT_MAX
    for block in message.blocks:
        kind = block["type"]
        if kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert 1 <= slack_len(block["text"]["text"]) <= limits.HEADER_TEXT
        elif kind == "section":
            assert block["text"]["type"] == "mrkdwn" and block["text"]["verbatim"] is True
            assert 1 <= slack_len(block["text"]["text"]) <= limits.SECTION_TEXT
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= limits.CONTEXT_ELEMENTS
            for element in block["elements"]:
                assert 1 <= slack_len(element["text"]) <= limits.CONTEXT_TEXT
        else:
            assert kind == "divider"


def assert_no_markup_leak(message: SlackMessage) -> None:
    for text in texts(message):
        rest = OURS.sub("", text)
        assert "<" not in rest and ">" not in rest, text


def assert_digest_ok(messages: list[SlackMessage]) -> None:
    assert messages and not messages[0].in_thread
    assert all(m.in_thread for m in messages[1:])
    for message in messages:
        assert_within_limits(message)
        assert_no_markup_leak(message)


# --- examples ------------------------------------------------------------------------------


def test_escape_and_fit_never_cut_an_entity():
    assert escape("a & <b> c") == "a &amp; &lt;b&gt; c"
    cut = fit("<" * 100, 20)
    assert slack_len(cut) <= 20 and cut.endswith("…") and cut.replace("&lt;", "") == "…"


def test_only_http_links_become_links():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://x.example/") is None
    assert safe_url("https://") is None
    assert safe_url("https://x.example/a b|c>d&e") == "https://x.example/a%20b%7Cc%3Ed&amp;e"
    assert link("javascript:alert(1)", "<!channel>", 100) == "&lt;!channel&gt;"
    assert link("https://x.example/", "a|b <c>", 100) == "<https://x.example/|a¦b &lt;c&gt;>"
    assert link("https://x.example/" + "a" * 2000, "long", 100) == "long"


def test_digest_layout_labels_opinion_and_escapes_everything():
    evil = " ".join(INJECTIONS)
    news = article("n1", f"News {evil}", points=(f"Fact {evil}",), url="https://n.example/1", source=f"Out {evil}")
    op = article("o1", "View", points=("Opinion point.",), kind=ArticleKind.OPINION, published=T0 - timedelta(hours=1))
    messages = render_digest(digest(story([op, news], title=f"Story {evil}", new=[f"New {evil}"])))
    assert len(messages) == 1
    message = messages[0]
    assert_digest_ok(messages)
    raw = json.dumps(message.blocks)
    for token in INJECTIONS:
        assert token not in raw and token not in message.text
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert sections[0].startswith("*1. <https://n.example/1|Story &lt;!channel&gt;")  # linked to the news report
    assert sections[1].startswith("*New &lt;!channel&gt;")  # what happened leads, then the bullets
    assert "• Opinion point. _(opinion)_" in sections[1]  # "Fact ..." restates the new item: said once
    [sources] = [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]][1:]
    assert sources.startswith("Sources: Out &lt;!channel&gt;") and "(opinion) (1)" in sources


def test_empty_digest_and_empty_story():
    [message] = render_digest(digest())
    assert_within_limits(message)
    assert "No stories yet" in json.dumps(message.blocks)
    messages = render_digest(digest(story([], title="")))
    assert_digest_ok(messages)
    assert "Untitled story" in json.dumps(messages[0].blocks)


def test_naive_times_and_since_are_rendered():
    a = article(published=datetime(2026, 1, 2, 3, 4))
    [message] = render_digest(digest(story([a]), since=datetime(2026, 1, 1)))
    assert "<!date^1767225600^" in json.dumps(message.blocks)  # the naive since, read as UTC
    assert "new since" in message.blocks[1]["elements"][0]["text"]


def test_many_stories_split_into_a_thread_and_the_rest_are_counted():
    stories = [story([article(f"a{i}-{j}", "t" * 300, points=("p" * 1000,) * 3) for j in range(20)],
                     title=f"S{i}", new=["n" * 800] * 8, key=f"s{i}") for i in range(30)]
    messages = render_digest(digest(*stories), top=10)
    assert len(messages) > 1
    assert_digest_ok(messages)
    assert messages[1].blocks[0]["elements"][0]["text"].endswith(f"(continued, 2/{len(messages)})")
    everything = json.dumps([m.blocks for m in messages], ensure_ascii=False)
    assert "… and 20 more stories not shown" in everything
    assert "Sources: Outlet (20)" in everything  # outlets with counts, not one line per article
    assert "*10. S9*" in everything and "*11. S10*" not in everything


def test_a_digest_shows_the_editorial_number_of_stories():
    stories = [story([article(f"a{i}")], title=f"S{i}", key=f"s{i}") for i in range(TOP_STORIES + 3)]
    everything = json.dumps([m.blocks for m in render_digest(digest(*stories))], ensure_ascii=False)
    assert f"*{TOP_STORIES}. S{TOP_STORIES - 1}*" in everything and f"*{TOP_STORIES + 1}. " not in everything
    assert "… and 3 more stories not shown" in everything


def test_reply_rendering():
    reply = Reply(
        title="Facts <!here>", sections=[ReplySection("Who", ["Lee & Xi", "<@U1>"]), ReplySection(None, ["x"])]
    )
    message = render_reply(reply)
    assert_within_limits(message)
    assert_no_markup_leak(message)
    assert [b["text"]["text"] for b in message.blocks] == [
        "*Facts &lt;!here&gt;*", "*Who*\n• Lee &amp; Xi\n• &lt;@U1&gt;", "• x"
    ]
    assert render_reply(Reply(title="No such topic", ok=False)).blocks[0]["text"]["text"].startswith(":warning:")


def test_huge_reply_is_cut_saying_so():
    reply = Reply(title="t", sections=[ReplySection(f"h{i}", ["x" * 1400] * 10) for i in range(20)])
    message = render_reply(reply)
    assert_within_limits(message)
    assert message.blocks[-1]["type"] == "context" and "not shown" in message.blocks[-1]["elements"][0]["text"]


# --- properties ----------------------------------------------------------------------------

chars = st.characters(blacklist_categories=("Cs",))
nasty = st.sampled_from(INJECTIONS + ["&", "&amp;", "|", "*", "_", "`", "\n", "😀", "𝔘", "é", "\u200b", ""])
small_text = st.one_of(st.text(chars, max_size=40), nasty, st.lists(nasty, max_size=8).map("".join))
huge_text = st.builds(lambda piece, n: piece * n, st.one_of(small_text, nasty), st.integers(0, 400))
any_text = st.one_of(small_text, small_text, huge_text)
moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))]),
)
urls = st.one_of(
    st.none(),
    st.sampled_from(["https://ex.org/a", "javascript:alert(1)", "http://x.example/|<>&", "ftp://x", "https://", ""]),
    small_text.map(lambda s: "https://ex.org/" + s),
    huge_text.map(lambda s: "http://ex.org/?q=" + s),
)


@st.composite
def articles(draw, key: str) -> Article:
    return Article(
        key=key, title=draw(any_text), source=draw(small_text), published=draw(moments),
        kind=draw(st.sampled_from(list(ArticleKind))), sentences=[],
        key_points=draw(st.lists(any_text, max_size=5)), content_hash=key, url=draw(urls),
    )


@st.composite
def stories(draw, index: int) -> Story:
    base = draw(st.lists(articles(f"s{index}-a"), max_size=4))
    copies = draw(st.sampled_from([1, 1, 1, 3, 60]))  # sometimes hundreds of articles
    arts = []
    for c in range(copies):
        for n, a in enumerate(base):
            arts.append(Article(**{**a.__dict__, "key": f"s{index}-{c}-{n}"}))
    refs = [source_ref(a) for a in arts[:5]]
    new = [
        NewItem(draw(any_text), draw(st.lists(st.sampled_from(refs), max_size=3)) if refs else [],
                before=draw(st.one_of(st.none(), any_text)))
        for _ in range(draw(st.sampled_from([0, 1, 2, 12])))
    ]
    return Story(key=f"s{index}", title=draw(any_text), articles=arts, whats_new=new)


@st.composite
def digests(draw) -> Digest:
    count = draw(st.sampled_from([0, 1, 2, 3, 12]))
    return Digest(stories=[draw(stories(i)) for i in range(count)], generated_at=draw(moments),
                  since=draw(st.one_of(st.none(), moments)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(digests())
def test_any_digest_renders_within_every_limit(d):
    assert_digest_ok(render_digest(d))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.builds(
        Reply,
        title=any_text,
        sections=st.lists(st.builds(ReplySection, heading=st.one_of(st.none(), any_text),
                                    lines=st.lists(any_text, max_size=30)), max_size=30),
        ok=st.booleans(),
        ephemeral=st.booleans(),
    )
)
def test_any_reply_renders_within_every_limit(reply):
    message = render_reply(reply)
    assert_within_limits(message)
    assert_no_markup_leak(message)
