"""Slash commands through the real discord.py CommandTree against the fake REST API."""

from __future__ import annotations

import asyncio
import logging
import threading

import discord
import pytest

from digestbot.chat.commands import VERBS as COMMAND_VERBS
from digestbot.adapters.discord import DigestBot, DiscordConfigError, build_bot, load_discord_settings, sync_commands
from digestbot.domain.models import Reply, ReplySection, Topic
from discord_markdown import masked_link_targets
from discord_fake import APP_ID, GUILD_ID, TOKEN, interaction_payload
from fakes import RecordingAnswer

VERBS = set(COMMAND_VERBS)  # every verb the command layer answers (its help lists them) has a sub-command


def make_reply(title: str = "Facts: state visit", *lines: str) -> Reply:
    return Reply(title=title, sections=[ReplySection("Who", list(lines) or ["Lee Jae Myung (2 sources agree)"])])


async def start_bot(answer: RecordingAnswer, guild_id: int | None = GUILD_ID) -> DigestBot:
    bot = DigestBot(answer=answer, topics=[Topic("visit", "Lee Jae Myung's state visit to China")], guild_id=guild_id)
    await bot.login(TOKEN)
    return bot


@pytest.fixture
async def answer():
    return RecordingAnswer()


@pytest.fixture
async def bot(fake_discord, answer):
    bot = await start_bot(answer)
    try:
        yield bot
    finally:
        await bot.close()


async def invoke(bot: DigestBot, payload: dict) -> None:
    await bot.tree._call(discord.Interaction(data=payload, state=bot._connection))


def callbacks(fake) -> list:
    return fake.calls("POST", "/callback")


def followups(fake) -> list:
    return fake.calls("POST", f"/webhooks/{APP_ID}/")


async def test_login_syncs_one_group_per_topic_and_digest_to_the_guild(fake_discord, bot):
    (sync,) = fake_discord.calls("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    commands = {c["name"]: c for c in sync.body}
    assert set(commands) == {"visit", "digest"}
    visit = commands["visit"]
    assert visit["description"] == "Lee Jae Myung's state visit to China"
    subs = {o["name"]: o for o in visit["options"]}
    assert set(subs) == VERBS
    for sub in subs.values():
        assert sub["description"]
        options = {o["name"]: o for o in sub["options"]}
        assert set(options) == {"public"}
        public = options["public"]
        assert public["name"] == "public" and public["type"] == 5 and not public.get("required", False)
        assert public["description"]
    # /digest is a group of sub-commands (test_discord_subcommands.py): no free-text option.
    digest = {o["name"]: o for o in commands["digest"]["options"]}
    assert {"top", "help", "subscribe", "topics", "feeds"} <= set(digest)
    assert all(o["type"] in (1, 2) for o in digest.values())


async def test_global_sync_when_no_guild_is_configured(fake_discord, answer):
    bot = await start_bot(answer, guild_id=None)
    try:
        assert fake_discord.calls("PUT", f"/applications/{APP_ID}/commands")
        assert not fake_discord.calls("PUT", "/guilds/")
        synced = await sync_commands(bot, GUILD_ID)
        assert {c.name for c in synced} == {"visit", "digest"}
    finally:
        await bot.close()


async def test_build_bot_from_environment_settings(fake_discord, answer):
    settings = load_discord_settings(
        {"DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_URL": fake_discord.url, "DISCORD_GUILD_ID": str(GUILD_ID)}
    )
    bot = build_bot(settings, answer, [Topic("visit", "State visit")])
    try:
        await bot.login(settings.token)
    finally:
        await bot.close()
    assert fake_discord.calls("GET", "/api/v10/users/@me")
    assert fake_discord.calls("PUT", f"/guilds/{GUILD_ID}/commands")


async def test_client_asks_for_guilds_only_and_allows_no_mentions(bot):
    assert bot.intents == discord.Intents(guilds=True)
    assert bot.allowed_mentions.to_dict() == {"parse": []}


async def test_facts_defers_ephemerally_then_follows_up_with_the_answer(fake_discord, bot, answer):
    await invoke(bot, interaction_payload("visit", "facts"))

    assert answer.asked == ["/visit facts"]
    (callback,) = callbacks(fake_discord)
    assert callback.body["type"] == 5  # deferred channel message
    assert callback.body["data"]["flags"] & 64  # ephemeral
    assert callback.query.get("with_response") in ("1", "true", "True")
    (followup,) = followups(fake_discord)
    assert followup.query.get("wait") in ("1", "true", "True")
    body = followup.body
    assert body["allowed_mentions"] == {"parse": []}
    assert body["flags"] & 64
    (embed,) = body["embeds"]
    assert embed["title"] == "Facts: state visit"
    assert "Lee Jae Myung (2 sources agree)" in embed["description"]


@pytest.mark.parametrize("verb", sorted(VERBS))
async def test_every_verb_reaches_the_command_layer(fake_discord, bot, answer, verb):
    await invoke(bot, interaction_payload("visit", verb))
    assert answer.asked == [f"/visit {verb}"]
    assert len(followups(fake_discord)) == 1


async def test_public_answer_is_visible_to_the_channel(fake_discord, bot, answer):
    await invoke(bot, interaction_payload("visit", "summary", public=True))

    assert answer.asked == ["/visit summary public"]
    (callback,) = callbacks(fake_discord)
    assert callback.body["type"] == 5
    assert not (callback.body.get("data") or {}).get("flags", 0) & 64
    (followup,) = followups(fake_discord)
    assert not followup.body.get("flags", 0) & 64


async def test_digest_top_command(fake_discord, bot, answer):
    await invoke(bot, interaction_payload("digest", "top"))
    assert answer.asked == ["/digest"]
    assert len(followups(fake_discord)) == 1


async def test_interaction_create_as_the_gateway_delivers_it(fake_discord, bot, answer):
    bot._connection.parse_interaction_create(interaction_payload("visit", "facts"))
    for _ in range(200):
        if followups(fake_discord):
            break
        await asyncio.sleep(0.01)
    assert answer.asked == ["/visit facts"]
    assert len(callbacks(fake_discord)) == 1 and len(followups(fake_discord)) == 1


async def test_slow_answer_is_deferred_before_the_command_layer_finishes(fake_discord):
    gate = threading.Event()
    slow = RecordingAnswer(gate=gate)
    bot = await start_bot(slow)
    try:
        task = asyncio.create_task(invoke(bot, interaction_payload("visit", "facts")))
        await asyncio.wait_for(fake_discord.callback_seen.wait(), timeout=3)
        assert not followups(fake_discord)  # deferred while the answer is still being made
        gate.set()
        await asyncio.wait_for(task, timeout=5)
        assert len(followups(fake_discord)) == 1
    finally:
        gate.set()
        await bot.close()


async def test_a_failing_command_answers_briefly_and_the_error_surfaces(fake_discord, caplog):
    failing = RecordingAnswer(error=RuntimeError("store is locked at /secret/path"))
    bot = await start_bot(failing)
    try:
        with caplog.at_level(logging.ERROR, logger="digestbot.adapters.discord"):
            await invoke(bot, interaction_payload("visit", "facts"))
    finally:
        await bot.close()

    (record,) = [r for r in caplog.records if r.name == "digestbot.adapters.discord"]
    assert "visit facts" in record.getMessage()
    assert isinstance(record.exc_info[1], RuntimeError)
    (followup,) = followups(fake_discord)
    content = followup.body["content"]
    assert content.startswith("Sorry") and "Traceback" not in content and "/secret" not in content
    assert followup.body["allowed_mentions"] == {"parse": []}
    assert followup.body["flags"] & 64


async def test_a_failed_defer_is_reported_by_an_initial_response_without_mentions(fake_discord, bot, caplog):
    fake_discord.callback_script.append((400, {"message": "Invalid Form Body", "code": 50035}, {}))
    with caplog.at_level(logging.ERROR, logger="digestbot.adapters.discord"):
        await invoke(bot, interaction_payload("visit", "facts"))

    first, second = callbacks(fake_discord)
    assert first.body["type"] == 5
    assert second.body["type"] == 4  # the error as the initial response
    assert second.body["data"]["allowed_mentions"] == {"parse": []}
    assert second.body["data"]["flags"] & 64
    assert second.body["data"]["content"].startswith("Sorry")
    assert any(isinstance(r.exc_info and r.exc_info[1], discord.HTTPException) for r in caplog.records)


async def test_mentions_in_an_answer_ping_no_one(fake_discord):
    loud = RecordingAnswer(reply=make_reply("@everyone look", "@here [click](http://evil.example) <@123456789012345678>"))
    bot = await start_bot(loud)
    try:
        await invoke(bot, interaction_payload("visit", "facts", public=True))
    finally:
        await bot.close()
    (followup,) = followups(fake_discord)
    assert followup.body["allowed_mentions"] == {"parse": []}
    (embed,) = followup.body["embeds"]
    text = embed["title"] + embed["description"]
    assert "@everyone" not in text and "@here" not in text and "<@123" not in text
    # The masked link is shown as text: its bracket is escaped, so it is no link.
    assert "\\[click\\]\\(http://evil.example)" in text
    assert masked_link_targets(text) == []


async def test_every_message_payload_allows_no_mentions(fake_discord, bot):
    for verb in ("facts", "help"):
        await invoke(bot, interaction_payload("visit", verb, public=verb == "help"))
    await invoke(bot, interaction_payload("digest", "top"))
    messages = fake_discord.message_requests()
    assert len(messages) == 3
    assert all(m.message_body()["allowed_mentions"] == {"parse": []} for m in messages)


async def test_edits_carry_no_mentions_from_the_client_default(fake_discord, bot):
    """Paths the adapter does not pass allowed_mentions to itself still get none."""

    @discord.app_commands.command(name="probe", description="test only")
    async def probe(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="@everyone edited")
        await interaction.followup.send("@everyone followed")

    bot.tree.add_command(probe)
    await invoke(bot, interaction_payload("probe", None))

    (edit,) = fake_discord.calls("PATCH", "/messages/@original")
    assert edit.body["allowed_mentions"] == {"parse": []}
    (followup,) = followups(fake_discord)
    assert followup.body["allowed_mentions"] == {"parse": []}


async def test_refused_token_is_a_one_line_error_naming_the_variable(fake_discord, answer):
    fake_discord.login_status = 401
    bot = DigestBot(answer=answer, topics=[Topic("visit", "State visit")])
    try:
        with pytest.raises(DiscordConfigError) as caught:
            await bot.login(TOKEN)
    finally:
        await bot.close()
    message = str(caught.value)
    assert "DISCORD_BOT_TOKEN" in message and TOKEN not in message and "\n" not in message
    for part in TOKEN.split("."):
        assert part not in message


@pytest.mark.parametrize("token", ["", "   ", "not-a-token", "a.b", "a.b.c.d", "abc.d$f.ghi"])
async def test_malformed_token_fails_before_any_request(fake_discord, answer, token):
    bot = DigestBot(answer=answer, topics=[])
    try:
        with pytest.raises(DiscordConfigError) as caught:
            await bot.login(token)
    finally:
        await bot.close()
    assert "DISCORD_BOT_TOKEN" in str(caught.value)
    if token.strip():
        assert token.strip() not in str(caught.value)
    assert not fake_discord.requests


@pytest.mark.parametrize("name", ["Visit", "two words", "x" * 32, "digest"])
def test_topic_names_that_cannot_be_commands_are_left_out_with_a_warning(name, caplog):
    """A stored topic the platform cannot take (from before the name rule) no longer stops the
    bot: it gets no command, the others do, and the log says why."""
    with caplog.at_level(logging.WARNING, logger="digestbot"):
        bot = DigestBot(answer=RecordingAnswer(), topics=[Topic(name, "A topic"), Topic("visit", "A visit")])
    assert sorted(c.name for c in bot.tree.get_commands()) == ["digest", "visit"]
    assert "no slash command for" in caplog.text


def test_the_tree_never_holds_more_topic_commands_than_the_limit(caplog):
    """Issue 14, item 2: 100 stored topics used to stop `digestbot run` (Discord takes 100
    top-level commands); now the tree holds the first 48 and /digest."""
    from digestbot.chat.commands import MAX_TOPICS

    with caplog.at_level(logging.WARNING, logger="digestbot"):
        bot = DigestBot(answer=RecordingAnswer(), topics=[Topic(f"t{i}", "T") for i in range(100)])
    names = [c.name for c in bot.tree.get_commands()]
    assert len(names) == MAX_TOPICS + 1 and "digest" in names and "t47" in names and "t48" not in names
    assert "over the limit of 48" in caplog.text
