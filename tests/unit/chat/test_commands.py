from datetime import datetime, timezone

import pytest


from builders import a_topic, corpus_articles  # noqa: E402
from digestbot.chat.commands import VERBS, Command, answer, parse_command, render_reply_text  # noqa: E402
from digestbot.stories.digest import build_digest  # noqa: E402
from digestbot.domain.models import Digest, Reply  # noqa: E402

TOPICS = [a_topic()]
NAMES = ["arnvik"]


@pytest.fixture(scope="module")
def digest():
    return build_digest(corpus_articles(), TOPICS, now=datetime(2026, 3, 5, tzinfo=timezone.utc))


def _lines(reply: Reply) -> list[str]:
    return [line for s in reply.sections for line in s.lines]


@pytest.mark.parametrize("verb", list(VERBS))
def test_every_verb_parses(verb):
    assert parse_command(f"/arnvik {verb}", NAMES) == Command("arnvik", verb, [], False)


def test_topic_and_verb_are_case_insensitive_and_slash_optional():
    assert parse_command("/ARNVIK Facts", NAMES) == Command("arnvik", "facts")
    assert parse_command("arnvik new", NAMES) == Command("arnvik", "new")


def test_topic_alone_means_summary_and_digest_forms():
    assert parse_command("/arnvik", NAMES).verb == "summary"
    assert parse_command("/digest", NAMES) == Command(None, "digest")
    assert parse_command("/digest help", NAMES) == Command(None, "help")
    bad = parse_command("/digest nonsense", NAMES)
    assert isinstance(bad, Reply) and not bad.ok


def test_public_sets_not_ephemeral(digest):
    assert parse_command("/arnvik facts public", NAMES).public
    assert answer("/arnvik facts PUBLIC", digest, TOPICS).ephemeral is False
    assert answer("/arnvik facts", digest, TOPICS).ephemeral is True


def test_unknown_topic_lists_topics_and_digest():
    r = parse_command("/weather facts", NAMES)
    assert isinstance(r, Reply) and not r.ok
    assert any("/arnvik" in l and "/digest" in l for l in _lines(r))


def test_unknown_verb_lists_verbs():
    r = parse_command("/arnvik gossip", NAMES)
    assert not r.ok and any("facts" in l and "timeline" in l for l in _lines(r))


@pytest.mark.parametrize("text", ["", "   ", "/"])
def test_empty_input_is_helpful(text):
    r = parse_command(text, NAMES)
    assert isinstance(r, Reply) and not r.ok and r.title == "Empty command"
    assert any("/arnvik" in l for l in _lines(r))


def test_overlong_arguments_are_refused():
    r = parse_command("/arnvik facts " + "x" * 201, NAMES)
    assert isinstance(r, Reply) and not r.ok and "too long" in r.title
    assert isinstance(parse_command("/arnvik facts " + "x" * 150, NAMES), Command)


def test_help_lists_verbs_with_descriptions(digest):
    r = answer("/arnvik help", digest, TOPICS)
    lines = _lines(r)
    for verb in VERBS:
        assert any(l.startswith(f"/arnvik {verb}: ") for l in lines)


def test_new_reply_shows_the_newest_developments_with_sources(digest):
    lines = _lines(answer("/arnvik new", digest, TOPICS))
    toll = next(l for l in lines if "17" in l)
    assert toll.endswith("(Coastal Times, 4 Mar 2026)")


def test_new_covers_every_story_of_the_topic_newest_first():
    from builders import an_article

    dam = [an_article("The Kessel Dam failed on Monday and flooded three villages in the Arnvik valley.", days=0,
                      key="d1", title="Kessel Dam fails"),
           an_article("Engineers began draining the Kessel Dam reservoir above the Arnvik valley on Tuesday.", days=1,
                      key="d2", title="Kessel Dam reservoir drained")]
    bridge = [an_article("A road bridge collapsed in Arnvik town centre during the morning rush hour.", days=5,
                         key="b1", title="Arnvik bridge collapses")]
    from digestbot.domain.models import Story
    from digestbot.stories.digest import fill_story

    stories = [fill_story(Story("dam", "Kessel Dam fails", dam, topics=("arnvik",))),
               fill_story(Story("bridge", "Arnvik bridge collapses", bridge, topics=("arnvik",)))]
    reply = answer("/arnvik new", Digest(stories, datetime(2026, 3, 9, tzinfo=timezone.utc)), TOPICS)
    headings = [s.heading for s in reply.sections]
    assert len(headings) == 2 and headings[0].startswith("Arnvik bridge collapses")
    assert any("draining" in l for l in _lines(reply)) and any("bridge" in l for l in _lines(reply))


def test_facts_reply_groups_by_category_with_agreement_and_conflicts(digest):
    r = answer("/arnvik facts", digest, TOPICS)
    headings = [s.heading for s in r.sections]
    assert r.sections[0].lines[0].startswith("What happened: ")
    assert headings[1] == "Who" and "How many" in headings
    how_many = next(s for s in r.sections if s.heading == "How many").lines
    workers = next(l for l in how_many if "300" in l)
    assert "4 sources agree" in workers and "Arnvik Review, opinion, 3 Mar" in workers
    toll = next(l for l in how_many if "17 dead" in l)
    assert toll.startswith("Update: 17 dead") and "(was 15 dead in the failure, Northern Wire, 3 Mar" in toll


def test_sources_timeline_summary(digest):
    sources = _lines(answer("/arnvik sources", digest, TOPICS))
    assert len(sources) == 4 and sources[1].startswith("Arnvik Review, opinion, 2026-03-03")
    assert "https://" in sources[0]
    timeline = _lines(answer("/arnvik timeline", digest, TOPICS))
    assert [l[:10] for l in timeline] == ["2026-03-02", "2026-03-03", "2026-03-03", "2026-03-04"]
    assert "Arnvik Review, opinion:" in timeline[1]
    summary = _lines(answer("/arnvik summary", digest, TOPICS))
    assert summary and any("Kessel Dam" in l for l in summary)
    assert sum(len(l.split()) for l in summary) <= 350


def test_digest_overview_and_no_coverage(digest):
    r = answer("/digest", digest, TOPICS)
    assert r.sections[0].heading == "Kessel Dam failure floods Arnvik valley, 12 dead"  # its own headline
    assert any("/arnvik facts" in l for l in r.sections[0].lines)
    empty = answer("/arnvik facts", Digest([], datetime(2026, 3, 5, tzinfo=timezone.utc)), TOPICS)
    assert any("No coverage" in l for l in _lines(empty))


def test_lines_have_no_platform_markup(digest):
    for verb in VERBS:
        for line in _lines(answer(f"/arnvik {verb}", digest, TOPICS)):
            assert "*" not in line and "<" not in line and "`" not in line


def test_render_reply_text(digest):
    text = render_reply_text(answer("/arnvik facts", digest, TOPICS))
    assert text.startswith("Kessel Dam failure floods Arnvik valley, 12 dead: facts\n=")
    assert "\nWho\n- " in text and text.endswith("\n")


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_reply(text):
    d = Digest([], datetime(2026, 3, 5, tzinfo=timezone.utc))
    reply = answer(text, d, TOPICS)
    assert isinstance(reply, Reply) and reply.title
    assert isinstance(render_reply_text(reply), str)


def test_new_for_a_story_with_one_day_of_coverage_says_first_coverage(digest):
    from builders import an_article
    from digestbot.stories.digest import build_digest as build

    d = build([an_article("The Kessel Dam failed on Monday in the Arnvik valley.", title="Kessel Dam fails")],
              TOPICS, now=datetime(2026, 3, 5, tzinfo=timezone.utc))
    r = answer("/arnvik new", d, TOPICS)
    assert r.sections[0].heading.startswith("First coverage (")


def test_update_line_without_before_sources():
    from digestbot.chat.commands import new_item_line
    from digestbot.domain.models import NewItem

    assert new_item_line(NewItem("Toll is 17.", [], before="15 dead")) == "Update: Toll is 17. (was 15 dead)"


def test_digest_topic_verb_is_the_topic_command():
    from digestbot.chat.commands import topic_alias

    assert topic_alias("/digest arnvik facts public", NAMES) == "/arnvik facts public"
    assert topic_alias("/digest /Arnvik", NAMES) == "/Arnvik"
    assert topic_alias("/digest subscribe arnvik", NAMES) == "/digest subscribe arnvik"
    assert topic_alias("/digest nosuch facts", NAMES) == "/digest nosuch facts"
