"""Tokens, names and quantities of the text core (sentences written for these tests)."""

from __future__ import annotations

from digestbot.text.entities import entities
from digestbot.text.quantities import quantities
from digestbot.text.tokens import tokenize


def test_tokens_are_parallel_tuples_whose_offsets_point_into_the_sentence():
    sentence = "Mayor Ilse Varn’s 200-strong team met “farmers” at 9.30 and raised $5 million."
    toks = tokenize(sentence)
    assert toks.text[:4] == ("Mayor", "Ilse", "Varn's", "200-strong")
    assert toks.lower[0] == "mayor" and toks.lower[2] == "varn's"
    assert len(toks) == len(toks.text) == len(toks.lower) == len(toks.start) == len(toks.end)
    for word, start, end in zip(toks.text, toks.start, toks.end):
        # curly quotes are read as straight ones, one character for one, so offsets hold
        assert sentence[start:end].replace("’", "'") == word
    assert "$" in toks.text and "9.30" in toks.text and "million" in toks.text


def test_no_token_ends_with_a_period():
    toks = tokenize("The U.S. envoy left at 5 p.m. for Oslo.")
    assert "U.S" in toks.text and "p.m" in toks.text
    assert not any(word.endswith(".") for word in toks.text)


def test_empty_and_punctuation_only_text_has_no_tokens():
    assert len(tokenize("")) == 0
    assert len(tokenize(" -- ... ")) == 0
    assert entities("") == [] and quantities("") == []


def test_names_with_titles_connectors_and_possessives():
    found = entities("Farm Minister Ilse Varn met the Bank of Tarland's chief in Oslo on Monday.")
    assert [(e.norm, e.is_person, e.role) for e in found] == [
        ("ilse varn", True, "Farm Minister"), ("bank of tarland", False, ""), ("oslo", False, "")]
    bank = found[1]
    sentence = "Farm Minister Ilse Varn met the Bank of Tarland's chief in Oslo on Monday."
    assert sentence[bank.start : bank.end] == "Bank of Tarland's"


def test_a_role_in_the_past_keeps_its_former():
    """A former president is not the president: the facts showed 'Jimmy Carter (U.S President)'."""
    mid = entities("A mission headed by former Tarland President Ilse Varn will observe the vote.")[0]
    opening = entities("Former Tarland President Ilse Varn arrived in Oslo.")[0]
    now = entities("Tarland President Ilse Varn arrived in Oslo.")[0]
    assert (mid.role, opening.role, now.role) == ("former Tarland President", "former Tarland President", "Tarland President")


def test_a_lone_capitalised_opener_is_a_name_only_when_known():
    sentence = "Varn said the harvest was late."
    assert entities(sentence) == []
    assert [e.norm for e in entities(sentence, {"varn"})] == ["varn"]


def test_quantities_of_each_shape():
    found = quantities(
        "More than 200 business leaders joined the four-day state visit, the 150th anniversary "
        "of the 1910-1945 treaty, and $3 billion was pledged in 1998 for about 12 schools."
    )
    shapes = [(q.value, q.unit, q.kind, q.qualifier) for q in found]
    assert shapes == [
        (200, "executive", "count", "more than"),
        (4, "day", "measure", ""),
        (150, "anniversary", "ordinal", ""),
        (3_000_000_000, "dollar", "money", ""),
        (1998, "year", "year", ""),
        (12, "school", "count", "about"),
    ]
    assert found[1].event == "visit" and found[1].text == "four-day state visit"


def test_dates_and_identifiers_are_not_counts():
    assert quantities("Talks resume on 16 February at Gate 7.") == []
