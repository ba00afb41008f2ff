"""The Discord bot: a discord.py client that receives its dependencies, registers the slash
commands (`commands.py`) and syncs them in `setup_hook`. Run it in the process's one loop with
`async with bot: await bot.start(token)`, never `bot.run()`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands

from digestbot.domain.models import Topic

from .commands import Answer, register_commands
from .settings import DiscordSettings, apply_endpoints, check_token, login_failed
from .suggestions import Suggestions

log = logging.getLogger("digestbot.adapters.discord")


def discord_intents() -> discord.Intents:
    """Only what slash commands need: no message content, no members, no presences."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


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
        suggestions: Suggestions | None = None,
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
        register_commands(self.tree, self.topics, answer, suggestions)

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


def build_bot(
    settings: DiscordSettings,
    answer: Answer,
    topics: Sequence[Topic],
    suggestions: Suggestions | None = None,
    **options,
) -> DigestBot:
    """Apply the endpoint overrides, then build the bot. Run it in the caller's loop:

        async with bot:
            await bot.start(settings.token)
    """
    apply_endpoints(settings.api_url, settings.gateway_url)
    return DigestBot(answer=answer, topics=topics, suggestions=suggestions, guild_id=settings.guild_id, **options)
