"""`digestbot run` follows a subscription made with `digestbot chat`, without a restart."""

import os
import signal
import subprocess
import threading
import time

from .conftest import DIGESTBOT, ROOT
from .test_run import wait_for_port

# The configured destination never fires during the test: any digest printed "for console"
# comes from the subscription made from chat (`digestbot chat` is the channel "console").
CONFIG = """
[[destinations]]
platform = "console"
channel = "ops"
cron = "0 0 1 1 *"
"""


def test_a_subscription_made_from_chat_is_posted_by_the_running_bot(tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text(CONFIG)
    env = dict(
        os.environ,
        DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        DIGESTBOT_CONFIG=str(config),
        DIGESTBOT_HTTP_PORT="0",
        DIGESTBOT_RELOAD_SECONDS="1",
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    for secret in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN"):
        env.pop(secret, None)
    process = subprocess.Popen([str(DIGESTBOT), "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        wait_for_port(process)
        for stream in (process.stdout, process.stderr):  # keep both pipes drained
            threading.Thread(target=lambda s=stream: lines.extend(s), daemon=True).start()

        subscribed = subprocess.run(
            # `empty post`: nothing is ingested here, and a digest with nothing new is skipped by default.
            [str(DIGESTBOT), "chat", '/digest subscribe all cron "* * * * *" tz UTC empty post'],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert subscribed.returncode == 0, subscribed.stderr
        assert "This channel gets all stories" in subscribed.stdout, subscribed.stdout

        deadline = time.monotonic() + 75  # the next minute, plus the reload and some slack
        while not any("=== digest for console ·" in line for line in lines) and time.monotonic() < deadline:
            assert process.poll() is None, "".join(lines)[-2000:]
            time.sleep(0.2)
        assert any("=== digest for console ·" in line for line in lines), "".join(lines)[-2000:]
        assert not any("=== digest for ops" in line for line in lines)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    assert process.returncode == 0
