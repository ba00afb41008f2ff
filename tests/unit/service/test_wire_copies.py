"""Wire copies: the same text under another id or outlet is one article that lists every
input that carried it; it survives a restart and counts its outlets, not its copies."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone

import pytest

from digestbot.domain.models import Fact, RawArticle, SourceRef, Story, WireCopy
from digestbot.present.render import render_json
from digestbot.service.digests import DigestService
from digestbot.storage.articles import SqlStore
from digestbot.domain.records import UpsertOutcome
from digestbot.stories.digest import score_parts

WHEN = datetime(2026, 2, 3, 8, tzinfo=timezone.utc)
FLOOD = ("Heavy rain flooded the lower town of Brenna on Monday night, forcing about two hundred "
         "people from their homes, the regional fire service said.\n"
         "Rescue crews used boats to reach families in the streets nearest the river, and the "
         "town hall opened its sports hall as a shelter.\n"
         "Forecasters expect the river to fall slowly over the next two days.")


def a_line(input_id: str, source: str, text: str = FLOOD, **fields) -> RawArticle:
    return RawArticle(text=text, origin=f"in:{input_id}", input_id=input_id, source=source,
                      title="Floods force two hundred from homes in Brenna", published=WHEN, **fields)


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'copies.db'}"


@pytest.fixture
def service(db):
    store = SqlStore.from_url(db)
    yield DigestService(store, [])
    store.close()


def test_an_identical_copy_is_one_article_listing_every_input(service):
    report = service.ingest([a_line("w-1", "North Wire"), a_line("w-2", "Coast Daily"),
                             a_line("w-3", "North Wire")])
    assert report.outcomes == {UpsertOutcome.CREATED: 1, UpsertOutcome.COPIED: 2}
    [article] = report.articles
    assert article.input_id == "w-1"
    assert [c.input_id for c in article.copies] == ["w-2", "w-3"]
    assert article.outlets == ("North Wire", "Coast Daily")


def test_copies_survive_a_restart(service, db):
    service.ingest([a_line("w-1", "North Wire"), a_line("w-2", "Coast Daily")])
    service.store.close()
    reopened = SqlStore.from_url(db)
    [article] = reopened.all_articles()
    assert article.copies == [WireCopy("w-2", "Coast Daily", None)]
    # the same copy again changes nothing
    again = DigestService(reopened, []).ingest([a_line("w-2", "Coast Daily")])
    assert again.outcomes == {UpsertOutcome.UNCHANGED: 1}
    assert again.articles[0].copies == [WireCopy("w-2", "Coast Daily", None)]
    reopened.close()


def test_a_copy_from_another_url_is_recorded_with_its_link(service):
    first = a_line("u-1", "North Wire", url="https://north.example/flood")
    second = a_line("u-2", "Coast Daily", url="https://coast.example/brenna")
    service.ingest([first])
    report = service.ingest([second])  # a later batch: found in the store, not in the batch
    assert report.outcomes == {UpsertOutcome.COPIED: 1}
    assert report.articles[0].copies == [WireCopy("u-2", "Coast Daily", "https://coast.example/brenna")]


def test_json_lists_every_input_id_once(service):
    report = service.ingest([a_line("w-1", "North Wire"), a_line("w-2", "Coast Daily")])
    data = json.loads(render_json(service.build_digest(report.articles)))
    [story] = data["stories"]
    assert story["article_count"] == 1
    assert [a["id"] for a in story["articles"]] == ["w-1", "w-2"]
    first, copy = story["articles"]
    assert first["also"] == [{"id": "w-2", "source": "Coast Daily"}]
    assert copy["copy_of"] == "w-1" and copy["source"] == "Coast Daily" and "also" not in copy


def test_a_near_identical_copy_is_its_own_article_in_the_same_story(service):
    edited = FLOOD.replace("about two hundred", "more than two hundred")
    report = service.ingest([a_line("n-1", "North Wire"), a_line("n-2", "Coast Daily", text=edited)])
    assert report.outcomes == {UpsertOutcome.CREATED: 2}
    [story] = service.build_digest(report.articles).stories
    assert sorted(a.input_id for a in story.articles) == ["n-1", "n-2"]


def test_sources_are_counted_by_outlet_not_by_copy(service):
    report = service.ingest([a_line("w-1", "North Wire"), a_line("w-2", "North Wire"),
                             a_line("w-3", "Coast Daily")])
    [article] = report.articles
    ref = SourceRef(article.key, article.source, article.kind, article.published, article.title,
                    outlets=article.outlets)
    assert Fact("what", "flooding", [ref]).agreeing == 2
    same_outlet_twice = [ref, SourceRef("other", "North Wire", article.kind, WHEN, "t")]
    assert Fact("what", "flooding", same_outlet_twice).agreeing == 2
    with_copies = Story("s", "t", [article])
    without = Story("s", "t", [dataclasses.replace(article, copies=[])])
    assert score_parts(with_copies, set())[0] > score_parts(without, set())[0]


def test_live_stories_learn_of_a_copy(service):
    service.ingest([a_line("w-1", "North Wire")])
    assert service.current_digest().stories[0].articles[0].copies == []
    service.ingest([a_line("w-2", "Coast Daily")])
    [article] = service.current_digest().stories[0].articles
    assert [c.input_id for c in article.copies] == ["w-2"]
