"""When: dated events resolved to absolute days; development lines dated by the day they name. Pure."""

from __future__ import annotations

import re

from ...domain.models import Article
from ...text.calendar import ResolvedDate, resolve_dates, show_date
from ...text.datelines import dated, strip_dateline
from ...text.lexicons import STOPWORDS
from ...text.meaning import clause_around, is_modal, is_negated
from . import fact_words
from .core import _Atom, _FIRST, _capitalise, _clean, _standalone, points_elsewhere, report_day


def _when_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """Dates of events, resolved against the article's date and shown absolute."""
    dates = resolve_dates(s, report_day(a))
    event = _event_date(s, dates) if len(dates) > 1 else None  # read once, not once a date
    return [at for d in dates if (at := _date_atom(s, d, len(dates) > 1 and d != event, a, order))]


def _date_atom(s: str, d: ResolvedDate, not_its_event: bool, a: Article, order: int) -> _Atom | None:
    """`not_its_event`: the sentence names several dates and `d` is not its own event's."""
    if re.search(r"\bsince\s+$", s[: d.start]) or s[d.end : d.end + 2] == "'s" or _dates_the_saying(s, d.start, d.end):
        return None  # "since December 2019" dates a "first"; "the FBI said Friday" a statement
    left, right = clause_around(s, d.start, d.end)
    clause = s[left:right]
    text = _dated_text(s, d.start, d.end)
    if not text or not _dates_an_event(text, clause, d):
        return None
    planned = is_modal(clause)
    if planned and _PAST_PLAN.search(clause):
        return None  # "was due to arrive Friday": a past plan, which may not have happened
    day = resolve_dates(d.text, report_day(a), future=True)[0].day if planned else d.day
    label = dated(show_date(day), _capitalise(text), a.dateline) + (" (planned)" if planned else "")
    if not_its_event and len(text) > len(s) / 2:
        # the sentence shown whole is its own event's ("linked the plant to ... on Monday, to justify
        # bombing it last Thursday"): under another of its dates it would be misdated; it still
        # tells that something happened that day, for a line another sentence words
        label = ""
    return _Atom("when", f"when:{day.isoformat()}", day.isoformat(), label, a, order)


_PAST_PLAN = re.compile(r"\b(?:was|were|had been|had)\s+(?:\w+\s+)?(?:due|expected|scheduled|set|supposed|planned|"
                        r"planning|hoping|going)\b", re.I)


def _dates_an_event(text: str, clause: str, d: ResolvedDate) -> bool:
    """An asserted event of someone or something named, to hang the date on."""
    return not (_FIRST.search(text) or points_elsewhere(text) or not fact_words.EVENT_VERB_LOWER.search(text.lower())
                or is_negated(clause) or not re.search(r"[A-Z]", text.replace(d.text, "")))


def _dated_text(s: str, start: int, end: int) -> str | None:
    """What a date is the date of: the sentence's opening clause when the date is in it (at most 20
    words), else the whole sentence when it stands alone, else nothing (never a cut fragment)."""
    if fact_words.INTERVIEW_TURN.match(s):
        return None  # a transcript's answer ("A. Kennedy took off ...") dates nothing of the news
    sentence = _clean(strip_dateline(s).rstrip("."))
    if re.search(r"\b(?:the|an?|its|their|his|her)\s+$|'s\s+$", s[:start]):
        return _dated_event_noun(s, end)  # "the April 20 crash": the date of that crash only
    clause = _clause_with(s, start, end, max_words=20)
    opener = clause.split()[0].lower() if clause else ""
    if len(clause.split()) >= 4 and sentence.startswith(clause) and opener not in fact_words.DANGLING_OPENERS \
            and (opener not in fact_words.SUBORDINATE_OPENERS or clause == sentence) \
            and (clause == sentence or not _UNFINISHED.search(clause)):
        return clause
    return sentence if _standalone(sentence) else None


# "hope that when the vote takes place Monday": what they hope comes after the comma
_UNFINISHED = re.compile(r"\bthat\s+(?:when|if|once|after|before|while|as soon as|unless|until)\b", re.I)
_EVENT_OF = re.compile(r"\s+(\w+)\s+of\s+(?:the\s+)?([A-Z][\w'.-]*(?:\s+[A-Z0-9][\w'.-]*)*(?:\s+[a-z]+)?)")


def _dated_event_noun(s: str, end: int) -> str | None:
    """ "the July 25 crash of Concorde Flight 4590" -> "Crash of Concorde Flight 4590"."""
    m = _EVENT_OF.match(s, end)
    if not m or not fact_words.EVENT_NOUNS.fullmatch(m.group(1)):
        return None
    words = m.group(2).split()
    if words[-1] in STOPWORDS:
        words.pop()
    return f"{m.group(1).capitalize()} of {' '.join(words)}"


_CLAUSE_MARK = re.compile(r"[,;\"]|(?<!\d):(?!\d)|\.\s")


def _clause_with(s: str, start: int, end: int, max_words: int = 14) -> str:
    """The clause around a span, or "" when the clause is longer than `max_words`."""
    breaks = [m.end() for m in _CLAUSE_MARK.finditer(s, 0, start)]
    left = breaks[-1] if breaks else 0
    m = _CLAUSE_MARK.search(s, end)
    right = m.start() if m else len(s)
    clause = s[left:right]
    return "" if len(clause.split()) > max_words else _clean(clause.rstrip("."))


def _dated_lead(sentence: str, article: Article) -> str:
    """A development's line, dated by the day its sentence names ("on Wednesday", resolved against
    the article's date), or marked as the day of the report when it names none; with its dateline's
    place when it says "here" or names no place ("4 Aug 2000 report, NEWARK, N.J.: ... state officials said")."""
    dates = _dates(sentence, article)
    event = _event_date(sentence, dates)
    if event:
        return dated(show_date(event.day), sentence, article.dateline)
    day = dates[0].day if dates else report_day(article)
    return dated(f"{show_date(day)} report", sentence, article.dateline)


def event_date(sentence: str, article: Article) -> ResolvedDate | None:
    """The date a sentence gives its event ("attacked the plant on Aug. 20"), read against the
    report's day; None when it names none (or only the day of a statement)."""
    return _event_date(sentence, _dates(sentence, article))


def _dates(sentence: str, article: Article) -> list[ResolvedDate]:
    return [d for d in resolve_dates(sentence, report_day(article))
            if not re.search(r"\bsince\s+$", sentence[: d.start]) and sentence[d.end: d.end + 2] != "'s"]


def _event_date(sentence: str, dates: list[ResolvedDate]) -> ResolvedDate | None:
    events = [d for d in dates if not _dates_the_saying(sentence, d.start, d.end)
              and not _BACKGROUND_DATE.search(sentence[max(0, d.start - 60): d.start])]
    return events[0] if events else None


# A date in a noun phrase ("in the March 26 balloting") or a clause about something before ("before it
# crashed on Oct. 31") dates that, not the sentence's news.
_BACKGROUND_DATE = re.compile(r"(?:\b(?:the|an?|its|their|his|her)|'s)\s+$|\b(?:before|after|since|until)\s+\w+"
                              r"(?:\s+\w+){0,3}\s+(?:on|in)\s+$", re.I)
# Verbs of saying: a day next to one dates the statement, not the event ("decided", "ordered" are events)
_SAYING = rf"(?:{fact_words.REPORTING_VERBS})"
# "said Friday", "said the Ministry of Employment Friday", "a press report reaching here on Wednesday"
_SAYING_BEFORE = re.compile(rf"(?:\b{_SAYING}\s+(?:reporters\s+|in a statement\s+|(?:the\s+)?(?:[A-Z][\w.-]*\s+(?:(?:of|and|for)\s+)?)"
                            r"{1,5})?|\breaching\s+here\s+)(?:on\s+|late\s+|early\s+)?$")


_SAYING_AFTER = re.compile(rf"\s+{_SAYING}\b", re.I)


def _dates_the_saying(sentence: str, start: int, end: int | None = None) -> bool:
    """ "..., the FBI said Friday" or "officials Friday said ...": the day dates the statement, not
    the event it reports."""
    if end is not None and _SAYING_AFTER.match(sentence, end):
        return True
    return _SAYING_BEFORE.search(sentence[max(0, start - 40): start]) is not None


def _before_the_year(sentence: str, year: int) -> bool:
    """A lead that dates itself years before its article (a chronology's "Nov. 29, 1962: ...") is
    background, not a development of the story."""
    m = _DATED_OPENING.match(sentence)
    return bool(m) and int(m.group(1) or m.group(2)) < year - 1


_DATED_OPENING = re.compile(r"^(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+((?:19|20)\d\d)\s*:|In\s+((?:19|20)\d\d),)")
