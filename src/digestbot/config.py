"""The TOML configuration file: topics, feeds, destinations. Validated with errors that name
the file, the key and the problem. Secrets never come from here, only from the environment."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .models import Topic

_TOPIC_NAME = r"^[a-z][a-z0-9_-]{0,31}$"


class ConfigError(Exception):
    """One line naming the file, the key and the problem."""


class TopicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=_TOPIC_NAME)
    title: str = Field(min_length=1, max_length=200)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _lower(cls, name: object) -> object:
        return name.lower() if isinstance(name, str) else name

    def to_topic(self) -> Topic:
        return Topic(self.name, self.title, tuple(self.keywords))


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://")
    every: str = Field(default="15m", pattern=r"^\d+[smhd]$")
    topics: list[str] = Field(default_factory=list)


class DestinationConfig(BaseModel):
    model_config = ConfigDict(extra="allow")
    platform: Literal["slack", "discord", "discord-webhook", "console"]
    channel: str | None = None
    webhook: str | None = None
    cron: str = "0 8 * * *"
    timezone: str = "UTC"
    topics: list[str] = Field(default_factory=lambda: ["*"])

    @model_validator(mode="after")
    def _schedule_is_usable(self) -> DestinationConfig:
        from .scheduling import Schedule

        Schedule("check", self.cron, self.timezone).trigger()  # raises ScheduleError (a ValueError)
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


def parse_config(text: str, path: str) -> AppConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, exc) from None
    names = [t.name for t in config.topics]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: topics: name {duplicates[0]!r} is used twice")
    return config


def load_config(path: Path | None) -> AppConfig:
    """The given file, else the embedded default topics of the seed corpus."""
    if path is None:
        text = resources.files("digestbot.seeds").joinpath("topics.toml").read_text("utf-8")
        return parse_config(text, "embedded default topics")
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc.strerror or exc})") from None
    return parse_config(text, str(path))
