"""Sidecar metadata: `X.meta.toml` beside `X.txt` (or `X.md`, `X.html`, ...).

Keys: title, source, author, url (http/https), kind ("news" | "opinion"), published (a TOML
datetime or date, or an ISO-8601 string; naive means UTC). Invalid values are reported one by
one and the valid ones still apply: the article is never lost over its sidecar.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from digestbot.domain.models import ArticleKind, InputError

from .dates import parse_datetime
from .feeds import http_url_or_none

log = logging.getLogger("digestbot.ingest")

SIDECAR_SUFFIX = ".meta.toml"
MAX_SIDECAR_BYTES = 64 * 1024
_TEXT_KEYS = ("title", "source", "author")


@dataclass
class Sidecar:
    path: Path
    values: dict[str, object] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX if path.suffix
                          else path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> Sidecar | None:
    """The sidecar beside `path`, or None when there is none."""
    meta = sidecar_path(path)
    if not meta.is_file():
        return None
    result = Sidecar(meta)
    try:
        if meta.stat().st_size > MAX_SIDECAR_BYTES:
            result.errors.append(InputError(f"{meta}: sidecar over {MAX_SIDECAR_BYTES} bytes"))
            return result
        raw = meta.read_bytes()
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        result.errors.append(InputError(f"{meta}: sidecar is not UTF-8 text"))
        return result
    except tomllib.TOMLDecodeError as exc:
        result.errors.append(InputError(f"{meta}: invalid TOML ({exc})"))
        return result
    except OSError as exc:
        result.errors.append(InputError(f"{meta}: cannot read sidecar ({exc.strerror})"))
        return result
    result.values, result.errors = validate_metadata(data, str(meta))
    return result


def validate_metadata(data: dict, where: str) -> tuple[dict[str, object], list[InputError]]:
    values: dict[str, object] = {}
    errors: list[InputError] = []
    for key, value in data.items():
        if key in _TEXT_KEYS:
            if isinstance(value, str) and value.strip():
                values[key] = " ".join(value.split())
            else:
                errors.append(InputError(f"{where}: key '{key}' must be non-empty text"))
        elif key == "url":
            url = http_url_or_none(value)
            if url:
                values[key] = url
            else:
                errors.append(InputError(f"{where}: key 'url' must be an http(s) URL"))
        elif key == "kind":
            try:
                values[key] = ArticleKind(str(value).strip().lower()) \
                    if isinstance(value, str) else ArticleKind(value)
            except ValueError:
                errors.append(InputError(f"{where}: key 'kind' must be 'news' or 'opinion'"))
        elif key == "published":
            when: datetime | None = parse_datetime(value)
            if when is None or isinstance(value, bool):
                errors.append(InputError(
                    f"{where}: key 'published' must be a date-time (e.g. 2026-01-05T12:00:00+08:00)"
                ))
            else:
                values[key] = when
        else:
            log.warning("%s: unknown key '%s' ignored", where, key)
    return values, errors
