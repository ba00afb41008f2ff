"""The slash commands: one group per topic, and `/digest` with its sub-commands, all backed by the
command layer.

`answer` is the command layer's port: it takes a command line such as "/visit facts" and
who asks (a `CommandContext`: channel, user, administrator or not, role names) and returns a
Reply. `/digest` is a group of sub-commands (`top`, `help`, `subscribe`, `unsubscribe`,
`settings`, `now`, `topics add|list|remove`, `feeds add|list|remove`) whose typed options
build the typed management commands (`digestbot.chat.management_commands`) that the text
parser builds from what Slack sends, with autocompletion from live data (a `Suggestions`
port). Whether the user may change settings comes from the interaction itself (the member's
resolved permissions), so no member cache or privileged intent is needed. `answer` is synchronous and may be slow, so it
runs in a thread after the interaction has been deferred (Discord wants a first response
within 3 s).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import discord
from discord import app_commands

from digestbot.chat import management_commands as typed
from digestbot.chat.commands import VERBS, commandable_topics
from digestbot.domain.models import CommandContext, Reply, Topic

from . import limits
from .render import render_error, render_reply, truncate
from .settings import DiscordConfigError
from .suggestions import StaticSuggestions, Suggestions, feed_choices, timezone_choices, topic_choices

log = logging.getLogger("digestbot.adapters.discord")

Answer = Callable[[str | typed.ManagementCommand, CommandContext], Reply]
T = TypeVar("T")

PUBLIC_HELP = "Show the answer to everyone in the channel (default: only you)"
DIGEST_HELP = "Today's digest: the top stories with key points and what's new"
DIGEST_GROUP_HELP = "The top stories, and this channel's digest: subscribe, settings, topics, feeds"
AUTOCOMPLETE_SECONDS = 2.0  # Discord waits 3 s for autocomplete choices
ERROR_TEXT = "Sorry, that command failed. Please try again in a moment."


def member_roles(interaction: discord.Interaction) -> tuple[str, ...]:
    """The member's role names where the guild's roles are known (cached), role ids otherwise."""
    user = interaction.user
    role_ids = getattr(user, "_roles", None) or ()  # the ids from the payload, cached guild or not
    guild = interaction.guild
    roles = []
    for role_id in role_ids:
        role = guild.get_role(role_id) if guild is not None else None
        roles.append(role.name if role is not None else str(role_id))
    return tuple(roles)


def interaction_context(interaction: discord.Interaction) -> CommandContext:
    """Who asks and where. `interaction.permissions` are the member's resolved permissions in
    the channel, sent with the interaction (`member.permissions`): none outside a guild."""
    permissions = interaction.permissions
    is_admin = bool(permissions.administrator or permissions.manage_guild)
    channel = str(interaction.channel_id) if interaction.channel_id is not None else "unknown"
    return CommandContext("discord", channel, str(interaction.user.id), is_admin, member_roles(interaction))


async def run_command(interaction: discord.Interaction, command: str | typed.ManagementCommand, public: bool,
                      answer: Answer) -> None:
    """Defer at once, answer in a thread, complete by follow-up. A typed command carries
    `public` itself; a text one gets the word."""
    ephemeral = not public
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    line = f"{command} public" if public and isinstance(command, str) else command
    reply = await asyncio.to_thread(answer, line, interaction_context(interaction))
    message = render_reply(reply)
    await interaction.followup.send(**message.send_kwargs(), ephemeral=ephemeral, wait=True)


def _description(text: str) -> str:
    return truncate(" ".join(text.split()), limits.COMMAND_DESCRIPTION) or "-"


def _verb_command(topic: str, verb: str, description: str, answer: Answer) -> app_commands.Command:
    @app_commands.describe(public=PUBLIC_HELP)
    async def callback(interaction: discord.Interaction, public: bool = False) -> None:
        await run_command(interaction, f"/{topic} {verb}", public, answer)

    return app_commands.Command(name=verb, description=_description(description), callback=callback)


def topic_group(topic: Topic, answer: Answer) -> app_commands.Group:
    """`/<topic> VERB` for every verb of the command layer (`digestbot.chat.commands.VERBS`)."""
    try:
        group = app_commands.Group(
            name=topic.name, description=_description(topic.title or f"News about {topic.name}")
        )
    except (ValueError, TypeError):
        raise DiscordConfigError(
            f"topics: name {topic.name!r} cannot be a Discord command "
            "(use 1-32 lowercase letters, digits, '-' or '_')"
        ) from None
    for verb, description in VERBS.items():
        group.add_command(_verb_command(topic.name, verb, description, answer))
    return group


async def _choices(
    lookup: Callable[[], T], match: Callable[[T], list[tuple[str, str]]], what: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: `lookup` runs in a thread with a deadline; any failure is []."""
    try:
        data = await asyncio.wait_for(asyncio.to_thread(lookup), timeout=AUTOCOMPLETE_SECONDS)
        return [app_commands.Choice(name=name, value=value) for name, value in match(data)]
    except Exception as exc:  # noqa: BLE001 - autocompletion must answer, even with nothing
        log.warning("discord autocomplete for %s failed: %s", what, exc)
        return []


Run = Callable[[discord.Interaction, str, bool], Awaitable[None]]  # a sub-command's text, answered
Complete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


@dataclass(frozen=True)
class Completers:
    """The autocompletion callbacks of `/digest`'s options, over the live `Suggestions`."""

    topic_or_all: Complete
    topic_only: Complete
    time_zone: Complete
    feed_id: Complete


def completers(suggestions: Suggestions) -> Completers:
    async def topic_or_all(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await _choices(suggestions.topics, lambda names: topic_choices(names, current, with_all=True), "topic")

    async def topic_only(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await _choices(suggestions.topics, lambda names: topic_choices(names, current), "topic")

    async def time_zone(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await _choices(lambda: current, timezone_choices, "tz")

    async def feed_id(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await _choices(suggestions.feeds, lambda found: feed_choices(found, current), "feed")

    return Completers(topic_or_all, topic_only, time_zone, feed_id)


def digest_group(answer: Answer, suggestions: Suggestions) -> app_commands.Group:
    """`/digest top|help|subscribe|unsubscribe|settings|now`, `/digest topics add|list|remove`,
    `/digest feeds add|list|remove`: each builds its typed management command and runs it."""
    digest = app_commands.Group(name="digest", description=DIGEST_GROUP_HELP)
    complete = completers(suggestions)

    async def run(interaction: discord.Interaction, command: str | typed.ManagementCommand, public: bool) -> None:
        await run_command(interaction, command, public, answer)

    _add_overview_commands(digest, run)
    _add_subscription_commands(digest, run, complete)
    _add_channel_commands(digest, run)
    digest.add_command(_topics_group(run, complete))  # after the plain sub-commands: Discord lists them in this order
    digest.add_command(_feeds_group(run, complete))
    return digest


def _add_overview_commands(digest: app_commands.Group, run: Run) -> None:
    @digest.command(name="top", description=DIGEST_HELP)
    @app_commands.describe(public=PUBLIC_HELP)
    async def top(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, "/digest", public)

    @digest.command(name="help", description="What /digest can do and how to manage this channel")
    @app_commands.describe(public=PUBLIC_HELP)
    async def help_(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, "/digest help", public)


def _add_subscription_commands(digest: app_commands.Group, run: Run, complete: Completers) -> None:
    @digest.command(name="subscribe", description="Get a digest in this channel (administrators)")
    @app_commands.describe(
        topic="A topic, or all for every story (default: all)",
        daily="Every day at HH:MM, e.g. 08:00 (default: daily 08:00)",
        weekdays="Monday to Friday at HH:MM, e.g. 07:30",
        cron="A cron expression: minute hour day month weekday, e.g. 30 7 * * 1-5",
        tz="Time zone, e.g. Asia/Seoul (default: UTC)",
        include="Only stories with these words (comma-separated; none clears)",
        exclude="Leave out stories with these words (comma-separated; none clears)",
        sources="Only these outlets (comma-separated; none clears)",
        skip_sources="Never these outlets (comma-separated; none clears)",
        threads="Later developments of a story go in its thread",
        breaking="The breaking-news lane: on, off, or at most every 30m, 2h ...",
        empty="A day with nothing new: skip the digest (default) or post that there is nothing new",
        public=PUBLIC_HELP,
    )
    @app_commands.choices(threads=[app_commands.Choice(name="on", value="on"),
                                   app_commands.Choice(name="off", value="off")],
                          empty=[app_commands.Choice(name="skip", value="skip"),
                                 app_commands.Choice(name="post", value="post")])
    @app_commands.autocomplete(topic=complete.topic_or_all, tz=complete.time_zone)
    async def subscribe(
        interaction: discord.Interaction,
        topic: str | None = None,
        daily: str | None = None,
        weekdays: str | None = None,
        cron: str | None = None,
        tz: str | None = None,
        include: str | None = None,
        exclude: str | None = None,
        sources: str | None = None,
        skip_sources: str | None = None,
        threads: str | None = None,
        breaking: str | None = None,
        empty: str | None = None,
        public: bool = False,
    ) -> None:
        command = typed.Subscribe(
            topic=topic, daily=daily, weekdays=weekdays, cron=cron, tz=tz, include=include, exclude=exclude,
            sources=sources, skip_sources=skip_sources, threads=threads, breaking=breaking, empty=empty,
            public=public,
        )
        await run(interaction, command, public)

    @digest.command(name="unsubscribe", description="Stop a digest in this channel (administrators)")
    @app_commands.describe(topic="The topic, or all (default: every digest of this channel)", public=PUBLIC_HELP)
    @app_commands.autocomplete(topic=complete.topic_or_all)
    async def unsubscribe(interaction: discord.Interaction, topic: str | None = None, public: bool = False) -> None:
        await run(interaction, typed.Unsubscribe(topic=topic, public=public), public)


def _add_channel_commands(digest: app_commands.Group, run: Run) -> None:
    @digest.command(name="settings", description="What this channel gets, when, and the last changes")
    @app_commands.describe(public=PUBLIC_HELP)
    async def settings(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, typed.Settings(public=public), public)

    @digest.command(name="now", description="Post this channel's digest at once (administrators)")
    @app_commands.describe(public=PUBLIC_HELP)
    async def now(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, typed.PostNow(public=public), public)


def _topics_group(run: Run, complete: Completers) -> app_commands.Group:
    topics = app_commands.Group(name="topics", description="The topics stories are sorted into")

    @topics.command(name="add", description="Add a topic (administrators)")
    @app_commands.describe(
        name="1-32 lowercase letters, digits, - or _, e.g. dam",
        keywords="Comma-separated, e.g. Kessel Dam, Arnvik",
        public=PUBLIC_HELP,
    )
    async def topics_add(interaction: discord.Interaction, name: str, keywords: str, public: bool = False) -> None:
        command = typed.TopicsAdd(name=name, keywords=typed.split_keywords(keywords), public=public)
        await run(interaction, command, public)

    @topics.command(name="list", description="Every topic and its keywords")
    @app_commands.describe(public=PUBLIC_HELP)
    async def topics_list(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, typed.TopicsList(public=public), public)

    @topics.command(name="remove", description="Remove a topic and its subscriptions (administrators)")
    @app_commands.describe(name="The topic", public=PUBLIC_HELP)
    @app_commands.autocomplete(name=complete.topic_only)
    async def topics_remove(interaction: discord.Interaction, name: str, public: bool = False) -> None:
        await run(interaction, typed.TopicsRemove(name=name, public=public), public)

    return topics


def _feeds_group(run: Run, complete: Completers) -> app_commands.Group:
    feeds = app_commands.Group(name="feeds", description="The RSS and Atom feeds the bot reads")

    @feeds.command(name="add", description="Add an RSS or Atom feed, checked once now (administrators)")
    @app_commands.describe(url="The feed's http(s) URL", topic="Its articles count for this topic first",
                           public=PUBLIC_HELP)
    @app_commands.autocomplete(topic=complete.topic_only)
    async def feeds_add(interaction: discord.Interaction, url: str, topic: str | None = None,
                        public: bool = False) -> None:
        await run(interaction, typed.FeedsAdd(url=url, topic=topic, public=public), public)

    @feeds.command(name="list", description="Every feed and its health")
    @app_commands.describe(public=PUBLIC_HELP)
    async def feeds_list(interaction: discord.Interaction, public: bool = False) -> None:
        await run(interaction, typed.FeedsList(public=public), public)

    @feeds.command(name="remove", description="Stop reading a feed (administrators)")
    @app_commands.describe(feed="The feed's number, as in /digest feeds list", public=PUBLIC_HELP)
    @app_commands.rename(feed="id")
    @app_commands.autocomplete(feed=complete.feed_id)
    async def feeds_remove(interaction: discord.Interaction, feed: str, public: bool = False) -> None:
        await run(interaction, typed.FeedsRemove(feed=feed, public=public), public)

    return feeds


def register_commands(
    tree: app_commands.CommandTree, topics: Sequence[Topic], answer: Answer, suggestions: Suggestions | None = None
) -> None:
    """Add `/digest ...`, one group per topic, and an error handler that always answers.
    `suggestions` feeds the autocompletion (default: the given topics, no feeds)."""
    topics, left_out = commandable_topics(list(topics))  # never more than Discord accepts
    for problem in left_out:
        log.warning("discord: no slash command for %s", problem)
    names = [topic.name for topic in topics]
    if suggestions is None:
        suggestions = StaticSuggestions(names)
    tree.add_command(digest_group(answer, suggestions))
    for topic in topics:
        tree.add_command(topic_group(topic, answer))

    @tree.error
    async def on_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        name = interaction.command.qualified_name if interaction.command else "?"
        log.error("discord command /%s failed: %s", name, original, exc_info=original)
        message = render_error(ERROR_TEXT)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(**message.send_kwargs(), ephemeral=True)
            else:
                await interaction.response.send_message(**message.send_kwargs(), ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("discord could not report the failure of /%s: %s", name, exc)
