"""What a publisher can do is a typed ability (domain/ports.py), and the lanes' own decisions
(a feed notice, which developments a what-changed reply shows) are pure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builders import an_article
from fakes import RecordingPublisher
from digestbot.domain.models import FeedState, NewItem, SourceRef, Story
from digestbot.domain.ports import FindsPosted, Notifies, Replies
from digestbot.service.lanes import edited_story, health_notice, notice_text


class PublishOnly:
    async def publish(self, target, digest, period):
        return None


def abilities(publisher_class: type) -> set[str]:
    return {name for name, ability in (("finds_posted", FindsPosted), ("notifies", Notifies), ("replies", Replies))
            if issubclass(publisher_class, ability)}


def test_abilities_are_what_a_publisher_defines():
    assert abilities(RecordingPublisher) == {"notifies", "replies"}
    assert abilities(PublishOnly) == set()
    assert isinstance(RecordingPublisher(), Replies) and not isinstance(PublishOnly(), Notifies)


@pytest.mark.parametrize(("module", "name", "expected"), [
    ("digestbot.adapters.console", "ConsolePublisher", {"notifies", "replies"}),
    ("digestbot.adapters.slack.platform", "_SlackDigestPublisher", {"finds_posted", "notifies", "replies"}),
    ("digestbot.adapters.discord.platform", "_DiscordDigestPublisher", {"finds_posted", "notifies", "replies"}),
    ("digestbot.adapters.discord.platform", "_DiscordWebhookDigestPublisher", set()),
])
def test_each_platform_publisher_has_the_abilities_posting_relies_on(module, name, expected):
    import importlib

    assert abilities(getattr(importlib.import_module(module), name)) == expected


def test_a_feed_is_announced_down_once_at_the_threshold_and_up_once_when_it_recovers():
    failing = FeedState("https://example.org/rss", failures=3, last_error="timed out")
    assert health_notice(failing, notified_down=False, threshold=3) == "down"
    assert health_notice(failing, notified_down=True, threshold=3) is None
    assert health_notice(replace(failing, failures=0), notified_down=True, threshold=3) == "up"
    assert health_notice(replace(failing, failures=2), notified_down=False, threshold=3) is None


def test_a_notice_never_shows_the_password_in_a_feed_url():
    state = FeedState("https://ann:hunter2@example.org/rss", failures=4, last_error="HTTP 500")
    text = notice_text(state.url, "down", state)
    assert "hunter2" not in text and "4 failures in a row" in text
    assert "hunter2" not in notice_text(state.url, "up", state)


def test_a_what_changed_reply_shows_only_the_developments_of_the_edited_article():
    old = an_article("The ferry line to the island closed for repairs on Monday.", key="ferry-1")
    other = an_article("Island shops reported fewer visitors this week.", key="ferry-2")
    new = replace(old, title="Ferry line reopens after repairs")

    def item(text, article):
        return NewItem(text, [SourceRef(article.key, article.source, article.kind, article.published, article.title)])

    story = Story("ferry", "Island ferry", [old, other],
                  whats_new=[item("The line reopens Friday.", old), item("Shops are quieter.", other)])
    assert [i.text for i in edited_story([story], old, new).whats_new] == ["The line reopens Friday."]
    alone = edited_story([], old, new)  # no story holds it any more: the article on its own
    assert alone.title == new.title and alone.articles == [new]
