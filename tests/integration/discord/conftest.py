"""Fixtures for the Discord adapter tests: the fake REST API on loopback, a logged-in bot."""

from __future__ import annotations

import pytest
from aiohttp import web

from digestbot.adapters.discord.config import apply_endpoints, reset_endpoints
from discord_fake import FakeDiscord, build_app


@pytest.fixture
async def fake_discord():
    fake = FakeDiscord()
    runner = web.AppRunner(build_app(fake))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}"
    apply_endpoints(api_url=f"{fake.url}/api/v10")
    try:
        yield fake
    finally:
        reset_endpoints()
        await runner.cleanup()


