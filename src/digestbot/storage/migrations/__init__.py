"""Alembic migrations for the digestbot schema, shipped inside the package.

No alembic.ini is needed: :func:`alembic_config` builds the configuration in code and
:func:`digestbot.storage.migrate.migrate` is what the application calls at start-up. For ad-hoc use::

    from alembic import command
    from digestbot.storage.migrations import alembic_config
    command.upgrade(alembic_config("sqlite:///digestbot.db"), "head")
"""

from __future__ import annotations

from importlib.resources import files

from alembic.config import Config

#: The first revision: the schema as ``Base.metadata.create_all`` made it before Alembic.
INITIAL_REVISION = "0001_initial"
#: The tables the initial revision creates (used to adopt pre-Alembic databases).
INITIAL_TABLES = ("articles", "sentences", "key_points", "deliveries")


def script_location() -> str:
    return str(files(__name__))


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at this package; pass a connection via ``attributes``."""
    config = Config()
    config.set_main_option("script_location", script_location().replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
