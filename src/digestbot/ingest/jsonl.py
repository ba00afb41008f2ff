"""Articles as JSON lines: `{"id", "text", "title"?, "published"?, "source"?, "url"?, "kind"?}`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

from digestbot.domain.models import ArticleKind, InputError, RawArticle

from .dates import parse_datetime
from .feeds import domain_of, http_url_or_none

MAX_LINE_CHARS = 5_000_000
_SURROGATE = re.compile("[\udc80-\udcff]")
_OPTIONAL_TEXT = ("title", "source", "author")


def read_jsonl(stream: TextIO, origin: str) -> Iterator[RawArticle | InputError]:
    """One RawArticle per usable line; an InputError naming `origin:LINE` for each bad one.
    Blank lines are skipped. `published` missing stays None (the caller decides)."""
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("_", "-") in (
            "utf-8", "utf8", "utf-8-sig"):
        # One bad byte must cost one line, not the rest of the file: keep undecodable bytes
        # as surrogates and report the lines that hold them.
        try:
            stream.reconfigure(errors="surrogateescape")
        except (ValueError, io.UnsupportedOperation):
            pass
    lineno = 0
    while True:
        try:
            line = stream.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:
            yield InputError(f"{origin}:{lineno + 1}: not UTF-8 text; stopped reading")
            return
        if not line:
            return
        lineno += 1
        where = f"{origin}:{lineno}"
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            yield InputError(f"{where}: line longer than {MAX_LINE_CHARS} characters")
            while line and not line.endswith("\n"):  # skip the rest of that line
                line = stream.readline(MAX_LINE_CHARS + 1)
            continue
        if not line.strip():
            continue
        if _SURROGATE.search(line):
            yield InputError(f"{where}: not UTF-8 text")
            continue
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        item = _parse_line(line, where)
        yield item


def _parse_line(line: str, origin: str) -> RawArticle | InputError:
    """The article on one line, or the line's first problem; `origin` is `NAME:LINE`, which
    errors after the id name with the id too."""
    try:
        data = _json_object(line, origin)
        input_id = _input_id(data, origin)
        where = f"{origin} (id {input_id[:40]})"
        text = _article_text(data, where)
        fields = _optional_fields(data, where)
    except InputError as error:
        return error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawArticle(
        text=text,
        origin=origin,
        input_id=input_id,
        source=fields.get("source") or domain_of(fields.get("url")),  # type: ignore[arg-type]
        title=fields.get("title"),  # type: ignore[arg-type]
        author=fields.get("author"),  # type: ignore[arg-type]
        url=fields.get("url"),  # type: ignore[arg-type]
        published=fields.get("published"),  # type: ignore[arg-type]
        kind=fields.get("kind"),  # type: ignore[arg-type]
    )


def _json_object(line: str, where: str) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: invalid JSON (nested too deeply)") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise InputError(f"{where}: invalid JSON (a number with too many digits)") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(data).__name__}")
    return data


def _input_id(data: dict, where: str) -> str:
    raw_id = data.get("id")
    if raw_id is None:
        raise InputError(f"{where}: missing 'id'")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise InputError(f"{where}: 'id' must be a string or an integer")
    input_id = str(raw_id)
    if not input_id.strip():
        raise InputError(f"{where}: 'id' is empty")
    return input_id


def _article_text(data: dict, where: str) -> str:
    text = data.get("text")
    if text is None:
        raise InputError(f"{where}: missing 'text'")
    if not isinstance(text, str):
        raise InputError(f"{where}: 'text' must be a string")
    if not text.strip():
        raise InputError(f"{where}: 'text' is empty")
    return text


def _optional_fields(data: dict, where: str) -> dict[str, object]:
    """The optional fields that are present and usable, checked in a fixed order (the first
    bad one is the line's error)."""
    fields: dict[str, object] = {}
    for key in _OPTIONAL_TEXT:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: '{key}' must be a string")
        value = " ".join(value.split())
        if value:
            fields[key] = value
    for key, read in _OPTIONAL_VALUES:
        value = data.get(key)
        if value is not None:
            read_value = read(value, where)
            if read_value is not None:
                fields[key] = read_value
    return fields


def _url(url: object, where: str) -> str | None:
    if not isinstance(url, str):
        raise InputError(f"{where}: 'url' must be a string")
    if not url.strip():
        return None
    checked = http_url_or_none(url)
    if checked is None:
        raise InputError(f"{where}: 'url' must be an http(s) URL")
    return checked


def _published(published: object, where: str) -> datetime:
    if not isinstance(published, str):
        raise InputError(f"{where}: 'published' must be an ISO-8601 string")
    when = parse_datetime(published)
    if when is None:
        raise InputError(f"{where}: 'published' is not an ISO-8601 date-time in range: {published[:40]!r}")
    return when


def _kind(kind: object, where: str) -> ArticleKind:
    try:
        return ArticleKind(kind.strip().lower() if isinstance(kind, str) else kind)
    except ValueError:
        raise InputError(f"{where}: 'kind' must be 'news' or 'opinion'") from None


_OPTIONAL_VALUES = (("url", _url), ("published", _published), ("kind", _kind))
