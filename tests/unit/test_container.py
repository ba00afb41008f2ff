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


# --- the constraints file (item 9): every build and CI run installs the same versions --------

CONSTRAINTS = ROOT / "constraints.txt"


def _pins() -> dict[str, str]:
    from packaging.utils import canonicalize_name

    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def _declared_requirements():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in declared if not r.startswith("digestbot")]


def test_the_constraints_pin_every_declared_dependency_within_its_range():
    from packaging.utils import canonicalize_name

    pins = _pins()
    for requirement in _declared_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} breaks {requirement}"


def test_every_line_of_the_constraints_is_an_exact_pin():
    lines = [line for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines)


def test_the_image_is_built_with_the_constraints():
    assert re.search(r"^COPY [^\n]*constraints\.txt", DOCKERFILE, re.M)
    assert re.search(r"pip wheel [^\n]*-c constraints\.txt", DOCKERFILE)
    assert "constraints.txt" not in (ROOT / ".dockerignore").read_text(encoding="utf-8")


def test_ci_installs_with_the_constraints():
    installs = re.findall(r"pip install[^\n&]*", (ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert installs and all("-c constraints.txt" in command for command in installs)
