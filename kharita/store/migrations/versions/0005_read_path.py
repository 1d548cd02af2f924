"""The API's read path at a million events (issue 12): an index the map's filters fit, and control
as a materialised state.

`ix_events_date_box` (event_date, event_id, longitude, latitude, event_type, sub_event_type)
replaces `ix_events_date_id`, whose order it keeps: a page of /api/events with a date window and
a bbox walks it in the page's own order and tests the box and the types inside the index, so only
the rows of the page are read from the table, on SQLite and PostgreSQL alike.

`control_states` holds who holds each place over spans of days, written when control is
refreshed (kharita.control.materialised.refresh); `control_refresh` says from how many changes, so a
store whose changes were written otherwise answers by replaying them until its next refresh.
Only tables and indexes change, so no table is copied (nothing for SQLite's foreign keys to
cascade; docs/store.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DATE_BOX = ["event_date", "event_id", "longitude", "latitude", "event_type", "sub_event_type"]


def upgrade() -> None:
    op.create_index("ix_events_date_box", "events", DATE_BOX)
    op.drop_index("ix_events_date_id", table_name="events")
    op.create_table(
        "control_states",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date()),
        sa.Column("place_key", sa.Text(), nullable=False),
        sa.Column("place_name", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("place", sa.JSON(), nullable=False),
        sa.Column("contested", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.Column("time_precision", sa.Integer(), nullable=False),
        sa.Column("new_controller", sa.Text(), nullable=False),
        sa.Column("previous_controller", sa.Text()),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("certainty", sa.String(16), nullable=False),
    )
    op.create_index("ix_control_states_valid_from", "control_states", ["valid_from", "valid_until"])
    op.create_table(
        "control_refresh",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("changes", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("control_refresh")
    op.drop_index("ix_control_states_valid_from", table_name="control_states")
    op.drop_table("control_states")
    op.create_index("ix_events_date_id", "events", ["event_date", "event_id"])
    op.drop_index("ix_events_date_box", table_name="events")
