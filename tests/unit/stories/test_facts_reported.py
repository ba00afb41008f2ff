"""What a long story's coverage keeps reporting (issue 13, sixth and eighth rounds): the story's most
central leads (its reports' first sentences) fill the lines its facts leave unused, each as written,
with every report that says the same."""

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, an_opinion  # noqa: E402
from digestbot.chat.commands import CATEGORY_HEADINGS, _facts  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.stories.facts.group import MAX_LINES  # noqa: E402

MISSION = "The Arden probe has mapped the ice of Tethys since it reached orbit in 2014."
MISSION_TOO = "Since reaching orbit in 2014, the Arden probe has mapped the ice of Tethys for the space agency."
OCEAN = "Scientists at the Varn Institute said the Arden probe found salt water beneath the ice of Tethys."
OCEAN_TOO = "The Arden probe's instruments found salt water beneath the ice of Tethys, the Varn Institute said."
INSTRUMENTS = "The Arden probe carries twelve instruments built in Lund, among them a radar that sees through ice."
ONE_OUTLET = "Osterberg Optics of Malmo shipped a spare camera in wooden crates to the launch site at Kiruna."


def _coverage(*extra, outlets=("Wire One", "Wire Two", "Daily Three")):
    """Six reports: each of the four things they say leads at least one of them."""
    articles = []
    for day in range(6):
        mission, ocean = (MISSION, OCEAN) if day % 2 == 0 else (MISSION_TOO, OCEAN_TOO)
        said = [mission, ocean, INSTRUMENTS, f"The Arden probe flew past the ice of Tethys and its ring of dust on flight number {day + 40}."]
        lead = day % 4
        articles.append(an_article(*said[lead:], *said[:lead], source=outlets[day % len(outlets)], days=day))
    return Story(key="arden", title="The Arden probe", articles=articles + list(extra))


def _reported(story):
    return [f for f in extract_facts(story) if f.category == "reported"]


def test_a_long_story_reports_its_central_leads_as_written_with_every_report_saying_the_same():
    instruments = next(f for f in _reported(_coverage()) if f.text == INSTRUMENTS)
    assert instruments.evidence == INSTRUMENTS
    assert {r.source for r in instruments.sources} == {"Wire One", "Wire Two", "Daily Three"}
    assert instruments.agreeing == 3


def test_a_sentence_that_leads_no_report_is_not_reported():
    # a later sentence leans on the ones before it more often than a lead (issue 13, eighth round)
    second = "Engineers at Lund said the Arden probe radar mapped the ice of Tethys down to its briny ocean."
    later = [an_article("Osterberg Optics of Malmo shipped a spare camera to Kiruna.", second, source=src, days=7 + n)
             for n, src in enumerate(("Wire One", "Wire Two"))]
    assert not any(f.text == second for f in _reported(_coverage(*later)))
    assert any(f.text == second for f in _reported(_coverage(*[an_article(second, source=src, days=7)
                                                                for src in ("Wire One", "Wire Two")])))


def test_a_sentence_with_other_numbers_does_not_say_the_same():
    flights = [f for f in _reported(_coverage()) if "flight number" in f.text]
    assert flights and all(len(f.sources) == 1 for f in flights)


def test_a_line_the_facts_already_say_is_not_reported_again():
    facts = extract_facts(_coverage())
    assert not any(f.text in (OCEAN, OCEAN_TOO, MISSION, MISSION_TOO) for f in facts if f.category == "reported")


def test_the_reported_lines_only_fill_the_lines_the_facts_leave():
    story = _coverage()
    facts = extract_facts(story)
    assert len(facts) <= MAX_LINES
    assert [f.category for f in facts][-len(_reported(story)):] == ["reported"] * len(_reported(story))


def test_a_lead_one_outlet_alone_reports_is_reported_with_its_source():
    lone = an_article(ONE_OUTLET, source="Lone Gazette", days=7)
    [line] = [f for f in _reported(_coverage(lone)) if "Osterberg" in f.text]
    assert [r.source for r in line.sources] == ["Lone Gazette"]


def test_a_story_one_outlet_covers_alone_reports_its_own_sentences():
    assert _reported(_coverage(outlets=("Wire One",)))


def test_a_short_story_has_no_reported_lines():
    story = _coverage()
    short = Story(key="arden", title="The Arden probe", articles=story.articles[:5])
    assert _reported(short) == []


def _one_candidate(sentence, **kw):
    """The coverage with `sentence` written by two outlets: is it reported?"""
    extra = [an_article(sentence, days=7 + n, source=src, **kw) for n, src in enumerate(("Wire One", "Wire Two"))]
    return any(f.text == sentence for f in _reported(_coverage(*extra)))


def test_a_quote_names_its_speaker():
    assert not _one_candidate('"Beneath the crust lies a warm briny ocean," he said at a briefing in Oslo.')
    assert _one_candidate('"Beneath the crust lies a warm briny ocean," said Mira Holm, chief geologist of the Varn Institute.')


def test_a_quoted_title_is_not_someones_words():
    assert _one_candidate('The Varn Institute published its findings in a book titled "Briny Oceans Beneath Crusts" in 2015.')


def test_a_quoted_term_in_an_announcement_is_not_someones_words():
    assert _one_candidate('The Varn Institute announced Thursday that its ocean samples may be labelled "certified pure" in Oslo.')
    assert not _one_candidate('The Varn Institute announced that "the ocean samples are pure and safe," in Oslo on Thursday.')


def test_a_sentence_about_something_another_sentence_names_is_not_reported():
    # what the claim is about is named elsewhere: which school, which games, which country
    assert not _one_candidate("The school has developed an ocean science programme with the Varn Institute in Lund.")
    assert not _one_candidate("Twelve divers tested positive for banned drugs during those games at the Lund pool.")
    assert not _one_candidate("Both already picked up medals earlier in the year at the Varn Institute games.")
    assert not _one_candidate("Six of the country's 50 biggest exporters are makers of ocean probes and radar sets.")
    assert _one_candidate("In a radio address, Harlow said the country's ocean probes had found salt beneath the ice.")


def test_a_sentence_that_is_all_quote_has_no_speaker():
    assert not _one_candidate('"Arden and Tethys do not have the status of ocean worlds under the Lund convention."')


def test_a_sentence_that_starts_inside_a_quote_is_not_reported():
    assert not _one_candidate('Beneath the crust lies a warm briny ocean," Mira Holm of the Varn Institute told reporters in Oslo.')


def test_a_question_is_not_reported():
    assert not _one_candidate("Q. How do geologists at the Varn Institute know a warm briny ocean lies beneath the crust?")
    assert not _one_candidate("Does a warm briny ocean lie beneath the crust, as the Varn Institute's geologists think?")
    assert _one_candidate("A warm briny ocean lies beneath the crust, geologists at the Varn Institute reported in 2015.")


def test_a_column_is_not_reported():
    sentence = "The warm briny ocean beneath the crust of Tethys is the Varn Institute's find of the century."
    assert _one_candidate(sentence)
    column = [an_opinion(sentence, source=src, days=8) for src in ("Wire One", "Wire Two")]
    assert not any("century" in f.text for f in _reported(_coverage(*column)))


def test_a_features_teaser_or_scene_set_long_ago_is_not_reported():
    # shown alone, an opening scene tells an old state as the day's news, often the one the article reverses
    assert not _one_candidate("It's a shocking statistic: six thousand divers found warm brine under the Varn Institute's ice.")
    assert not _one_candidate("For years, the divers of the Varn Institute did not take the warm brine beneath the crust seriously.")
    assert not _one_candidate("Six years ago, a Varn Institute diver found a warm briny ocean beneath the crust of Tethys.")
    assert not _one_candidate("Once an avid diver who swam 40 miles a week, Mira Holm of the Varn Institute now studies ice.")
    assert _one_candidate("Once-frozen brine beneath the crust of Tethys is a warm briny ocean, geologists at the Varn Institute reported.")
    from digestbot.stories.facts.reported import _stands_alone
    assert _stands_alone("Once again the Varn Institute's divers found a warm briny ocean beneath the crust of Tethys on Monday.")


def test_a_sentence_the_source_fused_mid_word_is_not_reported():
    assert not _one_candidate("Two new probes that e Press Agency of Lund while attending a symposium on ocean worlds in Oslo.")


def test_first_person_outside_a_quote_is_not_reported():
    assert not _one_candidate("We think a warm briny ocean lies beneath the crust, like the Varn Institute's geologists.")


def test_a_wire_copy_is_cited_and_counted_once():
    instruments = next(f for f in _reported(_coverage(outlets=("Wire One", "Wire Two"))) if f.text == INSTRUMENTS)
    assert len(instruments.sources) == 6  # three copies each
    assert instruments.agreeing == 2


def test_facts_show_reported_lines_under_their_own_heading():
    story = _coverage()
    sections = _facts(replace(story, facts=extract_facts(story)))
    assert CATEGORY_HEADINGS["reported"] in [s.heading for s in sections]


def test_a_fact_line_names_three_reports_and_counts_the_rest():
    from digestbot.chat.commands import fact_line
    instruments = next(f for f in _reported(_coverage()) if f.text == INSTRUMENTS)
    line = fact_line(instruments)
    assert line.count(" 2026") == 3
    assert "; and 3 more); 3 sources agree" in line


def test_why_shows_a_reported_sentence_once():
    from digestbot.chat.commands import _why
    curly = "The Varn Institute calls the Arden probe\u2019s radar \u201cthe ice reader\u201d and built it in Lund in 2013."
    story = _coverage(*[an_article(curly, source=src, days=7 + n) for n, src in enumerate(("Wire One", "Wire Two"))])
    [section] = _why(replace(story, facts=extract_facts(story)))
    line = next(line for line in section.lines if "ice reader" in line)
    assert line.count("ice reader") == 1


def test_an_event_line_a_development_already_says_leaves_its_line_to_something_else():
    from digestbot.domain.models import Fact
    from digestbot.stories.facts.group import _without_repeated_events
    event = Fact("what", "The Varn court ruled that the Arden law broke the charter", [])
    development = Fact("what", "25 Jun 1998: The Varn court ruled Thursday that the Arden law broke the charter of 1922.", [])
    other = Fact("what", "The Varn court fined the Arden agency", [])
    happened = Fact("what", "What happened: The Varn court ruled that the Arden law broke the charter.", [])
    assert _without_repeated_events([happened, event, development, other]) == [happened, development, other]
    assert _without_repeated_events([happened, event, other]) == [happened, event, other]


def test_a_guess_is_not_reported():
    assert not _one_candidate("Mira Holm may have convinced most of Arden that the probe found salt beneath the ice of Tethys.")


def test_a_sentence_leaning_on_the_one_before_is_not_reported():
    # the third reader's classes: which "they", which parents, which plane, which total, which "next"
    assert not _one_candidate('In celebration of the film "Arden Rising"\'s first anniversary, they want fans to see it in Lund.')
    assert not _one_candidate("The parents attributed the changes to a drug made by the Varn Institute in Lund.")
    assert not _one_candidate("Aboard the same plane were 73 relatives of the Arden crew flying home to Lund.")
    assert not _one_candidate("Tea sales made up only 1 percent of that total, Varn chief executive Mira Holm said.")
    assert not _one_candidate("The next, he's playing his old Arden character in a new series for the Varn network.")
    assert not _one_candidate("EDITORS: Mira Holm of the Varn Institute is back in Lund for ten talks on the Arden probe.")
    assert _one_candidate("While the Varn Institute rejected the first plan, it approved a second Arden probe in Lund.")


def test_a_share_of_something_named_before_is_not_reported():
    assert not _one_candidate("The Varn Institute then buys a third of the probes in that 15 percent for the Lund office.")


def test_a_features_short_hook_is_not_reported():
    assert not _one_candidate("It's time to cut another check for Mira Holm of the Varn Institute.")
    assert _one_candidate("The Varn Institute cut another check for Mira Holm, its chief geologist, for the Arden probe.")


def test_a_report_months_later_saying_the_same_does_not_corroborate_it():
    # "in October, Kell struck out 38 projects": a later report recalls the news as background
    recalled = an_article("Kell struck out 38 Arden projects worth 287 million crowns from the Lund budget.",
                          source="Daily Three", days=200, key="later")
    story = _coverage(an_article("Kell struck out 38 Arden projects worth 287 million crowns from the Lund budget.",
                                 source="Wire One", days=6, key="news"), recalled)
    line = next(f for f in extract_facts(story) if "Kell struck out" in f.text)
    assert [r.article_key for r in line.sources] == ["news"]


def test_a_lead_opening_a_list_is_not_reported():
    assert not _one_candidate("When he recounts his years at the Varn Institute, several things are missing from the Arden engineer's story:")
