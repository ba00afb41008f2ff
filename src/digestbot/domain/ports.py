"""Every port the service layer depends on, in one place: the storage, posting and fetching
interfaces that `storage/`, the adapters and `ingest/` implement, each with an in-memory twin
in `tests/fakes.py`."""

from __future__ import annotations

from typing import Protocol

# --- storage ports -------------------------------------------------------------------------

# --- posting ports -------------------------------------------------------------------------
