"""ACLED's ids and the deletions feed: acled_ids, acled_counters, deletions, ix_events_timestamp.

`acled_ids` gives every event its ACLED event_id_cnty (ISO3 + a number per country, kept for
good), `acled_counters` the last number per country, `deletions` the ids that left `events`
(issue 13). Events stored before this revision are numbered here, per country in the order they
were written (timestamp, then id), and their events.event_id_cnty becomes that id. Only tables
and indexes are added and one column rewritten in place, so no table is copied (nothing for
SQLite's foreign keys to cascade; docs/store.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acled_ids",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_id_cnty", sa.String(64), nullable=False),
    )
    op.create_index("ux_acled_ids_event_id_cnty", "acled_ids", ["event_id_cnty"], unique=True)
    op.create_table(
        "acled_counters",
        sa.Column("iso3", sa.String(3), primary_key=True),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "deletions",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_id_cnty", sa.String(64), nullable=False),
        sa.Column("deleted_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("merged_into", sa.String(64)),
    )
    op.create_index("ix_deletions_deleted_timestamp", "deletions", ["deleted_timestamp"])
    op.create_index("ix_events_timestamp", "events", ["timestamp"])
    _number_stored_events()


def _number_stored_events() -> None:
    from kharita.store.acled_ids import numbering

    conn = op.get_bind()
    events = sa.table("events", sa.column("event_id"), sa.column("country_code"), sa.column("timestamp"),
                      sa.column("event_id_cnty"))
    rows = conn.execute(sa.select(events.c.event_id, events.c.country_code)
                        .order_by(events.c.timestamp, events.c.event_id)).mappings().all()
    if not rows:
        return
    ids, last = numbering(rows)
    op.bulk_insert(sa.table("acled_ids", sa.column("event_id"), sa.column("event_id_cnty")), ids)
    op.bulk_insert(sa.table("acled_counters", sa.column("iso3"), sa.column("last_number")),
                   [{"iso3": code, "last_number": n} for code, n in last.items()])
    conn.execute(events.update().where(events.c.event_id == sa.bindparam("eid"))
                 .values(event_id_cnty=sa.bindparam("cnty")),
                 [{"eid": r["event_id"], "cnty": r["event_id_cnty"]} for r in ids])


def downgrade() -> None:
    op.execute("UPDATE events SET event_id_cnty = event_id")
    op.drop_index("ix_events_timestamp", table_name="events")
    op.drop_index("ix_deletions_deleted_timestamp", table_name="deletions")
    op.drop_table("deletions")
    op.drop_table("acled_counters")
    op.drop_index("ux_acled_ids_event_id_cnty", table_name="acled_ids")
    op.drop_table("acled_ids")
