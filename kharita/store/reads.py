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
from typing import Any

import orjson
from sqlalchemy import Text, bindparam, select, tuple_

from kharita.record import COLUMNS
from kharita.store import schema

#: The record's columns that are columns of `events` (all but `sources`), in record order.
RECORD_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "sources")
#: A source's keys, in the order of kharita.record.source_to_dict.
SOURCE_KEYS: tuple[str, ...] = ("document_id", "external_id", "url", "outlet", "title", "published",
                                "fatalities", "certainty", "confidence", "coder_version", "evidence")

_EVENT_ID = RECORD_COLUMNS.index("event_id")
#: Where the values the record does not take as stored sit in a row.
_FIXED = {name: RECORD_COLUMNS.index(name) for name in ("event_id_cnty", "event_date", "place_approximate",
                                                       "confidence")}

Cursor = tuple[dt.date | None, str]


def keyset_statement(columns: Sequence[Any], where: Sequence[Any], cursor: Cursor | None, *,
                     dated: bool, size: int) -> Any:
    """One keyset scan: the dated events by (event_date, event_id) after `cursor`, or (`dated`
    False) the undated ones by id after it; `size` rows at most."""
    table = schema.events
    if dated:
        stmt = (select(*columns).where(*where, table.c.event_date.is_not(None))
                .order_by(table.c.event_date, table.c.event_id).limit(size))
        if cursor is not None:
            stmt = stmt.where(tuple_(table.c.event_date, table.c.event_id) > tuple_(*cursor))
        return stmt
    stmt = (select(*columns).where(*where, table.c.event_date.is_(None))
            .order_by(table.c.event_id).limit(size))
    if cursor is not None:
        stmt = stmt.where(table.c.event_id > cursor[1])
    return stmt


def event_records(store: Any, *, after: Cursor | None = None, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """Up to `limit` records of the events matching `filters` (those of `Store.iter_events`),
    after the keyset position `after`, in the order of `iter_events`."""
    return store._retrying(lambda: _records(store, after, limit, filters))


def _records(store: Any, after: Cursor | None, limit: int, filters: dict[str, Any]) -> list[dict[str, Any]]:
    table = schema.events
    where = store._filters(**filters)
    columns = [table.c[c] for c in RECORD_COLUMNS]
    scans = [True, False] if after is None or after[0] is not None else [False]
    if filters.get("since") is not None or filters.get("until") is not None:
        scans = [s for s in scans if s]                 # a date range leaves the undated out
    rows: list[Any] = []
    with store.engine.connect() as conn:
        for dated in scans:
            cursor = after if after is not None and (after[0] is not None) == dated else None
            stmt = keyset_statement(columns, where, cursor, dated=dated, size=limit - len(rows))
            rows.extend(conn.execute(stmt).all())
            if len(rows) >= limit:
                break
        sources = _sources(conn, [r[_EVENT_ID] for r in rows])
    return [_record(row, sources.get(row[_EVENT_ID], [])) for row in rows]


def _record(row: Sequence[Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """A row as `to_record(Store.get_event(id))` gives it: the stored ACLED id is not in it
    (event_id_cnty repeats event_id, as on every /api/events record so far), the date is ISO text."""
    values = list(row)
    values[_FIXED["event_id_cnty"]] = values[_EVENT_ID]
    day = values[_FIXED["event_date"]]
    values[_FIXED["event_date"]] = day.isoformat() if day is not None else None
    values[_FIXED["place_approximate"]] = bool(values[_FIXED["place_approximate"]])
    values[_FIXED["confidence"]] = values[_FIXED["confidence"]] or 1.0    # as kharita.record.from_record
    record = dict(zip(RECORD_COLUMNS, values))
    record["sources"] = sources
    return record


_src = schema.event_sources
#: The sources of a page's events; the evidence as its JSON text, which orjson reads faster.
_SOURCES = (select(_src.c.event_id, *(_src.c[k] for k in SOURCE_KEYS[:-1]), _src.c.evidence.cast(Text))
            .where(_src.c.event_id.in_(bindparam("ids", expanding=True)))
            .order_by(_src.c.event_id, _src.c.position))


def _sources(conn: Any, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's sources, in position order, as kharita.record.source_to_dict writes them."""
    if not event_ids:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for event_id, *values in conn.execute(_SOURCES, {"ids": event_ids}):
        source = dict(zip(SOURCE_KEYS, values))
        published = source["published"]
        source["published"] = published.isoformat() if published is not None else None
        source["certainty"] = source["certainty"] or "reported"
        source["confidence"] = float(source["confidence"])
        source["evidence"] = orjson.loads(source["evidence"])
        out.setdefault(event_id, []).append(source)
    return out


def dumps(body: Any) -> bytes:
    """JSON as the API sends it: UTF-8, compact; dates ISO, anything else unknown as str()."""
    return orjson.dumps(body, default=str)


__all__ = ["RECORD_COLUMNS", "SOURCE_KEYS", "dumps", "event_records", "keyset_statement"]
