"""Facts as a user gets them: each labelled cluster through `digestbot digest --jsonl` into a fresh
SQLite store, then `digestbot chat "/story facts"`, scored as bench_facts.py scores its lines.

bench_facts.py hands a cluster's 25 articles to the extractor as one story. A user instead feeds
articles in and follows a topic: the clusterer splits a cluster into several stories (an event's
leads, reactions, background pieces) and the answer reads the topic's stories. The topic's
keywords are benchmarks/facts_topics.json (from NIST's topic titles, never tuned to results).
The held-out splits (bench_facts.HELD_OUT) are left out, as there, until their first reading.

Per split: recall (labelled facts found), lines shown (at most 15), the read-by-hand verdicts,
and how many stories the digest made of the cluster, the topic's among them.

Run from the repository root; `--python` runs another tree's code (the session's start):

    .venv/bin/python benchmarks/bench_facts_cli.py [--splits fresh,fresh2] [--python "env PYTHONPATH=/tmp/old/src python"]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_facts  # noqa: E402

TOPICS = Path(__file__).with_name("facts_topics.json")
# " (AP, 9 Dec 1999; NYT, 10 Dec 1999); 2 sources agree" after a fact's own text
_ATTRIBUTION = re.compile(r" \([^()]*\)(?:; \d+ sources agree)?$")


def _config(title: str, keywords: list[str]) -> str:
    return (f"[[topics]]\nname = \"story\"\ntitle = {json.dumps(title)}\nkeywords = {json.dumps(keywords)}\n\n"
            "[[destinations]]\nplatform = \"console\"\ncron = \"0 8 * * *\"\ntopics = [\"*\"]\n")


def _jsonl(docs: list[dict]) -> str:
    return "".join(json.dumps({k: d.get(k) for k in ("id", "text", "title", "published", "source")}) + "\n"
                   for d in docs)


def through_the_cli(python: list[str], rec: dict, keywords: list[str]) -> tuple[list[str], int, int]:
    """The `/story facts` lines (as rendered), and how many stories the digest made, the topic's among them."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "digestbot.toml"
        config.write_text(_config(rec["title"], keywords))
        env = {**os.environ, "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp}/digest.db", "DIGESTBOT_CONFIG": str(config)}
        digest = subprocess.run([*python, "-m", "digestbot.cli", "digest", "--jsonl", "-", "--format", "json"],
                                input=_jsonl(rec["docs"]), capture_output=True, text=True, env=env, check=True)
        stories = json.loads(digest.stdout)["stories"]
        chat = subprocess.run([*python, "-m", "digestbot.cli", "chat", "/story facts"],
                              capture_output=True, text=True, env=env, check=True)
    lines = [line[2:] for line in chat.stdout.splitlines() if line.startswith("- ")]
    return lines, len(stories), sum("story" in (s.get("topics") or [s.get("topic")]) for s in stories)


def run(python: list[str], splits: set[str] | None) -> dict[str, dict]:
    labels = {t: lab for t, lab in bench_facts.load_labels().items()
              if lab.get("split", "tuned") not in bench_facts.HELD_OUT and (not splits or lab.get("split") in splits)}
    keywords = json.loads(TOPICS.read_text())["topics"]
    judged = bench_facts.load_judged()
    agg: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    with bench_facts.EVAL.open() as f:
        for line in f:
            rec = json.loads(line)
            if rec["topic"] not in labels:
                continue
            lab = labels[rec["topic"]]
            lines, n_stories, n_topic = through_the_cli(python, rec, keywords[rec["topic"]])
            lines = [] if lines == ["No facts extracted yet."] or lines[:1] == ["No coverage of /story yet."] else lines
            scored = bench_facts.score_story([_ATTRIBUTION.sub("", x) for x in lines], lab)
            read = bench_facts.read_by_hand(lines, judged.get(rec["topic"], {}))
            print(f"{rec['topic']} {lab.get('split', 'tuned')}: {len(scored['found'])}/{scored['labelled']} found, "
                  f"{len(lines)} lines, {n_topic} of {n_stories} stories the topic's", file=sys.stderr)
            for part in (agg[lab.get("split", "tuned")], agg["all"]):
                part["found"] += len(scored["found"])
                part["labelled"] += scored["labelled"]
                part["lines"] += len(lines)
                part["max_lines"] = max(part["max_lines"], len(lines))
                for verdict, n in read.items():
                    part[verdict] += n
    return agg


def table(agg: dict[str, dict]) -> str:
    out = ["| split | recall | lines (max a story) | read by hand: wrong / vague / read |", "|---|---:|---:|---:|"]
    for name in sorted(agg, key=lambda s: (s == "all", -bench_facts.split_order(s) if s != "all" else 0)):
        a = agg[name]
        read = a["ok"] + a["vague"] + a["wrong"]
        out.append(f"| {name} | {a['found'] / a['labelled']:.0%} ({a['found']}/{a['labelled']}) | "
                   f"{a['lines']} ({a['max_lines']}) | {a['wrong']} / {a['vague']} / {read} |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splits", help="only these splits, comma-separated (fresh,fresh2)")
    parser.add_argument("--python", default=sys.executable, help="the Python command that runs digestbot")
    args = parser.parse_args()
    if not bench_facts.EVAL.exists():
        print(f"skipped: {bench_facts.EVAL} not found (the evaluation data lives outside the repository)")
        return 0
    print(table(run(shlex.split(args.python), set(args.splits.split(",")) if args.splits else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
