"""Domain objects are values: once built they cannot change, so caches and views can share them."""

from __future__ import annotations

import dataclasses

import pytest

from builders import a_topic, an_article
from digestbot.chat.commands import answer
from digestbot.stories.digest import build_digest

TOPICS = [a_topic()]


def _digest():
    flood = an_article("The Kessel Dam failed on Monday and flooded three villages near Arnvik.",
                       "Rescue teams reached the villages by evening.", days=0)
    search = an_article("Rescue teams searched the flooded villages below the Kessel Dam on Tuesday.",
                        "The dam failed on Monday and flooded three villages.", days=1)
    return build_digest([flood, search], TOPICS)


def test_a_built_story_and_its_articles_cannot_be_changed():
    [story] = _digest().stories
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.score = 99.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.whats_new = []  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.articles[0].title = "Another headline"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.facts[0].text = "another fact"  # type: ignore[misc]


def test_a_built_digest_and_reply_cannot_be_changed():
    digest = _digest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        digest.stories = []  # type: ignore[misc]
    reply = answer("/arnvik facts public", digest, TOPICS)
    assert reply.ok and reply.ephemeral is False  # built whole, with the asked visibility
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.ephemeral = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.sections[0].heading = "Other"  # type: ignore[misc]
