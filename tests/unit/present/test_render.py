"""The terminal and file renderings of a Digest: text, Markdown, and the JSON of the CLI contract."""

import json
from datetime import datetime, timezone

from builders import an_article, an_opinion
from digestbot.stories.digest import build_digest
from digestbot.domain.models import ArticleKind, Digest, NewItem, SourceRef, Story
from digestbot.present.render import render_json, render_markdown, render_text
from digestbot.stories.clustering import source_ref

NOW = datetime(2026, 3, 5, 9, tzinfo=timezone.utc)


def a_story(*articles, whats_new=()):
    return Story("s1", "Dam fails near Arnvik", list(articles), whats_new=list(whats_new))


def test_opinion_only_story_shows_its_points_labelled():
    opinion = an_opinion("The dam was neglected for years.", key_points=["The dam was neglected for years."])
    text = render_text(Digest([a_story(opinion)], NOW))
    assert "The dam was neglected for years. [opinion]" in text


def test_text_and_markdown_show_sources_and_updates():
    old = an_article("Twelve people died.", source="Norland Post", days=0)
    new = an_article("Fifteen people died.", source="Arnvik Herald", days=1)
    update = NewItem("Fifteen people died.", [source_ref(new)], before="Twelve people died.", before_sources=[source_ref(old)])
    digest = Digest([a_story(old, new, whats_new=[update])], NOW)
    text = render_text(digest)
    assert "Update: Fifteen people died. (was Twelve people died., Norland Post" in text
    assert "Arnvik Herald" in text and "Norland Post" in text
    markdown = render_markdown(digest)
    assert markdown.startswith("# Digest") and f"]({new.url})" in markdown


def test_markdown_escapes_article_text():
    article = an_article("A *bold* claim [link](http://evil).")
    story = Story("s1", "Title with _under_ [x](http://evil)", [article])
    markdown = render_markdown(Digest([story], NOW))
    assert "\\[x\\](http://evil)" in markdown and "\\*bold\\*" in markdown
    assert "](http://evil)" not in markdown.replace("\\]", "")  # no unescaped ] can close a link


def test_json_has_every_story_and_article_with_the_contract_fields():
    articles = [an_article(f"Story {n} happened on Monday.", f"It was the {n}th such event.", key=f"id{n}")
                for n in range(8)]
    doc = json.loads(render_json(build_digest(articles, [], now=NOW)))
    ids = sorted(a["id"] for s in doc["stories"] for a in s["articles"])
    assert ids == sorted(f"id{n}" for n in range(8))  # every article, not only the top stories
    story = doc["stories"][0]
    assert {"title", "articles", "whats_new", "facts"} <= set(story)
    assert {"id", "title", "source", "published", "kind", "key_points"} <= set(story["articles"][0])
    assert story["articles"][0]["kind"] in {k.value for k in ArticleKind}


def test_empty_digest_says_so():
    assert render_text(Digest([], NOW)) == "No stories to report.\n"


def test_markdown_links_only_plain_http_urls():
    bad = an_article("Something happened.", url="javascript:alert(1)", title="Bad link")
    odd = an_article("Something else happened.", url="https://example.org/a) [x](http://evil", title="Odd link")
    markdown = render_markdown(Digest([a_story(bad, odd)], NOW))
    assert "javascript:" not in markdown and "(https://example.org/a)" not in markdown
    assert "## Dam fails near Arnvik\n" in markdown  # the headline is left unlinked


def test_a_story_update_and_an_articles_revision_read_as_short_messages():
    from digestbot.stories.novelty import revision
    from digestbot.present.render import revision_text, story_update_text

    old = an_article("The dam failed on Monday.", "Twelve people died.", title="Dam fails", source="Herald")
    new = an_article("The dam failed on Monday.", "Fifteen people died.", "Talks begin on Tuesday.",
                     title="Dam fails, 15 dead", source="Herald")
    ref = SourceRef(new.key, "Herald", ArticleKind.NEWS, new.published, new.title)
    before = SourceRef(old.key, "Wire", ArticleKind.NEWS, old.published, old.title)
    story = Story("s-1", "The dam failure", [old, new],
                  whats_new=[NewItem("Fifteen people died.", [ref], before="Twelve", before_sources=[before])])
    assert story_update_text(story).splitlines() == [
        "Update on: The dam failure", "- Update: Fifteen people died. (was Twelve, Wire, 2 Mar 2026) [Herald, 2 Mar 2026]"]

    change = revision(old, new)
    assert change.added == ["Fifteen people died.", "Talks begin on Tuesday."]
    assert change.removed == ["Twelve people died."]
    assert revision_text(new, change).splitlines() == [
        "What changed in \u201cDam fails, 15 dead\u201d (Herald):", "- Headline was: Dam fails",
        "+ Fifteen people died.", "+ Talks begin on Tuesday.", "\u2212 Twelve people died."]
    assert not revision(old, old)
