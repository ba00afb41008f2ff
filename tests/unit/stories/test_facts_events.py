"""Events as facts (issue 13, third round): who did what, from a sentence's main clause, with
negation, plans and attribution respected; an event one outlet states is shown only between the
story's main actors. Sentences of our own."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts.events import event_of  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402


def test_a_court_order_is_an_event_with_its_actor_and_object():
    event = event_of("In a blow to the ferry operators, a federal judge on Tuesday ordered the Harbor Line "
                     "company to stop selling tickets for its northern route.")
    assert event.text == "A federal judge ordered the Harbor Line company to stop selling tickets for its northern route"
    assert event.actor == "judge" and event.verb.startswith("order") and event.target.startswith("harbor")


def test_a_band_suing_a_service_is_an_event_named_by_the_band():
    event = event_of("The folk band Ruskin Quartet sued the Veltro file-swapping service for copyright infringement.")
    assert event.text.startswith("The folk band Ruskin Quartet sued the Veltro")
    assert event.actor == "quartet"


def test_negated_and_merely_planned_actions_are_no_events():
    assert event_of("The Tarn Valley council never signed the water deal with Dorne.") is None
    assert event_of("Lakeside Power workers have not ended the strike at the Millbrook plant.") is None
    assert event_of("The Tarn Valley council is expected to approve the water deal.") is None


def test_a_deal_that_could_end_a_strike_was_still_reached():
    event = event_of("Lakeside Power and the machinists' union reached a deal that could end the Millbrook strike.")
    assert event.text == "Lakeside Power and the machinists' union reached a deal"


def test_a_reported_event_keeps_who_reported_it():
    event = event_of("The Tarn Valley council fired its port director, Mayor Ellen Tarr said.")
    assert event.text == "The Tarn Valley council fired its port director (Mayor Ellen Tarr said)"


def test_a_weekday_is_left_out_of_the_line_rather_than_shown_relative():
    event = event_of("Police in Dunmore arrested three dock workers on Friday at the container port.")
    assert event.text == "Police in Dunmore arrested three dock workers at the container port"


def test_a_subordinate_or_reduced_clause_is_not_the_main_event():
    assert event_of("One month after the Harbor Line ferry sank near Dunmore, divers returned.") is None
    assert event_of("Veltro is also fighting suits filed by the Ruskin Quartet and two labels.") is None


def test_a_long_object_is_cut_at_a_phrase_break_never_mid_phrase():
    event = event_of("Dorne prosecutors charged two dock workers with nine counts of theft in connection "
                     "with the missing containers of the Harbor Line company.")
    assert event.text == "Dorne prosecutors charged two dock workers with nine counts of theft"


def _story(*reports):
    articles = [an_article(text, source=source, days=day) for day, source, text in reports]
    filler = [an_article(f"Weather for day {d}: rain is forecast over the Dorne valley and Tarn.",
                         source="Tarn Weather", days=d) for d in range(20, 24)]
    return Story(key="s", title="t", articles=sorted(articles + filler, key=lambda a: a.published))


def test_an_event_two_outlets_state_is_a_fact_citing_both():
    facts = extract_facts(_story(
        (1, "Wire A", "The Ruskin Quartet sued the Veltro service for copyright infringement on Monday."),
        (2, "Paper B", "The Ruskin Quartet sued the Veltro service for copyright infringement and racketeering.")))
    [event] = [f for f in facts if f.text.startswith("The Ruskin Quartet sued the Veltro")]
    assert {r.source for r in event.sources} == {"Wire A", "Paper B"}


def test_one_outlets_event_is_shown_only_between_the_storys_main_actors():
    main = (3, "Paper B", "A federal judge ordered Veltro to shut down its song-swapping service.")
    aside = (4, "Paper B", "A Tarn judge ordered the Dorne ferry captain to pay a small fine.")
    leads = [(d, "Wire A", f"Veltro told the judge in the Ruskin Quartet's case it needed time, report {d} said.")
             for d in (5, 6)]
    # (the "Also reported" leads are each report's own first sentence, with its source: not events)
    lines = [f.text for f in extract_facts(_story(main, aside, *leads)) if f.category != "reported"]
    assert any(line.startswith("A federal judge ordered Veltro") for line in lines)
    assert not any("ferry captain" in line for line in lines)


def test_a_reporter_is_named_in_full():
    event = event_of("Dorne's currency reserves fell to a record low, the Central Bank of Dorne said.")
    assert event is None or event.text.endswith("(the Central Bank of Dorne said)")
    event = event_of("The Tarn Valley council fired its port director, the Central Bank of Dorne said.")
    assert event.text.endswith("(the Central Bank of Dorne said)")


def test_a_contracted_negation_is_not_its_verb():
    assert event_of("The Dorne Fish and Wildlife Service won't prosecute the Harlow camper.") is None


def test_a_contraction_negates_its_clause():
    from digestbot.text.meaning import is_negated

    assert is_negated("The envoy didn't visit Harlow") and is_negated("Dorne can\u2019t leave the union")
    assert not is_negated("The envoy visited Harlow on Friday")


def test_a_subject_that_holds_a_verb_is_no_actor():
    assert event_of("Dorne law prohibits the sale of tickets charged at double fare.") is None


def test_an_event_a_report_dates_weeks_before_itself_is_not_shown_as_its_news():
    # reports of 3 and 4 Mar 2026 (BASE_TIME + days); the line stops before the date, so it would
    # read as news of its report's day
    def events(day: str) -> list[str]:
        text = (f"The Dorne navy attacked the Tarn river port and two suspected smuggling camps near Harlow, "
                f"Vale, on {day} in an effort to curb the smugglers.")
        return [f.text for f in extract_facts(_story((1, "Wire A", text), (2, "Paper B", text)))
                if f.category == "what" and f.text.startswith("The Dorne navy")]
    assert events("Jan. 10") == []  # seven weeks before: background; its date line says when
    assert events("Feb. 27") == ["The Dorne navy attacked the Tarn river port and two suspected smuggling camps near Harlow"]


def test_a_subject_counted_back_to_a_sentence_before_is_no_actor():
    assert event_of("The two European countries also agreed to strengthen their relations with Tarland.") is None
    # people of the story named by what they are stay actors
    assert event_of("The two Tarland divers sued the Veltro service for copyright infringement.") is None
    assert event_of("The two Ostrans sued the Veltro service for copyright infringement.").text.startswith("The two Ostrans sued")
