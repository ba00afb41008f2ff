"""analyse_text: clean -> split -> dedupe -> key points, end to end."""

import dataclasses
from pathlib import Path

import pytest

from digestbot.analysis import Analysis, analyse_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

PAGE = """\
Our Cookie Policy
I agree
Lighthouse reopens to visitors after restoration
Maria Lind
The lighthouse at Cape Stora reopened to visitors on Saturday after a two-year restoration.
Volunteers repainted the tower and replaced the 19th-century lens housing.
Volunteers repainted the tower and replaced the 19th-century lens housing.
The keeper's cottage now houses a small museum about the coast guard.
Visitors climb the 140 steps to the lamp room, guided by local students.
Tickets cost 50 crowns, and the site is open daily until September.
The lighthouse at Cape Stora, May 2, 2026. /Coast Photo
Related articles
Harbour festival returns
"""


def test_analysis_is_a_frozen_dataclass():
    a = analyse_text(PAGE)
    assert isinstance(a, Analysis)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.title = "x"  # type: ignore[misc]


def test_analyse_text_end_to_end():
    a = analyse_text(PAGE, n=2)
    assert a.title == "Lighthouse reopens to visitors after restoration"
    assert a.author == "Maria Lind"
    assert a.is_opinion is False
    assert a.sentences[0].startswith("The lighthouse at Cape Stora reopened")
    assert len(a.sentences) == 5  # the repeated line and all junk are gone
    assert len(a.key_points) == 2
    assert all(k in a.sentences for k in a.key_points)
    assert not any("cookie" in s.lower() or "/Coast" in s for s in a.sentences)


@pytest.mark.parametrize("method", ["lead", "lexrank", "edmundson"])
def test_method_is_passed_through(method):
    a = analyse_text(PAGE, n=3, method=method)
    assert 1 <= len(a.key_points) <= 3


def test_unknown_method_raises():
    with pytest.raises(ValueError):
        analyse_text(PAGE, method="nope")


def test_empty_text():
    a = analyse_text("")
    assert a.sentences == [] and a.key_points == [] and a.title is None


@pytest.mark.parametrize("name", ["000_c6207ea7c36c1f43.txt", "003_dcca783728d5cbeb.txt"])
def test_seed_key_points_are_clean(name):
    a = analyse_text((SEEDS / name).read_text(encoding="utf-8"))
    assert len(a.key_points) == 3
    for k in a.key_points:
        assert k in a.sentences
        for junk in ("cookie", "/CFP", "/Xinhua", "Search Trends", "contact us", "Editor's note"):
            assert junk.lower() not in k.lower()


def test_opinion_seed_analysis():
    a = analyse_text((SEEDS / "003_dcca783728d5cbeb.txt").read_text(encoding="utf-8"))
    assert a.is_opinion is True and a.author == "Gabriela Bernal"
