"""What import-linter cannot see: the pure core imports no standard-library I/O either (sockets,
sqlite3, HTTP). The layer rules themselves are import-linter contracts in pyproject.toml, run by
`.ci/run` and by tests/unit/test_import_contracts.py."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_CORE = ["domain", "keypoints", "stories", "text", "present", "chat", "pipeline"]
STDLIB_IO = ("urllib.request", "socket", "http.client", "http.server", "sqlite3", "subprocess", "asyncio")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


@pytest.mark.parametrize("name", PURE_CORE)
def test_the_core_imports_no_standard_library_io(name):
    package = ROOT / "src" / "digestbot"
    paths = [package / f"{name}.py"] if (package / f"{name}.py").exists() else sorted((package / name).rglob("*.py"))
    assert paths and all(path.exists() for path in paths), f"{name} is not in the tree"
    for path in paths:
        for module in imported_modules(path):
            assert not module.startswith(STDLIB_IO), f"{path.name} imports {module}"


# Taken out of sqlalchemy's reach on the runtime branch (issue 15); nothing else may join it.
SQLALCHEMY_LEFT = {"run/runtime.py"}


def test_only_storage_imports_sqlalchemy():
    package = ROOT / "src" / "digestbot"
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package).as_posix()
        if where.startswith("storage/") or where in SQLALCHEMY_LEFT:
            continue
        imported = imported_modules(path)
        assert not any(module.split(".")[0] == "sqlalchemy" for module in imported), f"{where} imports sqlalchemy"
