"""Facts of a story that is a topic more than one event (issue 13, fourth round): the wrong-line
classes seen on the third held-out set, each on sentences of our own, and the recall classes of
stories whose leads are statements ("X said ...") rather than events."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article, fact_texts, facts_of  # noqa: E402
from digestbot.text.meaning import is_modal  # noqa: E402


# --- an amount says what it is for, not the modifier written before its noun -----------------

def test_an_amount_is_labelled_with_its_noun_not_a_modifier():
    lines = fact_texts("The Arden probe has completed its $2.1 billion primary mission around the moons of Tethys.",
                       category="how_many")
    assert "$2.1 billion primary mission" in lines
    assert "$2.1 billion primary" not in lines


def test_a_modifier_shared_with_a_later_noun_is_no_label():
    lines = fact_texts("Officials have spent $12.6 million in state and federal expenses on the hunt for Tom Varley.",
                       category="how_many")
    assert not any(line.startswith("$12.6 million in state") for line in lines)


def test_what_follows_in_is_read_to_its_noun():
    lines = fact_texts("The Harlow budget plan adds $39 billion in increased spending over five years.",
                       category="how_many")
    assert "$39 billion in increased spending" in lines


def test_a_time_before_an_amount_is_not_what_it_is_for():
    lines = fact_texts("The Harlow budget office now projects a surplus next year of $117 billion for the Dorne treasury.",
                       category="how_many")
    assert not any(line.startswith("Year of") for line in lines)


def test_two_amounts_of_one_noun_with_different_modifiers_are_two_figures():
    facts = facts_of([an_article("The Arden probe completed its $2.1 billion primary mission and began a $40 million "
                                 "extended mission around Tethys.")])
    amounts = [f for f in facts if f.category == "how_many"]
    assert not any(f.timeline or f.conflicts for f in amounts)  # no "Update: ... (was ...)"


# --- "What happened" states an event, not a remark's setting or a background clause ----------

def _what_happened(*sentences):
    return next((f.text for f in facts_of([an_article(*sentences)]) if f.text.startswith("What happened")), None)


def test_the_setting_of_a_remark_is_not_what_happened():
    line = _what_happened("Dorne's budget chief Ana Varga made the remarks at a meeting of the Harlow Chamber of Commerce.",
                          "The Dorne parliament approved a balanced budget for 2001 on Monday.")
    assert line is not None and "approved a balanced budget" in line


def test_the_occasion_of_a_question_is_not_what_happened():
    line = _what_happened("During a news conference on Tuesday, the actor Jon Rell was asked what it felt like to end the show.",
                          "The Harlow Network ended the Varley Hour after nine seasons on Thursday.")
    assert line is not None and line.startswith("What happened: The Harlow Network ended")


def test_an_event_named_only_in_an_opening_phrase_is_background():
    line = _what_happened("In the aftermath of Monday's flood in Tarland, some of the farmers pondered a move north.",
                          "Floodwaters destroyed 300 homes in the Tarland valley on Monday, officials in Dorne said.")
    assert line is not None and "destroyed 300 homes" in line


def test_what_someone_must_have_felt_is_no_event():
    line = _what_happened("The Harlow actor Tom Varley must have found the whole ending unsettling, his fans said.")
    assert line is None


# --- a topic's leads state actions more than disasters: an action is an event too ------------

def test_an_action_of_the_story_is_what_happened():
    line = _what_happened("The Ruskin Quartet sued the Veltro file-swapping service in a federal court in Dorne on Monday.")
    assert line == "What happened: The Ruskin Quartet sued the Veltro file-swapping service in a federal court in Dorne on Monday."


def test_something_set_to_happen_has_not_happened():
    # a lead "experts found a virus set to strike on July 12" was dated as a past July 12
    assert is_modal("Experts in Dorne found a computer virus set to hit Harlow computers on July 12")
    assert not is_modal("The Harlow council set the date for the Dorne vote on Monday")
