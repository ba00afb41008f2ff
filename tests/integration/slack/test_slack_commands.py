"""Slash commands through the real slack-bolt AsyncApp over loopback HTTP, signed as Slack signs."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.signature import SignatureVerifier

from digestbot.adapters.slack.app import build_slack_app, build_socket_mode_handler, events_handler, serve_http
from digestbot.adapters.slack.settings import SlackSettings
from digestbot.adapters.slack.signature import SignatureRefused, check_signature, compute_signature
from digestbot.domain.models import Reply, ReplySection, Topic
from fakes import RecordingAnswer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOPICS = [Topic("visit", "Lee Jae Myung's state visit to China"), Topic("climate", "Climate talks")]

# Slack's published example (https://docs.slack.dev/authentication/verifying-requests-from-slack/)
VECTOR_TS = "1531420618"
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_official_signature_vector():
    assert compute_signature(SECRET, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE
    headers = {"X-Slack-Request-Timestamp": VECTOR_TS, "X-Slack-Signature": VECTOR_SIGNATURE}
    check_signature(SECRET, headers, VECTOR_BODY.encode(), clock=lambda: int(VECTOR_TS) + 10)
    # and bolt's own verifier (slack-sdk) agrees
    clock = type("C", (), {"now": staticmethod(lambda: float(VECTOR_TS))})()
    assert SignatureVerifier(SECRET, clock=clock).is_valid(VECTOR_BODY, VECTOR_TS, VECTOR_SIGNATURE)


def test_timestamp_window_is_300_seconds_either_way():
    body = b"a=1"
    now = 1_700_000_000

    def headers(ts: int) -> dict[str, str]:
        return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": compute_signature(SECRET, str(ts), body)}

    for ts in (now - 300, now, now + 300):
        check_signature(SECRET, headers(ts), body, clock=lambda: now)
    for ts in (now - 301, now + 301):
        with pytest.raises(SignatureRefused) as refused:
            check_signature(SECRET, headers(ts), body, clock=lambda: now)
        assert refused.value.status == 401
    with pytest.raises(SignatureRefused):
        check_signature("", headers(now), body, clock=lambda: now)


def test_http_mode_refuses_to_serve_without_a_signing_secret():
    settings = SlackSettings(bot_token=SecretStr("xoxb-test"), app_token=SecretStr("xapp-1-abc"))
    app = build_slack_app(settings, TOPICS, lambda text, context: Reply(title="x"))
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        events_handler(app)


def slash_body(fake, command="/visit", text="facts public", trigger="111.222.abc", **extra) -> str:
    fields = {
        "token": "legacy", "team_id": "T1", "team_domain": "t", "channel_id": "C1", "channel_name": "news",
        "user_id": "U1", "user_name": "reader", "command": command, "text": text,
        "api_app_id": "A1", "is_enterprise_install": "false",
        "response_url": fake.response_url(), "trigger_id": trigger,
    }
    fields.update(extra)
    return urlencode(fields)


def signed(body: str, *, secret: str = SECRET, ts: int | str | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def settings_for(fake) -> SlackSettings:
    return SlackSettings(bot_token=SecretStr("xoxb-test"), signing_secret=SecretStr(SECRET), api_url=fake.api_url)


class Server:
    def __init__(self, url: str, answer: RecordingAnswer):
        self.url = url
        self.answer = answer

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
        started = time.monotonic()
        async with aiohttp.ClientSession() as session:
            async with session.post(self.url, data=body.encode(), headers=headers) as response:
                return response.status, await response.text(), time.monotonic() - started


@pytest.fixture
async def serve(fake_slack):
    runners = []

    async def start(answer: RecordingAnswer, *, process_before_response: bool = False, sleep=asyncio.sleep) -> Server:
        app = build_slack_app(
            settings_for(fake_slack), TOPICS, answer, process_before_response=process_before_response, sleep=sleep
        )
        runner = await serve_http(app, "127.0.0.1", 0)
        runners.append(runner)
        host, port = runner.addresses[0][:2]
        return Server(f"http://{host}:{port}/slack/events", answer)

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_signed_command_is_answered_at_the_response_url(fake_slack, serve):
    server = await serve(RecordingAnswer(Reply(title="Facts: state visit",
                                               sections=[ReplySection("Who", ["Lee <!channel>"])])))
    body = slash_body(fake_slack)
    status, text, _ = await server.post(body, signed(body))
    assert status == 200 and text == ""
    response = await fake_slack.next_response()
    assert server.answer.asked == ["/visit facts public"]
    assert response["response_type"] == "ephemeral"
    assert response["blocks"][0]["text"]["text"] == "*Facts: state visit*"
    assert response["blocks"][1]["text"]["text"] == "*Who*\n• Lee &lt;!channel&gt;"
    assert "<!channel>" not in str(response)
    assert fake_slack.called("auth.test"), "bolt's client honours SLACK_API_URL"


async def test_public_reply_goes_in_channel_and_digest_command_works(fake_slack, serve):
    server = await serve(RecordingAnswer(Reply(title="Digest", ephemeral=False)))
    body = slash_body(fake_slack, command="/digest", text="")
    status, _, _ = await server.post(body, signed(body))
    assert status == 200
    response = await fake_slack.next_response()
    assert response["response_type"] == "in_channel"
    assert server.answer.asked == ["/digest"]


async def test_slow_answer_is_acknowledged_at_once(fake_slack, serve):
    # The answer port stays blocked until the ack is in: far longer than 3 s if it had to be.
    gate = threading.Event()
    server = await serve(RecordingAnswer(gate=gate))
    body = slash_body(fake_slack, command="/climate", text="new")
    try:
        status, _, elapsed = await asyncio.wait_for(server.post(body, signed(body)), timeout=3)
        assert status == 200 and elapsed < 3
        assert fake_slack.responses == []  # the answer is still being worked out
    finally:
        gate.set()
    response = await fake_slack.next_response()
    assert server.answer.asked == ["/climate new"] and response["blocks"]


async def test_failing_answer_gets_a_polite_reply(fake_slack, serve):
    server = await serve(RecordingAnswer(error=RuntimeError("boom")))
    body = slash_body(fake_slack)
    status, _, _ = await server.post(body, signed(body))
    assert status == 200
    response = await fake_slack.next_response()
    assert response["response_type"] == "ephemeral" and "try again" in response["text"]


async def test_repeated_trigger_is_answered_once(fake_slack, serve):
    server = await serve(RecordingAnswer(), process_before_response=True)
    body = slash_body(fake_slack)
    for _ in range(2):
        status, _, _ = await server.post(body, signed(body))
        assert status == 200
    assert server.answer.asked == ["/visit facts public"] and len(fake_slack.responses) == 1


async def test_process_before_response_answers_before_the_http_response(fake_slack, serve):
    server = await serve(RecordingAnswer(), process_before_response=True)
    body = slash_body(fake_slack, text="  sources   ")
    status, _, _ = await server.post(body, signed(body))
    assert status == 200 and len(fake_slack.responses) == 1
    assert server.answer.asked == ["/visit sources"]


async def test_answer_waits_out_a_429_at_the_response_url(fake_slack, serve):
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    server = await serve(RecordingAnswer(), process_before_response=True, sleep=sleep)
    fake_slack.script["response_url"].append((429, {"ok": False}, {"Retry-After": "1"}))
    body = slash_body(fake_slack)
    status, _, _ = await server.post(body, signed(body))
    assert status == 200 and waited == [1.0] and len(fake_slack.responses) == 1


def _refusals(fake):
    body = slash_body(fake)
    now = int(time.time())
    good = signed(body)
    yield "bad signature", body, {**good, "X-Slack-Signature": "v0=" + "0" * 64}
    yield "signed with another secret", body, signed(body, secret="another")
    # a minute past the five-minute window: the requests before it take time on a loaded machine, and
    # 301 s ahead had become 300 by the time bolt looked (the exact boundary is tested with a fixed clock above)
    yield "timestamp 6 min old", body, signed(body, ts=now - 360)
    yield "timestamp 6 min ahead", body, signed(body, ts=now + 360)
    yield "non-numeric timestamp", body, signed(body, ts="soon")
    yield "negative timestamp", body, signed(body, ts="-5")
    yield "no signature", body, {k: v for k, v in good.items() if k != "X-Slack-Signature"}
    yield "no timestamp", body, {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"}
    yield "no headers", body, {"Content-Type": good["Content-Type"]}
    yield "changed body", body.replace("facts", "new"), good
    forged = urlencode({"ssl_check": "1", "token": "legacy", "command": "/visit", "text": "facts",
                        "response_url": fake.response_url()})
    yield "forged ssl_check", forged, {"Content-Type": good["Content-Type"]}
    yield "ssl_check with a bad signature", forged, {**signed(forged), "X-Slack-Signature": "v0=00"}


async def test_unsigned_or_stale_requests_are_refused_and_reach_no_handler(fake_slack, serve):
    server = await serve(RecordingAnswer(), process_before_response=True)
    for name, body, headers in _refusals(fake_slack):
        status, _, _ = await server.post(body, headers)
        assert 400 <= status < 500, name
    await asyncio.sleep(0.05)
    assert server.answer.asked == [] and fake_slack.responses == []
    assert not fake_slack.called("auth.test")


async def test_signed_ssl_check_is_answered_without_a_handler(fake_slack, serve):
    server = await serve(RecordingAnswer(), process_before_response=True)
    body = urlencode({"ssl_check": "1", "token": "legacy"})
    status, _, _ = await server.post(body, signed(body))
    assert status == 200 and server.answer.asked == []


async def test_unknown_command_reaches_no_handler(fake_slack, serve):
    server = await serve(RecordingAnswer(), process_before_response=True)
    body = slash_body(fake_slack, command="/other")
    status, _, _ = await server.post(body, signed(body))
    assert status == 404 and server.answer.asked == []


async def test_socket_mode_handler_is_built_not_started(fake_slack):
    settings = SlackSettings(
        bot_token=SecretStr("xoxb-test"), app_token=SecretStr("xapp-1-abc"), api_url=fake_slack.api_url
    )
    app = build_slack_app(settings, TOPICS, RecordingAnswer())
    handler = build_socket_mode_handler(app, settings)
    assert isinstance(handler, AsyncSocketModeHandler)
    assert handler.client.web_client is app.client
    assert handler.client.web_client.base_url == fake_slack.api_url
    assert fake_slack.calls == []
