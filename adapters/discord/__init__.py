"""Discord adapter (discord.py): slash commands, scheduled digests to channels or webhooks.

`discord` is imported only under this package.
"""

from .bot import DigestBot, build_bot, discord_intents, register_commands, run_command, sync_commands
from .config import DiscordConfigError, DiscordSettings, apply_endpoints, check_token
from .publish import DeliveryDeferred, DiscordChannelPublisher, DiscordWebhookPublisher
from .render import DiscordMessage, render_digest, render_reply
from .suggestions import ManagementSuggestions, StaticSuggestions, Suggestions

__all__ = [
    "DeliveryDeferred",
    "DigestBot",
    "DiscordChannelPublisher",
    "DiscordConfigError",
    "DiscordMessage",
    "DiscordSettings",
    "DiscordWebhookPublisher",
    "ManagementSuggestions",
    "StaticSuggestions",
    "Suggestions",
    "apply_endpoints",
    "build_bot",
    "check_token",
    "discord_intents",
    "register_commands",
    "render_digest",
    "render_reply",
    "run_command",
    "sync_commands",
]
