"""The store: SQLite (default) or PostgreSQL, one schema, one migration history."""

from kharita.store.store import Store, database_url

__all__ = ["Store", "database_url"]
