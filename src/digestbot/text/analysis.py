"""One entry point for the text core: clean -> split -> dedupe -> key points."""

from __future__ import annotations

from dataclasses import dataclass, field

from digestbot.text.cleaning import clean_text, dedupe_tokenised
from digestbot.keypoints import DEFAULT_METHOD, extract_key_points
from digestbot.text.sentences import split_sentences

__all__ = ["Analysis", "analyse_text"]


@dataclass(frozen=True)
class Analysis:
    """What the text core learns from one article."""

    sentences: list[str] = field(default_factory=list)  # clean, deduplicated, in order
    key_points: list[str] = field(default_factory=list)  # a subset of `sentences`, in order
    title: str | None = None  # as given, else the headline found at the top of the text
    author: str | None = None
    is_opinion: bool = False


def analyse_text(
    text: str, title: str | None = None, n: int = 3, method: str = DEFAULT_METHOD
) -> Analysis:
    """Clean `text`, split it into sentences, drop repeats and pick `n` key points."""
    clean = clean_text(text, title)
    sentences, tokens = dedupe_tokenised(split_sentences("\n".join(clean.paragraphs)))
    key_points = extract_key_points(sentences, n=n, method=method, title=clean.title, tokens=tokens)
    return Analysis(
        sentences=sentences,
        key_points=key_points,
        title=clean.title,
        author=clean.author,
        is_opinion=clean.is_opinion,
    )
