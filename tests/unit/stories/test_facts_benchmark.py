"""Regression: facts on the labelled real-news clusters keep their targets (issue 13).

Runs benchmarks/bench_facts.py's scorer on ../shared/eval/mds_dev.jsonl; skips where the
evaluation data is absent (it is never copied into the repository)."""

from pathlib import Path

import pytest
from benchmark_modules import benchmark_module

ROOT = Path(__file__).resolve().parents[3]
EVAL = ROOT.parent / "shared" / "eval" / "mds_dev.jsonl"


@pytest.mark.skipif(not EVAL.exists(), reason="../shared/eval/mds_dev.jsonl is not here")
def test_facts_on_labelled_clusters_meet_the_targets():
    bench = benchmark_module("bench_facts")
    rows = bench.run()
    totals = bench.totals(rows)
    # lines a second reader judged correct over lines read (every line shown is read); the label-based
    # precision counts a correct line no label foresaw as wrong: it must not fall below today's figure
    assert totals["read"]["unread"] == 0 and totals["read_precision"] >= 0.93
    assert totals["precision"] >= 0.71  # fresh10 to fresh12 have no `acceptable` list: their correct unlabelled lines count as wrong here
    assert totals["max_lines"] <= 15
    split = {name: bench.totals([r for r in rows if r["split"] == name]) for name in {r["split"] for r in rows}}
    # most splits sit under the 60% target on topics (a film, a probe, a surplus, a charity's
    # charges): these floors are their figures now, not the goal. Eighth session: "Also reported"
    # reads the reports' first sentences only (later ones were four times as often wrong); all
    # clusters kept their recall (338 -> 339 facts) and lost 11 of their 55 wrong lines, but the
    # splits moved apart: tuned 82 -> 77, fresh2 60 -> 56, fresh3 55 -> 43, fresh9 51 -> 43;
    # fresh5 40 -> 48, fresh7 23 -> 35, fresh8 41 -> 45. Leaving out a feature's short hook (under 16
    # words) then cost one fact of fresh3 and one of fresh9 and removed 7 wrong lines
    assert split["tuned"]["recall"] >= 0.77
    assert split["fresh"]["recall"] >= 0.66
    assert split["fresh2"]["recall"] >= 0.56
    assert split["fresh3"]["recall"] >= 0.41
    assert split["fresh4"]["recall"] >= 0.54
    assert split["fresh5"]["recall"] >= 0.48  # its untouched reading: 43% (BENCHMARKS.md)
    assert split["fresh6"]["recall"] >= 0.37  # its untouched reading: 35%
    assert split["fresh7"]["recall"] >= 0.34  # its first reading: 29% (its lines had been seen, not tuned on)
    assert split["fresh8"]["recall"] >= 0.45  # its untouched reading: 40%
    assert split["fresh9"]["recall"] >= 0.41  # its first reading: 45%
    assert split["fresh10"]["recall"] >= 0.26  # its first reading: 27% (33% at the eighth session's start)
    assert split["fresh11"]["recall"] >= 0.31  # its first reading: 32% (37% at the eighth session's start)
    assert split["fresh12"]["recall"] >= 0.30  # its first reading: 28% (28% at the ninth session's start); 30% in the tenth
    # 340 on the 49 clusters read before fresh10, 20 on it, 24 on fresh11, 17 on fresh12 (18 in the tenth session)
    assert sum(len(r["found"]) for r in rows) >= 402
    assert totals["labelled_precision"] >= 0.60  # lines that match a label (topics have few): must not fall
    # lines a second reader judged wrong and still shown (benchmarks/facts_judged.json), every one of
    # them read; may only fall. Ninth session: 42 of 860 at its start (25 on the 49 clusters read before
    # fresh10, 55 of 689 at the eighth session's start; 5 of fresh10's 75 and 12 of fresh11's 71, blind
    # first readings), 31 of 858 once the classes fresh11's reading found were fixed, 21 of 850 once
    # columns and editorials were told from news and features' teasers and old scenes left out;
    # then fresh12's blind first reading: 2 wrong of its 52 lines (3 of 57 at the session's start).
    # Tenth session: 19 of 901 once an unnamed state or parliament took its dateline, a report cited
    # only reports within a week of it, and a lead opening a list was left out; then 20 when the
    # digest's test for a pronoun no one names moved four "Also reported" leads (a TV review's
    # "On Tuesday, 'Nova' ventures ..." came in, judged wrong on a close call); 19 when an office
    # someone else holds in later reports made its earlier holder a former one (Netanyahu)
    assert totals["read"]["wrong"] <= 19
    # no line judged wrong (each wrong example found by hand is fixed as a class and kept)
    assert all(split[name]["wrong"] == 0 for name in split)
