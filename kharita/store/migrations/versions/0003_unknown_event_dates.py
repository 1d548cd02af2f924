"""Allow an unknown event date: events.event_date, year and time_precision become nullable.

A report with no date in its text and no publication date gives events with no date (issue 10),
never the day of the run. SQLite cannot drop NOT NULL in place, so batch mode copies the table;
`Store.migrate` turns SQLite's foreign keys off around the migration, or dropping the old table
would cascade into event_sources.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (("event_date", sa.Date()), ("year", sa.Integer()), ("time_precision", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name, type_ in COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=True)


def downgrade() -> None:
    # Undated events have no date to keep under NOT NULL: they go, with their sources.
    op.execute("DELETE FROM event_sources WHERE event_id IN "
               "(SELECT event_id FROM events WHERE event_date IS NULL)")
    op.execute("DELETE FROM events WHERE event_date IS NULL")
    with op.batch_alter_table("events") as batch:
        for name, type_ in COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=False)
