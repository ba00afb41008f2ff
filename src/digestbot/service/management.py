"""Managing the bot from chat: `/digest subscribe|unsubscribe|settings|topics|feeds ...`.

The use cases behind the management commands: one handler per typed command
(`digestbot.chat.management_commands`: built by the text parser for Slack and `digestbot
chat`, and by Discord from its options) checks who may do it, applies it to the store (each
change with its audit entry: who, when, what, before, after) and answers with a
platform-neutral Reply.

Anyone can read (settings, topics list, feeds list); changes need a platform administrator
(`CommandContext.is_admin`) or one of the configuration's `[permissions] admin_roles`.
`/digest now` counts as a change (it posts to the channel).

`/digest now` needs the running bot: `digestbot run` passes the `post_now(platform,
channel) -> status` hook (a blocking call, made from the adapters' worker thread), which posts
the channel's digest once as an extra in the exactly-once ledger. Without the hook (e.g.
`digestbot chat`) the reply says it works in the running bot.

One source of truth: subscriptions, topics and feeds live in the database; the configuration
file seeds them and pins some (`digestbot.service.seeding`), and `Management` refuses to change
a pinned entry from chat (`Pins`).
"""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from ..chat.commands import MANAGEMENT_VERBS
from ..chat.management_commands import (CommandProblem, FeedsAdd, FeedsList, FeedsRemove, ManagementCommand, PostNow,
                                        Settings, Subscribe, TopicsAdd, TopicsList, TopicsRemove, Unsubscribe,
                                        parse_management)
from ..domain.models import CommandContext, FeedState, Reply, ReplySection, ScheduleError, Topic
from ..domain.ports import FeedHealth, FeedReader, ManagementStore, NextFireTime
from ..domain.records import AuditEntry, Delivery, SubscriptionOptions
from .catalogue import TopicsAndFeeds
from .seeding import Pins
from .subscription_options import cron_from, options_from
from .words import describe_schedule, topic_label, utc_time

DEFAULT_CRON = "0 8 * * *"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_CATCH_UP_HOURS = 24.0
RECENT_CHANGES = 5

#: Who asks when a caller passes no context: may read, may not change anything.
ANONYMOUS = CommandContext("unknown", "unknown", "someone", is_admin=False)


# --- words for people ---------------------------------------------------------------------


def _in(delta_seconds: float) -> str:
    minutes = max(0, int(delta_seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + ([f"{mins} min"] if not days and (mins or not hours) else [])
    return "in " + " ".join(parts)


class _NotPolled:
    """FeedHealth when no poller's state was given: no feed was fetched."""

    def load(self, url: str) -> FeedState:
        return FeedState(url)


_NOT_POLLED = _NotPolled()


# --- the use cases -----------------------------------------------------------------------


class Management(TopicsAndFeeds):
    """Parse + permission check + apply + reply for `/digest <management verb> ...`."""

    def __init__(
        self,
        store: ManagementStore,
        *,
        next_fire: NextFireTime,
        admin_roles: Iterable[str] = (),
        feed_reader: FeedReader | None = None,
        feed_health: FeedHealth | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        post_now: Callable[[str, str], str] | None = None,
        catch_up: Callable[[str, str], str] | None = None,
        pins: Pins | None = None,
        deliveries: Callable[[str, str], list[Delivery]] | None = None,
    ):
        self.store = store
        self.pins = pins or Pins()  # what the configuration file pinned: chat cannot change it
        # (platform, channel) -> "posted" | "already" | "none" | "started" | "failed";
        # given by `digestbot run` (bootstrap, through run/relay.py).
        self.post_now = post_now
        # (platform, channel) -> status: a first subscription's catch-up digest, posted at
        # once by the running bot; and how far back it reaches.
        self.catch_up = catch_up
        self.catch_up_hours = DEFAULT_CATCH_UP_HOURS
        self.admin_roles = tuple(admin_roles)
        self._feed_reader = feed_reader
        self._feed_health = feed_health
        self._clock = clock
        self._next_fire = next_fire  # cron arithmetic: APScheduler's, which only run/ imports
        # (platform, channel) -> the channel's latest digests from the ledger, newest first
        self._deliveries = deliveries

    @property
    def feed_reader(self) -> FeedReader:
        """How `/digest feeds add` reads a feed before storing it (bootstrap passes one over the
        safe fetcher); without one, no feed can be checked and none is added."""
        if self._feed_reader is None:
            raise CommandProblem("Feed not added", "Feeds cannot be checked here; add them in the running bot.",
                                 "Nothing was stored.")
        return self._feed_reader

    @property
    def feed_health(self) -> FeedHealth:
        """The feeds' polling state (bootstrap passes the database's); without it nothing was
        polled, and every feed reads as not fetched yet."""
        return self._feed_health or _NOT_POLLED

    def topics(self) -> list[Topic]:
        """Every topic the command layer knows: the configuration's (seeded) and chat's."""
        return [stored.topic for stored in self.store.topics()]

    # --- the entry point ----------------------------------------------------------------

    def handle(self, command: str | ManagementCommand, context: CommandContext | None = None) -> Reply:
        """The reply to one management command, typed or as text (`/digest <management verb>
        ...`, parsed by `parse_management`)."""
        context = context or ANONYMOUS
        try:
            if isinstance(command, str):
                command = parse_management(command)
            if command.changes:
                self._check_allowed(command.action, context)
            reply = self._handlers[type(command)](command, context)
        except CommandProblem as problem:
            return Reply(title=problem.title, sections=[ReplySection(None, problem.lines)], ok=False)
        return replace(reply, ephemeral=not command.public)

    @property
    def _handlers(self) -> dict[type, Callable[[ManagementCommand, CommandContext], Reply]]:
        return {
            Subscribe: self._subscribe, Unsubscribe: self._unsubscribe, Settings: self._settings,
            PostNow: self._now, TopicsAdd: self._topics_add, TopicsList: self._topics_list,
            TopicsRemove: self._topics_remove, FeedsAdd: self._feeds_add, FeedsList: self._feeds_list,
            FeedsRemove: self._feeds_remove,
        }

    def _check_allowed(self, action: str, context: CommandContext) -> None:
        if context.is_admin or set(context.roles) & set(self.admin_roles):
            return
        who = "workspace or server administrators"
        if self.admin_roles:
            who += " and members of " + ", ".join(self.admin_roles)
        raise CommandProblem(f"Not allowed: /digest {action} changes settings",
                       f"Only {who} can do that.",
                       "Anyone can read: /digest settings, /digest topics list, /digest feeds list.")

    def _refuse_if_pinned(self, command: ManagementCommand, context: CommandContext) -> None:
        """Refuse changing or removing what the configuration file pinned (`Pins`)."""
        if not self.pins:
            return
        if isinstance(command, (Subscribe, Unsubscribe)):
            what, lines = self._pinned_subscriptions(command, context)
        elif isinstance(command, TopicsRemove):
            name = command.name.lstrip("/").lower()
            what, lines = (f"/{name}" if name in self.pins.topics else None), []
        else:
            what, lines = self._pinned_feed(command), []
        if what is not None:
            raise CommandProblem(f"Not changed: {what} is pinned",
                                 f"{what} is pinned by the operators in the configuration file; ask them to change it.",
                                 *lines)

    def _pinned_subscriptions(self, command: Subscribe | Unsubscribe,
                              context: CommandContext) -> tuple[str | None, list[str]]:
        """What of this channel's pinned subscriptions the command would change, and a hint."""
        mine = {t for (p, c, t) in self.pins.subscriptions if (p, c) == (context.platform, context.channel)}
        if command.topic is not None:
            asked = {command.topic.lstrip("/").lower()}
        else:  # subscribe: all stories; unsubscribe: everything
            asked = {"*"} if isinstance(command, Subscribe) else set(mine)
        hit = sorted(mine & {"*" if t in {"all", "*"} else t for t in asked})
        if not hit:
            return None, []
        what = " and ".join(topic_label(t) for t in hit) + " in this channel"
        lines = []
        if isinstance(command, Unsubscribe) and command.topic is None and set(mine) != {
                s.topic for s in self.store.subscriptions(context.platform, context.channel)}:
            lines.append("Unsubscribe the other topics by name: /digest unsubscribe TOPIC.")
        return what, lines

    def _audit(self, context: CommandContext, action: str, summary: str) -> AuditEntry:
        return AuditEntry(self._clock(), context.platform, context.channel, context.user, action, summary, None, None)

    def _topic_names(self) -> list[str]:
        return [t.name for t in self.topics()]

    def _known_topic(self, word: str, *, allow_all: bool) -> str:
        name = word.lstrip("/").lower()
        if allow_all and name in {"all", "*"}:
            return "*"
        names = self._topic_names()
        if name not in names:
            listed = ", ".join(f"/{n}" for n in sorted(names)) or "none yet"
            raise CommandProblem(f"Unknown topic: {word[:40]}", f"Topics: {listed}" + ("; or all." if allow_all else "."),
                           "Add one with /digest topics add NAME KEYWORD...")
        return name

    # --- subscriptions -------------------------------------------------------------------

    def _subscribe(self, command: Subscribe, context: CommandContext) -> Reply:
        self._refuse_if_pinned(command, context)
        usage = MANAGEMENT_VERBS["subscribe"]
        topic = "*" if command.topic is None else self._known_topic(command.topic, allow_all=True)
        existing = {s.topic: s for s in self.store.subscriptions(context.platform, context.channel)}
        before_sub = existing.get(topic)
        cron = cron_from(command, usage)
        zone = command.tz
        if before_sub is not None:  # what is not given stays as it was
            cron = cron or before_sub.cron
            zone = zone or before_sub.timezone
        cron, zone = cron or DEFAULT_CRON, zone or DEFAULT_TIMEZONE
        options = options_from(command, before_sub.options if before_sub else SubscriptionOptions(), usage)
        next_due = self._next_due(cron, zone)
        description = describe_schedule(cron, zone)
        extras = options.describe()
        summary = f"subscribed to {topic_label(topic)}, {description}" + "".join(f"; {e}" for e in extras)
        before, _after = self.store.save_subscription(
            context.platform, context.channel, topic, cron, zone, self._audit(context, "subscribe", summary),
            options=options)
        lines = [f"This channel gets {topic_label(topic)} {description}."]
        lines += [extra[:1].upper() + extra[1:] + "." for extra in extras]
        lines.append(f"Next digest: {next_due:%a %d %b %H:%M %Z} ({_in((next_due - self._clock()).total_seconds())}).")
        if before is not None:
            lines.append(f"Before: {describe_schedule(before.cron, before.timezone)}"
                         + "".join(f"; {e}" for e in before.options.describe()) + ".")
        elif not existing:
            lines.append(self._catch_up(context))
        return Reply(title="Subscribed" if before is None else "Subscription changed",
                     sections=[ReplySection(None, lines)])

    def _catch_up(self, context: CommandContext) -> str:
        """A channel's first subscription: one catch-up digest of at most the window, now
        (in the running bot) or else at the first scheduled time."""
        window = f"the last {self.catch_up_hours:g} hours"
        status = None
        if self.catch_up is not None:
            try:
                status = self.catch_up(context.platform, context.channel)
            except Exception:  # noqa: BLE001 - the subscription stands; the digest comes on schedule
                status = "failed"
        if status in {"posted", "started"}:
            return f"A catch-up digest of {window} was posted now."
        return f"The first digest covers at most {window}."

    def _next_due(self, cron: str, zone: str) -> datetime:
        try:
            fire = self._next_fire(cron, zone, self._clock())
        except ScheduleError as error:
            hint = ("Time zones are IANA names such as Europe/Berlin, Asia/Seoul or UTC."
                    if "time zone" in str(error) else
                    'Cron has 5 fields: minute hour day month weekday, e.g. cron "30 7 * * 1-5".')
            message = str(error)[:200]
            raise CommandProblem(message[:1].upper() + message[1:], hint) from None
        if fire is None:
            raise CommandProblem(f'Cron "{cron}" never fires', "That date does not exist (like 31 February).",
                           'Example: cron "30 7 * * 1-5" is 07:30 on weekdays.')
        return fire

    def _unsubscribe(self, command: Unsubscribe, context: CommandContext) -> Reply:
        self._refuse_if_pinned(command, context)
        topic = None
        if command.topic is not None:
            word = command.topic.lstrip("/").lower()
            topic = "*" if word in {"all", "*"} else word
        label = topic_label(topic) if topic else "everything"
        removed = self.store.remove_subscriptions(
            context.platform, context.channel, topic,
            self._audit(context, "unsubscribe", f"unsubscribed from {label}"))
        if not removed:
            raise CommandProblem(f"Not subscribed to {label}", "See /digest settings for what this channel gets.")
        lines = [f"No more {topic_label(s.topic)} ({describe_schedule(s.cron, s.timezone)})." for s in removed]
        return Reply(title="Unsubscribed", sections=[ReplySection(None, lines)])

    def _settings(self, command: Settings, context: CommandContext) -> Reply:
        if context.platform == ANONYMOUS.platform:
            raise CommandProblem("Settings are per channel", "Ask in the channel whose settings you want to see.")
        now = self._clock()
        lines = []
        for sub in self.store.subscriptions(context.platform, context.channel):
            line = f"{topic_label(sub.topic)}: {describe_schedule(sub.cron, sub.timezone)}"
            line += "".join(f"; {extra}" for extra in sub.options.describe())
            if (sub.platform, sub.channel, sub.topic) in self.pins.subscriptions:
                line += "; pinned by the operators"
            try:
                fire = self._next_fire(sub.cron, sub.timezone, now)
            except ScheduleError:
                fire = None
            if fire is not None:
                line += f"; next digest {fire:%a %d %b %H:%M %Z} ({_in((fire - now).total_seconds())})"
            lines.append(line)
        if not lines:
            lines = ["This channel gets no digest yet.",
                     "An administrator can start one: /digest subscribe all daily 08:00 tz UTC"]
        sections = [ReplySection("This channel gets", lines)]
        changes = [f"{utc_time(e.at)}, {e.user}: {e.summary}"
                   for e in self.store.audit(context.platform, context.channel, RECENT_CHANGES)]
        if changes:
            sections.append(ReplySection("Last changes", changes))
        delivered = self._deliveries(context.platform, context.channel) if self._deliveries else []
        if delivered:  # per channel here and in the logs; /metrics counts by platform only
            sections.append(ReplySection("Last digests", [
                f"{d.period}: {d.status} ({utc_time(d.at)})" for d in delivered]))
        where = context.platform if context.channel == context.platform else f"{context.platform} {context.channel}"
        return Reply(title=f"Settings for {where}", sections=sections)

    def _now(self, command: PostNow, context: CommandContext) -> Reply:
        if context.platform == ANONYMOUS.platform:
            raise CommandProblem("/digest now is per channel", "Ask in the channel that should get the digest.")
        if self.post_now is None:
            raise CommandProblem("/digest now works in the running bot",
                           "It posts this channel's digest through `digestbot run`; here, /digest shows "
                           "the top stories.")
        try:
            status = self.post_now(context.platform, context.channel)
        except Exception:  # noqa: BLE001 - a slow or failing post is still a reply
            status = "failed"
        if status == "none":
            raise CommandProblem("This channel gets no digest",
                           "An administrator can start one: /digest subscribe all daily 08:00 tz UTC")
        if status == "failed":
            raise CommandProblem("The digest could not be posted now", "Try again in a minute.")
        lines = {
            "posted": ["This channel's digest was posted now, as an extra: the scheduled one still comes."],
            "already": ["This channel's digest was already posted this minute: not posted twice."],
        }.get(status, ["This channel's digest is being posted."])
        title = {"posted": "Digest posted", "already": "Digest already posted"}.get(status, "Posting the digest")
        return Reply(title=title, sections=[ReplySection(None, lines)])
