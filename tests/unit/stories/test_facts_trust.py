"""Facts a reader can trust (issue 13): the error classes found on fresh real clusters, each on
sentences of our own. Every figure says what it counts, every date dates its event, every place
and role is one."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, fact_texts  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402

THURSDAY = "1999-04-22T12:00:00+00:00"


def test_the_wounded_are_not_counted_as_dead():
    lines = fact_texts("Rebels set off five bombs in Varna on Sunday, killing at least 36 soldiers and wounding 74.",
                       category="how_many")
    assert not any(line.startswith("74 dead") for line in lines)
    assert any(line.startswith("74 injured") for line in lines)


def test_a_toll_counts_people_not_the_next_noun():
    lines = fact_texts("Orla Air grounded its five remaining Skyliners after the crash, which killed 113 people.",
                       category="how_many")
    assert not any(line.startswith("5 dead") for line in lines)


def test_a_count_of_people_says_what_happened_to_them():
    assert fact_texts("A police official said the two men were suspected of spying for Tarland.",
                      category="how_many") == []
    assert fact_texts("Police in Ostra arrested two men on Saturday on suspicion of spying.",
                      category="how_many") == ["Two men arrested"]


def test_no_evidence_negates_the_clause():
    assert fact_texts("There was no indication that the three Vell officials could have worked alone.",
                      category="how_many") == []


def test_a_capitalised_modifier_is_not_a_place():
    lines = fact_texts("Police arrested three men in the Arno Venn murder case on Monday in Kestrel.",
                       category="where")
    assert not any("Arno Venn" in line for line in lines)


def test_an_invitation_to_visit_is_not_a_visit():
    lines = fact_texts("President Ana Mirel accepted an invitation to pay an official visit to Tarland.")
    assert not any("Tarland" in line for line in lines)


def test_a_weekday_dates_the_event_and_a_statement_day_does_not():
    from digestbot.stories.facts.dates import _dated_lead
    article = an_article("placeholder", published=THURSDAY)
    assert _dated_lead("The parents of Dan Ivo began legal action on Wednesday against the Kell police.",
                       article).startswith("21 Apr 1999: ")
    # the day names when the police spoke, not when the truck carried the bomb
    assert _dated_lead("A Kell truck carried the bomb that wrecked the Ostra consulate, the police said Tuesday.",
                       article).startswith("20 Apr 1999 report: ")
    # no day named: the line is the report's, not the event's
    assert _dated_lead("Federal agents charged Rob Kell with the Ostra bombings.", article).startswith(
        "22 Apr 1999 report: ")


def test_a_past_plan_gets_no_date():
    lines = fact_texts("The Vell Air plane took off at 8:40 p.m. Friday and was due to arrive at Martha Field "
                       "an hour later.", category="when", published=THURSDAY)
    assert not any("(planned)" in line or line.startswith("40 p.m.") for line in lines)


def test_a_date_line_is_never_a_cut_fragment():
    lines = fact_texts("As part of the inquiry into the April 20 crash, Tarland investigators questioned 30 mechanics.",
                       category="when", published=THURSDAY)
    assert not any(": As part of" in line for line in lines)


def test_a_sentence_shown_whole_is_dated_by_its_own_event():
    # Thursday 22 Apr: the linking was on Monday (19 Apr), the bombing last Thursday (15 Apr)
    from digestbot.stories.facts.dates import _when_atoms
    atoms = _when_atoms("Kell intelligence officials linked the Ostra plant to foreign chemists on Monday as part of "
                        "an effort to back their justification for bombing the factory last Thursday.",
                        an_article("placeholder", published=THURSDAY), 0)
    assert [at.text[:28] for at in atoms if at.text] == ["19 Apr 1999: Kell intelligen"]
    # the other date still says something happened on 15 Apr, for a line another sentence words
    assert [at.value for at in atoms if not at.text] == ["1999-04-15"]


def test_a_role_misread_from_a_place_is_dropped():
    from digestbot.stories.facts.people import _clean_role
    assert not _clean_role("North Carolina Director")
    assert _clean_role("Russian Deputy Prime Minister") and _clean_role("Energy Minister")


def test_a_part_of_a_toll_is_not_a_toll():
    lines = fact_texts("The Vell blast killed 247 people, 12 of them Americans.", category="how_many")
    assert lines == ["247 dead in the blast"]


def test_a_count_that_falls_is_another_group_not_an_update():
    a = an_article("Police in Ostra said 14 people were arrested after the Vell bombing.", source="A", days=0)
    b = an_article("Seven people were arrested in Kell after the Vell bombing, police said.", source="B", days=5)
    facts = [f for f in extract_facts(Story(key="s", title="t", articles=[a, b])) if f.category == "how_many"]
    assert not any(f.timeline for f in facts)


def test_two_estimates_stated_over_the_same_months_are_not_an_update():
    # B's figure was first stated before A's last one: the figure did not move from A's to B's
    estimate = "Hepatitis C now kills {} people a year in Ostra, health officials said."
    articles = [an_article(estimate.format("8,000 to 10,000"), source="B", days=0),
                an_article(estimate.format("about 10,000"), source="A", days=10),
                an_article(estimate.format("8,000 to 10,000"), source="B", days=20),
                an_article(estimate.format("8,000 to 10,000"), source="C", days=22)]
    facts = [f for f in extract_facts(Story(key="s", title="t", articles=articles)) if f.category == "how_many"]
    assert facts and not any(f.timeline for f in facts)
    # the same values one after the other are a figure that moved
    moved = [an_article(estimate.format("about 10,000"), source="A", days=0),
             an_article(estimate.format("8,000 to 10,000"), source="B", days=10),
             an_article(estimate.format("8,000 to 10,000"), source="C", days=12)]
    facts = [f for f in extract_facts(Story(key="s", title="t", articles=moved)) if f.category == "how_many"]
    assert any(f.timeline for f in facts)


def test_why_shows_the_sentence_of_the_text_shown():
    a = an_article("Rescuers in Ostra said on Friday that the blast on Aug. 7 at the Vell fuel depot killed "
                   "11 workers and hurt 80 others.", source="A", published="1998-08-20T12:00:00+00:00")
    b = an_article("The Vell depot blast on Aug. 7 killed 11 workers.", source="B",
                   published="1998-08-21T12:00:00+00:00")
    [when] = [f for f in extract_facts(Story(key="s", title="t", articles=[a, b])) if f.category == "when"]
    shown = when.text.split(": ", 1)[1]
    assert shown.rstrip(".") in when.evidence


def test_an_arrest_written_as_a_noun_reads_as_arrested():
    assert fact_texts("Ostra police confirmed the arrest of two Tarland men on Saturday.",
                      category="how_many") == ["Two Tarland men arrested"]


def test_a_pardon_an_extradition_a_merger_are_events():
    for lead in ("President Ana Mirel pardoned the two Tarland agents on Thursday after ten months in jail.",
                 "Ostra extradited the Vell bombing suspect Rob Kell to Tarland on Monday after a long fight.",
                 "Kell Motors merged with Tarland Steel on Monday in a deal that creates the largest Ostra firm."):
        assert fact_texts(lead)[0].startswith("What happened: "), lead


def test_a_dated_line_a_development_already_says_is_left_out():
    from digestbot.domain.models import Fact
    from digestbot.stories.facts.group import _Scored, _without_repeated_dates
    development = _Scored(2, 0, Fact("what", "7 Nov 1998: Ostra police arrested two men Saturday, and a court "
                                     "ordered them held.", []), when=1.0)
    dated = _Scored(1, 0, Fact("when", "7 Nov 1998: Ostra police arrested two men Saturday", []))
    other = _Scored(1, 0, Fact("when", "9 Nov 1998: The Kell court charged the two men", []))
    assert _without_repeated_dates([development, dated, other]) == [development, other]


def test_what_happened_is_a_news_report_that_reads_alone():
    from builders import an_opinion
    view = an_opinion("As Ana Mirel's first visit to Tarland since June, it marks a reset of Ostra's ties with Kell.",
                      source="Op", days=0)
    news = an_article("Ostra President Ana Mirel arrived in Tarland on Sunday for a visit to reset ties with Kell.",
                      source="Wire", days=1)
    facts = extract_facts(Story(key="s", title="t", articles=[view, news]))
    assert facts[0].text.startswith("What happened: Ostra President Ana Mirel arrived in Tarland")


def test_one_line_a_person_and_no_date_line_repeating_what_happened():
    from digestbot.domain.models import Fact
    from digestbot.stories.facts.group import _Scored, _one_line_a_person, _without_repeated_dates
    role = Fact("who", "Dan Ivo (black teenager)", [])
    age = Fact("who", "Dan Ivo (aged 18)", [])
    assert [f.text for f in _one_line_a_person([role, age])] == ["Dan Ivo (black teenager, aged 18)"]
    happened = _Scored(1e9, 0, Fact("what", "What happened: Ostra jets bombed the Vell depot Friday, "
                                    "hitting fuel tanks.", []))
    dated = _Scored(1, 0, Fact("when", "24 Sep 1999: Ostra jets bombed the Vell depot Friday", []))
    assert _without_repeated_dates([happened, dated]) == [happened]


def test_a_storms_wind_is_a_timeline_and_damage_says_what_happened():
    from digestbot.chat.commands import fact_line
    a = an_article("Hurricane Vella packed winds of 180 mph as it neared the Ostra coast on Monday.",
                   "The storm destroyed 300 homes in Kell.", source="A", days=0)
    b = an_article("Hurricane Vella weakened, with sustained winds of 120 mph as it crossed Tarland on Wednesday.",
                   source="B", days=2)
    facts = extract_facts(Story(key="s", title="t", articles=[a, b]))
    [wind] = [f for f in facts if "mph" in f.text]
    assert wind.text == "Winds of 120 mph" and [t for t, _ in wind.timeline] == ["winds of 180 mph"]
    assert not wind.conflicts
    assert "Update: Winds of 120 mph (was winds of 180 mph, A" in fact_line(wind)
    assert any(f.text == "300 homes destroyed" for f in facts)


def test_two_copies_of_one_wire_story_are_not_corroboration():
    copies = [an_article("Police in Vell arrested 40 people after the Ostra riot on Friday.", source="Wire A",
                         days=d) for d in (0, 0.1)]
    others = [an_article(f"The Ostra council met on day {n} to discuss the riot and its costs for Vell.",
                         source=f"Paper {n}", days=1 + n) for n in range(4)]
    facts = extract_facts(Story(key="s", title="t", articles=copies + others))
    assert not any(f.category == "how_many" and "40" in f.text for f in facts)
    # a sentence only the wire states is cited to the wire alone, not to papers that merely resemble it
    for f in facts:
        if "arrested 40 people" in f.text:
            assert {r.source for r in f.sources} == {"Wire A"}


# --- counts a sentence gives to something else (sixth session: fresh6's reading) ------------

def test_a_range_counts_what_its_end_counts_and_a_yearly_toll_says_so():
    lines = fact_texts("Worldwide there are 300 million to 500 million cases of Varn fever and 2 million to 3 million "
                       "deaths from the disease each year.", category="how_many")
    assert lines == ["2 million to 3 million dead a year"]


def test_a_toll_verb_with_its_own_number_does_not_count_the_one_before():
    lines = fact_texts("Varn fever sickens at least 300 million people every year and kills up to 2.7 million.",
                       category="how_many")
    assert not any(line.startswith("At least 300,000,000") for line in lines)
    assert "Up to 2,700,000 dead a year" in lines


def test_the_verb_after_a_count_decides_its_toll():
    lines = fact_texts("Police in Tarn said 12 people died and 40 were hurt in the Dorne ferry fire.", category="how_many")
    assert any(line.startswith("12 dead") for line in lines) and any(line.startswith("40 injured") for line in lines)
    assert not any(line.startswith("40 dead") for line in lines)


def test_a_fate_with_its_own_number_is_not_the_fate_of_the_count_before():
    lines = fact_texts("Tarland, the largest state in the union with 34 million people, has elected two women senators.",
                       category="how_many")
    assert not any(line.startswith("34") for line in lines)


def test_an_age_is_not_a_count():
    lines = fact_texts("Ilse Varn, who was 5 at the time, was found off Tarn after the boat capsized, killing her mother.",
                       category="how_many")
    assert not any(line.startswith("5 dead") for line in lines)


def test_visiting_a_person_is_no_place():
    lines = fact_texts("Dorne President Tomas Holm met with visiting Tarland Prime Minister Ilse Varn here on Monday.",
                       category="where")
    assert not any("Ilse Varn" in line for line in lines)


def test_two_people_a_third_met_did_not_meet_each_other():
    lines = fact_texts("During her visit, Lepage met with Tarland President Ilse Varn and Prime Minister Tomas Holm, "
                       "and opened a cultural centre.", category="who")
    assert not any(": meeting" in line for line in lines)


def test_a_meeting_on_a_day_of_the_story_is_this_meeting_not_an_earlier_one():
    lines = fact_texts("Tarland President Ilse Varn met Prime Minister Tomas Holm of Dorne in Oslo on Monday.", category="who")
    assert not any("previously" in line for line in lines)


def test_the_lead_person_is_not_made_the_other_side_of_someone_elses_talks():
    lead = "Tarland President Ilse Varn opened the new parliament in Vesta on Monday."
    story = Story(key="s", title="t", articles=[
        an_article(lead, "Tarland President Ilse Varn spoke for an hour.", days=0),
        an_article("Dorne Prime Minister Tomas Holm arrived in Vesta.", days=1),
        an_article("During the visit, Dorne Prime Minister Tomas Holm held talks with his counterpart on fishing.", days=2)])
    assert not any("Ilse Varn and Tomas Holm" in f.text or "Tomas Holm and Ilse Varn" in f.text for f in extract_facts(story))


def test_two_people_a_third_was_meeting_with_did_not_meet_each_other():
    lines = fact_texts("Lepage made the remarks while meeting with Tarland President Ilse Varn and Prime Minister Tomas Holm.",
                       category="who")
    assert not any(": meeting" in line for line in lines)


# --- dates and roles the sixth session's audit of every line found wrong --------------------

def _dated(sentence, published):
    from digestbot.stories.facts.dates import _dated_lead
    return _dated_lead(sentence, an_article(sentence, published=published))


def test_a_date_in_a_noun_phrase_or_an_earlier_clause_does_not_date_the_news():
    assert _dated("The Tarland election board announced Wednesday that Ilse Varn was elected in the March 26 "
                  "balloting.", "2000-04-05T12:00:00+00:00").startswith("5 Apr 2000 report: ")
    assert _dated("The Dorne board released Friday the cockpit tape of the plane before it crashed on Oct. 31, 1999.",
                  "2000-08-11T12:00:00+00:00").startswith("11 Aug 2000: ")


def test_a_decision_is_an_event_not_a_statement():
    assert _dated("The Varn family decided Tuesday night to hand the boy to his father on Wednesday, officials said "
                  "on Tuesday night.", "2000-04-12T12:00:00+00:00").startswith("11 Apr 2000: ")


def test_a_transcript_heading_is_not_news():
    from digestbot.stories.facts.leads import _event_leads
    heading = "Following is a transcript of the last two minutes of the Dorne Air Flight 90 cockpit recording, as released Friday."
    assert _event_leads([an_article(heading)]) == []


def test_a_when_line_is_not_cut_before_what_the_clause_hopes():
    lines = fact_texts("Both the Liberals and the Tarland Party hope that when the vote takes place Monday in all 125 "
                       "ridings, or districts, around the province, voters will see the difference.", category="when")
    assert all(line.endswith(("difference (planned)", "difference")) for line in lines)


def test_the_month_may_is_not_a_modal():
    from digestbot.text.meaning import is_modal
    assert not is_modal("Dorne exploded five devices after the tests by Tarland on May 11 and 13")
    assert is_modal("The vote may be delayed")


def test_a_persons_role_is_the_one_the_newest_report_gives():
    story = Story(key="s", title="t", articles=[
        an_article("Tarland President Tomas Holm named Ilse Varn his heir on Monday.", source="Wire", days=0),
        an_article("Tarland President Tomas Holm resigned on Friday, the Wire said.", source="Paper", days=4),
        an_article("Former Tarland President Tomas Holm voted early on Sunday in Vesta.", source="Wire", days=90),
        an_article("Former Tarland President Tomas Holm praised the winner, Ilse Varn, on Monday.", source="Paper", days=91)])
    holm = [f.text for f in extract_facts(story) if f.text.startswith("Tomas Holm (")]
    assert holm == [] or all("former" in line for line in holm)


def test_a_timeline_sent_beside_the_reports_gives_no_lead():
    from digestbot.stories.facts.leads import _event_leads
    entry = "Dorne Air Boeing 767 leaves Vesta, bound for Kennedy International Airport in New York on Friday."
    assert _event_leads([an_article(entry, title="Timeline for Dorne Air Flight 90")]) == []
    assert _event_leads([an_article(entry, title="Dorne Air flight leaves Vesta")]) != []


def test_an_age_group_and_a_ratio_near_a_killer_virus_are_not_tolls():
    lines = fact_texts("One out of nine persons in Tarland is infected with the killer virus among the age group between "
                       "15 to 49.", category="how_many")
    assert not any("dead" in line for line in lines)


def test_a_writers_own_voice_an_editors_note_or_a_pronoun_after_an_opener_is_no_event_lead():
    from digestbot.stories.facts.leads import _event_leads
    article = an_article(
        "Dr. Rob Kell, the Ostra hand surgeon who fixed the Tarland pitcher's thumb last year, was peering at my X-rays.",
        "Later they struck an alliance with the Vell federation and fought alongside its army.")
    notes = an_article("ATTENTION EDITORS: The following photos are part of tonight's Ostra Times Photo Package, moving 10/20/99.",
                       "Editor's note: The Ostra Times Photo Package moves Wednesday with pictures of the Vell harvest.")
    news = an_article("The Ostra hand surgeon Rob Kell opened a clinic in Vell on Tuesday for injured athletes.")
    assert [s for _, s in _event_leads([article, notes, news])] == [news.sentences[0]]


def test_a_share_is_someones_only_when_they_won_or_hold_it():
    from digestbot.stories.facts.figures import _percent_holder
    assert _percent_holder("The visiting Bank of ") == "Bank"  # not "Bank of"
    assert fact_texts("Vladimir Kell was elected president with 52.94 percent of the vote, the Ostra commission said.",
                      category="how_many") == ["Vladimir Kell: 52.94 percent of the vote"]
    # the speaker's organisation, or a name the share is beside, holds nothing
    assert fact_texts("The visiting Tarn Health official said that about 70 percent of people in Vell are ill.",
                      category="how_many") == []
    assert fact_texts("HIV is spreading in Vell, with 30 to 40 percent of the children born to infected mothers infected.",
                      category="how_many") == []


def test_a_yearly_toll_keeps_the_country_it_counts():
    assert fact_texts("In the Ostra Republic alone, Varn fever now causes 8,000 to 10,000 deaths a year.",
                      category="how_many") == ["8,000 to 10,000 dead a year in the Ostra Republic"]


def test_the_visiting_delegation_names_no_place_visited():
    lines = fact_texts("The visiting Ostra delegation signed the Vell trade accord in Kell on Monday.", category="where")
    assert not any("visiting Ostra" in line for line in lines)
    assert fact_texts("Prime Minister Rob Kell was visiting Ostra when the Vell dam burst.",
                      category="where") == ["Ostra (visiting Ostra)"]


def test_what_followed_something_unnamed_is_no_event_lead():
    from digestbot.stories.facts.leads import _event_leads
    article = an_article("The order followed Tuesday's release of a Tarn report that said the Ostra police were biased.",
                         "The move came a day after Rob Kell resigned as chief of the Ostra police.")
    assert _event_leads([article]) == []


def _roles(articles) -> dict[str, str]:
    from digestbot.stories.facts.people import _person_names
    return {norm: role for norm, (_, role) in _person_names(articles).items()}


def test_an_office_someone_else_holds_later_makes_its_holder_a_former_one():
    roles = _roles([
        an_article("Tarland Prime Minister Tomas Holm met the Dorne envoy in Vesta on Monday.", days=0),
        an_article("Tarland Prime Minister Ilse Varn Thursday thanked Dorne for freeing two Tarland citizens.", days=300),
    ])
    assert roles["tomas holm"] == "former Tarland Prime Minister"
    assert roles["ilse varn"] == "Tarland Prime Minister"  # the day after her name is no part of it


def test_one_office_in_two_spellings_or_two_offices_make_no_one_former():
    roles = _roles([
        an_article("Dorne President Natsagin Bagabandi opened the Vesta fair on Monday.", days=0),
        an_article("Dorne President Natsagyn Bagabandy closed the Vesta fair on Friday.", days=4),
        an_article("Tarland President Tomas Holm and Vice President Ilse Varn toured the fair.", days=5),
    ])
    assert roles["natsagin bagabandi"] == "Dorne President"
    assert roles["tomas holm"] == "Tarland President" and roles["ilse varn"] == "Vice President"


def test_a_role_is_not_read_across_a_comma():
    from digestbot.text.entities import entities
    [barak] = [e for e in entities("Holm held talks with Weizman, Prime Minister Ehud Barak and the envoy.")
               if e.text == "Ehud Barak"]
    assert barak.role == "Prime Minister"
