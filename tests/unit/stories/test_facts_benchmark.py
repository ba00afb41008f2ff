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
    assert totals["precision"] >= 0.90  # lines judged correct (labelled or checked by hand)
    assert totals["max_lines"] <= 15
    split = {name: bench.totals([r for r in rows if r["split"] == name]) for name in {r["split"] for r in rows}}
    assert split["tuned"]["recall"] >= 0.81
    # most splits sit under the 60% target on topics (a film, a probe, a surplus, a charity's
    # charges): these floors are their figures now, not the goal. Seventh session: each split lost a
    # point or two to the wrong-line classes (a line matching a label can still be wrong: "they want
    # devotees to ...", "The next, he's ..."; and some filters drop good lines, e.g. "The line-item
    # veto law was challenged ..." for "The <noun> was ...")
    assert split["fresh"]["recall"] >= 0.64
    assert split["fresh2"]["recall"] >= 0.60
    assert split["fresh3"]["recall"] >= 0.55
    assert split["fresh4"]["recall"] >= 0.50
    assert split["fresh5"]["recall"] >= 0.40  # its untouched reading: 43% (BENCHMARKS.md)
    assert split["fresh6"]["recall"] >= 0.34  # its untouched reading: 35%
    assert split["fresh7"]["recall"] >= 0.22  # its first reading: 29% (its lines had been seen, not tuned on)
    assert split["fresh8"]["recall"] >= 0.40  # its untouched reading: 40%
    # its first reading: 45%, with a bonus for naming sentences that lost it 3 facts and was withdrawn
    # (49% at the seventh session's start)
    assert split["fresh9"]["recall"] >= 0.50
    assert totals["labelled_precision"] >= 0.69  # lines that match a label (topics have few): must not fall
    # lines a second reader judged wrong and still shown (benchmarks/facts_judged.json): 55 of the 689
    # lines at the end of the seventh session, every one of them read; the count may only fall
    assert totals["read"]["wrong"] <= 55
    # no line judged wrong (each wrong example found by hand is fixed as a class and kept)
    assert all(split[name]["wrong"] == 0 for name in split)
