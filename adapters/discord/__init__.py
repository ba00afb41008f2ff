"""Discord adapter (discord.py): slash commands, scheduled digests to channels or webhooks.

`discord` is imported only under this package.
"""

from .bot import DigestBot, build_bot, discord_intents, sync_commands
from .commands import register_commands, run_command
from .publisher import DeliveryDeferred, DiscordChannelPublisher, DiscordWebhookPublisher
from .render import DiscordMessage, render_digest, render_reply
from .settings import DiscordConfigError, DiscordSettings, apply_endpoints, check_token, load_discord_settings
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
    "load_discord_settings",
    "register_commands",
    "render_digest",
    "render_reply",
    "run_command",
    "sync_commands",
]
