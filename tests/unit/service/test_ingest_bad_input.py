"""Bad input at ingestion, each with a sensible result: no title, markup in titles, one
article dated years before the rest, an article the database refuses, many articles."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from builders import an_article
from digestbot.ingest import read_jsonl
from digestbot.domain.models import RawArticle
from digestbot.pipeline import HEADLINE_CHARS, headline_from, plain_title, process_article
from digestbot.service.digests import DigestService
from digestbot.storage.articles import SqlStore
from digestbot.domain.records import UpsertOutcome

LONG_LEAD = ("The council of the coastal town of Brenna voted on Tuesday evening to close the old "
             "harbour bridge to all traffic, citing deep cracks that inspectors found in two of its "
             "steel supports during a routine check last month.")
TOWNS = ["Brenna", "Ostvik", "Malden", "Torsby", "Kellan", "Rosvik", "Alby", "Fenning", "Harlow"]


@pytest.fixture
def service(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'ingest.db'}")
    yield DigestService(store, [])
    store.close()


def a_report(n: int, when: str = "2026-02-03T08:00:00+00:00") -> str:
    town, other = TOWNS[n % len(TOWNS)], TOWNS[(n // len(TOWNS)) % len(TOWNS)]
    return json.dumps({
        "id": f"r-{n}", "published": when, "source": f"Outlet {n % 7}",
        "text": f"Report {n}: the {town} ferry service was suspended for {n + 2} hours on Monday "
                f"after a storm damaged the pier at {other}, the operator said.\n"
                f"Passengers number {n} and {n + 1} were taken to the mainland by bus instead.",
    })


# --- no title ---------------------------------------------------------------------------------


def test_an_article_without_a_title_gets_its_lead_clause_as_headline():
    raw = RawArticle(text=LONG_LEAD + "\nBuses will use the coast road for six weeks.", origin="x")
    title = process_article(raw).article.title
    assert title == ("The council of the coastal town of Brenna voted on Tuesday evening to close "
                     "the old harbour bridge to all traffic")
    assert len(title) <= HEADLINE_CHARS


def test_a_long_lead_without_a_clause_is_cut_at_a_word_with_an_ellipsis():
    lead = " ".join(["The"] + ["very"] * 40 + ["long", "sentence", "ends", "here."])
    headline = headline_from(lead)
    assert headline.endswith("\u2026") and len(headline) <= HEADLINE_CHARS + 1
    assert all(word in ("The", "very") for word in headline.rstrip("\u2026").split())


def test_a_wire_dateline_is_not_part_of_a_headline():
    assert headline_from("OSTVIK, Norland _ The ferry pier reopened on Friday.") == \
        "The ferry pier reopened on Friday"
    assert headline_from("OSTVIK (Wire) -- The ferry pier reopened on Friday.") == \
        "The ferry pier reopened on Friday"


# --- markup in titles -------------------------------------------------------------------------


def test_markup_in_a_title_is_stripped_wherever_it_enters():
    assert plain_title("<b>Slack</b> restored &amp; back") == "Slack restored & back"
    assert plain_title("&lt;b&gt;Slack&lt;/b&gt; restored") == "Slack restored"
    assert plain_title("Rates: 3 < 4 > 2") == "Rates: 3 < 4 > 2"
    line = json.dumps({"id": "t1", "title": "<em>Ferry</em> suspended", "text": LONG_LEAD})
    [raw] = read_jsonl(io.StringIO(line), "in")
    assert process_article(raw).article.title == "Ferry suspended"


# --- an article dated years before the rest ---------------------------------------------------


def test_an_article_dated_years_before_the_rest_is_kept_and_does_not_lead(service):
    lines = [a_report(n) for n in range(6)] + [a_report(99, when="2019-05-01T08:00:00+00:00")]
    report = service.ingest(read_jsonl(io.StringIO("\n".join(lines)), "in"))
    assert not report.errors
    old = next(a for a in report.articles if a.input_id == "r-99")
    assert old.published == datetime(2019, 5, 1, 8, tzinfo=timezone.utc)
    digest = service.build_digest(report.articles)
    listed = [a.input_id for s in digest.stories for a in s.articles]
    assert sorted(listed) == sorted(a.input_id for a in report.articles)
    # It may join the ferry story as its oldest report (the same templated text), never lead it.
    assert all(max(s.articles, key=lambda a: a.published).input_id != "r-99" or len(s.articles) == 1
               for s in digest.stories)
    assert max(a.published for a in digest.stories[0].articles).year == 2026


# --- the database refuses one article --------------------------------------------------------


def test_an_article_the_database_refuses_costs_only_itself(service):
    good = an_article("A first good report.")
    bad = replace(an_article("A bad one."), title=None)  # the store requires a title: the insert fails
    other = an_article("Another.")
    results = service.store.upsert_many([good, bad, other])
    assert [type(r).__name__ for r in results] == ["Upserted", "InputError", "Upserted"]
    assert "could not be stored" in str(results[1])
    assert {a.key for a in service.store.all_articles()} == {good.key, other.key}


# --- many articles in one file ----------------------------------------------------------------


def test_many_articles_are_streamed_and_stored_a_batch_at_a_time(service):
    count = 2 * service.INGEST_BATCH + 50
    stored_while_reading = []

    def lines():
        for n in range(count):
            if n == service.INGEST_BATCH + 10:
                stored_while_reading.append(service.store.count())
            yield RawArticle(text=json.loads(a_report(n))["text"], origin=f"in:{n}", input_id=f"r-{n}",
                             source="Outlet", published=datetime(2026, 2, 3, tzinfo=timezone.utc))

    report = service.ingest(lines())
    assert stored_while_reading == [service.INGEST_BATCH]  # stored before the file was read
    assert report.outcomes == {UpsertOutcome.CREATED: count}
    assert service.store.count() == count
    digest = service.build_digest(report.articles)
    assert sum(len(s.articles) for s in digest.stories) == count


def test_sumy_is_named_without_being_imported_at_start():
    from digestbot.keypoints import METHODS, SUMY_NAMES
    from digestbot.keypoints.sumy_methods import SUMY_METHODS

    assert SUMY_NAMES == SUMY_METHODS and set(SUMY_NAMES) <= set(METHODS)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_big_file_shows_a_progress_bar_with_its_size_on_a_terminal(tmp_path, monkeypatch, capsys):
    from digestbot import cli

    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(a_report(n) for n in range(30)) + "\n", encoding="utf-8")
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("DIGESTBOT_CONFIG", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert cli.main(["digest", "--jsonl", str(path), "--format", "json"]) == 0
    assert "ingesting" in terminal.getvalue() and "30/30" in terminal.getvalue()
    listed = [a["id"] for s in json.loads(capsys.readouterr().out)["stories"] for a in s["articles"]]
    assert sorted(listed) == sorted(f"r-{n}" for n in range(30))


def test_an_unexpected_error_in_one_article_costs_only_that_article(service, monkeypatch):
    """An error nobody foresaw (a bug one input triggers) is that input's one-line problem; the
    articles before and after it in the batch are stored (a feed entry is one unit of failure)."""
    import digestbot.service.digests as service_module

    real = service_module.process_article

    def breaks_on_the_second(raw, **options):
        if raw.origin == "feed:2":
            raise RuntimeError("list index out of range\nand a second line")
        return real(raw, **options)

    monkeypatch.setattr(service_module, "process_article", breaks_on_the_second)
    items = [RawArticle(text=json.loads(a_report(n))["text"], origin=f"feed:{n}", title=f"Report {n}",
                        published=datetime(2026, 2, 3, 8, tzinfo=timezone.utc)) for n in (1, 2, 3)]
    problems = []
    report = service.ingest(items, on_problem=problems.append)
    assert [a.title for a in report.articles] == ["Report 1", "Report 3"]
    assert problems == ["feed:2: could not be processed (RuntimeError: list index out of range)"]
    assert report.errors == problems


def test_an_article_of_thousands_of_sentences_keeps_the_first_thousand_and_says_so():
    from digestbot.analysis import MAX_SENTENCES

    text = " ".join(f"The crew of Vessel{n} said that Island{n} and Harbour{n} had Cargo{n} for Bay{n}."
                    for n in range(2000))  # 150,000 characters: under the length cap
    processed = process_article(RawArticle(text=text, origin="long.txt", title="Ferries"))
    assert len(processed.article.sentences) == MAX_SENTENCES
    assert processed.warnings == [f"long.txt: more than {MAX_SENTENCES} sentences; the rest was ignored"]
