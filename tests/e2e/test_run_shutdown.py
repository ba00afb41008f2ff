"""`digestbot run` stops within 8 s (the README's promise; Docker kills at 10 s) on SIGTERM and
SIGHUP even while a feed server dribbles its answer one byte at a time."""

import os
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import DIGESTBOT, ROOT
from .test_run import wait_for_port

PROMISED_SECONDS = 8


class DribblingFeed:
    """A loopback feed server that sends its headers, then one byte every half second."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                feed.requested.set()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    for _ in range(240):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.5)
                except OSError:  # the bot hung up: what it should do on shutdown
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def dribbling_feed():
    feed = DribblingFeed()
    yield feed
    feed.close()


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_run_stops_in_time_during_a_slow_feed_fetch(tmp_path, dribbling_feed, stop_signal):
    config = tmp_path / "bot.toml"
    config.write_text(
        '[[topics]]\nname = "visit"\ntitle = "A state visit"\nkeywords = ["state visit"]\n\n'
        f'[[feeds]]\nurl = "{dribbling_feed.url}"\nevery = "15m"\n'
    )
    env = dict(os.environ, DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}", DIGESTBOT_CONFIG=str(config),
               DIGESTBOT_HTTP_PORT="0", DIGESTBOT_FETCH_ALLOW_HOSTS='["127.0.0.1"]')
    for secret in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN"):
        env.pop(secret, None)
    process = subprocess.Popen([str(DIGESTBOT), "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(process)
        assert dribbling_feed.requested.wait(60), "the feed was never fetched"
        time.sleep(1)  # the fetch is under way, reading the dribble
        started = time.monotonic()
        process.send_signal(stop_signal)
        _, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert took < PROMISED_SECONDS, f"took {took:.1f} s to stop"
    assert "Traceback" not in err and "Job raised" not in err
    print(f"stopped in {took:.2f} s")
