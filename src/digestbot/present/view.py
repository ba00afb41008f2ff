"""The one view of a story a reader sees, decided once for every surface.

Text, Markdown, JSON, Slack and Discord all render a `StoryView`: its own headline, one line of
what happened, at most five bullets (what's new first, then key points, nothing said twice) within
a word budget, and its sources as outlets with counts. Pure: no I/O, no platform names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..domain.models import Article, ArticleKind, Digest, NewItem, SourceRef, Story, as_utc
from ..stories.clustering import source_ref
from ..stories.summary import terms_of
from ..text.datelines import place_and_day, with_dateline
from ..text.sentences import standalone

TOP_STORIES = 5  # the editorial number: a digest shows this many stories in full and counts the rest
MAX_BULLETS = 5
WORDS_PER_STORY = 120  # headline excluded: what happened plus the bullets
RESTATED_SHARE = 0.6  # a bullet whose words are this much inside an earlier line says it twice

@dataclass(frozen=True)
class Bullet:
    """One line under a story: a development (`is_new`) or a key point, with who reported it.

    `before` is set when a development updates an earlier figure: the old value as first reported.
    """

    text: str
    sources: tuple[SourceRef, ...]
    is_new: bool = False
    before: str | None = None
    before_sources: tuple[SourceRef, ...] = ()

    @property
    def is_opinion(self) -> bool:
        return bool(self.sources) and all(ref.kind is ArticleKind.OPINION for ref in self.sources)


@dataclass(frozen=True)
class OutletCount:
    source: str
    articles: int
    opinion: bool = False


@dataclass(frozen=True)
class StoryView:
    key: str
    headline: str
    topics: tuple[str, ...]
    what_happened: Bullet | None
    bullets: tuple[Bullet, ...]
    outlets: tuple[OutletCount, ...]
    article_count: int
    links: tuple[str, ...] = ()  # the reports' URLs, newest news first: the headline links to
    # the first one a surface accepts as safe

    @property
    def lines(self) -> tuple[Bullet, ...]:
        """What happened, then the bullets: every line the reader gets, in order."""
        return ((self.what_happened,) if self.what_happened else ()) + self.bullets


def top_stories(digest: Digest, top: int = TOP_STORIES) -> tuple[list[Story], int]:
    """The stories a digest shows in full, in rank order, and how many more it holds. Every
    surface asks here; a platform only splits what it gets into messages that fit."""
    shown = digest.stories[: max(top, 0)]
    return shown, len(digest.stories) - len(shown)


def _words(text: str) -> set[str]:
    return set(terms_of(text))


def _restates(text: str, shown: list[set[str]]) -> bool:
    words = _words(text)
    return any(len(words & other) >= RESTATED_SHARE * min(len(words), len(other)) for other in shown if other)


def _news_first(articles: list[Article]) -> list[Article]:
    """Newest news reports first; opinion pieces after every news report."""
    return sorted(articles, key=lambda a: (a.kind is ArticleKind.OPINION, -as_utc(a.published).timestamp(), a.key))


def development(item: NewItem) -> Bullet:
    """A what's-new item as every surface shows it: opening with its dateline when it says here or today."""
    return Bullet(with_dateline(item.text, item.dateline), tuple(item.sources), True, item.before, tuple(item.before_sources))


def _round_robin(articles: list[Article]) -> list[Bullet]:
    """The lead point of every article before anyone's second point, so several reports each
    get their say; a point that leans on the sentence before it ("He said ...") is left out, and
    one that says "here" or "today" opens with its dateline ("HARARE, September 17: ...")."""
    rounds = max((len(a.key_points) for a in articles), default=0)
    points = [(standalone(a.key_points[i]), a) for i in range(rounds) for a in articles if i < len(a.key_points)]
    return [Bullet(with_dateline(text, place_and_day(a.dateline)), (source_ref(a),)) for text, a in points if text]


def _key_point_candidates(ordered: list[Article]) -> list[Bullet]:
    """Key points of the news reports, newest first, then those of opinion pieces."""
    news = [a for a in ordered if a.kind is not ArticleKind.OPINION]
    return _round_robin(news) + _round_robin([a for a in ordered if a.kind is ArticleKind.OPINION])


def _word_count(text: str) -> int:
    return len(text.split())


def _choose(candidates: list[Bullet], max_bullets: int, budget: int) -> tuple[Bullet | None, tuple[Bullet, ...]]:
    """The first line becomes what happened; the rest fill the bullets in order, skipping what
    an earlier line says, until the count or the word budget runs out."""
    chosen: list[Bullet] = []
    shown: list[set[str]] = []
    used = 0
    for bullet in candidates:
        if len(chosen) > max_bullets:
            break
        if not bullet.text.strip() or _restates(bullet.text, shown):
            continue
        cost = _word_count(bullet.text)
        if chosen and used + cost > budget:
            continue
        chosen.append(bullet)
        shown.append(_words(bullet.text))
        used += cost
    if not chosen:
        return None, ()
    return chosen[0], tuple(chosen[1:])


def _outlets(story: Story) -> tuple[OutletCount, ...]:
    """Each outlet once, with how many of the story's reports it carried (a wire copy counts
    for the outlet that ran it, once)."""
    counts: Counter = Counter()
    opinion_only: dict[str, bool] = {}
    for article in story.articles:
        for outlet in article.outlets:
            counts[outlet] += 1
            opinion_only[outlet] = opinion_only.get(outlet, True) and article.kind is ArticleKind.OPINION
    ranked = sorted(counts, key=lambda s: (-counts[s], s))
    return tuple(OutletCount(s, counts[s], opinion_only[s]) for s in ranked)


def story_view(story: Story, *, max_bullets: int = MAX_BULLETS, words: int = WORDS_PER_STORY) -> StoryView:
    """The story as a reader sees it. What's new leads (it is why the story is in today's
    digest); the key points of its newest reports fill what is left."""
    ordered = _news_first(story.articles)
    candidates = [development(item) for item in story.whats_new] + _key_point_candidates(ordered)
    what_happened, bullets = _choose(candidates, max_bullets, words)
    return StoryView(
        key=story.key,
        headline=story.title,
        topics=story.topics,
        what_happened=what_happened,
        bullets=bullets,
        outlets=_outlets(story),
        article_count=len(story.articles),
        links=tuple(a.url for a in ordered if a.url),
    )
