"""One digest, every surface: text, Markdown, JSON, chat, Slack blocks and Discord embeds show the
same top stories, the same lines of each (key points and updates) and the same citations."""

import json
from dataclasses import replace
from datetime import datetime, timezone

from builders import a_topic, an_article, an_opinion
from digestbot.adapters.discord.render import render_digest as discord_digest
from digestbot.adapters.slack.render import render_digest as slack_digest
from digestbot.chat.commands import answer
from digestbot.domain.models import Digest, Fact, NewItem, Story
from digestbot.present.lines import cite_all, line_text, more_stories
from digestbot.present.render import render_json, render_markdown, render_text
from digestbot.present.view import TOP_STORIES, story_view
from digestbot.stories.clustering import source_ref

NOW = datetime(2026, 3, 9, 9, tzinfo=timezone.utc)
RIVERS = ["Alder", "Brook", "Cress", "Dunmore", "Esk", "Fallow", "Gorse"]


def a_river_story(rank: int, river: str) -> Story:
    """Two reports from two outlets, two key points each; the first story has an updated toll and
    an opinion piece, so updates and opinion citations are on every surface too."""
    first = an_article(f"The {river} levee broke on Monday.", f"Water covered the {river} farms.",
                       source=f"{river} Gazette", days=rank, key=f"{river}-1")
    second = an_article(f"Boats reached the {river} villages on Tuesday.", f"Schools near the {river} closed.",
                        source="Valley Wire", days=rank + 0.5, key=f"{river}-2")
    articles = [first, second]
    whats_new = []
    if rank == 0:
        articles.append(an_opinion(f"The {river} defences were underfunded for a decade.", source="Evening Post",
                                   days=0.2, key=f"{river}-3"))
        whats_new.append(NewItem(f"Seventeen people died along the {river}.", [source_ref(second)],
                                 before="fifteen dead", before_sources=[source_ref(first)]))
    return Story(f"s-{river}", f"Floods on the {river} river", articles, topics=("floods",), whats_new=whats_new,
                 score=10.0 - rank)


def a_digest() -> Digest:
    return Digest([a_river_story(rank, river) for rank, river in enumerate(RIVERS)], NOW)


def surfaces(digest: Digest) -> dict[str, str]:
    slack = json.dumps([[m.text, m.blocks] for m in slack_digest(digest)], ensure_ascii=False)
    discord = [m.content + "".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in m.embeds)
               for m in discord_digest(digest)]
    chat = answer("/digest", digest, [a_topic("floods", "Floods", ("flood",))])
    return {
        "text": render_text(digest),
        "markdown": render_markdown(digest).replace("\\", ""),
        "chat": "\n".join([s.heading or "" for s in chat.sections] + [l for s in chat.sections for l in s.lines]),
        "slack": slack,
        "discord": "\n".join(discord),
    }


def test_every_surface_shows_the_same_top_stories_lines_and_citations():
    digest = a_digest()
    top, rest = digest.stories[:TOP_STORIES], digest.stories[TOP_STORIES:]
    assert rest, "the digest must hold more stories than a surface shows"
    views = [story_view(story) for story in top]
    assert any(line.before for line in views[0].lines) and any(line.is_opinion for line in views[0].lines)
    for name, shown in surfaces(digest).items():
        for view in views:
            assert view.headline in shown, f"{name} lacks the story {view.headline!r}"
            for line in view.lines:
                assert line_text(line) in shown, f"{name} lacks the line {line_text(line)!r}"
                assert cite_all(line.sources) in shown, f"{name} cites {line.text!r} differently"
        for story in rest:
            assert story.title not in shown, f"{name} shows {story.title!r}, past the top {TOP_STORIES}"
        assert more_stories(len(rest)) in shown, f"{name} does not count the stories it leaves out"


def test_no_surface_shows_a_story_facts_in_a_digest():
    """Facts answer `/TOPIC facts`; a digest shows the one view of each story, on every surface."""
    digest = a_digest()
    first = digest.stories[0]
    fact = Fact("how_many", "Seventeen dead in the Alder floods", [source_ref(a) for a in first.articles])
    digest = Digest([replace(first, facts=[fact]), *digest.stories[1:]], NOW)
    for name, shown in surfaces(digest).items():
        assert fact.text not in shown, f"{name} shows a fact in the digest"


def test_json_lists_every_story_and_marks_the_ones_the_other_surfaces_show():
    digest = a_digest()
    document = json.loads(render_json(digest))
    assert len(document["stories"]) == len(RIVERS) and document["top_stories"] == TOP_STORIES
    for story, entry in zip(digest.stories, document["stories"]):
        view = story_view(story)
        lines = [entry["view"]["what_happened"], *entry["view"]["bullets"]]
        assert [line["text"] for line in lines] == [line.text for line in view.lines]
        assert [line["cite"] for line in lines] == [cite_all(line.sources) for line in view.lines]


def test_a_development_saying_here_opens_with_its_dateline_on_every_surface():
    """The digest is read the morning after, far from the wire's city: "here" and "today" need
    the dateline cleaning took off the text, which the item keeps beside it."""
    from digestbot.present.render import story_update_text

    first = a_river_story(0, "Alder")
    item = NewItem("The Alder council here today closed the levee road.", [source_ref(first.articles[1])],
                   dateline="ARNVIK, March 8")
    story = replace(first, whats_new=[item])
    digest = Digest([story], NOW)
    shown = "ARNVIK, March 8: The Alder council here today closed the levee road."
    for name, text in surfaces(digest).items():
        assert shown in text, f"{name} shows the development without its dateline"
    assert shown in story_update_text(story)
    assert json.loads(render_json(digest))["stories"][0]["whats_new"][0]["text"] == shown
    reply = answer("/floods new", digest, [a_topic("floods", "Floods", ("flood",))])
    assert any(line.startswith(shown) for s in reply.sections for line in s.lines)
