"""A normal install (the container's wheel, `pip install .`) carries every package of the tree:
pyproject.toml lists them by hand, so a new folder must be listed there too."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_names(folder: Path, prefix: str) -> set[str]:
    return {".".join([prefix, *init.parent.relative_to(folder).parts])
            for init in folder.rglob("__init__.py") if "__pycache__" not in init.parts}


def test_every_package_in_the_tree_is_listed_for_installation():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    in_tree = package_names(ROOT / "src" / "digestbot", "digestbot") | package_names(ROOT / "adapters", "digestbot.adapters")
    assert in_tree - listed == set()
