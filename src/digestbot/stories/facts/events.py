"""Events as facts: who did what, from the main clause of a lead sentence. Pure: no I/O.

"A federal judge Wednesday ordered Napster to stop ..." gives the event "A federal judge ordered
Napster to stop ..." keyed by its actor, verb and object ("judge", "order", "napster"), so that two
outlets reporting the same action corroborate each other. Rules over the sentence: an opening
phrase, a subject that names an actor (a capitalised name or an actor noun: judge, union,
workers), an optional aside between commas and a day, an action verb in the past tense, and its
object up to the clause's end. A negated or only planned clause states no event; a clause a
named speaker reports keeps who said it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from ...domain.models import Article
from ...text.datelines import strip_dateline
from ...text.lexicons import STOPWORDS
from ...text.tokens import stem
from ...text.meaning import in_quote, is_modal, is_negated, speaker
from . import fact_words
from .core import _Atom, _FIRST, _asserted, _clean, report_day
from .dates import event_date

_DAY = (r"(?:(?:on|late|early)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|"
        r"tonight|last\s+(?:week|month|year)|this\s+(?:week|month)|earlier\s+this\s+(?:week|month))")
_RELATIVE_DAY = re.compile(rf"\s+{_DAY}(?:\s+(?:morning|afternoon|evening|night))?\b")
_SUBJECT_WORD = r"(?:[A-Z][\w.'&-]*|[a-z][\w'-]*|\d[\d,]*)"
_MAIN_CLAUSE = re.compile(
    rf"^(?P<subj>{_SUBJECT_WORD}(?:\s+{_SUBJECT_WORD}){{0,7}}?)"
    r"(?P<aside>,[^,;:\"]{1,90},)?"
    rf"(?:\s+{_DAY})?"
    r"\s+(?P<aux>(?:has|have|had|was|were)\s+(?:been\s+)?)?"
    rf"(?P<verb>{fact_words.ACTION_VERBS})(?![\w'\u2019])"  # not "won" of "won't"
    r"(?P<obj>(?:[^,;:\"]|,(?=\d{3}\b))*)")  # "settle 1,400 injury cases": a number's comma goes on
_CLAUSE_END = re.compile(r"\s+(?:--|_|-)\s+|,\s+(?:but|while|which|who|and\s+(?:said|says))\b")
_CUT_BEFORE = frozenset("after before because when while as in on at for from with by during since until "
                        "amid despite following of".split())
_RELATIVE = re.compile(r"\s+(?:that|which|who)\s+")
# an aside between commas after the object, then more of the clause ("ordered the relatives of Elian, 6,
# to return the boy"): the object stopped at the aside is not the whole of it
_APPOSITION_THEN_MORE = re.compile(r",\s+[^,;:\"]{1,60},\s+(?!(?:and|but|or|who|which|while|whose|where|when|after|"
                                   r"before|as|according|said|says|officials?|police|sources)\b)(?:to\s|a\s|an\s|\$|\d)")
# "30 cases of blackmail, gambling, illegal use of guns and other crimes": the object is a list cut short
_LIST_GOES_ON = re.compile(r",\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}(?:,|\s+(?:and|or)\s)")
_CLAUSE_OPENERS = frozenset(("that", "whether"))
_THAT_PRONOUN = re.compile(r"that\s+(?:it|he|she|they|this)\b")  # "admitted that it emphasized ...": which "it"?
# words a main clause's subject never holds: "One month after ...", "According to ...", "By the time ..."
_NOT_IN_SUBJECT = frozenset("after before when while since following during despite although because until unless "
                            "if than that who which whom according said says by as is are was were has have had "
                            "been be".split())
# "The two European countries also agreed ...": which two, a sentence before says ("The two Israelis"
# of a story about them name themselves)
_COUNTED_BACK = re.compile(r"^[Tt]he\s+(?:two|three|four|five|six|both)\s+(?:[A-Z][\w-]*\s+)*[a-z]")
MAX_SUBJECT_LOWER_WORDS = 4  # "Federal law prohibits the execution of offenders" is no subject: it holds a verb
MAX_OBJECT_WORDS = 14
MAX_SUBJECT_WORDS = 8


@dataclass(frozen=True)
class Event:
    actor: str  # "judge", "metallica": who acted
    verb: str  # the verb's stem: "order"
    target: str  # the object's first content word, stemmed: "napster"
    text: str  # as shown

    @property
    def slot(self) -> str:  # who did what to what ("the UAW and GM", "the UAW and Ford": two agreements)
        return f"event:{self.actor}:{self.verb}:{self.target}"


_VERB_FIRST_WORDS = frozenset(v.split()[0] for v in fact_words.ACTION_VERBS.replace("[sz]", "s").split("|")) | {
    "apologized"}


def event_of(sentence: str) -> Event | None:
    """The event a sentence's main clause states, or None (no actor, no action, negated, planned,
    quoted, or too long to show without cutting its meaning)."""
    if _VERB_FIRST_WORDS.isdisjoint(sentence.split()):
        return None  # no action verb written as a word: most sentences, decided by one set test
    body = _without_opening_phrase(sentence)
    m = _MAIN_CLAUSE.match(body)
    if not m or in_quote(sentence, len(sentence) - len(body) + m.start("verb")):
        return None
    subject = _subject(m.group("subj"))
    obj = _object(m.group("obj"))
    if subject is None or obj is None:
        return None
    verb = f"{m.group('aux') or ''}{m.group('verb')}"
    clause = f"{subject} {verb} {obj}"
    if is_negated(clause) or is_modal(f"{subject} {verb}"):
        return None
    end = len(sentence) - len(body) + m.end()
    if _APPOSITION_THEN_MORE.match(sentence, end) or _LIST_GOES_ON.match(sentence, end) \
            or not _RELATIVE_DAY.sub("", f" {obj}").strip() or _THAT_PRONOUN.match(obj):
        return None  # the object goes on after an aside ("charged X, the maker of Y, a penalty") or is only a day
    said = _reported_by(sentence, m.end())
    clause = " ".join(_RELATIVE_DAY.sub("", clause).split())  # a bare weekday would be read as this week's
    text = clause[0].upper() + clause[1:] + (f" ({said} said)" if said else "")
    return Event(_actor_key(subject), stem(m.group("verb").split()[0].lower()), _object_key(obj), text)


def _without_opening_phrase(sentence: str) -> str:
    """ "In a major victory for the industry, a judge ordered ..." -> "a judge ordered ..."."""
    s = sentence.strip().lstrip("-\u2014 ")
    first = s.split(" ", 1)[0].lower()
    if first in fact_words.SUBORDINATE_OPENERS and "," in s[:100]:
        return s.split(",", 1)[1].strip()
    return s


def _subject(text: str) -> str | None:
    """The clause's subject when it names an actor: a capitalised name or an actor noun."""
    words = text.split()
    if len(words) > MAX_SUBJECT_WORDS or words[0].lower() in fact_words.DANGLING_OPENERS or _COUNTED_BACK.match(text):
        return None
    if sum(1 for w in words if w[:1].islower()) > MAX_SUBJECT_LOWER_WORDS:
        return None  # most likely a clause with its own verb, not a noun phrase
    if words[0].lower() in fact_words.SUBORDINATE_OPENERS or any(w.lower() in _NOT_IN_SUBJECT for w in words):
        return None  # "As the judge ruled ...": not the main clause
    named = any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and words[0].lower() not in STOPWORDS)
    actor = words[-1].lower().rstrip(".") in fact_words.ACTOR_NOUNS
    return text if named or actor else None


def _object(text: str) -> str | None:
    """The object up to the clause's end, cut before a preposition when it runs long."""
    text = _CLAUSE_END.split(text, maxsplit=1)[0].strip().rstrip(".")
    if is_modal(text):  # "reached agreements that could end the strikes": the agreements happened
        text = _RELATIVE.split(text, maxsplit=1)[0]
        if is_modal(text):
            return None
    words = text.split()
    if len(words) > MAX_OBJECT_WORDS:
        words = _cut_at_a_break(words)
    if not words or words[-1].lower() in STOPWORDS:
        return None  # a cut that leaves "to", "of", "the": the line would not say what was done
    return " ".join(words)


def _cut_at_a_break(words: list[str]) -> list[str]:
    """A long object cut before its last preposition within the limit (before an "of" only when
    there is no other: "of" most often sits inside a noun phrase, "the exchange of music")."""
    cuts = [i for i, w in enumerate(words[:MAX_OBJECT_WORDS + 1]) if i >= 3 and w.lower() in _CUT_BEFORE]
    cuts = [i for i in cuts if words[i].lower() != "of"] or cuts
    if not cuts:
        return []
    words = words[: cuts[-1]]
    if _CLAUSE_OPENERS & {w.lower() for w in words}:
        return []  # a cut inside what is said or ordered ("to make sure that wells"): its meaning is lost
    while len(words) > 3 and (words[-1].lower().endswith(("ed", "ing")) or words[-1].lower() in fact_words.IRREGULAR_PAST):
        words.pop()  # "music owned", "the fugitive sought": a reduced clause the cut left without its end
    while len(words) > 4 and words[-2].lower() in _CUT_BEFORE - {"of"}:
        words = words[:-2]  # "murder in connection": a preposition the cut left with half its phrase
    return words


_REPORTER = re.compile(r",\s+((?:the\s+)?[A-Z][^,;:\"]{1,60}?)\s+(?:said|says|reported)\b")


def _reported_by(sentence: str, end: int) -> str | None:
    """Who a sentence says reported the event (", the Central Bank of Dorne said"), if it names them
    after the clause: the whole name, not its last capitalised words."""
    rest = sentence[end:]
    if not re.search(r"\b(?:said|says|reported|according to)\b", rest):
        return None
    m = _REPORTER.search(rest)
    return m.group(1) if m else speaker(rest)


def _actor_key(subject: str) -> str:
    """ "A federal judge" -> judge, "The heavy metal band Metallica" -> metallica."""
    words = subject.split()
    last = words[-1].lower().strip(".,'").removesuffix("'s")
    if last in fact_words.ACTOR_NOUNS:
        return last
    names = [w for w in words if w[:1].isupper() and w.lower() not in STOPWORDS
             and w.lower().rstrip(".") not in fact_words.CALENDAR_NAMES]
    return (names[-1] if names else last).lower().strip(".,'").removesuffix("'s")


def _object_key(obj: str) -> str:
    for w in obj.split():
        w = w.strip(".,'\"").removesuffix("'s")
        if w and w.lower() not in STOPWORDS and w.lower() not in fact_words.CALENDAR_NAMES and not w[0].isdigit():
            return stem(w.lower())
    return ""


# --- events as atoms of the story's facts ------------------------------------------------
_BEFORE_LEAD = re.compile(
    r"^(?:Just |Shortly |Hours |Days )?(?:ahead of|before|prior to)\s+([^,]+),\s+(.+?)(?:,\s+\w+ing\b.*)?$",
    re.I)
_BEFORE_TAIL = re.compile(
    r"^(.+?)\s+(?:just |shortly )?(?:ahead of|before|prior to)\s+(?:the |his |her |their )?"
    r"(departure|arrival|visit|trip|summit|talks|meeting)\b", re.I)
_ANNIVERSARY = re.compile(
    r"\b((?:\d+(?:st|nd|rd|th)|centennial|centenary|bicentennial|[a-z]+th)\s+anniversary\s+of\s+"
    r"(?:the\s+)?[^,;]+?)(?=,|;|\s+and\s+the\s+\d|\s+and\s+the\s+[a-z]+th|\s+who\b|\.$|$)", re.I)


EVENT_WEIGHT = 1.5  # an action of the story's actors ranks above a role or a place


# an event its report dates over a week before itself is background, not that report's news: shown
# without its date ("The United States attacked the plant", from "... on Aug. 20", in February), the
# line would be read as news of the report's day; its date line (`_when_atoms`) dates it
BACKGROUND_AFTER = timedelta(days=7)


def _event_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """Who did what, from a lead sentence's main clause ("Metallica sued Napster"); its value is
    the actor and the object's key, for `_central_events`."""
    event = event_of(strip_dateline(s))
    if not event:
        return []
    when = event_date(s, a)
    if when and when.day < report_day(a) - BACKGROUND_AFTER and when.text not in event.text:
        return []
    return [_Atom("what", event.slot, f"{event.actor}|{event.target}", event.text, a, order, EVENT_WEIGHT)]


CENTRAL_EVENT_LEADS = 2  # other articles whose leads name both an event's actor and its object


def _central_events(atoms: list[_Atom], leads: dict[str, str]) -> None:
    """Marks the events between the story's main actors: both the actor and the object are named
    in the leads of other articles (lower-cased lead text by article key)."""
    for at in atoms:
        if not at.slot.startswith("event:"):
            continue
        actor, target = at.value.split("|")
        others = sum(1 for key, text in leads.items() if key != at.article.key and actor in text and target[:5] in text)
        at.central = bool(target) and others >= CENTRAL_EVENT_LEADS


def _what_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """Firsts, what came before, anniversaries: each only when its clause is asserted."""
    low = s.lower()
    if "first" not in low and "before" not in low and "ahead of" not in low and "prior to" not in low \
            and "anniversary" not in low:
        return []  # the regular expressions below backtrack: skip sentences they cannot match
    atoms = _first_atoms(s, a, order)
    before = _before_text(s)
    if before:
        atoms.append(_Atom("what", "before", "", before, a, order, 2.0))
    for m in _ANNIVERSARY.finditer(s):
        atoms.append(_Atom("what", "anniversary", "", _clean(m.group(1)), a, order, 1.5))
    return atoms


def _first_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """ "the first visit since 1992" (two firsts joined by "and" are two atoms)."""
    atoms = []
    for m in _FIRST.finditer(s):
        for part in re.split(r"\s+and\s+(?=(?:the\s+)?first\b)", m.group(0)):
            text = _clean(part)
            # "(for) the first time since ..." says when something else happened, not a fact of its own
            if len(text.split()) >= 4 and not text.lower().startswith("the first time") and _asserted(s, m.start(), m.end()):
                atoms.append(_Atom("what", "first", "", text, a, order, 1.5))
    return atoms


def _before_text(s: str) -> str | None:
    """What came before the visit or the talks: "Before the departure: ..."."""
    lead_m = _BEFORE_LEAD.match(s)
    if lead_m:
        negated = is_negated(lead_m.group(2))
        return None if negated else f"Before {_clean(lead_m.group(1))}: {_clean(lead_m.group(2))}"
    tail_m = _BEFORE_TAIL.match(s)
    if tail_m and len(tail_m.group(1).split()) >= 3 and not is_negated(tail_m.group(1)):
        return f"Before the {tail_m.group(2).lower()}: {_clean(tail_m.group(1))}"
    return None
