"""What one subscription gets of a story: filters and the catch-up window (pure)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import BASE_TIME, an_article
from digestbot.domain.records import SubscriptionOptions
from digestbot.stories.delivery import story_for_subscription, window_start
from digestbot.domain.models import NewItem, Story
from digestbot.stories.clustering import source_ref


def a_story(*articles, items=None) -> Story:
    articles = list(articles)
    if items is None:
        items = [NewItem(a.sentences[0], [source_ref(a)]) for a in articles]
    return Story("s-1", articles[0].title, articles, whats_new=items)


HERALD = an_article("The Kessel Dam failed on Monday, flooding three villages.", source="Valley Herald",
                    url="https://www.herald.example/dam", key="herald")
WIRE = an_article("The toll rose to 15 as emergency talks began.", "Football was cancelled in Arnvik.",
                  source="Northern Wire", url="https://news.wire.example/toll", days=1, key="wire",
                  key_points=["The toll rose to 15 as emergency talks began."])


def test_no_options_and_no_window_give_the_story_unchanged():
    story = a_story(HERALD, WIRE)
    assert story_for_subscription(story, SubscriptionOptions()) is story


@pytest.mark.parametrize("include, kept", [
    (("kessel dam",), True),  # case-insensitive, in the text
    (("football",), True),  # anywhere in an article's text
    (("Kessel",), True),
    (("Kess",), False),  # whole words only
    (("interest rate", "Valdoria"), False),
])
def test_include_keeps_stories_that_mention_a_word(include, kept):
    result = story_for_subscription(a_story(HERALD, WIRE), SubscriptionOptions(include=include))
    assert (result is not None) == kept


def test_exclude_drops_on_headlines_and_key_points_not_on_a_passing_mention():
    story = a_story(HERALD, WIRE)
    assert story_for_subscription(story, SubscriptionOptions(exclude=("football",))) is not None
    assert story_for_subscription(story, SubscriptionOptions(exclude=("toll",))) is None


@pytest.mark.parametrize("option, expected", [
    ({"sources": ("Northern Wire",)}, ["wire"]),
    ({"sources": ("herald.example",)}, ["herald"]),  # the URL's host (www. ignored)
    ({"sources": ("wire.example",)}, ["wire"]),  # a subdomain belongs to its outlet
    ({"skip_sources": ("valley herald",)}, ["wire"]),
    ({"sources": ("Coastal Times",)}, None),
])
def test_sources_narrow_articles_and_items_to_the_outlets_asked_for(option, expected):
    result = story_for_subscription(a_story(HERALD, WIRE), SubscriptionOptions(**option))
    if expected is None:
        assert result is None
    else:
        assert [a.key for a in result.articles] == expected
        assert [r.article_key for i in result.whats_new for r in i.sources] == expected


def test_the_window_leaves_out_what_was_published_before_it():
    story = a_story(HERALD, WIRE)
    since = window_start(BASE_TIME + timedelta(days=1, hours=12), 24)
    result = story_for_subscription(story, SubscriptionOptions(), since)
    assert [a.key for a in result.articles] == ["wire"]
    assert story_for_subscription(story, SubscriptionOptions(), BASE_TIME + timedelta(days=2)) is None
    assert window_start(None, 24) is None


def test_a_story_whose_new_items_are_all_filtered_out_is_dropped():
    items = [NewItem("Only the herald says this.", [source_ref(HERALD)])]
    story = a_story(HERALD, WIRE, items=items)
    assert story_for_subscription(story, SubscriptionOptions(skip_sources=("Valley Herald",))) is None


def test_options_round_trip_and_describe_themselves():
    options = SubscriptionOptions(include=("dam",), skip_sources=("x.example",), threads=True, breaking_minutes=90)
    assert SubscriptionOptions.from_dict(options.as_dict()) == options
    assert SubscriptionOptions.from_dict(None) == SubscriptionOptions()
    assert SubscriptionOptions.from_dict({"include": ["a"], "unknown": 1}).include == ("a",)
    assert options.describe() == ["only with dam", "not from x.example", "updates in the story's thread",
                                  "breaking news at most every 90 min per story"]
