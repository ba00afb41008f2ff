"""Regression: facts on the labelled real-news clusters keep their targets (issue 13).

Runs benchmarks/bench_facts.py's scorer on ../shared/eval/mds_dev.jsonl; skips where the
evaluation data is absent (it is never copied into the repository)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EVAL = ROOT.parent / "shared" / "eval" / "mds_dev.jsonl"


@pytest.mark.skipif(not EVAL.exists(), reason="../shared/eval/mds_dev.jsonl is not here")
def test_facts_on_labelled_clusters_meet_the_targets():
    spec = importlib.util.spec_from_file_location("bench_facts", ROOT / "benchmarks" / "bench_facts.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.run()
    totals = bench.totals(rows)
    assert totals["precision"] >= 0.90  # lines judged correct (labelled or checked by hand)
    assert totals["max_lines"] <= 15
    split = {name: bench.totals([r for r in rows if r["split"] == name])
             for name in ("tuned", "fresh", "fresh2", "fresh3", "fresh4")}
    assert split["tuned"]["recall"] >= 0.72
    # the held-out sets sit under the 60% target: these floors are their figures now, not the goal
    assert split["fresh"]["recall"] >= 0.59
    assert split["fresh2"]["recall"] >= 0.47
    assert split["fresh3"]["recall"] >= 0.13
    assert split["fresh4"]["recall"] >= 0.22  # never tuned on: the honest held-out figure
    assert totals["labelled_precision"] >= 0.76  # lines that match a label: must not fall
    # no line judged wrong (fresh3's two, a wrong-labelled amount and a non-event 'What happened',
    # are fixed as classes: its precision is no longer a held-out figure)
    assert all(split[name]["wrong"] == 0 for name in split)
