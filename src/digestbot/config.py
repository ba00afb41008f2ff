"""The TOML configuration file: topics, feeds, destinations. Validated with errors that name
the file, the key and the problem. Secrets never come from here, only from the environment."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from .chat.commands import MAX_TOPICS, TOPIC_NAME_RULE, topic_name_problem
from .domain.records import SubscriptionOptions
from .stories.delivery import parse_breaking
from .domain.models import Topic
from .redaction import redact_credentials


class ConfigError(Exception):
    """One line naming the file, the key and the problem."""


class TopicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: str = Field(min_length=1, max_length=200)
    keywords: list[str] = Field(default_factory=list)
    # Ops-pinned: re-applied at every start, and chat cannot change or remove it.
    pinned: bool = False

    @field_validator("name", mode="before")
    @classmethod
    def _lower(cls, name: object) -> object:
        return name.lower() if isinstance(name, str) else name

    @field_validator("name")
    @classmethod
    def _slash_command(cls, name: str) -> str:
        problem = topic_name_problem(name)  # the name is its slash command on every platform
        if problem is not None:
            raise ValueError(f"{problem} (a topic's name is its slash command: {TOPIC_NAME_RULE})")
        return name

    def to_topic(self) -> Topic:
        return Topic(self.name, self.title, tuple(self.keywords))


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://")
    every: str = Field(default="15m", pattern=r"^\d+[smhd]$")
    topics: list[str] = Field(default_factory=list)
    pinned: bool = False  # re-applied at every start; chat cannot change or remove it

    @property
    def topic(self) -> str | None:
        """The topic the store keeps for the feed: the first one listed."""
        return self.topics[0] if self.topics else None


class DestinationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: Literal["slack", "discord", "discord-webhook", "console"]
    channel: str | None = None
    webhook: str | None = None
    cron: str = "0 8 * * *"
    timezone: str = "UTC"
    topics: list[str] = Field(default_factory=lambda: ["*"])
    pinned: bool = False  # its subscriptions are re-applied at every start; chat cannot change them
    # What `/digest subscribe` can also set (see digestbot.stories.delivery), for each of its topics.
    include: list[str] = Field(default_factory=list, max_length=20)
    exclude: list[str] = Field(default_factory=list, max_length=20)
    sources: list[str] = Field(default_factory=list, max_length=20)
    skip_sources: list[str] = Field(default_factory=list, max_length=20)
    threads: bool = False
    breaking: str = "off"  # on (hourly per story), off, or an interval such as 30m or 2h
    post_when_empty: bool = False  # on a quiet day post "nothing new" instead of skipping the digest

    @field_validator("include", "exclude", "sources", "skip_sources")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        cleaned = [" ".join(w.split()) for w in words]
        if any(not w or len(w) > 80 for w in cleaned):
            raise ValueError("each entry is a word or name of 1 to 80 characters")
        return list(dict.fromkeys(cleaned))

    @field_validator("breaking")
    @classmethod
    def _interval(cls, value: str) -> str:
        parse_breaking(value)  # ValueError names the problem
        return value

    def options(self) -> SubscriptionOptions:
        return SubscriptionOptions(tuple(self.include), tuple(self.exclude), tuple(self.sources),
                                   tuple(self.skip_sources), self.threads, parse_breaking(self.breaking),
                                   self.post_when_empty)

    @property
    def store_channel(self) -> str:
        """The channel the database keys this destination's subscriptions by. A webhook URL
        is a secret: only a digest of it names the destination."""
        if self.webhook:
            return "webhook:" + hashlib.sha256(self.webhook.encode()).hexdigest()[:12]
        return self.channel or "stdout"

    def describe(self) -> str:
        """The destination in words that never show a webhook URL."""
        if self.webhook:
            return f"{self.platform} {self.store_channel}"
        return f"{self.platform} channel {self.channel or 'stdout'}"

    @model_validator(mode="after")
    def _schedule_is_usable(self, info: ValidationInfo) -> DestinationConfig:
        check_schedule = (info.context or {}).get("check_schedule")
        if check_schedule is not None:
            check_schedule(self.cron, self.timezone)  # raises ScheduleError (a ValueError)
        if self.platform == "discord-webhook" and not (self.webhook or "").startswith("https://"):
            raise ValueError("discord-webhook needs webhook = \"https://...\"")
        if self.platform in {"slack", "discord"} and not self.channel:
            raise ValueError(f"{self.platform} needs channel = \"<channel id>\"")
        return self


class PermissionsConfig(BaseModel):
    """Who may change settings from chat besides workspace / server administrators."""

    model_config = ConfigDict(extra="forbid")
    admin_roles: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("admin_roles")
    @classmethod
    def _role_names(cls, roles: list[str]) -> list[str]:
        cleaned = []
        for role in roles:
            name = role.strip()
            if not name or len(name) > 100:
                raise ValueError("each role is a name of 1 to 100 characters")
            cleaned.append(name)
        return cleaned


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topics: list[TopicConfig] = Field(default_factory=list)
    feeds: list[FeedConfig] = Field(default_factory=list)
    destinations: list[DestinationConfig] = Field(default_factory=list)
    permissions: PermissionsConfig = Field(default_factory=PermissionsConfig)

    def topic_models(self) -> list[Topic]:
        return [t.to_topic() for t in self.topics]


def _first_error(path: str, error: ValidationError) -> ConfigError:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    return ConfigError(f"{path}: {key}: {first['msg']}")


# Whether a cron fires is APScheduler's to say, and only `run/scheduling.py` imports it: the
# configuration is read by modules below `run/`, so the check comes in from bootstrap and the CLI.
ScheduleCheck = Callable[[str, str], object]  # (cron, time zone); raises a ValueError naming the problem


def parse_config(text: str, path: str, check_schedule: ScheduleCheck | None = None) -> AppConfig:
    """The configuration in `text`; `check_schedule` checks each destination's cron and zone
    (`digestbot.run.scheduling.check_schedule`; without it only their shape is read)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        config = AppConfig.model_validate(data, context={"check_schedule": check_schedule})
    except ValidationError as exc:
        raise _first_error(path, exc) from None
    names = [t.name for t in config.topics]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: topics: name {duplicates[0]!r} is used twice")
    if len(names) > MAX_TOPICS:
        raise ConfigError(f"{path}: topics: {len(names)} topics, but at most {MAX_TOPICS} can have slash "
                          "commands (Slack takes 50 commands an app, /digest included)")
    _check_topics_defined(config, path)
    _check_destinations(config, path)
    _check_pins(config, path)
    return config


def _check_topics_defined(config: AppConfig, path: str) -> None:
    """Feeds and destinations name topics of this file (or "*"): a subscription to a topic
    nobody defined would get an empty digest forever."""
    defined = {t.name for t in config.topics}
    for kind, entries in (("feeds", config.feeds), ("destinations", config.destinations)):
        for i, entry in enumerate(entries):
            for topic in entry.topics:
                if topic != "*" and topic.lower() not in defined:
                    where = entry.describe() if kind == "destinations" else f"feed {redact_credentials(entry.url)}"
                    raise ConfigError(f"{path}: {kind}.{i}.topics: {where} names topic {topic!r}, which no "
                                      f"[[topics]] entry defines (defined: {', '.join(sorted(defined)) or 'none'})")


def _check_destinations(config: AppConfig, path: str) -> None:
    """One schedule per channel and topic: the database keeps one subscription for each
    (platform, channel, topic), so a second entry for the same one is a mistake to report,
    not a choice to guess at."""
    first: dict[tuple[str, str, str], int] = {}
    for i, dest in enumerate(config.destinations):
        for topic in dest.topics:
            key = (dest.platform, dest.store_channel, topic)
            if key in first and first[key] != i:
                what = "all stories" if topic == "*" else f"topic {topic!r}"
                raise ConfigError(
                    f"{path}: destinations.{i}.topics: {dest.describe()} already gets {what} from "
                    f"destinations.{first[key]}; give each channel and topic one entry (one schedule)")
            first.setdefault(key, i)


def _check_pins(config: AppConfig, path: str) -> None:
    """A pinned feed or destination names only pinned topics (or "*"): what is re-applied at
    every start must not depend on a topic chat can remove."""
    pinned_topics = {t.name for t in config.topics if t.pinned}
    for kind, entries in (("feeds", config.feeds), ("destinations", config.destinations)):
        for i, entry in enumerate(entries):
            if not entry.pinned:
                continue
            for topic in entry.topics:
                if topic != "*" and topic.lower() not in pinned_topics:
                    raise ConfigError(
                        f"{path}: {kind}.{i}.topics: pinned, but topic {topic!r} is not a pinned [[topics]] "
                        f"entry; add it with pinned = true, or unpin this entry")


def load_config(path: Path | None, check_schedule: ScheduleCheck | None = None) -> AppConfig:
    """The given file, else the embedded default topics of the seed corpus."""
    if path is None:
        text = resources.files("digestbot.seeds").joinpath("topics.toml").read_text("utf-8")
        return parse_config(text, "embedded default topics", check_schedule)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc.strerror or exc})") from None
    return parse_config(text, str(path), check_schedule)
