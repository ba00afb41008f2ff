"""`/digest now` and feed health notices through the real Slack wiring, against the fake Slack.

The runtime is the one `digestbot run` builds: `build_platforms` from a Slack environment (HTTP
mode, SLACK_API_URL pointing at the fake), `Runtime.start()` serving `/slack/events` on
loopback, the real slack-bolt app and slack-sdk client; what reaches Slack is observed at the
fake's `chat.postMessage`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import aiohttp
import pytest

from builders import VISIT_FEED, an_app_with_a_visit_story, two_channels_config
from fakes import FakeClock
from digestbot.run.metrics import Metrics
from digestbot.run.platforms import build_platforms
from digestbot.bootstrap import build_runtime, platform_needs
from digestbot.run.runtime import Runtime
from digestbot.domain.records import AuditEntry
from test_slack_commands import SECRET, signed, slash_body
from test_slack_management import text_of, user_info

CONFIG = two_channels_config("slack", "C1", "C2")



def slack_env(fake) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url}


@pytest.fixture
def app(tmp_path):
    app = an_app_with_a_visit_story(tmp_path, CONFIG)
    yield app
    app.close()


@pytest.fixture
async def running(app, fake_slack):
    """`digestbot run`'s runtime with the real Slack platform, started; its HTTP port."""
    clock = FakeClock(datetime(2026, 3, 3, 7, 0, 10, tzinfo=timezone.utc))
    platforms = build_platforms(platform_needs(app), Metrics(), slack_env(fake_slack))
    assert set(platforms) == {"console", "slack"}
    runtime = build_runtime(app, platforms, clock=clock)
    port = await runtime.start()
    try:
        yield runtime, port, clock
    finally:
        await runtime.stop()


async def slash(port: int, fake, text: str, *, user: str, trigger: str, channel: str = "C1") -> dict:
    body = slash_body(fake, command="/digest", text=text, trigger=trigger, user_id=user, channel_id=channel)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
                                headers=signed(body)) as response:
            assert response.status == 200
    return await fake.next_response(timeout=30)  # the default mode: the answer follows the ack


def digests(fake) -> list:
    return [c for c in fake.called("chat.postMessage") if c.params.get("metadata")]


async def test_digest_now_from_an_admin_posts_one_digest_and_a_repeat_in_the_same_minute_nothing(
    running, fake_slack
):
    runtime, port, clock = running
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))
    reply = await slash(port, fake_slack, "now", user="UADMIN", trigger="t1")
    assert "Digest posted" in text_of(reply), text_of(reply)

    [post] = fake_slack.called("chat.postMessage")
    assert post.params["channel"] == "C1"
    assert post.params["blocks"][0]["type"] == "header"
    assert "Lee Jae Myung meets Xi Jinping in Beijing" in json.dumps(post.params["blocks"], ensure_ascii=False)
    assert post.params["metadata"]["event_payload"]["period"] == "now:2026-03-03T07:00"
    assert runtime.posting.ledger.status("slack:C1", "now:2026-03-03T07:00") == "posted"

    clock.now = datetime(2026, 3, 3, 7, 0, 50, tzinfo=timezone.utc)  # a double click, another trigger id
    again = await slash(port, fake_slack, "now", user="UADMIN", trigger="t2")
    assert "Digest already posted" in text_of(again)
    assert len(fake_slack.called("chat.postMessage")) == 1
    assert len(fake_slack.called("users.info")) == 1  # the admin verdict is cached


async def test_digest_now_from_a_non_admin_posts_nothing(running, fake_slack):
    _, port, _ = running
    fake_slack.script["users.info"].append(user_info("UREADER"))
    reply = await slash(port, fake_slack, "now", user="UREADER", trigger="t1")
    assert "Not allowed: /digest now" in text_of(reply)
    assert fake_slack.called("chat.postMessage") == []


async def poll_now(runtime: Runtime, url: str) -> None:
    """Make the feed due (back-off is the poller's business) and poll it, as the job does."""
    runtime.feeds.poller.states.save(replace(runtime.feeds.poller.states.load(url), next_due=datetime.now(timezone.utc)))
    await runtime.feeds.poll()


async def test_a_failing_feed_gives_one_escaped_notice_in_slack_and_one_when_it_works_again(
    app, fake_slack, http_server
):
    http_server.serve("/feed.xml", b"oops", status=500)
    url = http_server.url("/feed.xml?tag=<!channel>&from=@here")  # text Slack would act on, unescaped
    audit = AuditEntry(datetime.now(timezone.utc), "slack", "C1", "UADMIN", "feeds.add", "added", None, None)
    app.service.management.store.add_feed(url, "15m", "visit", audit)
    runtime = build_runtime(app, build_platforms(platform_needs(app), Metrics(), slack_env(fake_slack)))

    await poll_now(runtime, url)
    assert fake_slack.called("chat.postMessage") == []  # one failure: nothing yet
    await poll_now(runtime, url)  # the second in a row: announced
    await poll_now(runtime, url)  # a third: nothing more
    [notice] = fake_slack.called("chat.postMessage")
    assert notice.params["channel"] == "C1"  # C2 does not use the feed
    text = notice.params["text"]
    escaped = url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert text.startswith(f"Feed {escaped} is failing: the server had an error (HTTP 500)")
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "2 failures in a row" in text
    assert notice.params.get("unfurl_links") in {False, "0", "false"}
    assert "blocks" not in notice.params and "metadata" not in notice.params  # a notice, not a digest

    http_server.serve("/feed.xml", VISIT_FEED, content_type="application/rss+xml")
    await poll_now(runtime, url)
    await poll_now(runtime, url)  # still fine: nothing more
    _, back = fake_slack.called("chat.postMessage")
    assert back.params["channel"] == "C1" and back.params["text"] == f"Feed {escaped} works again."
    assert digests(fake_slack) == []
