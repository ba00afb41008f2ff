from datetime import datetime, timezone


from builders import an_article, an_opinion, corpus_articles  # noqa: E402
from digestbot.stories.novelty import (  # noqa: E402
    filter_unseen,
    item_fingerprint,
    split_coverage,
    whats_new,
)
from digestbot.models import NewItem  # noqa: E402


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


def test_paraphrased_count_is_not_new():
    items = whats_new(_arnvik())
    # "More than 300 rescue workers remain" restates "around 300 rescue workers" / "300 emergency staff"
    assert not any("300" in t for t in _texts(items))


def test_changed_figure_is_an_update_with_before_and_sources():
    items = whats_new(_arnvik())
    toll = next(i for i in items if "17" in i.text)
    assert toll.is_update
    assert "15" in toll.before
    assert [r.source for r in toll.before_sources] == ["Northern Wire"]
    assert [r.source for r in toll.sources] == ["Coastal Times"]
    money = next(i for i in items if "8 million" in i.text)
    assert money.before == "5 million euros"


def test_status_change_is_an_update():
    items = whats_new(_arnvik())
    talks = next(i for i in items if "concluded" in i.text)
    assert talks.is_update and "began" in talks.before
    day2 = whats_new(_arnvik()[:3])
    began = next(i for i in day2 if "began" in i.text)
    assert began.is_update and "will meet" in began.before
    assert [r.source for r in began.before_sources] == ["Valley Herald"]


def test_new_development_without_prior_value_is_plain_item():
    items = whats_new(_arnvik())
    holm = next(i for i in items if "Lena Holm" in i.text)
    assert not holm.is_update and holm.sources[0].article_key == "arnvik-3"


def test_restated_prior_sentence_in_other_words_is_not_new():
    prior = an_opinion(
        "Chancellor Anna Berg is set to pay a state visit to Norland.",
        "A business delegation of around 200 executives is expected to accompany Berg.",
        "Berg and President Karl Holt last met at the Northern Forum in Vesta.",
        days=0,
    )
    new = an_article(
        "Chancellor Anna Berg arrived in Norland on Sunday for a four-day state visit.",
        "Berg is accompanied by more than 200 business leaders.",
        "Berg and President Karl Holt last met at the Northern Forum in the city of Vesta.",
        "Protesters gathered outside the parliament in Oslund on Monday.",
        days=2, key_points=[],
    )
    items = whats_new([prior, new])
    texts = _texts(items)
    assert not any("200" in t for t in texts)
    assert not any("Northern Forum" in t for t in texts)
    assert any("Protesters" in t for t in texts)
    arrival = next(i for i in items if "arrived" in i.text)
    assert arrival.is_update and "set to pay" in arrival.before


def test_known_figure_is_trimmed_from_a_new_sentence():
    prior = an_article("A delegation of around 200 executives will travel with Berg to Norland.", days=0)
    new = an_article(
        "Berg is accompanied by senior officials and more than 200 business leaders, "
        "including executives from shipbuilding and steel firms in Norland.",
        days=2, key_points=[],
    )
    [item] = whats_new([prior, new])
    assert "200" not in item.text and "shipbuilding" in item.text


def test_single_day_story_reports_key_points():
    a = an_article("One.", "Kessel Dam failed on Monday in the valley.", key_points=["Kessel Dam failed."])
    items = whats_new([a])
    assert _texts(items) == ["Kessel Dam failed."]
    assert whats_new([]) == []


def test_since_after_everything_means_nothing_new():
    since = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert whats_new(_arnvik(), since) == []


def test_at_most_limit_items_and_no_near_duplicates():
    items = whats_new(_arnvik(), datetime(2026, 3, 3, 12, tzinfo=timezone.utc))
    assert 0 < len(items) <= 8
    fps = [item_fingerprint(i) for i in items]
    assert len(set(fps)) == len(fps)


def test_figure_revised_twice_in_new_coverage_is_one_update_from_the_prior_value():
    items = whats_new(_arnvik(), datetime(2026, 3, 3, 12, tzinfo=timezone.utc))
    assert not any("rose to 15" in i.text for i in items)
    toll = next(i for i in items if "17" in i.text)
    assert "12" in toll.before and {r.source for r in toll.before_sources} == {"Valley Herald", "Arnvik Review"}
    money = next(i for i in items if "8 million" in i.text)
    assert money.before == "5 million euros"  # first stated in the new coverage itself
    assert not any(i.text.startswith("The regional government promised") for i in items)
    talks = next(i for i in items if "concluded" in i.text)
    assert "will meet" in talks.before and not any("began" in i.text for i in items)


def test_fingerprint_is_normalised_and_filter_unseen():
    a = NewItem("Lena Holm resigned on Wednesday.", [])
    b = NewItem("lena holm  RESIGNED on wednesday", [])
    c = NewItem("Lena Holm resigned on Wednesday.", [], before="was CEO")
    assert item_fingerprint(a) == item_fingerprint(b) != item_fingerprint(c)
    assert filter_unseen([a, c], {item_fingerprint(b)}) == [c]


# --- robustness: arbitrary text never breaks the pipeline ---------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.models import Story  # noqa: E402
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

from digestbot.text.features import quantities  # noqa: E402


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
    assert any(i.is_update and "17" in i.text and "12" in i.before for i in first_only)
    assert all(r.article_key != "arnvik-1" for i in first_only for r in i.sources)
