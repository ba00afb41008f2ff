"""A fake Slack on 127.0.0.1: Web API (`POST /api/{method}`) and `response_url`s, recording calls."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeSlack:
    """Answers the Web API like Slack would, and records every call and every response_url post.

    `script[method]` is a queue of `(status, body, headers)` answers used before the default.
    """

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    script: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _ts: int = 0
    _taken: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # Set `hold_posts` to make chat.postMessage record the message, then not answer until set.
    hold_posts: asyncio.Event | None = None
    posted: asyncio.Event = field(default_factory=asyncio.Event)
    # What `usergroups.list` answers (include_users=true adds each group's `users`).
    usergroups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/commands/T1/{name}"

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def next_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next post to a response_url not yet taken (waiting for it if need be)."""
        async with asyncio.timeout(timeout):
            while len(self.responses) <= self._taken:
                self._arrived.clear()
                await self._arrived.wait()
        self._taken += 1
        return self.responses[self._taken - 1]

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        if request.method == "GET":
            params = dict(request.query)
        elif raw and request.content_type == "application/json":
            params = json.loads(raw)
        else:
            params = dict(await request.post())
        self.calls.append(Call(method, params, dict(request.headers)))
        if self.script[method]:
            status, body, headers = self.script[method].pop(0)
            return web.json_response(body, status=status, headers=headers)
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "url": "https://fake.slack.com/", "team": "T", "user": "digestbot",
                 "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
            )
        if method == "conversations.history":  # newest first, with metadata, like Slack
            messages = [
                {"type": "message", "ts": f"1700000000.{n:06d}", "text": c.params.get("text"),
                 **({"metadata": c.params["metadata"]} if c.params.get("metadata") else {})}
                for n, c in enumerate(self.called("chat.postMessage"), 1)
                if c.params.get("channel") == params.get("channel")
            ]
            return web.json_response({"ok": True, "messages": messages[::-1], "has_more": False})
        if method == "usergroups.list":
            include_users = str(params.get("include_users", "")).lower() in {"1", "true"}
            groups = [g if include_users else {k: v for k, v in g.items() if k != "users"} for g in self.usergroups]
            return web.json_response({"ok": True, "usergroups": groups})
        if method == "chat.postMessage":
            self._ts += 1
            self.posted.set()
            if self.hold_posts is not None:
                await self.hold_posts.wait()
            return web.json_response(
                {"ok": True, "channel": params.get("channel"), "ts": f"1700000000.{self._ts:06d}",
                 "message": {"text": params.get("text")}}
            )
        return web.json_response({"ok": True})

    async def response_hook(self, request: web.Request) -> web.Response:
        if self.script["response_url"]:
            status, body, headers = self.script["response_url"].pop(0)
            return web.json_response(body, status=status, headers=headers)
        self.responses.append(json.loads(await request.read()))
        self._arrived.set()
        return web.Response(text="ok")


@pytest.fixture
async def fake_slack():
    fake = FakeSlack()
    app = web.Application()
    app.router.add_post("/api/{method}", fake.api)
    app.router.add_get("/api/{method}", fake.api)
    app.router.add_post("/commands/{team}/{name}", fake.response_hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.url = f"http://{host}:{port}"
    yield fake
    await runner.cleanup()
