"""What the coverage keeps reporting: its most central leads as lines, when the facts leave room. Pure.

A long story about a topic (a film's release, a probe's mission, a country's bid to join a union)
has few events and few figures two outlets state. Its articles' first sentences carry what each
report was about: written to stand alone, they state that day's news, where a later sentence
leans on the ones before it (by hand reading, 20% of later sentences shown were wrong against 5%
of first ones). The most central leads are shown as written, each with every report that says the
same, when they stand alone (no pronoun for a subject, no quote without its speaker) and are news,
not a column's view.
"""

from __future__ import annotations

import re

from ...domain.models import Article, ArticleKind, Fact
from ...text.datelines import place_and_day, says_this_place, strip_dateline, with_dateline
from ...text.meaning import speaker
from ...text.sentences import NAME_INSIDE, pronoun_for_no_one
from ...text.tokens import normalise_quotes
from ..clustering import source_ref
from ..summary import Sentence, central_sentences
from . import fact_words
from .group import content_words
from .leads import _same_news, _worth_reading

REPORTED_WORDS = 600  # the summary read for lines: about twice the ten lines a topic story leaves room for
ABOUT_THE_SAME = 0.2  # TF-IDF cosine at which another article's sentence covers the same thing
SAYS_THE_SAME = 0.5  # ... at which it says the same thing: that article is cited too
ALREADY_SAID = 0.6  # share of a sentence's words one fact line already has: it repeats that line
# a news lead says who did what, when and where in one sentence; a shorter opening is a feature's
# hook ("It's time to cut another check for Jerry Seinfeld."): 12 of 15 read by hand were wrong or
# vague, against 31 of 399 leads of 20 words or more
NEWS_LEAD_WORDS = 16

# who said it is unknown: "he said", "In a phone interview, he says"
_PRONOUN_SPEAKER = re.compile(rf"\b(?:he|she|they|it)\s+(?:{fact_words.REPORTING_VERBS})\b", re.I)
# a quote is someone's words when the sentence reports speech, else a title or a term ("Seinfeld")
_REPORTS_SPEECH = re.compile(rf"\b(?:{fact_words.REPORTING_VERBS}|according to)\b")
_NUMBER = re.compile(r"\d[\d,.]*")
_QUOTE = re.compile(r'"([^"]*)"')
# What the sentence is about is named in another one:
# "Twelve athletes tested positive during those games", "Both already ...", "the units in that 15 percent"
_POINTS_BACK = re.compile(r"^(?:Both|Such)\s+[a-z]|^The next\b|\b(?:those|such)\s+(?:games|talks|events|measures|cases|"
                          r"attacks|reports?|countries)\b|\bthe same\s+(?:plane|flight|ship|aircraft)\b|\bthat (?:total|\d)")
# "The parents attributed ...", "The market leaped ...": a subject of one common noun (a verb in -s is
# left alone: "The tentative agreements reached ..." reads the same)
_UNNAMED_SUBJECT = re.compile(r"^The\s+[a-z]+\s+[a-z]+ed\b(?!['\u2019]|\s+of\b)")
# "Six of the country's 50 biggest exporters ...", "The city's murder rate ...", when no name in the
# sentence says which
_UNNAMED_PLACE = re.compile(r"\bthe\s+(?:city|country|nation|province|company)(?:'s|\u2019s)|^The\s+[a-z]+(?:'s|\u2019s)\s")
# a preview, not a report: "When the committee gathers today, the debate will shift to ..." (and a
# paper's "today" is the day it is read, after its file date)
_PREVIEW = re.compile(r"^When\b[^,]*\b(?:today|tonight)\b[^,]*,[^,]*\bwill\b")
# a feature's teaser before a colon ("It's a shocking statistic: ...", "Literature it was not: ...")
_TEASER = re.compile(r"^(?:[^\s:\"]+\s+){0,5}[^\s:\"]+:\s")
# a feature's opening scene, set long before the report ("For years, the residents of this town did not
# take seriously ...", "Six years ago, a classmate ...", "Once an avid cyclist, ...", "Since the day she ...")
_LONG_AGO = re.compile(r"^(?:For (?:years|decades|generations)|(?:\w+ )?(?:years|decades) ago|Once(?![\w-]|\s+(?:again|more)\b)|Since the day|"
                       r"Long before|In the (?:19|20)\d0s)\b", re.I)
# two sentences fused mid-word by the source ("Two new drugs that e Press Trust of India ..."): a lone
# lower-case letter other than "a" is no English word
_GARBLED = re.compile(r"\s[b-hj-z]\s+[A-Z]")
# a guess, not a report: the main clause's verb is "may have convinced", "would have forbidden"
_SPECULATION = re.compile(r"^[A-Z][\w.'-]*(?:\s+(?!that\b|which\b|who\b)[\w.',-]+){0,6}\s+(?:may|might|could|would)\s+have\b")


def reported_facts(articles: list[Article], shown: list[Fact], room: int) -> list[Fact]:
    """Up to `room` of the story's most central leads, best first, as "reported" facts, each
    saying something the `shown` lines do not."""
    out: list[Fact] = []
    said = [content_words(f.text) for f in shown]
    for sentence, near in central_sentences(articles, REPORTED_WORDS, ABOUT_THE_SAME, leads_only=True):
        if len(out) >= room:
            break
        text = strip_dateline(normalise_quotes(sentence.text)).lstrip("-\u2014 ")
        words = content_words(text)
        place = place_and_day(sentence.article.dateline)
        if (sentence.article.kind != ArticleKind.NEWS or fact_words.DOCUMENT_TITLE.match(sentence.article.title)
                or not _stands_alone(text) or says_this_place(text) and not place
                or any(len(words & w) > ALREADY_SAID * len(words) for w in said)):
            continue  # ("this city's heart": which city only a dateline says)
        said.append(words)
        text = with_dateline(text, place)
        out.append(Fact("reported", text, _cited(sentence, near), evidence=text))
    return out


def _stands_alone(text: str) -> bool:
    """A sentence a reader can take whole: a news lead's length, it names something, opens on its
    subject, states (asks nothing), and every quote in it is closed and has its speaker; it speaks
    in no one's first person but a quote's."""
    opening = text.lstrip('"')
    if (len(text.split()) < NEWS_LEAD_WORDS or not _worth_reading(text) or not opening[:1].isupper()
            or opening.split()[0].lower() in fact_words.DANGLING_OPENERS or _not_a_report(text)):
        return False
    if (_PRONOUN_SPEAKER.search(text) or _points_back(text) or _SPECULATION.search(text) or _PREVIEW.match(text)
            or not _quotes_have_speakers(text)):
        return False
    return not fact_words.FIRST_PERSON.search(_QUOTE.sub("", text))


def _not_a_report(text: str) -> bool:
    """A question, a list's opening ("several elements are missing from his rap:"), a transcript's
    turn, a document's opening, a feature's teaser or scene set long ago, or text the source fused
    mid-word."""
    return bool(text.endswith(("?", ":")) or fact_words.INTERVIEW_TURN.match(text) or fact_words.NOT_NEWS.match(text)
                or _TEASER.match(text) or _GARBLED.search(text) or _LONG_AGO.match(text))


def _quotes_have_speakers(text: str) -> bool:
    """Every quote is closed, and someone's words (a quote of three words or more in a sentence
    that reports speech; one or two are a term: "B" sample, "certified organic") name who said them."""
    if text.count('"') % 2:
        return False
    if text.startswith('"') and text.rstrip(".").endswith('"') and not _REPORTS_SPEECH.search(text):
        return False  # all quote, nobody saying it
    someones_words = any(len(q.split()) >= 3 for q in _QUOTE.findall(text)) and _REPORTS_SPEECH.search(text) is not None
    return not someones_words or speaker(text) is not None


def _points_back(text: str) -> bool:
    """What the sentence is about is named in another one: "The school has ...", "those games",
    "the country's" with no name in the sentence."""
    return (_POINTS_BACK.search(text) is not None or fact_words.POINTS_BACK_AT_START.match(text) is not None
            or _UNNAMED_SUBJECT.match(text) is not None or pronoun_for_no_one(text)
            or _UNNAMED_PLACE.search(text) is not None and not NAME_INSIDE.search(text))


def _cited(sentence: Sentence, near: list[tuple[Sentence, float]]) -> list:
    """The sentence's own article, then every other with a sentence that says the same (a wire
    copy, another outlet's wording) with the same numbers, reported within a week of it."""
    numbers = _NUMBER.findall(sentence.text)
    same = {s.article.key: s.article for s, cosine in near
            if cosine >= SAYS_THE_SAME and _NUMBER.findall(s.text) == numbers
            and _same_news(s.article, sentence.article)}
    same.pop(sentence.article.key, None)
    return [source_ref(a) for a in [sentence.article, *same.values()]]
