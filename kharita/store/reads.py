"""The API's read path: event records straight from rows (issue 12).

`Store.iter_events` rebuilds a whole Event per row (places, actors, sources as dataclasses), which
the pipeline and control need. A page of `/api/events` only needs the flat record, and the
`events` table already holds it column for column (kharita.record.COLUMNS, written by
`to_record`): here a page is read as those columns and its sources as one more query, and each
row becomes the record dict without a model object in between. `event_records` gives what
`[to_record(e) for e in store.iter_events(...)]` gives, value for value (tests/test_reads.py).

Paging is the store's keyset on (event_date, event_id): dated events first, then the undated by
id, each scan one statement that follows the index the filters fit (revision 0005).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import select, tuple_

from kharita.record import COLUMNS
from kharita.store import schema

#: The record's columns that are columns of `events` (all but `sources`), in record order.
RECORD_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "sources")
#: A source's keys, in the order of kharita.record.source_to_dict.
SOURCE_KEYS: tuple[str, ...] = ("document_id", "external_id", "url", "outlet", "title", "published",
                                "fatalities", "certainty", "confidence", "coder_version", "evidence")

_EVENT_ID = RECORD_COLUMNS.index("event_id")


Cursor = tuple[dt.date | None, str]


#: The record's columns of `events`, and the two scans' statements without filters, built once:
#: a page adds its filters, cursor and size to one of them (coercing 45 columns per request is not free).
_COLUMNS = tuple(schema.events.c[c] for c in RECORD_COLUMNS)
_SCANS: dict[bool, Any] = {}


def _scan(columns: Sequence[Any], dated: bool) -> Any:
    """The dated (or undated) scan in its order, without filters; cached for the record's columns."""
    if columns is _COLUMNS and dated in _SCANS:
        return _SCANS[dated]
    table = schema.events
    if dated:
        stmt = (select(*columns).where(table.c.event_date.is_not(None))
                .order_by(table.c.event_date, table.c.event_id))
    else:
        stmt = select(*columns).where(table.c.event_date.is_(None)).order_by(table.c.event_id)
    if columns is _COLUMNS:
        _SCANS[dated] = stmt
    return stmt


def keyset_statement(columns: Sequence[Any], where: Sequence[Any], cursor: Cursor | None, *,
                     dated: bool, size: int) -> Any:
    """One keyset scan: the dated events by (event_date, event_id) after `cursor`, or (`dated`
    False) the undated ones by id after it; `size` rows at most."""
    table = schema.events
    stmt = _scan(columns, dated).where(*where).limit(size)
    if cursor is not None:
        if dated:
            stmt = stmt.where(tuple_(table.c.event_date, table.c.event_id) > tuple_(*cursor))
        else:
            stmt = stmt.where(table.c.event_id > cursor[1])
    return stmt


def event_records(store: Any, *, after: Cursor | None = None, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """Up to `limit` records of the events matching `filters` (those of `Store.iter_events`),
    after the keyset position `after`, in the order of `iter_events`."""
    return store._retrying(lambda: _records(store, after, limit, filters))


def _records(store: Any, after: Cursor | None, limit: int, filters: dict[str, Any]) -> list[dict[str, Any]]:
    where = store._filters(**filters)
    columns = _COLUMNS
    scans = [True, False] if after is None or after[0] is not None else [False]
    if filters.get("since") is not None or filters.get("until") is not None:
        scans = [s for s in scans if s]                 # a date range leaves the undated out
    rows: list[Any] = []
    with store.engine.connect() as conn:             # SQLite's map the file (store._sqlite_pragmas)
        for dated in scans:
            cursor = after if after is not None and (after[0] is not None) == dated else None
            stmt = keyset_statement(columns, where, cursor, dated=dated, size=limit - len(rows))
            # compiled (and cached) by SQLAlchemy, its rows as the driver gives them: _record
            # makes the only two values that need it (the date, the flag) what the record holds
            result = conn.execute(stmt)
            try:
                rows.extend(result.cursor.fetchall())
            finally:
                result.close()
            if len(rows) >= limit:
                break
        sources = _sources(conn, [r[_EVENT_ID] for r in rows])
    return [_record(row, sources.get(row[_EVENT_ID], [])) for row in rows]


def _record(row: Sequence[Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """A driver's row as `to_record(Store.get_event(id))` gives it: the stored ACLED id is not in it
    (event_id_cnty repeats event_id, as on every /api/events record so far), the date is ISO text
    (SQLite stores it so, PostgreSQL's driver gives a date), the flag a bool (SQLite's is 0/1)."""
    record = dict(zip(RECORD_COLUMNS, row))
    record["event_id_cnty"] = record["event_id"]
    day = record["event_date"]
    if day is not None and not isinstance(day, str):
        record["event_date"] = day.isoformat()
    record["place_approximate"] = bool(record["place_approximate"])
    record["confidence"] = record["confidence"] or 1.0    # as kharita.record.from_record
    record["sources"] = sources
    return record


_SOURCE_SQL = ("SELECT event_id, document_id, external_id, url, outlet, title, published, fatalities, "
               "certainty, confidence, coder_version, {evidence} FROM event_sources WHERE event_id IN ({marks}) "
               "ORDER BY event_id, position")


@lru_cache(maxsize=256)
def _sources_sql(backend: str, count: int) -> str:
    """The sources of `count` events as the driver's SQL, one per backend and count: compiling an
    expanding IN of a hundred ids through SQLAlchemy cost more than running it."""
    if backend == "sqlite":
        return _SOURCE_SQL.format(evidence="evidence", marks=", ".join(["?"] * count))
    return _SOURCE_SQL.replace("IN ({marks})", "= ANY(%s)").format(evidence="evidence::text")


def _sources(conn: Any, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's sources, in position order, as kharita.record.source_to_dict writes them:
    the driver's rows as they come (SQLite's dates are already ISO text, the evidence JSON text,
    which orjson reads faster than the driver would)."""
    if not event_ids:
        return {}
    backend = conn.dialect.name
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if backend == "sqlite":
            cursor.execute(_sources_sql(backend, len(event_ids)), event_ids)
        else:                   # one array parameter: PostgreSQL plans it faster than 100 of them
            cursor.execute(_sources_sql(backend, 0), (event_ids,))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    out: dict[str, list[dict[str, Any]]] = {}
    loads = orjson.loads
    for (event_id, document_id, external_id, url, outlet, title, published, fatalities, certainty, confidence,
         coder_version, evidence) in rows:
        if published is not None and not isinstance(published, str):
            published = published.isoformat()
        source = {"document_id": document_id, "external_id": external_id, "url": url, "outlet": outlet,
                  "title": title, "published": published, "fatalities": fatalities,
                  "certainty": certainty or "reported", "confidence": float(confidence),
                  "coder_version": coder_version, "evidence": loads(evidence)}
        bucket = out.get(event_id)
        if bucket is None:
            out[event_id] = [source]
        else:
            bucket.append(source)
    return out


def dumps(body: Any) -> bytes:
    """JSON as the API sends it: UTF-8, compact; dates ISO, anything else unknown as str()."""
    return orjson.dumps(body, default=str)


__all__ = ["RECORD_COLUMNS", "SOURCE_KEYS", "dumps", "event_records", "keyset_statement"]
