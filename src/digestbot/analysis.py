"""One entry point for the text core: clean -> split -> dedupe -> key points. It sits above
`text/` and `keypoints/` (which builds on `text/`), so neither imports the other back."""

from __future__ import annotations

from dataclasses import dataclass, field

from digestbot.text.cleaning import clean_text
from digestbot.text.dedupe import dedupe_tokenised
from digestbot.keypoints import DEFAULT_METHOD, extract_key_points
from digestbot.text.sentences import split_sentences

__all__ = ["Analysis", "MAX_SENTENCES", "analyse_text"]

# A news article has tens of sentences (the longest of the 2,059 in the dev story stream has
# 271); text split into thousands of fragments would only cost time downstream.
MAX_SENTENCES = 1000


@dataclass(frozen=True)
class Analysis:
    """What the text core learns from one article."""

    sentences: list[str] = field(default_factory=list)  # clean, deduplicated, in order
    key_points: list[str] = field(default_factory=list)  # a subset of `sentences`, in order
    title: str | None = None  # as given, else the headline found at the top of the text
    author: str | None = None
    is_opinion: bool = False
    dateline: str | None = None  # the wire dateline the text opened with
    sentences_cut: bool = False  # more than MAX_SENTENCES: the rest was ignored


def analyse_text(
    text: str, title: str | None = None, n: int = 3, method: str = DEFAULT_METHOD
) -> Analysis:
    """Clean `text`, split it into sentences, drop repeats and pick `n` key points."""
    clean = clean_text(text, title)
    split = split_sentences("\n".join(clean.paragraphs))
    sentences, tokens = dedupe_tokenised(split[:MAX_SENTENCES])
    key_points = extract_key_points(sentences, n=n, method=method, title=clean.title, tokens=tokens)
    return Analysis(
        sentences=sentences,
        key_points=key_points,
        title=clean.title,
        author=clean.author,
        is_opinion=clean.is_opinion,
        dateline=clean.dateline,
        sentences_cut=len(split) > MAX_SENTENCES,
    )
