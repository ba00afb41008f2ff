"""Story grouping on real news with gold labels, beside the TF-IDF single-pass baseline.

Streams (read at run time from ../shared/eval/; the benchmark skips with a message without it):
- topic level: `stories_dev.jsonl` as is (82 gold stories, NIST topics spanning years);
- event level (a): the same articles, each gold story split into events wherever it has no
  article for more than 30 days (the gap rule; an event is a run of articles with gaps of at
  most 30 days);
- event level (b): the Timeline17 stream of `update_dev.jsonl`: every distinct article of
  `prior` and `new` over all instances (deduplicated by id), gold = `topic_id`, by date.
Articles go through the pipeline's `process_article` first (not timed); grouping is timed in
CPU time (`time.process_time`) from processed articles, features included. Articles the
pipeline refuses are scored as stories of their own. The baseline is
`../shared/tools/baseline-stories` (threshold 0.15, no window: its best setting on
stories_dev), run on all of a stream's articles; its time covers vectorising and clustering.
Scores come from `../shared/tools/score-stories`.

The threshold is chosen by cross-validation: the gold stories of stories_dev are split into
two disjoint halves (alternating by id); the threshold with the best BCubed F1 on one half's
stream is scored on the other half's stream, and the other way round.

Run from the repository root (about 2 minutes):

    .venv/bin/python benchmarks/bench_real_stories.py [--no-write]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from datetime import datetime
from importlib.machinery import SourceFileLoader
from pathlib import Path

from evaldata import article_from_record
from digestbot.stories import clustering
from digestbot.stories.clustering import StoryClusterer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
TOOLS = SHARED / "tools"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
BEGIN, END = "<!-- bench_real_stories:begin -->", "<!-- bench_real_stories:end -->"
COMMAND = ".venv/bin/python benchmarks/bench_real_stories.py"
EVENT_GAP_DAYS = 30
BASELINE_THRESHOLD = 0.15
THRESHOLD_GRID = (0.09, 0.11, 0.13, 0.15, 0.17, 0.19)


def load_tool(name: str):
    return SourceFileLoader(name.replace("-", "_"), str(TOOLS / name)).load_module()


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def timeline_records() -> list[dict]:
    """Every distinct article of the what's-new instances, labelled with its event."""
    seen: dict[str, dict] = {}
    for instance in read_jsonl(EVAL / "update_dev.jsonl"):
        for rec in instance["prior"] + instance["new"]:
            seen.setdefault(rec["id"], dict(rec, story=instance["topic_id"]))
    return sorted(seen.values(), key=lambda r: (r["published"], r["id"]))


def event_labels(records: list[dict], gap_days: int = EVENT_GAP_DAYS) -> dict[str, str]:
    """Each gold story split into events at gaps of more than `gap_days` without an article."""
    by_story = collections.defaultdict(list)
    for rec in records:
        by_story[rec["story"]].append((rec["published"][:10], rec["id"]))
    labels = {}
    for story, items in by_story.items():
        event, previous = 0, None
        for day, key in sorted(items):
            date = datetime.fromisoformat(day)
            if previous is not None and (date - previous).days > gap_days:
                event += 1
            labels[key] = f"{story}#{event}"
            previous = date
    return labels


def process(records: list[dict]) -> list:
    return [a for a in map(article_from_record, records) if a is not None]


def run_ours(articles: list, threshold: float) -> tuple[dict[str, str], float]:
    clusterer = StoryClusterer(threshold=threshold)
    clustering.term_counts(articles[0])  # loads the tokeniser once, outside the timing
    start = time.process_time()
    for article in sorted(articles, key=lambda a: (a.published, a.key)):
        clusterer.add(article)
    seconds = time.process_time() - start
    return {a.key: clusterer.story_key_of(a.key) for a in articles}, len(articles) / seconds


def run_baseline(baseline, records: list[dict]) -> tuple[dict[str, int], float]:
    records = sorted(records, key=lambda r: (r["published"], r["id"]))
    start = time.process_time()
    labels = baseline.cluster(baseline.vectorize(records), baseline.day_numbers(records), BASELINE_THRESHOLD, 0)
    seconds = time.process_time() - start
    return {r["id"]: int(label) for r, label in zip(records, labels)}, len(records) / seconds


def cross_validate(score, records: list[dict], articles: list) -> list[str]:
    stories = sorted({r["story"] for r in records})
    halves = [set(stories[0::2]), set(stories[1::2])]
    lines = []
    for tune, report in ((0, 1), (1, 0)):
        def f1_on(half: set, threshold: float) -> float:
            gold = {r["id"]: r["story"] for r in records if r["story"] in half}
            chosen = [a for a in articles if a.key in gold]
            return score(gold, run_ours(chosen, threshold)[0])["bcubed_f1"]

        tuned = {t: f1_on(halves[tune], t) for t in THRESHOLD_GRID}
        best = max(tuned, key=lambda t: (tuned[t], -abs(t - clustering.THRESHOLD)))
        lines.append(f"| tune on half {tune + 1}, report on half {report + 1} | {best:.2f} | "
                     f"{tuned[best]:.3f} | **{f1_on(halves[report], best):.3f}** |")
    return lines


def row(name: str, s: dict, rate: float) -> str:
    return (f"| {name} | {s['bcubed_precision']:.3f} / {s['bcubed_recall']:.3f} / **{s['bcubed_f1']:.3f}** | "
            f"{s['pairwise_f1']:.3f} | {s['predicted_stories']} (gold {s['gold_stories']}) | {rate:,.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print the table, leave BENCHMARKS.md alone")
    args = parser.parse_args()
    needed = [EVAL / "stories_dev.jsonl", EVAL / "update_dev.jsonl", TOOLS / "score-stories", TOOLS / "baseline-stories"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        print(f"bench_real_stories: skipped, evaluation data not found: {', '.join(missing)}")
        return 0
    score = load_tool("score-stories").score
    baseline = load_tool("baseline-stories")

    topic_records = read_jsonl(EVAL / "stories_dev.jsonl")
    t17_records = timeline_records()
    streams = [
        ("topic level: stories_dev", topic_records, {r["id"]: r["story"] for r in topic_records}),
        (f"event level (a): stories_dev split at gaps > {EVENT_GAP_DAYS} days", topic_records,
         event_labels(topic_records)),
        ("event level (b): Timeline17 stream of update_dev", t17_records,
         {r["id"]: r["story"] for r in t17_records}),
    ]
    processed = {id(topic_records): process(topic_records), id(t17_records): process(t17_records)}
    threshold = clustering.THRESHOLD
    lines = [
        f"Regenerate: `{COMMAND}` (reads `../shared/eval/`; CPU time, shared 2-core VM).",
        "",
        f"Ours: `StoryClusterer` defaults (threshold {threshold}, near {clustering.NEAR_DAYS:g} days x"
        f"{clustering.NEAR_FACTOR:g}, gap > {clustering.GAP_DAYS:g} days x{clustering.GAP_FACTOR:g}, "
        f"merge at x{clustering.MERGE_FACTOR:g}); baseline: `../shared/tools/baseline-stories "
        f"--threshold {BASELINE_THRESHOLD}` (no window), IDF fitted on the whole stream.",
        "",
        "| stream / method | BCubed P / R / **F1** | pairwise F1 | stories | articles/s (CPU) |",
        "|---|---|---|---|---:|",
    ]
    for name, records, gold in streams:
        articles = processed[id(records)]
        ours, rate = run_ours(articles, threshold)
        base, base_rate = run_baseline(baseline, records)
        lines.append(row(f"{name}: **ours**", score(gold, ours), rate))
        lines.append(row(f"{name}: baseline", score(gold, base), base_rate))
        refused = len(records) - len(articles)
        if refused:
            lines.append(f"| ({refused} of {len(records)} articles refused by the pipeline; scored as stories of one) | | | | |")
    lines += [
        "",
        f"Threshold by cross-validation on stories_dev (gold stories split into two halves; grid "
        f"{', '.join(f'{t:.2f}' for t in THRESHOLD_GRID)}):",
        "",
        "| fold | chosen threshold | BCubed F1 tuning half | BCubed F1 held-out half |",
        "|---|---:|---:|---:|",
        *cross_validate(score, topic_records, processed[id(topic_records)]),
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(table)
    return 0


def write_section(table: str) -> None:
    text = BENCHMARKS_MD.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Stories on real news\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
