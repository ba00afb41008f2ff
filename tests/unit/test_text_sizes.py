"""Issue 15's size targets hold in the text core and the key points: no module over 400 lines,
no function over 60 lines or of cyclomatic complexity over 15 (benchmarks/size_report.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import digestbot.keypoints
import digestbot.text

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 15

MODULES = sorted(
    path for package in (digestbot.text, digestbot.keypoints) for path in Path(package.__file__).parent.glob("*.py")
)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_modules_and_their_functions_are_short(path):
    code = path.read_text(encoding="utf-8")
    assert len(code.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(code))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_function_is_too_complex(path):
    cc_visit = pytest.importorskip("radon.complexity", reason="radon is in the bench extra").cc_visit
    complex_ = [f"{block.fullname}: {block.complexity}" for block in cc_visit(path.read_text(encoding="utf-8"))
                if block.complexity > MAX_COMPLEXITY]
    assert complex_ == []
