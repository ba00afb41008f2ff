#!/usr/bin/env python
"""Speed and memory of the whole `digestbot digest --jsonl ... --format json` process.

    .venv/bin/python benchmarks/bench_ingest.py [--count 10000] [--eval-dir DIR] [--skip-big | --ingest-only] [--no-write]
    .venv/bin/python benchmarks/bench_ingest.py --against DIR [--rounds 5]

`--against DIR` compares the whole digest of this tree with another tree's `src/` folder
(`git archive REV src | tar -x -C DIR`) in alternating runs, and only that: on a shared VM the
CPU time of one run drifts by up to 30% with the load, so two trees compare only side by side.

Three measurements, all as CPU time (user + system), never wall time:

1. **Breakdown** on `stories_dev.jsonl` (2,059 real articles), in this process: ingest (read
   the JSON lines, clean, split, key points), store (the SQLite batches), the rest (stories,
   what's new, facts, ranking and the JSON rendering).
2. **Whole process** on `stories_dev.jsonl`: `digestbot digest --jsonl FILE --format json` in a
   fresh subprocess with an empty SQLite store: articles/s and peak RSS.
3. **Big input**: `--count` synthetic articles (10,000 by default) made at run time from the
   stories_dev texts (ids changed, paragraphs rotated and dates moved so that no two are the
   same text), written to a temporary file outside the repository: the service's ingest alone
   (read, clean, store: the part that streams) and then the same command, each in a fresh
   process: articles/s and peak RSS.

Reads ../shared/eval/stories_dev.jsonl (relative to the repo root) by default; exits 0 with a
message when it is absent. The table is printed and written into BENCHMARKS.md (--no-write:
don't).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

BEGIN = "<!-- bench_ingest:begin -->"
END = "<!-- bench_ingest:end -->"


def breakdown(path: Path, workdir: Path) -> dict[str, float]:
    """CPU seconds of each stage of a digest of `path`, run in this process."""
    from digestbot.ingest import read_jsonl
    from digestbot.domain.models import InputError
    from digestbot.present.render import render_json
    from digestbot.service.digests import DigestService
    from digestbot.storage.articles import SqlStore

    store = SqlStore.from_url(f"sqlite:///{workdir / 'breakdown.db'}")
    service = DigestService(store, [])
    times = {"ingest": 0.0, "store": 0.0}
    processed = []
    start = time.process_time()
    with open(path, encoding="utf-8") as stream:
        for item in read_jsonl(stream, str(path)):
            if not isinstance(item, InputError):
                article = service._process(item, service_report(), lambda _: None)
                if article is not None:
                    processed.append(article)
    times["ingest"] = time.process_time() - start
    start = time.process_time()
    report = service_report()
    listed: dict[str, int] = {}
    for first in range(0, len(processed), service.INGEST_BATCH):
        service._store_batch(processed[first:first + service.INGEST_BATCH], report, listed, lambda _: None)
    times["store"] = time.process_time() - start
    start = time.process_time()
    render_json(service.build_digest(report.articles))
    times["rest"] = time.process_time() - start
    store.close()
    times["articles"] = len(report.articles) + sum(len(a.copies) for a in report.articles)  # inputs
    return times


def service_report():
    from digestbot.service.digests import IngestReport

    return IngestReport()


_MEASURED = ("import resource, sys\n{body}\n"
             "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
             "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)\n"
             "sys.exit(status)\n")
_DIGEST = "from digestbot.cli import main\nstatus = main(sys.argv[1:])"
_INGEST_ONLY = ("from digestbot.bootstrap import bootstrap\nfrom digestbot.ingest import read_jsonl\n"
                "app = bootstrap()\nwith open(sys.argv[3], encoding='utf-8') as stream:\n"
                "    report = app.service.ingest(read_jsonl(stream, sys.argv[3]))\n"
                "print(len(report.articles) + sum(len(a.copies) for a in report.articles))\n"
                "status = 0")


def whole_process(path: Path, workdir: Path, name: str, ingest_only: bool = False,
                  src: Path | None = None) -> dict[str, float]:
    """CPU time and peak RSS of `digestbot digest --jsonl path --format json` in a subprocess
    with an empty store (`ingest_only`: of the service's ingest alone, what the digest reads and
    stores; `src`: the digestbot package of that `src/` folder instead of this tree's)."""
    db = workdir / f"{name}{'-ingest' if ingest_only else ''}.db"
    db.unlink(missing_ok=True)
    env = {**os.environ, "DIGESTBOT_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("DIGESTBOT_CONFIG", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    code = _MEASURED.format(body=_INGEST_ONLY if ingest_only else _DIGEST)
    run = subprocess.run([sys.executable, "-c", code, "digest", "--jsonl", str(path), "--format", "json"],
                         env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if run.returncode not in (0, 1):
        raise SystemExit(f"digestbot digest failed ({run.returncode}): {run.stderr.decode()[-500:]}")
    cpu, rss_kb = run.stderr.decode().strip().splitlines()[-1].split()
    if ingest_only:
        listed = int(run.stdout)
    else:
        listed = sum(len(s["articles"]) for s in json.loads(run.stdout)["stories"])
    return {"cpu": float(cpu), "rss_mb": int(rss_kb) / 1024, "listed": listed}


def paired(path: Path, workdir: Path, against: Path, rounds: int) -> str:
    """The whole digest of `path` by the tree in `against` and by this one, alternating, `rounds`
    times each: a Markdown table of the median and best CPU time of each."""
    cpu: dict[str, list[float]] = {"against": [], "ours": []}
    listed = 0
    for _ in range(rounds):
        for side, src in (("against", against / "src"), ("ours", None)):
            run = whole_process(path, workdir, f"paired-{side}", src=src)
            cpu[side].append(run["cpu"])
            listed = int(run["listed"])
            print(f"{side}: {run['cpu']:.2f} s CPU", file=sys.stderr)
    rows = ["| whole `digest --jsonl stories_dev.jsonl --format json` | runs | median CPU s | articles/s "
            "| best CPU s | articles/s |", "|---|---:|---:|---:|---:|---:|"]
    for side, label in (("against", f"`{against}`"), ("ours", "this tree")):
        median, best = statistics.median(cpu[side]), min(cpu[side])
        rows.append(f"| {label} | {rounds} | {median:.2f} | {listed / median:,.0f} | {best:.2f} | {listed / best:,.0f} |")
    ratio = statistics.median(cpu["ours"]) / statistics.median(cpu["against"])
    return "\n".join(rows) + f"\n\nThis tree takes {ratio:.1%} of the other's CPU time (medians)."


def synthetic(source: Path, count: int, target: Path) -> int:
    """`count` articles made from the real ones: new ids, paragraphs rotated, dates moved."""
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(target, "w", encoding="utf-8") as out:
        for n in range(count):
            record = dict(records[n % len(records)])
            cycle = n // len(records)
            paragraphs = record["text"].split("\n")
            shift = cycle % max(1, len(paragraphs))
            record["text"] = "\n".join(paragraphs[shift:] + paragraphs[:shift])
            if cycle and shift == 0:
                record["text"] += f"\nThis synthetic copy is number {cycle}."
            record["id"] = f"syn{n}-{record['id']}"
            when = datetime.fromisoformat(record["published"]) + timedelta(days=7 * cycle)
            record["published"] = when.date().isoformat()
            record.pop("story", None)
            out.write(json.dumps(record) + "\n")
    return count


def table(parts: dict[str, float], real: dict[str, float], big: dict[str, float] | None,
          big_ingest: dict[str, float] | None, count: int) -> str:
    n = parts["articles"]
    total = parts["ingest"] + parts["store"] + parts["rest"]
    rows = [
        "| measurement | articles | CPU s | articles/s | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
        f"| breakdown: ingest (read, clean, split, key points) | {n:,} | {parts['ingest']:.2f} | {n / parts['ingest']:,.0f} | |",
        f"| breakdown: store (SQLite, a transaction a batch) | {n:,} | {parts['store']:.2f} | {n / parts['store']:,.0f} | |",
        f"| breakdown: the rest (stories, what's new, facts, JSON) | {n:,} | {parts['rest']:.2f} | {n / parts['rest']:,.0f} | |",
        f"| breakdown: total in one process | {n:,} | {total:.2f} | {n / total:,.0f} | |",
        f"| whole `digest --jsonl stories_dev.jsonl --format json` | {real['listed']:,} | {real['cpu']:.2f} | {real['listed'] / real['cpu']:,.0f} | {real['rss_mb']:.0f} |",
    ]
    if big_ingest:
        rows.append(f"| ingest and store only (`DigestService.ingest`) of {count:,} synthetic articles | "
                    f"{big_ingest['listed']:,} | {big_ingest['cpu']:.2f} | "
                    f"{big_ingest['listed'] / big_ingest['cpu']:,.0f} | {big_ingest['rss_mb']:.0f} |")
    if big:
        rows.append(f"| whole `digest --jsonl` on {count:,} synthetic articles | {big['listed']:,} | {big['cpu']:.2f} | "
                    f"{big['listed'] / big['cpu']:,.0f} | {big['rss_mb']:.0f} |")
    return "\n".join(rows)


def write(text: str) -> None:
    path = REPO / "BENCHMARKS.md"
    block = f"{BEGIN}\n{text}\n{END}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n## Ingestion: speed and memory of the whole process\n\n" + \
            "    .venv/bin/python benchmarks/bench_ingest.py\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    ap.add_argument("--count", type=int, default=10_000, help="synthetic articles for the big run")
    ap.add_argument("--skip-big", action="store_true", help="leave out the big synthetic run")
    ap.add_argument("--ingest-only", action="store_true",
                    help="for the big run, measure ingest and store only (not stories and what's new)")
    ap.add_argument("--no-write", action="store_true", help="don't update BENCHMARKS.md")
    ap.add_argument("--against", type=Path, metavar="DIR",
                    help="only compare the whole digest with the tree whose src/ is in DIR, in alternating runs")
    ap.add_argument("--rounds", type=int, default=5, help="runs of each tree with --against")
    args = ap.parse_args()
    source = args.eval_dir / "stories_dev.jsonl"
    if not source.exists():
        print(f"bench_ingest: {source} not found; nothing measured (see ../shared/eval/README.md)")
        return 0
    if args.against:
        if not (args.against / "src" / "digestbot").is_dir():
            raise SystemExit(f"bench_ingest: --against {args.against}: no src/digestbot folder there")
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            print(paired(source, Path(tmp), args.against, args.rounds))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        parts = breakdown(source, workdir)
        print(f"breakdown: {parts}", file=sys.stderr)
        real = whole_process(source, workdir, "real")
        print(f"whole process, stories_dev: {real}", file=sys.stderr)
        big = big_ingest = None
        if not args.skip_big:
            big_file = workdir / "big.jsonl"
            synthetic(source, args.count, big_file)
            big_ingest = whole_process(big_file, workdir, "big", ingest_only=True)
            print(f"ingest only, {args.count} synthetic: {big_ingest}", file=sys.stderr)
            if not args.ingest_only:
                big = whole_process(big_file, workdir, "big")
                print(f"whole process, {args.count} synthetic: {big}", file=sys.stderr)
    text = table(parts, real, big, big_ingest, args.count)
    print(text)
    if not args.no_write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
