"""ACLED's event_id_cnty: the ISO3 code of the event's country and a number, given once.

ACLED numbers its events per country (SYR12345) and an event keeps its number whatever is later
corrected in it. kharita does the same in the store: the first write of an event id draws the
next number of its country (`acled_counters`), `acled_ids` keeps the pair, and neither table is
ever cleared, so an event rewritten by a merge, moved to a more precise place, or deleted and
coded again keeps its number, and no number is ever given twice. An event with no country gets
ISO 3166's code for "unknown", XXX.

`assign` runs inside `Store.upsert_events`, in the write's transaction, so a report rolled back
takes its numbers back with it and leaves no trace. On PostgreSQL the counter row of a country is
locked from the moment a writer draws from it until it commits (the few inserts that end the
write), so two writers storing new events of one country at once take turns for that moment;
countries are drawn in code order, so two writers never wait on each other in a cycle. Events
merged into stored ones draw nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from kharita.record import country_iso3
from kharita.store import schema

UNKNOWN_COUNTRY = "XXX"
CHUNK = 500


def event_id_cnty(iso3: str, number: int) -> str:
    return f"{iso3}{number}"


def lookup(conn: Connection, event_ids: Iterable[str]) -> dict[str, str]:
    """event_id -> event_id_cnty for the ids that have one."""
    table = schema.acled_ids
    ids = list(dict.fromkeys(event_ids))
    found: dict[str, str] = {}
    for i in range(0, len(ids), CHUNK):
        stmt = select(table.c.event_id, table.c.event_id_cnty).where(table.c.event_id.in_(ids[i:i + CHUNK]))
        found.update((r.event_id, r.event_id_cnty) for r in conn.execute(stmt))
    return found


def lookup_store(store: Any, event_ids: Sequence[str]) -> dict[str, str]:
    """`lookup` on a Store (for exports: kharita.export takes it as `ids`)."""
    with store.engine.connect() as conn:
        return lookup(conn, event_ids)


def assign(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Set each events row's `event_id_cnty`: the one its event id has, else its country's next."""
    known = lookup(conn, (r["event_id"] for r in rows))
    fresh: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["event_id"] not in known:
            code = country_iso3(row.get("country_code") or "") or UNKNOWN_COUNTRY
            fresh[code].append(row["event_id"])
    drawn = {}
    for code, ids in sorted(fresh.items()):              # one lock order for every writer
        last = _advance(conn, code, len(ids))
        first = last - len(ids) + 1
        drawn.update({event_id: event_id_cnty(code, first + i) for i, event_id in enumerate(ids)})
    if drawn:
        table = schema.acled_ids
        insert = (_insert(conn, table).on_conflict_do_nothing(index_elements=["event_id"])
                  .returning(table.c.event_id))
        mine = set(conn.execute(insert, [{"event_id": k, "event_id_cnty": v} for k, v in drawn.items()],
                                ).scalars())
        known.update({k: v for k, v in drawn.items() if k in mine})
        known.update(lookup(conn, set(drawn) - mine))   # another writer numbered these first
    for row in rows:
        row["event_id_cnty"] = known[row["event_id"]]


def _advance(conn: Connection, iso3: str, n: int) -> int:
    """Move a country's counter on by n; the new last number."""
    table = schema.acled_counters
    stmt = (_insert(conn, table).values(iso3=iso3, last_number=n)
            .on_conflict_do_update(index_elements=["iso3"], set_={"last_number": table.c.last_number + n})
            .returning(table.c.last_number))
    return int(conn.execute(stmt).scalar_one())


def _insert(conn: Connection, table: Any) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def numbering(rows: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """acled_ids rows for events given in order, each country's numbered 1, 2, 3 ..., and the last
    number of each country (revision 0004 numbers the events stored before it with this)."""
    counts: dict[str, int] = defaultdict(int)
    out = []
    for row in rows:
        code = country_iso3(row.get("country_code") or "") or UNKNOWN_COUNTRY
        counts[code] += 1
        out.append({"event_id": row["event_id"], "event_id_cnty": event_id_cnty(code, counts[code])})
    return out, dict(counts)
