"""Small text features shared by stories, novelty and facts. Pure functions, no I/O.

- `content_terms`: canonical content words (stemmed, synonyms folded: "business leaders" and
  "executives" both give "executive") for similarity.
- `quantities`: numbers with their unit noun ("more than 200 business leaders" -> 200 executive,
  "four-day" -> 4 day, "150th anniversary" -> ordinal 150 anniversary, "killed 12" -> 12 death).
- `entities`: capitalised names and places, titles split off ("Chinese President Xi Jinping" ->
  person "xi jinping"), aliases folded ("ROK" -> "south korea").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter

STOPWORDS = frozenset(
    """a about above after again against all also although am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each either else ever
    every few for from further had has have having he her here hers herself him himself his how however i
    if in into is isn't it its itself just least less let like many may me might more most much must my
    myself neither no nor not now of off on once one only or other others our ours ourselves out over own
    per quite rather same says said say shall she should since so some still such than that the their
    theirs them themselves then there these they this those though through thus to too under until up upon
    us very via was we were what when where whether which while who whom whose why will with within without
    would yet you your yours yourself also amid among along across toward towards onto well even whose
    mr mrs ms dr
    """.split()
)

# Words that add little to "what is this about" in news text (kept out of similarity).
WEAK_WORDS = frozenset(
    """new year years time times week day days month months today yesterday tomorrow recently recent
    last next first second third part way ways lot number including include includes included
    make makes made take takes took taken get gets got go goes went come comes came see sees seen
    saw given give gives go going say told tell tells report reported reports according
    """.split()
)

# Phrases (lower case) folded onto one canonical noun: a small synonym/hypernym table for
# the nouns news reports count. Longest phrases are tried first.
_SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "executive": (
        "executives", "executive", "business leaders", "business leader", "business executives",
        "business people", "businesspeople", "businessmen", "businesswomen", "ceos", "ceo",
        "chief executives", "corporate leaders", "industry leaders", "company heads",
        "industrialists", "tycoons", "entrepreneurs",
    ),
    "person": (
        "people", "persons", "person", "residents", "resident", "civilians", "citizens",
        "individuals", "inhabitants", "villagers", "locals", "passengers",
    ),
    "death": (
        "killed", "dead", "deaths", "death", "died", "fatalities", "death toll", "lives lost",
        "dead bodies", "bodies",
    ),
    "injury": ("injured", "wounded", "injuries", "hurt", "casualties"),
    "official": (
        "officials", "official", "government officials", "senior officials", "civil servants",
        "bureaucrats",
    ),
    "soldier": ("troops", "soldiers", "service members", "servicemen", "military personnel"),
    "company": ("companies", "company", "firms", "firm", "businesses", "enterprises", "corporations"),
    "worker": ("workers", "employees", "staff", "labourers", "laborers", "staffers"),
    "delegate": ("delegates", "participants", "attendees", "representatives"),
    "student": ("students", "pupils"),
    "meeting": ("meeting", "meetings", "summit", "summits", "talks", "summit talks"),
    "agreement": (
        "agreements", "agreement", "deals", "deal", "accords", "accord", "pacts", "pact",
        "memoranda of understanding", "memorandum of understanding", "mous", "mou",
        "treaties", "treaty",
    ),
    "visit": ("visit", "visits", "trip", "trips", "tour", "journey", "state visit"),
    "home": ("homes", "houses", "dwellings", "households"),
    "vehicle": ("cars", "vehicles"),
    "dollar": ("dollars", "usd", "us dollars"),
    "percent": ("percent", "per cent", "%"),
}
SYNONYMS: dict[str, str] = {p: canon for canon, ps in _SYNONYM_GROUPS.items() for p in ps}
_MAX_PHRASE = max(len(p.split()) for p in SYNONYMS)
_PHRASE_FIRST = frozenset(p.split()[0] for p in SYNONYMS)

ALIASES = {
    "rok": "south korea",
    "republic of korea": "south korea",
    "south korean": "south korea",
    "dprk": "north korea",
    "democratic people's republic of korea": "north korea",
    "north korean": "north korea",
    "u.s.": "united states",
    "u.s": "united states",
    "us": "united states",
    "usa": "united states",
    "american": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "british": "united kingdom",
    "chinese": "china",
    "prc": "china",
    "japanese": "japan",
    "korean": "korea",
    "russian": "russia",
    "french": "france",
    "german": "germany",
    "indian": "india",
}

TITLE_WORDS = frozenset(
    """president vice prime minister premier chancellor secretary king queen prince princess governor
    mayor chairman chairwoman chair ceo leader general activist senator ambassador envoy spokesperson
    spokesman spokeswoman commissioner director professor judge pope chief foreign defence defense
    finance""".split()
)

IRREGULAR = {
    "met": "meet", "meets": "meet", "meeting": "meet", "held": "hold", "holds": "hold",
    "began": "begin", "begun": "begin", "begins": "begin", "went": "go", "gone": "go",
    "took": "take", "taken": "take", "taking": "take", "left": "leave", "leaves": "leave",
    "flew": "fly", "flown": "fly", "flies": "fly", "came": "come", "comes": "come", "said": "say",
    "says": "say", "told": "tell", "signed": "sign", "spoke": "speak", "spoken": "speak",
    "ran": "run", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "won": "win", "lost": "lose", "sought": "seek", "seeks": "seek", "brought": "bring",
    "news": "news", "business": "business", "series": "series", "towards": "toward",
    "ties": "tie", "relations": "relation", "stabilise": "stabilize", "stabilised": "stabilize",
}

NUMBER_WORDS = {
    "a dozen": 12, "dozen": 12, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
    "thirtieth": 30, "fiftieth": 50, "hundredth": 100, "centennial": 100, "centenary": 100,
    "bicentennial": 200, "bicentenary": 200,
}
MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
               "trillion": 1_000_000_000_000}
QUALIFIERS = {
    "more than": "more than", "over": "more than", "at least": "at least", "upwards of": "more than",
    "about": "about", "around": "about", "roughly": "about", "approximately": "about",
    "some": "about", "nearly": "almost", "almost": "almost", "close to": "almost",
    "an estimated": "about", "estimated": "about", "up to": "up to", "fewer than": "less than",
    "less than": "less than", "under": "less than", "just over": "more than",
}
MEASURE_UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "hour": "hour", "hours": "hour",
    "minute": "minute", "minutes": "minute", "decade": "decade", "decades": "decade",
    "mile": "mile", "miles": "mile", "km": "km", "kilometre": "km", "kilometres": "km",
    "kilometer": "km", "kilometers": "km", "strong": "strong", "member": "member",
    "nation": "nation", "point": "point", "storey": "storey", "story": "storey",
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")

# Status of an event, from its verbs: planned < underway < concluded.
_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\$|%|[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F'’.\-]*[A-Za-z0-9\u00C0-\u024F%])?")
_NUM_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_ORDINAL_NUM_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.I)
_DECADE_RE = re.compile(r"^(1[89]|20)\d0s$")
_GAP_AND_TOKEN = re.compile(r"(?s)(.*?)(" + _TOKEN_RE.pattern + ")")


def normalise_quotes(text: str) -> str:
    return (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
            .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-"))


class Tokens:
    """A sentence's word tokens as parallel tuples (as written, lower case, character offsets):
    no object a token, which made tokenizing the dearest step of the text core."""

    __slots__ = ("text", "lower", "start", "end")

    def __init__(self, text: tuple[str, ...], lower: tuple[str, ...], start: tuple[int, ...], end: tuple[int, ...]):
        self.text, self.lower, self.start, self.end = text, lower, start, end

    def __len__(self) -> int:
        return len(self.text)


_word_of = itemgetter(1)


@lru_cache(maxsize=8192)
def tokenize(text: str) -> Tokens:
    """Word tokens with character offsets; possessive 's is kept on the word ("Lee's")."""
    # One findall gives (gap, word) pairs: the running total of their lengths gives every
    # offset, with no match object a token. The pattern ends a token on a letter, a digit or %.
    pairs = _GAP_AND_TOKEN.findall(normalise_quotes(text))
    bounds = tuple(accumulate(map(len, chain.from_iterable(pairs))))
    words = tuple(map(_word_of, pairs))
    return Tokens(words, tuple(map(str.lower, words)), bounds[0::2], bounds[1::2])


def strip_possessive(word: str) -> str:
    """"Lee's" -> "Lee", "leaders'" -> "leaders"."""
    if len(word) > 3 and word[-1] in "sS'":
        ending = word[-2:].lower()
        if ending == "'s" or ending == "’s":
            return word[:-2]
        if ending == "s'":
            return word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic suffix stripper (good enough for overlap, not linguistics)."""
    w = strip_possessive(word.lower()).strip("'-")
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ations", "ation", "ingly", "ings", "ing", "edly", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix.startswith("ation"):
                w += "at"
            break
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("is") and len(w) > 5:
        w = w[:-2] + "iz"
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def canonical_terms(text: str, *, keep_weak: bool = False) -> list[str]:
    """Content terms in order: synonym phrases folded, stopwords dropped, the rest stemmed."""
    return list(_canonical_terms(text, keep_weak))


@lru_cache(maxsize=8192)
def _canonical_terms(text: str, keep_weak: bool) -> tuple[str, ...]:
    words = tokenize(text).text
    toks = [strip_possessive(word).lower() for word in words]
    proper = [k > 0 and _is_cap(word) for k, word in enumerate(words)]
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] in _PHRASE_FIRST:
            matched = False
            for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
                phrase = " ".join(toks[i : i + n])
                if phrase in SYNONYMS:
                    out.append(SYNONYMS[phrase])
                    i += n
                    matched = True
                    break
            if matched:
                continue
        t = toks[i]
        is_proper = proper[i]
        i += 1
        if t in STOPWORDS or (not keep_weak and t in WEAK_WORDS):
            continue
        if t in ALIASES:
            out.append(ALIASES[t].replace(" ", "_"))
            continue
        if len(t) < 2 and not t.isdigit():
            continue
        if is_proper or (t.isalpha() and t.endswith("ing") and t.capitalize() in text):
            out.append(t)
        else:
            out.append(stem(t) if t.isalpha() else t.replace(",", ""))
    return tuple(out)


def content_terms(text: str) -> set[str]:
    return set(canonical_terms(text))


# --- quantities ---------------------------------------------------------------------------


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
        if w in STOPWORDS or _number_value(w) is not None or not w.replace("-", "").isalpha():
            break
        if w in _MONTH_NAMES:
            return None
        if w not in SYNONYMS and w.endswith(("ed", "ing")) and len(w) > 4:
            break  # a verb or participle ("3 compared with"), not the counted noun
        run.append(w)
        k += 1
        # a plural noun ends the phrase ("two quarters ahead" -> quarters, "two men near" -> men)
        if (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))) or w in IRREGULAR_PLURALS:
            break
    return run


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
    if re.search(r"\b(kill\w*|dead|died|deaths?|death toll|fatalities|lives|bodies)\b", window):
        return "death"
    if re.search(r"\b(injured|wounded|hurt|injuries)\b", window):
        return "injury"
    return None


def quantities(text: str) -> list[Quantity]:
    return list(_quantities(text))


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
    m = _ORDINAL_NUM_RE.match(w) if w[:1].isdigit() else None
    if m or w in ORDINAL_WORDS:
        return _ordinal(toks, i, text, float(m.group(1)) if m else float(ORDINAL_WORDS[w])), i + 1
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
    return (prev is not None and _is_cap(toks.text[i - 1]) and bool(_NUM_RE.match(toks.lower[i]))
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


# --- names ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    norm: str  # lower case, aliases folded
    text: str  # as written (title removed)
    start: int
    end: int
    is_person: bool = False
    role: str = ""  # "Chinese President"


_CONNECTORS = {"of", "de", "del", "von", "van", "al", "bin"}
_LEADING_DROP = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our"}
_NOT_A_NAME_START = frozenset(_LEADING_DROP | STOPWORDS)  # words a name never opens with
_CALENDAR_NAMES = frozenset(MONTHS + WEEKDAYS)


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0].isdigit() is False and word.isupper()))


@lru_cache(maxsize=8192)
def _capitals(text: str) -> tuple[bool, ...]:
    """`_is_cap` of each token of `text` (tokens are never empty), once a sentence."""
    return tuple([w[0].isupper() or (not w[0].isdigit() and w.isupper()) for w in tokenize(text).text])


def entities(sentence: str, known: set[str] | frozenset[str] = frozenset()) -> list[Entity]:
    """Capitalised names in one sentence.

    A single capitalised word that opens the sentence counts only if it is in `known`
    (names seen mid-sentence elsewhere), so "Officials said" is not a name but "Lee said" is.
    """
    return [e for e, opener in _entities(sentence) if opener is None or opener in known]


@lru_cache(maxsize=8192)
def _entities(sentence: str) -> tuple[tuple[Entity, str | None], ...]:
    """(entity, the lower-case word if it is a lone sentence opener needing confirmation)."""
    toks = tokenize(sentence)  # the same tokens and offsets as the text with quotes normalised
    found = (_entity_of_run(toks, first, end) for first, end in _capitalised_runs(toks, _capitals(sentence)))
    return tuple(entity for entity in found if entity is not None)


def _capitalised_runs(toks: Tokens, capitals: tuple[bool, ...]):
    """(first, end) token ranges of capitalised words, joined by "of", "de", ... and ended by a
    possessive: the candidates for names, without a leading article or stop word."""
    caps = [*capitals, False]  # the sentinel ends every run
    lower, text = toks.lower, toks.text
    n = len(toks)
    i = 0
    while True:
        try:
            i = caps.index(True, i)  # the words in between cannot open a name
        except ValueError:
            return
        if lower[i] in _LEADING_DROP and i + 1 < n and not caps[i + 1]:
            i += 1
            continue
        first = i
        while i < n:
            if caps[i]:
                i += 1
                if text[i - 1].endswith(("'s", "’s")):
                    break
            elif lower[i] in _CONNECTORS and caps[i + 1] and i > first:
                i += 1
            else:
                break
        while first < i and lower[first] in _NOT_A_NAME_START:
            first += 1
        if first < i:
            yield first, i


def _entity_of_run(toks: Tokens, first: int, end: int) -> tuple[Entity, str | None] | None:
    """The name in tokens first..end, its title split off as the role ("Chinese President Xi
    Jinping")."""
    words = [strip_possessive(w) for w in toks.text[first:end]]
    last_title = max((k for k, w in enumerate(words) if w.lower() in TITLE_WORDS), default=-1)
    if last_title == len(words) - 1:
        return None  # only a title ("President")
    role = " ".join(words[: last_title + 1])
    is_person = last_title >= 0
    first, words = first + last_title + 1, words[last_title + 1 :]
    opener: str | None = None
    if len(words) == 1:
        w = words[0].lower()
        if w in STOPWORDS or w in WEAK_WORDS or w in _CALENDAR_NAMES:
            return None
        if toks.start[first] == toks.start[0] and not is_person and w not in ALIASES:
            opener = w
    name = " ".join(words)
    norm = ALIASES.get(name.lower(), name.lower())
    return Entity(norm, name, toks.start[first], toks.end[end - 1], is_person, role), opener


def mid_sentence_names(sentences: list[str]) -> set[str]:
    """Lower-case single words written capitalised somewhere other than a sentence start."""
    return set(_mid_sentence_names(tuple(sentences)))


@lru_cache(maxsize=1024)
def _mid_sentence_names(sentences: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for s in sentences:
        names.update([strip_possessive(word).lower()
                      for word, cap in zip(tokenize(s).text[1:], _capitals(s)[1:]) if cap])
    return frozenset(names - STOPWORDS)
