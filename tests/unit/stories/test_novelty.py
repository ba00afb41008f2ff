from datetime import datetime, timezone


from builders import an_article, corpus_articles  # noqa: E402
from digestbot.stories.novelty import (  # noqa: E402
    filter_unseen,
    item_fingerprint,
    split_coverage,
    whats_new,
)
from digestbot.domain.models import NewItem  # noqa: E402
import pytest  # noqa: E402


def _arnvik():
    return [a for a in corpus_articles() if a.key != "valdoria-rates"]


def _texts(items):
    return [i.text for i in items]


def test_split_without_since_takes_newest_publication_day():
    arts = _arnvik()
    prior, new = split_coverage(arts)
    assert [a.key for a in new] == ["arnvik-3"]
    assert [a.key for a in prior] == ["arnvik-1", "arnvik-op", "arnvik-2"]


def test_split_with_since():
    arts = _arnvik()
    since = datetime(2026, 3, 3, 12, tzinfo=timezone.utc)
    prior, new = split_coverage(arts, since)
    assert [a.key for a in prior] == ["arnvik-1", "arnvik-op"]
    assert [a.key for a in new] == ["arnvik-2", "arnvik-3"]


def test_changed_toll_and_new_development_are_reported():
    # The corpus's third day: the toll rose to 17 and the operator's chief resigned.
    texts = _texts(whats_new(_arnvik()))
    assert any("17" in t for t in texts)
    assert any("Lena Holm" in t for t in texts)
    assert all(r.article_key == "arnvik-3" for i in whats_new(_arnvik()) for r in i.sources)


# Sentences written for these tests: a ferry accident over two days.
_DAY1 = (
    "A passenger ferry ran aground off the island of Skarholm on Friday night with 240 people aboard.",
    "The coast guard sent three rescue boats and a helicopter to the stranded ferry near Skarholm.",
    "Officials said all passengers were taken to the harbour town of Tavik by Saturday morning.",
)
_DAY2 = (
    "TAVIK, March 7 (Nordic Wire) -- Investigators boarded the grounded Skarholm ferry on Sunday to recover its voyage data recorder.",
    "A passenger ferry ran aground off the island of Skarholm on Friday night with 240 people aboard.",
    "He said the crew had reported a steering failure minutes before the ferry struck the rocks.",
    "But the ferry company said its captain had followed every safety rule during the storm.",
    "Divers found a long gash in the hull of the ferry below the waterline on Sunday afternoon.",
)


def _ferry():
    return [an_article(*_DAY1, days=0, source="Island Post", key="ferry-1"),
            an_article(*_DAY2, days=2, source="Nordic Wire", key="ferry-2")]


def test_sentence_from_the_prior_coverage_is_not_new():
    texts = _texts(whats_new(_ferry()))
    assert texts and not any(t.startswith("A passenger ferry ran aground") for t in texts)


def test_wire_dateline_is_stripped():
    texts = _texts(whats_new(_ferry()))
    assert "Investigators boarded the grounded Skarholm ferry on Sunday to recover its voyage data recorder." in texts
    assert not any("Nordic Wire)" in t or t.startswith("TAVIK") for t in texts)


def test_leading_pronoun_sentence_is_left_out_and_connective_dropped():
    texts = _texts(whats_new(_ferry()))
    assert not any(t.startswith("He ") or "steering failure" in t for t in texts)
    assert not any(t.startswith("But ") for t in texts)
    assert "The ferry company said its captain had followed every safety rule during the storm." in texts


@pytest.mark.parametrize("raw, alone", [
    ("WASHINGTON (AP) -- The Senate passed the budget bill late on Tuesday night.",
     "The Senate passed the budget bill late on Tuesday night."),
    ("BEIJING, Jan. 5 (Xinhua) -- China opened a new rail line to the western provinces.",
     "China opened a new rail line to the western provinces."),
    ("(CNN) -- Floods closed the main road into the valley for a second day.",
     "Floods closed the main road into the valley for a second day."),
    ("However, the mayor kept the schools open all week.", "The mayor kept the schools open all week."),
    ("It was the worst storm in a decade.", None),
    ("They left before dawn.", None),
    # an opening phrase naming no one, then a pronoun subject: who it is, another sentence says
    ("If they venture out, they dart from the door to the car.", None),
    ("The pills, he says, offer little relief from the pain.", None),
    ("After Mira Holm reached the valley, she closed the dam road.", "After Mira Holm reached the valley, she closed the dam road."),
    ('"If you read the slogan literally, it would mislead buyers," said Ivo Kell of the council.',
     '"If you read the slogan literally, it would mislead buyers," said Ivo Kell of the council.'),
])
def test_standalone_form_of_a_sentence(raw, alone):
    from digestbot.text.sentences import standalone

    assert standalone(raw) == alone


def test_word_budget_is_respected():
    places = "Arden Brekka Corvo Dunmore Elsby Farlow Gisby Halden Ivra Jorvik Kelso Lund".split()
    events = ["opened a new bridge over the river", "closed its only hospital for repairs",
              "elected a young mayor after a long count", "banned cars from the old market square",
              "found ancient coins under the church floor", "hosted a national chess final"]
    sentences = [f"The town of {p} {e} on {d}." for p in places for e, d in zip(events, "Monday Tuesday Wednesday Thursday Friday Saturday".split())]
    new = an_article(*sentences, days=1, key="many")
    items = whats_new([an_article("An unrelated earlier sentence about the weather in the hills today.", key="old"), new], words=60)
    words = sum(len(i.text.split()) for i in items)
    assert 60 <= words <= 90


def test_same_statement_in_two_new_articles_cites_both():
    first = an_article(*_DAY1, days=0, key="f1")
    a = an_article("Divers found a long gash in the hull of the ferry below the waterline on Sunday.",
                   days=2, key="f2", source="Nordic Wire")
    b = an_article("Divers found a long gash in the ferry's hull below the waterline on Sunday afternoon.",
                   days=2, key="f3", source="Island Post")
    [item] = whats_new([first, a, b])
    assert {r.article_key for r in item.sources} == {"f2", "f3"}


def test_single_day_story_is_summarised():
    a = an_article("The Kessel Dam failed on Monday and flooded three villages in the valley.",
                   "Rescue teams reached the flooded villages of the valley by Monday evening.", key="one")
    assert _texts(whats_new([a]))[0].startswith("The Kessel Dam failed")
    assert whats_new([]) == []


def test_since_after_everything_means_nothing_new():
    since = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert whats_new(_arnvik(), since) == []


def test_no_near_duplicates():
    items = whats_new(_arnvik(), datetime(2026, 3, 3, 12, tzinfo=timezone.utc))
    assert items
    fps = [item_fingerprint(i) for i in items]
    assert len(set(fps)) == len(fps)


def test_fingerprint_is_normalised_and_filter_unseen():
    a = NewItem("Lena Holm resigned on Wednesday.", [])
    b = NewItem("lena holm  RESIGNED on wednesday", [])
    c = NewItem("Lena Holm resigned on Wednesday.", [], before="was CEO")
    assert item_fingerprint(a) == item_fingerprint(b) != item_fingerprint(c)
    assert filter_unseen([a, c], {item_fingerprint(b)}) == [c]


# --- robustness: arbitrary text never breaks the pipeline ---------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.clustering import cluster_articles  # noqa: E402

_WORDS = st.sampled_from(
    "the Lee Jae Myung met Xi on Sunday four-day 200 more than around executives killed 12 "
    "people will arrive in Beijing then travel to Shanghai , . ; ( ) 150th anniversary of "
    "first since 2019 mid-January $5 million 3.5 percent U.S. ROK's — ' \" arrived concluded "
    "signed set to , including which".split()
)
_SENTENCE = st.lists(_WORDS, min_size=0, max_size=25).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_SENTENCE, min_size=0, max_size=5), min_size=1, max_size=4))
def test_arbitrary_articles_do_not_break_novelty_facts_or_clustering(bodies):
    arts = [an_article(*body, days=i, title=(body[0] if body and body[0].strip() else "Untitled"))
            for i, body in enumerate(bodies)]
    for item in whats_new(arts):
        assert item.text and item.sources
    for story in cluster_articles(arts):
        extract_facts(story)
    extract_facts(Story("k", "t", arts))


# --- the normalised facts novelty compares -------------------------------------------------

import pytest  # noqa: E402

from digestbot.text.quantities import quantities  # noqa: E402


@pytest.mark.parametrize("a, b", [
    ("around 200 executives", "more than 200 business leaders"),
    ("some 1,200 residents", "about 1,200 people"),
    ("killed 12 people", "12 dead"),
    ("a four-day state visit", "the four-day state visit"),
])
def test_same_number_and_same_kind_of_noun_is_the_same_fact(a, b):
    [qa], [qb] = quantities(a), quantities(b)
    assert qa.same_fact(qb)


@pytest.mark.parametrize("a, b", [
    ("200 executives", "200 soldiers"),
    ("a four-day visit", "a three-day visit"),
])
def test_different_number_or_noun_is_not_the_same_fact(a, b):
    [qa], [qb] = quantities(a), quantities(b)
    assert not qa.same_fact(qb)


@pytest.mark.parametrize("text", ["on 16 February", "Chapter 11 bankruptcy", "in 2019", "one of them"])
def test_dates_identifiers_and_years_are_not_counts(text):
    assert not [q for q in quantities(text) if q.kind == "count"]


def test_naive_since_is_read_as_utc():
    assert split_coverage(_arnvik(), datetime(2026, 3, 3, 12)) == split_coverage(
        _arnvik(), datetime(2026, 3, 3, 12, tzinfo=timezone.utc))


def test_whats_new_to_a_reader_is_measured_against_what_they_read():
    from digestbot.stories.novelty import whats_new_to_reader

    articles = corpus_articles()
    dam = [a for a in articles if a.key in {"arnvik-1", "arnvik-2", "arnvik-3"}]
    assert whats_new_to_reader(dam, {"arnvik-1", "arnvik-2", "arnvik-3"}) == []
    first_only = whats_new_to_reader(dam, {"arnvik-1"})
    assert first_only and all(r.article_key != "arnvik-1" for i in first_only for r in i.sources)


def test_an_item_keeps_its_reports_dateline_beside_its_text():
    first = an_article(*_DAY1, days=0, key="f1")
    later = an_article("The harbour master here today closed the ferry route to all traffic.",
                       days=2, key="f2", dateline="TROMSO, March 4 (Nordic Wire)")
    [item] = whats_new([first, later])
    assert (item.text, item.dateline) == ("The harbour master here today closed the ferry route to all traffic.",
                                          "TROMSO, March 4")
    # shown with the item, not part of it: a channel shown the item before is not shown it again
    assert item_fingerprint(item) == item_fingerprint(NewItem(item.text, item.sources))
