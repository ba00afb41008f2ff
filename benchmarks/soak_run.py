"""Soak: `digestbot run` against a fake Slack and fake feeds on loopback for a while.

50 Slack destinations on a minute-level cron and 20 feeds polled every 30 s. At the end it
checks that every digest period was posted exactly once per destination (by the metadata
each digest carries) and reports the process's RSS at the start and at the end.

    .venv/bin/python benchmarks/soak_run.py [--minutes 10] [--destinations 50] [--feeds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Soak wire {n}</title>
<item><title>Council approves budget {n}</title><link>https://example.org/{n}/budget</link>
<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate><description>The city council approved the
budget on Monday. It adds {n} new buses. Fares stay the same until next year.</description></item>
</channel></rss>"""


class FakeSlack:
    def __init__(self) -> None:
        self.posts: list[dict] = []

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await request.read()
        if method == "chat.postMessage":
            params = json.loads(body) if body else {}
            self.posts.append(params)
            return web.json_response({"ok": True, "ts": f"1.{len(self.posts):06d}", "channel": params.get("channel")})
        if method == "conversations.history":
            return web.json_response({"ok": True, "messages": []})
        return web.json_response({"ok": True, "team_id": "T", "user_id": "U", "bot_id": "B"})


async def feed(request: web.Request) -> web.Response:
    n = request.match_info["n"]
    return web.Response(body=FEED.format(n=n).encode(), content_type="application/rss+xml")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--destinations", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=20)
    args = parser.parse_args()

    slack = FakeSlack()
    http = web.Application()
    http.router.add_route("*", "/api/{method}", slack.api)
    http.router.add_get("/feeds/{n}.xml", feed)
    runner = web.AppRunner(http, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]

    with tempfile.TemporaryDirectory() as tmp:
        lines = ['[[topics]]\nname = "visit"\ntitle = "State visit"\nkeywords = ["Lee Jae Myung"]\n']
        lines += [f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feeds/{n}.xml"\nevery = "30s"\n' for n in range(args.feeds)]
        lines += [
            f'[[destinations]]\nplatform = "slack"\nchannel = "C{n:04d}"\ncron = "* * * * *"\ntimezone = "UTC"\n'
            for n in range(args.destinations)
        ]
        config = Path(tmp) / "soak.toml"
        config.write_text("\n".join(lines))
        env = dict(
            os.environ,
            DIGESTBOT_DATABASE_URL=f"sqlite:///{Path(tmp) / 'soak.db'}",
            DIGESTBOT_CONFIG=str(config),
            DIGESTBOT_HTTP_PORT="0",
            DIGESTBOT_FETCH_ALLOW_HOSTS='["127.0.0.1"]',
            SLACK_BOT_TOKEN="xoxb-soak",
            SLACK_SIGNING_SECRET="soak-secret",
            SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
        )
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("digestbot")), "run", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        while not re.search(r"http://[\d.]+:\d+/healthz", (await process.stderr.readline()).decode()):
            pass
        drain = asyncio.create_task(process.stderr.read())
        await asyncio.sleep(5)
        rss_start = rss_kib(process.pid)
        await asyncio.sleep(args.minutes * 60)
        rss_end = rss_kib(process.pid)
        process.send_signal(signal.SIGTERM)
        await process.wait()
        drain.cancel()
    await runner.cleanup()

    periods = Counter(
        (p["channel"], p["metadata"]["event_payload"]["period"]) for p in slack.posts if p.get("metadata")
    )
    repeated = {key: count for key, count in periods.items() if count > 1}
    per_destination = Counter(channel for channel, _ in periods)
    print(f"{args.minutes:g} min, {args.destinations} destinations on '* * * * *', {args.feeds} feeds every 30 s")
    print(f"digests posted: {len(periods)} ({min(per_destination.values(), default=0)}-"
          f"{max(per_destination.values(), default=0)} per destination); repeated periods: {len(repeated)}")
    print(f"RSS: {rss_start / 1024:.0f} MB after start, {rss_end / 1024:.0f} MB at the end; exit code {process.returncode}")
    return 0 if not repeated and process.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
