"""How far better selection alone could take facts recall: the 15 lines chosen with the labels in hand.

bench_facts.py measures the lines the extractor shows. This asks what the best 15 lines would find
if a reader who knew the labels picked them (greedily, the line adding the most labelled facts
first) from a pool of candidate lines, for each of the 63 labelled clusters of
../shared/eval/mds_dev.jsonl:

- `shown`: the lines the extractor shows now (recall as bench_facts.py reports it);
- `reported, best`: the structured lines as they are, and the "also reported" room filled with the
  best of the first sentences the extractor may show (news, standing alone: `reported._stands_alone`);
- `first sentences, best`: the shown lines plus every report's first sentence, whole;
- `+ second sentences, best`: the same plus every report's second sentence, whole.

A ceiling, not a method: no rule knows the labels. A figure here below the 60% target says no
better choice among those candidates reaches it.

    .venv/bin/python benchmarks/facts_ceiling.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_facts  # noqa: E402
from bench_facts import matches  # noqa: E402

from digestbot.domain.models import ArticleKind  # noqa: E402
from digestbot.stories.facts import MAX_LINES, extract_facts  # noqa: E402
from digestbot.stories.facts.leads import CORROBORATED_FROM  # noqa: E402
from digestbot.stories.facts.reported import _stands_alone  # noqa: E402
from digestbot.text.datelines import strip_dateline  # noqa: E402
from digestbot.text.tokens import normalise_quotes  # noqa: E402

EVENTS = {"tuned", "fresh", "fresh2"}  # the splits of single events; the later ones are mostly topics


def best_lines(candidates: list[str], facts: list[dict], room: int, found: set[str] = frozenset()) -> set[str]:
    """The labelled facts the best `room` candidates find besides `found`, picked greedily."""
    found = set(found)
    covers = [{f["id"] for f in facts if matches(line, f)} for line in candidates]
    for _ in range(room):
        gain = max(covers, key=lambda ids: len(ids - found), default=set())
        if not gain - found:
            break
        found |= gain
    return found


def nth_sentences(story, n: int) -> list[str]:
    return [a.sentences[n] for a in story.articles if len(a.sentences) > n]


def ceilings(story, facts: list[dict]) -> dict[str, int]:
    """Labelled facts found by the lines shown, and by the best 15 of each pool of candidates."""
    facts_shown = extract_facts(story)
    shown = [f.text for f in facts_shown]
    structured = [f.text for f in facts_shown if f.category != "reported"]
    found_by = {line: {f["id"] for f in facts if matches(line, f)} for line in shown + structured}
    leads = [s for a in story.articles if a.sentences and a.kind is ArticleKind.NEWS
             for s in [strip_dateline(normalise_quotes(a.sentences[0])).lstrip("-\u2014 ")] if _stands_alone(s)]
    structured_found = set().union(*(found_by[line] for line in structured))
    room = MAX_LINES - len(structured) if len(story.articles) >= CORROBORATED_FROM else 0
    return {
        "shown": len(set().union(*(found_by[line] for line in shown))),
        "reported, best": len(best_lines(leads, facts, room, structured_found)),
        "first sentences, best": len(best_lines(shown + nth_sentences(story, 0), facts, MAX_LINES)),
        "+ second sentences, best": len(best_lines(shown + nth_sentences(story, 0) + nth_sentences(story, 1),
                                                  facts, MAX_LINES)),
    }


def main() -> int:
    if not bench_facts.EVAL.exists():
        print(f"skipped: {bench_facts.EVAL} not found")
        return 0
    labels = bench_facts.load_labels()
    stories = bench_facts.load_stories(set(labels))
    totals: dict[str, dict[str, int]] = {"events": {}, "topics": {}, "all": {}}
    for topic, story in stories.items():
        facts = labels[topic]["facts"]
        kind = "events" if labels[topic].get("split", "tuned") in EVENTS else "topics"
        for group in (kind, "all"):
            totals[group]["labelled"] = totals[group].get("labelled", 0) + len(facts)
            for name, found in ceilings(story, facts).items():
                totals[group][name] = totals[group].get(name, 0) + found
    print("| clusters | labelled facts | " + " | ".join(k for k in totals["all"] if k != "labelled") + " |")
    print("|---|---:|" + "---:|" * (len(totals["all"]) - 1))
    for group, row in totals.items():
        cells = [f"{row[k] / row['labelled']:.0%} ({row[k]})" for k in row if k != "labelled"]
        print(f"| {group} | {row['labelled']} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
