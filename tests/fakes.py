"""Test doubles that hold state, shared by the scheduling tests."""

from __future__ import annotations

from datetime import datetime


class FakeClock:
    """A clock the test moves by hand: `clock.now += timedelta(...)`."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class RecordingPoster:
    """A scheduler `post` callback that records what it was asked to post."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    async def __call__(self, destination: str, period: str, recovering: bool = False) -> str:
        self.sent.append((destination, period))
        return f"msg-{len(self.sent)}"


class RecordingPublisher:
    """A platform publisher that records what `digestbot run` posted: (target, period) per
    digest, the digests themselves, and any notices."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []
        self.digests: list = []
        self.notices: list[tuple[str, str]] = []
        self.replies: list[tuple[str, str, str]] = []  # (target, thread, text)

    async def publish(self, target: str, digest, period: str) -> str:
        self.posts.append((target, period))
        self.digests.append(digest)
        return f"{target}:{period}"

    async def notify(self, target: str, text: str) -> None:
        self.notices.append((target, text))

    async def reply(self, target: str, thread: str, text: str) -> str:
        self.replies.append((target, thread, text))
        return f"{thread}/reply-{len(self.replies)}"
