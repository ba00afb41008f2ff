"""Which sentences are read, and what happened: the story's most central lead and its developments. Pure."""

from __future__ import annotations

import re

from ...domain.models import Article, ArticleKind
from ...text.datelines import place_and_day, strip_dateline, with_dateline
from ...text.tokens import normalise_quotes
from ...text.meaning import is_modal, is_negated
from ...text.tfidf import tfidf_rows
from ...text.sentences import NAME_INSIDE
from . import fact_words
from .core import _Atom, _DIGIT, _NUMBER_WORD, _standalone, points_elsewhere
from .dates import _before_the_year, _dated_lead
from .events import BACKGROUND_AFTER, _without_opening_phrase

SENTENCE_BUDGET = 200  # sentences read a story: all of a short story, the leads of a long one
DEVELOPMENTS = 6  # a long story's coverage in this many stretches, one central lead each
DEVELOPMENT_SUPPORT = 2  # outlets whose leads are about it, the development's own included
# TF-IDF cosine at which another lead, with the same numbers, says the same thing (it is cited): two
# sentencings of two people for lying share "sentenced ... years ... for lying to a grand jury" at 0.2
CORROBORATING_SIMILARITY = 0.35
RELATED_SIMILARITY = 0.1  # ... at which it is about the same development (a lead needs one to be chosen)
CORROBORATED_FROM = 6  # articles from which a fact needs two of them behind it
MIN_LEAD = 6  # facts a reader needs are stated early; the rest is background
MAX_LEAD = 14  # ... even in a story of one article (reading all of it cost the most CPU)


def _worth_reading(sentence: str) -> bool:
    """A cheap test before any parsing: a digit, a number word or a name mid-sentence."""
    return (_DIGIT.search(sentence) is not None or NAME_INSIDE.search(sentence, 1) is not None
            or _NUMBER_WORD.search(sentence.lower()) is not None)


LATE_FIGURES = 1  # a sentence past the lead read an article, stating a fate or an amount (each costs ~5 ms a story)


def _states_a_figure(sentence: str) -> bool:
    """A cheap test for a sentence past the lead worth parsing: a number beside what happened to
    people or an amount ("blocked 300,000 users", "$2 billion in lost revenue"). Tolls are not read
    there: past the lead they are mostly other places' or earlier stages' tolls, shown beside the
    lead's as if unrelated ("10 dead in the bombing" beside "11 dead in the blast")."""
    if "$" not in sentence and fact_words.PEOPLE_FATES.search(sentence.lower()) is None:
        return False  # most sentences: one search, not the number words' long alternation
    return _DIGIT.search(sentence) is not None or _NUMBER_WORD.search(sentence.lower()) is not None


def _candidates(a: Article, limit: int) -> list[tuple[str, bool]]:
    """(sentence, is a lead sentence) to read: key points, the first `limit`, and a few later
    sentences that state a figure, once each."""
    seen: set[str] = set()
    out = []
    for i, s in enumerate(a.sentences[:limit]):
        seen.add(s)
        out.append((s, i < 3))
    out += [(s, False) for s in a.key_points if s not in seen]
    seen.update(a.key_points)
    late = (s for s in a.sentences[limit:] if s not in seen and _states_a_figure(s))
    out += [(s, False) for _, s in zip(range(LATE_FIGURES), late)]
    return [(s, lead) for s, lead in out if _worth_reading(s)]


def _central_leads(articles: list[Article], developments: int) -> list[_Atom]:
    """What happened: the story's most central lead sentence (nearest the TF-IDF centroid of all
    leads), then for a long story the most central lead of each later stretch of its coverage,
    each stated by at least two articles and unlike the ones already chosen."""
    leads = _event_leads(articles)
    if not leads:
        return []
    try:
        matrix = tfidf_rows([s for _, s in leads])
    except ValueError:  # nothing but stop words
        return []
    scores = matrix @ matrix.mean(axis=0)
    sims = matrix @ matrix.T

    def atom(i: int, slot: str, text: str) -> _Atom:
        numbers = _numbers(leads[i][1])
        same = [leads[j][0] for j in range(len(leads)) if j == i or sims[i, j] >= CORROBORATING_SIMILARITY
                and _numbers(leads[j][1]) == numbers and _same_news(leads[i][0], leads[j][0])]
        return _Atom("what", slot, "", text, leads[i][0], -1, 10.0 if slot == "happened" else 2.0,
                     evidence=leads[i][1], corroborating=same)

    def happened(i: int) -> _Atom:  # its "here" and "today" say where and which day with its dateline
        return atom(i, "happened", with_dateline(leads[i][1], place_and_day(leads[i][0].dateline)))

    if len(leads) <= 2:  # no centroid worth fitting: the opening lead says what happened
        return [happened(0)]
    best = _first_report(leads, scores)
    out = [happened(best)]
    chosen = [best]
    stretch = max(1, -(-len(articles) // developments)) if developments else 0
    for k in range(developments):
        period = {a.key for a in articles[k * stretch : (k + 1) * stretch]}
        pool = [i for i in range(len(leads)) if leads[i][0].key in period and _new_development(i, leads, sims, chosen)]
        if pool:
            i = max(pool, key=lambda i: scores[i])
            chosen.append(i)
            out.append(atom(i, f"development:{k}", _dated_lead(leads[i][1], leads[i][0])))
    return out


def _same_news(a: Article, b: Article) -> bool:
    """Two reports within a week: one months later that says the same recalls it as background
    ("in October, Clinton struck out 38 projects"), it does not corroborate that day's news."""
    return abs(a.published - b.published) <= BACKGROUND_AFTER


def _event_leads(articles: list[Article]) -> list[tuple[Article, str]]:
    """The first two sentences of each article that state an event of someone named, asserted, in
    no one's first person, and not dated years before the article (a chronology's background)."""
    leads = [(a, strip_dateline(normalise_quotes(s)).lstrip("-\u2014 ")) for a in articles for s in a.sentences[:2]
             if not fact_words.DOCUMENT_TITLE.match(a.title)]
    return [(a, s) for a, s in leads if _reads_as_news(s) and _states_an_event(s) and not _before_the_year(s, a.published.year)]


def _reads_as_news(s: str) -> bool:
    """Alone, in no one's first person (a standalone sentence holds no quote), about someone named,
    asserted, and no document's opening or transcript's turn."""
    return (_standalone(s) and not fact_words.NOT_NEWS.match(s) and not fact_words.FIRST_PERSON.search(s)
            and not fact_words.POINTS_BACK_AT_START.match(s) and not fact_words.INTERVIEW_TURN.match(s)
            and not points_elsewhere(s) and NAME_INSIDE.search(s, 1) is not None and not is_modal(s) and not is_negated(s))


# "A week after the film opened, ...", "Five months after ..., ...": a time phrase before the main clause
_TIME_BEFORE = re.compile(r"^(?:[\w'-]+\s+){1,3}(?:after|before|since)\b[^,]{0,150},\s+", re.I)
_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|whom|whose|which|where)\b[^,]*,")


def _states_an_event(sentence: str) -> bool:
    """Whether a sentence's main clause states an event: an event verb outside its opening phrase
    and its relative clauses ("In the aftermath of Tuesday's crash, pilots pondered a paradox"
    states none), and not the setting of a remark told before ("Raines made the remarks at a
    meeting of ...", "During a press conference, Seinfeld was asked ...")."""
    if fact_words.REMARK_OCCASION.match(sentence.lower()):
        return False
    main = _TIME_BEFORE.sub("", _without_opening_phrase(sentence), count=1)
    main = _RELATIVE_CLAUSE.sub(",", main).lower()
    stated = fact_words.EVENT_VERB_LOWER.search(main) or _ACTION.search(main)
    return stated is not None and fact_words.REMARK_SETTING.search(main) is None


# "Metallica sued Napster": an action is an event too
_ACTION = re.compile(r"\b(?:" + "|".join(v for v in fact_words.ACTION_VERBS.split("|")
                                          if v not in fact_words.AMBIGUOUS_ACTIONS) + r")\b")


_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _numbers(sentence: str) -> set[str]:
    """The numbers a sentence states, in figures or words ("two years", "six years")."""
    return set(_NUMBER.findall(sentence)) | set(_NUMBER_WORD.findall(sentence.lower()))


def _new_development(i: int, leads: list[tuple[Article, str]], sims, chosen: list[int]) -> bool:
    """A lead unlike those already chosen, about something other outlets' leads also cover."""
    if any(sims[i, j] >= 0.4 for j in chosen):
        return False
    related = {leads[j][0].source for j in range(len(leads)) if sims[i, j] >= RELATED_SIMILARITY}
    return len(related) >= DEVELOPMENT_SUPPORT


FIRST_REPORT_SHARE = 0.8  # a lead this close to the most central one may be the event's first report


def _first_report(leads: list[tuple[Article, str]], scores) -> int:
    """The story's central event as first reported: of the leads nearly as central as the most
    central one, the earliest (later ones tend to be follow-ups: an inquiry, a trial, a funeral)."""
    top = max(scores)
    near = [i for i in range(len(leads)) if scores[i] >= FIRST_REPORT_SHARE * top]
    reports = [i for i in near if leads[i][0].kind == ArticleKind.NEWS] or near  # not a column's view
    return min(reports, key=lambda i: (leads[i][0].published, -scores[i]))
