"""`/visit facts` through the real slack-bolt HTTP path, against a bolt app whose handler does nothing.

Both apps are built by the same adapter code (signature check, ack, reply to response_url); the
baseline's command layer returns a fixed reply, ours answers from the store built from seeds/.
Latency is measured end to end: from sending the signed request to the answer arriving at the
response_url, at 20 concurrent clients; each app serves from its own process, the clients and
the fake Slack share another. Run from the repository root:

    .venv/bin/python benchmarks/bench_slack_commands.py [--requests 1000] [--rounds 5] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from digestbot.adapters.slack.app import build_slack_app, events_handler
from digestbot.adapters.slack.settings import SlackSettings
from digestbot.adapters.slack.signature import compute_signature
from digestbot.bootstrap import bootstrap
from digestbot.ingest import load_sources
from digestbot.domain.models import Reply, ReplySection
from digestbot.settings import Settings

SECRET = "bench-signing-secret"


class FakeSlack:
    """auth.test for bolt, and response_urls that wake whoever waits for that request's answer."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future] = {}

    async def api(self, request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"})

    async def response(self, request: web.Request) -> web.Response:
        await request.read()
        future = self.waiting.pop(request.match_info["name"], None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return web.Response(text="ok")


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def signed_request(response_url: str, trigger: str) -> tuple[str, dict[str, str]]:
    body = urlencode({
        "token": "x", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/visit",
        "text": "facts", "api_app_id": "A1", "response_url": response_url, "trigger_id": trigger,
    })
    ts = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": compute_signature(SECRET, ts, body),
    }


async def start_app_server(which: str, fake_url: str) -> tuple[asyncio.subprocess.Process, str]:
    """The bolt app runs in its own process, as in production; clients and the fake stay here."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", which, "--api-url", f"{fake_url}/api/",
        stdout=asyncio.subprocess.PIPE,
    )
    port = int((await process.stdout.readline()).decode().strip())
    return process, f"http://127.0.0.1:{port}"


async def measure(url: str, fake: FakeSlack, fake_url: str, requests: int, concurrency: int, label: str) -> list[float]:
    latencies: list[float] = []
    counter = iter(range(requests))
    loop = asyncio.get_running_loop()

    async def one(session: aiohttp.ClientSession, name: str) -> float:
        arrived = loop.create_future()
        fake.waiting[name] = arrived
        body, headers = signed_request(f"{fake_url}/commands/T1/{name}", name)
        started = time.perf_counter()
        async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
            assert response.status == 200, await response.text()
        return await asyncio.wait_for(arrived, 30) - started

    async def client(session: aiohttp.ClientSession) -> None:
        for n in counter:
            latencies.append(await one(session, f"{label}-{n}"))

    async with aiohttp.ClientSession() as session:
        for n in range(concurrency):  # warm up: bolt's auth.test, the first digest, pools
            await one(session, f"{label}-warm-{n}")
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return latencies


async def serve_app(which: str, api_url: str) -> None:
    """Child process: one bolt app on loopback; prints its port, serves until killed."""
    logging.disable(logging.WARNING)
    settings = SlackSettings(bot_token=SecretStr("xoxb-bench"), signing_secret=SecretStr(SECRET), api_url=api_url)
    with tempfile.TemporaryDirectory() as tmp:
        app = bootstrap(Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}"))
        app.service.ingest(load_sources(["seeds"]))
        canned = app.service.answer("/visit facts")
        answers = {
            "digestbot": app.service.answer,
            "baseline": lambda _text, _context=None: Reply("ok", [ReplySection(None, ["ok"])]),
            "canned": lambda _text, _context=None: canned,  # the same reply, computed once: isolates its size
        }
        answer = answers[which]
        bolt = build_slack_app(settings, app.service.topics, answer)
        http = web.Application()
        http.router.add_post("/slack/events", events_handler(bolt))
        _runner, url = await serve(http)
        print(url.rsplit(":", 1)[1], flush=True)
        await asyncio.Event().wait()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; medians are reported")
    parser.add_argument("--serve", choices=("baseline", "digestbot", "canned"), help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve_app(args.serve, args.api_url)
        return 0

    fake = FakeSlack()
    fake_http = web.Application()
    fake_http.router.add_post("/api/{method}", fake.api)
    fake_http.router.add_post("/commands/{team}/{name}", fake.response)
    fake_runner, fake_url = await serve(fake_http)
    apps = {"bolt, handler does nothing": "baseline", "digestbot /visit facts": "digestbot",
            "same reply, precomputed": "canned"}
    servers = {label: await start_app_server(which, fake_url) for label, which in apps.items()}
    per_round: dict[str, list[tuple[float, float]]] = {label: [] for label in apps}
    try:
        # Interleaved rounds, so load from elsewhere on the machine falls on both apps alike.
        for round_number in range(args.rounds):
            for label, (_process, url) in servers.items():
                latencies = await measure(url, fake, fake_url, args.requests, args.concurrency, f"{apps[label]}{round_number}")
                per_round[label].append((statistics.median(latencies), percentile(latencies, 99)))
    finally:
        for process, _url in servers.values():
            process.kill()
            await process.wait()
        await fake_runner.cleanup()
    rows = [
        (label, statistics.median(p50 for p50, _ in runs), statistics.median(p99 for _, p99 in runs))
        for label, runs in per_round.items()
    ]
    base_p50, base_p99 = rows[0][1], rows[0][2]
    print(f"{args.requests} requests x {args.rounds} interleaved rounds, {args.concurrency} concurrent clients, "
          "end to end to response_url; each app in its own process; medians of the rounds\n")
    print("| app | p50 ms | p99 ms | p50 ratio | p99 ratio |")
    print("|---|---:|---:|---:|---:|")
    for label, p50, p99 in rows:
        print(f"| {label} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {p50 / base_p50:.2f}x | {p99 / base_p99:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
