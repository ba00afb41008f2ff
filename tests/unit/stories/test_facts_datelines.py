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


def test_a_datelines_place_is_its_words_before_the_day():
    from digestbot.text.datelines import place_of

    assert place_of(HARARE) == "HARARE"
    assert place_of("TRENTON, N.J., Aug. 24 (AP)") == "TRENTON, N.J."
    assert place_of("BOSTON") == "BOSTON"
    assert place_of(None) == ""


def test_an_unnamed_state_opens_with_the_dateline_that_names_it():
    from digestbot.text.datelines import with_dateline

    counted = "The number of dead birds in the Arnvik survey rose to 322, state health officials said Thursday."
    assert with_dateline(counted, "TRENTON, N.J.") == f"TRENTON, N.J.: {counted}"
    statewide = "Murders dropped by 44 percent statewide between 1995 and 1997."
    assert with_dateline(statewide, "AUSTIN, Texas").startswith("AUSTIN, Texas: ")
    named = "If the state of Georgia executes Kell on Thursday, five men will have been put to death this year."
    assert with_dateline(named, "ATLANTA") == named


def test_a_development_saying_here_names_its_datelines_place_after_its_date():
    from digestbot.stories.facts.dates import _dated_lead

    here = "The Kessel Dam council met here to discuss the spillway, the ministry said."
    article = an_article(here, published=NEXT_DAY, dateline=HARARE)
    assert _dated_lead(here, article).startswith("17 Sep 1996 report, HARARE: The Kessel")
    elsewhere = "The Kessel Dam council met in Arnvik to discuss the spillway, the ministry said."
    assert _dated_lead(elsewhere, article).startswith("17 Sep 1996 report: The Kessel")


def test_an_unnamed_parliament_opens_with_the_dateline_that_names_its_country():
    from digestbot.text.datelines import with_dateline

    bill = "A drastic anti-smoking bill cleared a key legislative hurdle in Parliament on Friday."
    assert with_dateline(bill, "CAPE TOWN, South Africa") == f"CAPE TOWN, South Africa: {bill}"
    named = "The European Parliament voted to block the Union's aid to Arnvik."
    assert with_dateline(named, "BRUSSELS") == named


def test_a_date_line_saying_here_names_the_place_not_the_day_again():
    arrived = "Tuyaa arrived here today for an official visit to Arnvik at Tang's invitation."
    [dated] = _when_atoms(arrived, an_article(arrived, published=NEXT_DAY, dateline=HARARE), 0)
    assert dated.text.startswith("17 Sep 1996, HARARE: Tuyaa arrived here today")


def test_a_what_line_naming_this_country_opens_with_its_dateline():
    lead = "Denmark began to play an active role in helping this Asian country in 1991, the ministry said."
    what = [f.text for f in extract_facts(Story(key="s", title="t", articles=[
        an_article(lead, published=NEXT_DAY, dateline="ULAN BATOR, September 17 (Xinhua)")])) if f.category == "what"]
    assert any(t.startswith("ULAN BATOR, September 17: ") and "this Asian country" in t for t in what), what
