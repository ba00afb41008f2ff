"""`/digest` as Discord sub-commands with autocompletion, through the real discord.py CommandTree.

Raw INTERACTION_CREATE payloads (type 2 with nested sub-command options; type 4 for
autocomplete, answered by an interaction callback of type 8 with `choices`) against the fake
REST API. Each management sub-command builds the typed command that the one text parser builds
from what Slack sends (`/digest subscribe visit daily 08:00 ...`).
"""

from __future__ import annotations

import re

import discord
import pytest

from builders import an_app
from digestbot.adapters.discord import (
    DigestBot,
    ManagementSuggestions,
    StaticSuggestions,
)
from digestbot.adapters.discord.suggestions import (
    MAX_CHOICES,
    feed_choices,
    timezone_choices,
)
from discord import app_commands
from discord_fake import APP_ID, CHANNEL_ID, GUILD_ID, TOKEN, USER_ID, command_payload

from digestbot.chat.management_commands import parse_management
from digestbot.run.metrics import Metrics
from digestbot.domain.models import Topic
from digestbot.run.platforms import timed_answer
from fakes import RecordingAnswer

CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[[topics]]
name = "vote"
title = "The county vote"
keywords = ["county vote"]

[[feeds]]
url = "https://example.org/rss.xml"
topics = ["visit"]

[permissions]
admin_roles = ["news-desk"]
"""
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MEMBER = VIEW_CHANNEL | SEND_MESSAGES


async def invoke(bot: DigestBot, payload: dict) -> None:
    await bot.tree._call(discord.Interaction(data=payload, state=bot._connection))


def followup_text(fake) -> str:
    (followup,) = fake.calls("POST", f"/webhooks/{APP_ID}/")
    texts = [followup.body.get("content") or ""]
    for embed in followup.body.get("embeds") or []:
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts += [f["name"] + "\n" + f["value"] for f in embed.get("fields", [])]
    return "\n".join(texts)


async def autocomplete(fake, bot: DigestBot, path: tuple[str, ...], options: dict, focused: str) -> list[dict]:
    """The choices the bot answers an autocomplete interaction with (callback type 8)."""
    fake.requests.clear()
    await invoke(bot, command_payload("digest", path, options, focused=focused))
    (callback,) = fake.calls("POST", "/callback")
    assert callback.body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices = callback.body["data"]["choices"]
    assert len(choices) <= MAX_CHOICES
    assert all(1 <= len(c["name"]) <= 100 and len(str(c["value"])) <= 100 for c in choices)
    return choices


# --- each sub-command's command: the same as its text form's ------------------------------------------------------

TEXTS = [
    (("top",), {}, "/digest"),
    (("top",), {"public": True}, "/digest public"),
    (("help",), {}, "/digest help"),
    (("subscribe",), {}, "/digest subscribe"),
    (("subscribe",), {"topic": "visit", "daily": "08:00", "tz": "Asia/Seoul", "include": "state visit,Xi",
                      "threads": "on"},
     '/digest subscribe visit daily 08:00 tz Asia/Seoul include "state visit,Xi" threads on'),
    (("subscribe",), {"topic": "all", "cron": "30 7 * * 1-5", "exclude": "opinion", "sources": "CGTN,Yonhap",
                      "skip_sources": "Daily Mail", "breaking": "30m", "public": True},
     ('/digest subscribe all cron "30 7 * * 1-5" exclude opinion sources CGTN,Yonhap '
      'skip-sources "Daily Mail" breaking 30m public')),
    (("subscribe",), {"weekdays": "07:30", "threads": "off", "breaking": "off"},
     "/digest subscribe weekdays 07:30 threads off breaking off"),
    (("subscribe",), {"empty": "post"}, "/digest subscribe empty post"),
    (("unsubscribe",), {}, "/digest unsubscribe"),
    (("unsubscribe",), {"topic": "visit"}, "/digest unsubscribe visit"),
    (("settings",), {}, "/digest settings"),
    (("now",), {"public": False}, "/digest now"),
    (("topics", "add"), {"name": "dam", "keywords": "Kessel Dam, Arnvik"},
     '/digest topics add dam "Kessel Dam" Arnvik'),
    (("topics", "list"), {}, "/digest topics list"),
    (("topics", "remove"), {"name": "dam"}, "/digest topics remove dam"),
    (("feeds", "add"), {"url": "https://example.org/rss.xml?a=1&b=2", "topic": "visit"},
     '/digest feeds add "https://example.org/rss.xml?a=1&b=2" visit'),
    (("feeds", "list"), {}, "/digest feeds list"),
    (("feeds", "remove"), {"id": "3"}, "/digest feeds remove 3"),
]


def _test_id(value):
    return " ".join(value) if isinstance(value, tuple) else None


@pytest.mark.parametrize(("path", "options", "text"), TEXTS, ids=_test_id)
async def test_each_sub_command_builds_what_its_text_form_parses_to(fake_discord, path, options, text):
    answer = RecordingAnswer()
    bot = DigestBot(answer=answer, topics=[Topic("visit", "State visit")])
    await bot.login(TOKEN)
    try:
        await invoke(bot, command_payload("digest", path, options, permissions=ADMINISTRATOR))
    finally:
        await bot.close()
    management = path[0] not in {"top", "help"}
    assert answer.asked == [parse_management(text) if management else text]
    [context] = answer.contexts
    assert (context.platform, context.channel, context.user, context.is_admin) == (
        "discord", str(CHANNEL_ID), str(USER_ID), True)
    (callback,) = fake_discord.calls("POST", "/callback")
    assert callback.body["type"] == 5
    assert bool((callback.body.get("data") or {}).get("flags", 0) & 64) is not options.get("public", False)
    assert len(fake_discord.calls("POST", f"/webhooks/{APP_ID}/")) == 1


# --- against the real service and management store ----------------------------------------


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG)
    yield app
    app.close()


@pytest.fixture
async def seen(app):
    return []


@pytest.fixture
async def bot(fake_discord, app, seen):
    measured = timed_answer(app.service.answer, Metrics(), "discord")

    def answer(text, context):
        seen.append(text)
        return measured(text, context)

    suggestions = ManagementSuggestions(lambda: app.service.management)
    bot = DigestBot(answer=answer, topics=app.service.topics, suggestions=suggestions, guild_id=GUILD_ID)
    await bot.login(TOKEN)
    try:
        yield bot
    finally:
        await bot.close()


async def test_an_administrator_subscribes_with_options(fake_discord, bot, app, seen):
    options = {"topic": "visit", "daily": "08:00", "tz": "Asia/Seoul"}
    await invoke(bot, command_payload("digest", ("subscribe",), options, permissions=ADMINISTRATOR))
    assert seen == [parse_management("/digest subscribe visit daily 08:00 tz Asia/Seoul")]
    text = followup_text(fake_discord)
    assert "Subscribed" in text and "/visit daily at 08:00 (Asia/Seoul)" in text
    [sub] = app.service.management.store.subscriptions("discord", str(CHANNEL_ID))
    assert (sub.topic, sub.cron, sub.timezone) == ("visit", "0 8 * * *", "Asia/Seoul")
    [entry] = app.service.management.store.audit("discord", str(CHANNEL_ID), limit=5)
    assert entry.user == str(USER_ID)


async def test_a_subscription_with_every_option_reaches_management_as_one_line(fake_discord, bot, app, seen):
    """The filter and lane options are checked by the management layer; Discord only passes them.
    Comma-separated lists stay one value each, as Slack users type them quoted."""
    options = {"topic": "visit", "weekdays": "07:30", "tz": "Europe/Berlin", "include": "state visit,Xi",
               "exclude": "opinion", "sources": "CGTN,Yonhap", "skip_sources": "Daily Mail", "threads": "on",
               "breaking": "2h"}
    await invoke(bot, command_payload("digest", ("subscribe",), options, permissions=ADMINISTRATOR))
    assert seen == [parse_management(
        '/digest subscribe visit weekdays 07:30 tz Europe/Berlin include "state visit,Xi" '
        'exclude opinion sources CGTN,Yonhap skip-sources "Daily Mail" threads on breaking 2h')]
    assert (seen[0].include, seen[0].skip_sources) == ("state visit,Xi", "Daily Mail")
    text = followup_text(fake_discord)
    assert "Subscribed" in text and "Not from Daily Mail" in text
    [sub] = app.service.management.store.subscriptions("discord", str(CHANNEL_ID))
    assert (sub.topic, sub.cron, sub.timezone) == ("visit", "30 7 * * 1-5", "Europe/Berlin")
    options = sub.options
    assert (options.include, options.exclude) == (("state visit", "Xi"), ("opinion",))
    assert (options.sources, options.skip_sources) == (("CGTN", "Yonhap"), ("Daily Mail",))
    assert (options.threads, options.breaking_minutes) == (True, 120)


async def test_a_member_without_the_permission_is_refused(fake_discord, bot, app):
    await invoke(bot, command_payload("digest", ("subscribe",), {"topic": "visit", "daily": "08:00"},
                                      permissions=MEMBER))
    text = followup_text(fake_discord)
    assert "Not allowed: /digest subscribe changes settings" in text and "news-desk" in text
    assert app.service.management.store.subscriptions("discord", str(CHANNEL_ID)) == []


async def test_topics_add_makes_one_keyword_per_comma_separated_part(fake_discord, bot, app, seen):
    await invoke(bot, command_payload("digest", ("topics", "add"),
                                      {"name": "dam", "keywords": "Kessel Dam,  Arnvik ,, Kessel Dam"},
                                      permissions=ADMINISTRATOR))
    assert seen == [parse_management('/digest topics add dam "Kessel Dam" Arnvik "Kessel Dam"')]
    assert "Added topic /dam" in followup_text(fake_discord)
    [dam] = [t for t in app.service.management.topics() if t.name == "dam"]
    assert dam.keywords == ("Kessel Dam", "Arnvik")


async def test_feeds_remove_by_the_id_autocompletion_offers(fake_discord, bot, app, seen):
    [feed] = app.service.management.store.feeds()
    choices = await autocomplete(fake_discord, bot, ("feeds", "remove"), {"id": ""}, "id")
    assert choices == [{"name": f"#{feed.id} https://example.org/rss.xml", "value": str(feed.id)}]

    fake_discord.requests.clear()
    await invoke(bot, command_payload("digest", ("feeds", "remove"), {"id": choices[0]["value"]},
                                      permissions=ADMINISTRATOR))
    assert seen == [parse_management(f"/digest feeds remove {feed.id}")]
    assert f"Removed feed #{feed.id}" in followup_text(fake_discord)
    assert app.service.management.store.feeds() == []
    assert await autocomplete(fake_discord, bot, ("feeds", "remove"), {"id": ""}, "id") == []


async def test_topic_autocompletion_is_live_and_offers_all_where_it_may_be_given(fake_discord, bot, app):
    choices = await autocomplete(fake_discord, bot, ("subscribe",), {"topic": ""}, "topic")
    assert [c["value"] for c in choices] == ["all", "visit", "vote"]
    choices = await autocomplete(fake_discord, bot, ("subscribe",), {"daily": "08:00", "topic": "VI"}, "topic")
    assert choices == [{"name": "visit", "value": "visit"}]

    fake_discord.requests.clear()
    await invoke(bot, command_payload("digest", ("topics", "add"), {"name": "visa", "keywords": "visa rules"},
                                      permissions=ADMINISTRATOR))
    choices = await autocomplete(fake_discord, bot, ("topics", "remove"), {"name": "vi"}, "name")
    assert [c["value"] for c in choices] == ["visa", "visit"]  # no "all": it is not a topic to remove
    choices = await autocomplete(fake_discord, bot, ("feeds", "add"), {"url": "https://x.example/", "topic": "o"},
                                 "topic")
    assert [c["value"] for c in choices] == ["vote"]


async def test_time_zone_autocompletion(fake_discord, bot):
    choices = await autocomplete(fake_discord, bot, ("subscribe",), {"topic": "visit", "tz": "seoul"}, "tz")
    assert choices == [{"name": "Asia/Seoul", "value": "Asia/Seoul"}]
    choices = await autocomplete(fake_discord, bot, ("subscribe",), {"tz": "america"}, "tz")
    assert len(choices) == MAX_CHOICES
    assert all("america" in c["value"].lower() for c in choices)
    choices = await autocomplete(fake_discord, bot, ("subscribe",), {"tz": ""}, "tz")
    assert len(choices) == MAX_CHOICES and choices[0]["value"] == "UTC"
    assert await autocomplete(fake_discord, bot, ("subscribe",), {"tz": "no/such/zone"}, "tz") == []


async def test_autocompletion_answers_nothing_when_the_store_fails(fake_discord, caplog):
    class Broken:
        def topics(self):
            raise RuntimeError("database is locked")

        def feeds(self):
            raise RuntimeError("database is locked")

    bot = DigestBot(answer=RecordingAnswer(), topics=[], suggestions=Broken())
    await bot.login(TOKEN)
    try:
        assert await autocomplete(fake_discord, bot, ("unsubscribe",), {"topic": "v"}, "topic") == []
        assert await autocomplete(fake_discord, bot, ("feeds", "remove"), {"id": "1"}, "id") == []
    finally:
        await bot.close()
    assert "database is locked" in caplog.text


async def test_management_suggestions_without_a_management_store():
    none = ManagementSuggestions(lambda: None)
    assert none.topics() == [] and none.feeds() == []
    static = StaticSuggestions(["visit"])
    assert static.topics() == ["visit"] and static.feeds() == []


def test_feed_labels_are_cut_to_the_choice_limit_and_match_ids_or_urls():
    feeds = [(12, "https://example.org/" + "x" * 200), (3, "https://news.example/feed")]
    assert [v for _, v in feed_choices(feeds, "")] == ["3", "12"]
    assert [v for _, v in feed_choices(feeds, "#1")] == ["12"]
    assert [v for _, v in feed_choices(feeds, "NEWS")] == ["3"]
    assert all(len(name) <= 100 for name, _ in feed_choices(feeds, ""))
    assert len(feed_choices([(i, f"https://f{i}.example/") for i in range(60)], "")) == MAX_CHOICES
    assert all(len(timezone_choices(q)) <= MAX_CHOICES for q in ("", "a", "/", "e"))


# --- what is synced --------------------------------------------------------------------------

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def check_limits(command: dict, depth: int = 0) -> int:
    """Discord's limits for one command (or option) payload; the characters it counts."""
    assert NAME.fullmatch(command["name"]), command["name"]
    assert 1 <= len(command["description"]) <= 100, command["name"]
    options = command.get("options", [])
    assert len(options) <= 25, command["name"]
    kinds = {o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options}
    assert len(kinds) <= 1, f"{command['name']} mixes sub-commands and options"
    required = [o.get("required", False) for o in options]
    assert required == sorted(required, reverse=True), f"{command['name']}: required options come first"
    assert len({o["name"] for o in options}) == len(options)
    count = len(command["name"]) + len(command["description"])
    for option in options:
        if option["type"] == SUB_COMMAND_GROUP:
            assert depth == 0, "sub-command groups nest one level only"
        if option["type"] == SUB_COMMAND:
            assert depth <= 1
        assert len(option.get("choices", [])) <= 25
        assert not (option.get("choices") and option.get("autocomplete"))
        for choice in option.get("choices", []):
            assert 1 <= len(choice["name"]) <= 100 and len(str(choice["value"])) <= 100
            count += len(choice["name"]) + len(str(choice["value"]))
        count += check_limits(option, depth + 1) if option["type"] in (1, 2) else (
            len(option["name"]) + len(option["description"]))
        if option["type"] not in (1, 2):
            assert NAME.fullmatch(option["name"]) and 1 <= len(option["description"]) <= 100
    return count


async def test_the_synced_tree_nests_the_sub_commands_within_discords_limits(fake_discord, bot):
    (sync,) = fake_discord.calls("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    commands = {c["name"]: c for c in sync.body}
    assert set(commands) == {"digest", "visit", "vote"}
    for command in sync.body:
        assert check_limits(command) <= 4000  # Discord's budget per command (8000 today; 4000 to be safe)
    digest = commands["digest"]
    assert "options" in digest and all(o["type"] in (1, 2) for o in digest["options"])
    subs = {o["name"]: o for o in digest["options"]}
    assert list(subs) == ["top", "help", "subscribe", "unsubscribe", "settings", "now", "topics", "feeds"]
    assert subs["topics"]["type"] == subs["feeds"]["type"] == SUB_COMMAND_GROUP
    assert [o["name"] for o in subs["topics"]["options"]] == ["add", "list", "remove"]
    assert [o["name"] for o in subs["feeds"]["options"]] == ["add", "list", "remove"]
    for sub in subs.values():
        leaves = sub["options"] if sub["type"] == SUB_COMMAND_GROUP else [sub]
        for leaf in leaves:
            public = {o["name"]: o for o in leaf["options"]}["public"]
            assert public["type"] == 5 and not public.get("required", False)
    subscribe = {o["name"]: o for o in subs["subscribe"]["options"]}
    assert list(subscribe) == ["topic", "daily", "weekdays", "cron", "tz", "include", "exclude", "sources",
                               "skip_sources", "threads", "breaking", "empty", "public"]
    assert subscribe["topic"]["autocomplete"] and subscribe["tz"]["autocomplete"]
    assert [c["value"] for c in subscribe["threads"]["choices"]] == ["on", "off"]
    assert not any(o.get("required") for o in subscribe.values())
    topics_add = {o["name"]: o for o in subs["topics"]["options"][0]["options"]}
    assert topics_add["name"]["required"] and topics_add["keywords"]["required"]
    feeds_remove = {o["name"]: o for o in subs["feeds"]["options"][2]["options"]}
    assert feeds_remove["id"]["required"] and feeds_remove["id"]["autocomplete"]
    # The same payload discord.py builds locally.
    local = [c.to_dict(bot.tree) for c in bot.tree.get_commands()]
    assert {c["name"]: c["options"] for c in local}["digest"] == digest["options"]
    assert isinstance(bot.tree.get_command("digest"), app_commands.Group)
