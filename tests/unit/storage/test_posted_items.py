"""SqlPostedItems: what each destination was already shown, by item fingerprint."""

from datetime import datetime, timezone

import pytest

from concurrency import run_together
from digestbot.storage.channel_memory import SqlPostedItems
from digestbot.storage.migrate import open_database

T0 = datetime(2026, 3, 4, 8, tzinfo=timezone.utc)


@pytest.fixture
def engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'posted.db'}")
    yield engine
    engine.dispose()


def test_a_new_destination_has_seen_nothing(engine):
    assert SqlPostedItems(engine).seen("slack:C1") == set()


def test_remembered_items_are_seen_by_that_destination_only(engine):
    posted = SqlPostedItems(engine)
    posted.remember("slack:C1", ["n:aaa", "u:bbb"], T0)
    assert posted.seen("slack:C1") == {"n:aaa", "u:bbb"}
    assert posted.seen("slack:C2") == set()
    assert SqlPostedItems(engine).seen("slack:C1") == {"n:aaa", "u:bbb"}  # kept in the database


def test_remembering_again_is_harmless_and_adds_only_new_ones(engine):
    posted = SqlPostedItems(engine)
    posted.remember("d", ["n:1", "n:2"], T0)
    posted.remember("d", ["n:2", "n:3", "n:3"], T0)
    posted.remember("d", [], T0)
    assert posted.seen("d") == {"n:1", "n:2", "n:3"}


def test_naive_times_are_utc_and_first_time_is_kept(engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from digestbot.storage.tables import PostedItemRow

    posted = SqlPostedItems(engine)
    posted.remember("d", ["n:1"], datetime(2026, 3, 4, 8))
    posted.remember("d", ["n:1"], datetime(2026, 3, 9, 8, tzinfo=timezone.utc))
    with Session(engine) as session:
        row = session.scalars(select(PostedItemRow)).one()
    assert row.posted_at.replace(tzinfo=timezone.utc) == T0


def test_threads_remembering_the_same_items_at_once(engine):
    posted = SqlPostedItems(engine)
    errors = run_together(4, lambda: posted.remember("d", [f"n:{i}" for i in range(20)], T0))
    assert errors == []
    assert len(posted.seen("d")) == 20
