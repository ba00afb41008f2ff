"""Slash-command listeners: `/<topic> <verb> [args]` for every configured topic, and `/digest`.

Handlers `ack()` first, then run the (synchronous, possibly slow) command layer in a worker
thread and send its reply to the command's `response_url` (what bolt's `respond()` does, plus
a wait-and-retry on 429 `Retry-After`): ephemeral unless the reply says otherwise. A slash
command repeated with the same `trigger_id` is answered once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from digestbot.models import Reply, Topic

from .manifest import DIGEST_COMMAND, command_name
from .publisher import Sleep, retry_handlers
from .render import render_reply

log = logging.getLogger("digestbot.adapters.slack")

Answer = Callable[[str], Reply]
MAX_ARGUMENT_CHARS = 2000
FAILURE = Reply(title="Sorry, that did not work. Please try again in a moment.", ok=False)


class RecentTriggers:
    """The last `size` trigger ids seen: a repeated slash command causes one answer."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, trigger_id: str | None) -> bool:
        if not trigger_id:
            return True
        if trigger_id in self._seen:
            return False
        self._seen[trigger_id] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


def command_text(command: dict[str, Any]) -> str:
    """What the command layer parses: `"/visit facts public"` (command, a space, the text)."""
    text = " ".join(str(command.get("text") or "").split())[:MAX_ARGUMENT_CHARS]
    return f"{command.get('command', '')} {text}".strip()


def reply_payload(reply: Reply) -> dict[str, Any]:
    message = render_reply(reply)
    return {
        "text": message.text,
        "blocks": message.blocks,
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
        "unfurl_links": False,
        "unfurl_media": False,
    }


async def send_reply(response_url: str, payload: dict[str, Any], *, sleep: Sleep = asyncio.sleep) -> None:
    """POST the reply to Slack's `response_url`, waiting out a 429 once."""
    client = AsyncWebhookClient(url=response_url, retry_handlers=retry_handlers(sleep=sleep))
    response = await client.send_dict(payload)
    if response.status_code >= 400:
        log.warning("slack response_url refused the answer: HTTP %s %s", response.status_code, response.body[:200])


def make_handler(answer: Answer, triggers: RecentTriggers | None = None, *, sleep: Sleep = asyncio.sleep):
    triggers = triggers or RecentTriggers()

    async def handle_command(ack, respond, command) -> None:
        await ack()
        if not triggers.first_time(command.get("trigger_id")):
            log.info("slack command %s repeated (same trigger_id): answered once", command.get("command"))
            return
        text = command_text(command)
        try:
            reply = await asyncio.to_thread(answer, text)
        except Exception:
            log.exception("slack command %r failed", text)
            reply = FAILURE
        payload = reply_payload(reply)
        try:
            if command.get("response_url"):
                await send_reply(command["response_url"], payload, sleep=sleep)
            else:
                await respond(**payload)
        except Exception:
            log.exception("slack command %r: could not send the answer to response_url", text)

    return handle_command


def register(app: AsyncApp, topics: Sequence[Topic], answer: Answer, *, sleep: Sleep = asyncio.sleep) -> list[str]:
    """Register one listener per topic command and `/digest`; return the command names."""
    names = [command_name(topic) for topic in topics] + [DIGEST_COMMAND]
    handler = make_handler(answer, sleep=sleep)
    for name in dict.fromkeys(names):
        app.command(name)(handler)
    return names
