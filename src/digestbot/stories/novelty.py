"""What newer coverage of a story adds to earlier coverage. Pure: no I/O.

`whats_new(articles, since)` splits a story's articles into prior and new coverage:
- with `since`: prior = published before `since`, new = published at or after it;
- without: new = the articles published on the newest article's calendar day (in that
  article's own UTC offset), prior = everything earlier. A story with one day of coverage has no
  prior coverage: its key points are all new.

A new sentence (or clause) is "already reported" when its facts (numbers with their unit noun,
names, places, dates) all appear in prior coverage AND most of its content terms do, either in
one prior sentence or across the prior articles. Terms and units are compared after folding
synonyms ("around 200 executives" == "more than 200 business leaders"). A changed figure with
the same unit and context, or a later status of the same event (planned -> under way ->
concluded), comes back as an update: `before` holds the latest earlier value (or the earlier
sentence, cut to its main clause) and `before_sources` who stated it. New articles are read in
time order against prior coverage plus the new articles before them, so a figure revised twice
gives one update ("17, was 12"), not two.

Sentences are compacted: subordinate clauses that only restate prior coverage or comment
("..., highlighting ...") are dropped, as is an "and <figure>" conjunct already reported.
Items are ranked (updates and key points first, then novelty, new names/numbers/dates, the
story's protagonists, position; commentary and background rank low), near-duplicates merged
(their sources combined), at most `limit` (8) kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..models import Article, NewItem, SourceRef
from .clustering import source_ref
from ..text.features import (
    STATUS_ORDER,
    Quantity,
    canonical_terms,
    dates,
    entities,
    mid_sentence_names,
    quantities,
    split_clauses,
    status_of,
)

MAX_ITEMS = 8
MIN_ITEMS = 3
SCORE_FLOOR = 0.9  # below this an item is background or commentary
SENTENCE_COVERAGE = 0.5  # share of terms one prior sentence must hold
DOCUMENT_COVERAGE = 0.7  # share of terms the prior articles together must hold
MIN_TERMS = 4
GENERIC_NAME_WORDS = frozenset(
    "summit meeting conference government ministry university council committee party "
    "forum talks group city province state".split()
)
_COMMENT_CLAUSE = re.compile(
    r"^(seeking|highlighting|reinforcing|stressing|underscoring|signalling|signaling|"
    r"saying|adding|noting|reflecting|showing|marking)\b", re.I)

EVENT_NOUNS = frozenset(
    "visit meeting agreement talk summit election vote trial hearing strike protest "
    "conference ceremony tour negotiation inquiry investigation search rescue evacuation".split()
)
_COUNTED_KINDS = ("count", "measure", "money", "percent")
_COMMENTARY = re.compile(
    r"\b(attention will|remains to be seen|shows an|underscores|it is clear|analysts say|"
    r"could|might|may|would|should|highlights|weigh)\b", re.I)
_BACKGROUND = re.compile(r"\b(1[89]\d0s|20[0-2]0s|in the (?:early|late|mid)[- ]\d{4}s|decades ago)\b")


@dataclass
class _Sent:
    text: str
    article: Article
    index: int
    is_key_point: bool
    terms: set[str]
    entities: set[str]
    quantities: list[Quantity]
    dates: set[str]
    status: str | None

    @property
    def plain_terms(self) -> set[str]:
        return {t for t in self.terms if not t[0].isdigit()}


def _analyse(text: str, article: Article, index: int, key_point: bool, known: set[str]) -> _Sent:
    ents = {e.norm for e in entities(text, known)}
    return _Sent(
        text=text,
        article=article,
        index=index,
        is_key_point=key_point,
        terms=set(canonical_terms(text)),
        entities=ents,
        quantities=[q for q in quantities(text) if q.unit and q.kind != "year"],
        dates={d.norm for d in dates(text)},
        status=status_of(text),
    )


def _sentences_of(article: Article) -> list[_Sent]:
    known = mid_sentence_names([article.title, *article.sentences])
    out: list[_Sent] = []
    seen: list[set[str]] = []
    for i, kp in enumerate(article.key_points):
        if not kp.strip():
            continue
        s = _analyse(kp, article, i, True, known)
        out.append(s)
        seen.append(s.terms)
    for i, text in enumerate(article.sentences):
        if not text.strip():
            continue
        s = _analyse(text, article, i, False, known)
        if any(_jaccard(s.terms, t) >= 0.8 for t in seen):
            continue  # the key point already stands for it
        out.append(s)
    return out


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _coverage(terms: set[str], pool: set[str]) -> float:
    return len(terms & pool) / len(terms) if terms else 1.0


def split_coverage(
    articles: list[Article], since: datetime | None = None
) -> tuple[list[Article], list[Article]]:
    """(prior, new) articles, oldest first; see the module docstring for the rule."""
    ordered = sorted(articles, key=lambda a: (a.published, a.key))
    if not ordered:
        return [], []
    if since is not None:
        if since.tzinfo is None:  # a naive `since` means UTC, as naive publication times do
            since = since.replace(tzinfo=timezone.utc)
        return ([a for a in ordered if a.published < since],
                [a for a in ordered if a.published >= since])
    newest = ordered[-1].published
    day = newest.date()
    new = [a for a in ordered if a.published.astimezone(newest.tzinfo).date() == day]
    prior = [a for a in ordered if a not in new]
    return prior, new


@dataclass
class _Prior:
    sentences: list[_Sent]
    terms: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    quantities: list[tuple[Quantity, _Sent]] = field(default_factory=list)
    _entity_tokens: set[str] | None = None

    @classmethod
    def of(cls, articles: list[Article]) -> "_Prior":
        sents: list[_Sent] = []
        for a in articles:
            known = mid_sentence_names([a.title, *a.sentences])
            sents.append(_analyse(a.title, a, -1, True, known))
            sents.extend(_sentences_of(a))
        p = cls([])
        p.extend(sents)
        return p

    def extend(self, sents: list[_Sent]) -> None:
        self.sentences.extend(sents)
        for s in sents:
            self.terms |= s.terms
            self.entities |= s.entities
            self.dates |= s.dates
            self.quantities.extend((q, s) for q in s.quantities)
        self._entity_tokens = None

    def add_article(self, a: Article) -> None:
        known = mid_sentence_names([a.title, *a.sentences])
        self.extend([_analyse(a.title, a, -1, True, known), *_sentences_of(a)])

    @property
    def entity_tokens(self) -> set[str]:
        if self._entity_tokens is None:
            self._entity_tokens = {w for e in self.entities for w in e.split()}
        return self._entity_tokens

    def knows_entity(self, e: str) -> bool:
        if e in self.entities:
            return True
        words = [w for w in e.split() if w not in GENERIC_NAME_WORDS]
        return bool(words) and all(w in self.entity_tokens for w in words)

    def knows_quantity(self, q: Quantity) -> bool:
        return any(q.same_fact(pq) for pq, _ in self.quantities)

    def new_facts(self, s: _Sent) -> list[str]:
        # ordinals ("second meeting", "first official visit") are too weak to make news alone
        facts = [q.text for q in s.quantities
                 if q.kind not in ("year", "ordinal") and not self.knows_quantity(q)]
        facts += [e for e in s.entities if not self.knows_entity(e)]
        facts += [d for d in s.dates if d not in self.dates]
        return facts

    def best_sentence_coverage(self, terms: set[str]) -> tuple[float, _Sent | None]:
        best, best_s = 0.0, None
        for p in self.sentences:
            c = _coverage(terms, p.terms)
            if c > best:
                best, best_s = c, p
        return best, best_s

    def covers(self, s: _Sent) -> bool:
        if self.new_facts(s):
            return False
        best, _ = self.best_sentence_coverage(s.terms)
        return best >= SENTENCE_COVERAGE or _coverage(s.terms, self.terms) >= DOCUMENT_COVERAGE


def _changed_figure(s: _Sent, prior: _Prior) -> tuple[Quantity, Quantity, list[_Sent]] | None:
    """(new quantity, old quantity, prior sentences stating the old value) when a figure changed."""
    for q in s.quantities:
        if q.kind not in _COUNTED_KINDS or prior.knows_quantity(q):
            continue
        candidates = []
        for pq, ps in prior.quantities:
            if not q.same_slot(pq) or pq.value == q.value:
                continue
            context = (s.plain_terms & ps.plain_terms) - {q.unit}
            if len(context) >= 2 or _jaccard(s.plain_terms, ps.plain_terms) >= 0.2:
                candidates.append((ps.article.published, len(context), pq, ps))
        if candidates:
            latest = max(candidates, key=lambda c: (c[0], c[1]))
            old_q = latest[2]
            stating = [ps for _, _, pq, ps in candidates if pq.value == old_q.value]
            return q, old_q, stating
    return None


def _figure_phrase(q: Quantity, sentence: str) -> str:
    """The old figure with a few words of context when it was written as a bare number."""
    if not re.fullmatch(r"[\d,.]+", q.text.strip()):
        return q.text
    word = {"death": "dead", "injury": "injured"}.get(q.unit or "", f"{q.unit}s" if q.unit else "")
    return f"{q.text} {word}".strip()


def _status_change(s: _Sent, prior: _Prior) -> _Sent | None:
    """The prior sentence announcing the same event at an earlier status, if any."""
    if s.status not in ("underway", "concluded"):
        return None
    best, best_overlap = None, 0.0
    for p in prior.sentences:
        if p.status is None or STATUS_ORDER[p.status] >= STATUS_ORDER[s.status]:
            continue
        shared = s.plain_terms & p.plain_terms
        if not (shared & EVENT_NOUNS or shared & {"meet", "meeting", "arriv", "sign"}):
            continue
        people = s.entities & p.entities
        overlap = len(shared) + 2 * len(people)
        if len(shared) >= 3 and people and overlap > best_overlap:
            best, best_overlap = p, overlap
    return best


def _trim_known(text: str, s: _Sent, prior: _Prior) -> str:
    """Drop an 'and <known figure>' conjunct so an old figure is not presented as new."""
    for q in s.quantities:
        if prior.knows_quantity(q):
            for joiner in (" and ", " as well as ", ", "):
                piece = joiner + q.text
                if piece in text:
                    text = text.replace(piece, "", 1)
                    break
    return text


def _compact(s: _Sent, prior: _Prior) -> str | None:
    """The new part of a sentence: its main clause plus the subordinate clauses that are new."""
    clauses = split_clauses(s.text)
    if len(clauses) == 1:
        return _trim_known(s.text, s, prior)
    known = mid_sentence_names([s.text])
    parts = [_analyse(c, s.article, s.index, s.is_key_point, known) for c in clauses]
    new_flags = [
        not prior.covers(p) and len(p.terms) >= 2
        and (not _COMMENT_CLAUSE.match(c) or bool(prior.new_facts(p)))
        for c, p in zip(clauses, parts)
    ]
    if not any(new_flags):
        return None
    kept = [clauses[0]] + [c for c, f in zip(clauses[1:], new_flags[1:]) if f]
    text = ", ".join(k.rstrip(".") for k in kept)
    if not text.endswith((".", "!", "?", '"')):
        text += "."
    return _trim_known(text, s, prior)


def _main_and_new(s: _Sent, prior: _Prior) -> str:
    return _compact(s, prior) or split_clauses(s.text)[0].rstrip(".") + "."


def _shorten(text: str, limit: int = 260) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


@dataclass
class _Candidate:
    item: NewItem
    score: float
    terms: set[str]
    is_key_point: bool
    sent: _Sent | None = None  # the new sentence it comes from
    before_sent: _Sent | None = None  # for updates: the earlier sentence it revises


def _refs(articles: list[Article]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for a in sorted(articles, key=lambda a: (a.published, a.key)):
        seen.setdefault(a.key, source_ref(a))
    return list(seen.values())


def whats_new(
    story_articles: list[Article],
    since: datetime | None = None,
    limit: int = MAX_ITEMS,
) -> list[NewItem]:
    prior_articles, new_articles = split_coverage(story_articles, since)
    return _new_against(prior_articles, new_articles, limit)


def whats_new_to_reader(story_articles: list[Article], read_keys, limit: int = MAX_ITEMS) -> list[NewItem]:
    """What a reader who has read the articles `read_keys` (e.g. a channel shown them) has not
    been told yet: the other articles read against those, oldest first; a revised figure reads
    "17 (was 12)" against what the reader saw, not against coverage they never got."""
    ordered = sorted(story_articles, key=lambda a: (a.published, a.key))
    read = set(read_keys)
    return _new_against([a for a in ordered if a.key in read], [a for a in ordered if a.key not in read], limit)


def _new_against(prior_articles: list[Article], new_articles: list[Article], limit: int) -> list[NewItem]:
    if not new_articles:
        return []
    story_articles = prior_articles + new_articles
    new_sents = [s for a in new_articles for s in _sentences_of(a)]
    if not prior_articles:
        return _first_coverage(new_articles, limit)
    pool = _Prior.of(prior_articles)
    actors = _main_actors(story_articles)
    new_keys = {a.key for a in new_articles}
    candidates: list[_Candidate] = []
    # Newer articles are read against prior coverage plus the new articles before them, so a
    # figure revised twice reads "17 (was 12)" once, not as two separate updates.
    for article in new_articles:
        for s in _sentences_of(article):
            cand = _evaluate(s, pool, actors)
            if cand is None:
                continue
            if cand.before_sent is not None and cand.before_sent.article.key in new_keys:
                cand = _supersede(cand, candidates)
            candidates.append(cand)
        pool.add_article(article)
    return _select(candidates, new_sents, limit)


def _supersede(cand: _Candidate, candidates: list[_Candidate]) -> _Candidate:
    """An update of an item that is itself new: replace that item, keeping the oldest 'before'."""
    for old in candidates:
        if old.sent is not None and old.sent.text == cand.before_sent.text:
            candidates.remove(old)
            if old.item.is_update:
                cand.item.before = old.item.before
                cand.item.before_sources = old.item.before_sources
            cand.score = max(cand.score, old.score)
            break
    return cand


def _evaluate(s: _Sent, prior: _Prior, actors: re.Pattern | None) -> _Candidate | None:
    """Whether one new sentence adds to `prior`: a candidate item with a rank score, or None."""
    if len(s.terms) < MIN_TERMS and not s.quantities:
        return None
    n_sents = max(1, len(s.article.sentences))
    position = 0.6 * (1 - min(s.index, n_sents) / n_sents)
    base = position + (0.8 if s.is_key_point else 0.0)
    if actors and (actors.search(s.text) or _PRONOUN_START.match(s.text)):
        base += 0.5  # what the story's protagonists did or said
    if _COMMENTARY.search(s.text):
        base -= 0.6
    if _BACKGROUND.search(s.text):
        base -= 0.6
    figure = _changed_figure(s, prior)
    if figure:
        new_q, old_q, stating = figure
        item = NewItem(
            text=_shorten(s.text),
            sources=_refs([s.article]),
            before=_figure_phrase(old_q, stating[0].text) if stating else old_q.text,
            before_sources=_refs([p.article for p in stating]),
        )
        return _Candidate(item, base + 3.0, s.terms, s.is_key_point, s, stating[-1] if stating else None)
    earlier = _status_change(s, prior)
    if earlier is not None and not prior.covers(s):
        item = NewItem(
            text=_shorten(_main_and_new(s, prior)),
            sources=_refs([s.article]),
            before=_shorten(split_clauses(earlier.text)[0], 160).rstrip("."),
            before_sources=_refs([earlier.article]),
        )
        return _Candidate(item, base + 2.5, s.terms, s.is_key_point, s, earlier)
    if prior.covers(s):
        return None
    text = _compact(s, prior)
    if not text:
        return None
    kept_terms = set(canonical_terms(text))
    if len(kept_terms) < MIN_TERMS:
        return None
    novelty = 1 - _coverage(kept_terms, prior.terms)
    facts = len(prior.new_facts(s))
    score = base + novelty + 0.35 * min(3, facts)
    if s.status in ("underway", "concluded"):
        score += 0.3
    return _Candidate(NewItem(_shorten(text), _refs([s.article])), score, kept_terms, s.is_key_point, s)


_PRONOUN_START = re.compile(r"^(He|She|They)\s")


def _main_actors(articles: list[Article]) -> re.Pattern | None:
    """A pattern matching the names of the story's most mentioned people."""
    counts: dict[str, int] = {}
    for a in articles:
        known = mid_sentence_names([a.title, *a.sentences])
        for text in [a.title, *a.sentences]:
            for e in entities(text, known):
                if e.is_person:
                    counts[e.text] = counts.get(e.text, 0) + 1
    top = sorted(counts, key=lambda n: -counts[n])[:2]
    words = {w for name in top for w in name.split() if len(w) >= 3}
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words)) + r")\b")


def _first_coverage(new_articles: list[Article], limit: int) -> list[NewItem]:
    candidates = []
    for a in new_articles:
        for i, kp in enumerate(k for k in (a.key_points or a.sentences[:3]) if k.strip()):
            terms = set(canonical_terms(kp))
            candidates.append(_Candidate(NewItem(_shorten(kp), _refs([a])), 1.0 - 0.1 * i, terms, True))
    return _select(candidates, [], limit)


def _select(candidates: list[_Candidate], new_sents: list[_Sent], limit: int) -> list[NewItem]:
    candidates.sort(key=lambda c: -c.score)
    chosen: list[_Candidate] = []
    for c in candidates:
        if any(_jaccard(c.terms, k.terms) >= 0.5 for k in chosen):
            # a near-duplicate: credit its sources to the item already kept
            twin = max(chosen, key=lambda k: _jaccard(c.terms, k.terms))
            _add_sources(twin.item, c.item.sources)
            continue
        chosen.append(c)
    for c in chosen:  # other new articles stating the same thing
        for s in new_sents:
            if _jaccard(c.terms, s.terms) >= 0.5:
                _add_sources(c.item, _refs([s.article]))
    chosen = [c for i, c in enumerate(chosen) if i < MIN_ITEMS or c.score >= SCORE_FLOOR][:limit]
    chosen.sort(key=lambda c: (not (c.item.is_update or c.is_key_point), -c.score))
    return [c.item for c in chosen]


def _add_sources(item: NewItem, refs: list[SourceRef]) -> None:
    keys = {r.article_key for r in item.sources}
    for r in refs:
        if r.article_key not in keys:
            item.sources.append(r)
            keys.add(r.article_key)
    item.sources.sort(key=lambda r: (r.published, r.article_key))


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
