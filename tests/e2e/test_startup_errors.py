"""Issue 14, item 4: start-up failures are one line on stderr naming the problem and the
setting, exit 2, no traceback (a traceback only with --debug or DIGESTBOT_LOG_LEVEL=debug).
Each case runs the real `digestbot` process against the real fault."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from digestbot.domain.models import Topic
from digestbot.storage.articles import SqlStore
from digestbot.storage.engine import create_store_engine
from digestbot.storage.management import SqlManagementStore
from digestbot.domain.records import AuditEntry
from integration.test_postgres import _as_postgres_user, _find_bin_dir, _free_port

PASSWORD = "right-horse-battery"


def assert_one_line(result, *words: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_an_unreachable_database_is_one_line_for_digest_and_run(run_cli):
    url = f"postgresql+psycopg://digestbot:{PASSWORD}@127.0.0.1:{_free_port()}/news"
    for command in (["digest"], ["run"]):
        line = assert_one_line(run_cli(*command, DIGESTBOT_DATABASE_URL=url, DIGESTBOT_HTTP_PORT="0"),
                               "DIGESTBOT_DATABASE_URL", "cannot reach the database", "Connection refused")
        assert PASSWORD not in line


def test_debug_shows_the_traceback_and_still_exits_2(run_cli):
    url = f"postgresql+psycopg://digestbot@127.0.0.1:{_free_port()}/news"
    for args, env in ((["--debug", "digest"], {}), (["digest"], {"DIGESTBOT_LOG_LEVEL": "debug"})):
        result = run_cli(*args, DIGESTBOT_DATABASE_URL=url, **env)
        assert result.returncode == 2
        assert "digestbot: DIGESTBOT_DATABASE_URL: cannot reach the database" in result.stderr
        assert "Traceback" in result.stderr


@pytest.mark.parametrize("url", ["mysql://bob:pw@db.example/news", "nonsense://x"])
def test_an_unsupported_database_url(run_cli, url):
    assert_one_line(run_cli("digest", DIGESTBOT_DATABASE_URL=url), "DIGESTBOT_DATABASE_URL",
                    "unsupported database URL", "sqlite:///PATH")


def test_a_database_folder_that_cannot_be_made(run_cli, tmp_path):
    (tmp_path / "volume").write_text("a file where the data folder should be")
    url = f"sqlite:///{tmp_path / 'volume' / 'digestbot.db'}"
    assert_one_line(run_cli("digest", DIGESTBOT_DATABASE_URL=url), "DIGESTBOT_DATABASE_URL",
                    "cannot create the folder", str(tmp_path / "volume"))


@pytest.fixture
def read_only_volume(tmp_path):
    """A data folder the process cannot write: mode 555, or for root an immutable folder."""
    volume = tmp_path / "data"
    volume.mkdir()
    if os.geteuid() != 0:
        volume.chmod(0o555)
        yield volume
        volume.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(volume)]).returncode != 0:
        pytest.skip("root cannot be kept from writing here (no chattr +i)")
    yield volume
    subprocess.run(["chattr", "-i", str(volume)])


def test_a_data_volume_the_process_cannot_write(run_cli, read_only_volume):
    url = f"sqlite:///{read_only_volume / 'digestbot.db'}"
    assert_one_line(run_cli("digest", DIGESTBOT_DATABASE_URL=url), "DIGESTBOT_DATABASE_URL",
                    "cannot open the SQLite file", "not writable")


def test_a_schema_newer_than_the_code(run_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    SqlStore.from_url(url).close()
    engine = create_store_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    assert_one_line(run_cli("digest", DIGESTBOT_DATABASE_URL=url), "DIGESTBOT_DATABASE_URL",
                    "9999_from_the_future", "upgrade digestbot")


def test_the_http_port_in_use(run_cli, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("run", DIGESTBOT_HTTP_PORT=str(port), DIGESTBOT_HTTP_HOST="127.0.0.1")
    assert_one_line(result, "DIGESTBOT_HTTP_PORT", f"127.0.0.1:{port} is already in use")


@pytest.mark.parametrize("value", ['["127.0.0.1",', "http://feeds.internal/"])
def test_a_malformed_fetch_allow_hosts(run_cli, value):
    assert_one_line(run_cli("digest", DIGESTBOT_FETCH_ALLOW_HOSTS=value), "DIGESTBOT_FETCH_ALLOW_HOSTS")


def test_fetch_allow_hosts_takes_a_comma_list_or_json(run_cli):
    for value in ("127.0.0.1, feeds.internal", '["127.0.0.1", "feeds.internal"]'):
        shown = run_cli("config", "show", "--format", "json", DIGESTBOT_FETCH_ALLOW_HOSTS=value)
        assert shown.returncode == 0, shown.stderr
        assert '"127.0.0.1",\n        "feeds.internal"' in shown.stdout


@pytest.fixture(scope="module")
def password_postgres():
    """A PostgreSQL server that checks passwords (scram-sha-256 on loopback)."""
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
    base = Path(tempfile.mkdtemp(prefix="digestbot-pgpw-"))
    run_as = _as_postgres_user()
    if run_as:
        shutil.chown(base, "postgres", "postgres")
    (base / "pw").write_text(PASSWORD)
    if run_as:
        shutil.chown(base / "pw", "postgres", "postgres")
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(base / "data"), "-U", "postgres",
                    "--auth-host=scram-sha-256", "--auth-local=trust", f"--pwfile={base / 'pw'}", "--no-sync"],
                   check=True, capture_output=True, timeout=120)
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={base} -c fsync=off"
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "log"),
                    "-o", options, "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=90)
    try:
        yield port
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_a_wrong_database_password(run_cli, password_postgres):
    right = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{password_postgres}/postgres"
    assert run_cli("config", "show", DIGESTBOT_DATABASE_URL=right).returncode == 0  # the server works
    wrong = right.replace(PASSWORD, "wrong-password")
    for command in (["digest"], ["run"]):
        line = assert_one_line(run_cli(*command, DIGESTBOT_DATABASE_URL=wrong, DIGESTBOT_HTTP_PORT="0"),
                               "DIGESTBOT_DATABASE_URL", "refused the login")
        assert "wrong-password" not in line


def test_a_file_with_too_many_topics_stops_the_start_in_one_line(run_cli, tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text("".join(f'[[topics]]\nname = "t{i}"\ntitle = "T"\n' for i in range(49)), encoding="utf-8")
    assert_one_line(run_cli("run", DIGESTBOT_CONFIG=str(config), DIGESTBOT_HTTP_PORT="0"),
                    str(config), "topics", "at most 48")


def test_the_slack_manifest_of_a_database_over_the_limit_stays_within_slacks(run_cli, tmp_path):
    """Issue 14, item 2: 100 topics stored before the limit printed 102 slash commands."""
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    store = SqlStore.from_url(url)
    managed = SqlManagementStore(store.engine)
    now = datetime.now(timezone.utc)
    for i in range(100):
        managed.add_topic(Topic(f"t{i}", "T", ("w",)), AuditEntry(now, "slack", "C1", "ada", "topics.add", "", None, None))
    store.close()
    result = run_cli("slack-manifest", "--socket-mode", "--format", "json", DIGESTBOT_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    commands = json.loads(result.stdout)["features"]["slash_commands"]
    assert len(commands) <= 50 and commands[-1]["command"] == "/digest"
    assert "over the limit of 48" in result.stderr
