"""The typed management commands: the one text parser builds each, and Discord's typed options
build the same value as the text form (no text travels between them)."""

from __future__ import annotations

import pytest

from digestbot.chat.management_commands import (
    CHANGES,
    CommandProblem,
    FeedsAdd,
    FeedsList,
    FeedsRemove,
    PostNow,
    Settings,
    Subscribe,
    TopicsAdd,
    TopicsList,
    TopicsRemove,
    Unsubscribe,
    parse_management,
    split_keywords,
)

PARSED = [
    ("/digest subscribe", Subscribe()),
    ("/digest subscribe harbour weekdays 07:30 tz Europe/Oslo",
     Subscribe(topic="harbour", weekdays="07:30", tz="Europe/Oslo")),
    ('/digest subscribe all cron "15 6 * * 1-5" include "ferry strike, tolls" skip-sources "Coast Post" '
     "threads on breaking 2h public",
     Subscribe(topic="all", cron="15 6 * * 1-5", include="ferry strike, tolls", skip_sources="Coast Post",
               threads="on", breaking="2h", public=True)),
    ("/digest subscribe daily 09:00 exclude opinion sources Gazette",
     Subscribe(daily="09:00", exclude="opinion", sources="Gazette")),
    ("/digest unsubscribe", Unsubscribe()),
    ("/digest unsubscribe /harbour", Unsubscribe(topic="/harbour")),
    ("/digest settings", Settings()),
    ("/digest now public", PostNow(public=True)),
    ('/digest topics add harbour "Old Harbour" tolls', TopicsAdd(name="harbour", keywords=("Old Harbour", "tolls"))),
    ('/digest topics add bridge "public" spans', TopicsAdd(name="bridge", keywords=("public", "spans"))),
    ("/digest topics", TopicsList()),
    ("/digest topics list", TopicsList()),
    ("/digest topics remove harbour", TopicsRemove(name="harbour")),
    ("/digest feeds add <https://news.example/feed.xml> harbour",
     FeedsAdd(url="https://news.example/feed.xml", topic="harbour")),
    ("/digest feeds add https://news.example/feed.xml", FeedsAdd(url="https://news.example/feed.xml")),
    ("/digest feeds", FeedsList()),
    ("/digest feeds remove #4", FeedsRemove(feed="#4")),
]


@pytest.mark.parametrize(("text", "command"), PARSED, ids=[t for t, _ in PARSED])
def test_the_text_parser_builds_each_command(text, command):
    assert parse_management(text) == command


REFUSED = [
    ("/digest subscribe harbour hourly 5", "Unexpected word: hourly"),
    ("/digest subscribe harbour tz", "tz needs a value"),
    ("/digest subscribe daily 08:00 cron '0 8 * * *'", "Give one schedule: daily, weekdays or cron"),
    ("/digest subscribe tz UTC tz Asia/Seoul", "Give tz once"),
    ("/digest unsubscribe harbour bridge", "Too many words"),
    ("/digest settings now", "/digest settings takes no arguments"),
    ("/digest now please", "/digest now takes no arguments"),
    ("/digest topics add harbour", "A topic needs a name and at least one keyword"),
    ("/digest topics remove", "Name one topic to remove"),
    ("/digest topics rename harbour", "Unknown /digest topics command: rename"),
    ("/digest feeds add", "Give a feed URL and, optionally, a topic"),
    ("/digest feeds remove 3 4", "Name the feed by its number"),
    ('/digest topics add harbour "Old Harbour', "Unbalanced quotes"),
    ("/digest topics add harbour " + "tolls " * 400, "Command too long: at most 2000 characters"),
]


@pytest.mark.parametrize(("text", "title"), REFUSED, ids=[t[:60] for t, _ in REFUSED])
def test_words_that_make_no_command_are_refused_with_a_title(text, title):
    with pytest.raises(CommandProblem) as raised:
        parse_management(text)
    assert raised.value.title == title
    assert raised.value.lines  # a hint or the usage: never a bare refusal


# What Discord's `/digest` sub-commands build from their typed options (adapters/discord/bot.py),
# beside the text a Slack user types for the same thing.
DISCORD_AND_TEXT = [
    (Subscribe(topic="harbour", daily="08:00", tz="Asia/Seoul", include="ferry strike,tolls", threads="on"),
     '/digest subscribe harbour daily 08:00 tz Asia/Seoul include "ferry strike,tolls" threads on'),
    (Subscribe(topic=None, daily="", weekdays="07:30", cron=None, tz="  ", breaking="off"),
     "/digest subscribe weekdays 07:30 breaking off"),
    (Subscribe(cron="30  7 * * 1-5", skip_sources="Coast  Post", public=True),
     '/digest subscribe cron "30 7 * * 1-5" skip-sources "Coast Post" public'),
    (Unsubscribe(topic=None), "/digest unsubscribe"),
    (Unsubscribe(topic="harbour"), "/digest unsubscribe harbour"),
    (Settings(), "/digest settings"),
    (PostNow(public=True), "/digest now public"),
    (TopicsAdd(name="harbour", keywords=split_keywords("Old Harbour,  tolls ,, say \"hi\"")),
     '/digest topics add harbour "Old Harbour" tolls "say \\"hi\\""'),
    (TopicsList(), "/digest topics list"),
    (TopicsRemove(name="harbour"), "/digest topics remove harbour"),
    (FeedsAdd(url="https://news.example/feed.xml?a=1&b=2", topic="harbour"),
     '/digest feeds add "https://news.example/feed.xml?a=1&b=2" harbour'),
    (FeedsList(), "/digest feeds list"),
    (FeedsRemove(feed="3"), "/digest feeds remove 3"),
]


@pytest.mark.parametrize(("from_options", "text"), DISCORD_AND_TEXT, ids=[t for _, t in DISCORD_AND_TEXT])
def test_discords_typed_options_build_the_same_command_as_the_text_form(from_options, text):
    assert from_options == parse_management(text)


def test_only_the_changes_need_an_administrator():
    assert CHANGES == {"subscribe", "unsubscribe", "now", "topics add", "topics remove", "feeds add", "feeds remove"}
