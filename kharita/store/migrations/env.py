"""Alembic environment for kharita's store.

The Store runs migrations itself (`Store.open` upgrades to head); it hands its open connection in
`config.attributes["connection"]`, so nothing here reads an ini file or configures logging.
"""

from __future__ import annotations

from alembic import context

from kharita.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("Run migrations with `kharita db migrate` (or Store.open), not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",   # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
