"""Decoding, binary detection, Markdown stripping, headline detection, XML root sniffing."""

from __future__ import annotations

import codecs
import time

import pytest

from digestbot.ingest.text import (
    decode_bytes,
    first_line_title,
    html_fragment_to_text,
    markdown_to_text,
    xml_root_name,
)
from digestbot.domain.models import InputError

KOREAN = "이재명 대통령은 시진핑 주석과 회담했다.\n두 정상은 경제 협력에 합의했다."
FRENCH = "Le président a rencontré son homologue à Pékin.\nLes deux dirigeants ont signé des accords."


@pytest.mark.parametrize("data", [
    KOREAN.encode("utf-8"),
    codecs.BOM_UTF8 + KOREAN.encode("utf-8"),
    codecs.BOM_UTF16_LE + KOREAN.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + KOREAN.encode("utf-16-be"),
    codecs.BOM_UTF32_LE + KOREAN.encode("utf-32-le"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom"])
def test_unicode_with_and_without_bom(data):
    assert decode_bytes(data, "x.txt") == KOREAN


def test_bom_is_not_part_of_the_text():
    assert decode_bytes(codecs.BOM_UTF8 + b"Hello there", "x") == "Hello there"


def test_legacy_charset_detected_when_confident():
    text = (FRENCH + " ") * 20
    assert decode_bytes(text.encode("cp1252"), "x.txt") == text


def test_declared_charset_used_first():
    assert decode_bytes("café crème".encode("latin-1"), "x", declared="iso-8859-1") == "café crème"


def test_bogus_declared_charset_ignored():
    assert decode_bytes("café".encode(), "x", declared="no-such-charset") == "café"


def test_crlf_normalised():
    assert decode_bytes(b"one\r\ntwo\rthree", "x") == "one\ntwo\nthree"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
    bytes(range(1, 32)) * 50,  # control characters, no NUL
], ids=["png", "zip", "controls"])
def test_binary_refused(data):
    with pytest.raises(InputError, match=r"^seeds/x\.txt: not text \(binary file\)$"):
        decode_bytes(data, "seeds/x.txt")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n  ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n"])
def test_empty_refused(data):
    with pytest.raises(InputError, match=r"^x\.txt: empty$"):
        decode_bytes(data, "x.txt")


def test_bad_utf16_after_bom_refused():
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a", "x.txt")  # lone surrogate, odd length


def test_undecodable_refused_with_one_line():
    data = bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC]) * 3
    with pytest.raises(InputError) as err:
        decode_bytes(data, "x.txt")
    assert str(err.value).startswith("x.txt: ") and "\n" not in str(err.value)


MD = """# Leaders meet in Beijing

The **two leaders** met on *Monday* in [Beijing](https://example.org/bj).

## Trade

- Tariffs on `chips` will fall
- ![a photo](img.png) Talks continue
1. First item

> A quoted line
---
[ref]: https://example.org/ref

```
code stays as is *here*
```
"""


def test_markdown_stripped_and_title_taken():
    title, text = markdown_to_text(MD)
    assert title == "Leaders meet in Beijing"
    lines = text.split("\n")
    assert "The two leaders met on Monday in Beijing." in lines
    assert "Trade" in lines  # headings become lines of their own
    assert "Tariffs on chips will fall" in lines
    assert "a photo Talks continue" in lines
    assert "First item" in lines
    assert "A quoted line" in lines
    assert "code stays as is *here*" in lines
    assert "https://" not in text and "#" not in text and "**" not in text


def test_markdown_setext_title_and_no_title():
    assert markdown_to_text("Big News\n========\n\nBody text.")[0] == "Big News"
    title, text = markdown_to_text("Plain paragraph.\n\n## Later heading\nMore.")
    assert title is None and text.startswith("Plain paragraph.")


def test_markdown_keeps_snake_case_and_arithmetic():
    _, text = markdown_to_text("a snake_case_name and 2 * 3 * 4 stay")
    assert text == "a snake_case_name and 2 * 3 * 4 stay"


@pytest.mark.parametrize("text, title", [
    ("Seoul and Beijing agree to reset ties\n\nBody follows here.", "Seoul and Beijing agree to reset ties"),
    ("Is this the end of the trade war?\nBody.", "Is this the end of the trade war?"),
    ("This is a sentence that ends with a full stop.\nBody.", None),
    ("Only one line with no body", None),
    ("x" * 250 + "\nBody.", None),
    ("Word\nBody.", None),
])
def test_first_line_title(text, title):
    assert first_line_title(text) == title


@pytest.mark.parametrize("data, root", [
    (b'<?xml version="1.0"?>\n<!-- c --><rss version="2.0"><channel/></rss>', "rss"),
    (b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', "feed"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "rdf"),
    (b'<!DOCTYPE html><html><body></body></html>', "html"),
    (b'<!DOCTYPE rss [<!ENTITY a "b">]><rss/>', "rss"),
    (b"plain text <rss>", None),
    ("<?xml version='1.0' encoding='utf-16'?><rss/>".encode("utf-16"), "rss"),
])
def test_xml_root_name(data, root):
    assert xml_root_name(data) == root


def test_html_fragment_paragraphs_and_scripts():
    html = "<p>One <b>bold</b> line.</p><script>alert(1)</script><ul><li>A</li><li>B</li></ul>tail"
    assert html_fragment_to_text(html) == "One bold line.\nA\nB\ntail"
    assert html_fragment_to_text("no markup") == "no markup"
    assert html_fragment_to_text("Fish &amp; chips") == "Fish & chips"


@pytest.mark.parametrize("text, encoding", [
    ("Москва приветствует гостей из Пекина и Сеула. Визит продлится четыре дня.", "cp1251"),
    ("北京欢迎来自首尔的客人，访问将持续四天。两国领导人举行了会谈。", "gbk"),
    ("Überraschung für die Grüße aus Köln", "latin-1"),
])
def test_other_legacy_charsets(text, encoding):
    assert decode_bytes(text.encode(encoding), "x.txt") == text


# Lines built to make a backtracking regex rescan the rest of the line from every marker, as
# long as the longest article accepted (DIGESTBOT_MAX_ARTICLE_CHARS, 200,000). Before, 64 KB of
# `**a ` took 55 s of CPU and a heading followed by 2,000 spaces 1.4 s (cubic).
LONGEST = 200_000
HOSTILE_MARKDOWN = {
    "unclosed strong": "**a " * (LONGEST // 4),
    "unclosed underscores": "__a " * (LONGEST // 4),
    "unclosed emphasis": "*a " * (LONGEST // 3),
    "unclosed strike": "~~a " * (LONGEST // 4),
    "unclosed link text": "[a " * (LONGEST // 3),
    "unclosed link target": "[a](" * (LONGEST // 4),
    "unclosed image target": "![a](" * (LONGEST // 5),
    "heading then spaces": "# a" + " " * LONGEST + "x",
}


@pytest.mark.parametrize("line", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_markdown_takes_linear_time_on_hostile_lines(line):
    started = time.process_time()
    markdown_to_text("Intro.\n\n" + line)
    assert time.process_time() - started < 2.0


@pytest.mark.parametrize("markdown, text", [
    ("**bold *and* italic**", "bold and italic"),
    ("***both***", "both"),
    ("x **a** y **b", "x a y **b"),  # an unclosed marker after a closed one stays as typed
    ("__a__ and _b_ keep snake_case", "a and b keep snake_case"),
    ("a ~~gone~~ b", "a gone b"),
    ("see [the map](https://example.org/wiki/Map_(old)) now", "see the map now"),
    ("![a photo](p.png) and [a ref][1]", "a photo and a ref"),
])
def test_markdown_inline_markers_stripped(markdown, text):
    assert markdown_to_text("Intro.\n\n" + markdown)[1] == "Intro.\n\n" + text


def test_markdown_heading_loses_its_closing_hashes():
    assert markdown_to_text("Intro.\n\n## Talks resume ##   ")[1] == "Intro.\n\nTalks resume"
