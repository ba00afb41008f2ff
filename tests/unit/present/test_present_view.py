"""The one view of a story: decided once, shown alike by text, Markdown, JSON, Slack and Discord."""

import json
from dataclasses import replace
from datetime import datetime, timezone

from builders import an_article, an_opinion
from digestbot.adapters.discord.render import render_story
from digestbot.adapters.slack.render import story_blocks
from digestbot.domain.models import Digest, NewItem, Story
from digestbot.present.render import render_json, render_markdown, render_text
from digestbot.present.view import MAX_BULLETS, WORDS_PER_STORY, story_view
from digestbot.stories.clustering import source_ref

NOW = datetime(2026, 3, 5, 9, tzinfo=timezone.utc)


def a_story(*articles, whats_new=()):
    return Story("s1", "Dam fails near Arnvik", list(articles), whats_new=list(whats_new))


PLACES = ["spillway", "gate", "turbine", "road", "bridge", "tunnel", "village", "school", "clinic",
          "farm", "harbour", "station", "market", "church", "library", "stadium", "airport", "quarry"]
CREWS = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir"]


def many_reports():
    """Six reports, each with three key points that share no wording with the others."""
    reports = []
    for n, crew in enumerate(CREWS):
        points = [f"Crew {crew} inspected the {place} near mile {n * 10 + i}." for i, place in
                  enumerate(PLACES[n * 3:n * 3 + 3])]
        reports.append(an_article(*points, days=n, source=f"Outlet {n % 3}", key_points=points))
    return reports


def test_key_points_come_from_news_first_and_skip_what_is_already_new():
    report = an_article("The dam failed on Monday.", "Twelve people died.", "Rescuers searched overnight.",
                        key_points=["The dam failed on Monday.", "Twelve people died."], days=1)
    opinion = an_opinion("The dam was neglected for years.", key_points=["The dam was neglected for years."])
    story = a_story(opinion, report, whats_new=[NewItem("Twelve people died.", [source_ref(report)])])
    view = story_view(story)
    assert view.what_happened.text == "Twelve people died." and view.what_happened.is_new
    assert [b.text for b in view.bullets] == ["The dam failed on Monday.", "The dam was neglected for years."]
    assert view.bullets[-1].is_opinion


def test_at_most_five_bullets_within_the_word_budget():
    view = story_view(a_story(*many_reports()))
    assert len(view.bullets) <= MAX_BULLETS
    assert sum(len(line.text.split()) for line in view.lines) <= WORDS_PER_STORY
    assert len({line.text for line in view.lines}) == len(view.lines)


def test_the_lead_points_of_several_reports_come_before_anyones_second_point():
    view = story_view(a_story(*many_reports()))
    assert [line.text.split()[1] for line in view.lines[:3]] == ["Fir", "Elm", "Dogwood"]


def test_outlets_are_counted_once_each_with_their_reports():
    view = story_view(a_story(*many_reports()))
    assert [(o.source, o.articles) for o in view.outlets] == [("Outlet 0", 2), ("Outlet 1", 2), ("Outlet 2", 2)]


def test_every_surface_shows_the_same_lines_for_the_same_story():
    reports = many_reports()
    update = NewItem("Crews reopened the road on Friday.", [source_ref(reports[-1])])
    story = a_story(*reports, whats_new=[update])
    lines = [line.text for line in story_view(story).lines]
    digest = Digest([story], NOW)
    surfaces = {
        "text": render_text(digest),
        "markdown": render_markdown(digest).replace("\\", ""),
        "slack": json.dumps(story_blocks(story, 1), ensure_ascii=False),
        "discord": render_story(story).description,
    }
    for name, shown in surfaces.items():
        for line in lines:
            assert line in shown, f"{name} lacks {line!r}"
        hidden = [p for a in reports for p in a.key_points if p not in lines]
        assert hidden and not any(p in shown for p in hidden), name
    view_json = json.loads(render_json(digest))["stories"][0]["view"]
    assert [view_json["what_happened"]["text"], *(b["text"] for b in view_json["bullets"])] == lines


def test_a_key_point_that_leans_on_the_sentence_before_is_left_out():
    report = an_article("Crews closed the Arnvik road on Monday.", "He said the bridge was safe.",
                        "But the ferry stopped running.",
                        key_points=["Crews closed the Arnvik road on Monday.", "He said the bridge was safe.",
                                    "But the ferry stopped running."])
    lines = [line.text for line in story_view(a_story(report)).lines]
    assert lines == ["Crews closed the Arnvik road on Monday.", "The ferry stopped running."]


def test_a_key_point_saying_here_or_today_opens_with_its_dateline():
    # the digest is read the next morning, and a wire may date its copy the day after its dateline
    report = an_article("The Arnvik council here today closed the dam road.", "Crews inspected the spillway.",
                        key_points=["The Arnvik council here today closed the dam road.", "Crews inspected the spillway."],
                        dateline="ARNVIK, March 4 (Xinhua)")
    lines = [line.text for line in story_view(a_story(report)).lines]
    assert lines == ["ARNVIK, March 4: The Arnvik council here today closed the dam road.", "Crews inspected the spillway."]


def test_a_wire_copy_counts_for_the_outlet_that_ran_it():
    from digestbot.domain.models import WireCopy

    report = replace(an_article("Crews closed the Arnvik road on Monday.", source="Norland Wire"),
                     copies=[WireCopy("x1", "Valley Herald"),
                             WireCopy("x2", "Norland Wire")])  # a re-send by the same wire
    view = story_view(a_story(report))
    assert [(o.source, o.articles) for o in view.outlets] == [("Norland Wire", 1), ("Valley Herald", 1)]
