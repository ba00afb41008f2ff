"""Boilerplate removal on a synthetic page and on the two real seeds."""

from pathlib import Path

import pytest

from digestbot.text.cleaning import RULE_NAMES, clean_text, normalise_key
from digestbot.text.dedupe import dedupe_sentences
from digestbot.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[3] / "seeds"

PAGE = """\
We use cookies to improve your experience. By continuing to browse our site you agree to our use of cookies.
Accept all cookies

Harbour city opens its new tidal barrier after five years of work
Harbour city opens its new tidal barrier after five years of work
By Ana Torres

Workers stand on the new barrier in Port Ellis, March 3, 2026. /Northwind Photo
Workers stand on the new barrier in Port Ellis, March 3, 2026. /Northwind Photo
Workers stand on the new barrier in Port Ellis, March 3, 2026. /Northwind Photo
Reuters

Editor's note: Ana Torres is a columnist for the Coastal Review. The article reflects the author's opinions and not necessarily the views of the paper.

PORT ELLIS, Norland (Reuters) -- The city of Port Ellis opened its tidal barrier on Tuesday, ending five years of construction.
The barrier can close in twelve minutes and protects about 40,000 homes from storm surges.
The barrier can close in twelve minutes and protects about 40,000 homes from storm surges.
Engineers said the design would cope with a sea level rise of one metre.
Advertisement
Critics said the project cost twice its original budget of 300 million crowns.
Share this
(If you want to write for us, please contact us at letters@coastal.example. Follow @coastal_review on X for the latest stories.)
Read more
Tags
Flooding
Infrastructure
Related articles
City council approves new sea wall budget
"""


@pytest.fixture(scope="module")
def page():
    return clean_text(PAGE)


def test_synthetic_page_keeps_only_the_article(page):
    assert page.paragraphs == [
        "The city of Port Ellis opened its tidal barrier on Tuesday, ending five years of construction.",
        "The barrier can close in twelve minutes and protects about 40,000 homes from storm surges.",
        "Engineers said the design would cope with a sea level rise of one metre.",
        "Critics said the project cost twice its original budget of 300 million crowns.",
    ]


def test_synthetic_page_metadata(page):
    assert page.title == "Harbour city opens its new tidal barrier after five years of work"
    assert page.author == "Ana Torres"
    assert page.is_opinion is True


def test_given_title_is_removed_from_the_body():
    text = "Storm closes schools\nStorm closes schools\nA storm closed 40 schools on Monday, officials said."
    clean = clean_text(text, title="Storm closes schools")
    assert clean.paragraphs == ["A storm closed 40 schools on Monday, officials said."]
    assert clean.title == "Storm closes schools"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(CNN) -- The storm hit the coast on Monday.", "The storm hit the coast on Monday."),
        ("LONDON, England (Reuters) -- Shares fell sharply.", "Shares fell sharply."),
        ("WASHINGTON (AP) — Lawmakers passed the bill.", "Lawmakers passed the bill."),
        ("Kennesaw, Georgia (CNN) -- A train was stolen here.", "A train was stolen here."),
        ("(CNN)The match ended in a draw.", "The match ended in a draw."),
        ("(Travel + Leisure) -- I am not an early riser.", "I am not an early riser."),
        ("(EW.com) -- There is not much to do.", "There is not much to do."),
        ("BEIJING, Jan. 5 (Xinhua) -- China said so.", "China said so."),
        # Not a dateline: a sentence that starts with an abbreviation in brackets.
        ("The United Nations (UN) -- the world body -- met.", "The United Nations (UN) -- the world body -- met."),
    ],
)
def test_dateline_is_stripped_not_dropped(line, expected):
    assert clean_text(line + "\nA second paragraph follows here.").paragraphs[0] == expected


def test_news_sentence_mentioning_an_agency_is_kept():
    text = "The minister told AFP the talks would resume.\nHe spoke to Reuters by phone on Monday."
    assert clean_text(text).paragraphs == text.splitlines()


def test_contributor_credit_is_dropped():
    text = "The vote passed by 60 to 40.\nJane Roe and John Doe contributed to this report."
    assert clean_text(text).paragraphs == ["The vote passed by 60 to 40."]


def test_long_unpunctuated_paragraph_is_kept():
    line = " ".join(["word"] * 30)
    assert clean_text("First sentence here.\n" + line).paragraphs[-1] == line


def test_not_opinion_without_a_note():
    clean = clean_text("The council met on Monday.\nIt approved the budget.")
    assert clean.is_opinion is False and clean.author is None


def test_a_column_signs_off_as_one_and_an_editorial_says_so_in_its_title():
    body = "The Tarn council should have listened to its voters.\nIt did not, and the town paid for it."
    assert clean_text(body + "\nRob Kell is a Tarn Courier columnist.\nXXX END OF STORY").is_opinion
    assert clean_text(body + "\n(Ana Mirel is a columnist for the Vell Times, P.O. Box 21, Vell.)").is_opinion
    assert clean_text(body, "EDITORIAL: A BUDGET FOR TARN").is_opinion
    assert clean_text(body, "ANALYSIS: TARN'S WOUNDED COUNCIL").is_opinion
    # a reporter's credit or a quoted columnist is no sign-off
    assert not clean_text(body + "\nRob Kell writes for the Tarn Courier.").is_opinion
    assert not clean_text("Rob Kell, a Tarn Courier columnist, was elected mayor of Vell on Monday.\n"
                          "He won 56 percent of the vote, officials said.").is_opinion


def test_dedupe_sentences_keeps_first_and_drops_near_duplicates():
    sents = [
        "The barrier protects about 40,000 homes from storm surges.",
        "Officials opened it on Tuesday.",
        "The barrier protects about 40,000 homes from storm surges.",
        "The new barrier protects about 40,000 homes from big storm surges.",
        "Officials opened it on Tuesday!",
        "Critics said the cost doubled.",
    ]
    assert dedupe_sentences(sents) == [sents[0], sents[1], sents[5]]


def test_normalise_key_ignores_case_punctuation_and_spacing():
    assert normalise_key("Hello,  World!") == normalise_key("hello world")


JUNK = ("cookie", "/CFP", "/Xinhua", "Search Trends", "contact us", "Editor's note", "Reuters", "I agree", "Tags")


@pytest.mark.parametrize("name", ["000_c6207ea7c36c1f43.txt", "003_dcca783728d5cbeb.txt"])
def test_seeds_come_out_without_junk(name):
    clean = clean_text((SEEDS / name).read_text(encoding="utf-8"))
    sentences = split_sentences("\n".join(clean.paragraphs))
    assert len(sentences) >= 15
    for s in sentences:
        for junk in JUNK:
            assert junk.lower() not in s.lower(), (junk, s)
    assert len(set(sentences)) == len(sentences)
    assert clean.title and clean.title not in sentences


def test_opinion_seed_is_detected():
    clean = clean_text((SEEDS / "003_dcca783728d5cbeb.txt").read_text(encoding="utf-8"))
    assert clean.is_opinion is True
    assert clean.author == "Gabriela Bernal"
    assert clean.title == "Seoul kicks off 2026 with Beijing visit to rebuild ties"
    assert clean.paragraphs[0].startswith("President of the Republic of Korea (ROK) Lee Jae Myung")
    assert clean.paragraphs[-1].startswith("Ultimately, the significance of Lee's visit")


def test_news_seed_is_not_opinion():
    clean = clean_text((SEEDS / "000_c6207ea7c36c1f43.txt").read_text(encoding="utf-8"))
    assert clean.is_opinion is False
    assert clean.paragraphs[0].startswith("South Korean President Lee Jae Myung arrived in China")
    assert clean.paragraphs[-1].startswith("As the visit continues")


@pytest.mark.parametrize(
    "junk",
    [
        "Subscribe to our newsletter for the day's top stories.",
        "Follow us on Facebook and Twitter for more.",
        "Got a tip? Email us at tips@paper.example.",
        "Photo: Jane Roe/Northwind Agency",
        "The harbour at dusk on 4 May 2026 (Photo: Jane Roe)",
        "Advertisement",
        "Read more:",
    ],
)
def test_promo_and_caption_lines_are_dropped(junk):
    body = "The council approved the plan on Monday.\n{}\nWork starts in June.".format(junk)
    assert clean_text(body).paragraphs == ["The council approved the plan on Monday.", "Work starts in June."]


def test_ordinary_sentences_with_trigger_words_are_kept():
    text = (
        "Customers who subscribe to the service pay $10 a month.\n"
        "He said he would follow the rules.\n"
        "The photo was taken in 1969."
    )
    assert clean_text(text).paragraphs == text.splitlines()


# --- junk rules reach junk-shaped lines only (issue 12) --------------------------------------

PROSE_WITH_JUNK_WORDS = [
    "Karim Haddad was buying cookies for his daughter at a stall near the fountain when the "
    "blast went off, two witnesses said, and the site of an earlier attack lies only a street away.",
    "Both sides signed a peace agreement in March, and officials said they would follow its "
    "timetable and share the water of the river under the terms of the accord.",
    "The regulator said the bank had broken privacy rules by selling customer data, and that the "
    "terms of use it showed on its site did not say so.",
    "Fans who follow the club on social media were asked to share their memories of the old "
    "stadium before it is pulled down next spring.",
]
JUNK_LINES = [
    "We use cookies to give you the best experience on our site. By continuing you agree to our Cookie Policy.",
    "Accept all cookies",
    "Follow us on Twitter",
    "Share this article",
    "Read our privacy policy",
]


def test_prose_that_mentions_cookies_privacy_agreements_sites_follow_share_is_kept():
    text = "\n".join(JUNK_LINES[:2] + PROSE_WITH_JUNK_WORDS + JUNK_LINES[2:])
    assert clean_text(text).paragraphs == PROSE_WITH_JUNK_WORDS


def test_a_one_paragraph_report_about_cookies_and_an_agreement_survives():
    """The whole article is one paragraph: a word in it must not delete it."""
    report = PROSE_WITH_JUNK_WORDS[0] + " " + PROSE_WITH_JUNK_WORDS[1]
    assert clean_text(report).paragraphs == [report]


@pytest.mark.parametrize("junk", JUNK_LINES)
def test_each_junk_line_goes(junk):
    assert clean_text(f"{PROSE_WITH_JUNK_WORDS[1]}\n{junk}").paragraphs == [PROSE_WITH_JUNK_WORDS[1]]


def test_a_lone_subheading_between_paragraphs_stays_and_a_menu_goes():
    text = "\n".join([
        "Home", "World", "Business", "Sport",
        "The river rose two metres overnight, flooding the lower town.",
        "What happens next",
        "Engineers will inspect the old bridge on Friday, the council said.",
        "Most read", "Weather", "Contact",
    ])
    assert clean_text(text).paragraphs == [
        "The river rose two metres overnight, flooding the lower town.",
        "What happens next",
        "Engineers will inspect the old bridge on Friday, the council said.",
    ]


def test_text_without_spaces_is_not_a_short_label():
    sentence = "北京市政府は月曜日、新しい地下鉄路線の建設を始めると発表し、完成は五年後になる見込みだと述べた。"
    run_on = "、".join([sentence[:-1]] * 4)  # a long paragraph that lost its full stop
    assert clean_text(f"{sentence}\n{run_on}").paragraphs == [sentence, run_on]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("WASHINGTON (AP) _ The Senate passed the bill late Friday.", "The Senate passed the bill late Friday."),
        ("NEW YORK -- Stocks rose for a third day.", "Stocks rose for a third day."),
        ("NEW YORK _ Stocks rose for a third day.", "Stocks rose for a third day."),
        ("PORT ELLIS, Norland _ The barrier held.", "The barrier held."),
        ("Ellisford, N.C. _ The search moved north.", "The search moved north."),
        ("Port Ellis, Norland _ The barrier held.", "The barrier held."),
        ("Ellisford, N.C. -- a dash in a sentence is no dateline.", "Ellisford, N.C. -- a dash in a sentence is no dateline."),
        ("HARBOUR TOWN, March 4 (xinhua) -- The port reopened.", "The port reopened."),
        ("NATO allies met on Monday.", "NATO allies met on Monday."),
        # a newspaper's mark for a story filed from no one place
        ("UNDATED: Many of the tears shed on the hill are crocodile tears.", "Many of the tears shed on the hill are crocodile tears."),
        ("UNDATED - Health officials call it an epidemic.", "Health officials call it an epidemic."),
    ],
)
def test_wire_datelines_are_stripped(line, expected):
    assert clean_text(line + "\nA second paragraph follows here.").paragraphs[0] == expected


def test_a_dateline_on_a_line_of_its_own_goes():
    assert clean_text("NEW YORK _\nStocks rose for a third day.").paragraphs == ["Stocks rose for a third day."]


def test_each_rule_can_be_switched_off_for_measurement():
    junk = "For the latest news, follow us on Twitter."
    text = f"{PROSE_WITH_JUNK_WORDS[1]}\n{junk}"
    assert clean_text(text).paragraphs == [PROSE_WITH_JUNK_WORDS[1]]
    assert "promo" in RULE_NAMES
    assert junk in clean_text(text, skip=frozenset({"promo"})).paragraphs


def test_the_dateline_is_kept_beside_the_text():
    clean = clean_text("HARBOUR TOWN, March 4 (Xinhua) -- The port reopened.\nA second paragraph follows here.")
    assert clean.dateline == "HARBOUR TOWN, March 4 (Xinhua)"
    assert clean_text("NATO allies met on Monday.\nA second paragraph follows here.").dateline is None
    assert clean_text("UNDATED: The port reopened.\nA second paragraph follows here.").dateline is None


@pytest.mark.parametrize(("title", "headline"), [
    ("Arnvik Dam Repairs Begin (2)", "Arnvik Dam Repairs Begin"),
    ("URGENT Kessel Court Rules on the Spillway", "Kessel Court Rules on the Spillway"),
    ("EDS: ADDS background, details on bill, quotes throughout; ADDS", None),
    ("EDS-more details added Premier Holds Talks with Norland PM (2)", None),
    ("Arnvik Dam Repairs Begin", "Arnvik Dam Repairs Begin"),
])
def test_a_wires_slugs_are_not_part_of_the_headline(title, headline):
    assert clean_text("The Arnvik dam repairs began on Monday after a long delay.", title).title == headline
