"""Key facts of a story (what happened, who, when, where, how many), rule-based. Pure: no I/O.

A fact is shown only when the extractor can say what it is: a number carries what it counts
(from the sentence that states it), a date is resolved against the article's date, a claim that
is negated or only planned is dropped or marked. Each sentence yields fact "atoms"; atoms about
the same thing become one Fact citing every article that states it. A figure that changed over
time becomes a timeline (newest first); two outlets disagreeing about the same figure at about the
same time become a conflict. In a story of many articles a fact must be stated by at least two
(one wire story is not corroboration), and the first line says what happened: the story's most
central lead sentence. A long story's lines left unused go to what its coverage keeps reporting:
its most central leads, as written (`reported`).
"""


from __future__ import annotations

from dataclasses import replace

from ...domain.models import Article, Fact, Story, outlet_count
from ...text.datelines import place_and_day, with_dateline
from ...text.entities import entities
from ...text.quantities import quantities
from ...text.tokens import normalise_quotes
from ...text.sentences import NAME_INSIDE
from ..clustering import source_ref
from .core import _Atom, _DIGIT, _NUMBER_WORD_PART
from .dates import _when_atoms
from .events import _central_events, _event_atoms, _what_atoms
from .figures import _quantity_atoms
from .tallies import _tally_atoms
from .group import MAX_LINES, _bare_counts_joined, _group, _one_line_a_person, _without_repeated_events
from .leads import CORROBORATED_FROM, DEVELOPMENTS, MAX_LEAD, MIN_LEAD, SENTENCE_BUDGET, _candidates, _central_leads
from .people import _Roster, _age_atoms, _lead_person, _person_names, _resolve_people, _roster, _who_atoms
from .places import _where_atoms
from .reported import reported_facts


def _sentence_atoms(sentence: str, a: Article, order: int, people: dict[str, tuple[str, str]],
                    lead: str | None, is_lead: bool, named_here: frozenset[str] | None = None,
                    roster: _Roster | None = None) -> list[_Atom]:
    s = normalise_quotes(sentence)
    atoms: list[_Atom] = []
    # a person of the story is named in two capitalised words: a sentence without a second one names none
    # (lone capitalised openers, which `entities` checks against names seen elsewhere, never match one)
    ents = entities(s) if NAME_INSIDE.search(s, 1) else []
    names = _resolve_people(ents, people, s, named_here, roster)
    atoms += _who_atoms(s, a, order, names, people, lead)
    atoms += _age_atoms(s, a, order, people)
    atoms += _what_atoms(s, a, order)
    atoms += _when_atoms(s, a, order)
    atoms += _where_atoms(s, a, order, people, is_lead)
    atoms += _tally_atoms(s, a, order)
    atoms += _event_atoms(s, a, order)
    if _DIGIT.search(s) or _NUMBER_WORD_PART.search(s.lower()):  # else only ordinals, which state nothing here
        for q in quantities(s):
            atoms.extend(_quantity_atoms(q, s, a, order))
    place = place_and_day(a.dateline)
    for at in atoms:
        at.evidence = sentence
        if at.category == "what":  # "this Asian country", "state officials": the dateline says which
            at.text = with_dateline(at.text, place)
    return atoms


def extract_facts(story: Story) -> list[Fact]:
    articles = sorted(story.articles, key=lambda a: (a.published, a.key))
    limit = min(MAX_LEAD, max(MIN_LEAD, SENTENCE_BUDGET // max(1, len(articles))))
    candidates = {a.key: _candidates(a, limit) for a in articles}
    atoms = _bare_counts_joined(_story_atoms(articles, candidates))
    _central_events(atoms, {a.key: " ".join(s for s, lead in candidates[a.key] if lead).lower() for a in articles})
    atoms += _central_leads(articles, DEVELOPMENTS if len(articles) >= CORROBORATED_FROM else 0)
    facts = _group(_without_itinerary_places(atoms), _min_support(articles))
    # a person is listed with what they are (a role) or did (a meeting): a bare name says little
    facts = _one_line_a_person([f for f in facts if not (f.category == "who" and "(" not in f.text and ":" not in f.text)])
    if len(articles) >= CORROBORATED_FROM:  # a short story's facts say what its few articles do
        facts = _without_repeated_events(facts)
        facts += reported_facts(articles, facts, MAX_LINES - len(facts))
    return facts


def _min_support(articles: list[Article]) -> int:
    """In a story of many articles, a fact only one of them states is more often noise than news
    (a story one outlet covers alone has no second outlet to ask for: its facts stand on that outlet)."""
    single_outlet = outlet_count([source_ref(a) for a in articles]) == 1
    return 2 if len(articles) >= CORROBORATED_FROM and not single_outlet else 1


def _without_itinerary_places(atoms: list[_Atom]) -> list[_Atom]:
    """A place an itinerary names ("Beijing, then Shanghai") is not listed again on its own."""
    in_itinerary = {p for at in atoms if at.slot == "itinerary" for p in at.value.split(">")}
    return [at for at in atoms if not (at.slot.startswith("place:") and at.slot[6:] in in_itinerary)]


def _story_atoms(articles: list[Article], candidates: dict[str, list[tuple[str, bool]]]) -> list[_Atom]:
    """Every atom of the sentences read, in reading order, with the story's people known first."""
    people = _person_names([replace(a, sentences=[s for s, _ in candidates[a.key]]) for a in articles])
    lead = _lead_person(articles, people)
    roster = _roster(people)
    atoms: list[_Atom] = []
    order = 0
    for a in articles:
        text = " ".join(s for s, _ in candidates[a.key])
        named_here = frozenset(norm for norm, (name, _) in people.items() if name in text)
        for s, is_lead in candidates[a.key]:
            atoms.extend(_sentence_atoms(s, a, order, people, lead, is_lead, named_here, roster))
            order += 1
    return atoms
