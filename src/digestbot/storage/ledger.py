"""The delivery ledger (`Ledger`) on SQLAlchemy: exactly-once scheduled digests, shared by
every process on one database; the primary key decides who posts a period."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from ..domain.models import Claim
from ..domain.records import Delivery
from .tables import DeliveryRow, LedgerStartRow, utc


class SqlLedger:
    """The scheduling Ledger on the database every process shares; the primary key decides."""

    def __init__(self, engine: Engine, lease: timedelta = timedelta(minutes=10)):
        self._engine = engine
        self._sessions = sessionmaker(engine)
        self._lease = lease

    def claim(self, destination: str, period: str, now: datetime) -> Claim | None:
        now = utc(now)
        if self._insert(destination, period, "claimed", now):
            return Claim.FRESH
        stale = now - self._lease
        with self._sessions.begin() as session:
            taken = session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    or_(
                        DeliveryRow.status == "interrupted",
                        and_(DeliveryRow.status == "claimed", DeliveryRow.claimed_at < stale),
                    ),
                )
                .values(status="claimed", claimed_at=now)
            )
            return Claim.RECOVER if taken.rowcount == 1 else None

    def interrupt(self, destination: str, period: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    DeliveryRow.status == "claimed",
                )
                .values(status="interrupted")
            )

    def complete(self, destination: str, period: str, message_id: str | None) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.destination == destination, DeliveryRow.period == period)
                .values(status="posted", completed_at=datetime.now(timezone.utc), message_id=message_id)
            )

    def skip(self, destination: str, period: str) -> None:
        """The period was decided not worth a post (nothing new): done, with no message."""
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.destination == destination, DeliveryRow.period == period)
                .values(status="skipped", completed_at=datetime.now(timezone.utc))
            )

    def release(self, destination: str, period: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                delete(DeliveryRow).where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    DeliveryRow.status == "claimed",
                )
            )

    def mark_missed(self, destination: str, period: str, now: datetime) -> bool:
        return self._insert(destination, period, "missed", utc(now))

    def started(self, destination: str, now: datetime) -> datetime:
        """When `destination` was first scheduled: recorded as `now` the first time it is asked
        (the first process to ask wins), the recorded time after that."""
        recorded = self._start_of(destination)
        if recorded is not None:
            return recorded
        try:
            with self._sessions.begin() as session:
                session.add(LedgerStartRow(destination=destination, started_at=utc(now)))
            return utc(now)
        except IntegrityError:  # another process recorded it first
            return self._start_of(destination)

    def _start_of(self, destination: str) -> datetime | None:
        with self._sessions() as session:
            row = session.get(LedgerStartRow, destination)
            return utc(row.started_at) if row is not None else None

    def recent(self, platform: str, channel: str, limit: int = 3) -> list[Delivery]:
        """The channel's latest ledger rows, newest first (every schedule of the channel)."""
        base = f"{platform}:{channel}"
        with self._sessions() as session:
            rows = session.scalars(
                select(DeliveryRow)
                .where(or_(DeliveryRow.destination == base, DeliveryRow.destination.startswith(base + " [")))
                .order_by(DeliveryRow.claimed_at.desc()).limit(limit)
            ).all()
        return [Delivery(r.destination, r.period, r.status, utc(r.completed_at or r.claimed_at)) for r in rows]

    def status(self, destination: str, period: str) -> str | None:
        with self._sessions() as session:
            row = session.get(DeliveryRow, (destination, period))
            return row.status if row else None

    def _insert(self, destination: str, period: str, status: str, now: datetime) -> bool:
        try:
            with self._sessions.begin() as session:
                session.add(DeliveryRow(destination=destination, period=period, status=status, claimed_at=now))
            return True
        except IntegrityError:
            return False
