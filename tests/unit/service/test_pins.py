"""Ops-pinned entries: the configuration file's `pinned = true` topics, feeds and destinations
are applied again at every start and chat cannot change or remove them; unpinned entries are
seeded once and then belong to the database (and chat)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from digestbot.domain.records import SubscriptionOptions
from digestbot.config import ConfigError, parse_config
from digestbot.run.scheduling import next_fire_time
from digestbot.service.management import Management
from digestbot.service.seeding import Pins, apply_pins, seed_from_config
from digestbot.domain.models import CommandContext, Topic
from digestbot.storage.articles import SqlStore
from digestbot.storage.management import SqlManagementStore
from digestbot.domain.records import AuditEntry

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=1)
WEBHOOK = "https://discord.com/api/webhooks/123/s3cr3t-token"

PINNED = f"""
[[topics]]
name = "visit"
title = "The state visit"
keywords = ["Lee Jae Myung", "Xi Jinping"]
pinned = true

[[topics]]
name = "dam"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam"]

[[feeds]]
url = "https://example.org/pinned.xml"
every = "10m"
topics = ["visit"]
pinned = true

[[feeds]]
url = "https://example.org/free.xml"

[[destinations]]
platform = "slack"
channel = "C1"
cron = "0 7 * * 1-5"
timezone = "Asia/Seoul"
topics = ["visit"]
pinned = true

[[destinations]]
platform = "slack"
channel = "C2"
topics = ["dam"]

[[destinations]]
platform = "discord-webhook"
webhook = "{WEBHOOK}"
topics = ["*"]
pinned = true
"""
CONFIG = parse_config(PINNED, "pins.toml")
ADMIN = CommandContext("slack", "C1", "ada", is_admin=True)
OTHER_CHANNEL = CommandContext("slack", "C2", "ada", is_admin=True)


def chat(user: str = "ada", platform: str = "slack", channel: str = "C1") -> AuditEntry:
    return AuditEntry(NOW, platform, channel, user, "chat", "a change from chat", None, None)


@pytest.fixture
def store(tmp_path):
    articles = SqlStore.from_url(f"sqlite:///{tmp_path / 'pins.db'}")
    store = SqlManagementStore(articles.engine)
    yield store
    articles.close()


def start(store, config=CONFIG, now=NOW) -> list[str]:
    """What every start does: seed once, then the pins."""
    seed_from_config(store, config, now)
    return apply_pins(store, config, now)


def audit_rows(store) -> list[AuditEntry]:
    return store.audit(limit=1000)


def subs(store) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {(s.platform, s.channel, s.topic): (s.cron, s.timezone) for s in store.subscriptions()}


def webhook_channel() -> str:
    [dest] = [d for d in CONFIG.destinations if d.webhook]
    return dest.store_channel


# --- the configuration ---------------------------------------------------------------------


def test_pins_come_from_the_file_and_key_webhooks_by_a_digest():
    pins = Pins.from_config(CONFIG)
    assert pins.topics == {"visit"}
    assert pins.feeds == {"https://example.org/pinned.xml"}
    assert pins.subscriptions == {("slack", "C1", "visit"), ("discord-webhook", webhook_channel(), "*")}
    assert webhook_channel().startswith("webhook:") and "s3cr3t" not in repr(pins)
    assert not Pins() and not Pins.from_config(parse_config("", "empty.toml"))


def test_a_pinned_destination_must_name_pinned_topics():
    text = '[[topics]]\nname = "dam"\ntitle = "D"\n[[destinations]]\nplatform = "slack"\nchannel = "C1"\n' \
           'topics = ["dam"]\npinned = true\n'
    with pytest.raises(ConfigError) as error:
        parse_config(text, "x.toml")
    assert str(error.value).startswith("x.toml: destinations.0.topics: pinned, but topic 'dam' is not a pinned")


def test_pinned_must_be_a_boolean():
    with pytest.raises(ConfigError, match=r"x.toml: topics.0.pinned"):
        parse_config('[[topics]]\nname = "a"\ntitle = "A"\npinned = "yes please"\n', "x.toml")


# --- apply_pins ------------------------------------------------------------------------------


def test_first_start_seeds_everything_and_the_pins_have_nothing_left_to_do(store):
    assert start(store) == []
    assert subs(store) == {("slack", "C1", "visit"): ("0 7 * * 1-5", "Asia/Seoul"),
                           ("slack", "C2", "dam"): ("0 8 * * *", "UTC"),
                           ("discord-webhook", webhook_channel(), "*"): ("0 8 * * *", "UTC")}
    assert [a.action for a in audit_rows(store)] == ["seed"]


def test_pins_are_created_when_the_database_was_seeded_before_they_existed(store):
    seed_from_config(store, parse_config("", "old.toml"), NOW)  # an older file: nothing in it
    done = apply_pins(store, CONFIG, LATER)
    assert len(done) == 4  # the topic, the feed, two subscriptions
    assert {t.topic.name for t in store.topics()} == {"visit"}  # "dam" is not pinned: not seeded again
    [feed] = store.feeds()
    assert (feed.url, feed.every, feed.topic) == ("https://example.org/pinned.xml", "10m", "visit")
    assert set(subs(store)) == {("slack", "C1", "visit"), ("discord-webhook", webhook_channel(), "*")}
    entries = [a for a in audit_rows(store) if a.action != "seed"]
    assert {a.user for a in entries} == {"configuration file"}
    assert {a.action for a in entries} == {"pins.topics.add", "pins.feeds.add", "pins.subscribe"}
    assert not any(WEBHOOK in a.summary or "s3cr3t" in a.summary for a in entries)
    assert any(a.channel == "C1" and a.platform == "slack" for a in entries)  # shown in /digest settings


def test_pins_are_restored_after_changes_made_behind_the_bot(store):
    start(store)
    # what chat could not do any more, but an older bot (or someone with SQL) did:
    store.save_subscription("slack", "C1", "visit", "0 22 * * *", "UTC", chat())
    store.remove_subscriptions("discord-webhook", webhook_channel(), None, chat(platform="discord-webhook"))
    [pinned_feed] = [f for f in store.feeds() if f.url.endswith("pinned.xml")]
    store.remove_feed(pinned_feed.id, chat())
    store.add_feed(pinned_feed.url, "1d", None, chat())
    store.remove_topic("visit", chat())  # also drops the subscription to it
    store.add_topic(Topic("visit", "something else", ("other",)), chat())
    store.save_subscription("slack", "C3", "visit", "0 9 * * *", "UTC", chat(channel="C3"))  # unpinned

    done = apply_pins(store, CONFIG, LATER)

    assert done
    [visit] = [t.topic for t in store.topics() if t.topic.name == "visit"]
    assert visit == Topic("visit", "The state visit", ("Lee Jae Myung", "Xi Jinping"))
    [feed] = [f for f in store.feeds() if f.url.endswith("pinned.xml")]
    assert (feed.every, feed.topic) == ("10m", "visit")
    assert subs(store)[("slack", "C1", "visit")] == ("0 7 * * 1-5", "Asia/Seoul")
    assert subs(store)[("discord-webhook", webhook_channel(), "*")] == ("0 8 * * *", "UTC")
    # an unpinned subscription to the restored topic survives its restoring
    assert subs(store)[("slack", "C3", "visit")] == ("0 9 * * *", "UTC")


def test_restoring_changes_in_place_so_a_feed_keeps_its_number(store):
    start(store)
    [feed] = [f for f in store.feeds() if f.url.endswith("pinned.xml")]
    store.update_feed(feed.id, "1d", None, chat())
    store.update_topic(Topic("visit", "something else", ("other",)), chat())
    apply_pins(store, CONFIG, LATER)
    [restored] = [f for f in store.feeds() if f.url.endswith("pinned.xml")]
    assert (restored.id, restored.every, restored.topic) == (feed.id, "10m", "visit")
    assert [t.topic.title for t in store.topics() if t.topic.name == "visit"] == ["The state visit"]
    assert subs(store)[("slack", "C1", "visit")] == ("0 7 * * 1-5", "Asia/Seoul")


def test_unpinned_entries_are_left_as_chat_made_them(store):
    start(store)
    store.save_subscription("slack", "C2", "dam", "30 6 * * *", "Europe/Oslo", chat(channel="C2"))
    [free] = [f for f in store.feeds() if f.url.endswith("free.xml")]
    store.remove_feed(free.id, chat())
    store.remove_topic("dam", chat())  # and with it the subscription in C2

    assert apply_pins(store, CONFIG, LATER) == []
    assert "dam" not in {t.topic.name for t in store.topics()}
    assert not any(f.url.endswith("free.xml") for f in store.feeds())
    assert ("slack", "C2", "dam") not in subs(store)


def test_a_restart_that_changes_nothing_writes_no_audit_rows(store):
    start(store)
    store.save_subscription("slack", "C1", "visit", "0 22 * * *", "UTC", chat())
    assert apply_pins(store, CONFIG, LATER)  # restored once
    before = audit_rows(store)
    for _restart in range(3):
        assert start(store, now=LATER + timedelta(hours=_restart)) == []
    assert audit_rows(store) == before


def test_editing_a_pinned_entry_in_the_file_applies_the_edit_at_the_next_start(store):
    start(store)
    edited = parse_config(PINNED.replace('cron = "0 7 * * 1-5"', 'cron = "0 6 * * *"')
                          .replace('keywords = ["Lee Jae Myung", "Xi Jinping"]', 'keywords = ["Lee Jae Myung"]'),
                          "pins.toml")
    assert apply_pins(store, edited, LATER)
    assert subs(store)[("slack", "C1", "visit")] == ("0 6 * * *", "Asia/Seoul")
    assert [t.topic.keywords for t in store.topics() if t.topic.name == "visit"] == [("Lee Jae Myung",)]
    assert apply_pins(store, edited, LATER) == []


# --- chat cannot change what is pinned -------------------------------------------------------


@pytest.fixture
def manage(store):
    start(store)
    return Management(store, next_fire=next_fire_time, pins=Pins.from_config(CONFIG), clock=lambda: NOW)


def refused(reply) -> str:
    assert not reply.ok, reply
    return " ".join([reply.title] + [line for s in reply.sections for line in s.lines])


@pytest.mark.parametrize("command", [
    "/digest subscribe visit daily 09:00",
    "/digest subscribe /visit tz UTC",
    "/digest unsubscribe visit",
    "/digest unsubscribe",
])
def test_chat_cannot_change_a_pinned_subscription(manage, store, command):
    text = refused(manage.handle(command, ADMIN))
    assert "/visit in this channel is pinned by the operators in the configuration file; ask them to change it" in text
    assert subs(store)[("slack", "C1", "visit")] == ("0 7 * * 1-5", "Asia/Seoul")


def test_unsubscribing_everything_says_how_to_remove_the_rest(manage, store):
    store.save_subscription("slack", "C1", "dam", "0 8 * * *", "UTC", chat())
    text = refused(manage.handle("/digest unsubscribe", ADMIN))
    assert "Unsubscribe the other topics by name" in text
    assert manage.handle("/digest unsubscribe dam", ADMIN).ok


def test_chat_cannot_remove_a_pinned_topic_or_feed(manage, store):
    assert "/visit is pinned by the operators in the configuration file; ask them to change it." in refused(
        manage.handle("/digest topics remove visit", ADMIN))
    [pinned] = [f for f in store.feeds() if f.url.endswith("pinned.xml")]
    assert f"Feed #{pinned.id} is pinned by the operators" in refused(
        manage.handle(f"/digest feeds remove {pinned.id}", ADMIN))
    assert "visit" in {t.topic.name for t in store.topics()}
    assert pinned in store.feeds()
    assert not any(a.user == "ada" for a in audit_rows(store))


def test_unpinned_entries_stay_changeable_from_chat(manage, store):
    assert manage.handle("/digest subscribe dam daily 09:00", ADMIN).ok  # same channel, another topic
    assert manage.handle("/digest subscribe visit daily 09:00", OTHER_CHANNEL).ok  # pinned only in C1
    assert manage.handle("/digest unsubscribe dam", OTHER_CHANNEL).ok
    [free] = [f for f in store.feeds() if f.url.endswith("free.xml")]
    assert manage.handle(f"/digest feeds remove {free.id}", ADMIN).ok
    assert manage.handle("/digest topics remove dam", ADMIN).ok


def test_members_are_refused_for_permission_before_pins(manage):
    member = CommandContext("slack", "C1", "bob", is_admin=False)
    assert manage.handle("/digest topics remove visit", member).title.startswith("Not allowed")


def test_without_pins_management_behaves_as_before(store):
    start(store)
    manage = Management(store, next_fire=next_fire_time, clock=lambda: NOW)
    assert manage.handle("/digest unsubscribe visit", ADMIN).ok


# --- the seed's duplicate destinations ---------------------------------------------------------


DUPLICATE = """
[[topics]]
name = "visit"
title = "Visit"
[[topics]]
name = "dam"
title = "Dam"
[[topics]]
name = "other"
title = "Other"

[[destinations]]
platform = "slack"
channel = "C1"
topics = ["visit", "dam"]

[[destinations]]
platform = "slack"
channel = "C1"
cron = "0 18 * * *"
topics = ["dam"]
"""


def test_two_destinations_for_one_channel_and_topic_are_a_one_line_config_error():
    with pytest.raises(ConfigError) as error:
        parse_config(DUPLICATE, "dup.toml")
    message = str(error.value)
    assert message == ("dup.toml: destinations.1.topics: slack channel C1 already gets topic 'dam' from "
                       "destinations.0; give each channel and topic one entry (one schedule)")


def test_duplicate_webhooks_are_reported_without_their_url():
    text = f'[[destinations]]\nplatform = "discord-webhook"\nwebhook = "{WEBHOOK}"\n' * 2
    with pytest.raises(ConfigError) as error:
        parse_config(text, "dup.toml")
    assert "destinations.1.topics" in str(error.value) and "all stories" in str(error.value)
    assert "s3cr3t" not in str(error.value) and "webhooks/123" not in str(error.value)


def test_the_same_topic_twice_in_one_destination_and_other_channels_are_fine():
    parse_config('[[topics]]\nname = "a"\ntitle = "A"\n'
                 '[[destinations]]\nplatform = "slack"\nchannel = "C1"\ntopics = ["a", "a"]\n'
                 '[[destinations]]\nplatform = "slack"\nchannel = "C2"\ntopics = ["a"]\n'
                 '[[destinations]]\nplatform = "discord"\nchannel = "C1"\ntopics = ["a"]\n', "ok.toml")


def test_seeding_keeps_the_first_of_duplicates_built_without_the_file_check(store, caplog):
    # A config built in code skips parse_config's check: the seed still succeeds.
    config = parse_config(DUPLICATE.replace('topics = ["dam"]', 'topics = ["other"]'), "dup.toml")
    config.destinations[1].topics = ["dam"]
    with caplog.at_level(logging.WARNING, logger="digestbot.service.management"):
        assert seed_from_config(store, config, NOW)
    assert subs(store)[("slack", "C1", "dam")] == ("0 8 * * *", "UTC")
    assert "slack channel C1 gets /dam twice; the first entry is kept" in caplog.text


def test_settings_mark_what_is_pinned(manage):
    reply = manage.handle("/digest settings", ADMIN)
    body = " ".join(line for s in reply.sections for line in s.lines)
    assert "/visit: weekdays at 07:00 (Asia/Seoul); pinned by the operators; next digest" in body


def test_a_destination_in_the_file_carries_subscription_options_and_pins_restore_them(store):
    pinned_destination = 'timezone = "Asia/Seoul"\ntopics = ["visit"]\npinned = true'
    config = parse_config(PINNED.replace(pinned_destination, pinned_destination + '\ninclude = ["state visit"]\n'
                                         'threads = true\nbreaking = "2h"'), "pins.toml")
    start(store, config)
    [sub] = [s for s in store.subscriptions("slack", "C1") if s.topic == "visit"]
    assert sub.options.include == ("state visit",) and sub.options.threads and sub.options.breaking_minutes == 120

    store.save_subscription("slack", "C1", "visit", sub.cron, sub.timezone, chat(),
                            options=SubscriptionOptions())  # behind the bot's back
    start(store, config)
    [sub] = [s for s in store.subscriptions("slack", "C1") if s.topic == "visit"]
    assert sub.options.include == ("state visit",)


@pytest.mark.parametrize("line, message", [
    ('breaking = "soon"', "not on, off or an interval: soon"),
    ('breaking = "1m"', "out of range"),
    ('include = [""]', "1 to 80 characters"),
    ("thread = true", "Extra inputs are not permitted"),  # a typo is named, not ignored
])
def test_bad_subscription_options_in_the_file_are_one_line_errors(line, message):
    with pytest.raises(ConfigError, match=message) as error:
        parse_config(f'[[destinations]]\nplatform = "console"\n{line}\n', "opts.toml")
    assert str(error.value).startswith("opts.toml: destinations.0")
