"""Ingestion: local files, folders, article pages and RSS/Atom feeds to `RawArticle`s.

Inputs are hostile: fetching goes through `SafeFetcher` (SSRF, size and time limits), feeds are
parsed only from bytes the project read itself, and every bad input comes out of the iterators
as an `InputError` value with a one-line message, never as an exception that stops the batch.
"""

from digestbot.domain.models import InputError, RawArticle

from .fetch import FetchResult, SafeFetcher
from .jsonl import read_jsonl
from .sources import capped, load_file, load_folder, load_path, load_sources, load_url

__all__ = [
    "FetchResult",
    "InputError",
    "RawArticle",
    "SafeFetcher",
    "capped",
    "load_file",
    "load_folder",
    "load_path",
    "load_sources",
    "load_url",
    "read_jsonl",
]
