"""Posting a digest to one destination exactly once: the ledger, one post at a time per
channel, threads and replies, and the channel's memory of what it was shown.

A scheduled digest is claimed in the ledger by the scheduler, which calls `post`; `/digest now`
and a first subscription's catch-up claim their own period here (`post_now`). Stories the
channel was already shown get their new developments as replies in their thread (threads on);
what a channel was shown is remembered, so it is never told the same item twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from ..domain.models import Claim, Digest, Story
from ..domain.ports import FindsPosted, Ledger, PostedItems, PostingMetrics, Publisher, Replies, Skip, StoryPosts
from ..domain.records import ShownStory
from ..present.render import story_update_text
from ..stories.delivery import in_topics, story_for_subscription, window_start
from ..stories.novelty import filter_unseen, item_fingerprint, whats_new_to_reader
from .destinations import Destination, Destinations

log = logging.getLogger("digestbot.service.posting")

NEW_ITEMS_CACHE = 5000  # stories' what's new kept per channel baseline


def digest_for(digest: Digest, topics: tuple[str, ...]) -> Digest:
    if "*" in topics:
        return digest
    return Digest([s for s in digest.stories if in_topics(s, topics)], digest.generated_at, digest.since)


class Posting:
    """Plans and posts each destination's digest through its platform's publisher."""

    def __init__(self, destinations: Destinations, publishers: Mapping[str, Publisher],
                 current_digest: Callable[[], Digest], *, ledger: Ledger, posted_items: PostedItems,
                 story_posts: StoryPosts, metrics: PostingMetrics, catch_up_hours: float,
                 clock: Callable[[], datetime]):
        self.destinations = destinations
        self.publishers = publishers
        self._current_digest = current_digest
        self.ledger = ledger
        self.posted_items = posted_items
        self.story_posts = story_posts
        self._metrics = metrics
        self._catch_up_hours = catch_up_hours
        self._clock = clock
        self._channel_locks: dict[str, asyncio.Lock] = {}
        self._new_items: dict[tuple, list] = {}  # what's new per (what a channel was shown, story)

    def channel_lock(self, memory_key: str) -> asyncio.Lock:
        """One post at a time per channel, so a digest and a breaking post never both show an item."""
        return self._channel_locks.setdefault(memory_key, asyncio.Lock())

    def can_reply(self, destination: Destination) -> bool:
        return isinstance(self.publishers[destination.platform], Replies)

    async def post(self, destination_id: str, period: str, recovering: bool = False) -> str | Skip | None:
        """The scheduler's post: the period it claimed in the ledger for this destination."""
        destination = self.destinations[destination_id]
        outcome = await self.publish(destination, period, recovering, scheduled=True)
        if not isinstance(outcome, Skip):
            self._observe_lag(destination, period)
        return outcome

    def _observe_lag(self, destination: Destination, period: str) -> None:
        """Scheduler lag: seconds from the period's due time (its local wall-clock time in
        the destination's zone) to now, when its post is done. A period named otherwise has no
        due time: nothing to observe (a metric never fails a post)."""
        try:
            due = datetime.strptime(period, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(destination.timezone))
        except ValueError:
            return
        self._metrics.lag(destination.platform, max(0.0, (self._clock() - due).total_seconds()))

    async def post_now(self, platform: str, channel: str, kind: str = "now") -> str:
        """Post a channel's digest at once, as an extra in the exactly-once ledger.

        The period is `<kind>:<UTC minute>` under the channel's destination id: it never
        collides with a scheduled period (those are plain local times), and a repeat within the
        same minute (a double click) posts nothing more. The digest holds the topics of all the
        channel's subscriptions; what it shows is remembered like a scheduled digest's.
        Returns "posted", "already", "none" (the channel gets no digest) or "failed".
        """
        mine = self.destinations.of_channel(platform, channel)
        if not mine:
            return "none"
        topics = tuple(dict.fromkeys(t for d in mine for t in d.topics))
        destination = dataclasses.replace(mine[0], topics=("*",) if "*" in topics else topics,
                                          subscriptions=tuple(s for d in mine for s in d.subscriptions))
        now = self._clock().astimezone(timezone.utc)
        period = f"{kind}:{now:%Y-%m-%dT%H:%M}"
        claim = await asyncio.to_thread(self.ledger.claim, destination.id, period, now)
        if claim is None:
            return "already"
        try:
            message_id = await self.publish(destination, period, claim is Claim.RECOVER)
        except Exception:
            self._metrics.digest(destination.id, "failed")
            # A failed recovery stays one: the next try looks for the earlier post first.
            undo = self.ledger.interrupt if claim is Claim.RECOVER else self.ledger.release
            await asyncio.to_thread(undo, destination.id, period)
            log.exception("digest now failed", extra={"destination": destination.id, "period": period})
            return "failed"
        await asyncio.to_thread(self.ledger.complete, destination.id, period, message_id)
        log.info("digest posted now", extra={"destination": destination.id, "period": period})
        return "posted"

    async def publish(self, destination: Destination, period: str, recovering: bool = False,
                      *, scheduled: bool = False) -> str | Skip | None:
        """Post the destination's digest; with threads on, stories the channel was already
        shown get their new developments as replies in their thread instead.

        A scheduled digest with nothing new for the channel is skipped (Skip), unless one of
        its subscriptions asks to post "nothing new" (`post_when_empty`); `/digest now` always
        answers."""
        publisher = self.publishers[destination.platform]
        if recovering and isinstance(publisher, FindsPosted):
            earlier = await publisher.find_posted(destination.target, period)
            if earlier is not None:
                log.info("digest found already posted", extra={"destination": destination.id, "period": period})
                return earlier
        async with self.channel_lock(destination.memory_key):
            plan, shown = await asyncio.to_thread(self.plan, destination)
            if scheduled and not plan.stories and not destination.uses("post_when_empty"):
                return Skip("nothing new")
            threaded = self._threaded(destination, plan.stories, shown)
            fresh = [story for story in plan.stories if story.key not in threaded]
            message_id = None
            if fresh or not threaded:
                message_id = await self._publish_fresh(destination, dataclasses.replace(plan, stories=fresh), period)
            for story in plan.stories:
                if story.key in threaded:
                    reply_id = await self.reply(destination, story, threaded[story.key], story_update_text(story))
                    message_id = message_id or reply_id
        return message_id

    async def _publish_fresh(self, destination: Destination, digest: Digest, period: str) -> str | None:
        try:
            message_id = await self.publishers[destination.platform].publish(destination.target, digest, period)
        except Exception as error:  # counted failed by the scheduler, which retries it
            self._metrics.platform_error(destination.id, error)
            raise
        self._metrics.digest(destination.id, "posted")
        await self.remember(destination, digest.stories, message_id)
        return message_id

    async def reply(self, destination: Destination, story: Story, anchor: str, text: str,
                    *, breaking: bool = False) -> str | None:
        """Post `text` in the story's thread and remember it; a failed reply is logged and its
        developments stay unseen (the digest already went out: it must not count as failed)."""
        publisher = self.publishers[destination.platform]
        try:
            reply_id = await publisher.reply(destination.target, anchor, text)
        except Exception:
            log.exception("thread reply failed", extra={"destination": destination.id, "story": story.key})
            return None
        await self.remember(destination, [story], anchor, breaking=breaking)
        return reply_id

    async def remember(self, destination: Destination, stories: list[Story], message_id: str | None,
                       *, breaking: bool = False) -> None:
        """What the channel was shown (its items) and where (the message: a story's thread)."""
        now = self._clock()
        try:
            posted = [item_fingerprint(i) for story in stories for i in story.whats_new]
            await asyncio.to_thread(self.posted_items.remember, destination.memory_key, posted, now)
            for story in stories:
                await asyncio.to_thread(self.story_posts.record, destination.memory_key,
                                        [a.key for a in story.articles], message_id, now, breaking=breaking)
        except Exception:  # the post is done: a lost memory must not make it count as failed
            log.exception("could not record what was posted", extra={"destination": destination.id})

    def _threaded(self, destination: Destination, stories: list[Story],
                  shown: dict[str, ShownStory]) -> dict[str, str]:
        """story key -> the thread its developments go to: stories the channel was shown
        before, under a subscription with threads on, on a platform that can reply."""
        if not destination.uses("threads") or not self.can_reply(destination):
            return {}
        threads = {}
        for story in stories:
            subscription = destination.subscription_for(story)
            if subscription is None or not subscription.options.threads:
                continue
            anchor = shown[story.key].anchor
            if anchor is not None:
                threads[story.key] = anchor
        return threads

    def plan(self, destination: Destination) -> tuple[Digest, dict[str, ShownStory]]:
        """The destination's digest: its subscriptions' stories, through their filters and
        catch-up window, without what the channel was already shown; and, per story key, what
        the channel was shown of it (read once, for threads and the breaking lane too).

        Items the channel has been shown (by fingerprint) are dropped from each story's
        what's new; a story left with nothing new is left out.
        """
        everything = self._current_digest()
        digest = digest_for(everything, destination.topics)
        seen = self.posted_items.seen(destination.memory_key)
        stories, shown = [], {}
        for story in digest.stories:
            shown_story = self.story_posts.view(destination.memory_key, [a.key for a in story.articles])
            story = self._for_subscription(destination, self._new_to_channel(story, shown_story.shown))
            if story is None:
                continue
            unseen = filter_unseen(story.whats_new, seen)
            if unseen:
                stories.append(dataclasses.replace(story, whats_new=unseen))
                shown[story.key] = shown_story
        # Empty although stories were ingested: a quiet day, which reads "nothing new".
        return Digest(stories, digest.generated_at, digest.since, nothing_new=bool(everything.stories)), shown

    def _for_subscription(self, destination: Destination, story: Story) -> Story | None:
        """The story through the filters and catch-up window of the subscription that brings it."""
        subscription = destination.subscription_for(story)
        if subscription is None:
            return story
        since = window_start(subscription.created_at, self._catch_up_hours) if subscription.from_chat else None
        return story_for_subscription(story, subscription.options, since)

    def _new_to_channel(self, story: Story, shown: frozenset[str]) -> Story:
        """The story with what's new measured against what this channel was shown of it, not
        against the story's previous day: a channel that skipped days gets those days'
        developments, and "17 (was 12)" names the figure it saw. A story the channel was never
        shown keeps the shared what's new. Computed once per (story, what was shown)."""
        if not shown:
            return story
        cache_key = (tuple(sorted(shown)), tuple((a.key, a.content_hash) for a in story.articles))
        items = self._new_items.get(cache_key)
        if items is None:
            if len(self._new_items) >= NEW_ITEMS_CACHE:
                self._new_items.clear()
            items = self._new_items[cache_key] = whats_new_to_reader(story.articles, shown)
        return dataclasses.replace(story, whats_new=items)
