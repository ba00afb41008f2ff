"""The topics and feeds handlers of `Management`: `/digest topics add|list|remove` and
`/digest feeds add|list|remove`. A mixin: `Management` holds the store, the pins, the
feed reader and the audit helpers these use."""

from __future__ import annotations

from ..chat.commands import MAX_TOPICS, TOPIC_NAME_RULE, topic_name_problem
from ..chat.management_commands import (MAX_KEYWORD_CHARS, MAX_KEYWORDS, CommandProblem, FeedsAdd, FeedsList,
                                        FeedsRemove, TopicsAdd, TopicsList, TopicsRemove)
from ..domain.models import CommandContext, InputError, NotAFeed, Reply, ReplySection, Topic
from ..redaction import has_credentials, redact_credentials
from .fetch_words import WORDS, fetch_words
from .words import utc_time

MAX_URL_CHARS = 2000
DEFAULT_FEED_EVERY = "15m"


class TopicsAndFeeds:
    """One handler per topics and feeds command."""

    # --- topics ----------------------------------------------------------------------------

    def _topics_add(self, command: TopicsAdd, context: CommandContext) -> Reply:
        name, keywords = command.name.lstrip("/").lower(), list(command.keywords)
        problem = topic_name_problem(name)
        if problem is not None:
            raise CommandProblem(problem[:1].upper() + problem[1:], f"A topic's name is its slash command: {TOPIC_NAME_RULE}.")
        if len(keywords) > MAX_KEYWORDS:
            raise CommandProblem(f"Too many keywords: {len(keywords)}", f"A topic takes at most {MAX_KEYWORDS} keywords.")
        bad = next((k for k in keywords if not k or len(k) > MAX_KEYWORD_CHARS), None)
        if bad is not None:
            raise CommandProblem("Keyword too long" if bad else "Empty keyword",
                           f"Each keyword has 1 to {MAX_KEYWORD_CHARS} characters.")
        keywords = list(dict.fromkeys(keywords))
        names = self._topic_names()
        if name in names:
            raise CommandProblem(f"/{name} exists already", "See /digest topics list; remove it first to change it.")
        if len(names) >= MAX_TOPICS:
            raise CommandProblem(f"Topic not added: the limit is {MAX_TOPICS} topics",
                           f"Each topic is a slash command, and Slack and Discord take only so many; there are "
                           f"{len(names)}. Remove one first: /digest topics remove NAME.")
        topic = Topic(name, ", ".join(keywords[:3])[:200], tuple(keywords))
        summary = f"added topic /{name} ({', '.join(keywords)})"
        if not self.store.add_topic(topic, self._audit(context, "topics.add", summary)):
            raise CommandProblem(f"/{name} exists already", "See /digest topics list.")
        return Reply(title=f"Added topic /{name}", sections=[ReplySection(None, [
            f"Keywords: {', '.join(keywords)}.",
            f"Ask /{name} facts, /{name} new; subscribe with /digest subscribe {name}."])])

    def _topics_list(self, command: TopicsList, context: CommandContext) -> Reply:
        lines = []
        for stored in self.store.topics():
            origin = "configuration file" if stored.origin == "config" else f"added by {stored.created_by}"
            lines.append(f"/{stored.topic.name}: {stored.topic.title}; keywords: "
                         f"{', '.join(stored.topic.keywords) or 'none'} ({origin})")
        return Reply(title="Topics", sections=[ReplySection(None, lines or ["No topics yet."])])

    def _topics_remove(self, command: TopicsRemove, context: CommandContext) -> Reply:
        self._refuse_if_pinned(command, context)
        name = command.name.lstrip("/").lower()
        removed = self.store.remove_topic(name, self._audit(context, "topics.remove", f"removed topic /{name}"))
        if removed is None:
            self._known_topic(name, allow_all=False)  # raises the helpful reply
            raise CommandProblem(f"Unknown topic: {name[:40]}")
        _stored, subscriptions = removed
        lines = [f"/{name} is gone."]
        if subscriptions:
            lines.append(f"{subscriptions} subscription(s) to it were removed too.")
        return Reply(title=f"Removed topic /{name}", sections=[ReplySection(None, lines)])

    # --- feeds -------------------------------------------------------------------------------

    def _feeds_add(self, command: FeedsAdd, context: CommandContext) -> Reply:
        url = command.url
        if has_credentials(url):  # never echoed, never stored, never logged
            raise CommandProblem("Feed URLs with credentials are refused",
                           "Remove the user:password@ part; private feeds are not supported.")
        if len(url) > MAX_URL_CHARS:
            raise CommandProblem(f"URL too long: at most {MAX_URL_CHARS} characters")
        topic = self._known_topic(command.topic, allow_all=False) if command.topic is not None else None
        try:
            self.feed_reader.check_url(url)
        except InputError as error:
            raise CommandProblem("Not a feed URL", fetch_words(error)) from None
        known = next((f for f in self.store.feeds() if f.url == url), None)
        if known is not None:
            raise CommandProblem(f"Already a feed: #{known.id}", "See /digest feeds list.")
        entries = self._check_feed(url)
        summary = f"added feed {url}" + (f" for /{topic}" if topic else "")
        feed = self.store.add_feed(url, DEFAULT_FEED_EVERY, topic, self._audit(context, "feeds.add", summary))
        if feed is None:
            raise CommandProblem("Already a feed", "See /digest feeds list.")
        lines = [f"{url}: {entries} entries now; checked every {feed.every}."]
        if topic:
            lines.append(f"Its articles count for /{topic} first.")
        return Reply(title=f"Added feed #{feed.id}", sections=[ReplySection(None, lines)])

    def _check_feed(self, url: str) -> int:
        """Read the URL once as a feed: its number of entries, or a CommandProblem."""
        try:
            sample = self.feed_reader.sample(url)
        except InputError as error:
            raise CommandProblem("Feed not added", fetch_words(error), "Nothing was stored.") from None
        except Exception:  # noqa: BLE001 - a fetcher failing in an unexpected way is still a reply
            raise CommandProblem("Feed not added", "could not fetch it", "Nothing was stored.") from None
        if not sample.entries:
            problem = fetch_words(sample.problems[0]) if sample.problems else WORDS[NotAFeed]
            raise CommandProblem("Feed not added", problem, "Nothing was stored.")
        return sample.entries

    def _feeds_list(self, command: FeedsList, context: CommandContext) -> Reply:
        lines = []
        for feed in self.store.feeds():
            head = f"#{feed.id} {redact_credentials(feed.url)} (every {feed.every}"
            head += f", /{feed.topic})" if feed.topic else ")"
            state = self.feed_health.load(feed.url)
            if state.last_success is None and state.last_error is None:
                health = "not fetched yet"
            else:
                health = f"last success {utc_time(state.last_success)}; {state.items_seen} items seen"
                if state.last_error:
                    health += f"; last error: {state.last_error}"
                    if state.failures:
                        health += f" ({state.failures} failures in a row)"
            lines.append(f"{head}: {redact_credentials(health)}")
        return Reply(title="Feeds", sections=[ReplySection(None, lines or [
            "No feeds yet.", "An administrator can add one: /digest feeds add URL [TOPIC]"])])

    def _feeds_remove(self, command: FeedsRemove, context: CommandContext) -> Reply:
        self._refuse_if_pinned(command, context)
        if not command.feed.lstrip("#").isdigit():
            raise CommandProblem("Name the feed by its number", "See /digest feeds list; e.g. /digest feeds remove 3.")
        feed_id = int(command.feed.lstrip("#"))
        removed = self.store.remove_feed(feed_id, self._audit(context, "feeds.remove", f"removed feed #{feed_id}"))
        if removed is None:
            raise CommandProblem(f"No feed #{feed_id}", "See /digest feeds list.")
        return Reply(title=f"Removed feed #{feed_id}", sections=[ReplySection(None, [redact_credentials(removed.url)])])

    def _pinned_feed(self, command: FeedsRemove) -> str | None:
        if not command.feed.lstrip("#").isdigit():
            return None
        feed_id = int(command.feed.lstrip("#"))
        feed = next((f for f in self.store.feeds() if f.id == feed_id), None)
        return f"Feed #{feed_id}" if feed is not None and feed.url in self.pins.feeds else None
