"""From a RawArticle to a processed Article: clean, split, key points, and input checks.

Pure: no I/O. Problems come back as InputError (the article is not usable) or as
warnings on the returned result (usable, but the user should know).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from .analysis import MAX_SENTENCES, analyse_text
from .text.cleaning import strip_bidi_controls
from .domain.models import Article, ArticleKind, InputError, RawArticle, as_utc

# Words that make up a large share of any English running text.
_ENGLISH_MARKERS = frozenset(
    "the of and to in a is that for it on was with as by at be this are from has have "
    "its his her their an not but which will said were been would who after".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
MAX_PUBLISHED_AHEAD = timedelta(days=1)  # clocks and time zones disagree; more is a wrong date
HEADLINE_CHARS = 120  # a made-up headline is at most this long: a headline, not a paragraph
# Where a long lead sentence may be cut and still read as a headline: after a clause.
# A wire dateline opening the lead ("ATLANTA _ ", "AUSTIN, Texas _ ", "BEIJING (Xinhua) -- "):
# not part of a headline (NYT copy marks it with an underscore, other wires with dashes).
_DATELINE = re.compile(r"^[A-Z][A-Z.' -]+(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)*)?"
                       r" *(?:\([^()]{1,30}\))? *(?:_|--|\u2014|\u2013|-) +")
_CLAUSE_END = re.compile(r"[,;:]\s|\s[\u2013\u2014-]+\s|\s\((?=\w)")


def plain_title(title: str | None) -> str | None:
    """A title as text: markup (`<b>Slack</b>`, also when escaped) and entities resolved,
    whitespace on one line. Feeds such as search alerts mark their hits up in titles."""
    if not title:
        return None
    text = strip_bidi_controls(html.unescape(_TAG.sub("", html.unescape(title))))
    return " ".join(text.split()) or None


def headline_from(sentence: str, limit: int = HEADLINE_CHARS) -> str:
    """A headline for an article that has none: its lead sentence, or when that is long the
    clause it opens with, or its words up to `limit` with an ellipsis (never a cut word)."""
    sentence = " ".join(sentence.split()).rstrip(".")
    sentence = _DATELINE.sub("", sentence, count=1) or sentence
    if len(sentence) <= limit:
        return sentence
    cuts = [m.start() for m in _CLAUSE_END.finditer(sentence, 0, limit + 1) if m.start() >= limit // 2]
    if cuts:
        return sentence[:cuts[-1]].rstrip(" ,;:")
    head = sentence[:limit + 1].rsplit(" ", 1)[0] if " " in sentence[:limit + 1] else sentence[:limit]
    return head.rstrip(" ,;:") + "\u2026"


@dataclass
class Processed:
    article: Article
    warnings: list[str] = field(default_factory=list)


def content_hash(sentences: list[str]) -> str:
    normalised = " ".join(" ".join(sentences).lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def looks_english(text: str) -> bool:
    """True when the text reads as English: Latin script and common English function words."""
    sample = text[:5000]
    # Counted in C (map, findall), not character by character in Python: this runs for
    # every article, and an ASCII sample (most English) is all Latin without counting.
    letters = sum(map(str.isalpha, sample))
    if not letters:
        return False
    if not sample.isascii() and len(_LATIN_LETTER.findall(sample)) / letters < 0.6:
        return False
    words = _WORD.findall(sample.lower())
    if len(words) < 8:
        return True  # too short to judge: let it through
    return sum(map(_ENGLISH_MARKERS.__contains__, words)) / len(words) >= 0.08


def plausible_published(published: datetime, now: datetime) -> bool:
    """A date far ahead of ingestion is a wrong date (a year 2999 would rank as newest for
    ever): the one rule for every input."""
    return as_utc(published) <= as_utc(now) + MAX_PUBLISHED_AHEAD


def _source_from(raw: RawArticle) -> str:
    if raw.source:
        return raw.source
    if raw.url:
        host = urlsplit(raw.url).hostname or ""
        return host.removeprefix("www.") or "unknown source"
    return "local file"


def process_article(
    raw: RawArticle,
    *,
    key_points: int = 3,
    method: str = "digestbot",
    max_chars: int = 200_000,
    now: datetime | None = None,
) -> Processed:
    """Clean and summarise one article; raise InputError when it cannot be used."""
    warnings: list[str] = []
    text = _usable_text(raw, max_chars, warnings)
    title = plain_title(raw.title)
    analysis = analyse_text(text, title=title, n=key_points, method=method)
    if not analysis.sentences:
        raise InputError(f"{raw.origin}: no article text left after removing boilerplate")
    if analysis.sentences_cut:
        warnings.append(f"{raw.origin}: more than {MAX_SENTENCES} sentences; the rest was ignored")
    if len(analysis.sentences) == 1:
        warnings.append(f"{raw.origin}: only one sentence; it is its own key point")

    published, published_is_fallback = _publication(raw, now or datetime.now(timezone.utc), warnings)
    digest_of_content = content_hash(analysis.sentences)
    article = Article(
        key=raw.url or f"sha256:{digest_of_content}",
        title=title or plain_title(analysis.title) or headline_from(analysis.sentences[0]),
        source=_source_from(raw),
        published=published,
        kind=raw.kind or (ArticleKind.OPINION if analysis.is_opinion else ArticleKind.NEWS),
        sentences=analysis.sentences,
        key_points=analysis.key_points,
        content_hash=digest_of_content,
        url=raw.url,
        author=raw.author or analysis.author,
        input_id=raw.input_id,
        origin=raw.origin,
        published_is_fallback=published_is_fallback,
        dateline=analysis.dateline,
    )
    return Processed(article, warnings)


def _usable_text(raw: RawArticle, max_chars: int, warnings: list[str]) -> str:
    """The article's text, cut at `max_chars`; InputError when it is empty or not English."""
    text = raw.text
    if not text or not text.strip():
        raise InputError(f"{raw.origin}: empty article (no text)")
    if len(text) > max_chars:
        text = text[:max_chars]
        warnings.append(f"{raw.origin}: article longer than {max_chars} characters; the rest was ignored")
    if not looks_english(text):
        raise InputError(f"{raw.origin}: not English text; key points need English (article skipped)")
    return text


def _publication(raw: RawArticle, now: datetime, warnings: list[str]) -> tuple[datetime, bool]:
    """When the article was published, in UTC, and whether that is the ingestion time standing in
    for a missing or implausible date."""
    published = raw.published
    if published is not None and not plausible_published(published, now):
        warnings.append(f"{raw.origin}: published date {published.isoformat()} is more than "
                        f"{MAX_PUBLISHED_AHEAD.days} day ahead; the ingestion time is used")
        published = None
    if published is None:
        return now, True
    return as_utc(published), raw.published_is_fallback
