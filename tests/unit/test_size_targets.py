"""Issue 15's size targets (no module over 400 lines, no function over 60 lines or of cyclomatic
complexity over 15) hold in the command line, configuration and ingest, measured by
benchmarks/size_report.py (radon, in the bench extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("radon")

ROOT = Path(__file__).resolve().parents[2]
# The modules this part of issue 15 brought within the targets; the rest of the tree follows.
WITHIN_TARGETS = ("src/digestbot/cli.py", "src/digestbot/cli_commands/", "src/digestbot/config_report.py",
                  "src/digestbot/config.py", "src/digestbot/settings.py", "src/digestbot/startup_errors.py",
                  "src/digestbot/pipeline.py", "src/digestbot/ingest/", "src/digestbot/storage/errors.py")


def size_report():
    spec = importlib.util.spec_from_file_location("size_report", ROOT / "benchmarks" / "size_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.report(ROOT)


def test_the_command_line_configuration_and_ingest_are_within_the_size_targets():
    over = [row for rows in size_report().values() for row in rows
            if any(f" {where}" in row for where in WITHIN_TARGETS)]
    assert over == []
