"""The deletions feed: every event id that left the dataset, and when (ACLED's deleted endpoint).

A client keeping a copy of the store (acledR's `acled_update`, or any script) refreshes it with
the events whose `timestamp` is at or after its newest one, and drops the ids listed here since
then. For that to leave the copy equal to the store, every way an event leaves `events` goes
through `record`, in the same transaction as the delete: `Store.delete_events` calls it, and a
merge that folds a stored event into another passes `merged_into`. An id that is written again
later (a deleted event coded anew) drops out of the feed while it is stored (`still_gone`, at
read time, so writes pay nothing for the feed), so the feed never tells a client to drop an event
the store holds; deleted once more, it comes back with the new time.

Merge as it is today never absorbs a stored event: a new report's event joins the stored one,
which keeps its id (kharita.merge.cluster), and the new event's own id never reaches the store,
so no client has it to drop. The `merged_into` column is there for a merge that does fold two
stored events, so that its absorbed ids reach clients as ACLED's merged-away events do.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import BigInteger, Connection, String, delete, exists, insert, literal, select

from kharita.store import acled_read, schema
from kharita.store.acled_read import Condition

CHUNK = 500


def record(conn: Connection, event_ids: Iterable[str], *, merged_into: str | None = None,
           when: int | None = None) -> None:
    """Note that these stored events leave now (call before deleting them, in the same
    transaction); ids not stored are passed over. `merged_into`: the event that absorbed them."""
    events, feed = schema.events, schema.deletions
    stamp = int(time.time()) if when is None else int(when)
    ids = list(dict.fromkeys(event_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        conn.execute(delete(feed).where(feed.c.event_id.in_(chunk)))
        leaving = select(events.c.event_id, events.c.event_id_cnty, literal(stamp, BigInteger),
                         literal(merged_into, String)) \
            .where(events.c.event_id.in_(chunk))
        conn.execute(insert(feed).from_select(
            ["event_id", "event_id_cnty", "deleted_timestamp", "merged_into"], leaving))


def still_gone() -> Any:
    """The feed's rows whose event is not stored again."""
    events, feed = schema.events, schema.deletions
    return ~exists().where(events.c.event_id == feed.c.event_id)


def read(store: Any, groups: Sequence[Sequence[Condition]], columns: Sequence[str], *,
         limit: int | None, offset: int = 0) -> Iterator[dict[str, Any]]:
    """Feed rows matching the filters, latest first (kharita.store.acled_read.stream)."""
    return acled_read.stream(store, schema.deletions, groups, columns, limit=limit, offset=offset,
                             also=[still_gone()])


def count(store: Any, groups: Sequence[Sequence[Condition]]) -> int:
    """How many feed rows match (ACLED's total_count)."""
    return acled_read.count(store, schema.deletions, groups, also=[still_gone()])
