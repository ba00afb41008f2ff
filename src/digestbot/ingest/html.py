"""Article pages: HTML (already decoded, already size-capped) to text and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from digestbot.models import InputError

from .dates import parse_datetime

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


@dataclass
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    sitename: str | None = None
    url: str | None = None


def sniff_html_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KB."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _meta_tags(html: str) -> dict[str, str]:
    """<meta property|name=... content=...> pairs (first wins), lower-case keys."""
    import lxml.html
    from lxml import etree

    found: dict[str, str] = {}
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return found
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    titles = doc.xpath("//title/text()")
    if titles and titles[0].strip():
        found.setdefault("<title>", " ".join(titles[0].split()))
    return found


def extract_page(html: str, origin: str, url: str | None = None) -> tuple[str, PageMeta]:
    """Article text (paragraphs on their own lines) and metadata of a decoded HTML page."""
    import trafilatura

    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not text or not text.strip():
        text = trafilatura.extract(html, url=url, output_format="txt",
                                   include_comments=False, include_tables=False)
    if not text or not text.strip():
        raise InputError(f"{origin}: no article text found in the page")

    meta = PageMeta()
    try:
        doc = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # metadata is best effort; the text is what matters
        doc = None
    if doc is not None:
        meta.title = _clean(getattr(doc, "title", None))
        meta.author = _clean(getattr(doc, "author", None))
        meta.sitename = _clean(getattr(doc, "sitename", None))
        meta.url = _clean(getattr(doc, "url", None))
        meta.published = parse_datetime(getattr(doc, "date", None))

    tags = _meta_tags(html)
    # An explicit timestamp beats trafilatura's day-only date.
    stamp = parse_datetime(tags.get("article:published_time") or tags.get("datepublished"))
    if stamp is not None:
        meta.published = stamp
    meta.title = meta.title or _clean(tags.get("og:title")) or _clean(tags.get("twitter:title")) \
        or _clean(tags.get("<title>"))
    meta.sitename = meta.sitename or _clean(tags.get("og:site_name"))
    meta.author = meta.author or _clean(tags.get("author")) or _clean(tags.get("article:author"))
    if meta.published is None:
        meta.published = parse_datetime(tags.get("og:updated_time")
                                        or tags.get("article:modified_time"))
    return text.strip(), meta


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
