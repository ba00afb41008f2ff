#!/usr/bin/env python
"""Article extraction: the text digestbot reads from a page vs trafilatura alone.

    .venv/bin/python benchmarks/bench_extraction.py [--eval-dir DIR] [--ablate] [--no-write]

Reads ../shared/eval/extraction/ (relative to the repo root; `html/<id>.html.gz` pages and
`ground-truth.json`, the true article body of each); exits 0 with a message when it is absent.

Compared, on the same pages and with the same score:
* `trafilatura`: plain `trafilatura.extract(html)`, the extractor we start from;
* `ours, extracted`: what ingestion hands over before cleaning (`ingest.html.extract_page`);
* `ours, cleaned`: exactly what `digestbot extract PAGE` prints as the text (the page is
  decompressed to a temporary file and read by `ingest.load_sources`, then cleaned by
  `cli_commands.articles.extracted_article`).

Score: the extraction benchmark's bag-of-shingles precision/recall/F1 (4-grams of `\\w+`
tokens, counted as multisets), per page, averaged over pages. English pages are those whose
true body `pipeline.looks_english` accepts (the test digestbot itself uses before key points).
With --ablate, the cleaned text is also scored with each cleaning rule switched off in turn.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from digestbot.cli_commands.articles import extracted_article  # noqa: E402
from digestbot.ingest import load_sources  # noqa: E402
from digestbot.domain.models import InputError, RawArticle  # noqa: E402
from digestbot.pipeline import looks_english  # noqa: E402
from digestbot.text import cleaning  # noqa: E402

BEGIN = "<!-- bench_extraction:begin -->"
END = "<!-- bench_extraction:end -->"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def score_page(truth: str, predicted: str) -> tuple[float, float, float]:
    """Shingle precision, recall and F1 of one page (an empty side scores 0, both empty 1)."""
    gold, pred = shingles(truth), shingles(predicted)
    gold.pop("", None)
    pred.pop("", None)
    if not gold and not pred:
        return 1.0, 1.0, 1.0
    overlap = sum((gold & pred).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def mean_scores(truths: dict[str, str], predicted: dict[str, str], ids: list[str]) -> tuple[float, ...]:
    rows = [score_page(truths[i], predicted.get(i, "")) for i in ids]
    return tuple(sum(col) / len(rows) for col in zip(*rows))


def run_trafilatura(pages: dict[str, bytes]) -> tuple[dict[str, str], float]:
    import trafilatura

    start = time.process_time()
    out = {pid: trafilatura.extract(html) or "" for pid, html in pages.items()}
    return out, time.process_time() - start


def run_ingestion(pages: dict[str, bytes]) -> tuple[dict[str, RawArticle], float]:
    """Each page read as `digestbot extract` reads it: a file given to `load_sources`."""
    found: dict[str, RawArticle] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for pid, html in pages.items():
            paths[pid] = Path(tmp, f"{pid}.html")
            paths[pid].write_bytes(html)
        start = time.process_time()
        for pid, path in paths.items():
            for item in load_sources([str(path)]):
                if not isinstance(item, InputError):
                    found[pid] = item
        elapsed = time.process_time() - start
    return found, elapsed


def run_cleaning(raws: dict[str, RawArticle]) -> tuple[dict[str, str], float]:
    start = time.process_time()
    out = {pid: extracted_article(raw)["text"] for pid, raw in raws.items()}
    return out, time.process_time() - start


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer nav aside "
    "blockquote figure figcaption form button label dt dd pre hr main title".split()
)


def page_as_plain_text(html: bytes) -> str:
    """Every visible line of a page, as a reader who copies the whole page gets it: the shape of
    the .txt and JSONL inputs that reach `clean_text` without an extractor."""
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    for junk in doc.xpath("//script|//style|//noscript|//template|//svg|//head/meta|//head/link"):
        junk.drop_tree()
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in doc.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def cleaned_with(texts: dict[str, str], titles: dict[str, str | None], skip: frozenset[str]) -> dict[str, str]:
    return {pid: "\n\n".join(cleaning.clean_text(text, titles.get(pid), skip=skip).paragraphs)
            for pid, text in texts.items()}


def ablation_table(truths, inputs, ids) -> str:
    """F1 change, in points, when each cleaning rule is switched off (negative: the rule helps)."""
    lines = ["| rule switched off | HTML, English | HTML, all | plain text, English | plain text, all |",
             "|---|---:|---:|---:|---:|"]
    full = {form: cleaned_with(texts, titles, frozenset()) for form, (texts, titles) in inputs.items()}
    for name in cleaning.RULE_NAMES:
        cells = []
        for form, (texts, titles) in inputs.items():
            without = cleaned_with(texts, titles, frozenset({name}))
            for subset in ids:
                delta = mean_scores(truths, without, subset)[2] - mean_scores(truths, full[form], subset)[2]
                cells.append(f"{100 * delta:+.2f}")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def row(label: str, truths, texts, english, everything, speed: str = "") -> str:
    en, al = mean_scores(truths, texts, english), mean_scores(truths, texts, everything)
    return (f"| {label} | {en[0]:.3f} | {en[1]:.3f} | **{en[2]:.3f}** | "
            f"{al[0]:.3f} | {al[1]:.3f} | **{al[2]:.3f}** | {speed} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval" / "extraction")
    ap.add_argument("--ablate", action="store_true", help="also score each cleaning rule switched off")
    ap.add_argument("--no-write", action="store_true", help="don't update BENCHMARKS.md")
    args = ap.parse_args()
    truth_file = args.eval_dir / "ground-truth.json"
    if not truth_file.is_file():
        print(f"skipped: {truth_file} not found (the extraction data lives outside the repository)")
        return 0

    truths = {pid: rec["articleBody"] for pid, rec in json.loads(truth_file.read_text("utf-8")).items()}
    pages = {pid: gzip.decompress((args.eval_dir / "html" / f"{pid}.html.gz").read_bytes())
             for pid in sorted(truths)}
    everything = sorted(pages)
    english = [pid for pid in everything if looks_english(truths[pid])]

    baseline, base_cpu = run_trafilatura(pages)
    raws, ingest_cpu = run_ingestion(pages)
    extracted = {pid: raw.text for pid, raw in raws.items()}
    cleaned, clean_cpu = run_cleaning(raws)
    plain = {pid: page_as_plain_text(html) for pid, html in pages.items()}
    start = time.process_time()
    plain_cleaned = cleaned_with(plain, {}, frozenset())
    plain_cpu = time.process_time() - start

    lines = ["| text | English P | English R | **English F1** | all P | all R | **all F1** | pages/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|",
             row("trafilatura.extract(html)", truths, baseline, english, everything,
                 f"{len(pages) / base_cpu:.0f}"),
             row("ours, extracted, before cleaning", truths, extracted, english, everything,
                 f"{len(pages) / ingest_cpu:.0f}"),
             row("**ours, cleaned** (`digestbot extract`)", truths, cleaned, english, everything,
                 f"{len(pages) / (ingest_cpu + clean_cpu):.0f}"),
             row("whole page as plain text, not cleaned", truths, plain, english, everything),
             row("whole page as plain text, `clean_text`", truths, plain_cleaned, english, everything,
                 f"{len(pages) / plain_cpu:.0f} (cleaning only)")]
    table = "\n".join(lines)
    if args.ablate:
        inputs = {"html": (extracted, {pid: raw.title for pid, raw in raws.items()}), "plain": (plain, {})}
        table += "\n\nF1 change in points with one rule switched off (negative: the rule helps):\n\n"
        table += ablation_table(truths, inputs, (english, everything))
    notes = (
        f"\n\nRegenerate: `.venv/bin/python benchmarks/bench_extraction.py --ablate` (pages in "
        f"`../shared/eval/extraction/`; about two minutes).\n"
        f"Pages: {len(everything)} in all, {len(english)} English (true body accepted by "
        f"`pipeline.looks_english`). {len(everything) - len(raws)} page(s) gave no text to ingestion.\n"
        f"Score: bag-of-shingles (4-grams of `\\w+` tokens) precision/recall/F1 per page, averaged "
        f"over pages; a page with no text scores 0.\n"
        f"\"Whole page as plain text\": every visible line of the page (scripts and styles dropped), "
        f"the shape of a pasted page in a .txt or JSONL input, cleaned with no extractor before it.\n"
        f"pages/s: CPU time (`time.process_time`), one process, Python {platform.python_version()}; "
        f"ours includes reading the file, metadata and cleaning.\n"
    )
    print(table + notes)
    if not args.no_write:
        write(table + notes)
    return 0


def write(block: str) -> None:
    path = REPO / "BENCHMARKS.md"
    text = path.read_text("utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + BEGIN + "\n" + block + END + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Article extraction\n\n" + BEGIN + "\n" + block + END + "\n"
    path.write_text(text, "utf-8")


if __name__ == "__main__":
    sys.exit(main())
