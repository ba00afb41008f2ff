"""A fake Discord REST API (used by conftest.py's `fake_discord` fixture) on 127.0.0.1 that the real discord.py talks to.

It records every request and answers the few routes the adapter uses. Every response has
`Content-Type: application/json` exactly: discord.py does not parse
`application/json; charset=utf-8` as JSON.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BODY = web.RequestKey("body", object)


APP_ID = 1100000000000000001
BOT_USER_ID = 1100000000000000002
GUILD_ID = 1100000000000000003
CHANNEL_ID = 1100000000000000004
USER_ID = 1100000000000000005
WEBHOOK_ID = 1100000000000000006
WEBHOOK_TOKEN = "w" * 68
WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
# The shape of a bot token (three base64url parts); not a real one.
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789ABCD"
TIMESTAMP = "2026-01-03T10:00:00.000000+00:00"


def message_texts(body: dict) -> list[str]:
    """Every piece of text Discord renders from a message payload."""
    texts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        texts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        for f in embed.get("fields", []):
            texts += [f["name"], f["value"]]
    return texts


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def user_payload(user_id: int, name: str, bot: bool = False) -> dict:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any

    def message_body(self) -> dict | None:
        """The message part of the body: an interaction callback nests it under `data`."""
        body = self.body
        if isinstance(body, dict) and isinstance(body.get("type"), int) and isinstance(body.get("data"), dict):
            body = body["data"]
        return body if isinstance(body, dict) else None

    @property
    def is_message(self) -> bool:
        """A request that carries message content (a post, follow-up, edit or reply)."""
        body = self.message_body()
        return body is not None and ("content" in body or "embeds" in body)


@dataclass
class FakeDiscord:
    """The fake's state: what was asked, and scripted failures per route key."""

    url: str = ""
    gateway_url: str = ""  # served at GET /gateway and /gateway/bot when set
    requests: list[Recorded] = field(default_factory=list)
    # channel id -> responses (status, body, headers) to give before answering normally
    channel_script: dict[int, list[tuple[int, Any, dict] | None]] = field(default_factory=dict)
    webhook_script: list[tuple[int, Any, dict] | None] = field(default_factory=list)
    callback_script: list[tuple[int, Any, dict] | None] = field(default_factory=list)
    # channel id -> responses to give GET /channels/{id}/messages before answering normally
    history_script: dict[int, list[tuple[int, Any, dict] | None]] = field(default_factory=dict)
    # channel id -> the messages POSTed there (oldest first), as the fake answered them
    channel_messages: dict[int, list[dict]] = field(default_factory=dict)
    login_status: int = 200
    callback_seen: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: Any = field(default_factory=lambda: itertools.count(1200000000000000001))

    def calls(self, method: str, path_fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_fragment in r.path]

    def message_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.is_message]

    def add_message(self, channel_id: int, content: str, author_id: int = BOT_USER_ID) -> dict:
        """A message already in the channel (by anyone): GET .../messages lists it."""
        made = self.message(channel_id, {"content": content})
        if author_id != BOT_USER_ID:
            made["author"] = user_payload(author_id, "someone")
        self.channel_messages.setdefault(channel_id, []).append(made)
        return made

    def message(self, channel_id: int, body: dict, webhook_id: int | None = None) -> dict:
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "flags": body.get("flags", 0) or 0,
            "components": [],
            "author": user_payload(webhook_id or BOT_USER_ID, "digestbot", bot=True),
            **({"webhook_id": str(webhook_id)} if webhook_id else {}),
        }


def build_app(fake: FakeDiscord) -> web.Application:
    routes = web.RouteTableDef()
    api = "/api/v10"

    @web.middleware
    async def record(request: web.Request, handler):
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        fake.requests.append(Recorded(request.method, request.path, dict(request.query), body))
        request[BODY] = body
        return await handler(request)

    def scripted(script: list[tuple[int, Any, dict]]) -> web.Response | None:
        if script:
            step = script.pop(0)
            if step is not None:  # None: answer this one normally
                status, body, headers = step
                return json_response(body, status, headers)
        return None

    @routes.get(api + "/users/@me")
    async def me(request: web.Request) -> web.Response:
        if fake.login_status != 200:
            return json_response({"message": "401: Unauthorized", "code": 0}, fake.login_status)
        return json_response(user_payload(BOT_USER_ID, "digestbot", bot=True))

    @routes.get(api + "/oauth2/applications/@me")
    async def application(request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(APP_ID),
                "name": "digestbot",
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": user_payload(USER_ID, "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    @routes.get(api + "/gateway")
    @routes.get(api + "/gateway/bot")
    async def gateway(request: web.Request) -> web.Response:
        url = fake.gateway_url or "ws://127.0.0.1:9/"
        return json_response(
            {
                "url": url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
            }
        )

    @routes.post(api + "/channels/{channel_id}/messages")
    async def channel_message(request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        answer = scripted(fake.channel_script.get(channel_id, []))
        if answer is not None:
            return answer
        made = fake.message(channel_id, request[BODY])
        fake.channel_messages.setdefault(channel_id, []).append(made)
        return json_response(made)

    @routes.get(api + "/channels/{channel_id}/messages")
    async def channel_history(request: web.Request) -> web.Response:
        """The channel's messages, newest first, as Discord pages them (`limit`, `before`)."""
        channel_id = int(request.match_info["channel_id"])
        answer = scripted(fake.history_script.get(channel_id, []))
        if answer is not None:
            return answer
        limit = max(1, min(int(request.query.get("limit", "50")), 100))
        before = int(request.query.get("before", 0)) or None
        found = [m for m in reversed(fake.channel_messages.get(channel_id, []))
                 if before is None or int(m["id"]) < before]
        return json_response(found[:limit])

    @routes.post(api + "/interactions/{interaction_id}/{token}/callback")
    async def callback(request: web.Request) -> web.Response:
        answer = scripted(fake.callback_script)
        if answer is not None:
            return answer
        body = request[BODY]
        flags = (body.get("data") or {}).get("flags", 0) or 0
        resource: dict = {"type": body["type"]}
        if body["type"] == 4:
            resource["message"] = fake.message(CHANNEL_ID, body.get("data") or {})
        fake.callback_seen.set()
        return json_response(
            {
                "interaction": {
                    "id": request.match_info["interaction_id"],
                    "type": 2,
                    "response_message_loading": body["type"] == 5,
                    "response_message_ephemeral": bool(flags & 64),
                },
                "resource": resource,
            }
        )

    @routes.post(api + "/webhooks/{webhook_id}/{token}")
    async def webhook(request: web.Request) -> web.Response:
        webhook_id = int(request.match_info["webhook_id"])
        if webhook_id == WEBHOOK_ID:
            answer = scripted(fake.webhook_script)
            if answer is not None:
                return answer
        body = request[BODY]
        if isinstance(body, str):  # multipart: the JSON is in payload_json
            return json_response({"message": "unexpected multipart", "code": 0}, 400)
        return json_response(fake.message(CHANNEL_ID, body, webhook_id=webhook_id))

    @routes.patch(api + "/webhooks/{webhook_id}/{token}/messages/{message_id}")
    async def edit(request: web.Request) -> web.Response:
        return json_response(fake.message(CHANNEL_ID, request[BODY], webhook_id=APP_ID))

    @routes.put(api + "/applications/{app_id}/commands")
    @routes.put(api + "/applications/{app_id}/guilds/{guild_id}/commands")
    async def sync(request: web.Request) -> web.Response:
        synced = []
        for command in request[BODY]:
            synced.append(
                {
                    **command,
                    "id": str(next(fake._ids)),
                    "application_id": request.match_info["app_id"],
                    "version": "1",
                    "default_member_permissions": None,
                    **(
                        {"guild_id": request.match_info["guild_id"]}
                        if "guild_id" in request.match_info
                        else {}
                    ),
                }
            )
        return json_response(synced)

    app = web.Application(middlewares=[record])
    app.add_routes(routes)

    async def not_found(request: web.Request) -> web.Response:
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    app.router.add_route("*", "/{tail:.*}", not_found)
    return app


def interaction_payload(
    command: str = "visit",
    sub: str | None = "facts",
    *,
    public: bool | None = None,
    interaction_id: int = 1300000000000000001,
    token: str = "interaction-token-abc",
) -> dict:
    """An INTERACTION_CREATE payload for a slash command, as the gateway delivers it."""
    options: list[dict] = []
    if public is not None:
        options.append({"name": "public", "type": 5, "value": public})
    if sub is not None:
        options = [{"name": sub, "type": 1, "options": options}]
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": 2,
        "token": token,
        "version": 1,
        "data": {"id": "1400000000000000001", "name": command, "type": 1, "options": options},
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "news",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": {
            "user": user_payload(USER_ID, "reader"),
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": "2147483647",
        },
        "app_permissions": "2147483647",
        "locale": "en-US",
        "guild_locale": "en-US",
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
    }


def option_type(value: Any) -> int:
    """Discord's option type for a value: BOOLEAN 5, INTEGER 4, STRING 3."""
    return 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3


def command_payload(
    command: str,
    path: tuple[str, ...] | list[str] = (),
    options: dict[str, Any] | None = None,
    *,
    focused: str | None = None,
    permissions: int = 2147483647,
    roles: tuple[int, ...] = (),
    interaction_id: int = 1300000000000000001,
) -> dict:
    """An INTERACTION_CREATE payload for `/command sub-group sub-command option:value ...`.

    `path` names the nested sub-command group (type 2) and sub-command (type 1) as Discord
    nests them. With `focused`, the payload is an autocomplete interaction (type 4) for that
    option, whose value is the partial text typed so far.
    """
    leaf: list[dict] = []
    for name, value in (options or {}).items():
        option: dict[str, Any] = {"name": name, "type": 3 if name == focused else option_type(value), "value": value}
        if name == focused:
            option["focused"] = True
        leaf.append(option)
    nested = leaf
    for depth, name in reversed(list(enumerate(path))):
        kind = 1 if depth == len(path) - 1 else 2
        nested = [{"name": name, "type": kind, "options": nested}]
    payload = interaction_payload(command, None, interaction_id=interaction_id)
    payload["data"]["options"] = nested
    if focused is not None:
        payload["type"] = 4
    payload["member"]["permissions"] = str(permissions)
    payload["member"]["roles"] = [str(r) for r in roles]
    return payload


class FakeGateway:
    """A fake Discord gateway (websocket, plain JSON text frames) for a whole `client.connect()`.

    HELLO on connect, READY after IDENTIFY, an ACK for every heartbeat; `dispatch()` pushes an
    event (e.g. INTERACTION_CREATE) to every identified connection.
    """

    def __init__(self) -> None:
        self.url = ""
        self.received: list[dict] = []
        self.identified = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)

    async def dispatch(self, event: str, data: dict) -> None:
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._sequence), "d": data}))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}))
        async for frame in ws:
            if frame.type != web.WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            self.received.append(message)
            if message.get("op") == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif message.get("op") == 2:
                ready = {
                    "v": 10,
                    "user": user_payload(BOT_USER_ID, "digestbot", bot=True),
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.url,
                    "application": {"id": str(APP_ID), "flags": 0},
                    "shard": [0, 1],
                }
                await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready}))
                self._sockets.append(ws)
                self.identified.set()
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.handle)
        return app
