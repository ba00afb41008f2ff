"""The container recipe, read as text (no Docker engine on CI): what issue 14 found wrong stays fixed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_healthcheck_asks_the_configured_port():
    healthcheck = DOCKERFILE[DOCKERFILE.index("HEALTHCHECK"):].split("\n\n")[0]
    assert "DIGESTBOT_HTTP_PORT" in healthcheck and ":8080/" not in healthcheck


def test_no_layer_keeps_the_wheels():
    assert not re.search(r"^COPY --from=build /wheels", DOCKERFILE, re.M)
    assert "--mount=type=bind,from=build,source=/wheels" in DOCKERFILE


def test_the_build_context_leaves_out_local_state():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "*.db", "tests"} <= set(ignored)
