"""`digestbot run` as a real process: console digests, health endpoints, clean SIGTERM."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.request

from .conftest import DIGESTBOT, ROOT


def start_bot(tmp_path, config_text: str, **extra_env: str) -> subprocess.Popen:
    config = tmp_path / "bot.toml"
    config.write_text(config_text)
    env = dict(
        os.environ,
        DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        DIGESTBOT_CONFIG=str(config),
        DIGESTBOT_HTTP_PORT="0",
        **extra_env,
    )
    for secret in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN"):
        env.pop(secret, None)
    return subprocess.Popen(
        [str(DIGESTBOT), "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_port(process: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        match = re.search(r"http://[\d.]+:(\d+)/healthz", line)
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            raise AssertionError(f"digestbot run exited early: {process.stderr.read()}")
    raise AssertionError("digestbot run did not announce its port")


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[[destinations]]
platform = "console"
cron = "* * * * *"
timezone = "Asia/Seoul"
topics = ["visit"]
"""


def test_run_posts_the_due_digest_serves_health_and_stops_on_sigterm(tmp_path):
    process = start_bot(tmp_path, CONFIG)
    try:
        port = wait_for_port(process)
        assert get(port, "/healthz") == (200, b'{"status": "alive"}')
        status, body = get(port, "/readyz")
        assert status == 200, body
        assert json.loads(body)["checks"] == {"database": True, "scheduler": True, "console": True}
        posted = b'digestbot_digests_total{outcome="posted",platform="console"} 1.0'
        deadline = time.monotonic() + 30
        while posted not in get(port, "/metrics")[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert posted in get(port, "/metrics")[1]
    finally:
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert time.monotonic() - started < 8
    assert "=== digest for console" in out
    assert "/visit)" in out and "Lee Jae Myung" in out  # the seed story, labelled with its topic


def test_run_with_bad_configuration_exits_2(tmp_path):
    process = start_bot(tmp_path, "[[destinations]]\nplatform = 'console'\ncron = 'every day'\n")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "bad cron" in err and "Traceback" not in err
