"""Merge close to a plain insert (issue 14): merge's candidates by an index whose blocking key
holds the time precision before the date.

`ix_events_merge` (sub_event_type, time_precision, event_date, latitude, longitude,
geo_precision, place_key) replaces `ix_events_type_date_place`. Merge searches each stored time
precision with its own date window (a day either side for an event known to the day, 16 for one
known to the month), so with the precision second in the key each search is a range scan of its
own window only, where a scan of the widest window read about six times as many entries. The
place, the geo precision and the place key follow, so that every candidate condition is tested
inside the index and only candidates are read from the table. Only indexes change: no table is
copied.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MERGE_KEY = ["sub_event_type", "time_precision", "event_date", "latitude", "longitude", "geo_precision", "place_key"]
OLD_KEY = ["sub_event_type", "event_date", "latitude", "longitude", "geo_precision", "time_precision"]


def upgrade() -> None:
    op.create_index("ix_events_merge", "events", MERGE_KEY)
    op.drop_index("ix_events_type_date_place", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_type_date_place", "events", OLD_KEY)
    op.drop_index("ix_events_merge", table_name="events")
