#!/usr/bin/env python
"""Key-point quality and speed: digestbot vs Lead-3 vs every sumy summariser.

    .venv/bin/python benchmarks/bench_keypoints.py [--limit N] [--slow-limit M] [--eval-dir DIR]

Reads ../shared/eval/{cnn_dev,bbc_dev}.jsonl (relative to the repo root) by default; exits 0
with a message when they are absent. Every method runs through the same end-to-end path,
`digestbot.analysis.analyse_text` (cleaning + sentence splitting + dedupe + extraction), so
articles/s include the text core's own overhead for everyone. ROUGE is Google's rouge-score
(F1 x100, Porter stemming, rougeLsum over newline-joined sentences). CNN references are the
highlights joined by newlines; BBC references are the extractive summary split into sentences
by digestbot's splitter. Peak RSS for digestbot over 1000 articles is measured in a fresh
subprocess. The Markdown table is printed and written into BENCHMARKS.md (--no-write: don't).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from digestbot.analysis import analyse_text  # noqa: E402
from digestbot.keypoints import METHODS  # noqa: E402
from digestbot.text.sentences import split_sentences  # noqa: E402

SLOW = ("kl", "lsa")
N_POINTS = 3
BEGIN = "<!-- bench_keypoints:begin -->"
END = "<!-- bench_keypoints:end -->"


def load(eval_dir: Path, limit: int | None) -> dict[str, list[dict]]:
    data: dict[str, list[dict]] = {}
    for name, fname in (("CNN", "cnn_dev.jsonl"), ("BBC", "bbc_dev.jsonl")):
        rows = []
        with open(eval_dir / fname, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if name == "CNN":
                    ref = "\n".join(r["highlights"])
                    title = None
                else:
                    ref = "\n".join(split_sentences(r["summary"]))
                    title = r.get("title")
                rows.append({"text": r["text"], "title": title, "ref": ref})
                if limit and len(rows) >= limit:
                    break
        data[name] = rows
    return data


def run_method(method: str, rows: list[dict]) -> tuple[list[str], float]:
    """Key points of every row, and the CPU seconds (process time) that took."""
    preds = []
    t0 = time.process_time()
    for r in rows:
        preds.append("\n".join(analyse_text(r["text"], r["title"], n=N_POINTS, method=method).key_points))
    return preds, time.process_time() - t0


def score(preds: list[str], rows: list[dict]) -> tuple[float, float, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    tot = [0.0, 0.0, 0.0]
    for p, r in zip(preds, rows):
        s = scorer.score(r["ref"], p)
        tot[0] += s["rouge1"].fmeasure
        tot[1] += s["rouge2"].fmeasure
        tot[2] += s["rougeLsum"].fmeasure
    k = len(rows) or 1
    return tuple(100 * t / k for t in tot)  # type: ignore[return-value]


def rss_child(eval_dir: Path, limit: int) -> None:
    """Subprocess body: summarise `limit` CNN articles, print peak RSS (MB) before/after."""
    rows = load(eval_dir, limit)["CNN"]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for r in rows:
        analyse_text(r["text"], r["title"], n=N_POINTS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"articles": len(rows), "rss_loaded_mb": base, "rss_peak_mb": peak}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    ap.add_argument("--limit", type=int, default=None, help="articles per dataset (default: all)")
    ap.add_argument("--slow-limit", type=int, default=0,
                    help=f"articles per dataset for the slow sumy methods ({', '.join(SLOW)}); 0 = all")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated method names")
    ap.add_argument("--no-write", action="store_true", help="don't update BENCHMARKS.md")
    ap.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    eval_dir = args.eval_dir
    if not eval_dir.is_absolute() and not eval_dir.exists():
        eval_dir = REPO / eval_dir
    if not (eval_dir / "cnn_dev.jsonl").exists() or not (eval_dir / "bbc_dev.jsonl").exists():
        print(f"bench_keypoints: evaluation data not found in {eval_dir}; skipping.")
        return 0
    if args.rss_child:
        rss_child(eval_dir, args.limit or 1000)
        return 0
    try:
        import rouge_score  # noqa: F401
    except ImportError:
        print("bench_keypoints: rouge-score is not installed (pip install 'digestbot[bench]'); skipping.")
        return 0

    data = load(eval_dir, args.limit)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    results = []
    for method in methods:
        row = {"method": method}
        for name, rows in data.items():
            subset = rows[: args.slow_limit] if method in SLOW and args.slow_limit else rows
            run_method(method, subset[:5])  # warm-up (imports, caches)
            preds, secs = run_method(method, subset)
            r1, r2, rl = score(preds, subset)
            row[name] = {"r1": r1, "r2": r2, "rl": rl, "aps": len(subset) / secs, "n": len(subset)}
            print(f"{method:10s} {name}: R1 {r1:5.2f} R2 {r2:5.2f} RLsum {rl:5.2f} "
                  f"{len(subset) / secs:8.1f} art/s (n={len(subset)})", file=sys.stderr, flush=True)
        results.append(row)

    rss = None
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", "--eval-dir", str(eval_dir), "--limit", "1000"],
            capture_output=True, text=True, check=True, timeout=600,
        )
        rss = json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        print(f"bench_keypoints: RSS measurement failed: {exc}", file=sys.stderr)

    table = render(results, rss, args)
    print(table)
    if not args.no_write:
        write(table)
    return 0


def render(results: list[dict], rss: dict | None, args: argparse.Namespace) -> str:
    lex = {r["method"]: r for r in results}.get("lexrank")
    lines = [
        "| method | CNN R1 | CNN R2 | CNN RLsum | CNN art/s | BBC R1 | BBC R2 | BBC RLsum | BBC art/s | articles (CNN/BBC) | speed vs LexRank (CNN/BBC) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        c, b = r["CNN"], r["BBC"]
        speed = ""
        if lex:
            speed = f"{c['aps'] / lex['CNN']['aps']:.1f}x / {b['aps'] / lex['BBC']['aps']:.1f}x"
        name = f"**{r['method']}**" if r["method"] == "digestbot" else r["method"]
        lines.append(
            f"| {name} | {c['r1']:.2f} | {c['r2']:.2f} | {c['rl']:.2f} | {c['aps']:.0f} "
            f"| {b['r1']:.2f} | {b['r2']:.2f} | {b['rl']:.2f} | {b['aps']:.0f} | {c['n']}/{b['n']} | {speed} |"
        )
    cmd = "python benchmarks/bench_keypoints.py"
    if args.limit:
        cmd += f" --limit {args.limit}"
    if args.slow_limit:
        cmd += f" --slow-limit {args.slow_limit}"
    notes = [
        "",
        f"Regenerate: `{cmd}` (eval data in `../shared/eval/`).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"one process (single core). {N_POINTS} key points per article.",
        "ROUGE F1 x100 (rouge-score, Porter stemmer, rougeLsum over newline-joined sentences).",
        "Every method runs end to end through `analyse_text` (cleaning, splitting, dedupe, "
        "extraction) on the same sentences; articles/s counts all of it, as CPU time of the "
        "process (`time.process_time`), so that other load on the machine does not skew it.",
        "Speed vs LexRank: articles/s relative to sumy LexRank's on the same dataset, same path.",
    ]
    if args.slow_limit:
        notes.append(
            f"{', '.join(SLOW)} are measured on the first {args.slow_limit} articles of each set "
            "(they are slow); their ROUGE is therefore on that subset."
        )
    if rss:
        notes.append(
            f"Peak RSS, digestbot over {rss['articles']} CNN articles in a fresh process: "
            f"{rss['rss_peak_mb']:.0f} MB (after imports and loading the data: {rss['rss_loaded_mb']:.0f} MB)."
        )
    return "\n".join(lines + notes)


def write(table: str) -> None:
    path = REPO / "BENCHMARKS.md"
    block = f"{BEGIN}\n{table}\n{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            text = head + block + rest.split(END, 1)[1]
        else:
            text = text.rstrip() + "\n\n## Key points\n\n" + block + "\n"
    else:
        text = "# Benchmarks\n\n## Key points\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
