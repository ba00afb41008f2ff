"""What newer coverage of a story adds to earlier coverage: an update summary. Pure: no I/O.

`whats_new(articles, since)` splits a story's articles into prior and new coverage:
- with `since`: prior = published before `since`, new = published at or after it;
- without: new = the articles published on the newest article's calendar day (in that
  article's own UTC offset), prior = everything earlier. A story with one day of coverage has no
  prior coverage: what's new is the summary of that day.

The items are the summary of the new articles minus what the prior coverage said
(`summary.summarise` with the prior articles): sentences central in the new articles, early in
their article, not a near-repeat of a prior sentence, not redundant among themselves, each one
readable alone, about WORDS_PER_STORY words in all, best first. An item cites its article and
every other new article that states the same thing.

Measured on update_dev (see BENCHMARKS.md, bench_summaries): this beats the TF-IDF centroid of
the new articles; the rules of the earlier version (changed figures shown as "X (was Y)",
status words, synonym tables, comment and background patterns) did not earn their place there
and cost most of the digest's time, so they went.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from ..domain.models import Article, NewItem, SourceRef, as_utc
from ..text.datelines import place_and_day
from ..text.tokens import canonical_terms
from .clustering import source_ref
from .summary import UPDATE_POSITION_WEIGHT, Sentence, sentences_of, summarise

WORDS_PER_STORY = 100
SAME_STATEMENT = 0.5  # share of terms two sentences share (Jaccard) to count as one statement


def split_coverage(
    articles: list[Article], since: datetime | None = None
) -> tuple[list[Article], list[Article]]:
    """(prior, new) articles, oldest first; see the module docstring for the rule."""
    ordered = sorted(articles, key=lambda a: (a.published, a.key))
    if not ordered:
        return [], []
    if since is not None:
        since = as_utc(since)
        return ([a for a in ordered if a.published < since],
                [a for a in ordered if a.published >= since])
    newest = ordered[-1].published
    day = newest.date()
    new = [a for a in ordered if a.published.astimezone(newest.tzinfo).date() == day]
    new_keys = {a.key for a in new}
    prior = [a for a in ordered if a.key not in new_keys]  # keys, not dataclass equality
    return prior, new


def whats_new(
    story_articles: list[Article],
    since: datetime | None = None,
    words: int = WORDS_PER_STORY,
) -> list[NewItem]:
    prior_articles, new_articles = split_coverage(story_articles, since)
    return new_against(prior_articles, new_articles, words)


def whats_new_to_reader(story_articles: list[Article], read_keys, words: int = WORDS_PER_STORY) -> list[NewItem]:
    """What a reader who has read the articles `read_keys` (e.g. a channel shown them) has not
    been told yet: the other articles summarised against those."""
    ordered = sorted(story_articles, key=lambda a: (a.published, a.key))
    read = set(read_keys)
    return new_against([a for a in ordered if a.key in read], [a for a in ordered if a.key not in read], words)


def new_against(prior_articles: list[Article], new_articles: list[Article],
                words: int = WORDS_PER_STORY) -> list[NewItem]:
    """The update summary of `new_articles` for a reader of `prior_articles`, as items."""
    if not new_articles:
        return []
    chosen = summarise(new_articles, words, prior_articles, position_weight=UPDATE_POSITION_WEIGHT)
    return [NewItem(s.text, _sources(s, new_articles), dateline=place_and_day(s.article.dateline)) for s in chosen]


def _sources(sentence: Sentence, new_articles: list[Article]) -> list[SourceRef]:
    """The sentence's article and every other new article stating the same thing."""
    terms = set(sentence.terms)
    citing = [sentence.article]
    for a in new_articles:
        if a.key != sentence.article.key and any(
                _jaccard(terms, set(s.terms)) >= SAME_STATEMENT for s in sentences_of(a)):
            citing.append(a)
    return _refs(citing)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _refs(articles: list[Article]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for a in sorted(articles, key=lambda a: (a.published, a.key)):
        seen.setdefault(a.key, source_ref(a))
    return list(seen.values())


def item_fingerprint(item: NewItem) -> str:
    """A stable id for an item, insensitive to case, punctuation, word order and sources."""
    terms = " ".join(sorted(set(canonical_terms(item.text.lower()))))
    before = " ".join(sorted(set(canonical_terms(item.before.lower())))) if item.before else ""
    digest = hashlib.sha1(f"{terms}|{before}".encode("utf-8")).hexdigest()[:16]
    return ("u:" if item.is_update else "n:") + digest


def filter_unseen(items: list[NewItem], seen_fingerprints) -> list[NewItem]:
    seen = set(seen_fingerprints)
    return [i for i in items if item_fingerprint(i) not in seen]


@dataclass
class Revision:
    """How an edited article differs from the version stored before: whole sentences added
    and removed (compared by their content terms, so a changed comma is not a change)."""

    title_before: str | None
    added: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.title_before or self.added or self.removed)


def revision(old: Article, new: Article) -> Revision:
    def keyed(sentences: list[str]) -> dict[str, str]:
        return {" ".join(sorted(set(canonical_terms(s.lower())))): s for s in sentences}

    before, after = keyed(old.sentences), keyed(new.sentences)
    return Revision(
        title_before=old.title if old.title.strip() != new.title.strip() else None,
        added=[s for k, s in after.items() if k not in before],
        removed=[s for k, s in before.items() if k not in after],
    )
