"""The commands that read articles and print what the bot makes of them: `digest`, `summarise`
(alias `summarize`) and `extract`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

from ..domain.models import as_utc
from .support import EXIT_INPUT, EXIT_OK, UsageError, default_seed_inputs, load_settings, open_app, report_error


def _positive_count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= number <= 20:
        raise argparse.ArgumentTypeError(f"must be between 1 and 20, got {number}")
    return number


def _datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or datetime: {value!r}") from None
    return as_utc(moment)


def _add_summary_options(cmd: argparse.ArgumentParser) -> None:
    from ..keypoints import METHODS

    cmd.add_argument("-n", "--key-points", type=_positive_count, help="key points per article (default 3)")
    cmd.add_argument("--method", choices=sorted(METHODS), help="key-point method (default: digestbot)")


def add_digest_command(commands) -> None:
    digest = commands.add_parser(
        "digest",
        help="ingest articles and print their digest",
        description="Ingest files, folders, URLs and feeds (default: seeds/), store them, print the digest.",
        epilog="examples:\n  digestbot digest\n  digestbot digest news/ --format json\n"
        "  digestbot digest --jsonl - --since 2026-01-05 < archive.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    digest.add_argument("inputs", nargs="*", metavar="PATH|URL|FEED", help="what to ingest (default: seeds/)")
    digest.add_argument("--jsonl", metavar="FILE|-", help="read articles as JSON lines {id, text, title?, ...}")
    digest.add_argument("--since", type=_datetime, metavar="DATETIME",
                        help="what's new = what articles published after DATETIME add to earlier ones")
    digest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    digest.add_argument("--top", type=_positive_count, default=5, help="stories shown in text/markdown (default 5)")
    _add_summary_options(digest)


def add_summarise_command(commands) -> None:
    summarise = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        help="key points for JSON lines, one line out per line in",
        description="Read {\"id\", \"text\", ...} lines, write {\"id\", \"key_points\": [...]} lines in input order.",
        epilog="example:\n  digestbot summarise --jsonl articles.jsonl -n 3 > key_points.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summarise.add_argument("--jsonl", required=True, metavar="FILE|-", help="input JSON lines ('-' for stdin)")
    _add_summary_options(summarise)


def add_extract_command(commands) -> None:
    extract = commands.add_parser(
        "extract",
        help="print the clean main text of pages and files, as the bot reads them",
        description="Print the main text of each input after extraction and cleaning, as ingestion "
        "sees it (paragraphs separated by blank lines). Stores nothing.",
        epilog="examples:\n  digestbot extract saved-page.html\n"
        "  digestbot extract https://example.org/news/story --format json\n"
        "  digestbot extract news/ --format json > clean.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("inputs", nargs="+", metavar="PATH|URL", help="files, folders, pages or feeds")
    extract.add_argument("--format", choices=("text", "json"), default="text")


def _open_jsonl(spec: str) -> tuple[TextIO, str]:
    """The stream and the name errors use for it (`stdin` for `-`)."""
    if spec == "-":
        return sys.stdin, "stdin"
    try:
        return open(spec, encoding="utf-8", errors="strict"), spec  # noqa: SIM115 - read to the end
    except OSError as exc:
        raise UsageError(f"{spec}: cannot open ({exc.strerror or exc})") from None


def _with_progress(items: Iterator, what: str, jsonl: str | None = None) -> Iterator:
    """A progress bar on stderr when a person is watching it; the items unchanged otherwise.
    For a JSON lines file its lines are counted first (a quick pass over bytes) for an ETA."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit=" articles", file=sys.stderr, total=_line_count(jsonl))


def _line_count(path: str | None) -> int | None:
    if not path or path == "-":
        return None
    try:
        with open(path, "rb") as stream:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return None


def cmd_digest(args: argparse.Namespace) -> int:
    from ..ingest import capped, load_sources, read_jsonl
    from ..present.render import RENDERERS, render_json

    app = open_app(args)
    try:
        sources = []
        if args.jsonl:
            sources.append(read_jsonl(*_open_jsonl(args.jsonl)))
        if args.inputs or not args.jsonl:
            sources.append(load_sources(args.inputs or default_seed_inputs()))
        jsonl_only = args.jsonl if not args.inputs else None
        items = capped(_chain(sources), app.settings.max_batch_articles)
        report = app.service.ingest(_with_progress(items, "ingesting", jsonl_only), on_problem=report_error)
        digest = app.service.build_digest(report.articles, since=args.since)
        renderer = RENDERERS[args.format]
        if renderer is render_json:  # indented for a person at a terminal, compact for a pipe
            output = render_json(digest, pretty=sys.stdout.isatty())
        else:
            output = renderer(digest, top=args.top)
        sys.stdout.write(output)
    finally:
        app.close()
    return EXIT_INPUT if report.errors else EXIT_OK


def _chain(iterables: list) -> Iterator:
    for iterable in iterables:
        yield from iterable


def cmd_summarise(args: argparse.Namespace) -> int:
    from ..analysis import analyse_text
    from ..ingest import read_jsonl
    from ..domain.models import InputError

    settings = load_settings()
    n = args.key_points or settings.key_points
    method = args.method or settings.method
    failed = 0
    items = _with_progress(read_jsonl(*_open_jsonl(args.jsonl)), "summarising")
    out = sys.stdout
    for item in items:
        if isinstance(item, InputError):
            failed += 1
            report_error(str(item))
            continue
        key_points = analyse_text(item.text, title=item.title, n=n, method=method).key_points
        out.write(json.dumps({"id": item.input_id, "key_points": key_points}, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_INPUT if failed else EXIT_OK


def extracted_article(raw) -> dict:
    """What `digestbot extract` shows of one ingested article: metadata and cleaned text."""
    from ..text.cleaning import clean_text

    clean = clean_text(raw.text, raw.title)
    view: dict = {"id": raw.input_id} if raw.input_id else {}
    view.update(title=raw.title or clean.title, source=raw.source,
                published=raw.published.isoformat() if raw.published else None)
    if raw.url:
        view["url"] = raw.url
    if clean.dateline:  # taken off the text: "MILLTOWN (AP)" says where (and for a wire, which day)
        view["dateline"] = clean.dateline
    view["text"] = "\n\n".join(clean.paragraphs)
    return view


def _extracted_as_text(view: dict) -> str:
    about = " | ".join(str(view[k]) for k in ("source", "published", "url", "dateline") if view.get(k))
    return f"{view['title'] or '(no title)'}\n{about}\n\n{view['text']}\n"


def cmd_extract(args: argparse.Namespace) -> int:
    from ..ingest import load_sources
    from ..domain.models import InputError

    failed = 0
    views = []
    for item in load_sources(args.inputs):
        if isinstance(item, InputError):
            failed += 1
            report_error(str(item))
            continue
        view = extracted_article(item)
        if not view["text"]:
            failed += 1
            report_error(f"{item.origin}: no article text left after removing boilerplate")
            continue
        if args.format == "text":
            sys.stdout.write(("\n" if views else "") + _extracted_as_text(view))
        views.append(view)
    if args.format == "json":
        sys.stdout.write(json.dumps({"articles": views}, ensure_ascii=False, indent=2) + "\n")
    return EXIT_INPUT if failed else EXIT_OK
