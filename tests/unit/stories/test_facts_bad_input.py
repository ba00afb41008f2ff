"""Facts on awkward input: each figure says what it counts, or it is left out."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, fact_texts  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.text.calendar import resolve_dates, show_date  # noqa: E402


def _story(*articles):
    return Story(key="s", title="t", articles=sorted(articles, key=lambda a: a.published))


def _how_many(*sentences, **kw):
    return fact_texts(*sentences, category="how_many", **kw)


def test_a_number_with_no_noun_after_it_is_left_out():
    assert _how_many("The index of river levels at the Dunmore gauge rose to 40 overnight.") == []


def test_a_percentage_says_what_it_is_a_share_of():
    assert _how_many("Governor Hal Pruett won 56 percent of the vote in the Tarrow recall.") == [
        "Governor Hal Pruett: 56 percent of the vote"]
    assert _how_many("The Tarrow count rose 12 percent, officials said.") == []
    # nobody named holds the share: it cannot be compared with anyone's
    assert _how_many("In Tarrow his allies took 96 percent of the seats, he announced.") == []


def test_a_range_is_kept_whole():
    assert _how_many("Between 20 and 30 people were injured when the Corran ferry hit the pier.") == [
        "20 to 30 injured"]
    assert _how_many("Governor Hal Pruett won 15 percent to 20 percent of the vote in the Tarrow recall.") == [
        "Governor Hal Pruett: 15 to 20 percent of the vote"]


def test_an_opening_adverb_holds_no_share():
    # "Typically: 20 percent of patients" says neither whose share it is nor the range
    assert _how_many("Typically, only 15 percent to 20 percent of Tarrow patients are rid of the virus.") == []


def test_a_figure_in_words():
    facts = _how_many("About two dozen miners were trapped after the Selby shaft flooded.")
    assert facts == ["About two dozen miners trapped"]
    from digestbot.text.quantities import quantities
    assert [q.value for q in quantities("About two dozen miners were trapped.")] == [24]
    # "hundreds" is not a number
    assert _how_many("Hundreds of miners were trapped after the Selby shaft flooded.") == []


def test_tolls_for_two_areas_are_two_facts_not_an_update():
    a = an_article("At least 231 people were killed in Veloria when the storm Irena came ashore.",
                   source="Wire A", days=0)
    b = an_article("More than 10,000 people died in the Marran Basin as Irena's floods spread.",
                   source="Wire B", days=1)
    facts = [f for f in extract_facts(_story(a, b)) if f.category == "how_many"]
    assert len(facts) == 2
    assert all(not f.timeline and not f.conflicts for f in facts)


def test_a_correction_in_one_sentence_keeps_the_new_figure():
    facts = [f for f in extract_facts(_story(an_article(
        "Earlier reports said 40 people died in the Pell mine blast; the Kadar ministry now says 32 people died.")))
        if f.category == "how_many"]
    assert facts[0].text.startswith("32 dead")
    assert facts[0].timeline and facts[0].timeline[0][0].startswith("40 dead")


def test_a_negated_event_is_not_a_fact():
    a = an_article("Cardinal Aldo Venn has not visited Orthodox Serbia during his tour.",
                   "The Velde talks did not produce 300 new jobs, officials said.")
    facts = extract_facts(_story(a))
    assert not any("Serbia" in f.text for f in facts)
    assert not any("300" in f.text for f in facts)


def test_a_planned_figure_is_not_stated_as_fact():
    assert _how_many("The Orla plant could employ 900 workers by next spring.") == []


def test_a_quoted_figure_keeps_who_said_it():
    facts = _how_many('"We counted 48 bodies in the Tamsin valley," said Erik Lund, the rescue chief.')
    assert facts == ["48 dead (Erik Lund said)"]


def test_an_earlier_disasters_toll_is_not_this_ones():
    facts = _how_many("The quake in Corvo killed 12 people on Monday.",
                      "A similar quake in 1994 killed 2,400 people in the same province.")
    assert facts == ["12 dead in the quake"]


def test_dates_resolve_against_the_article_date():
    from datetime import date
    [friday] = resolve_dates("The talks collapsed on Friday.", date(1998, 11, 7))
    assert show_date(friday.day) == "6 Nov 1998"
    [aug] = resolve_dates("The blasts on Aug. 7 killed 12.", date(1998, 9, 2))
    assert show_date(aug.day) == "7 Aug 1998"


def test_a_meeting_never_pairs_one_person_with_himself():
    a = an_article("Pope Tomas Adrian II met Tomas Adrian at the Vell cathedral on Sunday.")
    assert not any(" and " in f.text and "meeting" in f.text for f in extract_facts(_story(a)))
