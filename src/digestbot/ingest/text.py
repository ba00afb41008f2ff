"""Bytes to text: decoding, binary detection, Markdown and HTML-fragment stripping. No I/O."""

from __future__ import annotations

import codecs
import re
import unicodedata

from digestbot.domain.models import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}
_MAX_CONTROL_RATIO = 0.05
_MAX_CHAOS = 0.1  # charset-normalizer's "mess" score above which a guess is not trusted


def _control_ratio(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(
        1 for c in sample
        if c not in _CONTROL_OK and (unicodedata.category(c) == "Cc" or c == "\ufffd")
    )
    return bad / len(sample)


def decode_bytes(data: bytes, origin: str, declared: str | None = None) -> str:
    """Decode a document: BOM first, then a declared charset (HTTP/meta), then UTF-8, then a
    confident charset-normalizer guess. Binary data and undecodable bytes raise InputError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{origin}: not valid {encoding.upper()} "
                                 "despite its byte-order mark") from None
            return _check_text(text, origin)
    if b"\x00" in data[:65536]:
        raise InputError(f"{origin}: not text (binary file)")
    # UTF-8 first: bytes that decode as UTF-8 almost never are anything else, and pages that
    # declare latin-1 while sending UTF-8 are common. Then the declared charset, then a guess.
    candidates = ["utf-8"]
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            pass
        else:
            if name not in candidates and not name.startswith(("utf-16", "utf-32")):
                candidates.append(name)
    for encoding in candidates:
        try:
            return _check_text(data.decode(encoding), origin)
        except UnicodeDecodeError:
            continue
    encoding = _guess_encoding(data)
    if encoding is None:
        raise InputError(f"{origin}: cannot decode text (not UTF-8, encoding unknown)")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"{origin}: cannot decode text (not UTF-8, encoding unknown)") from None
    return _check_text(text, origin)


def _guess_encoding(data: bytes) -> str | None:
    """A legacy encoding, only when the guess is confident:

    - a multi-byte encoding (GBK, Shift-JIS, ...) charset-normalizer finds without mess;
    - else Windows-1252 (the commonest legacy web encoding), when it reads without mess:
      single-byte Western encodings all decode such text and the detector picks among them
      almost at random;
    - else a single-byte guess that reads cleanly and looks like a known language.
    """
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio
    from charset_normalizer.utils import is_multi_byte_encoding

    sample = data[:1_000_000]
    best = from_bytes(sample).best()
    if best is not None and best.chaos <= _MAX_CHAOS and is_multi_byte_encoding(best.encoding):
        return best.encoding
    try:
        if mess_ratio(sample.decode("cp1252"), maximum_threshold=1.0) <= _MAX_CHAOS / 2:
            return "cp1252"
    except UnicodeDecodeError:
        pass
    if best is not None and best.chaos <= _MAX_CHAOS and best.coherence >= 0.1:
        return best.encoding
    return None


def _check_text(text: str, origin: str) -> str:
    if _control_ratio(text) > _MAX_CONTROL_RATIO:
        raise InputError(f"{origin}: not text (binary file)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{origin}: empty")
    return text


# --- Markdown -------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
# A heading's text; the closing `#`s and spaces are cut in `_heading_text` (a regex for them,
# `(.*?)\s*#*\s*$`, took cubic time on a heading followed by a run of spaces).
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")
# Every pattern below runs in time linear in the line (a chat message or feed entry is hostile
# input): a link's text stops at the next `[` and its target at the next unbalanced `(`, so
# no two failed attempts scan the same stretch; `_spans` handles the emphasis markers.
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # one level of parentheses, as in Wikipedia's URLs
_IMAGE = re.compile(r"!\[([^\[\]]*)\]" + _TARGET)
_LINK = re.compile(r"\[([^\[\]]+)\]" + _TARGET)
_REFLINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_CODE = re.compile(r"`+([^`]+)`+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Emphasis: (where a span may open, the whole span); group 1 is the marker, group 2 the text.
_STRONG = (re.compile(r"(\*\*|__)(?=\S)"), re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"))
_EM = (re.compile(r"(?<![\w*])([*_])(?=\S)"), re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"))
_STRIKE = (re.compile(r"(~~)(?=\S)"), re.compile(r"(~~)(?=\S)(.+?)(?<=\S)~~"))


def _spans(line: str, patterns: tuple[re.Pattern[str], re.Pattern[str]]) -> str:
    """`span.sub(<its text>, line)` in linear time.

    A span that opens but never closes fails for every later opening of the same marker
    too (they have fewer places left to close), yet `re.sub` would scan the rest of the line
    again from each of them: quadratic (64 KB of `**a ` took 55 s). So a marker is given up
    at its first unclosed span.
    """
    opening, span = patterns
    parts: list[str] = []
    copied = position = 0
    unclosed: set[str] = set()
    while (start := opening.search(line, position)) is not None:
        match = None if start.group(1) in unclosed else span.match(line, start.start())
        if match is None:
            unclosed.add(start.group(1))
            position = start.start() + 1
            continue
        parts += [line[copied:match.start()], match.group(2)]
        copied = position = match.end()
    return "".join(parts) + line[copied:]


def _inline(line: str) -> str:
    line = _IMAGE.sub(lambda m: m.group(1), line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REFLINK.sub(lambda m: m.group(1), line)
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    line = _CODE.sub(lambda m: m.group(1), line)
    for emphasis in (_STRONG, _EM, _STRIKE):
        line = _spans(line, emphasis)
    line = _TAG.sub("", line)
    return line


def _heading_text(text: str) -> str:
    """An ATX heading's text without its optional closing `#`s."""
    return _inline(text.rstrip().rstrip("#").rstrip())


def markdown_to_text(markdown: str) -> tuple[str | None, str]:
    """Strip Markdown markup to plain text; headings become lines of their own.

    Returns (title, text): a leading level-1 heading (`# Title` or `Title` over `===`) is the
    title and is left out of the text.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    title: str | None = None
    in_fence = False
    for i, raw in enumerate(lines):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw)
            continue
        heading = _heading_at(lines, i)
        if heading is None:
            out.append(_body_line(raw))
            continue
        text, top_level = heading
        if title is None and top_level and not any(x.strip() for x in out):
            title = text
        else:
            out.extend(["", text, ""])
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    return title, text


def _heading_at(lines: list[str], i: int) -> tuple[str, bool] | None:
    """The heading on line `i` and whether it is of level 1, or None. A Setext heading's
    underline (the next line) is blanked, so that it is skipped."""
    raw = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if (raw.strip() and _SETEXT.match(nxt) and not _LIST.match(raw) and not _HR.match(raw)
            and not _QUOTE.match(raw)):
        lines[i + 1] = ""
        return _inline(raw.strip()), nxt.strip()[0] == "="
    m = _ATX.match(raw)
    if m:
        return _heading_text(m.group(2)), len(m.group(1)) == 1
    return None


def _body_line(raw: str) -> str:
    """A line of running text without its quote and list markers; a rule or a link
    definition is a blank line."""
    if _HR.match(raw) or _REFDEF.match(raw):
        return ""
    line = raw
    while _QUOTE.match(line):
        line = _QUOTE.sub("", line, count=1)
    line = _LIST.sub(r"\1", line)
    return _inline(line).strip()


# --- HTML fragments (feed summaries and content) -----------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption",
    "hr", "dd", "dt", "dl",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg"}


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _TAG.sub("", fragment).strip()
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()  # one paragraph a line


# --- helpers ---------------------------------------------------------------------------------

def first_line_title(text: str) -> str | None:
    """The first line, when it looks like a headline: short, no final full stop, and followed
    by more text."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not first or not rest.strip():
        return None
    words = first.split()
    if len(first) > 200 or len(words) > 30 or len(words) < 2:
        return None
    if first.endswith((".", ",", ";", ":")) and not first.endswith("..."):
        return None
    return first


_XML_PROLOG = re.compile(
    rb"""\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*""",
    re.S | re.I,
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


def xml_root_name(data: bytes) -> str | None:
    """The local name of the first element (lower-case), skipping the prolog; None if the
    document does not start with markup. Looks at the first 64 KB only."""
    head = data[:65536]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            try:
                head = head[len(bom):].decode(encoding, "ignore").encode("utf-8")
            except LookupError:  # pragma: no cover
                return None
            break
    m = _XML_PROLOG.match(head)
    pos = m.end() if m else 0
    m = _ROOT.match(head, pos)
    if not m:
        return None
    return m.group(1).decode("ascii", "ignore").rsplit(":", 1)[-1].lower()


FEED_ROOTS = {"rss", "feed", "rdf"}
