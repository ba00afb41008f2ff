"""kill -9 during writes: the SQLite file (WAL mode) stays intact and keeps every commit."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from digestbot.storage.articles import SqlStore

ROUNDS = 3
WRITE_FOR = 0.5  # seconds of writing before the kill

WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, timedelta, timezone
    from digestbot.domain.models import Article, ArticleKind
    from digestbot.storage.articles import SqlStore

    url, round_no = sys.argv[1], int(sys.argv[2])
    store = SqlStore.from_url(url)
    t0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    n = 0
    while True:
        # New articles, and rewrites of older ones (their sentences are replaced).
        key = f"r{round_no}-{n}" if n % 3 else f"r{round_no}-{max(n - 3, 0)}"
        sentences = [f"Round {round_no} article {n} sentence {i}. " * 8 for i in range(30)]
        store.upsert(Article(
            key=key, url=f"https://example.org/{key}", title=f"Article {n}", source="Wire",
            published=t0 + timedelta(minutes=n), kind=ArticleKind.NEWS, sentences=sentences,
            key_points=sentences[:3], content_hash=f"{key}-{n}",
        ))
        print(key, flush=True)  # acknowledged: committed before this line is written
        n += 1
""")


def test_kill_9_while_writing_leaves_an_intact_database(tmp_path):
    db = tmp_path / "durable.db"
    url = f"sqlite:///{db}"
    acknowledged: set[str] = set()
    started = time.monotonic()
    for round_no in range(ROUNDS):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(round_no)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = writer.stdout.readline()  # the writer is running and has committed once
            assert first, writer.stderr.read()
            time.sleep(WRITE_FOR)
            writer.send_signal(signal.SIGKILL)
            out, _err = writer.communicate(timeout=10)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        assert writer.returncode == -signal.SIGKILL
        keys = [first.strip(), *out.split()]
        assert len(keys) > 3, "the writer should have been killed mid-stream, not at the start"
        acknowledged.update(keys)

        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        conn.close()

        store = SqlStore.from_url(url)
        try:
            articles = store.all_articles()
            stored = {a.key for a in articles}
            assert acknowledged <= stored, f"lost commits: {sorted(acknowledged - stored)[:5]}"
            assert all(len(a.sentences) == 30 and len(a.key_points) == 3 for a in articles)
            assert store.count() == len(stored)
        finally:
            store.close()
    assert time.monotonic() - started < 30
