"""Boilerplate removal: from the text of a page to paragraphs of running text.

The rules describe the *shape* of junk rather than particular strings:

* consent banners: lines about cookies / privacy policy / terms, or consent buttons;
* photo captions: lines ending in a photo credit (``... 2025. /CFP``, ``... /Xinhua``,
  ``(Reuters)``, ``Photo: ...``, ``Getty Images``) or a lone credit line;
* lines without sentence punctuation that are short (headlines, bylines, "Tags",
  "Advertisement", "Share this", section names) or that end in a date (a caption);
* the headline repeated at the top (it becomes the title when none was given);
* editor's notes and disclaimers (an opinion disclaimer sets ``is_opinion`` and names the
  author), contributor credits ("... contributed to this report");
* promotional lines: contact/follow/subscribe lines with an e-mail address or a handle;
* trailing sections ("Tags", "Related articles", "Search Trends", "More from ..."): the
  rest of the page after such a heading is dropped;
* verbatim repeats of a line (the first one is kept).

A leading newswire dateline (``(CNN) --``, ``LONDON, England (Reuters) --``) is stripped from
the first paragraph. Near-duplicate *sentences* are collapsed by `dedupe_sentences`.
"""

from __future__ import annotations

import re
import unicodedata

from digestbot.models import CleanText

__all__ = ["clean_text", "dedupe_sentences", "normalise_key"]

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A line that ends like a sentence (optionally followed by closing quotes/brackets).
_SENTENCE_END = re.compile(r"""[.!?…:;]["'”’»)\]]*$""")

_COOKIE = re.compile(
    r"\bcookies?\b|\bprivacy (?:policy|statement|notice|settings)\b|\bterms of (?:use|service)\b"
    r"|\bcontinu\w* to (?:browse|use) (?:our|this) (?:site|website)",
    re.I,
)
_CONSENT_BUTTON = re.compile(
    r"^(?:i agree|i accept|accept(?: all)?(?: cookies)?|agree|ok|got it|allow all|reject all|"
    r"manage (?:cookies|preferences|settings)|close)\W*$",
    re.I,
)
# Credits at the end of a caption: "/CFP", "/ Xinhua", "(Reuters)", "REUTERS/Jane Doe",
# "Photo: ...", "Getty Images", "AP Photo/...".
_CREDIT_END = re.compile(
    r"(?:\s/\s?[A-Z][\w.&' -]{0,40}"
    r"|\((?:photo|reuters|ap|afp|getty|xinhua|epa|file)[^)]{0,60}\)"
    r"|\b(?:REUTERS|AFP|EPA|AP Photo|Getty Images|Xinhua|CFP|IC|VCG|Shutterstock|AFP via Getty Images)"
    r"(?:\s?/\s?[\w.' -]{1,40})?"
    r"|\b(?:photo|image|picture)s?(?: credit)?:\s?[\w.&'/ -]{1,60}"
    r"|\bfile photo)\W*$"
)
_LONE_CREDIT = re.compile(
    r"^(?:\(?(?:photo|image|picture|credit|source|file)s?:?\s*)?"
    r"(?:reuters|ap|afp|epa|xinhua|cfp|getty images|associated press|shutterstock|ic|vcg)"
    r"(?:\s?/\s?[\w.' -]{1,40})?\)?$",
    re.I,
)
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\W*$",
    re.I,
)
_EDITORS_NOTE = re.compile(r"^\(?\s*editor(?:'|’)?s?(?:'|’)? ?note\b\s*[:.-]?\s*", re.I)
_OPINION_MARK = re.compile(
    r"\b(?:opinion|views? (?:expressed|are (?:his|her|their|the author))|commentar(?:y|ies|or)"
    r"|columnist|op-ed|author(?:'|’)s own|not necessarily (?:reflect|the view))",
    re.I,
)
_DISCLAIMER = re.compile(
    r"\b(?:the )?(?:views|opinions) expressed (?:in this|here|are)|reflects? the (?:author|writer)"
    r"|not necessarily (?:reflect|represent)",
    re.I,
)
_NAME = re.compile(r"^(?:by\s+)?([A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|bin|al|da)){1,3})\s*(?:,|$|\bis\b|\bwas\b)")
_BYLINE = re.compile(
    r"^(?:by\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})*$"
)
_PROMO = re.compile(
    r"\b(?:contact us|follow us|follow @|subscribe|sign up|newsletter|download (?:our|the) app"
    r"|click here|share this|like us on|join us on)\b|[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}",
    re.I,
)
_CONTRIBUTED = re.compile(r"\bcontributed (?:to )?(?:this )?report|\bcontributed reporting\b", re.I)
_TRAILER = re.compile(
    r"^(?:tags?|keywords|topics|related(?: articles| stories| content| news| coverage| links)?"
    r"|search trends|trending(?: now| stories)?|more (?:from|on|stories|news)\b.*|you (?:may|might) also like"
    r"|recommended(?: for you| stories)?|most (?:read|popular|viewed)|read next|further reading"
    r"|comments?|share (?:this|on)\b.*)\W*$",
    re.I,
)
# A leading dateline: "LONDON, England (Reuters) -- ", "(CNN) -- ", "WASHINGTON (AP) — ".
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z0-9][\w.'’-]*){0,5},?\s*)?"
    r"\((?:[A-Z][\w.&' -]{0,24})\)\s*(?:--|—|–|-)\s*"
    r"|^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z0-9][\w.'’-]*){0,5},?\s*)?\((?:CNN|Reuters|AP|AFP|Xinhua)\)\s*"
    r"|^[A-Z][A-Z .,'’-]{2,40}\s(?:--|—|–)\s"
)

_SHORT_WORDS = 8  # an unpunctuated line shorter than this is never running text
_LONG_WORDS = 25  # an unpunctuated line this long is running text that lost its period


def normalise_key(text: str) -> str:
    """A comparison key: lower-case words only (punctuation, quotes and spacing ignored)."""
    return " ".join(_WORD.findall(text.lower()))


def _word_count(line: str) -> int:
    return len(line.split())


def _is_caption(line: str) -> bool:
    if _CREDIT_END.search(line):
        return True
    return _word_count(line) < 40 and not _SENTENCE_END.search(line[:-1] if line.endswith(".") else line) and bool(_DATE.search(line))


def _editor_note_author(note: str) -> str | None:
    m = _NAME.match(note)
    if m:
        name = m.group(1).rstrip(".,")
        if name.lower().split()[0] not in {"the", "this", "these", "an", "a", "in", "our"}:
            return name
    return None


def clean_text(text: str, title: str | None = None) -> CleanText:
    """Strip boilerplate from an article's text; return its paragraphs and what was learnt."""
    text = unicodedata.normalize("NFC", text)
    title_key = normalise_key(title) if title else ""
    author: str | None = None
    is_opinion = False
    found_title = title
    seen: set[str] = set()
    kept: list[str] = []

    for raw in text.splitlines():
        line = _WS.sub(" ", raw).strip()
        if not line:
            continue
        key = normalise_key(line)
        if not key:
            continue
        if key in seen:
            continue  # verbatim repeat (captions, repeated headline, repeated blocks)
        seen.add(key)
        words = _word_count(line)

        if _EDITORS_NOTE.match(line) or (_DISCLAIMER.search(line) and words < 60):
            body = _EDITORS_NOTE.sub("", line)
            if _OPINION_MARK.search(line) or _DISCLAIMER.search(line):
                is_opinion = True
            who = _editor_note_author(body)
            if who:
                author = who
            continue
        if title_key and (key == title_key or (words < 30 and key in title_key)):
            continue
        if _COOKIE.search(line) and (words < 60 or "agree" in line.lower()):
            continue
        if _CONSENT_BUTTON.match(line) or _LONE_CREDIT.match(line):
            continue
        if _TRAILER.match(line):
            if kept:
                break  # the article is over: tags, related links, trends follow
            continue
        if _is_caption(line):
            continue
        if _CONTRIBUTED.search(line) and words < 40:
            continue
        if _PROMO.search(line) and (words < 50 or (line[0] in "([" and line[-1] in ")]")):
            continue
        if not _SENTENCE_END.search(line):
            if words < _SHORT_WORDS or words < _LONG_WORDS and not kept:
                # Headline, byline, section label, button, tag list.
                if not kept:
                    if found_title is None and words >= 3 and not _BYLINE_ONLY(line):
                        found_title = line
                        title_key = key
                    elif author is None and _BYLINE.match(line) and 2 <= words <= 5:
                        author = re.sub(r"^by\s+", "", line, flags=re.I)
                continue
            if words < _LONG_WORDS:
                continue
        kept.append(line)

    if kept:
        first = _DATELINE.sub("", kept[0], count=1).strip()
        if first:
            kept[0] = first[0].upper() + first[1:] if first[0].islower() else first
        else:
            kept.pop(0)
    return CleanText(paragraphs=kept, title=found_title, author=author, is_opinion=is_opinion)


def _BYLINE_ONLY(line: str) -> bool:
    """A line that is just a name or "By <name>" (2-4 capitalised words)."""
    words = line.split()
    if words and words[0].lower() == "by":
        return True
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and bool(_BYLINE.match(line))


_CONTENT = re.compile(r"[^\W_]{3,}")


def dedupe_sentences(sentences: list[str], threshold: float = 0.8) -> list[str]:
    """Drop repeated and near-duplicate sentences, keeping the first occurrence.

    Two sentences are near-duplicates when their word sets overlap by at least `threshold`
    of the smaller one (so a sentence repeated with a few words changed, or contained in
    a longer one that came first, is dropped).
    """
    out: list[str] = []
    sets: list[frozenset[str]] = []
    seen: set[str] = set()
    for s in sentences:
        key = normalise_key(s)
        if not key or key in seen:
            continue
        seen.add(key)
        ws = frozenset(_CONTENT.findall(key))
        n = len(ws)
        dup = False
        if n >= 4:
            for other in sets:
                m = len(other)
                if m < 4:
                    continue
                small = n if n < m else m
                if len(ws & other) >= threshold * small:
                    dup = True
                    break
        if dup:
            continue
        out.append(s)
        sets.append(ws)
    return out
