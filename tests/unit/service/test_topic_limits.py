"""Issue 14, items 2 and 8: a topic is a slash command, so its name and number are limited
once (digestbot.chat.commands) and refused wherever a topic is made: the file and chat; the Slack
manifest and the Discord tree never hold more than the platform accepts."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digestbot.chat.commands import MAX_TOPICS, commandable_topics
from digestbot.config import ConfigError, parse_config
from digestbot.run.scheduling import next_fire_time
from digestbot.service.management import Management
from digestbot.domain.models import CommandContext, Topic
from digestbot.storage.articles import SqlStore
from digestbot.storage.management import SqlManagementStore
from digestbot.domain.records import AuditEntry

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)
ADMIN = CommandContext("slack", "C1", "ada", is_admin=True)


def topics_toml(count: int) -> str:
    return "".join(f"[[topics]]\nname = \"t{i}\"\ntitle = \"Topic {i}\"\n" for i in range(count))


def test_the_limit_leaves_room_for_digest_and_headroom_on_slack():
    assert MAX_TOPICS == 48  # Slack's 50 commands an app, less /digest and one spare


def test_a_file_with_more_topics_than_the_limit_is_refused_naming_it():
    parse_config(topics_toml(MAX_TOPICS), "bot.toml")  # the limit itself is fine
    with pytest.raises(ConfigError) as caught:
        parse_config(topics_toml(MAX_TOPICS + 1), "bot.toml")
    message = str(caught.value)
    assert message.startswith("bot.toml: topics:") and f"at most {MAX_TOPICS}" in message and "\n" not in message


@pytest.mark.parametrize("name", ["digest", "help", "all", "a" * 32, "a" * 40, "two words", "9lives"])
def test_a_file_topic_that_cannot_be_a_slash_command_is_refused(name):
    with pytest.raises(ConfigError) as caught:
        parse_config(f'[[topics]]\nname = "{name}"\ntitle = "T"\n', "bot.toml")
    assert str(caught.value).startswith("bot.toml: topics.0.name:")


def test_a_31_character_topic_is_the_longest_slack_takes():
    parse_config(f'[[topics]]\nname = "{"a" * 31}"\ntitle = "T"\n', "bot.toml")


def test_a_destination_naming_an_undefined_topic_is_refused_naming_both():
    text = ('[[topics]]\nname = "visit"\ntitle = "T"\n'
            '[[destinations]]\nplatform = "slack"\nchannel = "C42"\ntopics = ["vist"]\n')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "bot.toml")
    message = str(caught.value)
    assert message.startswith("bot.toml: destinations.0.topics:")
    assert "slack channel C42" in message and "'vist'" in message and "visit" in message


def test_a_feed_naming_an_undefined_topic_is_refused_without_showing_its_password():
    text = ('[[topics]]\nname = "visit"\ntitle = "T"\n'
            '[[feeds]]\nurl = "https://ann:hunter2@example.org/rss"\ntopics = ["nope"]\n')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "bot.toml")
    assert "feeds.0.topics" in str(caught.value) and "hunter2" not in str(caught.value)


@pytest.fixture
def manage(tmp_path):
    articles = SqlStore.from_url(f"sqlite:///{tmp_path / 'topics.db'}")
    store = SqlManagementStore(articles.engine)
    yield Management(store, next_fire=next_fire_time, clock=lambda: NOW)
    articles.close()


def fill(manage: Management, count: int) -> None:
    for i in range(count):
        manage.store.add_topic(Topic(f"t{i}", f"Topic {i}", ("word",)),
                               AuditEntry(NOW, "slack", "C1", "ada", "topics.add", "added", None, None))


def test_chat_cannot_add_a_topic_past_the_limit_and_the_reply_says_it(manage):
    fill(manage, MAX_TOPICS)
    reply = manage.handle("/digest topics add one more", ADMIN)
    assert not reply.ok
    assert f"the limit is {MAX_TOPICS} topics" in reply.title
    assert len(manage.store.topics()) == MAX_TOPICS


def test_chat_can_add_the_last_topic_under_the_limit(manage):
    fill(manage, MAX_TOPICS - 1)
    assert manage.handle("/digest topics add last word", ADMIN).ok


@pytest.mark.parametrize("name", ["digest", "a" * 32])
def test_chat_refuses_a_name_that_cannot_be_a_slash_command(manage, name):
    reply = manage.handle(f"/digest topics add {name} word", ADMIN)
    assert not reply.ok and "slash command" in " ".join(reply.sections[0].lines)
    assert manage.store.topics() == []


def test_commandable_topics_keep_the_first_valid_ones_up_to_the_limit():
    topics = [Topic("a" * 32, "too long")] + [Topic(f"t{i}", "T") for i in range(100)]
    kept, left_out = commandable_topics(topics)
    assert [t.name for t in kept] == [f"t{i}" for i in range(MAX_TOPICS)]
    assert len(left_out) == 1 + 100 - MAX_TOPICS
    assert "over the limit of 48" in left_out[-1]


def test_the_slack_manifest_refuses_more_commands_than_slack_takes():
    manifest = pytest.importorskip("digestbot.adapters.slack.manifest")
    topics = [Topic(f"t{i}", "T") for i in range(MAX_TOPICS)]
    commands = manifest.build_manifest(topics, socket_mode=True, request_url=None)["features"]["slash_commands"]
    assert len(commands) == MAX_TOPICS + 1 <= 50
    with pytest.raises(ValueError, match="at most 48"):
        manifest.build_manifest(topics + [Topic("extra", "T")], socket_mode=True, request_url=None)
