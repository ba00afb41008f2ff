"""The Lead-N baseline: the first sentences of the article."""

from __future__ import annotations

__all__ = ["summarise"]


def summarise(sentences: list[str], n: int = 3, title: str | None = None) -> list[str]:
    return list(sentences[: max(n, 0)])
