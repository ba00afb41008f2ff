"""Digests and replies rendered for Discord: escaped, linked safely, and within every limit."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digestbot.adapters.discord import limits
from discord_markdown import masked_link_targets
from digestbot.adapters.discord.render import (
    DiscordMessage,
    colour_for,
    pack_embeds,
    render_digest,
    render_reply,
    render_story,
    safe_url,
    truncate,
)
from digestbot.domain.models import Article, ArticleKind, Digest, Fact, NewItem, Reply, ReplySection, Story
from digestbot.present.view import TOP_STORIES
from digestbot.stories.clustering import source_ref

NOW = datetime(2026, 1, 3, 10, 0, tzinfo=timezone.utc)


# --- builders -------------------------------------------------------------------------------


def make_article(n: int = 0, **overrides) -> Article:
    values = dict(
        key=f"a{n}",
        title=f"Headline {n}",
        source="Yonhap",
        published=NOW - timedelta(hours=n),
        kind=ArticleKind.NEWS,
        sentences=[],
        key_points=[f"Point {n}.1", f"Point {n}.2"],
        content_hash=f"h{n}",
        url=f"https://news.example/{n}",
    )
    values.update(overrides)
    return Article(**values)


def make_story(key: str = "s1", title: str = "State visit", articles: list[Article] | None = None, **kw) -> Story:
    return Story(key=key, title=title, articles=articles if articles is not None else [make_article(0)], **kw)


# --- a measure independent of the renderer's own --------------------------------------------


def units(text: str) -> int:
    """UTF-16 code units: never less than what Discord counts."""
    return len(text.encode("utf-16-le")) // 2


def assert_within_limits(message: DiscordMessage, every_embed_titled: bool = True) -> None:
    assert message.content or message.embeds, "an empty message"
    assert units(message.content) <= limits.CONTENT
    assert len(message.embeds) <= limits.EMBEDS_PER_MESSAGE
    total = 0
    for embed in message.embeds:
        data = embed.to_dict()
        title = data.get("title", "")
        description = data.get("description", "")
        footer = data.get("footer", {}).get("text", "")
        fields = data.get("fields", [])
        assert title.strip() or (not every_embed_titled and embed is not message.embeds[0]), "an embed with no title"
        assert units(title) <= limits.TITLE
        assert units(description) <= limits.DESCRIPTION
        assert units(footer) <= limits.FOOTER
        assert len(fields) <= limits.FIELDS
        for f in fields:
            assert f["name"].strip() and f["value"].strip(), "Discord rejects empty fields"
            assert units(f["name"]) <= limits.FIELD_NAME
            assert units(f["value"]) <= limits.FIELD_VALUE
        if "url" in data:
            assert re.match(r"https?://", data["url"]) and units(data["url"]) <= limits.URL
        assert 0 <= data.get("color", 0) <= 0xFFFFFF
        total += units(title) + units(description) + units(footer)
        total += sum(units(f["name"]) + units(f["value"]) for f in fields)
        total += units(data.get("author", {}).get("name", ""))
    assert total <= limits.EMBED_TOTAL


def assert_only_safe_links(message: DiscordMessage, allowed: set[str] = frozenset()) -> None:
    """Every masked link goes to an article's own http(s) URL: text never makes a link."""
    texts = [message.content]
    for embed in message.embeds:
        texts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        texts += [f.name for f in embed.fields] + [f.value for f in embed.fields]
    for text in texts:
        for target in masked_link_targets(text):
            assert re.fullmatch(r"https?://[^\s()<>]+", target), text
            assert target in allowed, text
        assert "@everyone" not in text and "@here" not in text


# --- hypothesis strategies ------------------------------------------------------------------

NASTY = [
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&123456789012345678>",
    "[x](http://evil.example)",
    "**bold** __u__ ~~s~~ `code` ```block```",
    "> quote",
    "# heading",
    "-# small",
    "\\",
    "\\\\]",
    "](javascript:alert(1))",
    "](http://evil.example)",
    "[",
    "]",
    "||spoiler||",
    "\n\n",
    "   ",
    "",
    "😀👍🏽🇰🇷",
    "이재명 习近平",
    "\u200b",
    "\u202e",
]

pieces = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
texts = st.lists(pieces, max_size=6).map("".join)
# Occasionally huge: a short text repeated up to a few thousand times.
long_texts = st.one_of(texts, st.builds(lambda t, n: (t or "x") * n, texts, st.integers(1, 3000)))
urls = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "https://news.example/a",
            "http://news.example/a_(b)",
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x.example/",
            "https://",
            "https://x.example/" + "a" * 3000,
            "https://x.example/with space",
            "  https://x.example/padded  ",
        ]
    ),
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from([timezone.utc, None])
)


@st.composite
def articles(draw, n: int) -> Article:
    return make_article(
        n,
        title=draw(long_texts),
        source=draw(texts),
        published=draw(moments),
        kind=draw(st.sampled_from(list(ArticleKind))),
        key_points=draw(st.lists(long_texts, max_size=4)),
        url=draw(urls),
    )


@st.composite
def stories(draw, index: int) -> Story:
    # Hundreds of articles are built from a few drawn templates, cheaply.
    templates = draw(st.lists(articles(0), max_size=4))
    count = draw(st.sampled_from([0, 1, 2, 5, 40, 300])) if templates else 0
    arts = []
    for n in range(count):
        template = templates[n % len(templates)]
        arts.append(make_article(n, **{k: getattr(template, k) for k in ("title", "source", "published", "kind", "key_points", "url")}))
    refs = [source_ref(a) for a in arts[:5]]
    new_items = draw(
        st.lists(st.builds(NewItem, long_texts, st.just(refs), st.one_of(st.none(), texts), st.just(refs)), max_size=30)
    )
    facts = draw(
        st.lists(
            st.builds(
                Fact,
                st.sampled_from(["who", "what", "when", "where", "how_many"]),
                long_texts,
                st.just(refs),
                st.lists(st.tuples(texts, st.just(refs)), max_size=3),
            ),
            max_size=30,
        )
    )
    return Story(
        key=draw(texts) + str(index),
        title=draw(long_texts),
        articles=arts,
        whats_new=new_items,
        facts=facts,
    )


@st.composite
def digests(draw) -> Digest:
    count = draw(st.sampled_from([0, 1, 3, 11, 25]))
    drawn = [draw(stories(i)) for i in range(min(count, 4))]
    # Repeat drawn stories to reach the count without drawing each one.
    built = [drawn[i % len(drawn)] for i in range(count)] if drawn else []
    return Digest(stories=built, generated_at=draw(moments), since=draw(st.one_of(st.none(), moments)))


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(digests())
def test_any_digest_renders_within_every_discord_limit(digest):
    messages = render_digest(digest)
    assert messages
    allowed = {safe_url(a.url) for story in digest.stories for a in story.articles} - {None}
    for message in messages:
        assert_within_limits(message)
        assert_only_safe_links(message, allowed)
    # Every story is shown, once and in order.
    assert sum(len(m.embeds) for m in messages) == min(len(digest.stories), TOP_STORIES)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.builds(Reply, long_texts, st.lists(st.builds(ReplySection, st.one_of(st.none(), texts), st.lists(long_texts, max_size=50)), max_size=10), st.booleans()))
def test_any_reply_renders_within_every_discord_limit(reply):
    message = render_reply(reply)
    assert_within_limits(message, every_embed_titled=False)  # a reply's later embeds go on under its title
    assert_only_safe_links(message)
    assert message.embeds[0].title


@given(long_texts, st.integers(1, 5000))
def test_truncate_fits_and_never_leaves_a_dangling_escape(text, limit):
    cut = truncate(text, limit)
    assert units(cut) <= limit
    if cut != text:
        assert cut.endswith("…")
        body = cut[:-1]
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


# --- examples -------------------------------------------------------------------------------


def test_one_embed_per_story_with_linked_title_points_new_items_sources_and_times():
    news = make_article(0, title="Lee arrives in Beijing", key_points=["Lee met Xi in Beijing."])
    older = make_article(5, source="Xinhua", title="Visit announced", url="https://xinhua.example/v")
    story = make_story(
        articles=[older, news],
        whats_new=[NewItem("A trade deal was signed.", [source_ref(news)], before="talks only", before_sources=[source_ref(older)])],
        facts=[Fact("who", "Lee Jae Myung and Xi Jinping", [source_ref(news), source_ref(older)])],
    )
    (message,) = render_digest(Digest([story], NOW))
    assert message.content.startswith("**digestbot** — 1 story")
    (embed,) = message.embeds
    assert embed.title == "State visit"
    assert embed.url == "https://news.example/0"  # the newest news article leads
    assert embed.description.startswith("**Update: A trade deal was signed. (was talks only, Xinhua, 3 Jan 2026)")
    assert "\n• Lee met Xi in Beijing. — Yonhap, 3 Jan 2026" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert "Facts" not in fields  # facts answer /TOPIC facts, on every surface alike
    assert fields["Sources"].splitlines() == ["Xinhua (1)", "Yonhap (1)"]  # outlets with their reports
    assert embed.footer.text == "2 articles · 3 Jan 2026 05:00 UTC – 3 Jan 2026 10:00 UTC"
    assert embed.timestamp == NOW


def test_opinion_is_labelled():
    opinion = make_article(1, kind=ArticleKind.OPINION, source="Herald", key_points=["Seoul's visit matters."])
    story = make_story(articles=[opinion])
    (embed,) = render_digest(Digest([story], NOW))[0].embeds
    assert embed.description.startswith("**Seoul's visit matters. (opinion) — Herald, opinion, 3 Jan 2026")
    assert embed.fields[-1].value == "Herald (opinion) (1)"
    assert "(1 opinion)" in embed.footer.text


def test_news_leads_over_newer_opinion():
    opinion = make_article(0, kind=ArticleKind.OPINION, url="https://op.example/", key_points=["The summit is overdue."])
    news = make_article(3, key_points=["Lee met Xi in Beijing.", "Trade talks began on Monday."])
    (embed,) = render_digest(Digest([make_story(articles=[opinion, news])], NOW))[0].embeds
    assert embed.url == "https://news.example/3"
    assert embed.description.splitlines()[0].startswith("**Lee met Xi")
    assert embed.description.splitlines()[1].startswith("• Trade talks")  # every news point before the opinion's


def test_colour_is_stable_per_story_and_differs_between_stories():
    assert colour_for("story-1") == colour_for("story-1")
    assert colour_for("story-1") != colour_for("story-2")
    (first,) = render_digest(Digest([make_story("k")], NOW))[0].embeds
    (again,) = render_digest(Digest([make_story("k", title="Other title")], NOW))[0].embeds
    assert first.colour == again.colour


def test_only_http_links_survive():
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("HTTP://a.example/") == "HTTP://a.example/"
    assert safe_url("http://a.example/(x)") == "http://a.example/%28x%29"
    for bad in ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//a.example", "https://", None, ""]:
        assert safe_url(bad) is None
    article = make_article(0, url="javascript:alert(1)", title="Click")
    (embed,) = render_digest(Digest([make_story(articles=[article])], NOW))[0].embeds
    assert embed.url is None
    assert "javascript" not in str(embed.to_dict())


def test_article_text_is_escaped():
    article = make_article(0, title="[x](http://evil.example) @everyone", key_points=["Big **news** @here <@123456789012345678>"])
    story = make_story(title="_Visit_ @everyone", articles=[article])
    (embed,) = render_digest(Digest([story], NOW))[0].embeds
    assert embed.title == "\\_Visit\\_ @\u200beveryone"
    assert embed.description.startswith("**Big \\*\\*news\\*\\* @\u200bhere <@\u200b123456789012345678>")
    assert masked_link_targets(embed.description) == []


def test_empty_digest_and_empty_story():
    (message,) = render_digest(Digest([], NOW))
    assert message.content and not message.embeds
    (embed,) = render_digest(Digest([make_story(title="  ", articles=[])], NOW))[0].embeds
    assert embed.title == "Untitled story" and embed.footer.text == "0 articles"


def test_the_top_stories_are_shown_and_the_rest_counted():
    digest = Digest([make_story(f"s{n}", f"Story {n}") for n in range(25)], NOW)
    (message,) = render_digest(digest)
    assert [e.title for e in message.embeds] == [f"Story {n}" for n in range(TOP_STORIES)]
    assert f"… and {25 - TOP_STORIES} more stories not shown" in message.content


def test_embeds_past_ten_go_in_a_second_message():
    embeds = [render_story(make_story(f"s{n}", f"Story {n}")) for n in range(12)]
    messages = pack_embeds(embeds, "header")
    assert [len(m.embeds) for m in messages] == [10, 2]
    assert messages[0].content and not messages[1].content


def test_hundreds_of_sources_are_summarised():
    story = make_story(articles=[make_article(n, source=f"Outlet {n}") for n in range(300)])
    (message,) = render_digest(Digest([story], NOW))
    sources = message.embeds[0].fields[-1].value
    assert re.search(r"… and \d+ more outlets$", sources)
    assert_within_limits(message)


def test_reply_renders_sections_escaped():
    reply = Reply("Facts: visit", [ReplySection("Who", ["Lee *and* Xi", "@everyone"]), ReplySection(None, ["x"])], ok=False)
    (embed,) = render_reply(reply).embeds
    assert embed.title == "Facts: visit"
    assert embed.description == "**Who**\n• Lee \\*and\\* Xi\n• @\u200beveryone\n\n• x"
    assert embed.colour != discord.Colour(0x2E8B57)


def test_a_reply_longer_than_one_embed_goes_on_in_the_next_without_losing_a_line():
    lines = [f"Fact {n}: " + "a sentence some outlet reported about the story " * 7 for n in range(15)]
    message = render_reply(Reply("Facts: visit", [ReplySection("Also reported", lines)]))
    assert len(message.embeds) == 2 and message.embeds[1].title is None
    shown = "\n".join(e.description for e in message.embeds)
    assert all(f"Fact {n}:" in shown for n in range(15)) and "more lines" not in shown
    assert_within_limits(message, every_embed_titled=False)


def test_a_reply_longer_than_a_message_says_how_many_lines_are_left_out():
    lines = [f"Fact {n}: " + "a sentence some outlet reported about the story " * 5 for n in range(40)]
    message = render_reply(Reply("Facts: visit", [ReplySection(None, lines)]))
    assert re.search(r"… and \d+ more lines$", message.embeds[-1].description)
    assert_within_limits(message, every_embed_titled=False)


def test_send_kwargs_always_disable_mentions():
    kwargs = render_reply(Reply("t")).send_kwargs()
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    assert "content" not in kwargs and len(kwargs["embeds"]) == 1
