"""The import-linter contracts in pyproject.toml hold on the tree, and break when an import crosses
them. import-linter reads the package as installed; adapters/ installs inside digestbot from another
folder, so the test lays the two out as a plain install would (as .ci/run does with pip)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def installed_tree(into: Path) -> Path:
    """src/digestbot with adapters/ at digestbot/adapters: the layout of an installed wheel."""
    package = into / "digestbot"
    shutil.copytree(ROOT / "src" / "digestbot", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "adapters", package / "adapters", ignore=shutil.ignore_patterns("__pycache__", "*.md"))
    return package


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_the_contracts_hold_and_break_when_crossed(tmp_path):
    package = installed_tree(tmp_path)
    kept = lint(tmp_path)
    assert kept.returncode == 0, kept.stdout[-2000:] + kept.stderr[-2000:]
    assert "0 broken" in kept.stdout

    with (package / "adapters" / "slack" / "limits.py").open("a") as limits:
        limits.write("\nfrom digestbot.adapters.discord import limits as discord_limits  # noqa\n")
    with (package / "present" / "lines.py").open("a") as lines:
        lines.write("\nimport sqlalchemy  # noqa\n")
    with (package / "run" / "runtime.py").open("a") as runtime:
        runtime.write("\nfrom sqlalchemy import text  # noqa\n")
    with (package / "service" / "words.py").open("a") as words:
        words.write("\nfrom digestbot.storage import tables  # noqa\n")
    # The layers: storage sits below run/, text below keypoints, the adapters below bootstrap.
    with (package / "storage" / "probe.py").open("a") as probe:
        probe.write("\nfrom digestbot.run import metrics  # noqa\n")
    with (package / "text" / "lexicons.py").open("a") as lexicons:
        lexicons.write("\nfrom digestbot import keypoints  # noqa\n")
    with (package / "adapters" / "discord" / "render.py").open("a") as render:
        render.write("\nfrom digestbot.bootstrap import App  # noqa\n")
    broken = lint(tmp_path)
    assert broken.returncode != 0
    assert "digestbot.adapters.slack.limits -> digestbot.adapters.discord" in broken.stdout
    assert "digestbot.present.lines -> sqlalchemy" in broken.stdout
    assert "digestbot.run.runtime -> sqlalchemy" in broken.stdout
    assert "digestbot.service.words -> digestbot.storage.tables" in broken.stdout
    assert "digestbot.storage.probe -> digestbot.run.metrics" in broken.stdout
    assert "digestbot.text.lexicons -> digestbot.keypoints" in broken.stdout
    assert "digestbot.adapters.discord.render -> digestbot.bootstrap" in broken.stdout
