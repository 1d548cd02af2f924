"""Merge close to a plain insert (issue 14): on PostgreSQL, merge's first read of its candidates
from the index alone.

Merge first reads only what its rules that need no sources read of each candidate
(`Store.candidates_near_each`: the blocking key's columns, the event id, the actors, their parent
forces and the territory's new controller), then the few that pass those rules whole. On
PostgreSQL `ix_events_merge` now INCLUDEs the columns of that read that its key lacks, so the read
is an index-only scan: the geo precision's box and the place key are tested on the index entry,
and no entry of the widest box that fails them is fetched from the table (about 20 random table
reads a key before). The key stays as revision 0006 made it. SQLite has no INCLUDE, and its plan
already tests those conditions in the index before it reads a row: nothing changes there. Only an
index changes: no table is copied.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-16
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MERGE_KEY = ["sub_event_type", "time_precision", "event_date", "latitude", "longitude", "geo_precision", "place_key"]
INCLUDED = ["event_id", "actor1", "actor1_parent", "actor2", "actor2_parent", "territory_new_controller"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_events_merge", table_name="events")
    op.create_index("ix_events_merge", "events", MERGE_KEY, postgresql_include=INCLUDED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_events_merge", table_name="events")
    op.create_index("ix_events_merge", "events", MERGE_KEY)
