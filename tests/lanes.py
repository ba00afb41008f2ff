"""Shared by the delivery-lane tests (filters, catch-up, threads, breaking) on every platform:
the corpus's Kessel Dam topic, a subscription from chat, and what a feed poll sets off."""

from __future__ import annotations

import asyncio

from builders import an_app, corpus_raw

ARNVIK_CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]
"""
# A sentence an edited version of arnvik-1 adds.
ADDED = "Rescue teams pulled four more survivors from a flooded farmhouse near the Kessel Dam on Tuesday."


def an_app_on(tmp_path, clock, config: str = ARNVIK_CONFIG, **settings):
    """The real app, whose chat subscriptions are made "now" on the test's clock."""
    app = an_app(tmp_path, config, running=True, **settings)
    app.service.management._clock = clock
    return app


def subscribe(app, context, options: str = "") -> None:
    """What `/digest subscribe all daily 08:00 tz UTC <options>` from an admin does."""
    reply = app.service.management.handle(f"/digest subscribe all daily 08:00 tz UTC {options}".strip(), context)
    assert reply.ok, reply


async def poll(runtime, *ids: str, **overrides) -> None:
    """What a feed poll does: ingest the corpus articles, then what new and edited articles
    set off (what-changed replies, the breaking lane)."""
    await asyncio.to_thread(runtime.feeds.poller.ingest, corpus_raw(*ids, **overrides))
    await runtime.lanes.after_ingest()
