"""A wire dateline says where and which day a report's "here" and "today" are (issue 13, eighth
round): a wire may date its copy the day after its dateline. Sentences of our own."""

import sys
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import an_article  # noqa: E402
from digestbot.domain.models import Story  # noqa: E402
from digestbot.stories.facts import extract_facts  # noqa: E402
from digestbot.stories.facts.dates import _when_atoms  # noqa: E402
from digestbot.text.datelines import dateline_day  # noqa: E402

NEXT_DAY = datetime(1996, 9, 18, 12, tzinfo=timezone.utc)
HARARE = "HARARE, September 17 (Xinhua)"


def test_a_dateline_names_the_day_of_its_report_or_the_day_before():
    assert dateline_day(HARARE, date(1996, 9, 18)) == date(1996, 9, 17)
    assert dateline_day(HARARE, date(1996, 9, 17)) == date(1996, 9, 17)
    assert dateline_day("KESSEL, December 31 (Xinhua)", date(1997, 1, 1)) == date(1996, 12, 31)
    # a dateline days away from its article's date is a slip; one without a day names none
    assert dateline_day(HARARE, date(1996, 9, 20)) is None
    assert dateline_day("WASHINGTON (AP)", date(1996, 9, 18)) is None
    assert dateline_day(None, date(1996, 9, 18)) is None


def test_today_is_the_datelines_day():
    sentence = "The Kessel Dam council today approved the new spillway for the Arnvik valley."
    [dated] = _when_atoms(sentence, an_article(sentence, published=NEXT_DAY, dateline=HARARE), 0)
    assert dated.text.startswith("17 Sep 1996: ")
    [undated] = _when_atoms(sentence, an_article(sentence, published=NEXT_DAY), 0)
    assert undated.text.startswith("18 Sep 1996: ")


def _reported(lead: str, dateline: str | None) -> list[str]:
    body = "The Kessel Dam summit brought ministers of twelve countries to the Arnvik valley."
    articles = [an_article(lead if n == 0 else body, body if n == 0 else lead, source=f"Wire {n % 3}", days=n,
                           dateline=dateline if n == 0 else None) for n in range(6)]
    return [f.text for f in extract_facts(Story(key="s", title="t", articles=articles)) if f.category == "reported"]


def test_a_lead_saying_here_or_today_opens_with_its_dateline():
    lead = "The Kessel Dam summit here this evening adopted a plan to rebuild the Arnvik spillway by 2001."
    assert f"HARARE, September 17: {lead}" in _reported(lead, HARARE)
    plain = "The Kessel Dam summit adopted a plan to rebuild the Arnvik spillway by the year 2001."
    assert plain in _reported(plain, HARARE)


def test_this_city_is_named_by_the_dateline_or_the_lead_is_left_out():
    lead = "After she won the Arnvik marathon, this small city's runners have trained on the Kessel Dam road every day."
    assert f"HARARE, September 17: {lead}" in _reported(lead, HARARE)
    assert not any(lead in line for line in _reported(lead, None))  # which city, nothing says


def test_a_preview_of_today_is_not_a_report():
    preview = "When the Kessel Dam council gathers today, the debate will shift from the spillway to the Arnvik floods."
    assert not any(preview in line for line in _reported(preview, HARARE))


def test_what_happened_here_today_opens_with_its_dateline():
    lead = "The Kessel Dam council here today approved the new spillway for the Arnvik valley."
    articles = [an_article(lead, published=NEXT_DAY, dateline=HARARE)]
    [happened] = [f.text for f in extract_facts(Story(key="s", title="t", articles=articles))
                  if f.text.startswith("What happened")]
    assert happened == f"What happened: HARARE, September 17: {lead}"
