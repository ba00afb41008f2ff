"""Storage: the SQLAlchemy implementations of the ports (`sql`) and the Alembic migrations,
run once from bootstrap."""
