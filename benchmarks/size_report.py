"""The size targets of issue 15, measured with radon: modules over 400 lines, functions over 60
lines, functions of cyclomatic complexity over 15, in src/ and adapters/.

    .venv/bin/python benchmarks/size_report.py [ROOT]    (radon is in the test extra)
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.raw import analyze

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 15


def functions(blocks):
    """Every function and method radon found, closures included (`cc_visit` lists a class's
    methods beside the class itself, so a class is skipped)."""
    for block in blocks:
        if hasattr(block, "methods"):
            continue
        yield block
        yield from functions(block.closures)


def report(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"modules": [], "long": [], "complex": []}
    for path in sorted([*root.glob("src/**/*.py"), *root.glob("adapters/**/*.py")]):
        code = path.read_text(encoding="utf-8")
        where = path.relative_to(root)
        lines = analyze(code).loc
        if lines > MAX_MODULE_LINES:
            found["modules"].append(f"{lines:5d} lines {where}")
        for block in functions(cc_visit(code)):
            length = block.endline - block.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found["long"].append(f"{length:5d} lines {where}:{block.fullname}")
            if block.complexity > MAX_COMPLEXITY:
                found["complex"].append(f"{block.complexity:5d} cc    {where}:{block.fullname}")
    return found


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    titles = {"modules": f"modules over {MAX_MODULE_LINES} lines", "long": f"functions over {MAX_FUNCTION_LINES} lines",
              "complex": f"functions of complexity over {MAX_COMPLEXITY}"}
    for kind, rows in report(root).items():
        print(f"{titles[kind]}: {len(rows)}")
        for row in sorted(rows, reverse=True):
            print(f"  {row}")


if __name__ == "__main__":
    main()
