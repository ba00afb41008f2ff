"""Boilerplate removal: from the text of a page to paragraphs of running text.

A junk rule reaches only what is shaped like junk, never a long paragraph of prose:

* verbatim repeats of a line (the first one is kept), the given headline repeated;
* consent banners: short lines in consent wording that address the reader ("we use cookies",
  "our privacy policy"), not prose that merely says "cookies" or "agreement";
* buttons and markers of six words or fewer ("Accept all", "Advertisement", "Share this");
* photo captions under 60 words (a credit at the end: ``/CFP``, ``(Reuters)``, ``Photo: ...``);
* contributor credits and promotional lines (follow/subscribe/contact with a handle);
* editor's notes and disclaimers (an opinion disclaimer sets ``is_opinion`` and names the
  author; so does a column's sign-off or an "EDITORIAL:" title, `digestbot.text.opinion`);
* labels, short lines without sentence punctuation: before the first paragraph (headline,
  byline, menu: the headline becomes the title when none was given), after the last one, and
  runs of three or more between paragraphs (a menu or a link list). A lone subheading stays.

Every rule is measured on and off by ``benchmarks/bench_extraction.py`` (`RULE_NAMES`, `skip`).
A leading wire dateline (``(CNN) --``, ``WASHINGTON (AP) _``, ``BEIJING, Jan. 5 (Xinhua) --``)
is stripped from the first paragraph. Near-duplicate *sentences* are collapsed by
`digestbot.text.dedupe`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from digestbot.domain.models import CleanText

from .datelines import split_dateline
from .opinion import signed_as_opinion

__all__ = ["RULE_NAMES", "clean_text", "strip_bidi_controls", "normalise_key",
           "word_tokens"]

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
# invisible, they make chat show text in another order than it was written.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Punctuation (ASCII and the usual typographic marks) to spaces, for word comparisons.
_PUNCT = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»—–…•·\u00a0\u200b"}
)

_ADDRESSES_READER = re.compile(r"\b(?:we|our|you|your|us)\b")
# What a consent banner says, not merely a word it uses ("buying cookies" is prose).
_CONSENT = re.compile(
    r"\b(?:use[sd]?|using|accept|allow|enable|disable|manage|block)(?: all| our| the)?"
    r"(?: \w+)? cookies\b|\bcookies? (?:policy|settings|preferences|consent|notice)\b"
    r"|\bprivacy (?:policy|statement|notice|settings)\b|\bterms of (?:use|service)\b"
    r"|\bcontinu\w* to (?:browse|use) (?:our|this) (?:site|website)",
    re.I,
)
# Short button-like lines and in-body markers that are never running text.
_BUTTON = re.compile(
    r"^(?:i agree|i accept|accept(?: all)?(?: cookies)?|agree|ok|got it|allow all|reject all"
    r"|manage (?:cookies|preferences|settings)|close|advertisement|advertising|sponsored"
    r"|read more|continue reading|story continues below\b.*|share(?: this)?(?: article| story)?"
    r"|print|email|whatsapp|facebook|twitter|linkedin)\W*$",
    re.I,
)
# Credits at the end of a caption: "/CFP", "/ Xinhua", "(Reuters)", "REUTERS/Jane Doe",
# "Photo: ...", "(Getty Images)".
_AGENCY = r"(?:REUTERS|Reuters|AFP|EPA|AP|AP Photo|Getty Images|Xinhua|CFP|IC|VCG|Shutterstock|Bloomberg|Yonhap)"
_CREDIT_END = re.compile(
    r"(?:\s/\s?[A-Z][\w.&' -]{0,40}"
    r"|\((?i:photo|picture|image|file|reuters|ap|afp|getty|xinhua|epa|cfp)[^)]{0,60}\)"
    r"|(?:[.!?]\s*|/\s?)" + _AGENCY + r"(?:\s?/\s?[\w.' -]{1,40})?"
    r"|\b(?i:(?:photo|image|picture)s?(?: credit)?|credit):\s?[\w.&'/ -]{1,60}"
    r"|\b(?i:file photo))\W*$"
)
_CREDIT_WORDS = frozenset(
    "REUTERS Reuters AFP EPA AP Photo Images Xinhua CFP IC VCG Shutterstock Bloomberg Yonhap".split()
)
_LONE_CREDIT = re.compile(
    r"^\(?(?:(?:photo|image|picture|credit|source|file)s?:?\s*)?"
    r"(?:reuters|ap|afp|epa|xinhua|cfp|getty images|associated press|shutterstock|ic|vcg)"
    r"(?:\s?/\s?[\w.' -]{1,40})?\)?$",
    re.I,
)
_DATE_END = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\W*$",
    re.I,
)
_EDITORS_NOTE = re.compile(r"^\(?\s*editor(?:'|’)?s?(?:'|’)? ?note\b\s*[:.-]?\s*", re.I)
_OPINION_MARK = re.compile(
    r"\b(?:opinions?|views? (?:expressed|are (?:his|her|their|the author))|comment(?:ary|aries|ator)"
    r"|columnist|op-ed|author(?:'|’)s own|not necessarily (?:reflect|the view))",
    re.I,
)
_DISCLAIMER = re.compile(
    r"\b(?:the )?(?:views|opinions) expressed (?:in this|here|are)|reflects? the (?:author|writer)"
    r"|not necessarily (?:reflect|represent)",
    re.I,
)
_NAME = re.compile(
    r"^(?:by\s+)?([A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|bin|al|da|del|la)){1,3})"
    r"\s*(?:,|$|\(|\bis\b|\bwas\b|\bwrites\b)"
)
_BYLINE = re.compile(
    r"^(?:by\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})*$"
)
_PROMO = re.compile(
    r"\b(?:contact us|follow us|follow @\w+|subscribe (?:to our|now|here)|sign up (?:for|to) our"
    r"|our newsletter|download (?:our|the \w+) app|click here|like us on|join us on"
    r"|(?:share|send) (?:your|us your) (?:story|stories|photos|tips))\b",
    re.I,
)
_HANDLE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}")
_PROMO_CONTEXT = re.compile(r"\b(?:follow|contact|e-?mail|write to|tips?|twitter|facebook|instagram)\b", re.I)
_CONTRIBUTED = re.compile(
    r"\bcontributed (?:to )?(?:this )?report|\bcontributed reporting\b|\breporting by\b|\bediting by\b",
    re.I,
)
_LONG_WORDS = 25  # an unpunctuated line this long is running text that lost its period
MENU_RUN = 3  # this many labels in a row are a menu or a link list, not subheadings
_LONG_CHARS = 150
_SHORT = 60  # junk lines (banners, captions) are shorter than this; prose may be longer
_NOT_NAMES = frozenset("the this these that an a in our his her its their it".split())


def word_tokens(text: str) -> list[str]:
    """Lower-case words: punctuation (apostrophes included) splits and is dropped."""
    return text.lower().translate(_PUNCT).split()


def normalise_key(text: str) -> str:
    """A comparison key: lower-case words only (punctuation, quotes and spacing ignored)."""
    return " ".join(text.lower().translate(_PUNCT).split())


_CLOSERS = "\"'”’»)] 」』）"
_SENTENCE_ENDS = frozenset(".!?…。！？")


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS


def _is_caption(line: str, words: int, punctuated: bool) -> bool:
    tail = line[-90:]
    if (
        "/" in tail
        or ":" in tail
        or "hoto" in tail
        or tail.endswith(")")
        or tail.rstrip(" .").rpartition(" ")[2] in _CREDIT_WORDS
    ) and _CREDIT_END.search(tail):
        return True
    if words <= 6 and _LONE_CREDIT.match(line):
        return True
    # "<who> <does what> in <where>, January 14, 2025" with no sentence punctuation.
    return words < 40 and not punctuated and bool(_DATE_END.search(line[-30:]))


def _editor_note_author(note: str) -> str | None:
    m = _NAME.match(note)
    if m:
        name = m.group(1).rstrip(".,")
        if name.split()[0].lower() not in _NOT_NAMES:
            return name
    return None


def _is_byline(line: str, words: int) -> bool:
    """A line that is just a name or "By <name>[, <name>]"."""
    if line[:3].lower() == "by ":
        return words <= 9 and bool(_BYLINE.match(line))
    return 2 <= words <= 4 and bool(_BYLINE.match(line))


# One of these is in every line `_PROMO` matches: the pattern runs only where one is.
_PROMO_WORDS = ("contact", "follow", "subscribe", "sign up", "newsletter", "download", "click", " us on",
                "share", "send us")


def _is_promo(line: str, low: str, words: int) -> bool:
    if words < 50 and any(word in low for word in _PROMO_WORDS) and _PROMO.search(line):
        return True
    if "@" in line and _HANDLE.search(line):
        boxed = line[0] in "([" and line[-1] in ")]"
        return boxed or (words < 30 and bool(_PROMO_CONTEXT.search(line)))
    return False


def _is_consent_banner(low: str, words: int) -> bool:
    """Consent wording in a short line that speaks to the reader ("we use cookies", "our
    privacy policy") or is a bare link: prose that reports on privacy rules is neither."""
    return (
        ("cookie" in low or "privacy" in low or "terms of" in low or "site" in low)
        and bool(_CONSENT.search(low))
        and (words <= 6 or bool(_ADDRESSES_READER.search(low)))
    )


class _Line(NamedTuple):  # a tuple: built once a line, cheaper than a frozen dataclass
    text: str
    low: str
    words: int
    key: str  # normalise_key of a short line ("" for long ones: they never match a title)
    punctuated: bool


# Each rule removes one shape of junk; each is measured on and off by
# benchmarks/bench_extraction.py. None reaches a long paragraph of prose.
_LINE_RULES: dict[str, Callable[[_Line], bool]] = {
    "consent_banner": lambda ln: ln.words <= _SHORT and _is_consent_banner(ln.low, ln.words),
    "button": lambda ln: ln.words <= 6 and bool(_BUTTON.match(ln.text)),
    "caption": lambda ln: ln.words <= _SHORT and _is_caption(ln.text, ln.words, ln.punctuated),
    "contributor_credit": lambda ln: ln.words < 40
    and ("contributed" in ln.low or "reporting by" in ln.low or "editing by" in ln.low)
    and bool(_CONTRIBUTED.search(ln.text)),
    "promo": lambda ln: _is_promo(ln.text, ln.low, ln.words),
}
RULE_NAMES: tuple[str, ...] = (
    "repeated_line", "editors_note", "title_repeat", *_LINE_RULES,
    "label_at_top", "label_in_middle", "label_at_bottom", "dateline",
)


def _is_label(line: _Line) -> bool:
    """A short line without sentence punctuation: headline, byline, section name, subheading."""
    return (
        not line.punctuated
        and not line.text.endswith((":", ";"))
        and line.words < _LONG_WORDS
        and len(line.text) < _LONG_CHARS  # scripts without spaces have few "words"
    )


def strip_bidi_controls(text: str) -> str:
    """The text without right-to-left and left-to-right overrides, embeddings and isolates."""
    return text if text.isascii() else text.translate(_BIDI_CONTROLS)


# a wire's slugs around a headline: its part number "(2)", "URGENT", an editors' note ("EDS: ADDS
# background ...", "EDS-more details added ...") that leaves no headline a reader can use
_PART_NUMBER = re.compile(r"\s*\(\d{1,2}\)\s*$")
_URGENT = re.compile(r"^URGENT\b[\s:-]*")
_EDITORS_NOTE = re.compile(r"^EDS\b")


def without_wire_slugs(title: str | None) -> str | None:
    """The headline without a wire's slugs; None when nothing of it is left (the text's own
    headline is then looked for)."""
    if not title or _EDITORS_NOTE.match(title):
        return None
    return _URGENT.sub("", _PART_NUMBER.sub("", title)).strip() or None


def clean_text(text: str, title: str | None = None, *, skip: frozenset[str] = frozenset()) -> CleanText:
    """Strip boilerplate from an article's text; return its paragraphs and what was learnt.

    `skip` names rules of `RULE_NAMES` to leave out (the extraction benchmark measures each).
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", strip_bidi_controls(text))
    title = without_wire_slugs(title)
    page = _Page(title, normalise_key(title) if title else "")
    rules = [rule for name, rule in _LINE_RULES.items() if name not in skip]
    for raw in text.splitlines():
        line = _read_line(raw, page.seen, skip)
        if line is not None and not _is_junk(line, page, rules, skip):
            _keep(line, page, skip)
    paragraphs = _drop_labels(page.kept, skip)
    dateline = None
    if paragraphs and "dateline" not in skip:
        dateline, paragraphs[0] = split_dateline(paragraphs[0])
        if not paragraphs[0]:
            paragraphs.pop(0)
    is_opinion = page.is_opinion or signed_as_opinion(text, page.title)
    return CleanText(paragraphs=paragraphs, title=page.title, author=page.author, is_opinion=is_opinion,
                     dateline=dateline)


@dataclass
class _Page:
    """What `clean_text` has learnt so far from the lines of one page."""

    title: str | None  # as given, else the headline found above the first paragraph
    title_key: str  # normalise_key of the title ("" without one)
    author: str | None = None
    is_opinion: bool = False
    seen: set[str] = field(default_factory=set)  # lower-cased lines read so far
    kept: list[tuple[str, bool]] = field(default_factory=list)  # (paragraph, is a label)


def _read_line(raw: str, seen: set[str], skip: frozenset[str]) -> _Line | None:
    """The line with its spacing normalised; None when blank, a verbatim repeat (captions,
    headline, repeated blocks) or nothing but punctuation."""
    line = raw.strip()
    if not line.isascii() or "  " in line or "\t" in line:
        line = _WS.sub(" ", line)
    if not line:
        return None
    low = line.lower()
    if low in seen and "repeated_line" not in skip:
        return None
    seen.add(low)
    words = line.count(" ") + 1
    key = " ".join(low.translate(_PUNCT).split()) if words < 30 else ""
    if words < 30 and not key:
        return None
    return _Line(line, low, words, key, _ends_sentence(line))


def _is_junk(line: _Line, page: _Page, rules: list[Callable[[_Line], bool]], skip: frozenset[str]) -> bool:
    """An editor's note (read for the author and an opinion mark), the headline repeated, or a
    line that one of the line rules removes."""
    if "editors_note" not in skip and _is_editors_note(line):
        if _OPINION_MARK.search(line.text):
            page.is_opinion = True
        if page.author is None:
            page.author = _editor_note_author(_EDITORS_NOTE.sub("", line.text))
        return True
    title_key, key = page.title_key, line.key
    if title_key and key and (key == title_key or key in title_key) and "title_repeat" not in skip:
        return True
    for rule in rules:
        if rule(line):
            return True
    return False


def _keep(line: _Line, page: _Page, skip: frozenset[str]) -> None:
    """Keep the line, unless it is a label above the first paragraph: a byline gives the
    author, a headline the title when none was given."""
    is_label = _is_label(line)
    if is_label and not page.kept:
        if _is_byline(line.text, line.words):
            if page.author is None:
                page.author = re.sub(r"^by\s+", "", line.text, flags=re.I)
        elif page.title is None and line.words >= 3:
            page.title, page.title_key = line.text, line.key
        if "label_at_top" not in skip:
            return
    page.kept.append((line.text, is_label))


def _is_editors_note(line: _Line) -> bool:
    if line.low.startswith(("editor", "(editor")) and _EDITORS_NOTE.match(line.text):
        return True
    return (
        line.words < 60
        and ("expressed" in line.low or "reflect" in line.low or "represent" in line.low)
        and bool(_DISCLAIMER.search(line.text))
    )


def _drop_labels(kept: list[tuple[str, bool]], skip: frozenset[str]) -> list[str]:
    """Paragraphs without the labels that are junk-shaped: a run of labels (a menu, a link
    list) or those after the last paragraph. A lone subheading between paragraphs stays."""
    end = len(kept)
    if "label_at_bottom" not in skip:
        while end and kept[end - 1][1]:
            end -= 1  # link lists and tags after the last paragraph
    out: list[str] = []
    run: list[str] = []
    for text, is_label in [*kept[:end], ("", False)]:
        if is_label:
            run.append(text)
            continue
        if len(run) < MENU_RUN or "label_in_middle" in skip:
            out.extend(run)
        run = []
        if text:
            out.append(text)
    return out


