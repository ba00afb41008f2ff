"""Storage: the SQLAlchemy implementations of the ports in `domain/ports.py`, one module per
repository (`articles`, `ledger`, `channel_memory`, `feed_states`, `management`,
`seen_requests`) over the rows in `tables`, on the engine of `engine`; and the Alembic
migrations (`migrate`), run once from bootstrap."""
