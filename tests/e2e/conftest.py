"""End-to-end tests start the installed `digestbot` console script as a real process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIGESTBOT = Path(sys.executable).with_name("digestbot")


@pytest.fixture
def run_cli(tmp_path):
    """Run digestbot in the repository root with a private database; returns CompletedProcess."""
    env = dict(os.environ, DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.db'}")
    env.pop("DIGESTBOT_CONFIG", None)

    def run(*args: str, stdin: str | None = None, cwd: Path = ROOT, **extra_env: str):
        return subprocess.run(
            [str(DIGESTBOT), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**env, **extra_env},
            timeout=120,
        )

    return run
