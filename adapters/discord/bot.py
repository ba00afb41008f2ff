"""The Discord bot: slash commands backed by the command layer, one group per topic.

`answer` is the command layer's port: it takes a command line such as "/visit facts" and
who asks (a `CommandContext`: channel, user, administrator or not, role names) and returns a
Reply. `/digest` takes an optional free-text `command` for the management commands
(`/digest command: subscribe visit daily 08:00 tz Asia/Seoul`); whether the user may change
settings comes from the interaction itself (the member's resolved permissions), so no
member cache or privileged intent is needed. `answer` is synchronous and may be slow, so it
runs in a thread after the interaction has been deferred (Discord wants a first response
within 3 s).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import discord
from discord import app_commands

from digestbot.models import CommandContext, Reply, Topic

from . import limits
from .config import DiscordConfigError, DiscordSettings, apply_endpoints, check_token, login_failed
from .render import render_error, render_reply, truncate

log = logging.getLogger("digestbot.adapters.discord")

Answer = Callable[[str, CommandContext], Reply]

VERBS: dict[str, str] = {
    "facts": "Who, what, when, where and how many, with the sources that state them",
    "new": "What newer coverage adds to earlier reports",
    "summary": "Key points of the story so far",
    "sources": "The articles behind the story, newest first",
    "timeline": "How the story developed, in order",
    "help": "What this command can do",
}
PUBLIC_HELP = "Show the answer to everyone in the channel (default: only you)"
DIGEST_HELP = "Today's digest: the top stories with key points and what's new"
COMMAND_HELP = "Manage this channel: subscribe, unsubscribe, settings, topics ..., feeds ... (blank: the digest)"
ERROR_TEXT = "Sorry, that command failed. Please try again in a moment."
MAX_GROUPS = 99  # Discord allows 100 top-level commands; /digest is one


def discord_intents() -> discord.Intents:
    """Only what slash commands need: no message content, no members, no presences."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


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


async def run_command(interaction: discord.Interaction, command_text: str, public: bool, answer: Answer) -> None:
    """Defer at once, answer in a thread, complete by follow-up."""
    ephemeral = not public
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    line = f"{command_text} public" if public else command_text
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
    """`/<topic> facts|new|summary|sources|timeline|help`."""
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


def digest_command(answer: Answer) -> app_commands.Command:
    @app_commands.describe(public=PUBLIC_HELP, command=COMMAND_HELP)
    async def callback(interaction: discord.Interaction, public: bool = False, command: str | None = None) -> None:
        text = " ".join((command or "").split())
        await run_command(interaction, f"/digest {text}".strip(), public, answer)

    return app_commands.Command(name="digest", description=DIGEST_HELP, callback=callback)


def register_commands(tree: app_commands.CommandTree, topics: Sequence[Topic], answer: Answer) -> None:
    """Add `/digest`, one group per topic, and an error handler that always answers."""
    if len(topics) > MAX_GROUPS:
        raise DiscordConfigError(f"topics: Discord allows at most {MAX_GROUPS} topic commands, got {len(topics)}")
    names = [topic.name for topic in topics]
    if "digest" in names:
        raise DiscordConfigError("topics: name 'digest' is taken by the /digest command")
    tree.add_command(digest_command(answer))
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


async def sync_commands(bot: discord.Client, guild_id: int | None) -> list[app_commands.AppCommand]:
    """Publish the commands: to one guild (visible at once) or globally (may take a while)."""
    tree: app_commands.CommandTree = bot.tree  # type: ignore[attr-defined]
    if guild_id is not None:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
    else:
        synced = await tree.sync()
    log.info("discord commands synced: %d (%s)", len(synced), f"guild {guild_id}" if guild_id else "global")
    return synced


class DigestBot(discord.Client):
    """A discord.py client receiving its dependencies; `setup_hook` syncs the commands.

    `max_ratelimit_timeout`: a rate-limit wait longer than this (seconds, at least 30)
    raises `discord.RateLimited` instead of sleeping; the publisher turns it into
    `DeliveryDeferred` so the digest stays queued.
    """

    def __init__(
        self,
        *,
        answer: Answer,
        topics: Sequence[Topic],
        guild_id: int | None = None,
        sync: bool = True,
        max_ratelimit_timeout: float | None = 60.0,
        **options,
    ):
        super().__init__(
            intents=discord_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=max_ratelimit_timeout,
            **options,
        )
        self.tree = app_commands.CommandTree(self)
        self.answer = answer
        self.topics = list(topics)
        self.guild_id = guild_id
        self._sync = sync
        register_commands(self.tree, self.topics, answer)

    async def setup_hook(self) -> None:
        if self._sync:
            await sync_commands(self, self.guild_id)

    async def login(self, token: str) -> None:
        """Log in with a checked token; a refused token is a one-line config error."""
        token = check_token(token)
        try:
            await super().login(token)
        except discord.LoginFailure:
            raise login_failed() from None


def build_bot(settings: DiscordSettings, answer: Answer, topics: Sequence[Topic], **options) -> DigestBot:
    """Apply the endpoint overrides, then build the bot. Run it in the caller's loop:

        async with bot:
            await bot.start(settings.token)
    """
    apply_endpoints(settings.api_url, settings.gateway_url)
    return DigestBot(answer=answer, topics=topics, guild_id=settings.guild_id, **options)
