"""What new and edited articles set off between digests, and feed health notices.

- The breaking lane: followed stories' new developments are posted at once, for subscriptions
  with `breaking_minutes` on, at most once per story per interval; the next digest does not
  repeat them.
- What changed: an edited article gets a "what changed" reply in the thread of each channel
  (threads on) that was shown it, never a repost.
- Feed notices: a feed failing `failures_before_notice` times in a row is announced once in the
  channels using it, and once when it recovers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ..domain.models import Article, FeedState, Story
from ..domain.ports import FeedStateStore, Notifies
from ..domain.records import UpsertOutcome
from ..present.render import revision_text, story_update_text
from ..redaction import redact_credentials
from ..stories.novelty import revision
from .destinations import Destination
from .posting import Posting

log = logging.getLogger("digestbot.service.lanes")


def health_notice(state: FeedState, notified_down: bool, threshold: int) -> str | None:
    """What to announce about a feed after a poll: "down" once it has failed `threshold`
    times in a row and nobody was told yet, "up" when it works again after that, else None."""
    if state.failures >= threshold and not notified_down:
        return "down"
    if state.failures == 0 and notified_down:
        return "up"
    return None


def notice_text(url: str, change: str, state: FeedState) -> str:
    shown = redact_credentials(url)  # the channel may not see a configuration file's password
    if change == "up":
        return f"Feed {shown} works again."
    return (f"Feed {shown} is failing: {redact_credentials(state.last_error or 'unknown error')} "
            f"({state.failures} failures in a row). It is retried less often from now on; "
            "this channel is told when it works again.")


class Lanes:
    """The breaking lane, what-changed replies and feed notices, over `Posting`."""

    def __init__(self, posting: Posting, feed_health: FeedStateStore, *, failures_before_notice: int,
                 clock: Callable[[], datetime]):
        self.posting = posting
        self._feed_health = feed_health
        self._failures_before_notice = failures_before_notice
        self._clock = clock
        self._revisions: list[tuple[Article, Article]] = []  # edited articles from the last polls
        self._new_articles = False  # whether the last polls stored any new article

    def note(self, report) -> None:
        """What an ingest stored: its edited articles and whether anything was new."""
        self._revisions.extend(report.revisions)
        self._new_articles = self._new_articles or bool(report.outcomes.get(UpsertOutcome.CREATED))

    async def after_ingest(self) -> None:
        """What the articles noted since the last call set off: "what changed" replies and
        the breaking lane."""
        revisions, self._revisions = self._revisions, []
        new_articles, self._new_articles = self._new_articles, False
        if revisions:
            await self._announce_revisions(revisions)
        if new_articles:
            await self._breaking()

    # --- feed health notices -----------------------------------------------------------------

    async def feed_notice(self, url: str) -> None:
        """Tell the channels using a feed, once, that it keeps failing; and once that it is back.

        Whether the failure was announced is kept in the database (`notified_down`), so a
        restart neither repeats nor forgets it. It is marked before posting: a notice that
        cannot be delivered is not retried (at most once), the feed itself still is.
        """
        state = await asyncio.to_thread(self._feed_health.load, url)
        notified = await asyncio.to_thread(self._feed_health.notified_down, url)
        change = health_notice(state, notified, self._failures_before_notice)
        if change is None:
            return
        await asyncio.to_thread(self._feed_health.set_notified_down, url, change == "down")
        text = notice_text(url, change, state)
        log.info("feed health notice", extra={"feed": url, "change": change})
        for destination in self._feed_channels(url):
            try:
                await self.posting.publishers[destination.platform].notify(destination.target, text)
            except Exception:
                log.exception("feed health notice failed", extra={"destination": destination.id, "feed": url})

    def _feed_channels(self, url: str) -> list[Destination]:
        """One destination per channel whose subscriptions use the feed (its topic, or all
        stories; a feed without a topic: the channels subscribed to all) and can be notified."""
        topic = self.posting.destinations.feed_topics.get(url)
        channels: dict[tuple[str, str], Destination] = {}
        for destination in self.posting.destinations.values():
            if not ("*" in destination.topics or (topic is not None and topic in destination.topics)):
                continue
            if not isinstance(self.posting.publishers.get(destination.platform), Notifies):
                continue
            channels.setdefault((destination.platform, destination.target), destination)
        return list(channels.values())

    # --- the breaking lane ---------------------------------------------------------------------

    async def _breaking(self) -> None:
        for destination in self.posting.destinations.values():
            if not destination.uses("breaking_minutes"):
                continue
            try:
                await self._post_breaking(destination)
            except Exception:
                log.exception("breaking post failed", extra={"destination": destination.id})

    async def _post_breaking(self, destination: Destination) -> None:
        async with self.posting.channel_lock(destination.memory_key):
            plan, shown = await asyncio.to_thread(self.posting.plan, destination)
            now = self._clock()
            for story in plan.stories:
                subscription = destination.subscription_for(story)
                minutes = subscription.options.breaking_minutes if subscription else None
                anchor, last = shown[story.key].anchor, shown[story.key].last_breaking
                if not minutes or anchor is None:  # off, or not followed: the channel never saw it
                    continue
                if last is not None and now - last < timedelta(minutes=minutes):
                    continue
                text = story_update_text(story, heading="Breaking")
                if subscription.options.threads and self.posting.can_reply(destination):
                    await self.posting.reply(destination, story, anchor, text, breaking=True)
                else:
                    await self._notify_breaking(destination, story, text)

    async def _notify_breaking(self, destination: Destination, story: Story, text: str) -> None:
        try:
            await self.posting.publishers[destination.platform].notify(destination.target, text)
        except Exception:
            log.exception("breaking post failed", extra={"destination": destination.id, "story": story.key})
            return
        await self.posting.remember(destination, [story], None, breaking=True)
        log.info("breaking news posted", extra={"destination": destination.id, "story": story.key})

    # --- what changed --------------------------------------------------------------------------

    async def _announce_revisions(self, revisions: list[tuple[Article, Article]]) -> None:
        """An edited article: a "what changed" reply in the thread of each channel (threads on)
        that was shown it, never a repost: its developments now count as shown there."""
        channels = {d.memory_key: d for d in self.posting.destinations.values()
                    if d.uses("threads") and self.posting.can_reply(d)}
        for old, new in revisions:
            change = revision(old, new)
            if not change:
                continue
            for destination in channels.values():
                await self._reply_what_changed(destination, old, new, revision_text(new, change))

    async def _reply_what_changed(self, destination: Destination, old: Article, new: Article, text: str) -> None:
        anchor = await asyncio.to_thread(self.posting.story_posts.anchor, destination.memory_key, [old.key])
        if anchor is None:  # the channel was never shown it
            return
        async with self.posting.channel_lock(destination.memory_key):
            plan, _shown = await asyncio.to_thread(self.posting.plan, destination)
            await self.posting.reply(destination, edited_story(plan.stories, old, new), anchor, text)


def edited_story(stories: list[Story], old: Article, new: Article) -> Story:
    """The story holding the edited article, with only the developments it brings (what the
    reply shows the channel); the article alone when no story holds it any more."""
    for story in stories:
        if any(a.key == old.key for a in story.articles):
            return dataclasses.replace(story, whats_new=[
                i for i in story.whats_new if any(r.article_key == old.key for r in i.sources)])
    return Story(old.key, new.title, [new])
