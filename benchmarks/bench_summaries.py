"""What's new (update summaries) and story summaries against the easy baselines, in one run.

Data (kept outside the repository, read at run time; see ../shared/eval/README.md):
- update_dev.jsonl: 153 instances of 8 news events; a reader has read the prior articles, the
  summary says in 100 words what the new ones add; 3 human references each.
- mds_dev.jsonl: 63 DUC topics of 25 articles; a 250-word summary; 4 human references each.

Every article goes through the product path (`pipeline.process_article`: cleaning, sentences,
key points), then:
- ours (update): `novelty.new_against(prior, new)`, the items `whats_new` gives a story, joined;
- ours (mds): `summary.story_summary(articles)`, what `/TOPIC summary` shows;
- baselines: lead, centroid and novelty from ../shared/tools/baseline-summaries on the same
  records, scored by that tool's own scorer (ROUGE recall x100, jackknifed over references,
  95% bootstrap interval for ROUGE-2).
`--cv` adds a leave-one-event-out check of the update setting fitted on this data: for each
event, the position weight that scores best on the other 7 events is used on it.

Run from the repository root (about 6 minutes; `--cv` adds 2):

    .venv/bin/python benchmarks/bench_summaries.py [--cv] [--markdown]
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
TOOL = ROOT.parent / "shared" / "tools" / "baseline-summaries"
MARK_BEGIN, MARK_END = "<!-- bench_summaries:begin -->", "<!-- bench_summaries:end -->"

from evaldata import article_from_record  # noqa: E402
from digestbot.stories import summary  # noqa: E402
from digestbot.stories.novelty import WORDS_PER_STORY, new_against, whats_new  # noqa: E402


def load_tool():
    loader = importlib.machinery.SourceFileLoader("baseline_summaries", str(TOOL))
    spec = importlib.util.spec_from_loader("baseline_summaries", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Articles:
    """Each eval document processed once, as ingestion would (None when it is refused)."""

    def __init__(self):
        self.cache = {}
        self.cpu = 0.0

    def __call__(self, docs: list[dict]) -> list:
        out = []
        for d in docs:
            if d["id"] not in self.cache:
                start = time.process_time()
                self.cache[d["id"]] = article_from_record(d)
                self.cpu += time.process_time() - start
            if self.cache[d["id"]] is not None:
                out.append(self.cache[d["id"]])
        return out


def ours_update(articles: Articles, rec: dict) -> str:
    return " ".join(i.text for i in new_against(articles(rec["prior"]), articles(rec["new"]), WORDS_PER_STORY))


def ours_summary(articles: Articles, rec: dict) -> str:
    return " ".join(s.text for s in summary.story_summary(articles(rec["docs"])))


def timed(fn, records) -> tuple[dict, float]:
    summary._CACHE.clear()  # each run tokenises its sentences itself
    start = time.process_time()
    preds = {r["topic"]: fn(r) for r in records}
    return preds, time.process_time() - start


def score(tool, records, preds, words) -> dict:
    rows = tool.evaluate(records, preds, words)
    result = tool.summarise(rows)
    result["rows"] = rows
    return result


UPDATE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # position weights tried; the rest as shipped


def leave_one_event_out(tool, records, articles: Articles) -> tuple[float, list[str]]:
    """Held-out ROUGE-2 when each event's settings are chosen on the other events."""
    grid = UPDATE_WEIGHTS
    per_setting = {}
    for weight in grid:
        preds = {r["topic"]: " ".join(s.text for s in summary.summarise(
            articles(r["new"]), WORDS_PER_STORY, articles(r["prior"]), position_weight=weight)) for r in records}
        per_setting[weight] = {row["topic"]: row["R2"] for row in tool.evaluate(records, preds, 100)}
    events = sorted({r["topic_id"] for r in records})
    topics_of = {e: [r["topic"] for r in records if r["topic_id"] == e] for e in events}
    held_out, notes = [], []
    for event in events:
        train = [t for e in events if e != event for t in topics_of[e]]
        best = max(grid, key=lambda g: mean(per_setting[g][t] for t in train))
        held_out += [per_setting[best][t] for t in topics_of[event]]
        notes.append(f"{event} {best}")
    return 100 * mean(held_out), notes


def run(cv: bool) -> str:
    tool = load_tool()
    articles = Articles()
    lines = []
    update = read(EVAL / "update_dev.jsonl")
    mds = read(EVAL / "mds_dev.jsonl")
    n_update_articles = len({d["id"] for r in update for d in r["new"]})
    for r in update:  # every article processed once, outside the timed summarising
        articles(r["prior"] + r["new"])
    for r in mds:
        articles(r["docs"])
    runs = {}
    preds, cpu = timed(lambda r: ours_update(articles, r), update)
    runs["update", "**digestbot** (whats_new)"] = preds, cpu
    saved = summary.PRIOR_REPEAT
    summary.PRIOR_REPEAT = 2.0  # above any cosine: no sentence is a repeat
    runs["update", "digestbot without the prior-repeat test"] = timed(lambda r: ours_update(articles, r), update)
    summary.PRIOR_REPEAT = saved
    runs["update", "lead (newest new article)"] = timed(lambda r: tool.lead(r, 100), update)
    runs["update", "centroid of the new articles"] = timed(lambda r: tool.centroid(r, 100), update)
    runs["update", "novelty (centroid minus prior cosine)"] = timed(lambda r: tool.centroid(r, 100, novelty=1.0), update)
    runs["mds", "**digestbot** (story_summary)"] = timed(lambda r: ours_summary(articles, r), mds)
    runs["mds", "lead (newest article)"] = timed(lambda r: tool.lead(r, 250), mds)
    runs["mds", "centroid"] = timed(lambda r: tool.centroid(r, 250), mds)
    lines.append("| data | run | R-1 | **R-2** (95% CI) | SU4 | CPU s (summarising, articles processed before) |")
    lines.append("|---|---|---:|---:|---:|---:|")
    per_event = {}
    for (data, name), (preds, cpu) in runs.items():
        records, words = (update, 100) if data == "update" else (mds, 250)
        m = score(tool, records, preds, words)
        ci = f"({m['R2_ci95'][0]:.2f}-{m['R2_ci95'][1]:.2f})"
        label = "update_dev (100 words)" if data == "update" else "mds_dev (250 words)"
        lines.append(f"| {label} | {name} | {m['R1']:.2f} | **{m['R2']:.2f}** {ci} | {m['SU4']:.2f} | {cpu:.1f} |")
        if data == "update":
            events = defaultdict(list)
            event_of = {r["topic"]: r["topic_id"] for r in update}
            for row in m["rows"]:
                events[event_of[row["topic"]]].append(row["R2"])
            per_event[name] = {e: 100 * mean(v) for e, v in sorted(events.items())}
    lines.append("")
    names = list(per_event)
    events = list(next(iter(per_event.values())))
    lines.append("ROUGE-2 by event on update_dev (scores vary a lot by event: compare on the same instances):")
    lines.append("")
    lines.append("| event | " + " | ".join(n.replace("**", "") for n in names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for e in events:
        lines.append(f"| {e} | " + " | ".join(f"{per_event[n][e]:.2f}" for n in names) + " |")
    if cv:
        figure, notes = leave_one_event_out(tool, update, articles)
        lines += ["", f"Leave-one-event-out on update_dev (the position weight chosen on the other 7 events "
                      f"from {UPDATE_WEIGHTS}): held-out ROUGE-2 **{figure:.2f}** (shipped weight: "
                      f"{summary.UPDATE_POSITION_WEIGHT}). Weight chosen per held-out event: " + "; ".join(notes) + "."]
    lines += ["", stories_speed(articles)]
    ours_cpu = runs["update", "**digestbot** (whats_new)"][1]
    lines += ["", f"Regenerate: `.venv/bin/python benchmarks/bench_summaries.py{' --cv' if cv else ''} --markdown` "
                  "(eval data in `../shared/eval/`).",
              f"Machine: {platform.machine()}, Python {platform.python_version()}, one process; CPU time "
              f"(`time.process_time`). Our what's new: {n_update_articles / ours_cpu:.0f} new articles/s of "
              f"summarising (articles processed once beforehand: {len(articles.cache)} in {articles.cpu:.1f} s).",
              "ROUGE recall x100 by `../shared/tools/baseline-summaries`' scorer (Porter stemming, summaries cut "
              "to 100 / 250 words, jackknifed over the references, 95% bootstrap CI over topics)."]
    return "\n".join(lines)


def stories_speed(articles: Articles) -> str:
    """CPU time of what's new and the story summary for every gold story of stories_dev."""
    path = EVAL / "stories_dev.jsonl"
    if not path.exists():
        return "stories_dev.jsonl absent: speed not measured."
    stories = defaultdict(list)
    for doc in read(path):
        stories[doc["story"]].append(doc)
    groups = [articles(docs) for docs in stories.values()]
    n = sum(len(g) for g in groups)
    summary._CACHE.clear()  # the sentences are tokenised in the timed part, once per article
    start = time.process_time()
    for group in groups:
        whats_new(group)
    middle = time.process_time()
    for group in groups:
        summary.story_summary(group)
    end = time.process_time()
    return (f"Speed on stories_dev.jsonl ({n} articles in its {len(groups)} gold stories, articles processed "
            f"beforehand): what's new for every story {middle - start:.2f} s CPU (each article's sentences "
            f"tokenised there, once), the story summary of every story {end - middle:.2f} s more.")


def write_markdown(table: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8")
    block = f"{MARK_BEGIN}\n{table}\n{MARK_END}"
    if MARK_BEGIN in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + block + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## What's new and story summaries\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cv", action="store_true", help="add the leave-one-event-out check")
    ap.add_argument("--markdown", action="store_true", help="write the table into BENCHMARKS.md")
    args = ap.parse_args()
    missing = [p for p in (EVAL / "update_dev.jsonl", EVAL / "mds_dev.jsonl", TOOL) if not p.exists()]
    if missing:
        print(f"bench_summaries: skipped, {missing[0]} is not there (see ../shared/eval/README.md)")
        return 0
    try:
        import rouge_score  # noqa: F401
    except ImportError:
        print("bench_summaries: skipped, needs rouge-score (pip install -e '.[bench]')")
        return 0
    table = run(args.cv)
    print(table)
    if args.markdown:
        write_markdown(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
