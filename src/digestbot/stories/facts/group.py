"""Atoms about the same thing become one Fact: corroborated by outlet, a figure's timeline and conflicts, the line budget. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...domain.models import Fact, SourceRef, outlet_count
from ...text.lexicons import STOPWORDS
from ...text.tokens import canonical_terms
from ..clustering import source_ref
from .core import _Atom, _capitalise
from .people import _merge_meeting

CATEGORIES = ("what", "who", "when", "where", "how_many")
PER_CATEGORY = {"who": 4, "what": 7, "when": 1, "where": 2, "how_many": 5}
MAX_LINES = 15
# a category's share when the others leave lines unused (dates stay one: more added wrong lines)
SPARE_PER_CATEGORY = {"who": 6, "what": 10, "when": 1, "where": 3, "how_many": 8}


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


_AMOUNT_WORD = re.compile(r"[$\d]|^(?:thousand|million|billion|trillion|dollars?|of|in)$")


def _other_modifiers(main: _Atom, other: _Atom) -> bool:
    """Two amounts of one head noun whose modifiers differ ("$1.5 billion primary mission", "$30
    million extended mission") are two figures, not one figure's values; one with fewer words
    ("budget surplus", "federal budget surplus") may be the same."""
    if not main.slot.startswith("money:"):
        return False
    words = [{w for w in at.text.lower().split() if not _AMOUNT_WORD.search(w)} for at in (main, other)]
    return bool(words[0] - words[1]) and bool(words[1] - words[0])


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
    conflicts, timeline, out = [], [], []
    for g in ranked:
        if g is main:
            continue
        kind = _value_kind(main, g, g in same_time)
        if kind == "own":
            other = Fact("how_many", _capitalise(g[0].text), _refs(g), evidence=g[0].evidence)
            out.append(_Scored(_support(g) * g[0].weight, -min(x.order for x in g), other, int(g[0].weight < 1)))
        elif kind != "concurrent":
            (conflicts if kind == "conflict" else timeline).append((g[0].text, _refs(g)))
    out.append(_main_figure(main, ranked, conflicts, timeline))
    return out


def _main_figure(main: list[_Atom], ranked: list[list[_Atom]], conflicts: list, timeline: list) -> _Scored:
    """The figure's line, its earlier values and conflicting ones beside it, scored by everyone behind them."""
    texts = list(dict.fromkeys(x.text for x in main))
    fact = Fact("how_many", _capitalise(texts[0]), _refs(main), conflicts, timeline, main[0].evidence)
    related = [x for g in ranked for x in g if g is main or (g[0].text, _refs(g)) in conflicts + timeline]
    return _Scored(_support(related) * max(x.weight for x in main) + 0.5 * len(conflicts),
                   -min(x.order for x in main), fact, int(max(x.weight for x in main) < 1))


# A figure moves within weeks (a toll, a wind speed, a count of hostages); the same words months
# apart are another instance: "two-day visit" against last year's "four-day visit", this year's drop.
TIMELINE_DAYS = 30


def _value_kind(main: list[_Atom], g: list[_Atom], same_time: bool) -> str:
    """What another value of a figure is beside the main one: a figure of its own ("own"), a
    "conflict" (another outlet, about the same time, about something both name, not corrected) or
    an earlier point of its "timeline"."""
    if _another_figure(main, g, same_time):
        return "own"
    if any(x.superseded for x in g):
        return "timeline"  # "earlier reports said ...": a correction
    other_outlet = {x.article.source for x in g} - {x.article.source for x in main}
    if same_time and not other_outlet or _unchanged_sum(main):
        return "own"  # one outlet's two values at once ("$33.5 million judgment", "$25 million" of it)
    if same_time:
        return "conflict" if _same_names(main, g) else "own"
    if min(x.article.published.timestamp() for x in main) < _newest(g):
        return "concurrent"  # the newest value was stated before this one last was: two estimates, not a change
    return "timeline"


def _unchanged_sum(main: list[_Atom]) -> bool:
    """Two sums of one noun that nothing says changed are two figures, not one that moved."""
    return main[0].slot.startswith("money:") and not any(_TOLL_CHANGE.search(x.evidence) for x in main)


def _same_names(main: list[_Atom], g: list[_Atom]) -> bool:
    """Two outlets disagree about one figure only when their sentences name something in common, or
    neither names anything ("Georgia led the nation with a 101.8 percent increase" is not the
    nation's 50 percent)."""
    ours, theirs = _names_in(main), _names_in(g)
    return bool(ours & theirs) or not (ours or theirs)


def _names_in(atoms: list[_Atom]) -> set[str]:
    return {w for at in atoms for w in _NAME.findall(at.evidence or "") if w.lower() not in STOPWORDS}


_NAME = re.compile(r"\b[A-Z][a-z]+")


def _another_figure(main: list[_Atom], g: list[_Atom], same_time: bool) -> bool:
    """The value counts something else: its sentence shares little with the main one's, it counts
    another scope or has other modifiers, or it was stated more than TIMELINE_DAYS earlier."""
    main_ctx = frozenset().union(*(x.context for x in main))
    return (_overlap(main_ctx, frozenset().union(*(x.context for x in g))) < 0.3 or _other_scope(main, g, same_time)
            or _other_modifiers(main[0], g[0]) or _newest(main) - _newest(g) > TIMELINE_DAYS * 86400)


_TOLL_EVENT = re.compile(r"(?<=dead|ured) in the \w+$")


def _group(atoms: list[_Atom], min_support: int) -> list[Fact]:
    """Agreeing atoms -> one Fact; facts stated by fewer than `min_support` outlets are left out."""
    free, by_slot = _sorted_atoms(atoms)
    scored = [_free_fact(grp) for grp in free]
    for (category, slot), grp in by_slot.items():
        if category == "how_many":
            scored += _figure_facts(grp)
        elif slot == "happened" or slot.startswith("development"):
            scored.append(_lead_fact(slot, grp[0]))
        elif any(at.text for at in grp):  # (a date's atoms may all only corroborate it)
            scored.append(_slot_fact(category, slot, grp))
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


def _sorted_atoms(atoms: list[_Atom]) -> tuple[list[list[_Atom]], dict[tuple[str, str], list[_Atom]]]:
    """Free-text atoms (firsts, events: alike when their words are) and the others by their slot."""
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
    return free, by_slot


def _free_fact(grp: list[_Atom]) -> _Scored:
    fact = Fact(grp[0].category, _capitalise(grp[0].text), _refs(grp), evidence=grp[0].evidence)
    return _Scored(max(a.weight for a in grp) * _support(grp), -min(a.order for a in grp), fact,
                   -int(any(a.central for a in grp)))


def _lead_fact(slot: str, lead: _Atom) -> _Scored:
    """What happened (first, whatever its support) or a development (cites the leads that say the same)."""
    refs = list({a.key: source_ref(a) for a in lead.corroborating}.values())
    prefix = "What happened: " if slot == "happened" else ""
    fact = Fact("what", prefix + lead.text, refs, evidence=lead.evidence)
    return _Scored(1e9 if prefix else lead.weight * len(refs), 0, fact,
                   when=0.0 if prefix else lead.article.published.timestamp())


def _slot_fact(category: str, slot: str, grp: list[_Atom]) -> _Scored:
    """One person, place, date or meeting: the value most outlets state, in its fullest wording."""
    values: dict[str, list[_Atom]] = {}
    for at in grp:
        values.setdefault(at.value, []).append(at)
    if category in ("who", "where") and slot != "itinerary":
        values = {"": grp}  # one person or place, whatever roles or verbs are written
    main = sorted(values.values(), key=lambda g: (-_support(g), -_newest(g)))[0]
    texts = list(dict.fromkeys(x.text for x in main))
    text = _merge_meeting(texts) if slot.startswith("meeting:") else max(texts, key=texts.count)
    if category == "who" and slot.startswith("person:"):
        text = max(texts, key=lambda t: ("(" in t, [x.text for x in main].count(t)))
    if category == "when":
        text = min(filter(None, texts), key=len)  # (`_group` passes no date whose atoms all only corroborate it)
    stated = next((x for x in main if x.text == text), main[0])  # `why` shows the sentence of this text
    fact = Fact(category, _capitalise(text), _refs(main), evidence=stated.evidence)
    return _Scored(max(x.weight for x in main) * _support(main), -min(x.order for x in main), fact)


RESTATED_ON_DAYS = 3  # days on which one outlet restates a fact in its own reports: it counts as two


def _outlets_behind(fact: Fact) -> int:
    """Outlets that state a fact, its earlier values and conflicting ones included."""
    return outlets_behind(list(fact.sources) + [r for _, rs in fact.timeline + fact.conflicts for r in rs])


def outlets_behind(refs: list[SourceRef]) -> int:
    """Outlets behind these reports. A story one outlet covers almost alone (a newspaper's running
    coverage) has few facts two outlets state: an outlet that restates a fact on several days, in
    reports of their own (wire copies share a day), stands for a second source."""
    outlets = outlet_count(refs)
    if outlets == 1 and len({r.published.date() for r in refs}) >= RESTATED_ON_DAYS:
        return 2
    return outlets


def _selected(kept: list[_Scored]) -> list[Fact]:
    """The best-scored facts within each category's share and the line budget, in reading order:
    what happened first, then by category, developments newest first."""
    counts: dict[str, int] = {}
    chosen: list[_Scored] = []
    for caps in (PER_CATEGORY, SPARE_PER_CATEGORY):  # each category's share, then lines left unused
        for sc in kept:
            f = sc.fact
            if sc in chosen or counts.get(f.category, 0) >= caps[f.category] or len(chosen) >= MAX_LINES:
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


REPEATED_EVENT = 0.7  # share of an event line's words a longer "what" line has: it says the same


def _without_repeated_events(facts: list[Fact]) -> list[Fact]:
    """An event line a development already says ("The Supreme Court ruled that Congress violated
    ..." beside "25 Jun 1998: The Supreme Court ruled Thursday that Congress violated ...") is left
    out, leaving its line to what the coverage also reports. (Beside what happened, an event line
    stays: it names every outlet that states it.)"""
    words = [content_words(f.text) for f in facts]

    def repeated(i: int) -> bool:
        f = facts[i]
        if f.category != "what" or f.text.startswith("What happened: ") or f.text[:1].isdigit():
            return False  # only an undated event line: what happened and developments stay
        return any(j != i and g.category == "what" and g.text[:1].isdigit() and len(g.text) > len(f.text)
                   and len(words[i] & words[j]) >= REPEATED_EVENT * len(words[i]) for j, g in enumerate(facts))
    return [f for i, f in enumerate(facts) if not repeated(i)]


_WORDS = re.compile(r"[a-z]{3,}")


def content_words(text: str) -> set[str]:
    """The words of three letters or more, lower-cased: what two lines share when they say the same."""
    return set(_WORDS.findall(text.lower()))


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
