"""Issue 15's size targets hold in the whole tree (src/ and adapters/): no module over 400 lines,
no function over 60 lines or of cyclomatic complexity over 15, measured by
benchmarks/size_report.py (radon) as the report people read."""

from __future__ import annotations

from pathlib import Path

from benchmark_modules import benchmark_module

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_or_function_is_over_the_size_targets():
    assert benchmark_module("size_report").report(ROOT) == {"modules": [], "long": [], "complex": []}


def test_the_report_finds_what_is_over_them(tmp_path):
    """The check can fail: a long, branching function in a long module is reported three times."""
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(40))
    module = tmp_path / "src" / "too_big.py"
    module.parent.mkdir()
    module.write_text("def branchy(x):\n" + branches + "    return -1\n" + "\n" * 400 + "VALUE = 1\n", encoding="utf-8")
    found = benchmark_module("size_report").report(tmp_path)
    assert [len(found["modules"]), len(found["long"]), len(found["complex"])] == [1, 1, 1]
