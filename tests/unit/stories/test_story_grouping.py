"""Story grouping on news shaped like real streams: events over days, wire copies, untitled
articles, stray old articles, and stories that belong to several topics."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from builders import an_article
from digestbot.config import load_config
from digestbot.ingest import load_sources
from digestbot.domain.models import RawArticle, Topic
from digestbot.pipeline import process_article
from digestbot.service.digests import LiveStories
from digestbot.stories.clustering import StoryClusterer, assign_topics, cluster_articles, lead_clause
from digestbot.stories.delivery import in_topics

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
KOREA = Topic("korea", "South Korea", ("South Korea", "Seoul"))


def _groups(stories) -> set[frozenset[str]]:
    return {frozenset(a.key for a in s.articles) for s in stories}


def _ferry(day: float, key: str, lead: str) -> object:
    return an_article(lead, "The ferry Nordstjerna sank in the Skarn strait with 140 passengers on board.",
                      "Coast guard boats and fishing crews searched the cold water near Skarn harbour.",
                      title=None, days=day, key=key)


def _strike(day: float, key: str, lead: str) -> object:
    return an_article(lead, "Dock workers at the port of Velm stopped loading ships over pay and pensions.",
                      "The Velm port authority said container traffic had fallen by half.",
                      days=day, key=key)


def _election(day: float, key: str, lead: str) -> object:
    return an_article(lead, "Voters in Kestria chose a new parliament after a campaign dominated by housing.",
                      "Turnout in the Kestrian election reached 71 percent, the electoral board said.",
                      days=day, key=key)


def _three_events():
    return [
        _ferry(0, "f1", "A passenger ferry sank off Skarn on Monday night."),
        _strike(0.5, "s1", "Dock workers in Velm walked out on Tuesday."),
        _ferry(1, "f2", "Divers found the wreck of the Nordstjerna on Tuesday, officials in Skarn said."),
        _election(1.5, "e1", "Kestria held its parliamentary election on Wednesday."),
        _strike(2, "s2", "The Velm dock strike entered its third day as talks failed."),
        _ferry(3, "f3", "Survivors of the Skarn ferry sinking described a sudden list to port."),
        _election(3, "e2", "Kestria's opposition won the most seats, the electoral board said."),
        _strike(4, "s3", "Velm dock workers accepted a pay offer and ended their strike."),
    ]


def test_a_few_events_over_days_give_one_story_each():
    stories = cluster_articles(_three_events())
    assert _groups(stories) == {frozenset({"f1", "f2", "f3"}), frozenset({"s1", "s2", "s3"}),
                                frozenset({"e1", "e2"})}


def test_a_story_of_one_article():
    [story] = cluster_articles([_strike(0, "only", "Dock workers in Velm walked out on Tuesday.")])
    assert [a.key for a in story.articles] == ["only"] and story.title


TOWNS = ("Arlo", "Bexby", "Corran", "Dunmere", "Elst", "Fenwick", "Garth", "Holm", "Ivel", "Jorvik",
         "Kelso", "Lerwick", "Moray", "Nairn", "Oban", "Perth", "Quarry", "Rhyl", "Selby", "Troon")
TOPICS = ("library", "bridge", "school", "museum", "hospital", "stadium", "market", "tram line",
          "water works", "bus depot")


def _background(days: float) -> list:
    """Unrelated local news, so that document frequencies mean something."""
    return [an_article(f"The council of {town} approved money for a new {TOPICS[i % len(TOPICS)]} on Monday.",
                       f"Residents of {town} had waited years for the {TOPICS[i % len(TOPICS)]}.",
                       days=days - 10 + i * 0.1, key=f"bg{i}") for i, town in enumerate(TOWNS)]


def test_an_article_dated_years_before_starts_its_own_story_unless_strongly_similar():
    years_ago = -3 * 365
    recent = _background(years_ago) + _three_events()
    related = an_article("A winter storm damaged the pier at Skarn, the port office said.",
                         "Repairs to the pier will take until spring.", days=years_ago, key="old")
    copy = _ferry(years_ago, "old-copy", "A passenger ferry sank off Skarn on Monday night.")
    assert frozenset({"old"}) in _groups(cluster_articles([*recent, related]))
    assert any({"old-copy", "f1"} <= group for group in _groups(cluster_articles([*recent, copy])))
    related = replace(related, published=recent[-1].published)  # the same weak link within days is enough
    assert any({"old", "f1"} <= group for group in _groups(cluster_articles([*recent, related])))


def test_identical_and_near_identical_wire_copies_are_one_story():
    original = _strike(0, "wire-1", "Dock workers in Velm walked out on Tuesday.")
    copy = _strike(0, "wire-2", "Dock workers in Velm walked out on Tuesday.")
    near = _strike(0.1, "wire-3", "Dock workers in Velm walked out on Tuesday, the union said.")
    other = _election(0, "e1", "Kestria held its parliamentary election on Wednesday.")
    assert _groups(cluster_articles([original, copy, near, other])) == {
        frozenset({"wire-1", "wire-2", "wire-3"}), frozenset({"e1"})}


def test_articles_with_no_title_still_get_a_headline_from_their_lead():
    article = _ferry(0, "untitled", "SKARN, Norland (Wire) - A passenger ferry sank off Skarn on Monday night, "
                     "coast guard officials said.")
    article = replace(article, title="")
    [story] = cluster_articles([article])
    assert story.title == "A passenger ferry sank off Skarn on Monday night"


def test_a_normally_cased_central_headline_is_preferred_to_capitals():
    shouting = replace(_strike(0, "nyt", "Dock workers in Velm walked out on Tuesday."),
                       title="DOCK WORKERS WALK OUT IN VELM")
    calm = replace(_strike(0.2, "ap", "Dock workers in Velm walked out on Tuesday."),
                   title="Dock workers walk out in Velm")
    [story] = cluster_articles([shouting, calm])
    assert story.title == "Dock workers walk out in Velm"


def test_lead_clause_keeps_a_short_lead_whole():
    assert lead_clause("Kestria held its election on Wednesday.") == "Kestria held its election on Wednesday"


def test_incremental_add_matches_batch_clustering():
    articles = sorted(_three_events(), key=lambda a: (a.published, a.key))
    clusterer = StoryClusterer()
    keys = [clusterer.add(a) for a in articles]
    assert keys[0] == clusterer.story_key_of(articles[0].key)
    batch = cluster_articles(articles)
    assert _groups(clusterer.stories()) == _groups(batch)
    assert {s.key for s in clusterer.stories()} == {s.key for s in batch}


def test_live_stories_drop_a_story_merged_into_another():
    live = LiveStories([], _three_events())
    keys = {s.key for s in live.digest().stories}
    assert keys == {s.key for s in live.clusterer.stories()}


# --- topics ------------------------------------------------------------------------------------


def _seed_articles():
    raws = [r for r in load_sources([str(SEEDS)]) if isinstance(r, RawArticle)]
    return [process_article(r).article for r in raws]


def _default_topics() -> list[Topic]:
    return [t.to_topic() for t in load_config(None).topics]


def test_the_seed_story_stays_in_visit_and_is_also_in_korea():
    visit = _default_topics()
    live = LiveStories([*visit, KOREA], _seed_articles())
    [story] = live.topic_view("visit").stories
    assert live.topic_view("korea").stories == [story]
    assert set(story.topics) == {"visit", "korea"}
    assert story.topic in {"visit", "korea"}
    assert story.title not in {t.title for t in visit}  # its own headline, not a topic's title
    assert in_topics(story, ["korea"]) and in_topics(story, ["*"]) and not in_topics(story, ["sport"])


def test_a_hong_kong_story_is_not_claimed_by_the_default_topic():
    hong_kong = [
        an_article("Hong Kong's legislature passed a new housing bill on Thursday after a long debate.",
                   "The bill sets aside land in the New Territories for 30,000 public flats.",
                   "Lawmakers said waiting times for public housing had reached six years.",
                   "A government spokesman noted that Xi Jinping had called for better housing in a speech last year.",
                   title="Hong Kong lawmakers pass housing bill", days=0, key="hk1"),
        an_article("Hong Kong property developers welcomed the housing bill passed by lawmakers.",
                   "Shares in two developers rose after the vote in the legislature.",
                   title="Developers welcome Hong Kong housing bill", days=1, key="hk2"),
    ]
    [story] = cluster_articles(hong_kong, _default_topics())
    assert story.topics == () and story.topic is None
    assert "Hong Kong" in story.title


def test_a_story_mentioning_a_keyword_in_a_clear_share_of_articles_is_about_the_topic():
    port = Topic("ports", "Ports", ("Velm",))
    elsewhere = Topic("weather", "Weather", ("storm",))
    articles = [_strike(d, f"s{d}", "Dock workers walked out on Tuesday.") for d in range(3)]
    assert assign_topics(articles, [elsewhere, port]) == ("ports",)
