"""Quantities in a sentence: numbers with their unit noun. Pure functions, no I/O.

"more than 200 business leaders" -> 200 executive, "four-day" -> 4 day, "150th anniversary" ->
ordinal 150 anniversary, "killed 12" -> 12 death.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicons import (
    DEATH_WORDS,
    INJURY_WORDS,
    MEASURE_UNITS,
    MONTHS,
    MULTIPLIERS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    QUALIFIERS,
    STOPWORDS,
    SYNONYMS,
)
from .tokens import Tokens, is_capitalised, normalise_quotes, stem, strip_possessive, tokenize

_NUM_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_ORDINAL_NUM_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.I)
_DECADE_RE = re.compile(r"^(1[89]|20)\d0s$")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None  # canonical noun ("executive", "day", "anniversary") or None
    kind: str  # count | measure | ordinal | year | percent | money
    qualifier: str  # "", "about", "more than", ...
    text: str  # surface span, e.g. "more than 200 business leaders"
    start: int
    end: int
    event: str | None = None  # for measures: the noun they modify ("four-day state visit" -> visit)

    def same_fact(self, other: "Quantity") -> bool:
        return (self.kind == other.kind and self.unit == other.unit
                and math.isclose(self.value, other.value))

    def same_slot(self, other: "Quantity") -> bool:
        return self.kind == other.kind and self.unit is not None and self.unit == other.unit and (
            self.event == other.event)


def _number_value(word: str) -> float | None:
    w = word.lower()
    if w[:1].isdigit() and _NUM_RE.match(w):  # the digit test first: most words are not numbers
        return float(w.replace(",", ""))
    return float(NUMBER_WORDS[w]) if w in NUMBER_WORDS and w != "dozen" else None


# Plurals without an -s: like any plural they end a counted noun phrase.
IRREGULAR_PLURALS = frozenset("men women children people police feet teeth mice geese cattle".split())


_PUNCTUATION = re.compile(r"[,;:.()\"]")


def _unit_after(toks: Tokens, j: int, text: str = "") -> tuple[str | None, int]:
    """The canonical noun after position j (exclusive end index of the span used)."""
    run = _noun_run(toks, j, text)
    if run is None:
        return None, j  # a month: a date, not a counted noun
    for n in range(len(run), 0, -1):
        for start in range(0, len(run) - n + 1):
            phrase = " ".join(run[start : start + n])
            if phrase in SYNONYMS:
                return SYNONYMS[phrase], j + start + n
            if n == 1 and phrase in MEASURE_UNITS:
                return MEASURE_UNITS[phrase], j + start + 1
    if run:
        # head noun: the last word of a short run
        return stem(run[-1]), j + len(run)
    return None, j


def _noun_run(toks: Tokens, j: int, text: str) -> list[str] | None:
    """Up to three lower-case words from position j that can name what is counted; None when a
    month comes first. `text`, when given, stops the run at punctuation."""
    run: list[str] = []
    k = j
    while k < len(toks) and len(run) < 3:
        if text and k > 0 and _PUNCTUATION.search(text, toks.end[k - 1], toks.start[k]):
            break  # a noun phrase does not run across punctuation
        w = strip_possessive(toks.text[k]).lower()
        if not _may_be_noun(w):
            break
        if w in _MONTH_NAMES:
            return None
        if _is_participle(w):
            break  # a verb or participle ("3 compared with"), not the counted noun
        run.append(w)
        k += 1
        if _is_plural(w):
            break  # a plural noun ends the phrase ("two quarters ahead", "two men near")
    return run


def _may_be_noun(w: str) -> bool:
    return w not in STOPWORDS and _number_value(w) is None and w.replace("-", "").isalpha()


def _is_participle(w: str) -> bool:
    return w not in SYNONYMS and w.endswith(("ed", "ing")) and len(w) > 4


def _is_plural(w: str) -> bool:
    return (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))) or w in IRREGULAR_PLURALS


_EVENT_HEADS = frozenset(
    "visit trip tour stay journey summit meeting talks conference hiatus break ban war term "
    "sentence strike ceasefire truce campaign mission span delay gap search operation".split())


def _measure_event(toks: Tokens, j: int) -> tuple[str | None, int]:
    """The event a hyphenated measure modifies: "four-day state visit" -> visit."""
    for k in range(j, min(j + 2, len(toks))):
        w = strip_possessive(toks.text[k]).lower()
        if w in _EVENT_HEADS:
            return SYNONYMS.get(w, w), k + 1
        if w not in ("state", "official", "working", "private", "long", "short"):
            break
    return None, j


_PEOPLE_UNITS = frozenset(
    "person executive death injury official soldier worker delegate student company home".split())


def _unit_before(toks: Tokens, i: int) -> str | None:
    words = [strip_possessive(word).lower() for word in toks.text[max(0, i - 4) : i]]
    for n in (2, 1):
        for s in range(len(words) - n, -1, -1):
            phrase = " ".join(words[s : s + n])
            if phrase in SYNONYMS and SYNONYMS[phrase] in ("death", "injury", "percent"):
                return SYNONYMS[phrase]
    return None


def _qualifier_before(toks: Tokens, i: int) -> tuple[str, int]:
    for n in (3, 2, 1):
        if i - n >= 0:
            phrase = " ".join(toks.lower[i - n : i])
            if phrase in QUALIFIERS:
                return QUALIFIERS[phrase], toks.start[i - n]
    return "", toks.start[i]


def _death_context(toks: Tokens, i: int, j: int, whole: bool = False) -> str | None:
    window = " ".join(toks.lower if whole else toks.lower[max(0, i - 8) : j + 4])
    if _DEATH.search(window):
        return "death"
    if _INJURY.search(window):
        return "injury"
    return None


_DEATH = re.compile(rf"\b(?:{DEATH_WORDS})\b")
_INJURY = re.compile(rf"\b(?:{INJURY_WORDS})\b")


def quantities(text: str) -> list[Quantity]:
    return list(_quantities(text))


def in_words(value: float) -> str:
    """3000000.0 -> "3 million": a number written as news writes a large one."""
    for word in ("trillion", "billion", "million", "thousand"):
        if value >= MULTIPLIERS[word]:
            return f"{value / MULTIPLIERS[word]:g} {word}"
    return f"{value:g}"


_MONTH_NAMES = frozenset(MONTHS)
_ANNIVERSARY_WORDS = frozenset(("centennial", "centenary", "bicentennial", "bicentenary"))
# Words that can open a quantity; every other token is passed over without a test.
_QUANTITY_OPENERS = frozenset((*NUMBER_WORDS, *ORDINAL_WORDS, "$"))
_KIND_OF_UNIT = {"percent": "percent", "dollar": "money", **dict.fromkeys(
    ("day", "week", "month", "year", "hour", "minute", "decade"), "measure")}


@lru_cache(maxsize=8192)
def _quantities(text: str) -> tuple[Quantity, ...]:
    text = normalise_quotes(text)
    toks = tokenize(text)
    out: list[Quantity] = []
    i = 0
    for k in [k for k, w in enumerate(toks.lower) if w[:1].isdigit() or w in _QUANTITY_OPENERS or "-" in w]:
        if k < i:
            continue  # part of the quantity before
        found, i = _quantity_at(toks, k, text)
        if found is not None:
            out.append(found)
    return tuple(out)


def _quantity_at(toks: Tokens, i: int, text: str) -> tuple[Quantity | None, int]:
    """The quantity that token i opens, if any, and the index after the tokens it used."""
    w = toks.lower[i]
    if "-" in w:
        hyphenated = _hyphenated(toks, i, text)
        if hyphenated is not None:
            return hyphenated
    rank = _ordinal_value(w)
    if rank is not None:
        return _ordinal(toks, i, text, rank), i + 1
    if w[:1].isdigit() and _DECADE_RE.match(w):
        return Quantity(float(w[:4]), "decade", "year", "", toks.text[i], toks.start[i], toks.end[i]), i + 1
    val = _number_value(w)
    if val is None and w == "$" and i + 1 < len(toks):
        money = _money(toks, i, text)
        if money is not None:
            return money
    if val is None or w in ("one", "zero") or _is_date_or_identifier(toks, i):
        return None, i + 1  # "one side", "one of": rarely a count
    return _count(toks, i, text, val)


def _ordinal_value(w: str) -> float | None:
    """150 for "150th", 3 for "third", 100 for "centenary"; None for any other word."""
    m = _ORDINAL_NUM_RE.match(w) if w[:1].isdigit() else None
    if m:
        return float(m.group(1))
    return float(ORDINAL_WORDS[w]) if w in ORDINAL_WORDS else None


def _hyphenated(toks: Tokens, i: int, text: str) -> tuple[Quantity | None, int] | None:
    """Hyphenated measures (four-day, six-year, 200-strong); ranges such as 1910-1945 are
    dates, not counts. None when the word is neither."""
    start, end = toks.start[i], toks.end[i]
    left, _, right = toks.lower[i].partition("-")
    val = _number_value(left)
    if val is None:
        return None
    if right in MEASURE_UNITS:
        event, after = _measure_event(toks, i + 1)
        span_end = toks.end[min(after, len(toks)) - 1] if after > i + 1 else end
        return Quantity(val, MEASURE_UNITS[right], "measure", "", text[start:span_end],
                        start, span_end, event), i + 1
    if _number_value(right) is not None:
        return None, i + 1
    return None


def _ordinal(toks: Tokens, i: int, text: str, val: float) -> Quantity | None:
    """"150th anniversary", "third visit", "centenary"."""
    start = toks.start[i]
    unit, end = _unit_after(toks, i + 1)
    if toks.lower[i] in _ANNIVERSARY_WORDS:
        unit = "anniversary"
    if not unit:
        return None
    span_end = toks.end[end - 1] if end > i + 1 else toks.end[i]
    return Quantity(val, unit, "ordinal", "", text[start:span_end], start, span_end)


def _money(toks: Tokens, i: int, text: str) -> tuple[Quantity, int] | None:
    """"$ 5 million" (the tokenizer splits the sign off): None when no number follows."""
    nv = _number_value(toks.lower[i + 1])
    if nv is None:
        return None
    j = i + 2
    while j < len(toks) and toks.lower[j] in MULTIPLIERS:
        nv *= MULTIPLIERS[toks.lower[j]]
        j += 1
    start, end = toks.start[i], toks.end[j - 1]
    return Quantity(nv, "dollar", "money", "", text[start:end], start, end), j


def _is_date_or_identifier(toks: Tokens, i: int) -> bool:
    """A date ("16 February") or an identifier ("Chapter 11", "Boeing 777")."""
    prev = toks.lower[i - 1] if i > 0 else None
    nxt = toks.lower[i + 1] if i + 1 < len(toks) else ""
    if nxt in _MONTH_NAMES or (prev is not None and prev in _MONTH_NAMES):
        return True
    return (prev is not None and is_capitalised(toks.text[i - 1]) and bool(_NUM_RE.match(toks.lower[i]))
            and prev not in QUALIFIERS and prev not in STOPWORDS)


def _count(toks: Tokens, i: int, text: str, val: float) -> tuple[Quantity, int]:
    """A number and what it counts: "more than 200 business leaders", "two dozen", "1998"."""
    j = i + 1
    while j < len(toks) and (toks.lower[j] in MULTIPLIERS or toks.lower[j] == "dozen"):
        val *= MULTIPLIERS.get(toks.lower[j], 12)  # "two dozen" is 24
        j += 1
    unit, end = _unit_after(toks, j, text)
    kind = _KIND_OF_UNIT.get(unit, "count")
    if kind == "count" and unit not in _PEOPLE_UNITS and _is_year(toks.lower[i], val):
        return Quantity(val, "year", "year", "", toks.text[i], toks.start[i], toks.end[i]), j
    if unit is None or unit in ("person",):
        unit = (_death_context(toks, i, j, whole=unit is None) or unit
                or _unit_before(toks, i))
    qualifier, qstart = _qualifier_before(toks, i)
    span_end = toks.end[end - 1] if end > j else toks.end[j - 1]
    return Quantity(val, unit, kind, qualifier, text[qstart:span_end], qstart, span_end), (
        max(j, end) if unit else j)


def _is_year(word: str, val: float) -> bool:
    return val.is_integer() and 1900 <= val <= 2100 and bool(_NUM_RE.match(word)) and "," not in word
