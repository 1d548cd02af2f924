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
from sqlalchemy.exc import DBAPIError

from kharita.errors import StoreError
from kharita.record import COLUMNS
from kharita.store.store import _as_date

#: The record's columns that are columns of `events` (all but `sources`), in record order.
RECORD_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "sources")
#: A source's keys, in the order of kharita.record.source_to_dict.
SOURCE_KEYS: tuple[str, ...] = ("document_id", "external_id", "url", "outlet", "title", "published",
                                "fatalities", "certainty", "confidence", "coder_version", "evidence")

_EVENT_ID = RECORD_COLUMNS.index("event_id")


Cursor = tuple[dt.date | None, str]


def event_records(store: Any, *, after: Cursor | None = None, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """Up to `limit` records of the events matching `filters` (those of `Store.iter_events`),
    after the keyset position `after`, in the order of `iter_events`."""
    return store._retrying(lambda: _records(store, after, limit, filters))


def _records(store: Any, after: Cursor | None, limit: int, filters: dict[str, Any]) -> list[dict[str, Any]]:
    backend = store.backend
    where, params = filter_sql(backend, **filters)
    scans = [True, False] if after is None or after[0] is not None else [False]
    if filters.get("since") is not None or filters.get("until") is not None:
        scans = [s for s in scans if s]                 # a date range leaves the undated out
    rows: list[Any] = []
    with store.engine.connect() as conn:             # SQLite's map the file (store._sqlite_pragmas)
        if backend == "postgresql":
            # each statement on its own, as READ COMMITTED reads them anyway: no BEGIN before the
            # page's statement, no ROLLBACK as the connection goes back to the pool (two round trips)
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for dated in scans:
            cursor = after if after is not None and (after[0] is not None) == dated else None
            sql, scan_params = keyset_sql(backend, where, cursor, dated=dated)
            # its rows as the driver gives them: _record makes the only two values that need it
            # (the date, the flag) what the record holds
            rows.extend(fetch(conn, sql, (*params, *scan_params, limit - len(rows))))
            if len(rows) >= limit:
                break
        sources = _sources(conn, [r[_EVENT_ID] for r in rows])
    return [_record(row, sources.get(row[_EVENT_ID], [])) for row in rows]


def fetch(conn: Any, sql: str, params: Sequence[Any]) -> list[Any]:
    """Every row of one statement of the driver's SQL, through a cursor of the driver's own:
    binary on PostgreSQL (psycopg gives the same values; the server sends a page's dates, numbers
    and flags without writing them as text: 0.28 ms less of its CPU a page, and 0.16 ms less of
    ours, at 1M events), and prepared there. A driver error leaves as SQLAlchemy's, as `Connection.execute` raises it,
    so that the store's retries see it; a dropped connection is invalidated first."""
    dbapi_connection = conn.connection.dbapi_connection
    pg = conn.dialect.name == "postgresql"
    cursor = dbapi_connection.cursor(binary=True) if pg else dbapi_connection.cursor()
    error = conn.dialect.loaded_dbapi.Error
    try:
        if pg:
            # prepared on the connection the first time (psycopg keeps the statements a connection
            # prepared): PostgreSQL then parses and analyses it once, and plans it each time for
            # its own dates and box (the store's sessions force custom plans, store._pg_options)
            cursor.execute(sql, params, prepare=True)
        else:
            cursor.execute(sql, params)
        rows = cursor.fetchall()
    except error as exc:
        dropped = conn.dialect.is_disconnect(exc, dbapi_connection, cursor)
        if dropped:
            conn.invalidate(exc)            # closes the driver's connection, and its cursor with it
        else:
            cursor.close()
        raise DBAPIError.instance(sql, params, exc, error, connection_invalidated=dropped,
                                  dialect=conn.dialect) from exc
    cursor.close()
    return rows


# -- the page's SQL ------------------------------------------------------------------------------
#
# Written here as the driver's SQL, not built with SQLAlchemy per request: building the filters'
# clauses, the cache key and the compiled statement's parameters took 0.6 ms of a page's 3 (1M
# events, bench/api_load.py), the statement's own work on SQLite 0.2 ms. The conditions are those
# of `Store._filters`, clause for clause (tests/test_reads.py compares the two on every filter).

#: The backend's parameter mark, and the casts SQLAlchemy writes for PostgreSQL's parameters.
_MARK = {"sqlite": "?", "postgresql": "%s"}
_CASTS = {"sqlite": {"date": "", "float": "", "text": "", "texts": ""},
          "postgresql": {"date": "::DATE", "float": "::FLOAT", "text": "::VARCHAR", "texts": "::VARCHAR[]"}}
#: Square degrees of a bbox from which SQLite is kept off ix_events_lat_lon (a unary + on the column).
#: Without statistics on how events spread, SQLite guesses that any latitude range keeps a small
#: part of them; for the map's side list (a whole view, no dates, the newest 200) it then read every
#: event of the view by latitude and sorted them: 5.2 s at 1M events, where the (event_date, event_id)
#: index, which holds the coordinates too, finds 200 in the view in 1.6 ms. A box smaller than this
#: (a click's, a town's) still goes by latitude. PostgreSQL's statistics tell the two apart by themselves.
WIDE_BOX = 1.0
#: The columns each text filter looks in (`Store._filters`).
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
TEXT_COLUMNS = ("notes", "location", "actor1", "actor2", "admin1")


def filter_sql(backend: str, *, since: dt.date | str | None = None, until: dt.date | str | None = None,
               event_types: Sequence[str] | None = (), sub_types: Sequence[str] | None = (),
               actor: str | None = None, certainty: Sequence[str] | None = (),
               bbox: tuple[float, float, float, float] | None = None, q: str | None = None) -> tuple[str, list[Any]]:
    """The WHERE conditions (joined by AND, each starting with it) of `Store._filters` for these
    filters, and their parameters in order."""
    mark, cast = _MARK[backend], _CASTS[backend]
    sql: list[str] = []
    params: list[Any] = []

    def day(value: dt.date | str) -> Any:
        value = _as_date(value)
        return value.isoformat() if backend == "sqlite" else value     # as SQLAlchemy binds a Date

    if since is not None:
        sql.append(f" AND event_date >= {mark}{cast['date']}")
        params.append(day(since))
    if until is not None:
        sql.append(f" AND event_date <= {mark}{cast['date']}")
        params.append(day(until))
    for column, values in (("event_type", event_types), ("sub_event_type", sub_types), ("certainty", certainty)):
        if values:
            values = [str(v) for v in values]
            if backend == "sqlite":
                sql.append(f" AND {column} IN ({', '.join([mark] * len(values))})")
                params.extend(values)
            else:                       # one array parameter: planned as IN's list is
                sql.append(f" AND {column} = ANY({mark}{cast['texts']})")
                params.append(values)
    for text, columns in ((actor, ACTOR_COLUMNS), (q, TEXT_COLUMNS)):
        if text:
            # a substring as written: % and _ in it are literal (SQLAlchemy's autoescape, '/' escaping)
            pattern = "%" + text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
            sql.append(" AND (" + " OR ".join(f"lower({c}) LIKE {mark}{cast['text']} ESCAPE '/'" for c in columns) + ")")
            params.extend([pattern] * len(columns))
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        if min_lat > max_lat:
            raise StoreError(f"Bad bbox {bbox}: it is (min_lon, min_lat, max_lon, max_lat).")
        f = f"{mark}{cast['float']}"
        lat = "latitude"
        width = max_lon - min_lon if min_lon <= max_lon else max_lon - min_lon + 360
        if backend == "sqlite" and (max_lat - min_lat) * width >= WIDE_BOX:
            lat = "+latitude"           # SQLite: not by ix_events_lat_lon (see WIDE_BOX)
        sql.append(f" AND {lat} BETWEEN {f} AND {f}")
        sql.append(f" AND longitude BETWEEN {f} AND {f}" if min_lon <= max_lon          # crossing 180°
                   else f" AND (longitude >= {f} OR longitude <= {f})")
        params.extend([float(min_lat), float(max_lat), float(min_lon), float(max_lon)])
    return "".join(sql), params


def keyset_sql(backend: str, where: str, cursor: Cursor | None, *, dated: bool) -> tuple[str, list[Any]]:
    """One keyset scan over `where`: the dated events by (event_date, event_id) after `cursor`,
    or (`dated` False) the undated ones by id after it; its size is the last parameter."""
    mark, cast = _MARK[backend], _CASTS[backend]
    params: list[Any] = []
    if dated:
        sql = [_SELECT, " WHERE event_date IS NOT NULL", where]
        if cursor is not None:
            sql.append(f" AND (event_date, event_id) > ({mark}{cast['date']}, {mark}{cast['text']})")
            params += [cursor[0].isoformat() if backend == "sqlite" else cursor[0], cursor[1]]
        sql.append(" ORDER BY event_date, event_id")
    else:
        sql = [_SELECT, " WHERE event_date IS NULL", where]
        if cursor is not None:
            sql.append(f" AND event_id > {mark}{cast['text']}")
            params.append(cursor[1])
        sql.append(" ORDER BY event_id")
    sql.append(f" LIMIT {mark}")
    return "".join(sql), params


_SELECT = f"SELECT {', '.join(RECORD_COLUMNS)} FROM events"


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
    if backend == "sqlite":
        rows = fetch(conn, _sources_sql(backend, len(event_ids)), event_ids)
    else:                       # one array parameter: PostgreSQL plans it faster than 100 of them
        rows = fetch(conn, _sources_sql(backend, 0), (event_ids,))
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


__all__ = ["RECORD_COLUMNS", "SOURCE_KEYS", "dumps", "event_records", "filter_sql", "keyset_sql"]
