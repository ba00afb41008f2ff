"""The wording every surface shares: who reported a line, and how an update names what it replaces.

Text, Markdown, JSON, the chat replies, Slack and Discord all cite and word updates through these
functions and only add their own markup and escaping, so a reader sees the same citation for the
same line wherever they read it. Pure: no I/O, no platform names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from typing import Protocol

from ..domain.models import ArticleKind, SourceRef
from .view import OutletCount, StoryView


def day(moment: datetime) -> str:
    """'3 Mar 2026': the day a citation names."""
    return f"{moment.day} {moment:%b %Y}"


def cite(ref: SourceRef) -> str:
    """One report: 'Outlet, opinion, 3 Mar 2026' (the kind only when it is opinion)."""
    kind = ", opinion" if ref.kind is ArticleKind.OPINION else ""
    return f"{ref.source}{kind}, {day(ref.published)}"


def cite_all(refs: Iterable[SourceRef], most: int | None = None) -> str:
    """Every report once (by article), in the order given: 'Wire, 2 Mar 2026; Herald, 3 Mar 2026';
    past `most` reports, how many more ('...; and 5 more')."""
    seen: dict[str, str] = {}
    for ref in refs:
        seen.setdefault(ref.article_key, cite(ref))
    cited = list(seen.values())
    if most is not None and len(cited) > most:
        return "; ".join(cited[:most]) + f"; and {len(cited) - most} more"
    return "; ".join(cited)


def update_text(text: str, earlier: Sequence[tuple[str, Sequence[SourceRef]]]) -> str:
    """'Update: 17 dead (was 15 dead, Wire, 2 Mar 2026)': a figure that replaces earlier ones,
    newest first, each with who reported it; the text alone when nothing came before."""
    if not earlier:
        return text
    was = "; ".join(f"{value}, {cite_all(refs)}" if refs else value for value, refs in earlier)
    return f"Update: {text} (was {was})"


class Line(Protocol):
    """A view bullet or a development (`NewItem`): text, and the figure it updates if any."""

    text: str
    before: str | None
    before_sources: Sequence[SourceRef]


def line_text(line: Line) -> str:
    """The line as a reader reads it: an update names the figure it replaces and who said so."""
    return update_text(line.text, [(line.before, line.before_sources)] if line.before is not None else [])


def counted(n: int, word: str, plural: str | None = None) -> str:
    """'1 article', '3 articles', '2 stories': a count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def more_stories(hidden: int) -> str:
    """'… and 7 more stories not shown': what a surface says of the stories past the top ones."""
    return f"… and {counted(hidden, 'more story', 'more stories')} not shown"


def outlet_text(outlet: OutletCount) -> str:
    """'Xinhua (opinion) (1)': an outlet with how many of the story's reports it carried."""
    return f"{outlet.source}{' (opinion)' if outlet.opinion else ''} ({outlet.articles})"


def outlets_text(view: StoryView) -> str:
    """'Associated Press (3), Xinhua (1)': every outlet once, with its reports."""
    return ", ".join(outlet_text(o) for o in view.outlets)
