"""Sentence splitter edge cases (text written for these tests)."""

import pytest

from digestbot.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Gen. Park and Dr. Lee. They talked for an hour.",
            ["Mr. Smith met Gen. Park and Dr. Lee.", "They talked for an hour."],
        ),
        (
            "The talks open on Jan. 5, 2026 in Seoul. Officials expect a deal.",
            ["The talks open on Jan. 5, 2026 in Seoul.", "Officials expect a deal."],
        ),
        (
            "J. R. R. Tolkien wrote it. Kim Jong Un read it.",
            ["J. R. R. Tolkien wrote it.", "Kim Jong Un read it."],
        ),
        (
            "Growth was 3.5 percent, up from 2.1 percent. Prices rose 0.4%.",
            ["Growth was 3.5 percent, up from 2.1 percent.", "Prices rose 0.4%."],
        ),
        (
            'She said, "We will not back down." The crowd cheered.',
            ['She said, "We will not back down."', "The crowd cheered."],
        ),
        (
            "He said “It is over.” Then he left.",
            ["He said “It is over.”", "Then he left."],
        ),
        (
            "Is this the end? No! It goes on.",
            ["Is this the end?", "No!", "It goes on."],
        ),
        (
            "We waited... and waited. Nothing came... The bus never arrived.",
            ["We waited... and waited.", "Nothing came...", "The bus never arrived."],
        ),
        (
            "The U.S. President spoke to the U.N. Security Council. He asked for calm.",
            ["The U.S. President spoke to the U.N. Security Council.", "He asked for calm."],
        ),
        (
            "The firm moved its base to the U.S. The move took a year.",
            ["The firm moved its base to the U.S.", "The move took a year."],
        ),
        (
            "Acme Inc. said sales rose. The meeting ends at 5 p.m. on Friday.",
            ["Acme Inc. said sales rose.", "The meeting ends at 5 p.m. on Friday."],
        ),
        ("It ranked No. 3 in the world.", ["It ranked No. 3 in the world."]),
        ("2. Second item on the list. It matters.", ["2. Second item on the list.", "It matters."]),
        (
            "He was born in Washington, D.C. He moved to the U.S. Army base at 10 a.m. Monday.",
            ["He was born in Washington, D.C.", "He moved to the U.S. Army base at 10 a.m. Monday."],
        ),
        ('"I am done." She left the room.', ['"I am done."', "She left the room."]),
        ("'Yes,' she said. 'No,' he said.", ["'Yes,' she said.", "'No,' he said."]),
        ("The score was 2-1. 45,000 fans watched.", ["The score was 2-1.", "45,000 fans watched."]),
        ("No sentence punctuation at all", ["No sentence punctuation at all"]),
        ("  ", []),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sentences_never_cross_paragraphs():
    text = "The first paragraph ends without a period\nThe second one starts here. It goes on.\n\nA third."
    assert split_sentences(text) == [
        "The first paragraph ends without a period",
        "The second one starts here.",
        "It goes on.",
        "A third.",
    ]


def test_whitespace_is_normalised():
    assert split_sentences("One  sentence\there.   Another one.") == ["One sentence here.", "Another one."]


def test_lower_case_after_period_does_not_split():
    assert split_sentences("He used e.g. examples and etc. in the text.") == [
        "He used e.g. examples and etc. in the text."
    ]
