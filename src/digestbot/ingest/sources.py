"""Sources named on the command line or in configuration: files, folders, pages and feeds.

Everything is yielded as values: a `RawArticle` per article, an `InputError` per input (or per
feed entry, or per sidecar key) that cannot be used. Nothing is raised out of the iterators,
so one bad input never stops a batch and nothing read before it is lost.

Metadata precedence: sidecar > feed fields / page metadata > fallbacks (title: a headline-like
first line; source: the domain, or "local file"; published: the file's mtime or the fetch time,
flagged `published_is_fallback` and logged as a warning).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from digestbot.domain.models import ArticleKind, InputError, RawArticle

from .feeds import domain_of, http_url_or_none, parse_feed
from .fetch import FetchResult, SafeFetcher
from .html import extract_page, sniff_html_charset
from .sidecar import is_sidecar, read_sidecar
from .text import FEED_ROOTS, decode_bytes, first_line_title, markdown_to_text, xml_root_name

log = logging.getLogger("digestbot.ingest")

DEFAULT_MAX_BYTES = 5_000_000
FOLDER_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".rss",
                             ".atom"})
_FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_MD_SUFFIXES = {".md", ".markdown"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/feed+json"}
_XML_TYPES = {"application/xml", "text/xml"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
LOCAL_SOURCE = "local file"


def load_sources(
    specs: Iterable[str],
    fetcher: SafeFetcher | None = None,
    *,
    fetch_entries: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[RawArticle | InputError]:
    """Each spec is a local file, a local folder (recursed, sorted), an http(s) article URL or
    an http(s) feed URL. Other URL schemes (file://, ftp://, ...) are refused before any I/O.
    With `fetch_entries`, feed entries' pages are fetched for their full text."""
    for spec in specs:
        if fetcher is None and _url_scheme(spec) in ("http", "https"):
            fetcher = SafeFetcher(max_bytes=max_bytes)  # one for the batch, made on first use
        for item in _load_spec(spec, fetcher, fetch_entries, max_bytes):
            if isinstance(item, InputError):
                item = one_line(item)
            yield item


def one_line(error: InputError) -> InputError:
    """The same error, its message forced onto one line (names may hold newlines)."""
    message = str(error)
    if "\n" not in message and "\r" not in message:
        return error
    return InputError(message.replace("\r", "\\r").replace("\n", "\\n"))


def _load_spec(spec: str, fetcher: SafeFetcher | None, fetch_entries: bool,
               max_bytes: int) -> Iterator[RawArticle | InputError]:
    scheme = _url_scheme(spec)
    try:
        if scheme is None:
            yield from load_path(Path(spec), max_bytes=max_bytes, origin=spec)
        elif scheme in ("http", "https"):
            yield from load_url(spec, fetcher or SafeFetcher(max_bytes=max_bytes),
                                fetch_entries=fetch_entries)
        else:
            yield InputError(f"{spec}: only local paths and http(s) URLs are read "
                             f"(scheme '{scheme}' refused)")
    except InputError as exc:
        yield exc
    except Exception as exc:  # a bug or a surprise in a library: report, carry on
        log.debug("unexpected error ingesting %s", spec, exc_info=True)
        yield InputError(f"{spec}: could not be read ({type(exc).__name__}: "
                         f"{_first_line(exc)})")


def _url_scheme(spec: str) -> str | None:
    """The URL scheme of a spec, or None for a local path (`C:\\x` is a path, not a URL)."""
    m = _SCHEME.match(spec)
    if not m or len(m.group(1)) == 1:
        return None
    return m.group(1).lower()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


# --- local files ----------------------------------------------------------------------------

def load_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              origin: str | None = None) -> Iterator[RawArticle | InputError]:
    origin = origin or str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        yield InputError(f"{origin}: no such file or folder")
        return
    except OSError as exc:
        yield InputError(f"{origin}: cannot read ({exc.strerror or exc})")
        return
    if stat.S_ISDIR(st.st_mode):
        yield from load_folder(path, max_bytes=max_bytes)
    else:
        yield from load_file(path, max_bytes=max_bytes, origin=origin)


def folder_files(folder: Path) -> list[Path]:
    """Article files under `folder`, sorted: known suffixes only, no sidecars, nothing hidden,
    symlinked folders not followed."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            p = Path(root, name)
            if name.startswith(".") or is_sidecar(p):
                continue
            if p.suffix.lower() in FOLDER_SUFFIXES:
                found.append(p)
    return sorted(found)


def load_folder(folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
                ) -> Iterator[RawArticle | InputError]:
    try:
        files = folder_files(folder)
    except OSError as exc:
        yield InputError(f"{folder}: cannot list folder ({exc.strerror or exc})")
        return
    if not files:
        yield InputError(f"{folder}: folder holds no article files "
                         f"({', '.join(sorted(FOLDER_SUFFIXES))})")
        return
    for path in files:
        try:
            yield from load_file(path, max_bytes=max_bytes)
        except Exception as exc:
            log.debug("unexpected error ingesting %s", path, exc_info=True)
            yield InputError(f"{path}: could not be read ({type(exc).__name__}: "
                             f"{_first_line(exc)})")


def _read_capped(path: Path, origin: str, max_bytes: int) -> tuple[bytes, os.stat_result]:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{origin}: not a regular file")
            if st.st_size > max_bytes:
                raise InputError(f"{origin}: file of {st.st_size} bytes is over the "
                                 f"{max_bytes}-byte cap")
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{origin}: no such file or folder") from None
    except IsADirectoryError:
        raise InputError(f"{origin}: is a folder") from None
    except OSError as exc:
        raise InputError(f"{origin}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(f"{origin}: file is over the {max_bytes}-byte cap")
    return data, st


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              origin: str | None = None) -> Iterator[RawArticle | InputError]:
    origin = origin or str(path)
    try:
        _refuse_unless_regular(path, origin)
        data, st = _read_capped(path, origin, max_bytes)
    except InputError as exc:
        yield exc
        return

    sidecar = read_sidecar(path)
    meta: dict[str, object] = {}
    if sidecar is not None:
        yield from sidecar.errors
        meta = sidecar.values

    suffix = path.suffix.lower()
    root = xml_root_name(data)
    mtime = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc)
    if root in FEED_ROOTS:
        yield from parse_feed(
            data, origin,
            source=meta.get("source"),  # type: ignore[arg-type]
            kind=meta.get("kind"),  # type: ignore[arg-type]
            fetched_at=mtime,
        )
        return
    try:
        text, found = _file_text(data, origin, suffix, root)
    except InputError as exc:
        yield exc
        return
    yield _article(text, origin, meta, found, fallback_source=LOCAL_SOURCE,
                   fallback_time=mtime, fallback_what="file's modification time")


def _refuse_unless_regular(path: Path, origin: str) -> None:
    """Check the file itself first: a non-regular file is refused before it is opened for
    reading (/dev/zero or a FIFO would never end)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"{origin}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{origin}: not a regular file")


def _file_text(data: bytes, origin: str, suffix: str, root: str | None) -> tuple[str, dict]:
    """The text of a file that is not a feed, and what its markup says about it, by suffix
    (or an <html> root)."""
    if suffix in _FEED_SUFFIXES and root not in ("html",):
        shown = f"<{root}>" if root else "no XML root element"
        raise InputError(f"{origin}: not an RSS/Atom feed ({shown})")
    if suffix in _HTML_SUFFIXES or root == "html":
        html = decode_bytes(data, origin, declared=sniff_html_charset(data))
        text, page = extract_page(html, origin)
        return text, {"title": page.title, "author": page.author, "published": page.published,
                      "source": page.sitename, "url": http_url_or_none(page.url)}
    if suffix in _MD_SUFFIXES:
        title, text = markdown_to_text(decode_bytes(data, origin))
        if not text.strip():
            raise InputError(f"{origin}: empty (a title and no text)")
        return text, {"title": title}
    return decode_bytes(data, origin).strip("\n"), {}


def _article(text: str, origin: str, sidecar: dict, found: dict, *, fallback_source: str,
             fallback_time: datetime, fallback_what: str, warn: bool = True) -> RawArticle:
    def pick(key: str):
        return sidecar.get(key) or found.get(key)

    url = pick("url")
    title = pick("title") or first_line_title(text)
    source = pick("source") or domain_of(url) or fallback_source
    published = pick("published")
    fallback = published is None
    if fallback:
        published = fallback_time
    if fallback and warn:
        log.warning("%s: no publication date found, using the %s (%s)", origin, fallback_what,
                    fallback_time.isoformat(timespec="seconds"))
    kind = pick("kind")
    return RawArticle(
        text=text,
        origin=origin,
        title=title,  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        url=url,  # type: ignore[arg-type]
        author=pick("author"),  # type: ignore[arg-type]
        published=published,  # type: ignore[arg-type]
        kind=kind if isinstance(kind, ArticleKind) else None,
        published_is_fallback=fallback,
    )


# --- URLs -------------------------------------------------------------------------------------

def load_url(url: str, fetcher: SafeFetcher, *, fetch_entries: bool = False,
             warn_fallback: bool = True) -> Iterator[RawArticle | InputError]:
    """An article page or a feed, detected by content (root element) and Content-Type."""
    fetched_at = datetime.now(timezone.utc)
    try:
        result = fetcher.fetch(url)
    except InputError as exc:
        yield exc
        return
    root = xml_root_name(result.body)
    if root in FEED_ROOTS or result.content_type in _FEED_TYPES:
        yield from parse_feed(result.body, url, feed_url=result.final_url, fetched_at=fetched_at,
                              fetcher=fetcher, fetch_entries=fetch_entries)
        return
    try:
        text, found = _page_text(result, url, root)
    except InputError as exc:
        yield exc
        return
    found["url"] = result.final_url
    yield _article(text, url, {}, found, fallback_source=domain_of(result.final_url) or url,
                   fallback_time=fetched_at, fallback_what="fetch time", warn=warn_fallback)


def _page_text(result: FetchResult, url: str, root: str | None) -> tuple[str, dict]:
    """The text of a fetched page that is not a feed, and what its markup says about it, by
    Content-Type (or an <html> root, or a body that starts with markup when no type is given)."""
    body, ctype = result.body, result.content_type
    if ctype in _XML_TYPES and root != "html":
        shown = f"<{root}>" if root else "no root element"
        raise InputError(f"{url}: XML but not an RSS/Atom feed ({shown})")
    if ctype in _HTML_TYPES or root == "html" or (not ctype and body.lstrip()[:1] == b"<"):
        html = decode_bytes(body, url, declared=result.charset or sniff_html_charset(body))
        text, page = extract_page(html, url, url=result.final_url)
        return text, {"title": page.title, "author": page.author, "published": page.published,
                      "source": page.sitename}
    if ctype.startswith("text/") or not ctype:
        return decode_bytes(body, url, declared=result.charset).strip("\n"), {}
    raise InputError(f"{url}: unsupported content type {ctype!r}")


def capped(items: Iterable[RawArticle | InputError], limit: int) -> Iterator[RawArticle | InputError]:
    """At most `limit` articles of a batch; past it, one error says what was left unread."""
    articles = 0
    for item in items:
        if isinstance(item, RawArticle):
            articles += 1
            if articles > limit:
                yield InputError(f"more than {limit} articles in one batch: the rest were not read "
                                 f"(DIGESTBOT_MAX_BATCH_ARTICLES)")
                return
        yield item
