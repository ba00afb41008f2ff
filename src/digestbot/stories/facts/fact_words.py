"""Word lists the fact extractor uses, kept as data (each earns its place on bench_facts)."""

from __future__ import annotations

import re

# Nouns naming the event a toll belongs to ("217 dead in the crash").
EVENT_NOUNS = re.compile(
    r"\b(crash|bombings?|blasts?|explosions?|fire|earthquake|quake|storm|hurricane|attacks?|sinking|"
    r"accident|disaster|floods?|collapse|failure|shooting|fighting|clashes|war|riots?|epidemic|outbreak)\b",
    re.I)
# Verbs of the events a date or a place is worth stating for.
EVENT_VERB = re.compile(
    r"\b(crash\w*|sank|sunk|sink\w*|explod\w*|bomb\w*|kill\w*|died|die[sd]?|struck|hit|exploded|"
    r"arriv\w*|visit\w*|met|meet\w*|summit|talks|signed|sign\w*|began|begin\w*|start\w*|ended|end\w*|"
    r"conclud\w*|left|leave\w*|return\w*|vote[ds]?|voting|elect\w*|won|wins?|resign\w*|sworn|inaugurat\w*|"
    r"arrest\w*|charged|indicted|convicted|sentenced|seized|raid\w*|ruled|rul\w*|launch\w*|fail\w*|"
    r"collaps\w*|struck|took off|disappeared|vanished|recovered|found|pardon\w*|freed|releas\w*|acquitt\w*|"
    r"extradit\w*|deport\w*|expell\w*|jailed|imprison\w*|escap\w*|captur\w*|rescu\w*|evacuat\w*|merg\w*|"
    r"acquir\w*|bought|sold|fired|erupt\w*|flood\w*|burn\w*|destroy\w*|damag\w*|injur\w*|wound\w*|"
    r"landfall|swept|battered|approved|rejected|passed|defeated|declared)\b", re.I)
# The same verbs, searched in lower-cased text where only whether one is there matters: a case-blind
# search of this long alternation cost more than half a second over the 17,000 sentences of the dev stream.
EVENT_VERB_LOWER = re.compile(EVENT_VERB.pattern)
# Nouns that say who a count of people is ("118 sailors"), so a bare "people" can borrow a role.
PEOPLE_ROLES = frozenset(
    "person people passenger crew sailor soldier worker civilian child student official executive "
    "delegate victim resident american seaman men women miner firefighter rescuer police officer "
    "refugee protester demonstrator voter tourist pilgrim patient prisoner hostage troop employee "
    "member survivor migrant user subscriber customer fan striker evacuee".split())
# People whose noun already says what they do in the event ("9,200 strikers"): their count stands alone.
SELF_DESCRIBING_ROLES = frozenset("striker evacuee".split())
# Places written after these prepositions name where an event happened.
PLACE_PREPOSITIONS = re.compile(
    r"\b(?:in|off|near|outside|at|over|into)\s+(?:the\s+)?((?:[A-Z][\w'-]+)(?:\s+(?:of\s+|de\s+|es\s+)?[A-Z][\w'-]+){0,3})")
# Capitalised words that are not places even after "in" ("in March", "in Washington Post", "in the
# Ministry of Energy": a body, not where something happened).
NOT_PLACES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday the a an his her their its "
    "congress parliament court ministry department office agency bureau committee commission council "
    "center centre institute university".split())
# Words that open a sentence that cannot stand alone as "what happened".
DANGLING_OPENERS = frozenset(
    "he she it they his her its their this that these those but and or so also however then "
    "there here which who we i you that's".split())
# Words that open a subordinate phrase: a clause opening with one does not state an event alone.
SUBORDINATE_OPENERS = frozenset(
    "as after before when while since following in on at during despite although because with of for "
    "until unless if than that".split())
# Titles of documents a wire sends beside its reports: their lines are not reports of the day
# ("Timeline for EgyptAir Flight 990", "TRANSCRIPT FROM ...", "Text of the ruling").
DOCUMENT_TITLE = re.compile(r"^(?:timeline|chronology|transcript|text of|excerpts? (?:from|of)|key dates)\b", re.I)
# What introduces a document or a list rather than reporting news ("Following is a transcript of ...").
NOT_NEWS = re.compile(r"^(?:following is|following are|the following is|the following are|here is|here are|nothing|"
                      r"(?:attention\s+)?editors(?=:)|editor's note)\b", re.I)
# A writer speaking of themselves or to the reader: a column's or a feature's voice, not a report
# ("... was peering at my X-rays"); in a quote it is the speaker's, which the caller strips first
FIRST_PERSON = re.compile(r"\b(?:I|we|We|us|our|Our|my|My|you|You|your)\b")
# A turn of an interview's transcript: "Q. How do people catch it?", "A. Kennedy took off ..." (the answer)
INTERVIEW_TURN = re.compile(r"^[QA][.:]\s")
# A sentence whose subject is named in another one: "The school has developed ...", "The call was
# issued ...", "The 64-year-old president declared ...", "The order followed ...": shown alone, nobody
# knows which.
POINTS_BACK_AT_START = re.compile(r"^The(?:\s+(?!of\b)[a-z][a-z-]*){1,4}(?:\s+(?:also|now|still|already))?\s+(?:is|are|"
                                  r"was|were|has|have|had|will|would|can|could|says|said|followed|follows|came|comes)\b|"
                                  r"^The\s+(?:[\w-]+\s+){0,3}(?:president|premier|minister|leader)\s+(?!of\b)[a-z]")
# The setting of a remark or a decision told before, which states no event of its own ("Raines made
# the remarks at a meeting of ...", "Seinfeld was asked ...", "The decision was made during ...").
# Lower case, searched in the lower-cased main clause.
REMARK_SETTING = re.compile(
    r"\b(?:made|delivered|gave|offered)\s+(?:the|his|her|their|these|those|such)\s+(?:remarks?|comments?|statements?|"
    r"speech|announcement)\b|\b(?:was|were)\s+asked\b|^(?:the|these|those|his|her|their|its)\s+(?:remarks?|"
    r"comments?|statements?|decision|announcement|conclusion|protest|move|meeting|talks|ceremony|speech)\s+"
    r"(?:was|were|came|took place)\b")
# A sentence opening on the occasion of a remark ("During a press conference Tuesday, ...").
REMARK_OCCASION = re.compile(r"(?:during|at|in)\s+(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){0,3}(?:conference|"
                             r"interview|session|briefing|speech|address|appearance)\b")
# Verbs that report speech: a day beside one dates the statement; a quote with one is someone's words.
REPORTING_VERBS = r"said|says|told|added|announced|reported|stated|confirmed|disclosed"
# Verbs that make a person an actor of the story when they are its subject.
SPEECH_VERB = re.compile(rf"\b({REPORTING_VERBS}|ordered|accused|blamed|denied|admitted|promised|warned|"
                         r"urged|demanded|refused|agreed|decided|called|testified)\b", re.I)
# Measures of the time between things ("a six-year hiatus"), not of an event of the story.
TIME_GAPS = frozenset("span gap hiatus break delay interval absence".split())
# What happened to a counted group of people: a count of people is shown only with one of these
# ("more than 200 people detained"), or as a toll, or as a group ("a delegation of 200").
# Lower case, searched in lower-cased text: 4x faster than re.IGNORECASE on every sentence past the lead.
PEOPLE_FATES = re.compile(
    r"\b(arrest\w*|detain\w*|jailed|in custody|missing|unaccounted for|evacuat\w*|fled|flee\w*|displaced|"
    r"homeless|rescued|trapped|stranded|taken hostage|held hostage|kidnapp\w*|abducted|freed|released|"
    r"aboard|on board|sentenced|convicted|charged|indicted|expelled|deported|extradited|elected|"
    r"infected|sickened|hospitali[sz]ed|blocked|banned|barred|kicked off|cut off)\b")
# Verbs of people at work on the story ("300 rescue workers were deployed"): the count stands as written.
PEOPLE_AT_WORK = re.compile(
    r"\b(deployed|sent|dispatched|mobili[sz]ed|search\w*|remain|remained|join\w*|took part|taking part|"
    r"protest\w*|marched|rallied|gathered|demonstrated|volunteered|fought|worked|working|travel\w*|"
    r"accompan\w*|attended|voted|turned out)\b", re.I)
# Where a toll's victims were: kept on the line ("4 dead on the ground"), other tails are dropped.
TOLL_TAILS = re.compile(r"^\s+(aboard|on board|on the ground|in the air|at sea)\b", re.I)
# Words of a role that may stand before the title word ("Israeli Prime Minister"); other capitalised
# words there are places or organisations the role was mistaken from ("North Carolina Director").
ROLE_MODIFIERS = frozenset(
    "deputy vice prime foreign defence defense interior home finance justice first acting former senior "
    "general chief assistant associate executive state federal national supreme attorney secretary".split())
# Lower-case nouns written before a person's name ("bombing suspect Eric Rudolph", "co-pilot Gameel
# Batouti"): with a capitalised name after them they mark a person no title word names.
PERSON_ROLE_NOUNS = (
    "activist|leader|chief executive|spokesperson|spokesman|spokeswoman|minister|governor|chancellor|"
    "president|head|founder|chairman|envoy|suspect|fugitive|pilot|co-pilot|copilot|officer|agent|lawyer|"
    "attorney|judge|commander|colonel|captain|dissident|millionaire|exile|militant|teen-ager|teenager|"
    "student|survivor|victim|witness|prosecutor|investigator|detective|bishop|cardinal|admiral|"
    "survivalist|veteran|businessman|businesswoman|fighter|rebel|drummer|singer|guitarist|rapper|musician")
# Offices one person holds at a time, for one country, state, city or body ("Israeli Prime Minister",
# "Quebec Premier"): a later report naming someone else in the same office makes the earlier holder
# a former one. Words before the office that make it another office ("Vice President").
ONE_HOLDER_OFFICES = ("prime minister", "president", "premier", "chancellor", "king", "queen", "pope",
                      "secretary-general", "governor", "mayor")
NOT_THE_OFFICE = frozenset("vice deputy acting former late ex then interim assistant associate".split())
# Capitalised titles written before a name ("Justice John Paul Stevens", "Sen. Joseph Lieberman"):
# the name is a person's and the title their role (a title before one word only names no one:
# "Justice Department").
NAME_TITLES = {"Justice": "Justice", "Sen.": "Senator", "Rep.": "Representative", "Gov.": "Governor",
               "Gen.": "General", "Adm.": "Admiral", "Sgt.": "Sergeant", "Lt.": "Lieutenant", "Col.": "Colonel",
               "Capt.": "Captain", "Cardinal": "Cardinal", "Bishop": "Bishop", "Rabbi": "Rabbi"}
# Things a disaster destroys, counted with what happened to them ("300 homes destroyed").
DAMAGED_THINGS = frozenset("home house building acre hectare car vehicle village church school shop bridge".split())
DAMAGE = re.compile(r"\b(destroy\w*|burn\w*|damag\w*|flood\w*|scorch\w*|level+ed|flatten\w*|swept away|"
                    r"razed|gutted|evacuated|blacked out|without power)\b", re.I)
# Units of a wind's speed: "winds of 180 mph" is a figure a storm story tracks over time.
SPEED_UNITS = frozenset("mph kph km/h kmh knot mile kilometer kilometre km".split())
# Changes a percentage written before them measures ("3 percent raises", "a 10 percent cut").
PERCENT_CHANGES = ("raises?|pay raises?|wage increases?|increases?|rises?|cuts?|drops?|declines?|falls?|gains?|"
                   "jumps?|hikes?|reductions?|growth")
# A vote's tally ("ruled 6-3", "a 352-64 vote", "by a vote of 8 to 1"): what was decided and by how many.
TALLY = re.compile(
    r"\b(?:(?P<verb>voted|ruled|decided|approved|rejected|passed)\s+(?:by\s+)?(?P<a1>\d{1,3})(?:-|\s+to\s+)(?P<b1>\d{1,3})\b|"
    r"(?P<a2>\d{1,3})(?:-|\s+to\s+)(?P<b2>\d{1,3})\s+(?P<noun>vote|decision|ruling|majority|verdict)\b|"
    r"by\s+a\s+(?P<noun3>vote|margin)\s+of\s+(?P<a3>\d{1,3})(?:-|\s+to\s+)(?P<b3>\d{1,3})\b)", re.I)
# Actions a story's actors take, in the past tense ("Metallica sued Napster", "a judge ordered ..."):
# the verb of an event line (fact_events). Statements ("said") are not events.
ACTION_VERBS = (
    r"sued|filed|accused|ordered|ruled|struck down|upheld|overturned|rejected|approved|passed|signed|vetoed|"
    r"ended|began|launched|agreed|reached|settled|dropped|blocked|banned|barred|closed|shut down|"
    r"arrested|charged|indicted|convicted|sentenced|acquitted|pardoned|freed|released|extradited|deported|"
    r"elected|won|defeated|resigned|fired|appointed|captured|seized|attacked|bombed|"
    r"discovered|declared|apologi[sz]ed|walked out|went on strike|struck|invaded|withdrew|"
    r"bought|acquired|merged|sold|cut|slashed|granted|denied|dismissed|threw out|awarded|admitted|confessed|"
    r"pleaded")  # not killed, crashed, sank ...: a disaster's toll and what happened say those
# Action verbs that as often read as nouns or idioms ("a cut", "cut another check"): no event lead by themselves.
AMBIGUOUS_ACTIONS = frozenset(("cut", "slashed"))
# Common nouns that name an actor when they head a clause's subject ("a federal judge", "GM workers").
ACTOR_NOUNS = frozenset(
    "judge judges court jury justices police officers prosecutors government ministry army troops rebels "
    "militants guerrillas union workers strikers company band group panel committee senate house congress "
    "parliament lawmakers legislature voters scientists researchers officials authorities investigators "
    "agency board council administration president prime minister leaders regime students fans".split())
# Words after an amount that say how it compares, not what it is for ("$350,000 shy of the budget").
AMOUNT_PREDICATES = frozenset("shy short more less higher lower larger smaller bigger cheaper richer poorer".split())
# Nouns before "of $N" that hedge the amount or say when, not what it is for ("in the neighborhood of
# $10,000", "the equivalent of $19 billion", "a surplus next year of $117 billion").
AMOUNT_HEDGES = frozenset("neighborhood neighbourhood range order excess tune upwards equivalent year years month "
                          "months week weeks".split())
# Irregular past tenses and participles: a reduced clause after a noun ("the fugitive sought", "a
# judgment won", "$255,500 came from"), never the noun a phrase ends on.
IRREGULAR_PAST = frozenset("sought held found known taken made given seen caught brought built dug done put set "
                           "shot hit laid paid sent spent won lost left came went fell rose grew stood ran became "
                           "began gave took got".split())
# Nouns in -ing that head a noun phrase ("a $248 billion defense spending bill").
ING_NOUNS = frozenset("spending funding housing training building marketing financing advertising planning "
                      "clothing bombing shooting meeting hearing ruling setting recording lending pricing "
                      "earnings savings holdings".split())
CALENDAR_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december today yesterday jan feb mar apr jun jul aug sep sept oct nov "
    "dec".split())
