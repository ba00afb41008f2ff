"""Facts a reader can trust: precision, recall, lines and CPU time on real event clusters.

Labels: benchmarks/facts_labels.json (our own words, one entry per fact a reader needs, on
clusters of ../shared/eval/mds_dev.jsonl: events and topics). Each cluster's 25 articles go through the text
core (`analyse_text`) into one Story, whose facts are rendered as `/TOPIC facts` lines.

- strict precision: lines that match a labelled fact over all lines;
- judged precision: lines judged correct over all lines: a line is correct when it matches a
  label or an `acceptable` fact and none of the cluster's `wrong` examples (lines judged wrong by
  hand, described in our own words);
- recall: labelled facts matched by at least one line that is not judged wrong;
- read by hand (benchmarks/facts_judged.json): of the lines shown, how many a second reader judged
  wrong and vague, of how many that reader read (each line with its citations, against the sentence
  and source date behind it; keyed by the line's hash, so a line that changes is unread again), and
  the precision that reading gives: lines judged correct (ok, or vague: true but saying little)
  over lines read. The label-based precisions count a correct line no label foresaw as incorrect;
  this one does not;
- each figure for all clusters and separately for the `fresh` ones (labelled before the extractor
  ever ran on them: the first round's held-out estimate), the `fresh2` ones (the same, second
  round), `fresh3` to `fresh12` (later rounds: each held out until its first reading, which
  BENCHMARKS.md records; a split labelled for a later round goes in HELD_OUT, left out of every
  run but `--first-reading`) and the `tuned` ones;
- lines per story (target at most 15) and CPU ms of `extract_facts` per story (target < 50):
  cold (the first run, which fills the text core's caches) and warm (the best of two more).

Run from the repository root (skips with a message when ../shared/eval is absent):

    .venv/bin/python benchmarks/bench_facts.py [--markdown] [--show] [--digest 802] [--why-missed fresh,fresh2]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval" / "mds_dev.jsonl"
LABELS = Path(__file__).with_name("facts_labels.json")
BEGIN, END = "<!-- bench_facts:begin -->", "<!-- bench_facts:end -->"
READING = "<!-- bench_facts:reading (kept when the table is rewritten) -->"

from digestbot.chat.commands import fact_line  # noqa: E402
from digestbot.domain.models import Article, ArticleKind, Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.analysis import analyse_text  # noqa: E402


def load_labels() -> dict:
    return json.loads(LABELS.read_text())["clusters"]


JUDGED = Path(__file__).with_name("facts_judged.json")


def load_judged() -> dict[str, dict[str, str]]:
    """Per cluster, the verdicts of lines read by hand (ok, vague, wrong), by the line's hash."""
    return json.loads(JUDGED.read_text())["clusters"] if JUDGED.exists() else {}


def line_key(line: str) -> str:
    return hashlib.sha1(line.encode()).hexdigest()[:16]


def read_by_hand(lines: list[str], verdicts: dict[str, str]) -> dict[str, int]:
    """How many of the rendered lines a reader judged ok, vague or wrong, and how many are unread."""
    counts = {"ok": 0, "vague": 0, "wrong": 0, "unread": 0}
    for line in lines:
        counts[verdicts.get(line_key(line), "unread")] += 1
    return counts


def _article(doc: dict) -> Article:
    analysis = analyse_text(doc["text"], doc.get("title") or None)
    published = datetime.fromisoformat(doc["published"]).replace(hour=12, tzinfo=timezone.utc)
    return Article(
        key=doc["id"], title=analysis.title or doc.get("title") or "", source=doc["source"],
        published=published, kind=ArticleKind.OPINION if analysis.is_opinion else ArticleKind.NEWS,  # as the pipeline decides
        sentences=analysis.sentences,
        key_points=analysis.key_points, dateline=analysis.dateline,
        content_hash=hashlib.sha256(doc["text"].encode()).hexdigest(), input_id=doc["id"])


def load_stories(topics: set[str]) -> dict[str, Story]:
    stories = {}
    with EVAL.open() as f:
        for line in f:
            rec = json.loads(line)
            if rec["topic"] in topics:
                articles = sorted((_article(d) for d in rec["docs"]), key=lambda a: (a.published, a.key))
                stories[rec["topic"]] = Story(key=rec["topic"], title=rec["title"], articles=articles)
    return stories


def _contains(text: str, needle: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(needle.lower()), text.lower()) is not None


def matches(line: str, fact: dict) -> bool:
    if "starts" in fact and not line.lower().startswith(fact["starts"].lower()):
        return False
    if "is" in fact and line.lower() != fact["is"].lower():
        return False
    values = fact.get("values")
    # a value starts a word ("half", not "behalf"; "12", not "112") and a number ends where its digits do
    if values and not any(re.search(rf"(?<![\w.,]){re.escape(v)}(?![\d,]*\d)", line, re.I) for v in values):
        return False
    return all(any(_contains(line, w) for w in group) for group in fact.get("words", []))


def score_story(lines: list[str], labels: dict) -> dict:
    """Precision and recall of fact lines (text before the attribution) against labels."""
    found: set[str] = set()
    correct = labelled_only = 0
    unmatched: list[str] = []
    judged_wrong: list[str] = []
    acceptable = labels.get("acceptable", [])
    for line in lines:
        if any(matches(line, w) for w in labels.get("wrong", [])):
            judged_wrong.append(line)
            continue
        hits = [f["id"] for f in labels["facts"] if matches(line, f)]
        found.update(hits)
        labelled_only += bool(hits)
        if hits or any(matches(line, a) for a in acceptable):
            correct += 1
        else:
            unmatched.append(line)
    return {"lines": len(lines), "correct": correct, "labelled_only": labelled_only, "found": sorted(found),
            "labelled": len(labels["facts"]), "unmatched": unmatched, "wrong": judged_wrong}


def fact_texts(story: Story) -> tuple[list[str], list[str], float]:
    """The facts' own texts (scored: attributions name outlets such as the New York Times,
    which must not match a label), the rendered lines, and the CPU seconds spent."""
    runs = []
    for _ in range(3):  # the first run is cold (the text core's caches empty), the others warm
        gc.collect()  # a collection the loading left due is not the extractor's cost
        start = time.process_time()
        facts = extract_facts(story)
        runs.append(time.process_time() - start)
    return [f.text for f in facts], [fact_line(f) for f in facts], runs[0], min(runs[1:])


# Splits labelled but not yet read: the extractor is not run on them (nor their figures shown)
# until their first reading, `--first-reading`, which BENCHMARKS.md records. None left: fresh12,
# the last four mds_dev clusters, had its first reading in the ninth session.
HELD_OUT: frozenset[str] = frozenset()


def run(show: bool = False, first_reading: bool = False) -> list[dict]:
    labels = {topic: lab for topic, lab in load_labels().items()
              if first_reading or lab.get("split", "tuned") not in HELD_OUT}
    stories = load_stories(set(labels))
    judged = load_judged()
    rows = []
    for topic, story in stories.items():
        texts, lines, cpu, warm = fact_texts(story)
        row = score_story(texts, labels[topic])
        row.update(topic=topic, event=labels[topic]["event"], cpu_ms=cpu * 1000, warm_ms=warm * 1000,
                   articles=len(story.articles), split=labels[topic].get("split", "tuned"),
                   read=read_by_hand(lines, judged.get(topic, {})))
        rows.append(row)
        if show:
            print(f"== {topic} {row['event']}")
            for line in lines:
                print("   ", line[:220])
            print("    missed:", sorted({f["id"] for f in labels[topic]["facts"]} - set(row["found"])))
            print("    unlabelled:", row["unmatched"])
            print("    judged wrong:", row["wrong"])
    return rows


def why_missed(splits: set[str]) -> dict[str, int]:
    """For each labelled fact no line states, on clusters of the given splits: `unread` (only in
    sentences the extractor does not read), `read, no candidate`, `candidate dropped` (a candidate
    line matches it but is left out: too few outlets, a category's cap), or `absent`."""
    from digestbot.stories import facts as facts_module
    from digestbot.stories.facts import leads

    labels = load_labels()
    stories = load_stories({t for t, v in labels.items() if v.get("split", "tuned") in splits - HELD_OUT})
    captured: dict[str, list] = {}
    original = facts_module._group

    def group(atoms, min_support):
        captured["atoms"] = atoms
        return original(atoms, min_support)

    counts: dict[str, int] = {}
    facts_module._group = group
    try:
        for topic, story in sorted(stories.items()):
            found = score_story([f.text for f in extract_facts(story)], labels[topic])["found"]
            articles = story.articles
            limit = min(leads.MAX_LEAD, max(leads.MIN_LEAD, leads.SENTENCE_BUDGET // max(1, len(articles))))
            read = {s for a in articles for s, _ in leads._candidates(a, limit)}
            for fact in labels[topic]["facts"]:
                if fact["id"] in found:
                    continue
                if any(matches(at.text, fact) for at in captured["atoms"]):
                    cause = "candidate dropped"
                else:
                    stated = [s for a in articles for s in a.sentences if matches(s, fact)]
                    cause = ("read, no candidate" if any(s in read for s in stated)
                             else "unread" if stated else "absent")
                counts[cause] = counts.get(cause, 0) + 1
                print(f"{topic} {fact['id']:18} {cause}")
    finally:
        facts_module._group = original
    return counts


def totals(rows: list[dict]) -> dict:
    lines = sum(r["lines"] for r in rows)
    return {"precision": sum(r["correct"] for r in rows) / lines if lines else 0.0,
            "wrong": sum(len(r["wrong"]) for r in rows),
            "labelled_precision": sum(r["labelled_only"] for r in rows) / lines if lines else 0.0,
            "recall": sum(len(r["found"]) for r in rows) / sum(r["labelled"] for r in rows),
            "max_lines": max(r["lines"] for r in rows),
            "read": {k: sum(r["read"][k] for r in rows) for k in ("ok", "vague", "wrong", "unread")},
            "read_precision": read_precision(rows),
            "max_cpu_ms": max(r["cpu_ms"] for r in rows), "max_warm_ms": max(r["warm_ms"] for r in rows)}


def read_precision(rows: list[dict]) -> float:
    """Lines a second reader judged correct (ok, or vague: true but saying little) over lines read."""
    read = {k: sum(r["read"][k] for r in rows) for k in ("ok", "vague", "wrong")}
    return 1 - read["wrong"] / sum(read.values()) if any(read.values()) else 0.0


def split_order(name: str) -> int:
    """tuned 0, fresh 1, fresh2 2, ...: the order the splits were labelled in."""
    return 0 if name == "tuned" else int(name.removeprefix("fresh") or 1)


def markdown(rows: list[dict]) -> str:
    out = ["| cluster | split | event | lines | wrong | precision, judged | precision, labels only | recall | "
           "read by hand: wrong / vague / read | precision, read by hand | CPU ms cold / warm (25 articles) |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        p = r["correct"] / r["lines"] if r["lines"] else 0.0
        q = r["labelled_only"] / r["lines"] if r["lines"] else 0.0
        out.append(f"| {r['topic']} | {r['split']} | {r['event']} | {r['lines']} | {len(r['wrong'])} | {p:.0%} | "
                   f"{q:.0%} | {len(r['found'])}/{r['labelled']} | {_read(r['read'])} | {read_precision([r]):.0%} | "
                   f"{r['cpu_ms']:.0f} / {r['warm_ms']:.0f} |")
    names = sorted({r["split"] for r in rows}, key=split_order, reverse=True)
    splits = [(name, [r for r in rows if r["split"] == name]) for name in names]
    for name, part in splits + [("all", rows)]:
        if part:
            t = totals(part)
            out.append(f"| **{name}** | | | max {t['max_lines']} | {t['wrong']} | **{t['precision']:.0%}** | "
                       f"**{t['labelled_precision']:.0%}** | **{t['recall']:.0%}** | {_read(t['read'])} | "
                       f"**{t['read_precision']:.0%}** | "
                       f"max {t['max_cpu_ms']:.0f} / {t['max_warm_ms']:.0f} |")
    return "\n".join(out)


def _read(counts: dict[str, int]) -> str:
    read = counts["ok"] + counts["vague"] + counts["wrong"]
    return f"{counts['wrong']} / {counts['vague']} / {read}" if read else "-"


def digest_cost(limit: int) -> str:
    """CPU of facts inside a whole `digestbot digest --jsonl` run on the first `limit` articles of
    stories_dev.jsonl (a temporary database), beside the run's total."""
    import contextlib
    import io
    import os
    import tempfile

    from digestbot import cli
    from digestbot.stories import digest as digest_module

    spent = [0.0, 0]
    original = digest_module.extract_facts

    def timed(story):
        start = time.process_time()
        facts = original(story)
        spent[0] += time.process_time() - start
        spent[1] += 1
        return facts

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        with (EVAL.parent / "stories_dev.jsonl").open() as f:
            sample.write_text("".join(line for _, line in zip(range(limit), f)))
        os.environ["DIGESTBOT_DATABASE_URL"] = f"sqlite:///{tmp}/digest.db"
        digest_module.extract_facts = timed
        sys.argv = ["digestbot", "digest", "--jsonl", str(sample), "--format", "json"]
        start = time.process_time()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                cli.main()
        except SystemExit:
            pass
        finally:
            digest_module.extract_facts = original
        total = time.process_time() - start
    return (f"digest of {limit} articles: {total:.1f} s CPU in all ({limit / total:.0f} articles/s); "
            f"facts {spent[0]:.2f} s over {spent[1]} stories ({spent[0] / limit * 1000:.2f} ms an article)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markdown", action="store_true", help="write the table into BENCHMARKS.md")
    parser.add_argument("--show", action="store_true", help="print every story's fact lines")
    parser.add_argument("--digest", type=int, metavar="N",
                        help="also time facts inside a whole digest run on N articles of stories_dev.jsonl")
    parser.add_argument("--first-reading", action="store_true",
                        help=f"also run the held-out splits ({', '.join(sorted(HELD_OUT)) or 'none now'}): once, at a round's end")
    parser.add_argument("--why-missed", metavar="SPLITS",
                        help="why each missed label is missed, on clusters of these splits (fresh,fresh2)")
    args = parser.parse_args()
    if not EVAL.exists():
        print(f"skipped: {EVAL} not found (the evaluation data lives outside the repository)")
        return 0
    if args.why_missed:
        print(why_missed(set(args.why_missed.split(","))))
        return 0
    rows = run(show=args.show, first_reading=args.first_reading)
    table = markdown(rows)
    if args.digest:
        table += "\n\n" + digest_cost(args.digest)
    print(table)
    if args.markdown:
        path = ROOT / "BENCHMARKS.md"
        text = path.read_text()
        kept = re.search(re.escape(READING) + ".*?(?=" + re.escape(END) + ")", text, flags=re.S)
        block = f"{BEGIN}\n{table}\n\n{kept.group(0) if kept else READING + chr(10)}{END}"
        if BEGIN in text:
            text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        else:
            text += "\n" + block + "\n"
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
