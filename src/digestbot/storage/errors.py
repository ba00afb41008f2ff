"""The database's failures, told apart for the layers above without their importing SQLAlchemy.

`DATABASE_ERRORS` is what a caller catches for "the database failed"; the two functions sort a
start-up failure into a URL the installed code cannot use, or a failure the driver reported.
"""

from __future__ import annotations

import traceback

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError,)


def is_unsupported_url(error: BaseException) -> bool:
    """True when the database URL cannot be used by this install: a malformed URL, an unknown
    dialect, or a dialect whose driver is not installed (an ImportError raised in SQLAlchemy)."""
    if isinstance(error, (ArgumentError, NoSuchModuleError)):
        return True
    return isinstance(error, ImportError) and _raised_in(error, "sqlalchemy")


def driver_failure(error: BaseException) -> BaseException | None:
    """The driver's own exception when the database driver failed (refused login, missing file,
    unreachable server), else None."""
    if not isinstance(error, DBAPIError):
        return None
    return error.orig or error


def _raised_in(error: BaseException, package: str) -> bool:
    return any(f"/{package}/" in frame.filename for frame in traceback.extract_tb(error.__traceback__))
