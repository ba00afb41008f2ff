"""Who: the story's people, their roles and ages, who acts in a sentence, who met whom. Pure."""

from __future__ import annotations

import re
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache

from ...domain.models import Article
from ...text.entities import Entity, entities
from ...text.lexicons import STOPWORDS, TITLE_WORDS, WEEKDAYS
from ...text.meaning import about_other_time
from ...text.tokens import normalise_quotes
from ...text.sentences import NAME_INSIDE
from . import fact_words
from .core import _Atom, _CALENDAR_WORDS, _DIGIT, _HONORIFICS, _asserted
from .leads import MIN_LEAD

_MEETING = re.compile(r"\b(met|meet|meets|meeting|summit|talks|held talks|hold talks)\b", re.I)
_PERSON_NAME = (r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+(?:[A-Z]\.|[A-Z][a-z]+(?:-[A-Z][a-z]+)?|(?:bin|al|de|van|von)"
                r"(?=\s+[A-Z]))){1,3}(?:,?\s+(?:Jr|Sr)\.|\s+(?:II|III|IV)\b)?")
_LOWER_TITLE_PERSON = re.compile(
    rf"(?<![\w'])((?:[A-Z]\w+'s\s+|[a-z]+\s+)?(?:{fact_words.PERSON_ROLE_NOUNS}))\s*,?\s+({_PERSON_NAME})")

_ROLE_LAST_WORDS = frozenset(role.split()[-1] for role in fact_words.PERSON_ROLE_NOUNS.split("|"))
_LOWER_WORD = re.compile(r"[a-z]+")  # "pilot" in "co-pilot" too
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+)+")  # "co-pilot", "teen-ager"
_CAPITAL_TITLE_PERSON = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(t) for t in fact_words.NAME_TITLES) + rf")\s+({_PERSON_NAME})")


def _person_names(articles: list[Article]) -> dict[str, tuple[str, str]]:
    """Full person name -> (display name, role) across the story."""
    people: dict[str, tuple[str, str]] = {}
    titled: dict[str, tuple[str, str]] = {}  # "Justice John Paul Stevens": a role when no other is given
    role_given: dict[tuple[str, str], datetime] = {}  # when a report last gave a person a role
    for a in articles:
        for s in a.sentences:  # not the headline: its capitals are not names ("Other Ship Part Near Kursk")
            s = normalise_quotes(s)
            if not NAME_INSIDE.search(s, 1):
                continue  # every pattern below needs a second capitalised word
            for norm, role in _add_named_people(s, people):
                role_given[norm, role.lower()] = a.published
            for m in _CAPITAL_TITLE_PERSON.finditer(s):
                titled.setdefault(m.group(2).lower(), (m.group(2), fact_words.NAME_TITLES[m.group(1)]))
            _add_people_after_roles(s, people, a.published.year)
    for norm, (name, title) in titled.items():
        if not people.get(norm, ("", ""))[1]:
            people[norm] = (name, title)
    return _former_holders(people, role_given)


def _former_holders(people: dict[str, tuple[str, str]],
                    role_given: dict[tuple[str, str], datetime]) -> dict[str, tuple[str, str]]:
    """An office one person holds at a time ("Israeli Prime Minister"), given to someone else by a
    later report: the earlier holder is a former one by the story's newest reports (Netanyahu after
    Barak took office). Spellings of one name ("Bagabandi", "Bagabandy") are one person."""
    holders: dict[str, dict[str, datetime]] = {}
    for (norm, role), when in role_given.items():
        if _one_holder_office(role):
            holders.setdefault(role, {})[norm] = when
    for norm, (name, role) in list(people.items()):
        held = holders.get(role.lower(), {})
        newest = max(held, key=held.__getitem__, default=norm)
        if norm in held and held[norm] < held[newest] and not _same_surname(norm, newest):
            people[norm] = (name, f"former {role}")
    return people


def _one_holder_office(role: str) -> bool:
    """ "Israeli Prime Minister", "Quebec Premier": an office with whose it is, and not a deputy's."""
    words = role.lower().split()
    for office in fact_words.ONE_HOLDER_OFFICES:
        size = len(office.split())
        if " ".join(words[-size:]) == office and len(words) > size:
            return fact_words.NOT_THE_OFFICE.isdisjoint(words[:-size])
    return False


SAME_NAME_SPELLING = 0.8  # "bagabandi" / "bagabandy", "natanyahu" / "netanyahu"


def _same_surname(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.split()[-1], b.split()[-1]).ratio() >= SAME_NAME_SPELLING


def _add_named_people(s: str, people: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """People the entities of a sentence name in two to four words, with the role it gives them;
    the (name, role) pairs it gives."""
    named: list[tuple[str, str]] = []
    for e in entities(s):
        words = [w for w in e.text.split() if w.lower().rstrip(".") not in _HONORIFICS]
        while words and words[-1].lower() in _CALENDAR_WORDS:
            words.pop()  # "Prime Minister Ehud Barak Thursday expressed ...": the day is no part of the name
        if (e.is_person and 2 <= len(words) <= 4 and words[0].lower() not in STOPWORDS
                and not any(w.lower() in _CALENDAR_WORDS for w in words)):
            full = " ".join(words)
            name, role = people.get(full.lower(), (full, ""))
            given = e.role if _clean_role(e.role) else _apposition(s, e.end)
            # articles come oldest first: a role a later report gives is the one now ("President", "former President")
            people[full.lower()] = (name, given or role)
            if given:
                named.append((full.lower(), given))
    return named


def _add_people_after_roles(s: str, people: dict[str, tuple[str, str]], year: int) -> None:
    """People named after a lower-case role ("bombing suspect Eric Rudolph"), unless already known,
    and not in a clause about years before ("since 1989, when the religious leader X decreed")."""
    if _ROLE_LAST_WORDS.isdisjoint(_LOWER_WORD.findall(s)) and _ROLE_LAST_WORDS.isdisjoint(_HYPHENATED.findall(s)):
        return  # no role noun: the pattern below, tried at every position, would find nothing
    for m in _LOWER_TITLE_PERSON.finditer(s):
        norm = m.group(2).lower()
        if norm not in people and not about_other_time(s[max(0, m.start() - 40): m.start()], year):
            # "the chairman", "that co-pilot": the role without its determiner
            people[norm] = (m.group(2), re.sub(r"^(?:the|that|this|a|an|his|her|their)\s+", "", m.group(1).strip()))


_APPOSITION = re.compile(r",\s+(?:the|a|an)\s+((?:[\w-]+\s+){0,3}?[a-z][\w-]+)\s*(?:,|\bwho\b|\.$)")


def _apposition(sentence: str, end: int) -> str:
    """The role a sentence gives right after a name: "Osama bin Laden, the Saudi exile, ..."."""
    m = _APPOSITION.match(sentence, end)
    return m.group(1) if m and _clean_role(m.group(1)) else ""


_NAME_WORD = re.compile(r"\w[\w'’.-]*")


def _resolve_people(ents: list[Entity], people: dict[str, tuple[str, str]], sentence: str,
                    named_here: frozenset[str] | None = None, roster: _Roster | None = None) -> list[str]:
    """Full names of the people a sentence mentions (surnames resolved to full names, but only
    to people the article names in full: its "Kennedy" is not another article's Robert F Kennedy).

    Word-set lookups instead of a regular expression per person and sentence: a story of 25
    articles names dozens of people, and this runs for every sentence."""
    words = {w.rstrip(".") for w in _NAME_WORD.findall(sentence)}
    norms = {e.norm for e in ents}
    found: list[str] = []
    for norm, (name, _) in _people_named(roster or _roster(people), words, norms):
        parts = name.split()
        first, last = parts[0], parts[-1]
        if norm in norms or (first in words and name in sentence):
            found.append(name)
        elif (named_here is None or norm in named_here) and any(
                p in words for p in (first, last) if len(p) >= 3):
            found.append(name)
    return list(dict.fromkeys(found))


_Roster = tuple  # (the story's people in order, first or last name or "\0" + full name -> their positions)


def _roster(people: dict[str, tuple[str, str]]) -> _Roster:
    """An index of the story's people by the words of their names, built once a story."""
    index: dict[str, list[int]] = {}
    for i, (norm, (name, _)) in enumerate(people.items()):
        parts = name.split()
        for key in {parts[0], parts[-1], "\0" + norm}:
            index.setdefault(key, []).append(i)
    return list(people.items()), index


def _people_named(roster: _Roster, words: set[str], norms: set[str]) -> list:
    """The story's people whose first or last name is among a sentence's words, or whose full name
    an entity of it is, in the story's order: index lookups instead of a loop over everyone the
    story names (dozens of people, every sentence)."""
    entries, index = roster
    hits = {i for w in words for i in index.get(w, ())} | {i for n in norms for i in index.get("\0" + n, ())}
    return [entries[i] for i in sorted(hits)]


@lru_cache(maxsize=64)
def _shared_surnames(names: tuple[str, ...]) -> frozenset[str]:
    """Surnames several people of the story share (the Kennedys): computed once a story."""
    surnames = [_surname(n) for n in names]
    return frozenset(w for w in surnames if surnames.count(w) > 1)


def _who_atoms(s: str, a: Article, order: int, names: list[str], people: dict[str, tuple[str, str]],
               lead: str | None) -> list[_Atom]:
    atoms = _actor_atoms(s, a, order, names, people)
    low = s.lower()  # a substring test first: the case-blind pattern costs more than the test over all sentences
    meeting = _MEETING.search(s) if any(w in low for w in ("met", "meet", "summit", "talks")) else None
    if not meeting or not _asserted(s, meeting.start(), meeting.end()):
        return atoms  # "did not meet": no meeting
    pair = _who_met(s, names, lead)
    if pair and _met_by_someone_else(s, meeting, pair):
        pair = None
    if pair:
        kind = "summit" if re.search(r"\bsummit\b", s, re.I) else "meeting"
        detail = _meeting_detail(s, [n for n, _ in people.values()])
        atoms.append(_Atom("who", "meeting:" + "|".join(sorted(p.lower() for p in pair)), "met",
                           f"{pair[0]} and {pair[1]}: {kind}" + (f" ({detail})" if detail else ""),
                           a, order, 3.0))
    return atoms


def _actor_atoms(s: str, a: Article, order: int, names: list[str], people: dict[str, tuple[str, str]]) -> list[_Atom]:
    """The people a sentence names who act in it, each with the role the story gives them."""
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
    return atoms


def _met_by_someone_else(s: str, meeting: re.Match, pair: list[str]) -> bool:
    """ "Lepage met with President Ochirbat and Prime Minister Enkhsaikhan": both after the verb,
    and the verb's subject is somebody else; they did not meet each other ("a summit between A and
    B" and "A and B met" name both sides)."""
    verb = meeting.group(1).lower()
    after = s[meeting.end():]
    if verb not in ("met", "meet", "meets", "held talks", "hold talks") and not (
            verb == "meeting" and re.match(r"\s+with\b", after)):  # "while meeting with A and B"
        return False
    return all(name in after for name in pair) and not re.match(r"\s+(?:\w+\s+)?between\b", after)


def _who_met(s: str, names: list[str], lead: str | None) -> list[str] | None:
    """The two people a meeting sentence names (the story's lead person first), or None."""
    pair = list(names)
    with_ = re.search(r"\bsummit with|talks with|meet(?:ing)? with", s, re.I)
    if len(pair) == 1 and lead and lead != pair[0] and with_ and pair[0] in s[with_.end():]:
        pair = [lead, pair[0]]  # "a summit with Xi Jinping": the story's lead person is the other side
    distinct: list[str] = []
    for name in pair:  # one person written two ways ("John Paul II", "John Paul") counts once
        words = set(name.split())
        if len(words) >= 2 and not any(words & set(d.split()) for d in distinct):
            distinct.append(name)
    if len(distinct) < 2:
        return None
    pair = distinct[:2]
    if lead in pair:
        pair.remove(lead)
        pair.insert(0, lead)
    return pair


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


_MET_THESE_DAYS = re.compile(r"\bmet\b[^.;]*?\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening)|"
                             r"(?:on\s+)?(?:" + "|".join(d.capitalize() for d in WEEKDAYS) + r"))\b")


def _meeting_detail(s: str, people: list[str]) -> str:
    """Short notes on a meeting: its rank ("second meeting") and what it follows."""
    bits: list[str] = []
    for m in re.finditer(r"\b(\w+)\s+(meeting|summit)\b", s, re.I):
        if m.group(1).lower() in ("first", "second", "third", "fourth", "fifth", "last", "previous"):
            bits.append(f"{m.group(1).lower()} {m.group(2).lower()}")
    # "Lee and Xi met on the sidelines of APEC": an earlier meeting; "met ... on Monday": this one
    past = re.search(r"\bmet\b", s) and not _MET_THESE_DAYS.search(s)
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


def _lead_person(articles: list[Article], people: dict[str, tuple[str, str]]) -> str | None:
    if not people:
        return None
    text = " ".join(s for a in articles for s in a.sentences[:MIN_LEAD])
    counts = {name: max(text.count(name.split()[0]), text.count(name.split()[-1])) for name, _ in people.values()}
    return max(counts, key=lambda n: counts[n])
