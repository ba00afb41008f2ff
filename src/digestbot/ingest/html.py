"""Article pages: HTML (already decoded, already size-capped) to text and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from digestbot.domain.models import InputError

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
    """Article text (one paragraph a line) and metadata of a decoded HTML page.

    Paragraphs come from the page's structure (trafilatura's XML: paragraphs, subheadings,
    list items, quotes), so lines broken with `<br>` inside one paragraph stay one paragraph.
    """
    import trafilatura

    paragraphs = _main_paragraphs(html, url)
    if not paragraphs:
        raise InputError(f"{origin}: no article text found in the page")
    text = "\n".join(paragraphs)

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
    return text, meta


# Elements of trafilatura's XML that hold a paragraph of their own.
_BLOCKS = frozenset({"p", "head", "item", "quote", "cell", "code"})


def _main_paragraphs(html: str, url: str | None) -> list[str]:
    """The main text's paragraphs, each on one line, in page order."""
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(html, url=url, output_format="xml", include_comments=False,
                              include_tables=False)
    if not xml:
        return []
    try:
        main = etree.fromstring(xml.encode("utf-8")).find("main")
    except etree.XMLSyntaxError:
        return []
    if main is None:
        return []
    for br in main.iter("lb"):
        br.tail = " " + (br.tail or "")  # a line break inside a paragraph is a space
    return [text for block in _leaf_blocks(main) if (text := " ".join("".join(block.itertext()).split()))]


def _leaf_blocks(element, inside_block: bool = False) -> list:
    """Block elements that hold no other block (a quote of two paragraphs gives two).

    Outside a block, an unknown element with text of its own (a `<div>`) counts as a block;
    inside one, inline markup (`<hi>`, `<ref>`) belongs to the paragraph around it.
    """
    found = []
    for child in element:
        if not isinstance(child.tag, str):
            continue  # XML comments and processing instructions
        is_block = child.tag in _BLOCKS
        inner = _leaf_blocks(child, inside_block or is_block)
        if inner:
            found.extend(inner)
        elif is_block or not inside_block and "".join(child.itertext()).strip():
            found.append(child)
    return found


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
