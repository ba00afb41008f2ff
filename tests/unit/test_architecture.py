"""The dependency rule of docs/ARCHITECTURE.md, held by a test: platform SDKs and the scheduler
library are imported in one place each, and the pure core imports no I/O layer."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "src" / "digestbot").rglob("*.py"), *(ROOT / "adapters").rglob("*.py")])
ONLY_HERE = {
    "slack_bolt": "adapters/slack/",
    "slack_sdk": "adapters/slack/",
    "discord": "adapters/discord/",
    "apscheduler": "src/digestbot/scheduling.py",
}
PURE_CORE = ["models", "keypoints", "stories", "text", "present",
             "commands", "pipeline"]
NETWORK_OR_STORAGE = ("sqlalchemy", "aiohttp", "urllib.request", "socket", "http.client", "http.server", "sqlite3")
IO_LAYERS = {"storage", "ingest", "runtime", "platforms", "cli", "http_server", "service", "bootstrap", "polling"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_platform_libraries_are_imported_in_their_adapter_only(path):
    where = str(path.relative_to(ROOT))
    for module in imported_modules(path):
        top = module.split(".")[0]
        if top in ONLY_HERE:
            assert where.startswith(ONLY_HERE[top]), f"{where} imports {module}"


@pytest.mark.parametrize("name", PURE_CORE)
def test_the_core_imports_no_io_layer(name):
    package = ROOT / "src" / "digestbot"
    paths = [package / f"{name}.py"] if (package / f"{name}.py").exists() else sorted((package / name).rglob("*.py"))
    for path in paths:
        for module in imported_modules(path):
            parts = module.lstrip(".").split(".")
            assert not (set(parts) & IO_LAYERS), f"{path.name} imports {module}"
            assert not module.startswith(NETWORK_OR_STORAGE), f"{path.name} imports {module}"


def test_the_two_platform_adapters_never_import_each_other():
    for path in (ROOT / "adapters" / "slack").rglob("*.py"):
        assert not any("discord" in m for m in imported_modules(path)), path
    for path in (ROOT / "adapters" / "discord").rglob("*.py"):
        assert not any("slack" in m for m in imported_modules(path)), path
