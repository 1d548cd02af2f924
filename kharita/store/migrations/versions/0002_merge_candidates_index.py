"""Index events for merge's candidate search: (sub_event_type, event_date, place, precisions).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_events_type_date_place", "events",
        ["sub_event_type", "event_date", "latitude", "longitude", "geo_precision", "time_precision"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_events_type_date_place", table_name="events")
