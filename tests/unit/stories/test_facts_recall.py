"""Facts a reader needs that the first round missed on fresh clusters (issue 13, second round):
each class on sentences of our own. Amounts say what they are for, percentages what changed, and a
story one outlet covers almost alone still has facts."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, fact_texts  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402


def test_damages_sought_are_shown_with_what_they_are():
    lines = fact_texts("The Ruskin Quartet sued the Veltro file-swapping service, seeking $12 million in damages.",
                       category="how_many")
    assert "$12 million in damages" in lines


def test_an_amount_per_item_says_per_what():
    lines = fact_texts("The publishers' group wants $50,000 for each poem copied without permission.",
                       category="how_many")
    assert "$50,000 for each poem" in lines


def test_what_a_strike_cost_names_who_paid():
    lines = fact_texts("The walkout at the Dorne plant cost the company about $3 billion before it ended.",
                       category="how_many")
    assert any(line.startswith("Walkout cost the company") and "$3 billion" in line for line in lines)


def test_a_signing_bonus_is_not_left_bare():
    lines = fact_texts("Machinists at Harlow Motors won a $2,100 signing bonus under the new contract.",
                       category="how_many")
    assert "$2,100 signing bonus" in lines


def test_a_percentage_before_a_change_says_what_changed():
    lines = fact_texts("The new five-year contract gives the Harlow machinists 4 percent raises each year.",
                       category="how_many")
    assert "4 percent raises" in lines


def test_a_bare_amount_and_a_bare_share_stay_out():
    lines = fact_texts("The council approved $176.7 billion on Monday, and 45 percent went unspent elsewhere.",
                       category="how_many")
    assert not any("176.7" in line or "45 percent" in line for line in lines)


def _one_outlet(reports, other_outlet="Harlow Gazette"):
    """Six or more articles (facts then need two sources behind them), all but one from one newspaper."""
    articles = [an_article(text, source="Harlow Gazette", days=day) for day, text in reports]
    others = [an_article(f"The Gazette's weather page for day {d} promised rain over the Dorne valley.",
                         source="Harlow Gazette" if d < 12 else other_outlet, days=d) for d in (10, 11, 12)]
    return extract_facts(Story(key="s", title="t", articles=sorted(articles + others, key=lambda a: a.published)))


def test_one_outlet_restating_a_fact_on_three_days_corroborates_it():
    facts = _one_outlet([(d, f"Machinists at Harlow Motors won a $2,100 signing bonus, report number {d} said.")
                         for d in (1, 3, 5)])
    assert any(f.text == "$2,100 signing bonus" for f in facts)


def test_three_copies_of_one_report_on_one_day_do_not():
    # (in a story another outlet also covers: one that one outlet covers alone stands on that outlet)
    facts = _one_outlet([(1, "Machinists at Harlow Motors won a $2,100 signing bonus, the report said.")] * 3,
                        other_outlet="Dorne Post")
    assert not any(f.text == "$2,100 signing bonus" for f in facts)


def test_a_vote_tally_is_shown_with_who_voted():
    lines = fact_texts("The Dorne High Court ruled 5-4 on Monday that the Harlow toll law breaks the charter.",
                       category="how_many")
    assert "Dorne High Court: ruled 5-4" in lines


def test_a_tally_named_by_its_decision_stands_alone():
    lines = fact_texts("Monday's 5-4 decision sent the Harlow toll law back to parliament.", category="how_many")
    assert "5-4 decision" in lines


def test_scores_negated_votes_and_anonymous_tallies_are_not_tallies():
    lines = fact_texts("Harlow lost 2-5 to Dorne in the cup final on Sunday afternoon.",
                       "The Dorne council did not vote 9-2 on the toll plan, as some had said.",
                       "In the end the judges voted 7-2 to hear the Harlow toll appeal in May.", category="how_many")
    assert not any("2-5" in line or "9-2" in line or "7-2" in line for line in lines)


def test_strikers_are_counted_as_strikers():
    lines = fact_texts("About 4,300 strikers at the Dorne axle plant stayed out for a sixth week.", category="how_many")
    assert any(line.lower() == "about 4,300 strikers" for line in lines)


def test_users_a_service_blocked_are_counted_with_what_happened_to_them():
    lines = fact_texts("The Veltro service said it had blocked more than 120,000 users the Ruskin Quartet named.",
                       category="how_many")
    assert any("120,000" in line and "users blocked" in line for line in lines)


def test_a_capitalised_title_before_a_name_makes_a_person_with_a_role():
    lines = fact_texts("Justice Marta Eliza Vennholm said for the Dorne High Court that the toll law was void.",
                       "Sen. Oskar Brandt said he would write a narrower toll law next year.", category="who")
    assert "Marta Eliza Vennholm (Justice)" in lines
    assert "Oskar Brandt (Senator)" in lines


def test_a_title_before_one_word_names_no_one():
    lines = fact_texts("The Justice Department said Monday it would appeal the Dorne ruling.", category="who")
    assert not any(line.startswith("Department") for line in lines)


def test_a_musician_named_after_their_instrument_is_a_person_with_a_role():
    lines = fact_texts("Ruskin Quartet drummer Pavel Osk said the band would sue the Veltro service.", category="who")
    assert "Pavel Osk (drummer)" in lines


def test_a_day_written_before_the_speech_verb_dates_the_statement_not_the_event():
    facts = fact_texts("Doctors in Dorne reported that a virus carried by mosquitoes killed three Harlow residents.",
                       "Harlow health officials Friday said a dead heron found in Dorne had carried the virus.",
                       published="1999-04-23T12:00:00+00:00")
    assert not any(line.startswith("23 Apr 1999: ") for line in facts)


def test_a_count_of_men_ends_at_men():
    from digestbot.text.quantities import quantities

    [q] = quantities("Police arrested two Tarland men near the army base on Friday.")
    assert q.unit == "men" and q.text == "two Tarland men"


def _long_article(*late):
    lead = [f"Paragraph {n} of the Veltro report describes the Harlow court hearing in Dorne." for n in range(20)]
    return Story(key="s", title="t", articles=[an_article(*lead, *late)])


def test_an_amount_past_the_lead_of_a_long_article_is_read():
    facts = extract_facts(_long_article("The Ruskin Quartet is seeking $12 million in damages from Veltro."))
    assert any(f.text == "$12 million in damages" for f in facts)


def test_a_toll_past_the_lead_is_not_read():
    facts = extract_facts(_long_article("An earlier fire at the Dorne mill killed 14 workers, the report recalled."))
    assert not any("14" in f.text for f in facts)


def test_a_bare_count_that_could_be_either_of_two_statements_corroborates_neither():
    story = Story(key="s", title="t", articles=[
        an_article("Police in Vell arrested two Tarland men near the army base.", source="Wire A", days=0),
        an_article("The two men were questioned for hours in Vell.", source="Paper B", days=1),
        an_article("A Vell court sentenced two men to three years in jail.", source="Paper C", days=90)])
    facts = extract_facts(story)
    for f in facts:
        if f.text.lower() == "two men sentenced":
            assert {r.source for r in f.sources} == {"Paper C"}


def test_a_group_named_near_a_count_is_not_its_size():
    lines = fact_texts("The service said it had blocked more than 120,000 users the rock group Ruskin named.",
                       category="how_many")
    assert not any(line.lower().startswith("group:") for line in lines)


def test_a_story_one_outlet_covers_alone_keeps_facts_that_outlet_states_once():
    reports = [an_article(f"Harlow Gazette notes for day {d}: the Dorne ferry ran on time.", source="Harlow Gazette",
                          days=d) for d in range(6)]
    reports.append(an_article("Police in Dunmore arrested four dock workers at the container port.",
                              source="Harlow Gazette", days=7))
    facts = extract_facts(Story(key="s", title="t", articles=reports))
    assert any(f.text == "Four dock workers arrested" for f in facts)


def test_a_story_of_several_outlets_still_asks_for_two():
    reports = [an_article(f"Harlow Gazette notes for day {d}: the Dorne ferry ran on time.",
                          source="Harlow Gazette" if d % 2 else "Dorne Post", days=d) for d in range(6)]
    reports.append(an_article("Police in Dunmore arrested four dock workers at the container port.",
                              source="Harlow Gazette", days=7))
    facts = extract_facts(Story(key="s", title="t", articles=reports))
    assert not any(f.text == "Four dock workers arrested" for f in facts)


def test_a_category_may_use_lines_the_others_leave_unused():
    roles = [("spokesman", "Tomas Reyl"), ("prosecutor", "Ada Lunn"), ("judge", "Piet Varga"),
             ("lawyer", "Mona Kessel"), ("governor", "Otto Brann"), ("commander", "Lise Haag")]
    lines = fact_texts(*(f"Dorne {role} {name} said the Harlow ferry inquiry would open in May." for role, name in roles),
                       category="who")
    assert len(lines) == 6
