from builders import a_topic, an_article, an_opinion, corpus_articles
from digestbot.domain.models import Topic
from digestbot.stories.clustering import StoryClusterer, assign_topic, cluster_articles

VISIT = Topic("visit", "The chancellor's visit to Norland", ("Anna Berg", "state visit"))


def _visit_articles():
    opinion = an_opinion(
        "Chancellor Anna Berg is set to pay a state visit to Norland next week.",
        "Berg will meet President Karl Holt in Oslund, their second meeting this year.",
        "A business delegation of around 200 executives is expected to travel with Berg.",
        title="Why Berg's Norland trip matters", source="Daily Opinion", days=0,
    )
    report = an_article(
        "Chancellor Anna Berg arrived in Oslund on Sunday for a four-day state visit to Norland.",
        "Berg met President Karl Holt and more than 200 business leaders joined the delegation.",
        "The two leaders discussed trade and energy cooperation.",
        title="Berg arrives in Norland", source="Wire", days=2,
    )
    unrelated = an_article(
        "The Riverton football club won the national cup final on penalties.",
        "Striker Jonas Lind scored twice before the match went to extra time.",
        title="Riverton win cup final", source="Sports Daily", days=1,
    )
    return opinion, report, unrelated


def test_opinion_and_report_two_days_apart_form_one_story_unrelated_stays_apart():
    opinion, report, unrelated = _visit_articles()
    stories = cluster_articles([report, unrelated, opinion], [VISIT])
    assert len(stories) == 2
    visit = next(s for s in stories if s.topic == "visit")
    assert [a.key for a in visit.articles] == [opinion.key, report.key]  # oldest first
    assert visit.title == report.title  # the story's own news headline, not the topic's title
    other = next(s for s in stories if s is not visit)
    assert other.topic is None and other.title == "Riverton win cup final"


def test_incremental_add_returns_story_keys():
    opinion, report, unrelated = _visit_articles()
    c = StoryClusterer([VISIT])
    k1 = c.add(opinion)
    k2 = c.add(unrelated)
    k3 = c.add(report)
    assert k1 == k3 != k2
    assert c.add(opinion) == k1  # adding twice is idempotent
    assert len(c.stories()) == 2
    assert c.story_key_of(report.key) == k1


def test_corpus_three_day_story_is_one_story_and_rates_story_separate():
    stories = cluster_articles(corpus_articles(), [a_topic()])
    by_size = sorted(stories, key=lambda s: -len(s.articles))
    assert len(stories) == 2
    assert [a.key for a in by_size[0].articles] == ["arnvik-1", "arnvik-op", "arnvik-2", "arnvik-3"]
    assert by_size[0].topic == "arnvik"
    assert [a.key for a in by_size[1].articles] == ["valdoria-rates"]


def test_result_does_not_depend_on_input_order():
    arts = corpus_articles()
    a = {tuple(x.key for x in s.articles) for s in cluster_articles(arts)}
    b = {tuple(x.key for x in s.articles) for s in cluster_articles(list(reversed(arts)))}
    assert a == b


def test_far_apart_articles_merge_only_on_strong_agreement():
    first = an_article("Chancellor Anna Berg is set to pay a state visit to Norland.",
                       "Berg will meet President Karl Holt in Oslund.", days=0)
    late_same = an_article("Chancellor Anna Berg ended her state visit to Norland.",
                           "Berg met President Karl Holt in Oslund.", days=10)
    late_other = an_article("Heavy rain flooded roads in the coastal town of Brin.",
                            "Farmers reported damage to crops.", days=10)
    stories = cluster_articles([first, late_same, late_other])
    assert sorted(len(s.articles) for s in stories) == [1, 2]


def test_topic_keywords_are_case_insensitive_and_one_passing_mention_is_not_enough():
    art = an_article("ANNA BERG began a STATE VISIT to Norland.")
    assert assign_topic([art], [VISIT]) == VISIT
    once = an_article("Farmers in the north asked for higher subsidies this year.",
                      "The ministry said it would look at the request in the spring.",
                      "Prices for grain have fallen for three seasons in a row.",
                      "Anna Berg's government has not commented on the request.", title="Farm subsidies")
    assert assign_topic([once], [VISIT]) is None


def test_story_is_titled_by_its_most_central_news_headline_not_its_topic():
    stories = cluster_articles(corpus_articles(), [a_topic()])
    assert stories[0].title == "Kessel Dam failure floods Arnvik valley, 12 dead"
    assert stories[0].topic == "arnvik"
