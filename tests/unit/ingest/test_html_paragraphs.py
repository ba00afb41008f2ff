"""Article pages: paragraphs come from the page's structure, not from its line breaks."""

from digestbot.ingest.html import extract_page

FILLER = ("The ferry company said the new boats would cut the crossing to forty minutes and carry "
          "twice as many cars as the old ones, starting in the spring.")


def page(body: str) -> str:
    return (f"<html><head><title>Ferries</title></head><body><article><h1>New ferries for the island</h1>"
            f"{body}<p>{FILLER}</p><p>{FILLER.replace('spring', 'autumn')}</p></article></body></html>")


def test_lines_broken_with_br_inside_one_paragraph_are_one_paragraph():
    html = page("<p>Islanders waited three years for the boats,<br>and many said<br/>the wait was too long.</p>")
    text, _ = extract_page(html, "ferries.html")
    assert "Islanders waited three years for the boats, and many said the wait was too long." in text.splitlines()


def test_subheadings_list_items_and_quotes_are_paragraphs_of_their_own():
    html = page("<h2>What changes for drivers</h2><ul><li>Bookings open in March.</li>"
                "<li>Fares stay the same.</li></ul><blockquote><p>It is a big day for us.</p></blockquote>")
    lines, _ = extract_page(html, "ferries.html")
    for block in ("What changes for drivers", "Bookings open in March.", "Fares stay the same.",
                  "It is a big day for us."):
        assert block in lines.splitlines()


def test_inline_markup_stays_inside_its_paragraph():
    html = page("<p>The <b>first</b> boat, <a href='/x'>the Osprey</a>, arrives in <i>May</i>.</p>")
    text, _ = extract_page(html, "ferries.html")
    assert "The first boat, the Osprey, arrives in May." in text.splitlines()
