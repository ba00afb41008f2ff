"""The console adapter: the embedded default, printing scheduled digests to stdout."""

from __future__ import annotations

import sys
from typing import TextIO

from digestbot.domain.models import Digest
from digestbot.present.render import render_text


class ConsolePublisher:
    def __init__(self, stream: TextIO | None = None):
        self._stream = stream

    async def publish(self, target: str, digest: Digest, period: str) -> str:
        stream = self._stream or sys.stdout
        stream.write(f"=== digest for {target or 'console'} · {period} ===\n{render_text(digest)}\n")
        stream.flush()
        return f"console:{period}"

    async def notify(self, target: str, text: str) -> None:
        """A short plain message (feed health notices), not a digest."""
        stream = self._stream or sys.stdout
        stream.write(f"=== notice for {target or 'console'} ===\n{text}\n")
        stream.flush()

    async def reply(self, target: str, thread: str, text: str) -> str:
        """A reply in a story's thread: printed under the message it answers."""
        stream = self._stream or sys.stdout
        stream.write(f"=== reply in {target or 'console'} to {thread} ===\n{text}\n")
        stream.flush()
        return f"{thread}/reply"
