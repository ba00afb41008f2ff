"""Key facts of a story (what happened, who, when, where, how many), rule-based. Pure: no I/O.

A fact is shown only when the extractor can say what it is: a number carries what it counts
(from the sentence that states it), a date is resolved against the article's date, a claim that
is negated or only planned is dropped or marked. Each sentence yields fact "atoms"; atoms about
the same thing become one Fact citing every article that states it. A figure that changed over
time becomes a timeline (newest first); two outlets disagreeing about the same figure at about the
same time become a conflict. In a story of many articles a fact must be stated by at least two
(one wire story is not corroboration), and the first line says what happened: the story's most
central lead sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..domain.models import Article, ArticleKind, Fact, SourceRef, Story, outlet_count
from ..text.calendar import resolve_dates, show_date
from ..text.entities import Entity, entities, mid_sentence_names
from ..text.lexicons import NUMBER_WORDS, STOPWORDS, TITLE_WORDS
from ..text.quantities import Quantity, quantities
from ..text.tokens import canonical_terms, normalise_quotes, stem
from ..text.cleaning import strip_dateline
from ..text.tfidf import tfidf_rows
from ..text.meaning import about_other_time, clause_around, in_quote, is_modal, is_negated, is_superseded, speaker
from .clustering import source_ref
from . import fact_words

CATEGORIES = ("what", "who", "when", "where", "how_many")
PER_CATEGORY = {"who": 4, "what": 7, "when": 1, "where": 2, "how_many": 5}
MAX_LINES = 15

_MEETING = re.compile(r"\b(met|meet|meets|meeting|summit|talks|held talks|hold talks)\b", re.I)
_FIRST = re.compile(
    r"\b(?:(?:the|his|her|their|its|[A-Z]\w+'s)\s+)?first\b[^,.;:\-\u2014]*?\b(?:since|in more than|"
    r"in over|in nearly|in almost|in \w+ (?:years|decades))\b[^,.;:\u2014]*?(?=\s+-\s|[,.;:\u2014]|$)", re.I)
_BEFORE_LEAD = re.compile(
    r"^(?:Just |Shortly |Hours |Days )?(?:ahead of|before|prior to)\s+([^,]+),\s+(.+?)(?:,\s+\w+ing\b.*)?$",
    re.I)
_BEFORE_TAIL = re.compile(
    r"^(.+?)\s+(?:just |shortly )?(?:ahead of|before|prior to)\s+(?:the |his |her |their )?"
    r"(departure|arrival|visit|trip|summit|talks|meeting)\b", re.I)
_ANNIVERSARY = re.compile(
    r"\b((?:\d+(?:st|nd|rd|th)|centennial|centenary|bicentennial|[a-z]+th)\s+anniversary\s+of\s+"
    r"(?:the\s+)?[^,;]+?)(?=,|;|\s+and\s+the\s+\d|\s+and\s+the\s+[a-z]+th|\s+who\b|\.$|$)", re.I)
_MOVE = re.compile(
    r"\b(arrive[sd]?|arriving|travel(?:s|led|ed|ling)?|fly|flew|flies|head(?:s|ed)? to|land(?:s|ed)?|"
    r"visit(?:s|ed|ing)?|visit|trip|tour|go on|move on)\s+(?:in|to|at|on to)?\s*"
    r"(?:the\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)")
_ITINERARY = re.compile(
    r"\b(?:arrive[sd]?|land(?:s|ed)?|begin|began|start(?:s|ed)?)\s+(?:in|at)\s+([A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)"
    r"[^.]*?\b(?:then|subsequently|later|before|after that)\s+(?:travel|go|head|fly|move|continue)\w*\s+"
    r"(?:on\s+)?to\s+([A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)")
_PERSON_NAME = (r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+(?:[A-Z]\.|[A-Z][a-z]+(?:-[A-Z][a-z]+)?|(?:bin|al|de|van|von)"
                r"(?=\s+[A-Z]))){1,3}(?:,?\s+(?:Jr|Sr)\.|\s+(?:II|III|IV)\b)?")
_LOWER_TITLE_PERSON = re.compile(
    rf"(?<![\w'])((?:[A-Z]\w+'s\s+|[a-z]+\s+)?(?:{fact_words.PERSON_ROLE_NOUNS}))\s*,?\s+({_PERSON_NAME})")

_CAPITAL_TITLE_PERSON = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(t) for t in fact_words.NAME_TITLES) + rf")\s+({_PERSON_NAME})")


_HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady".split())
_VAGUE_UNITS = frozenset("time way thing point step side part reason case example percent".split())


@dataclass
class _Atom:
    category: str
    slot: str  # what must match for two atoms to be about the same thing
    value: str  # what must match for them to agree
    text: str  # as shown
    article: Article
    order: int  # position, for stable output
    weight: float = 1.0
    context: frozenset[str] = frozenset()  # content terms of the sentence, for conflicts
    evidence: str = ""  # the sentence that states it
    superseded: bool = False  # a figure the same sentence corrects ("earlier reports said ...")
    corroborating: list[Article] = field(default_factory=list)  # articles whose leads say the same


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-")


def _window_before(sentence: str, start: int, words: int = 6) -> str:
    head = sentence[:start].split()[-words:]
    # start the window after the last clause break
    for i in range(len(head) - 1, -1, -1):
        if head[i].endswith((",", ";", ":")):
            head = head[i + 1 :]
            break
    return " ".join(head)


def _person_names(articles: list[Article]) -> dict[str, tuple[str, str]]:
    """Full person name -> (display name, role) across the story."""
    people: dict[str, tuple[str, str]] = {}
    titled: dict[str, tuple[str, str]] = {}  # "Justice John Paul Stevens": a role when no other is given
    for a in articles:
        for s in a.sentences:  # not the headline: its capitals are not names ("Other Ship Part Near Kursk")
            s = normalise_quotes(s)
            for e in entities(s):
                words = [w for w in e.text.split() if w.lower().rstrip(".") not in _HONORIFICS]
                if (e.is_person and 2 <= len(words) <= 4 and words[0].lower() not in STOPWORDS
                        and not any(w.lower() in _CALENDAR_WORDS for w in words)):
                    full = " ".join(words)
                    name, role = people.get(full.lower(), (full, ""))
                    given = e.role if _clean_role(e.role) else _apposition(s, e.end)
                    people[full.lower()] = (name, role or given)
            for m in _CAPITAL_TITLE_PERSON.finditer(s):
                titled.setdefault(m.group(2).lower(), (m.group(2), fact_words.NAME_TITLES[m.group(1)]))
            for m in _LOWER_TITLE_PERSON.finditer(s):
                norm = m.group(2).lower()
                if norm not in people:  # "the chairman", "that co-pilot": the role without its determiner
                    people[norm] = (m.group(2), re.sub(r"^(?:the|that|this|a|an|his|her|their)\s+", "",
                                                       m.group(1).strip()))
    for norm, (name, title) in titled.items():
        if not people.get(norm, ("", ""))[1]:
            people[norm] = (name, title)
    return people


_APPOSITION = re.compile(r",\s+(?:the|a|an)\s+((?:[\w-]+\s+){0,3}?[a-z][\w-]+)\s*(?:,|\bwho\b|\.$)")


def _apposition(sentence: str, end: int) -> str:
    """The role a sentence gives right after a name: "Osama bin Laden, the Saudi exile, ..."."""
    m = _APPOSITION.match(sentence, end)
    return m.group(1) if m and _clean_role(m.group(1)) else ""


_NAME_WORD = re.compile(r"\w[\w'’.-]*")


def _resolve_people(ents: list[Entity], people: dict[str, tuple[str, str]], sentence: str,
                    named_here: frozenset[str] | None = None) -> list[str]:
    """Full names of the people a sentence mentions (surnames resolved to full names, but only
    to people the article names in full: its "Kennedy" is not another article's Robert F Kennedy).

    Word-set lookups instead of a regular expression per person and sentence: a story of 25
    articles names dozens of people, and this runs for every sentence."""
    words = {w.rstrip(".") for w in _NAME_WORD.findall(sentence)}
    norms = {e.norm for e in ents}
    found: list[str] = []
    for norm, (name, _) in people.items():
        parts = name.split()
        first, last = parts[0], parts[-1]
        if first not in words and last not in words and norm not in norms:
            continue  # the common case, decided by two set lookups
        if norm in norms or (first in words and name in sentence):
            found.append(name)
        elif (named_here is None or norm in named_here) and any(
                p in words for p in (first, last) if len(p) >= 3):
            found.append(name)
    return list(dict.fromkeys(found))


_RANGE_BEFORE = re.compile(r"(\d[\d,.]*|[a-z]+)\s+(?:to|and|-)\s+$", re.I)
_TAIL = re.compile(
    r"^\s+((?:aboard|on board)\b(?:\s+(?:the\s+|a\s+)?[A-Z][\w'-]*(?:\s+[A-Z0-9][\w'-]*){0,2})?|"
    r"(?:on|in|at|of|from|inside)\s+(?:the\s+|a\s+)?(?:[\w'-]+\s+){0,2}?[\w'-]+)")


def _count_label(q: Quantity, clause: str, offset: int) -> tuple[str, str] | None:
    """(text shown, unit key) for a count, or None when it cannot say what is counted."""
    unit = q.unit
    if unit in ("person", "death", "injury"):
        unit = _toll_kind(clause, q.start - offset, q.end - offset) or unit
    span = q.text
    value = _value_text(q, clause, offset)
    after = clause[q.end - offset:]
    if unit in ("death", "injury"):
        if not _counts_people(q, after):
            return None  # "its five remaining Concordes" near "killing": not a toll
        event = fact_words.EVENT_NOUNS.search(clause)
        where = fact_words.TOLL_TAILS.match(after)
        label = f"{q.qualifier + ' ' if q.qualifier else ''}{value} {'dead' if unit == 'death' else 'injured'}"
        label += f" {where.group(1).lower()}" if where else ""
        return (f"{label} in the {event.group(1).lower()}" if event else label), unit
    if q.kind == "percent":
        return _percent_label(span, clause[: q.start - offset], after)
    if q.kind == "money":
        return _money_label(q, clause[: q.start - offset], after)
    if not unit or unit in _VAGUE_UNITS or q.kind == "year":
        return None
    if q.kind == "count" and q.value < 2:
        return None
    text = span if not re.fullmatch(r"[\d,.]+", span.strip()) else f"{span} {unit}s"
    if " to " in value:  # a range: "30 people" after "20 to" reads "20 to 30 people"
        text = value + " " + text.split(None, 1)[1] if " " in text else value
    if q.kind == "count" and unit in fact_words.SPEED_UNITS and re.search(r"\bwinds?\b", clause, re.I):
        per_hour = re.match(r"\s+(?:an|per)\s+hour\b", after) or unit in ("mph", "kph", "km/h", "kmh", "knot")
        return (f"winds of {span}" + (" an hour" if not unit.startswith(("mph", "k", "knot")) else ""),
                "wind") if per_hour else None
    if q.kind == "count" and unit in fact_words.DAMAGED_THINGS:
        near = clause[max(0, q.start - offset - 25): q.start - offset] + " " + " ".join(after.split()[:3])
        damage = fact_words.DAMAGE.search(near)
        return (f"{text} {damage.group(1).lower()}", f"{unit}:damaged") if damage else None
    if q.kind == "count" and unit in fact_words.PEOPLE_ROLES | {"person"}:
        # the verb that governs the count stands next to it: "arrested two men", "200 agents were sent"
        start, end = q.start - offset, q.end - offset
        near = clause[max(0, start - 25): start] + " " + " ".join(clause[end:].split()[:4])
        fate = fact_words.PEOPLE_FATES.search(near.lower())
        if fate:  # what happened to them is part of what is counted: detained is not missing
            done = fate.group(1).lower()
            done = _FATE_NOUNS.get(done, done)  # "the arrest of two men": two men arrested
            return f"{text} {done}", f"{unit}:{done[:6]}"
        if unit in fact_words.SELF_DESCRIBING_ROLES:
            return text, f"{unit}:self"
        work = fact_words.PEOPLE_AT_WORK.search(near)
        if work:  # paraphrases agree ("were deployed", "remain"): the verb is shown, not compared
            return f"{text} {work.group(1).lower()}", f"{unit}:at work"
        return text, f"{unit}:bare"  # shown as a group ("delegation: 200") or beside a fuller mention
    return text, unit


def _percent_label(span: str, before: str, after: str) -> tuple[str, str] | None:
    """A share with whose it is and of what ("Pruett: 56 percent of the vote"), or a change with
    what changed ("3 percent raises"); None for a bare share."""
    if re.search(r"^\s+of\s+(?:the\s+)?(?:vote|votes|ballots|precincts)\b[^,;]{0,40}\b(?:counted|reporting|tallied)",
                 after):
        return None  # how far the count has got, not a result
    change = re.match(r"\s+(?:annual\s+|yearly\s+)?(" + fact_words.PERCENT_CHANGES + r")\b", after, re.I)
    if change:  # "3 percent raises": the share is of the thing named, whoever gets it
        return f"{span} {change.group(1).lower()}", f"percent:{stem(change.group(1).lower())}"
    of = re.match(r"\s+of\s+((?:the\s+|all\s+)?[\w'-]+)", after)
    whose = _percent_holder(before)
    if not of or not whose:
        return None  # a share of nothing named, or nobody's share ("his supporters got 96 percent")
    key = f"percent:{of.group(1).split()[-1].lower().rstrip('s')}:{whose.split()[-1].lower()}"
    return f"{whose}: {span} of {of.group(1)}", key


_HOLDER = re.compile(r"\b([A-Z][\w'.-]*(?:\s+(?:[A-Z][\w'.-]*|of|de|la))*)")


def _percent_holder(before: str) -> str | None:
    """Who a share belongs to: the last name written before it ("Putin was elected ... with 52.94
    percent"); none when only a pronoun or a common noun holds it."""
    names = [m.group(1) for m in _HOLDER.finditer(before)
             if m.start() > 0 or m.group(1).split()[0].lower() not in STOPWORDS]
    names = [n for n in names if n.lower() not in STOPWORDS and n.split()[0] not in _CALENDAR_TITLES]
    return names[-1].removesuffix("'s") if names else None


_CALENDAR_TITLES = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
                             "April May June July August September October November December".split())


_MONEY_NOUN_AFTER = re.compile(r"\s+(?:dollars?\s+)?([a-z]{4,})(?:\s+([a-z]{4,}))?\b")
_MONEY_NOUN_BEFORE = re.compile(r"\b([a-z]{4,})\s+(?:of|worth)\s+(?:about\s+|nearly\s+|more than\s+)?$")
_AMOUNT_HEDGE = r"((?:about|nearly|almost|more than|at least|an estimated)\s+)?$"
# "the strike cost GM about $2 billion": the clause's subject, then "cost", then whom (one or two words)
_MONEY_COST = re.compile(r"^(?:[A-Z][\w'.-]*(?:'s|’s)\s+|(?:the|a|an|its|his|her|their)\s+)?([a-z]{4,})\b"
                         r"((?:\s+(?:at|in|on|near|of|for)\s+[^,;]*?)?)\s+(?:has\s+|have\s+|had\s+)?(?:cost|costs)\s+"
                         r"((?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?\s+)??" + _AMOUNT_HEDGE, re.I)
# "$10 million in damages", "$100,000 for each song": what the amount is, written after it
_MONEY_IN = re.compile(r"\s+(?:dollars?\s+)?(in\s+(?:lost\s+|new\s+|federal\s+|annual\s+)?[a-z]{4,}|"
                       r"(?:for|per)\s+(?:each|every)\s+[a-z]{3,}|per\s+[a-z]{3,})\b")


def _money_label(q: Quantity, before: str, after: str) -> tuple[str, str] | None:
    """An amount with what it is: "$1 million reward", "reward of $1 million", "search cost $24.6
    million", "strike cost the company $2 billion", "$10 million in damages", "$100,000 for each
    song", "$1,350 signing bonus"; a bare amount ("$176.7 billion") is left out."""
    m = _MONEY_COST.search(before.lstrip())
    if m and m.group(1).lower() not in STOPWORDS:
        whom, hedge = m.group(3) or "", m.group(4) or ""
        return f"{m.group(1).capitalize()} cost {whom}{hedge}{q.text}", f"money:{stem(m.group(1))}"
    m = _MONEY_NOUN_BEFORE.search(before)
    if m and m.group(1) not in STOPWORDS:
        return f"{m.group(1)} of {q.text}".capitalize(), f"money:{stem(m.group(1))}"
    m = _MONEY_IN.match(after)
    if m and m.group(1).split()[-1] not in STOPWORDS:
        return f"{q.text} {m.group(1)}", f"money:{stem(m.group(1).split()[-1])}"
    m = _MONEY_NOUN_AFTER.match(after)
    if not m or m.group(1) in STOPWORDS:
        return None
    if m.group(1).endswith("ing") and m.group(2) and m.group(2) not in STOPWORDS:
        return f"{q.text} {m.group(1)} {m.group(2)}", f"money:{stem(m.group(2))}"  # "signing bonus"
    if not m.group(1).endswith(("ed", "ing", "ly")):
        return f"{q.text} {m.group(1)}", f"money:{stem(m.group(1))}"
    return None


_FATE_NOUNS = {"arrest": "arrested", "arrests": "arrested", "evacuation": "evacuated", "kidnapping": "kidnapped",
               "release": "released", "rescue": "rescued"}


def _counts_people(q: Quantity, after: str) -> bool:
    """A toll's number counts people: written bare ("killed 11, injured ...") or before a noun of
    people, not before another noun ("five remaining Concordes")."""
    last = q.text.split()[-1].lower()
    if not (last[-1:].isdigit() or last in NUMBER_WORDS):
        return True  # the span ends in its noun ("11 people", "36 servicemen")
    nxt = re.match(r"\s+(?:other\s+|more\s+)?([A-Za-z][\w'-]*)", after)  # "two other cities"
    return nxt is None or nxt.group(1).lower() in STOPWORDS or _TOLL_WORD.fullmatch(nxt.group(1)) is not None


_TOLL_WORD = re.compile(r"\b(?:(kill\w*|dead|died|deaths?|perish\w*|drown\w*|lives|bodies|toll)|"
                        r"(injur\w*|wound\w*|hurt|hospitali[sz]ed))\b", re.I)


def _toll_kind(clause: str, start: int, end: int) -> str | None:
    """death or injury from the toll word nearest the number ("killed 258 and injured 5,000")."""
    best = None
    for m in _TOLL_WORD.finditer(clause):
        if m.start() < end and m.end() > start:
            distance = 0  # the span says it itself: "three wounded"
        else:
            distance = start - m.end() if m.end() <= start else m.start() - end
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, "death" if m.group(1) else "injury")
    return best[1] if best and best[0] <= 40 else None


def _value_text(q: Quantity, clause: str, offset: int) -> str:
    before = _RANGE_BEFORE.search(clause[: q.start - offset])
    value = f"{q.value:,.0f}" if q.value >= 1000 and q.value.is_integer() else f"{q.value:g}"
    if before and (before.group(1)[0].isdigit() or before.group(1).lower() in _NUMBER_WORDS):
        return f"{before.group(1)} to {value}"  # a range: "20 to 30"
    return value


_NUMBER_WORDS = frozenset("two three four five six seven eight nine ten eleven twelve twenty thirty forty "
                          "fifty hundred dozen".split())


def _quantity_atoms(q: Quantity, sentence: str, a: Article, order: int) -> list[_Atom]:
    if q.kind in ("year", "ordinal"):
        return []  # anniversaries and "second meeting" are handled with their context
    if q.kind == "measure" and not q.event:
        return []  # "two months after ...": a time gap, not a fact of the story
    if re.match(r"\s+of\s+(?:them|whom|those)\b", sentence[q.end :]) or (
            re.match(r"\s+others\b", sentence[q.end :]) and re.search(r"\band\s+$", sentence[: q.start])):
        return []  # "247 people, 12 of them Americans": a part of another count, not a toll
    if re.match(r"\s+(more|additional|extra|further)\b", sentence[q.end :]) or re.search(
            r"\b(another|additional)\s+$", sentence[: q.start]):
        return []  # an increment ("two more bodies"), not a total
    if re.match(r"\s+(?:to|and|-)\s+\d", sentence[q.end :]) and " " not in q.text.strip():
        return []  # the first half of a range: the second carries both
    left, right = clause_around(sentence, q.start, q.end)
    clause = sentence[left:right]
    governing = " ".join(sentence[left : q.start].split()[-5:])  # "could reach", "is expected to top"
    if is_negated(clause) or is_modal(governing) or about_other_time(clause, a.published.year):
        return []  # not asserted, or about another event (an earlier disaster's toll)
    who = None
    if in_quote(sentence, q.start):
        who = speaker(sentence)
        if not who:
            return []  # a quoted figure with nobody to attribute it to
    labelled = _count_label(q, clause, left)
    if labelled is None:
        return []
    text, unit = labelled
    near = _window_before(sentence, q.start, 4) + " " + sentence[q.end : q.end + 30]
    # a group the count is the size of ("a delegation of about 200", "200 in the team"), not a group
    # merely named nearby ("the rock group Ruskin said 300 users ...")
    grouped = re.search(r"\b(delegation|group|team|crowd)\s+of\b", near, re.I) or re.match(
        r"\s+(?:\w+\s+)?(?:in|of)\s+(?:the|a|an|its|their)\s+(delegation|group|team|crowd)\b", sentence[q.end:], re.I)
    people = unit.split(":")[0] in fact_words.PEOPLE_ROLES or unit.startswith("person")
    if grouped and unit.endswith(":bare"):
        unit = unit[: -len(":bare")]
    about_people = people or unit in ("death", "injury") or unit.startswith("percent")
    if q.kind == "measure" and q.event in fact_words.TIME_GAPS:
        return []  # "a six-year hiatus", "a three-month span": time between things, not an event
    if not (about_people or q.kind in ("measure", "money") or grouped or unit in ("wind",) or unit.endswith(":damaged")):
        return []  # "2 engines", "100 meters": counts of things say little a reader needs
    weight = 1.5 if unit in ("death", "injury") else 1.0
    if q.kind == "count" and grouped:
        text = f"{grouped.group(1).lower()}: {text}"
    if who:
        text += f" ({who} said)"
    area = re.search(r"\b(?:in|across|throughout)\s+((?:[A-Z][\w'-]+\s?)+)", clause) if unit in (
        "death", "injury") else None  # a toll in one region is not the toll in another
    slot = f"{q.kind}:{unit}:{q.event or ''}:{area.group(1).strip().lower() if area else ''}"
    value = _value_text(q, clause, left)
    context = frozenset(canonical_terms(clause)) - {unit, value}
    return [_Atom("how_many", slot, value, _clean(text), a, order, weight, context, sentence,
                  superseded=is_superseded(clause))]


def _tally_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """A vote's tally with who voted, when the clause names them: "Supreme Court: ruled 6-3"."""
    if not _DIGIT.search(s):
        return []
    atoms = []
    for m in fact_words.TALLY.finditer(s):
        ayes, noes = next((m.group(f"a{i}"), m.group(f"b{i}")) for i in "123" if m.group(f"a{i}"))
        if int(ayes) < int(noes):
            continue  # a score or a range, not a tally (the winning side is written first)
        left, right = clause_around(s, m.start(), m.end())
        if is_negated(s[left:right]) or is_modal(" ".join(s[left:m.start()].split()[-5:])):
            continue
        if in_quote(s, m.start()):
            continue
        what = (m.group("verb") or "").lower() or f"{(m.group('noun') or m.group('noun3')).lower()}"
        tally = f"{ayes}-{noes}"
        whose = _percent_holder(re.sub(r"^\s*(?:The|A|An)\s+", " ", s[left:m.start()]))
        shown = f"{what} {tally}" if m.group("verb") else f"{tally} {what}"
        if whose and whose.removesuffix("'s") not in _CALENDAR_TITLES:
            shown = f"{whose}: {shown}"
        elif m.group("verb"):
            continue  # "voted 7-2" with nobody named: who voted is the fact
        atoms.append(_Atom("how_many", f"tally:{tally}", tally, shown, a, order, 1.0,
                           frozenset(canonical_terms(s[left:right])), s))
    return atoms


def _sentence_atoms(sentence: str, a: Article, order: int, known: set[str], people: dict[str, tuple[str, str]],
                    lead: str | None, is_lead: bool, named_here: frozenset[str] | None = None) -> list[_Atom]:
    s = normalise_quotes(sentence)
    atoms: list[_Atom] = []
    ents = entities(s, known)
    names = _resolve_people(ents, people, s, named_here)
    atoms += _who_atoms(s, a, order, names, people, lead)
    atoms += _age_atoms(s, a, order, people)
    atoms += _what_atoms(s, a, order)
    atoms += _when_atoms(s, a, order)
    atoms += _where_atoms(s, a, order, people, is_lead)
    atoms += _tally_atoms(s, a, order)
    for q in quantities(s):
        atoms.extend(_quantity_atoms(q, s, a, order))
    for at in atoms:
        at.evidence = sentence
    return atoms


def _asserted(s: str, start: int, end: int) -> bool:
    left, right = clause_around(s, start, end)
    return not is_negated(s[left:right])


@lru_cache(maxsize=64)
def _shared_surnames(names: tuple[str, ...]) -> frozenset[str]:
    """Surnames several people of the story share (the Kennedys): computed once a story."""
    surnames = [_surname(n) for n in names]
    return frozenset(w for w in surnames if surnames.count(w) > 1)


def _who_atoms(s: str, a: Article, order: int, names: list[str], people: dict[str, tuple[str, str]],
               lead: str | None) -> list[_Atom]:
    atoms = []
    shared = _shared_surnames(tuple(n for n, _ in people.values())) if names else frozenset()
    for name in names:
        if not _acts(name, s, shared):
            continue  # named in passing, not a subject of an event
        role = people.get(name.lower(), (name, ""))[1]
        if not _clean_role(role):
            role = ""
        atoms.append(_Atom("who", f"person:{name.lower()}", role.lower(),
                           f"{name} ({role})" if role else name, a, order, 0.5))
    meeting = _MEETING.search(s)
    if not meeting or not _asserted(s, meeting.start(), meeting.end()):
        return atoms  # "did not meet": no meeting
    pair = list(names)
    if len(pair) == 1 and lead and lead != pair[0] and re.search(r"\bsummit with|talks with|meet(?:ing)? with", s, re.I):
        pair = [lead, pair[0]]
    distinct: list[str] = []
    for name in pair:  # one person written two ways ("John Paul II", "John Paul") counts once
        words = set(name.split())
        if len(words) >= 2 and not any(words & set(d.split()) for d in distinct):
            distinct.append(name)
    if len(distinct) >= 2:
        pair = distinct[:2]
        if lead in pair:
            pair.remove(lead)
            pair.insert(0, lead)
        kind = "summit" if re.search(r"\bsummit\b", s, re.I) else "meeting"
        detail = _meeting_detail(s, [n for n, _ in people.values()])
        atoms.append(_Atom("who", "meeting:" + "|".join(sorted(p.lower() for p in pair)), "met",
                           f"{pair[0]} and {pair[1]}: {kind}" + (f" ({detail})" if detail else ""),
                           a, order, 3.0))
    return atoms


_AGE_AFTER = re.compile(rf"({_PERSON_NAME}),\s+(\d{{1,3}}),")
_AGE_BEFORE = re.compile(rf"\b(\d{{1,3}})-year-old\s+(?:[a-z-]+\s+){{0,3}}({_PERSON_NAME})")


def _age_atoms(s: str, a: Article, order: int, people: dict[str, tuple[str, str]]) -> list[_Atom]:
    """A person's age as the story gives it ("Stephen Lawrence, 18," or "the 6-year-old Elian
    Gonzalez"), for people the story names in full."""
    if not _DIGIT.search(s):
        return []
    found = [(m.group(1), m.group(2)) for m in _AGE_AFTER.finditer(s)]
    found += [(m.group(2), m.group(1)) for m in _AGE_BEFORE.finditer(s)]
    atoms: list[_Atom] = []
    if not found:
        return atoms
    known = {_plain_name(n) for n, _ in people.values()}
    for name, age in found:
        name = name.removesuffix(",")
        if _plain_name(name) in known and 0 < int(age) < 120:
            atoms.append(_Atom("who", f"age:{name.lower()}", age, f"{name} (aged {age})", a, order, 0.8))
    return atoms


def _plain_name(name: str) -> str:
    """ "John F. Kennedy Jr." and "John F Kennedy" are one person: initials' dots and suffixes go."""
    return " ".join(w for w in name.replace(".", "").replace(",", "").lower().split()
                    if w not in ("jr", "sr", "ii", "iii"))


_ACTS_AFTER = re.compile(
    r"(?:'s)?,?(?:\s*,[^,]{1,80},)?(?:\s+and(?:\s+[A-Z][\w.'-]*){1,5})?(?:\s+\w+){0,2}?\s+"
    rf"(?:{fact_words.EVENT_VERB.pattern}|{fact_words.SPEECH_VERB.pattern})", re.I)


_SUFFIXES = frozenset("Jr Jr. Sr Sr. II III IV".split())


def _surname(name: str) -> str:
    words = [w for w in name.split() if w not in _SUFFIXES]
    return words[-1] if words else name


def _acts(name: str, s: str, shared: frozenset[str] = frozenset()) -> bool:
    """Whether the person is the subject of a verb here ("Putin, the acting president, won");
    a surname several people share (the Kennedys) counts only written in full."""
    words = name.split()
    last = _surname(name)
    keys = [name] if last in shared else [p for p in {words[0], last} if len(p) >= 3 and p not in shared]
    for key in keys:
        start = s.find(key)
        while start >= 0:
            end = start + len(key)
            bounded = (start == 0 or not s[start - 1].isalnum()) and (end == len(s) or not s[end].isalnum())
            if bounded and _ACTS_AFTER.match(s, end):
                return True
            start = s.find(key, end)
    return False


def _clean_role(role: str) -> bool:
    """A role worth showing: a few ordinary words ("Russian Deputy Prime Minister"), no wire codes."""
    return bool(role) and len(role.split()) <= 4 and not re.search(r"[A-Z]{2,}|\d|-", role) \
        and role.split()[0].lower() not in STOPWORDS and not any(
        w.lower() in _CALENDAR_WORDS for w in role.split()) and not _names_a_place(role)


def _names_a_place(role: str) -> bool:
    """Two capitalised words in a row that are neither titles nor their modifiers name a place or a
    body the role was misread from ("North Carolina Director")."""
    words = [w for w in role.split() if w[:1].isupper()]
    plain = [w.lower() not in TITLE_WORDS and w.lower() not in fact_words.ROLE_MODIFIERS for w in words]
    return any(a and b for a, b in zip(plain, plain[1:]))


_CALENDAR_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february "
                            "march april june july august september october november december".split())


def _what_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """Firsts, what came before, anniversaries: each only when its clause is asserted."""
    atoms: list[_Atom] = []
    low = s.lower()
    if "first" not in low and "before" not in low and "ahead of" not in low and "prior to" not in low \
            and "anniversary" not in low:
        return atoms  # the regular expressions below backtrack: skip sentences they cannot match
    for m in _FIRST.finditer(s):
        for part in re.split(r"\s+and\s+(?=(?:the\s+)?first\b)", m.group(0)):
            text = _clean(part)
            if len(text.split()) >= 4 and _asserted(s, m.start(), m.end()):
                atoms.append(_Atom("what", "first", "", text, a, order, 1.5))
    lead_m = _BEFORE_LEAD.match(s)
    tail_m = _BEFORE_TAIL.match(s) if not lead_m else None
    if lead_m and not is_negated(lead_m.group(2)):
        atoms.append(_Atom("what", "before", "", f"Before {_clean(lead_m.group(1))}: {_clean(lead_m.group(2))}",
                           a, order, 2.0))
    elif tail_m and len(tail_m.group(1).split()) >= 3 and not is_negated(tail_m.group(1)):
        atoms.append(_Atom("what", "before", "", f"Before the {tail_m.group(2).lower()}: {_clean(tail_m.group(1))}",
                           a, order, 2.0))
    for m in _ANNIVERSARY.finditer(s):
        atoms.append(_Atom("what", "anniversary", "", _clean(m.group(1)), a, order, 1.5))
    return atoms


def _when_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """Dates of events, resolved against the article's date and shown absolute."""
    atoms = []
    base = a.published.date()
    for d in resolve_dates(s, base):
        if re.search(r"\bsince\s+$", s[: d.start]) or s[d.end : d.end + 2] == "'s" or _dates_the_saying(s, d.start, d.end):
            continue  # "since December 2019" dates a "first"; "the FBI said Friday" a statement
        left, right = clause_around(s, d.start, d.end)
        clause = s[left:right]
        text = _dated_text(s, d.start, d.end)
        if (not text or _FIRST.search(text) or not fact_words.EVENT_VERB.search(text)
                or is_negated(clause) or not re.search(r"[A-Z]", text.replace(d.text, ""))):
            continue  # a date without an asserted event, or without anyone or anything named, to hang it on
        planned = is_modal(clause)
        if planned and _PAST_PLAN.search(clause):
            continue  # "was due to arrive Friday": a past plan, which may not have happened
        day = resolve_dates(d.text, base, future=True)[0].day if planned else d.day
        label = f"{show_date(day)}: {_capitalise(text)}" + (" (planned)" if planned else "")
        atoms.append(_Atom("when", f"when:{day.isoformat()}", day.isoformat(), label, a, order))
    return atoms


_PAST_PLAN = re.compile(r"\b(?:was|were|had been|had)\s+(?:\w+\s+)?(?:due|expected|scheduled|set|supposed|planned|"
                        r"planning|hoping|going)\b", re.I)


def _dated_text(s: str, start: int, end: int) -> str | None:
    """What a date is the date of: the sentence's opening clause when the date is in it (at most 20
    words), else the whole sentence when it stands alone, else nothing (never a cut fragment)."""
    sentence = _clean(strip_dateline(s).rstrip("."))
    if re.search(r"\b(?:the|an?|its|their|his|her)\s+$|'s\s+$", s[:start]):
        return _dated_event_noun(s, end)  # "the April 20 crash": the date of that crash only
    clause = _clause_with(s, start, end, max_words=20)
    opener = clause.split()[0].lower() if clause else ""
    if len(clause.split()) >= 4 and sentence.startswith(clause) and opener not in fact_words.DANGLING_OPENERS \
            and (opener not in fact_words.SUBORDINATE_OPENERS or clause == sentence):
        return clause
    return sentence if _standalone(sentence) else None


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


def _where_atoms(s: str, a: Article, order: int, people: dict[str, tuple[str, str]], is_lead: bool) -> list[_Atom]:
    atoms = []
    hedged = is_modal(s) or is_negated(s)  # checked once: most sentences have neither, so no clause needs it

    def asserted(m: re.Match) -> bool:
        clause = s[slice(*clause_around(s, m.start(), m.end()))]
        return not hedged or not (is_negated(clause) or is_modal(clause))

    for m in _ITINERARY.finditer(s):
        if not hedged or _asserted(s, m.start(), m.end()):
            planned = " (planned)" if hedged and is_modal(s[slice(*clause_around(s, m.start(), m.end()))]) else ""
            atoms.append(_Atom("where", "itinerary", f"{m.group(1)}>{m.group(2)}".lower(),
                               f"{m.group(1)}, then {m.group(2)}{planned}", a, order, 3.0))
    for m in _MOVE.finditer(s):
        place = m.group(2)
        if place.lower() in people or any(place in p for p, _ in people.values()) or not asserted(m):
            continue  # "has not visited Serbia", "accepted an invitation to visit Israel"
        verb = m.group(1).lower()
        atoms.append(_Atom("where", f"place:{place.lower()}", "", f"{place} ({_clean(m.group(0))})",
                           a, order, 1.0 if verb.startswith(("visit", "trip", "tour")) else 1.2))
    if is_lead and fact_words.EVENT_VERB.search(s):
        for m in fact_words.PLACE_PREPOSITIONS.finditer(s):
            place = m.group(1)
            if place.split()[0].lower() in fact_words.NOT_PLACES or place.lower() in people:
                continue
            if _modifier_not_place(s, m.end()) or any(place in p for p, _ in people.values()) or not asserted(m):
                continue  # "in the Atlanta area", "in Venezuela's capital": the name is not the place
            atoms.append(_Atom("where", f"place:{place.lower()}", "", _clean(m.group(0)), a, order, 1.0))
    return atoms


_NEXT_WORD = re.compile(r"(?:'s|’s)|\s+([a-z][\w-]*)")


def _modifier_not_place(s: str, end: int) -> bool:
    """Whether the capitalised words just read modify a noun that follows (a possessive or a
    common noun: "area", "murder case"), so they are not themselves where something happened."""
    m = _NEXT_WORD.match(s, end)
    if not m:
        return False
    word = m.group(1)
    return word is None or (word not in STOPWORDS and not word.endswith(("ed", "ing")))


_CLAUSE_MARK = re.compile(r"[,;\"]|(?<!\d):(?!\d)|\.\s")


def _clause_with(s: str, start: int, end: int, max_words: int = 14) -> str:
    """The clause around a span, or "" when the clause is longer than `max_words`."""
    breaks = [m.end() for m in _CLAUSE_MARK.finditer(s, 0, start)]
    left = breaks[-1] if breaks else 0
    m = _CLAUSE_MARK.search(s, end)
    right = m.start() if m else len(s)
    clause = s[left:right]
    return "" if len(clause.split()) > max_words else _clean(clause.rstrip("."))


def _meeting_detail(s: str, people: list[str]) -> str:
    """Short notes on a meeting: its rank ("second meeting") and what it follows."""
    bits: list[str] = []
    for m in re.finditer(r"\b(\w+)\s+(meeting|summit)\b", s, re.I):
        if m.group(1).lower() in ("first", "second", "third", "fourth", "fifth", "last", "previous"):
            bits.append(f"{m.group(1).lower()} {m.group(2).lower()}")
    past = re.search(r"\bmet\b", s)
    place = None
    if past:
        m = re.search(r"\bmet\b[^.]*?\bin\s+(?:[\w']+\s+){0,3}?([A-Z][a-z]+)\b", s)
        place = m.group(1) if m else None
    for m in re.finditer(r"\b(following|after|on the sidelines of|at)\s+(?:the\s+)?"
                         r"((?:[A-Z][\w\-]*'?\s?(?:\([A-Z]+\)\s?)?)+)", s):
        name = m.group(2).strip()
        if any(name.split()[0] in p for p in people):
            continue
        acronym = re.search(r"\(([A-Z]{2,})\)", name)
        if acronym:
            name = acronym.group(1)
        if past and m.group(1).lower() not in ("following", "after"):
            bits.append(f"previously met at {name}" + (f" in {place}" if place else ""))
            place = None
        else:
            bits.append(f"after {name}" if m.group(1).lower() in ("following", "after") else f"at {name}")
    if place:
        bits.append(f"previously met in {place}")
    return ", ".join(bits)




def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name_keys(detail: str) -> set[str]:
    """The first name in a note and its initials: "Northern Forum" -> {"Northern", "NF"}."""
    m = re.search(r"\b[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*", detail)
    if not m:
        return {detail}
    words = m.group(0).split()
    keys = {words[0]}
    if len(words) >= 2:
        keys.add("".join(w[0] for w in words))
    return keys


def _merge_meeting(texts: list[str]) -> str:
    head = texts[0].split(" (")[0]
    if any(": summit" in t for t in texts):
        head = head.replace(": meeting", ": summit")
    details: list[str] = []
    for t in texts:
        if " (" in t:
            for d in t.split(" (", 1)[1].rstrip(")").split(", "):
                same = next((i for i, e in enumerate(details) if _name_keys(e) & _name_keys(d)), None)
                if same is None:
                    details.append(d)
                elif len(d) > len(details[same]):
                    details[same] = d  # the fuller note about the same thing
    ordinal = [d for d in details if d.endswith(("meeting", "summit"))]
    details = ordinal + [d for d in details if d not in ordinal]
    return head + (f" ({'; '.join(details)})" if details else "")



# --- the story: what happened, and atoms grouped into facts -------------------------------

SENTENCE_BUDGET = 200  # sentences read a story: all of a short story, the leads of a long one
DEVELOPMENTS = 6  # a long story's coverage in this many stretches, one central lead each
DEVELOPMENT_SUPPORT = 2  # outlets whose leads are about it, the development's own included
CORROBORATING_SIMILARITY = 0.2  # TF-IDF cosine at which another lead says the same thing (it is cited)
RELATED_SIMILARITY = 0.1  # ... at which it is about the same development (a lead needs one to be chosen)
CORROBORATED_FROM = 6  # articles from which a fact needs two of them behind it
MIN_LEAD = 6  # facts a reader needs are stated early; the rest is background
MAX_LEAD = 14  # ... even in a story of one article (reading all of it cost the most CPU)
_NAMEISH = re.compile(r"\s[A-Z][a-z]")
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b")  # searched lower-cased: faster than re.I


def _worth_reading(sentence: str) -> bool:
    """A cheap test before any parsing: a digit, a number word or a name mid-sentence."""
    return (_DIGIT.search(sentence) is not None or _NAMEISH.search(sentence, 1) is not None
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


def _standalone(sentence: str) -> bool:
    words = sentence.split()
    return (8 <= len(words) <= 45 and words[0].lower().strip(",") not in fact_words.DANGLING_OPENERS
            and '"' not in sentence and not sentence.endswith("?") and not _PRONOUN_MAIN_CLAUSE.match(sentence))


# "As his first visit since June, it represents ...": an opening phrase, then a pronoun for a subject
_PRONOUN_MAIN_CLAUSE = re.compile(
    r"^(?:" + "|".join(sorted(fact_words.SUBORDINATE_OPENERS)) + r")\b[^,]*,\s+(?:it|he|she|they|this|that|these)\b", re.I)


def _central_leads(articles: list[Article], developments: int) -> list[_Atom]:
    """What happened: the story's most central lead sentence (nearest the TF-IDF centroid of all
    leads), then for a long story the most central lead of each later stretch of its coverage,
    each stated by at least two articles and unlike the ones already chosen."""
    leads = [(a, strip_dateline(normalise_quotes(s)).lstrip("-\u2014 ")) for a in articles for s in a.sentences[:2]]
    leads = [(a, s) for a, s in leads if _standalone(s) and fact_words.EVENT_VERB.search(s)
             and _NAMEISH.search(s, 1) and not is_modal(s) and not is_negated(s)
             and not _before_the_year(s, a.published.year)]
    if not leads:
        return []
    if len(leads) <= 2:  # no centroid worth fitting: the opening lead says what happened
        article, text = leads[0]
        return [_Atom("what", "happened", "", text, article, -1, 10.0, evidence=text,
                      corroborating=[a for a, _ in leads])]
    try:
        matrix = tfidf_rows([s for _, s in leads])
    except ValueError:  # nothing but stop words
        return []
    scores = matrix @ matrix.mean(axis=0)
    sims = matrix @ matrix.T

    def atom(i: int, slot: str, text: str) -> _Atom:
        same = [leads[j][0] for j in range(len(leads)) if sims[i, j] >= CORROBORATING_SIMILARITY]
        return _Atom("what", slot, "", text, leads[i][0], -1, 10.0 if slot == "happened" else 2.0,
                     evidence=leads[i][1], corroborating=same)

    best = _first_report(leads, scores)
    out = [atom(best, "happened", leads[best][1])]
    chosen = [best]
    stretch = max(1, -(-len(articles) // developments)) if developments else 0
    for k in range(developments):
        period = {a.key for a in articles[k * stretch : (k + 1) * stretch]}
        pool = [i for i in range(len(leads)) if leads[i][0].key in period
                and all(sims[i, j] < 0.4 for j in chosen)
                and len({leads[j][0].source for j in range(len(leads))
                         if sims[i, j] >= RELATED_SIMILARITY}) >= DEVELOPMENT_SUPPORT]
        if pool:
            i = max(pool, key=lambda i: scores[i])
            chosen.append(i)
            out.append(atom(i, f"development:{k}", _dated_lead(leads[i][1], leads[i][0])))
    return out


def _dated_lead(sentence: str, article: Article) -> str:
    """A development's line, dated by the day its sentence names ("on Wednesday", resolved against
    the article's date), or marked as the day of the report when it names none."""
    dates = [d for d in resolve_dates(sentence, article.published.date())
             if not re.search(r"\bsince\s+$", sentence[: d.start]) and sentence[d.end: d.end + 2] != "'s"]
    events = [d for d in dates if not _dates_the_saying(sentence, d.start, d.end)]
    if events:
        return f"{show_date(events[0].day)}: {sentence}"
    day = dates[0].day if dates else article.published.date()
    return f"{show_date(day)} report: {sentence}"


_SAYING_BEFORE = re.compile(
    rf"(?:{fact_words.SPEECH_VERB.pattern}|reported|told reporters|said in a statement)\s+(?:on\s+|late\s+|early\s+)?$",
    re.I)


_SAYING_AFTER = re.compile(rf"\s+(?:{fact_words.SPEECH_VERB.pattern}|reported)", re.I)


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
    return bool(m) and int(m.group(1)) < year - 1


_DATED_OPENING = re.compile(r"^[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+((?:19|20)\d\d)\s*:")


FIRST_REPORT_SHARE = 0.8  # a lead this close to the most central one may be the event's first report


def _first_report(leads: list[tuple[Article, str]], scores) -> int:
    """The story's central event as first reported: of the leads nearly as central as the most
    central one, the earliest (later ones tend to be follow-ups: an inquiry, a trial, a funeral)."""
    top = max(scores)
    near = [i for i in range(len(leads)) if scores[i] >= FIRST_REPORT_SHARE * top]
    reports = [i for i in near if leads[i][0].kind == ArticleKind.NEWS] or near  # not a column's view
    return min(reports, key=lambda i: (leads[i][0].published, -scores[i]))


def _refs(atoms: list[_Atom]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for at in sorted(atoms, key=lambda x: (x.article.published, x.article.key)):
        seen.setdefault(at.article.key, source_ref(at.article))
    return list(seen.values())


def _support(atoms: list[_Atom]) -> int:
    return len({at.article.key for at in atoms})


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _newest(group: list[_Atom]) -> float:
    """When a value was last stated; a value the same sentence corrects counts as older."""
    return max(x.article.published.timestamp() - (86400 * 30 if x.superseded else 0) for x in group)


@dataclass
class _Scored:
    score: float
    order: int
    fact: Fact
    extra_support: int = 0  # a count of things rather than people needs one more outlet
    when: float = 0.0  # a development's date: developments read newest first


_TOLL_CHANGE = re.compile(r"\b(rose|risen|rises|climbed|climbs|increased|reached|stands at|stood at|now|"
                          r"revised|jumped|grew|has grown|raising|bringing|brought)\b", re.I)


def _other_scope(main: list[_Atom], older: list[_Atom], same_time: bool) -> bool:
    """A count far from the newest one (11 dead against 258) counts another place or group, not an
    earlier stage: tolls and arrests rise, and a revision seldom moves one by more than a few times."""
    if not main[0].slot.startswith(("count:death", "count:injury")) and (
            same_time or not main[0].slot.startswith("count:") or main[0].slot.startswith("count:wind")):
        return False  # two outlets' different counts of the same day are a conflict; winds rise and fall
    new, old = _number(main[0].value), _number(older[0].value)
    if new is None or old is None or any(x.superseded for x in older):
        return False
    if old > new:
        return True  # a toll that fell without a correction counts something else
    return not any(_TOLL_CHANGE.search(x.evidence) for x in main)  # a rising toll is said to rise


def _number(value: str) -> float | None:
    try:
        return float(value.split(" to ")[-1].replace(",", ""))
    except ValueError:
        return None


def _figure_facts(grp: list[_Atom]) -> list[_Scored]:
    """One figure's values: the newest leads; older ones are its timeline, and a different value
    from another outlet at about the same time is a conflict. A value whose sentence shares
    little with the newest one's is about something else: a figure of its own."""
    values: dict[str, list[_Atom]] = {}
    for at in grp:
        values.setdefault(at.value, []).append(at)
    ranked = sorted(values.values(), key=lambda g: (-_newest(g), -_support(g)))
    newest_time = _newest(ranked[0])
    same_time = [g for g in ranked if newest_time - _newest(g) < 86400]
    main = max(same_time, key=lambda g: (_support(g), _newest(g)))
    main_ctx = frozenset().union(*(x.context for x in main))
    main_sources = {x.article.source for x in main}
    conflicts, timeline, out = [], [], []
    for g in ranked:
        if g is main:
            continue
        if _overlap(main_ctx, frozenset().union(*(x.context for x in g))) < 0.3 or _other_scope(main, g, g in same_time):
            other = Fact("how_many", _capitalise(g[0].text), _refs(g), evidence=g[0].evidence)
            out.append(_Scored(_support(g) * g[0].weight, -min(x.order for x in g), other, int(g[0].weight < 1)))
        elif g in same_time and {x.article.source for x in g} - main_sources and not any(x.superseded for x in g):
            conflicts.append((g[0].text, _refs(g)))
        else:
            timeline.append((g[0].text, _refs(g)))
    texts = list(dict.fromkeys(x.text for x in main))
    fact = Fact("how_many", _capitalise(texts[0]), _refs(main), conflicts, timeline, main[0].evidence)
    related = [x for g in ranked for x in g if g is main or (g[0].text, _refs(g)) in conflicts + timeline]
    out.append(_Scored(_support(related) * max(x.weight for x in main) + 0.5 * len(conflicts),
                       -min(x.order for x in main), fact, int(max(x.weight for x in main) < 1)))
    return out


_TOLL_EVENT = re.compile(r"(?<=dead|ured) in the \w+$")


def _group(atoms: list[_Atom], min_support: int) -> list[Fact]:
    """Agreeing atoms -> one Fact; facts stated by fewer than `min_support` outlets are left out."""
    scored: list[_Scored] = []
    by_slot: dict[tuple[str, str], list[_Atom]] = {}
    free: list[list[_Atom]] = []
    for at in atoms:
        if at.category == "what" and at.slot != "happened" and not at.slot.startswith("development"):
            terms = set(canonical_terms(at.text))
            for grp in free:
                if grp[0].slot == at.slot and _jaccard(terms, set(canonical_terms(grp[0].text))) >= 0.35:
                    grp.append(at)
                    break
            else:
                free.append([at])
        else:
            by_slot.setdefault((at.category, at.slot), []).append(at)
    for grp in free:
        fact = Fact(grp[0].category, _capitalise(grp[0].text), _refs(grp), evidence=grp[0].evidence)
        scored.append(_Scored(max(a.weight for a in grp) * _support(grp), -min(a.order for a in grp), fact))
    for (category, slot), grp in by_slot.items():
        if category == "how_many":
            scored += _figure_facts(grp)
            continue
        if slot == "happened" or slot.startswith("development"):
            refs = list({a.key: source_ref(a) for a in grp[0].corroborating}.values())
            prefix = "What happened: " if slot == "happened" else ""
            fact = Fact("what", prefix + grp[0].text, refs, evidence=grp[0].evidence)
            scored.append(_Scored(1e9 if prefix else grp[0].weight * len(refs), 0, fact,
                                  when=0.0 if prefix else grp[0].article.published.timestamp()))
            continue
        values: dict[str, list[_Atom]] = {}
        for at in grp:
            values.setdefault(at.value, []).append(at)
        if category in ("who", "where") and slot != "itinerary":
            values = {"": grp}  # one person or place, whatever roles or verbs are written
        ranked = sorted(values.values(), key=lambda g: (-_support(g), -_newest(g)))
        main = ranked[0]
        texts = list(dict.fromkeys(x.text for x in main))
        text = _merge_meeting(texts) if slot.startswith("meeting:") else max(texts, key=texts.count)
        if category == "who" and slot.startswith("person:"):
            text = max(texts, key=lambda t: ("(" in t, [x.text for x in main].count(t)))
        if category == "when":
            text = min(texts, key=len)
        stated = next((x for x in main if x.text == text), main[0])  # `why` shows the sentence of this text
        fact = Fact(category, _capitalise(text), _refs(main), evidence=stated.evidence)
        scored.append(_Scored(max(x.weight for x in main) * _support(main), -min(x.order for x in main), fact))
    # corroboration is by outlet: two copies of one wire story are one source
    # (a development is chosen only when another outlet covers it: it cites the leads that say the same)
    kept = [sc for sc in scored if _outlets_behind(sc.fact) >= min_support + sc.extra_support
            or sc.fact.text.startswith("What happened") or sc.when]
    # one line per figure: "11 dead in the blast" and "11 dead in the bombing" are one toll
    kept.sort(key=lambda sc: (-sc.score, -sc.order))
    unique: dict[str, _Scored] = {}
    for sc in kept:
        unique.setdefault(_TOLL_EVENT.sub("", sc.fact.text), sc)
    return _selected(_without_repeated_dates(list(unique.values())))


RESTATED_ON_DAYS = 3  # days on which one outlet restates a fact in its own reports: it counts as two


def _outlets_behind(fact: Fact) -> int:
    """Outlets that state a fact, its earlier values and conflicting ones included. A story one
    outlet covers almost alone (a newspaper's running coverage) has few facts two outlets state:
    an outlet that restates a fact on several days, in reports of their own (wire copies share a
    day), stands for a second source."""
    refs = list(fact.sources) + [r for _, rs in fact.timeline + fact.conflicts for r in rs]
    outlets = outlet_count(refs)
    if outlets == 1 and len({r.published.date() for r in refs}) >= RESTATED_ON_DAYS:
        return 2
    return outlets


def _selected(kept: list[_Scored]) -> list[Fact]:
    """The best-scored facts within each category's share and the line budget, in reading order:
    what happened first, then by category, developments newest first."""
    counts: dict[str, int] = {}
    chosen: list[_Scored] = []
    for sc in kept:
        f = sc.fact
        if counts.get(f.category, 0) >= PER_CATEGORY[f.category] or len(chosen) >= MAX_LINES:
            continue
        counts[f.category] = counts.get(f.category, 0) + 1
        chosen.append(sc)
    chosen.sort(key=lambda sc: (CATEGORIES.index(sc.fact.category), sc.when != 0.0, -sc.when))
    return [sc.fact for sc in chosen]


def _bare_counts_joined(atoms: list[_Atom]) -> list[_Atom]:
    """A bare count of people ("two men", "36 servicemen") says nothing of what happened to them:
    it only corroborates the same count stated in full elsewhere ("300 rescue workers were
    deployed"), and is dropped otherwise."""
    full: dict[tuple[str, str], dict[str, _Atom]] = {}
    for at in atoms:
        if at.category == "how_many" and ":bare" not in at.slot:
            full.setdefault((at.slot.split(":")[1], at.value), {}).setdefault(at.slot, at)
    out = []
    for at in atoms:
        if ":bare" in at.slot:
            statements = full.get((at.slot.split(":")[1], at.value), {})
            if len(statements) != 1:
                continue  # none, or several ("two men arrested", "two men sentenced"): which is it?
            [stated] = statements.values()
            at = replace(at, slot=stated.slot, text=stated.text)
        out.append(at)
    return out


def _without_repeated_dates(kept: list[_Scored]) -> list[_Scored]:
    """A dated line whose words a development of the same day already says is left out
    ("7 Nov 1998: police arrested two men" beside the development that reports it in full)."""
    developments = [sc.fact.text for sc in kept if sc.fact.category == "what" and sc.when]
    happened = [sc.fact.text for sc in kept if sc.fact.text.startswith("What happened: ")]

    def repeated(text: str) -> bool:
        day, _, body = text.partition(": ")
        body = body.rstrip(".")
        return any(d.startswith(day) and body in d for d in developments) or any(body in h for h in happened)
    return [sc for sc in kept if sc.fact.category != "when" or not repeated(sc.fact.text)]


def _lead_person(articles: list[Article], people: dict[str, tuple[str, str]]) -> str | None:
    if not people:
        return None
    text = " ".join(s for a in articles for s in a.sentences[:MIN_LEAD])
    counts = {name: max(text.count(name.split()[0]), text.count(name.split()[-1])) for name, _ in people.values()}
    return max(counts, key=lambda n: counts[n])


def extract_facts(story: Story) -> list[Fact]:
    articles = sorted(story.articles, key=lambda a: (a.published, a.key))
    limit = min(MAX_LEAD, max(MIN_LEAD, SENTENCE_BUDGET // max(1, len(articles))))
    candidates = {a.key: _candidates(a, limit) for a in articles}
    people = _person_names([replace(a, sentences=[s for s, _ in candidates[a.key]]) for a in articles])
    lead = _lead_person(articles, people)
    atoms: list[_Atom] = []
    order = 0
    for a in articles:
        sentences = [s for s, _ in candidates[a.key]]
        known = mid_sentence_names([a.title, *sentences])
        text = " ".join(sentences)
        named_here = frozenset(norm for norm, (name, _) in people.items() if name in text)
        for s, is_lead in candidates[a.key]:
            atoms.extend(_sentence_atoms(s, a, order, known, people, lead, is_lead, named_here))
            order += 1
    atoms = _bare_counts_joined(atoms)
    atoms += _central_leads(articles, DEVELOPMENTS if len(articles) >= CORROBORATED_FROM else 0)
    in_itinerary = {p for at in atoms if at.slot == "itinerary" for p in at.value.split(">")}
    atoms = [at for at in atoms if not (at.slot.startswith("place:") and at.slot[6:] in in_itinerary)]
    # in a story of many articles, a fact only one of them states is more often noise than news
    min_support = 2 if len(articles) >= CORROBORATED_FROM else 1
    facts = _group(atoms, min_support)
    # a person is listed with what they are (a role) or did (a meeting): a bare name says little
    facts = [f for f in facts if not (f.category == "who" and "(" not in f.text and ":" not in f.text)]
    return _one_line_a_person(facts)


def _one_line_a_person(facts: list[Fact]) -> list[Fact]:
    """ "Stephen Lawrence (black teenager)" and "Stephen Lawrence (aged 18)" become one line."""
    out: list[Fact] = []
    by_name: dict[str, int] = {}
    for f in facts:
        name, _, note = f.text.partition(" (")
        if f.category != "who" or ":" in f.text or not note:
            out.append(f)
            continue
        if name not in by_name:
            by_name[name] = len(out)
            out.append(f)
            continue
        first = out[by_name[name]]
        sources = list({r.article_key: r for r in first.sources + f.sources}.values())
        out[by_name[name]] = replace(first, text=f"{first.text[:-1]}, {note}", sources=sources)
    return out
