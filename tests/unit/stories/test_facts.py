from builders import a_topic, an_article, an_opinion, corpus_articles  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.domain.models import ArticleKind, Story  # noqa: E402
from digestbot.stories.clustering import cluster_articles  # noqa: E402


def _story(*articles):
    return Story(key="s", title="t", articles=sorted(articles, key=lambda a: a.published))


def _arnvik_facts():
    story = next(s for s in cluster_articles(corpus_articles(), [a_topic()]) if s.topic)
    return extract_facts(story)


def _find(facts, category, needle):
    return next(f for f in facts if f.category == category and needle in f.text)


def test_paraphrased_count_agrees_across_sources():
    facts = _arnvik_facts()
    workers = _find(facts, "how_many", "300")
    assert workers.agreeing == 4
    assert not workers.conflicts


def test_revised_toll_is_a_timeline_newest_first_not_a_conflict():
    toll = _find(_arnvik_facts(), "how_many", "dead")
    assert toll.text.startswith("17 dead")
    assert not toll.conflicts
    assert [t.split(" in ")[0] for t, _ in toll.timeline] == ["15 dead", "12 dead"]
    twelve = toll.timeline[1][1]
    assert {r.source for r in twelve} == {"Valley Herald", "Arnvik Review"}


def test_who_met_whom_with_roles_and_sources_kept():
    facts = _arnvik_facts()
    meeting = _find(facts, "who", "Maria Olsen and Paul Dekker")
    assert meeting.agreeing == 4
    olsen = _find(facts, "who", "Maria Olsen (Governor)")
    assert olsen.agreeing >= 2  # outlets where she acts (began, concluded), not every mention
    holm = _find(facts, "who", "Lena Holm")
    assert "chief executive" in holm.text


def test_opinion_sources_are_labelled():
    facts = _arnvik_facts()
    workers = _find(facts, "how_many", "300")
    kinds = {r.source: r.kind for r in workers.sources}
    assert kinds["Arnvik Review"] == ArticleKind.OPINION
    assert kinds["Valley Herald"] == ArticleKind.NEWS


def test_duration_conflict_side_by_side():
    a = an_article("Chancellor Anna Berg arrived in Oslund for a four-day state visit.", source="Wire A", days=0)
    b = an_article("Berg began a three-day state visit to Norland on Sunday.", source="Wire B", days=1)
    c = an_opinion("Berg's four-day state visit matters.", source="Op C", days=1)
    f = _find(extract_facts(_story(a, b, c)), "how_many", "state visit")
    assert f.text == "Four-day state visit" and f.agreeing == 2
    assert [(t, [r.source for r in rs]) for t, rs in f.conflicts] == [("three-day state visit", ["Wire B"])]


def test_delegation_size_conflict_and_agreement():
    a = an_article("A delegation of around 200 executives travels with Berg.", source="A", days=0)
    b = an_article("More than 200 business leaders joined Berg's delegation.", source="B", days=1)
    c = an_article("A delegation of more than 250 executives joined Berg.", source="C", days=1)
    f = _find(extract_facts(_story(a, b, c)), "how_many", "200")
    assert f.agreeing == 2
    assert "250" in f.conflicts[0][0]


def test_where_when_what_rules():
    a = an_opinion(
        "Berg will arrive in Oslund on Sunday and then travel to Vesta.",
        "The trip is her first visit to Norland since taking office in May.",
        "Just ahead of Berg's departure, protesters blocked the port of Tarn.",
        "The Vesta leg marks the 150th anniversary of the birth of poet Ola Strand.",
        days=0,
    )
    facts = extract_facts(_story(a))
    assert _find(facts, "where", "Oslund, then Vesta")
    assert _find(facts, "when", "on Sunday")
    assert _find(facts, "what", "Her first visit to Norland since taking office")
    assert _find(facts, "what", "Before Berg's departure: protesters blocked the port of Tarn")
    assert _find(facts, "what", "150th anniversary of the birth of poet Ola Strand")


def test_no_facts_from_nothing():
    assert extract_facts(_story(an_article("It rained.", "Nothing else happened."))) == []


def test_summit_fact_merges_details_from_both_sources():
    a = an_opinion(
        "Chancellor Anna Berg is set to visit Norland.",
        "Berg and President Karl Holt met on the sidelines of the Northern Forum (NF) in the city of Vesta.",
        source="Op", days=0,
    )
    b = an_article(
        "Chancellor Anna Berg arrived in Oslund.",
        "At the heart of the trip is a summit with President Karl Holt, their second meeting following the Northern Forum.",
        source="Wire", days=2,
    )
    f = _find(extract_facts(_story(a, b)), "who", "Anna Berg and Karl Holt")
    assert f.text == "Anna Berg and Karl Holt: summit (second meeting; previously met at NF in Vesta)"
    assert f.agreeing == 2
