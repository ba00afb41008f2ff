"""Word lists the text core reads, kept as data in one place."""

# A sentence that opens with one of these leans on the sentence before it and cannot be
# shown alone ("He said ...", "This was ...").
LEADING_PRONOUNS = frozenset("he she it they him her them his its their this these those we i".split())

# Openers that join a sentence to the one before; dropped, the sentence stands alone
# ("But the court ruled ..." -> "The court ruled ..."). Longest first, so phrases win.
LEADING_CONNECTIVES = (
    "at the same time", "on the other hand", "in addition", "in fact", "however", "meanwhile",
    "moreover", "besides", "instead", "therefore", "still", "thus", "also", "but", "and", "yet", "so",
)

# English stop words of scikit-learn's text vectorisers (`ENGLISH_STOP_WORDS`, BSD-3-Clause; from the
# Glasgow Information Retrieval Group), kept here so that TF-IDF does not import scikit-learn
# at run time. tests/unit/text/test_tfidf.py checks it against the installed scikit-learn.
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
    """.split()
)

# --- words of tokens, names and quantities (text/tokens.py, entities.py, quantities.py) ---

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
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
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
SYNONYMS: dict[str, str] = {p: canon for canon, ps in SYNONYM_GROUPS.items() for p in ps}

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

# Words before a title that put the role in the past ("former President Jimmy Carter"): kept with it.
PAST_ROLE_WORDS = frozenset("former ex late onetime one-time then-".split())
# Irregular forms and words the suffix stripper must leave alone, with their stem.
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
# Words of a toll (regular-expression alternatives, lower case): what a count of the dead or the
# hurt is said with. "killer" is no death ("a killer virus"); quantities and facts share them.
DEATH_WORDS = r"(?!killers?\b)kill\w*|dead|died|deaths?|fatalities|perish\w*|drown\w*|lives|bodies"
INJURY_WORDS = r"injur\w*|wound\w*|hurt|hospitali[sz]ed"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
