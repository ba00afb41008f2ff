"""Fixtures for the Discord adapter tests: the fake REST API on loopback, a logged-in bot."""

from __future__ import annotations

import pytest
from aiohttp import web

from digestbot.adapters.discord.settings import apply_endpoints, reset_endpoints
from discord_fake import FakeDiscord, FakeGateway, build_app


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




@pytest.fixture
async def fake_gateway(fake_discord):
    """A fake gateway on loopback; the fake REST API's GET /gateway points at it."""
    gateway = FakeGateway()
    runner = web.AppRunner(gateway.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    gateway.url = f"ws://127.0.0.1:{runner.addresses[0][1]}/"
    fake_discord.gateway_url = gateway.url
    try:
        yield gateway
    finally:
        await gateway.close()
        await runner.cleanup()
