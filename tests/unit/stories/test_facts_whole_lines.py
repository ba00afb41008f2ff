"""A fact line says something whole (issue 13, seventh session): the wrong-line classes a second
reader found in 429 lines of topics never labelled (a clause cut inside a number or before its
object, a sum read as a toll, a body read as a place, one outlet's two sums shown as an update),
each on sentences of our own."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, fact_texts, facts_of  # noqa: E402
from digestbot.stories.facts.events import event_of  # noqa: E402


def _event(sentence):
    event = event_of(sentence)
    return event.text if event else None


# --- an event's clause is not cut inside a number, an aside or what was said ------------------

def test_a_numbers_comma_does_not_end_the_clause():
    assert _event("Dorne Pharma agreed late Tuesday to pay $350 million to settle 1,400 injury cases brought "
                  "in Arden.") == "Dorne Pharma agreed to pay $350 million to settle 1,400 injury cases brought in Arden"


def test_an_object_that_goes_on_after_an_aside_is_no_event():
    assert _event("The Arden Defence Office charged Tethys Systems, the maker of the radar, a $15 million penalty "
                  "for a failed test.") is None
    assert _event("The Arden agency has ordered the relatives of Mira Holm, 6, to return the girl to her father.") is None


def test_an_object_that_is_only_a_day_is_no_event():
    assert _event("Senator Holm's Arden opponent charged Thursday that her trade stance could help her husband.") is None


def test_a_cut_inside_what_was_ordered_is_no_event():
    assert _event("Premier Dorne ordered the Arden Water Office to make sure that wells dug in the capital city "
                  "last year are working as a preventive measure.") is None


# --- a figure is labelled whole, and a sum is no toll ----------------------------------------

def test_a_sum_after_a_currency_word_is_no_toll():
    lines = fact_texts("The Arden cleric's death edict came with a reward of dlrs 2.5 million, the Tethys agency said.")
    assert not any("dead" in line for line in lines)


def test_a_monthly_series_of_deaths_is_no_toll():
    lines = fact_texts("According to records at the Arden hospital, 38 people died of fever in January, 33 in February "
                       "while 10 others died in the first week of March.", category="how_many")
    assert not any("dead" in line for line in lines)


def test_a_label_cut_on_a_possessive_or_before_a_number_is_not_shown():
    lines = fact_texts("Currently, the Arden water office supplies only 60 percent of the city's potable water demand.",
                       "In Tethys only 35 percent of the current seven million school-age children finish primary school.",
                       category="how_many")
    assert not any(line.endswith(("city's", "current")) for line in lines)


def _updates_or_conflicts(*reports):
    """The figures shown as an update or a conflict, one article per (sentence, outlet, day)."""
    facts = facts_of([an_article(sentence, source=outlet, days=day) for sentence, outlet, day in reports])
    return [f for f in facts if f.category == "how_many" and (f.timeline or f.conflicts)]


def test_the_same_words_months_apart_are_two_figures_not_an_update():
    # a topic story: one visit a year, each "N-day visit"
    four_day = "Premier Dorne of Arden began a four-day visit to Tethys on Monday, the {} said."
    two_day = "President Harlow of Arden began a two-day visit to Tethys on Tuesday, the {} said."
    assert not _updates_or_conflicts((four_day.format("Tethys agency"), "Tethys Agency", 0),
                                     (four_day.format("Arden wire"), "Arden Wire", 0),
                                     (two_day.format("Tethys agency"), "Tethys Agency", 300),
                                     (two_day.format("Arden wire"), "Arden Wire", 300))


def test_a_toll_revised_within_days_stays_a_timeline():
    articles = [an_article("The Kessel Dam failure killed 12 people, the Arden police said.", source="Arden Wire", days=0),
                an_article("The death toll from the Kessel Dam failure rose to 17 people, the Arden police said.",
                           source="Tethys Agency", days=3)]
    toll = next(f for f in facts_of(articles) if f.text.startswith("17 dead"))
    assert [t.split(" in ")[0] for t, _ in toll.timeline] == ["12 dead"]


def test_two_sums_of_one_noun_that_nothing_says_changed_are_no_update():
    judgment = "Dorne owes the Holm family a {} civil judgment for the deaths, the court said."
    assert not _updates_or_conflicts((judgment.format("$33.5 million"), "Arden Wire", 0),
                                     (judgment.format("$33.5 million"), "Tethys Agency", 0),
                                     (judgment.format("$25 million"), "Arden Wire", 3))


# --- a place is where something happened, not a body's name or a possessive ------------------

def test_a_body_or_a_possessive_is_not_a_place():
    lines = fact_texts("Tom Varley's entry Tuesday into Arden's 2000 Senate race transformed the contest, officials said.",
                       "According to Mira Holm, director in the Ministry of Energy, the drought hit Umutara hardest.",
                       "A group of 150 people protested evictions, the Information Center of Human Rights and "
                       "Democratic Movement in Tethys said.", category="where")
    assert not any(line.startswith(("Into", "In the Ministry", "In Tethys")) for line in lines)


# --- a dated line dates its event, not the day someone said it ----------------------------------

def test_a_day_after_who_said_it_or_a_report_reaching_here_dates_the_saying():
    from digestbot.stories.facts.dates import _dated_lead
    article = an_article("placeholder", published="1999-04-23T12:00:00+00:00")  # a Friday
    assert _dated_lead("Arden's jobless rate fell by 1.6 percent in March, said the Ministry of Employment Friday.",
                       article).startswith("23 Apr 1999 report: ")
    assert _dated_lead("More than 170,000 children die every year in Tethys, according to a press report reaching "
                       "here on Wednesday.", article).startswith("21 Apr 1999 report: ")


# --- a lead says the news of the story, named in its own words ----------------------------------

def _leads(*sentences):
    articles = [an_article(*sentences, source=source, days=day)
                for day, source in enumerate(("Arden Wire", "Tethys Agency", "Dorne Daily", "Arden Wire", "Tethys Agency",
                                              "Dorne Daily"))]
    return [f.text for f in facts_of(articles) if f.category == "what"]


def test_a_lead_about_something_another_sentence_names_is_no_lead():
    leads = _leads("The call was issued in a joint statement released in Arden after two days of talks on the dam.",
                   "The 64-year-old president declared that Tethys supports the Kessel Dam treaty in full.")
    assert not any("The call was issued" in line or "64-year-old president" in line for line in leads)


def test_background_or_a_narrative_flourish_is_no_lead():
    leads = _leads("In 1990, Mira Holm, the librarian of Arden, persuaded the council to fund the first digital library.",
                   "Nothing in the second building where Tom Varley opened fire was going to stop him from killing.")
    assert not any("In 1990" in line or "Nothing in" in line for line in leads)


def test_when_another_first_happened_is_no_fact_of_its_own():
    lines = fact_texts("For the first time since reading the Arden inquiry's report, Senator Mira Holm said Thursday she felt "
                       "betrayed by the premier.", category="what")
    assert not any(line.startswith("The first time") for line in lines)


def test_what_someone_admitted_of_an_unnamed_it_is_no_event():
    assert _event("Secretary Tom Varley admitted that it emphasized a wide range of subjects over depth.") is None


def test_a_lead_cites_only_leads_that_say_the_same_with_the_same_numbers():
    # two sentencings for lying share most of their words: neither corroborates the other
    one = "A former Arden parole commissioner was sentenced to two years in prison Tuesday for lying to a grand jury."
    other = "A Tethys man was sentenced Thursday to nearly six years in prison for lying to a grand jury about a bombing."
    articles = [an_article(one, source="Arden Wire", days=0), an_article(other, source="Tethys Agency", days=1),
                an_article("The Dorne court heard the Arden dam case on Monday, its clerk Mira Holm said.", source="Dorne Daily",
                           days=2)]
    facts = facts_of(articles)
    sentencings = [f for f in facts if "sentenced" in f.text]
    assert sentencings and all(len({r.source for r in f.sources}) == 1 for f in sentencings)


def test_an_agreement_to_this_effect_is_no_line():
    assert not any("to this effect" in line for line in fact_texts(
            "An agreement to this effect was signed last Friday in Nairobi by Mira Holm, director of the Arden institute."))


def test_a_role_in_a_clause_about_years_before_is_not_the_role_now():
    articles = [an_article("Mira Holm has lived under guard since 1989, when the religious leader Tom Varley decreed her death.",
                           "The late Tom Varley called for her death in a decree read on Arden radio.",
                           published="1998-10-10T12:00:00+00:00", source=source) for source in ("Arden Wire", "Tethys Agency")]
    facts = facts_of(articles)
    assert not any("religious leader" in f.text for f in facts if f.category == "who")


# --- the held-out reading's classes (fresh9) ----------------------------------------------------

def test_an_object_that_is_a_list_cut_short_is_no_event():
    assert _event("Arden police arrested 28 people involved in more than 30 cases of blackmail, gambling, illegal "
                  "use of guns and other crimes.") is None


def test_one_places_figure_is_no_conflict_with_the_nations():
    assert not _updates_or_conflicts(
        ("Obesity in Arden rose by 50 percent increase over the decade, the Varn Institute said.", "Arden Wire", 0),
        ("Obesity in Arden showed a 50 percent increase over the decade, the Varn Institute said.", "Dorne Daily", 0),
        ("Tethys led the nation with a 101.8 percent increase in obesity over the decade.", "Tethys Agency", 0))


def test_a_lead_that_opens_on_thats_is_no_lead():
    assert not any(line.startswith("What happened: That's") for line in fact_texts(
            "That's right: 47 percent of Arden County adults are overweight, according to a county health poll released "
            "Thursday."))


def test_a_transcripts_answer_dates_nothing():
    lines = fact_texts("A. Varley took off from Essex County Airport in Arden at 8:38 p.m. Friday night, flying a small plane.",
                       published="1999-07-17T12:00:00+00:00")
    assert not any("A. Varley" in line for line in lines)


def test_a_later_reports_role_is_the_role_now():
    # the story of an election: the prime minister of the first reports is president by the last
    early = [an_article("Prime Minister Tom Varley of Arden said he would run for president, the Tethys agency said.",
                        source=source, days=0) for source in ("Tethys Agency", "Arden Wire")]
    late = [an_article("President Tom Varley of Arden said on Monday he would name a new cabinet within a week.",
                       source=source, days=60) for source in ("Tethys Agency", "Arden Wire")]
    roles = [f.text for f in facts_of(early + late) if f.category == "who" and "Tom Varley" in f.text]
    assert roles and all(line.endswith("(President)") for line in roles)
