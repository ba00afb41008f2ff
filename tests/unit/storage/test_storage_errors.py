"""storage.errors sorts database failures for the layers that may not import SQLAlchemy
(start-up errors, `digestbot config show`): real engines, real drivers, no mocks."""

from __future__ import annotations

import importlib.util
import sqlite3

import pytest
from sqlalchemy import create_engine

from digestbot.storage.errors import DATABASE_ERRORS, driver_failure, is_unsupported_url


def failure_of(url: str, connect: bool = False) -> BaseException:
    try:
        engine = create_engine(url)
        if connect:
            engine.connect()
    except Exception as exc:  # noqa: BLE001 - the failure is what the test looks at
        return exc
    raise AssertionError(f"{url} did not fail")


@pytest.mark.parametrize("url", ["not a database url", "nosuchdialect://host/db"])
def test_a_url_the_install_cannot_use_is_unsupported(url):
    error = failure_of(url)
    assert is_unsupported_url(error)
    assert isinstance(error, DATABASE_ERRORS)
    assert driver_failure(error) is None


def test_a_dialect_whose_driver_is_not_installed_is_unsupported():
    pytest.importorskip("sqlalchemy.dialects.mysql")
    if importlib.util.find_spec("MySQLdb") is not None:
        pytest.skip("MySQLdb is installed here")
    assert is_unsupported_url(failure_of("mysql+mysqldb://user@host/db"))


def test_an_import_error_counts_only_when_sqlalchemy_raised_it():
    assert not is_unsupported_url(ImportError("No module named 'somewhere_else'"))


def test_a_driver_failure_gives_the_drivers_own_error(tmp_path):
    error = failure_of(f"sqlite:///{tmp_path / 'missing-folder' / 'bot.db'}", connect=True)
    assert isinstance(error, DATABASE_ERRORS)
    assert not is_unsupported_url(error)
    assert isinstance(driver_failure(error), sqlite3.OperationalError)


def test_other_errors_are_not_the_databases():
    error = ValueError("a bug")
    assert not isinstance(error, DATABASE_ERRORS)
    assert driver_failure(error) is None
    assert not is_unsupported_url(error)
