"""Start several workers at the same instant, as processes racing at start-up would."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_together(count: int, work: Callable[[], None], timeout: float = 60) -> list[Exception]:
    """Run `work` in `count` threads released together by a barrier; returns what they raised."""
    barrier, errors = threading.Barrier(count), []

    def start() -> None:
        try:
            barrier.wait()
            work()
        except Exception as exc:  # reported to the caller
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
