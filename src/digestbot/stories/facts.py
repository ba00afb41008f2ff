"""Key facts of a story (who / what / when / where / how_many), rule-based. Pure: no I/O.

Each sentence of each article yields small fact "atoms" (category, slot, value, text). Atoms
that agree (same slot and value, or for free-text "what" facts, similar wording) become one
Fact citing every article that states it; atoms for the same slot with different values
(a "four-day" against a "three-day" visit) become conflicts of that Fact, side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Article, Fact, SourceRef, Story
from .clustering import source_ref
from ..text.features import (
    Entity,
    Quantity,
    canonical_terms,
    dates,
    entities,
    mid_sentence_names,
    normalise_quotes,
    quantities,
    status_of,
)

CATEGORIES = ("who", "what", "when", "where", "how_many")
PER_CATEGORY = {"who": 4, "what": 8, "when": 4, "where": 4, "how_many": 6}

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
_LOWER_TITLE_PERSON = re.compile(
    r"(?<![\w'])((?:[A-Z]\w+'s\s+|[a-z]+\s+)?(?:activist|leader|chief executive|spokesperson|spokesman|spokeswoman|"
    r"minister|governor|chancellor|president|head|founder|chairman|envoy))\s*,?\s+"
    r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\b")
_EVENT_STEMS = ("arriv", "visit", "meet", "summit", "talk", "sign", "begin", "began", "start",
                "end", "conclud", "leave", "return", "trip", "take", "vote", "open", "close",
                "hold", "elect", "hearing", "launch", "fail", "collaps", "strike", "resign")


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
    for a in articles:
        for s in [a.title, *a.sentences]:
            s = normalise_quotes(s)
            for e in entities(s):
                words = [w for w in e.text.split() if w.lower().rstrip(".") not in _HONORIFICS]
                if e.is_person and len(words) >= 2:
                    full = " ".join(words)
                    name, role = people.get(full.lower(), (full, ""))
                    people[full.lower()] = (name, role or e.role)
            for m in _LOWER_TITLE_PERSON.finditer(s):
                norm = m.group(2).lower()
                if norm not in people:
                    people[norm] = (m.group(2), m.group(1).strip())
    return people


_NAME_WORD = re.compile(r"\w[\w'’.-]*")


def _resolve_people(ents: list[Entity], people: dict[str, tuple[str, str]], sentence: str) -> list[str]:
    """Full names of the people a sentence mentions (surnames resolved to full names).

    Word-set lookups instead of a regular expression per person and sentence: a story of 25
    articles names dozens of people, and this runs for every sentence."""
    words = {w.rstrip(".") for w in _NAME_WORD.findall(sentence)}
    norms = {e.norm for e in ents}
    found: list[str] = []
    for norm, (name, _) in people.items():
        parts = name.split()
        if norm in norms or (parts[0] in words and name in sentence):
            found.append(name)
        elif any(p in words for p in (parts[0], parts[-1]) if len(p) >= 3):
            found.append(name)
    return list(dict.fromkeys(found))


def _quantity_atoms(q: Quantity, sentence: str, a: Article, order: int) -> list[_Atom]:
    if q.kind in ("year",) or not q.unit or q.unit in _VAGUE_UNITS:
        return []
    if q.kind == "ordinal":
        return []  # anniversaries and "second meeting" are handled with their context
    if q.kind == "count" and q.value < 2 and q.unit not in ("death", "injury"):
        return []
    if re.match(r"\s+(more|additional|extra|further)\b", sentence[q.end :]) or re.search(
            r"\b(another|additional)\s+$", sentence[: q.start]):
        return []  # an increment ("two more bodies"), not a total
    if q.kind == "measure" and not q.event:
        return []  # "two months after ...": a time gap, not a fact of the story
    value = f"{q.value:g}"
    if q.kind == "count" and q.unit in ("death", "injury"):
        # tolls read the same whatever the wording: "killing 12 people" -> "12 dead"
        qualifier = f"{q.qualifier} " if q.qualifier else ""
        text = f"{qualifier}{value} {'dead' if q.unit == 'death' else 'injured'}"
    elif re.fullmatch(r"[\d,.]+", q.text.strip()):
        text = f"{q.text} {q.unit}s"
    else:
        text = q.text
    group = re.search(r"\b(delegation|group|team|crowd)\b",
                      _window_before(sentence, q.start, 4) + " " + sentence[q.end : q.end + 30], re.I)
    if q.kind == "count" and group:
        text = f"{group.group(1)}: {text}"
    slot = f"{q.kind}:{q.unit}:{q.event or ''}"
    weight = 1.5 if q.unit in ("death", "injury", "executive", "person", "day") else 1.0
    context = frozenset(canonical_terms(sentence)) - {q.unit, value}
    return [_Atom("how_many", slot, value, _clean(text), a, order, weight, context)]


def _sentence_atoms(sentence: str, a: Article, order: int, known: set[str],
                    people: dict[str, tuple[str, str]], lead: str | None) -> list[_Atom]:
    s = normalise_quotes(sentence)
    atoms: list[_Atom] = []
    ents = entities(s, known)

    # who: people and who met whom
    names = _resolve_people(ents, people, s)
    for name in names:
        role = people.get(name.lower(), (name, ""))[1]
        atoms.append(_Atom("who", f"person:{name.lower()}", role.lower(),
                           f"{name} ({role})" if role else name, a, order, 0.5))
    if _MEETING.search(s):
        pair = list(names)
        if len(pair) == 1 and lead and lead != pair[0] and re.search(r"\bsummit with|talks with|meet(?:ing)? with", s, re.I):
            pair = [lead, pair[0]]
        distinct: list[str] = []
        for name in pair:  # one person written two ways counts once
            if not any(name.split()[-1] == d.split()[-1] for d in distinct):
                distinct.append(name)
        pair = distinct
        if len(pair) >= 2:
            pair = pair[:2]
            if lead in pair:
                pair.remove(lead)
                pair.insert(0, lead)
            kind = "summit" if re.search(r"\bsummit\b", s, re.I) else "meeting"
            detail = _meeting_detail(s, [n for n, _ in people.values()])
            atoms.append(_Atom("who", "meeting:" + "|".join(sorted(p.lower() for p in pair)), "met",
                               f"{pair[0]} and {pair[1]}: {kind}" + (f" ({detail})" if detail else ""),
                               a, order, 3.0))

    # what: firsts, what came before, anniversaries
    for m in _FIRST.finditer(s):
        for part in re.split(r"\s+and\s+(?=(?:the\s+)?first\b)", m.group(0)):
            text = _clean(part)
            if len(text.split()) >= 4:
                atoms.append(_Atom("what", "first", "", text, a, order, 1.5))
    lead_m = _BEFORE_LEAD.match(s)
    tail_m = _BEFORE_TAIL.match(s) if not lead_m else None
    if lead_m:
        atoms.append(_Atom("what", "before", "", f"Before {_clean(lead_m.group(1))}: {_clean(lead_m.group(2))}",
                           a, order, 2.0))
    elif tail_m and len(tail_m.group(1).split()) >= 3:
        atoms.append(_Atom("what", "before", "", f"Before the {tail_m.group(2).lower()}: {_clean(tail_m.group(1))}",
                           a, order, 2.0))
    for m in _ANNIVERSARY.finditer(s):
        atoms.append(_Atom("what", "anniversary", "", _clean(m.group(1)), a, order, 1.5))

    # when: absolute dates with what happens then
    for d in dates(s):
        if (re.fullmatch(r"\d{4}", d.norm) or re.search(r"\bsince\s+$", s[: d.start])
                or s[d.end : d.end + 2] == "'s"):
            continue  # "since December 2019" dates a "first", not an event
        text = _clause_with(s, d.start, d.end)
        if _FIRST.search(text):
            continue  # listed with the "first" facts
        date_words = set(canonical_terms(d.text)) | {"early", "late", "mid"}
        terms = sorted(set(canonical_terms(text)) - date_words)
        stems = [t for t in terms if t.startswith(_EVENT_STEMS)]
        if not stems or len(text.split()) < 4:
            continue  # a date without an event to hang it on
        atoms.append(_Atom("when", "when:" + " ".join(terms), d.norm, text, a, order))

    # where: itinerary and places reached
    for m in _ITINERARY.finditer(s):
        atoms.append(_Atom("where", "itinerary", f"{m.group(1)}>{m.group(2)}".lower(),
                           f"{m.group(1)}, then {m.group(2)}", a, order, 3.0))
    for m in _MOVE.finditer(s):
        place = m.group(2)
        if place.lower() in people or any(place in p for p, _ in people.values()):
            continue
        verb = m.group(1).lower()
        atoms.append(_Atom("where", f"place:{place.lower()}", "", f"{place} ({_clean(m.group(0))})",
                           a, order, 1.0 if verb.startswith(("visit", "trip", "tour")) else 1.2))

    # how many
    for q in quantities(s):
        atoms.extend(_quantity_atoms(q, s, a, order))
    return atoms


def _clause_with(s: str, start: int, end: int, max_words: int = 14) -> str:
    """The clause around a span; a window of words when the clause is long."""
    breaks = [m.end() for m in re.finditer(r"[,;:\"]|\.\s", s[:start])]
    left = breaks[-1] if breaks else 0
    m = re.compile(r"[,;:\"]|\.\s").search(s, end)
    right = m.start() if m else len(s)
    clause = s[left:right]
    if len(clause.split()) > max_words:
        clause = _window_before(s, start, 8) + " " + s[start:end]
    return _clean(clause.rstrip("."))


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


def _status_atom(articles: list[Article]) -> list[_Atom]:
    """The latest status the coverage reports for the story's main event."""
    for a in sorted(articles, key=lambda x: x.published, reverse=True):
        for i, s in enumerate(a.key_points + a.sentences):
            status = status_of(s)
            if status in ("underway", "concluded") and re.search(
                    r"\b(visit|summit|talks|trip|meeting|agreement)\b", s, re.I):
                label = "under way" if status == "underway" else status
                clause = _clean(re.split(r",\s+(?=\w+ing\b)|;", s)[0])
                if len(clause) > 160:
                    clause = clause[:160].rsplit(" ", 1)[0] + "…"
                return [_Atom("what", "status", status, f"Status: {label} — {clause}", a, -1, 2.5)]
    return []


def _refs(atoms: list[_Atom]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for at in sorted(atoms, key=lambda x: (x.article.published, x.article.key)):
        seen.setdefault(at.article.key, source_ref(at.article))
    return list(seen.values())


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _group(atoms: list[_Atom]) -> list[Fact]:
    """Agreeing atoms -> one Fact; same slot, different value -> conflicts."""
    facts: list[tuple[float, int, Fact]] = []
    by_slot: dict[tuple[str, str], list[_Atom]] = {}
    free: list[list[_Atom]] = []
    for at in atoms:
        if at.category == "what" and at.slot != "status":
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
        fact = Fact(grp[0].category, _capitalise(grp[0].text), _refs(grp))
        facts.append((max(a.weight for a in grp) * fact.agreeing, -min(a.order for a in grp), fact))
    for (category, slot), grp in by_slot.items():
        values: dict[str, list[_Atom]] = {}
        for at in grp:
            values.setdefault(at.value, []).append(at)
        if category == "who" and slot.startswith("person:"):
            values = {"": grp}  # one person, whatever roles are written
        if category == "where" or slot == "itinerary":
            values = {"": grp} if category == "where" and slot != "itinerary" else values
        def newest(g: list[_Atom]) -> float:
            return max(x.article.published.timestamp() for x in g)

        if slot.startswith(("count:death", "count:injury")):  # running tolls: the latest first
            ranked = sorted(values.values(), key=lambda g: -newest(g))
        else:
            ranked = sorted(values.values(), key=lambda g: (-len({x.article.key for x in g}), -newest(g)))
        main = ranked[0]
        texts = list(dict.fromkeys(x.text for x in main))
        text = texts[0] if len(texts) == 1 or category != "how_many" else " / ".join(texts[:2])
        if category == "who" and slot.startswith("meeting:"):
            text = _merge_meeting(texts)
        conflicts = []
        if category == "when":
            conflicts = [(g[0].text, _refs(g)) for g in ranked[1:]]
        elif category == "how_many":
            main_ctx = frozenset().union(*(x.context for x in main))
            for g in ranked[1:]:
                if _overlap(main_ctx, frozenset().union(*(x.context for x in g))) >= 0.3:
                    conflicts.append((g[0].text, _refs(g)))
                else:  # the same unit about something else: a fact of its own
                    other = Fact(category, _capitalise(g[0].text), _refs(g))
                    facts.append((max(x.weight for x in g) * other.agreeing, -min(x.order for x in g), other))
        fact = Fact(category, _capitalise(text), _refs(main), conflicts)
        weight = max(x.weight for x in main)
        facts.append((weight * fact.agreeing + 0.5 * len(conflicts), -min(x.order for x in main), fact))
    facts.sort(key=lambda t: (CATEGORIES.index(t[2].category), -t[0], -t[1]))
    out: list[Fact] = []
    counts: dict[str, int] = {}
    for _, _, f in facts:
        if counts.get(f.category, 0) >= PER_CATEGORY[f.category]:
            continue
        counts[f.category] = counts.get(f.category, 0) + 1
        out.append(f)
    return out


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


def extract_facts(story: Story) -> list[Fact]:
    articles = sorted(story.articles, key=lambda a: (a.published, a.key))
    people = _person_names(articles)
    lead = None
    if people:
        counts = {name: sum(" ".join(a.sentences).count(name.split()[0]) for a in articles)
                  for name, _ in people.values()}
        lead = max(counts, key=lambda n: counts[n])
    atoms: list[_Atom] = []
    order = 0
    for a in articles:
        known = mid_sentence_names([a.title, *a.sentences])
        for s in a.sentences:
            atoms.extend(_sentence_atoms(s, a, order, known, people, lead))
            order += 1
    atoms.extend(_status_atom(articles))
    in_itinerary = {p for at in atoms if at.slot == "itinerary" for p in at.value.split(">")}
    atoms = [at for at in atoms if not (at.slot.startswith("place:") and at.slot[6:] in in_itinerary)]
    # people are worth listing only when they matter to the story: met someone or recur
    facts = _group(atoms)
    return [f for f in facts if not (f.category == "who" and "(" not in f.text and ":" not in f.text
                                      and f.agreeing < 2)]
