"""How many: counts, tolls, amounts, shares and vote tallies, each with what it counts. Pure."""

from __future__ import annotations

import re

from ...domain.models import Article
from ...text.lexicons import DEATH_WORDS, INJURY_WORDS, MULTIPLIERS, NUMBER_WORDS, STOPWORDS
from ...text.quantities import Quantity, in_words
from ...text.tokens import canonical_terms, stem
from ...text.meaning import about_other_time, clause_around, in_quote, is_modal, is_negated, is_superseded, speaker
from . import fact_words
from .core import _ANY_NUMBER_WORD, _Atom, _CALENDAR_TITLES, _VAGUE_UNITS, _clean, _window_before


_LARGE = r"(?:thousand|million|billion|trillion)"  # "2 million": the word is part of the number
_RANGE_BEFORE = re.compile(r"(\d[\d,.]*(?:\s+" + _LARGE + r")?|[a-z]+)\s+(?:to|and|-)\s+$", re.I)
_PERCENT_RANGE_BEFORE = re.compile(r"\b(\d[\d.]*)(?:\s*(?:percent|per cent|%))?\s*(?:to|-)\s*$")
_SCOPE = re.compile(r"^In\s+((?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)(?:\s+alone)?,")
# a toll counted over a period is a rate, not one event's toll ("3 million deaths each year")
_RATE = re.compile(r"\b(?:each|per|every)\s+(year|month|week|day)\b|\ba\s+(year|month|week|day)\b"
                   r"(?!\s+(?:after|before|ago|earlier|later|since|into|on))|\b(annually)\b", re.I)


def _count_label(q: Quantity, clause: str, offset: int) -> tuple[str, str] | None:
    """(text shown, unit key) for a count, or None when it cannot say what is counted."""
    unit = q.unit
    if unit in ("person", "death", "injury"):
        unit = _toll_kind(clause, q.start - offset, q.end - offset) or unit
    after = clause[q.end - offset:]
    if unit in ("death", "injury"):
        return _toll_label(q, unit, clause, offset)
    if q.kind == "percent":
        before = clause[: q.start - offset]
        low = _PERCENT_RANGE_BEFORE.search(before)  # "15 percent to 20 percent": the range, not its top
        return _percent_label(f"{low.group(1)} to {q.text}" if low else q.text, before[: low.start()] if low else before, after)
    if q.kind == "money":
        return _money_label(q, clause[: q.start - offset], after)
    if not unit or unit in _VAGUE_UNITS or q.kind == "year" or (q.kind == "count" and q.value < 2):
        return None
    return _thing_label(q, unit, clause, offset)


def _thing_label(q: Quantity, unit: str, clause: str, offset: int) -> tuple[str, str] | None:
    """A count of people or things, or a measure: winds with their speed, damaged things with what
    happened to them, people with their fate."""
    after = clause[q.end - offset:]
    span, value = q.text, _value_text(q, clause, offset)
    text = span if not re.fullmatch(r"[\d,.]+", span.strip()) else f"{span} {unit}s"
    if " to " in value:  # a range: "30 people" after "20 to" reads "20 to 30 people"
        text = value + " " + text.split(None, 1)[1] if " " in text else value
    if q.kind != "count":
        return text, unit
    if unit in fact_words.SPEED_UNITS and re.search(r"\bwinds?\b", clause, re.I):
        per_hour = re.match(r"\s+(?:an|per)\s+hour\b", after) or unit in ("mph", "kph", "km/h", "kmh", "knot")
        return (f"winds of {span}" + (" an hour" if not unit.startswith(("mph", "k", "knot")) else ""),
                "wind") if per_hour else None
    near = clause[max(0, q.start - offset - 25): q.start - offset] + " " + " ".join(after.split()[:3])
    if unit in fact_words.DAMAGED_THINGS:
        damage = fact_words.DAMAGE.search(near)
        return (f"{text} {damage.group(1).lower()}", f"{unit}:damaged") if damage else None
    if unit in fact_words.PEOPLE_ROLES | {"person"}:
        return _people_label(q, unit, text, clause, offset)
    return text, unit


def _toll_label(q: Quantity, unit: str, clause: str, offset: int) -> tuple[str, str] | None:
    """ "11 dead in the blast", "4 dead on the ground", "5,000 injured"."""
    after = clause[q.end - offset:]
    if not _counts_people(q, after):
        return None  # "its five remaining Concordes" near "killing": not a toll
    event = fact_words.EVENT_NOUNS.search(clause)
    where = fact_words.TOLL_TAILS.match(after)
    value = _value_text(q, clause, offset)
    label = f"{q.qualifier + ' ' if q.qualifier else ''}{value} {'dead' if unit == 'death' else 'injured'}"
    label += f" {where.group(1).lower()}" if where else ""
    rate = _RATE.search(clause)
    if rate:
        period = f"a {(rate.group(1) or rate.group(2) or 'year').lower()}"
        # a figure of its own, never an event's toll; "In the United States alone, ...": a country's, not the world's
        scope = f" in {m.group(1)}" if (m := _SCOPE.match(clause)) else ""
        return f"{label} {period}{scope}", f"{unit}:{period}"
    return (f"{label} in the {event.group(1).lower()}" if event else label), unit


def _people_label(q: Quantity, unit: str, text: str, clause: str, offset: int) -> tuple[str, str]:
    """A count of people with what happened to them ("two men arrested"), what they do ("300
    rescue workers deployed"), or bare (shown as a group or beside a fuller mention)."""
    # the verb that governs the count stands next to it: "arrested two men", "200 agents were sent"
    start, end = q.start - offset, q.end - offset
    near = clause[max(0, start - 25): start] + " " + " ".join(clause[end:].split()[:4])
    fate = fact_words.PEOPLE_FATES.search(near.lower())
    count_at = start - max(0, start - 25)  # where the count stands in `near`
    if fate and fate.start() > count_at and _OWN_NUMBER.match(near, fate.end()):
        fate = None  # "34 million people _ has elected two women senators": the verb counts its own object
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
    whose = _percent_holder(before) if _HELD.search(before) else None
    if not of or not whose:  # a share of nothing named, or that no one named won, got or holds ("his supporters
        return None  # got 96 percent", "Typically, only 20 percent of patients", "The WHO official said 70 percent")
    key = f"percent:{of.group(1).split()[-1].lower().rstrip('s')}:{whose.split()[-1].lower()}"
    return f"{whose}: {span} of {of.group(1)}", key


_HOLDER = re.compile(r"\b([A-Z][\w'.-]*(?:\s+(?:[A-Z][\w'.-]*|of|de|la))*)")


# a share someone has: the verb just before it ("won 56 percent", "was elected with 52.94 percent")
_HELD = re.compile(r"\b(?:won|wins|got|gets|took|takes|received|receives|captured|garnered|polled|gained|secured|"
                   r"holds|held|owns|owned|controls|controlled|(?:elected|won|victory)\b[^,.;]{0,60}\bwith)\s+"
                   r"(?:(?:about|nearly|almost|more than|only|just|over|some|an estimated)\s+)?$")
_TRAILING_CONNECTOR = re.compile(r"(?:\s+(?:of|de|la))+$")  # "Bank of" (the pattern joins "Bank of Dorne")


def _percent_holder(before: str) -> str | None:
    """Who a share belongs to: the last name written before it ("Putin was elected ... with 52.94
    percent"); none when only a pronoun or a common noun holds it."""
    names = [m.group(1) for m in _HOLDER.finditer(before)
             if m.start() > 0 or m.group(1).split()[0].lower() not in STOPWORDS]
    names = [n for n in names if n.lower() not in STOPWORDS and n.split()[0] not in _CALENDAR_TITLES]
    return _TRAILING_CONNECTOR.sub("", names[-1]).removesuffix("'s") if names else None


_MONEY_NOUN_BEFORE = re.compile(r"\b([a-z]{4,})\s+(?:of|worth)\s+(?:about\s+|nearly\s+|more than\s+)?$")
_AMOUNT_HEDGE = r"((?:about|nearly|almost|more than|at least|an estimated)\s+)?$"
# "the strike cost GM about $2 billion": the clause's subject, then "cost", then whom (one or two words)
_MONEY_COST = re.compile(r"^(?:[A-Z][\w'.-]*(?:'s|’s)\s+|(?:the|a|an|its|his|her|their)\s+)?([a-z]{4,})\b"
                         r"((?:\s+(?:at|in|on|near|of|for)\s+[^,;]*?)?)\s+(?:has\s+|have\s+|had\s+)?(?:cost|costs)\s+"
                         r"((?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?\s+)??" + _AMOUNT_HEDGE, re.I)
# "$10 million in damages", "$100,000 for each song": what the amount is, written after it
_MONEY_PER = re.compile(r"\s+(?:dollars?\s+)?((?:for|per)\s+(?:each|every)\s+[a-z]{3,}|per\s+[a-z]{3,})\b")
_MONEY_IN = re.compile(r"\s+(?:dollars?\s+)?in(?=\s+[a-z])")


def _money_label(q: Quantity, before: str, after: str) -> tuple[str, str] | None:
    """An amount with what it is: "$1 million reward", "reward of $1 million", "search cost $24.6
    million", "strike cost the company $2 billion", "$10 million in damages", "$100,000 for each
    song", "$1,350 signing bonus"; a bare amount ("$176.7 billion") is left out."""
    m = _MONEY_COST.search(before.lstrip())
    if m and m.group(1).lower() not in STOPWORDS:
        whom, hedge = m.group(3) or "", m.group(4) or ""
        return f"{m.group(1).capitalize()} cost {whom}{hedge}{q.text}", f"money:{stem(m.group(1))}"
    phrase = _noun_phrase_after(after)  # a noun right after it says what it is: "a shower of $20 bills"
    if phrase:
        return f"{q.text} {phrase}", f"money:{stem(phrase.split()[-1])}"
    m = _MONEY_NOUN_BEFORE.search(before)
    if m and m.group(1) not in STOPWORDS and m.group(1) not in fact_words.AMOUNT_HEDGES:
        return f"{m.group(1)} of {q.text}".capitalize(), f"money:{stem(m.group(1))}"
    m = _MONEY_PER.match(after)
    if m and m.group(1).split()[-1] not in STOPWORDS:
        return f"{q.text} {m.group(1)}", f"money:{stem(m.group(1).split()[-1])}"
    m = _MONEY_IN.match(after)  # "$10 million in punitive damages", not "... in punitive"
    phrase = _noun_phrase_after(after[m.end():]) if m else None
    return (f"{q.text} in {phrase}", f"money:{stem(phrase.split()[-1])}") if phrase else None


_PHRASE_WORD = re.compile(r"[a-z][a-z-]+")
# a time or a preposition (those STOPWORDS lacks) ends the phrase
_OUTSIDE_PHRASE = frozenset("year years month months week weeks day days last next this around near behind inside "
                            "outside past beside besides beyond plus apiece including worth despite throughout "
                            "unlike except".split())
MAX_PHRASE_WORDS = 3


def _noun_phrase_after(after: str) -> str | None:
    """The noun phrase an amount stands before, up to its head: "$1.5 billion primary mission" (not
    "$1.5 billion primary": a modifier says nothing of what the amount is for), "$1,350 signing
    bonus", "$8 billion-a-year industry"; None when no noun follows ("$2 billion on Monday", "$5
    million annually", "$1 million offered") or where it ends is unclear (a clause or a name runs on)."""
    words: list[str] = []
    tokens = after.split()[:MAX_PHRASE_WORDS + 2]
    tokens = tokens[1:] if tokens and tokens[0] in ("dollar", "dollars") else tokens
    for i, token in enumerate(tokens):
        word = token.rstrip(".,;:")
        if _ends_phrase(word, inside=bool(words)):
            if words and _head_further_on(word, tokens[i:]):
                return None
            break
        words.append(word)
        if word != token:
            break  # punctuation closes the phrase
        if len(words) > MAX_PHRASE_WORDS:
            return None  # "$200,000 ad blitz characterizes homosexuals": a clause, not a noun phrase
    while words and _not_a_head(words[-1]):
        words.pop()  # a reduced clause or a modifier left last: "reward offered", "$7 billion worldwide"
    if not words or len(words[-1]) < 3 or words[-1].split("-")[0] in MULTIPLIERS:
        return None  # "$2 billion-a-year National ...": the rest of the amount, then no noun
    return " ".join(words)


_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ary", "ern")


def _head_further_on(word: str, rest: list[str]) -> bool:
    """Whether the words read so far only modify a noun past where the phrase seemed to end: a name
    ("$47 million rural Islamic complex") or a modifier shared over "and" ("in state and federal
    expenses")."""
    if word[:1].isupper():
        return word.lower() not in fact_words.CALENDAR_NAMES
    words = [w.rstrip(".,;:") for w in rest[:3]]
    return len(words) == 3 and words[0] in ("and", "or") and words[1].endswith(_ADJECTIVE_ENDINGS) and \
        _PHRASE_WORD.fullmatch(words[2]) is not None and words[2] not in STOPWORDS


def _ends_phrase(word: str, inside: bool) -> bool:
    """A word that no noun phrase after an amount holds (a function word, a time, an adverb, a
    comparison) or, inside it, one that opens a clause ("program offering", "judgment won")."""
    if (not _PHRASE_WORD.fullmatch(word) or word in STOPWORDS or word in _OUTSIDE_PHRASE or word.endswith("ly")
            or word in fact_words.AMOUNT_PREDICATES):
        return True
    return inside and _not_a_head(word)


def _not_a_head(word: str) -> bool:
    """A participle, a past tense or a "-wide" modifier: no noun a phrase ends on ("spending" is one)."""
    return (word.endswith(("ed", "ing", "wide")) and word not in fact_words.ING_NOUNS) or \
        word in fact_words.IRREGULAR_PAST


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


# a toll verb's own object: "kills up to 2.7 million", "killed at least 12" (not "died and 40 were hurt")
_OWN_NUMBER = re.compile(r"\s+(?:(?:up|to|at|least|more|than|about|nearly|almost|some|over|an|estimated|around|roughly)\s+)*"
                         r"(?:\d|(?:" + _ANY_NUMBER_WORD + r")\b)", re.I)
_TOLL_PREDICATE = re.compile(r"\s+(?:[a-z]+\s+)?(?:were|was|are|is|have been|had been|has been)\s+(?:\w+\s+)?"
                             r"(?:(killed|dead|drowned)|(injured|wounded|hurt|hospitali[sz]ed))\b", re.I)
_TOLL_WORD = re.compile(rf"\b(?:({DEATH_WORDS}|toll)|({INJURY_WORDS}))\b", re.I)


def _toll_kind(clause: str, start: int, end: int) -> str | None:
    """death or injury from the toll word nearest the number ("killed 258 and injured 5,000"); a
    toll word after it with a number of its own counts that one ("sickens 300 million people a
    year and kills up to 2.7 million": the 300 million are not dead)."""
    said = _TOLL_PREDICATE.match(clause, end)  # "40 were hurt": the count's own verb decides
    if said:
        return "death" if said.group(1) else "injury"
    best = None
    for m in _TOLL_WORD.finditer(clause):
        if m.start() < end and m.end() > start:
            distance = 0  # the span says it itself: "three wounded"
        elif m.start() >= end and _OWN_NUMBER.match(clause, m.end()):
            continue
        else:
            distance = start - m.end() if m.end() <= start else m.start() - end
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, "death" if m.group(1) else "injury")
    return best[1] if best and best[0] <= 40 else None


def _value_text(q: Quantity, clause: str, offset: int) -> str:
    before = _RANGE_BEFORE.search(clause[: q.start - offset])
    value = f"{q.value:,.0f}" if q.value >= 1000 and q.value.is_integer() else f"{q.value:g}"
    if before and (before.group(1)[0].isdigit() or before.group(1).lower() in _NUMBER_WORDS):
        if " " in before.group(1):  # "2 million to 3 million": both ends in words
            return f"{before.group(1)} to {in_words(q.value)}"
        return f"{before.group(1)} to {value}"  # a range: "20 to 30"
    return value


_NUMBER_WORDS = frozenset("two three four five six seven eight nine ten eleven twelve twenty thirty forty "
                          "fifty hundred dozen".split())


def _quantity_atoms(q: Quantity, sentence: str, a: Article, order: int) -> list[_Atom]:
    if _not_a_total(q, sentence):
        return []
    left, right = clause_around(sentence, q.start, q.end)
    clause = sentence[left:right]
    if not _asserted_figure(q, sentence, left, clause, a.published.year):
        return []
    quoted = in_quote(sentence, q.start)
    who = speaker(sentence) if quoted else None
    labelled = None if quoted and not who else _count_label(q, clause, left)  # a quote needs its speaker
    if labelled is None:
        return []
    text, unit = labelled
    if _cut_before_its_noun(text, sentence, q.end):
        return []
    grouped = _group_sized(q, sentence)
    if grouped and unit.endswith(":bare"):
        unit = unit[: -len(":bare")]
    if not _worth_counting(q, unit, grouped):
        return []
    text = (f"{grouped.group(1).lower()}: {text}" if q.kind == "count" and grouped else text) + (
        f" ({who} said)" if who else "")  # a group's size ("delegation: 200"); a quote keeps its speaker
    value = _value_text(q, clause, left)
    context = frozenset(canonical_terms(clause)) - {unit, value}
    weight = 1.5 if unit in ("death", "injury") else 1.0
    return [_Atom("how_many", _figure_slot(q, unit, clause), value, _clean(text), a, order, weight, context,
                  sentence, superseded=is_superseded(clause))]


def _cut_before_its_noun(text: str, sentence: str, end: int) -> bool:
    """ "60 percent of the city's", "35 percent of the current" (seven million children): a label
    that stops on a possessive, a function word or before another number says nothing whole."""
    last = text.split()[-1]
    if last.endswith(("'s", "\u2019s")) or last.lower() in STOPWORDS:
        return True
    at = sentence.find(last, end)
    return at >= 0 and _NUMBER_NEXT.match(sentence, at + len(last)) is not None


_NUMBER_NEXT = re.compile(r"\s+(?:\d|(?:" + _ANY_NUMBER_WORD + r")\b)", re.I)


def _asserted_figure(q: Quantity, sentence: str, left: int, clause: str, year: int) -> bool:
    """Not negated, not governed by a modal ("could reach", "is expected to top"), not about another
    event or time (an earlier disaster's toll)."""
    governing = " ".join(sentence[left : q.start].split()[-5:])
    return not (is_negated(clause) or is_modal(governing) or about_other_time(clause, year))


def _figure_slot(q: Quantity, unit: str, clause: str) -> str:
    """What two values must share to be the same figure: kind, unit, event and, for a toll, the
    region it names (a toll in one region is not the toll in another)."""
    area = re.search(r"\b(?:in|across|throughout)\s+((?:[A-Z][\w'-]+\s?)+)", clause) if unit in (
        "death", "injury") else None
    return f"{q.kind}:{unit}:{q.event or ''}:{area.group(1).strip().lower() if area else ''}"


def _not_a_total(q: Quantity, sentence: str) -> bool:
    """A number that is no figure of the story by itself: a year, an ordinal, a time gap, a part of
    another count, an increment, the first half of a range."""
    if q.kind in ("year", "ordinal"):
        return True  # anniversaries and "second meeting" are handled with their context
    if q.kind == "measure" and not q.event:
        return True  # "two months after ...": a time gap, not a fact of the story
    after, before = sentence[q.end :], sentence[: q.start]
    if re.match(r"\s+of\s+(?:them|whom|those)\b", after) or (
            re.match(r"\s+others\b", after) and re.search(r"\band\s+$", before)):
        return True  # "247 people, 12 of them Americans": a part of another count, not a toll
    if re.match(r"\s+(more|additional|extra|further)\b", after) or re.search(r"\b(another|additional)\s+$", before):
        return True  # an increment ("two more bodies"), not a total
    if re.search(r"\b(?:who|which)\s+(?:was|is)\s+$|\baged?\s+$|\bage group (?:of |between |from )?(?:\d+\s+(?:to|and|-)\s+)?$", before) \
            and not re.match(r"\s+[a-z]+s\b", after):
        return True  # an age ("Elian, who was 5 at the time", "the age group between 15 to 49"), not a count
    if re.search(r"\b(?:out of|in every|of every)\s+$", before):
        return True  # the second term of a ratio ("one out of nine persons"), not a count
    if _CURRENCY_BEFORE.search(before):
        return True  # "a reward of dlrs 2.5 million": a sum written as a bare number, not a count
    if len(_PER_MONTH.findall(sentence)) >= 2:
        return True  # "38 died in January, 33 in February": a monthly series, no total
    return bool(re.match(r"\s+(?:to|and|-)\s+\d", after)) and _BARE_NUMBER.fullmatch(q.text.strip()) is not None  # a range's first half


_CURRENCY_BEFORE = re.compile(r"\b(?:dlrs|dollars?|yuan|euros?|pounds|yen|rupees|francs|marks)\s+$", re.I)
_PER_MONTH = re.compile(r"\d[\d,]*\s+(?:[a-z]+\s+){0,2}in\s+(?:January|February|March|April|May|June|July|August|"
                        r"September|October|November|December|the first (?:week|month|half))\b")
_BARE_NUMBER = re.compile(r"[\d,.]+(?:\s+" + _LARGE + r")?", re.I)


def _group_sized(q: Quantity, sentence: str) -> re.Match | None:
    """A group the count is the size of ("a delegation of about 200", "200 in the team"), not a
    group merely named nearby ("the rock group Ruskin said 300 users ...")."""
    near = _window_before(sentence, q.start, 4) + " " + sentence[q.end : q.end + 30]
    return re.search(r"\b(delegation|group|team|crowd)\s+of\b", near, re.I) or re.match(
        r"\s+(?:\w+\s+)?(?:in|of)\s+(?:the|a|an|its|their)\s+(delegation|group|team|crowd)\b", sentence[q.end:], re.I)


def _worth_counting(q: Quantity, unit: str, grouped: re.Match | None) -> bool:
    """People, tolls, shares, amounts, measures of an event, a group's size, winds, damage: not
    "2 engines" or "100 meters", which say little a reader needs, nor time between things."""
    if q.kind == "measure" and q.event in fact_words.TIME_GAPS:
        return False  # "a six-year hiatus", "a three-month span": time between things, not an event
    people = unit.split(":")[0] in fact_words.PEOPLE_ROLES or unit.startswith("person")
    about_people = people or unit.split(":")[0] in ("death", "injury") or unit.startswith("percent")
    return bool(about_people or q.kind in ("measure", "money") or grouped or unit == "wind" or unit.endswith(":damaged"))
