"""`/digest now` and a first subscription's catch-up, asked from a chat adapter's worker
thread, run in the running bot's loop.

`Management` is given `post_now` and `catch_up` at construction (bootstrap, for `digestbot
run`); the composition root connects them to posting, and the runtime binds its loop at start.
Before that (or once the loop is gone) a request answers "failed".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable, Coroutine

POST_NOW_TIMEOUT = 60.0  # seconds a `/digest now` waits for its post before saying it failed

PostNow = Callable[..., Awaitable[str]]  # (platform, channel, kind="now") -> status
Reload = Callable[[], Awaitable[None]]


class NowRelay:
    def __init__(self) -> None:
        self._post_now: PostNow | None = None
        self._reload: Reload | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task] = set()

    def connect(self, post_now: PostNow, reload: Reload) -> None:
        """What a request runs: posting's `post_now`, and the reload a catch-up needs first."""
        self._post_now, self._reload = post_now, reload

    def bind(self) -> None:
        """Run requests in the running loop from now on (called by the runtime at start)."""
        self._loop = asyncio.get_running_loop()

    def post_now(self, platform: str, channel: str) -> str:
        """`Management.post_now`: the channel's digest at once."""
        return self._in_loop(lambda: self._post_now(platform, channel))

    def catch_up(self, platform: str, channel: str) -> str:
        """`Management.catch_up`: a channel's first subscription is scheduled now and gets one
        catch-up digest of at most the catch-up window (its memory starts there)."""
        async def reload_and_post() -> str:
            await self._reload()
            return await self._post_now(platform, channel, kind="first")

        return self._in_loop(reload_and_post)

    def _in_loop(self, make_coroutine: Callable[[], Coroutine[object, object, str]]) -> str:
        """Run a post in the runtime's loop from a worker thread and wait for its status."""
        loop = self._loop
        if loop is None or self._post_now is None:
            return "failed"
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # called on the loop itself: it cannot wait for the post
            task = loop.create_task(make_coroutine())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return "started"
        future = asyncio.run_coroutine_threadsafe(make_coroutine(), loop)
        try:
            return future.result(POST_NOW_TIMEOUT)
        except concurrent.futures.TimeoutError:  # still under way: it finishes on its own
            return "started"
