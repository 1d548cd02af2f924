"""One Store over SQLite (embedded default) or PostgreSQL (shared deployments).

The store speaks kharita's models: documents in, events in and out, control changes in and out.
Everything a document brings is written in one transaction (`write_document`), so a crash never
leaves half a report stored and re-reading the same report changes nothing. Queries filter in SQL
on the flat record columns and page with a keyset cursor on (event_date, event_id), which stays
fast however deep a client pages. Events whose date is unknown (NULL event_date) come after all
dated ones, by id, and a date filter (since, until) leaves them out.

Several processes may write one store at once (docs/store.md, "Concurrency and faults"). A write
transaction on SQLite begins IMMEDIATE, so writers take turns for the whole transaction, reads
included, and wait for each other (busy timeout) instead of failing. On PostgreSQL, `lock` holds
named advisory locks to the end of a transaction: merge serializes the writers whose events could
meet on them. `run_transaction` runs a unit of work again, with backoff, when the database says
it may succeed on a second try (SQLite busy, a PostgreSQL serialization failure or deadlock, a
dropped connection); reads retry the same way. That is the one place that retries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import random
import select as io_select           # sqlalchemy's select is the name `select` here
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    Date,
    Float,
    Integer,
    String,
    Text,
    cast,
    column,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidatePoolError, OperationalError

from kharita import settings
from kharita.errors import SchemaError, StoreConnectionError, StoreError
from kharita.geo import distance_km
from kharita.merge.cluster import Candidate, Held, NearSearch, Side, Spot
from kharita.models import ControlChange, Document, Event, Place, shift_day
from kharita.ontology import Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.record import from_record, source_from_dict, source_to_dict, to_record
from kharita.store import acled_ids, deletions, schema

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
PAGE = 500                      # rows fetched per query while iterating

#: Blocking keys (22 bind parameters each) that one statement of `Store.events_near_each` joins:
#: a report's events need 3 to 9 each; 500 stay well within SQLite's 32,766 parameters.
KEYS_PER_STATEMENT = 500

#: How often `run_transaction` (and a read) tries before it gives up, and the pause before the
#: second try, doubled (with jitter) up to RETRY_MAX_DELAY: about 11 s of pauses in all, enough
#: for a restarted PostgreSQL to accept connections again.
ATTEMPTS = 8
RETRY_DELAY = 0.1
RETRY_MAX_DELAY = 5.0

#: SQLite waits this long (ms) for another writer's transaction before it answers "database is locked".
BUSY_TIMEOUT_MS = 30_000

#: Connections the pool keeps open: as many as the API's concurrent requests, so that none opens a
#: fresh connection (PostgreSQL forks a backend; SQLite starts with a cold page cache) per request.
POOL_SIZE = 16

#: The PostgreSQL advisory lock space (the first key of pg_advisory_xact_lock(int, int)) of `Store.lock`.
LOCK_SPACE = 7402114

T = TypeVar("T")


def database_url(target: str | Path | None = None) -> str:
    """The SQLAlchemy URL for a target: None reads KHARITA_DB (default ./kharita.db); a path is
    a SQLite file; sqlite:/// and postgresql:// URLs pass through (postgresql uses psycopg 3)."""
    if target is None:
        target = settings.get("db")
    text = str(target)
    if "://" not in text:
        path = Path(text).expanduser()
        if not path.parent.exists():
            raise StoreConnectionError(
                f"Cannot create the database {path}: folder {path.parent} does not exist. "
                f"Create it first or pass another --db path."
            )
        return f"sqlite:///{path.resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def place_to_dict(place: Place) -> dict[str, Any]:
    data = dataclasses.asdict(place)
    data["precision"] = int(place.precision)
    return data


def place_from_dict(data: dict[str, Any]) -> Place:
    return Place(**{**data, "precision": GeoPrecision(int(data.get("precision", 1)))})


def _read(method: Callable[..., T]) -> Callable[..., T]:
    """A store read. Outside a transaction it runs on a connection of its own, and again from the
    start when the database says a second try may succeed (`Store._retrying`); inside one it
    joins it, and the transaction's owner decides about retrying."""

    @functools.wraps(method)
    def read(self: "Store", *args: Any, **kwargs: Any) -> T:
        if self.in_transaction:
            return method(self, *args, **kwargs)
        return self._retrying(lambda: method(self, *args, **kwargs))

    return read


class Store:
    """Documents, events and control changes in one SQL database. Open with `Store.open(...)`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path | None = None, *, migrate: bool = True) -> "Store":
        """Open (and by default create or upgrade) the store at a path or URL."""
        url = database_url(target)
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                engine = create_engine(url, pool_size=POOL_SIZE, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # psycopg would prepare a statement after 5 runs and PostgreSQL may then switch to
                # a generic plan that ignores the bbox/date selectivity (about 8x slower on 1M
                # events): only the API's reads are prepared (PREPARE_WHEN_ASKED), and every
                # session forces custom plans (_pg_options).
                # READ COMMITTED (the server's usual default, whatever it is set to): each statement
                # sees what was committed before it, so a merge that waited for a lock reads what
                # the lock's previous holder wrote. A connection the server dropped is replaced
                # before it is handed out (_pg_alive, pool_pre_ping's check without its round trip).
                engine = create_engine(url, pool_size=POOL_SIZE, isolation_level="READ COMMITTED",
                                       connect_args={"prepare_threshold": PREPARE_WHEN_ASKED})
                event.listen(engine, "do_connect", _pg_options)
                event.listen(engine, "checkout", _pg_alive)
        except (ArgumentError, ImportError) as exc:
            raise StoreConnectionError(
                f"Cannot use database URL {_safe(url)}: {exc}. Use a file path, sqlite:///PATH or "
                f"postgresql://USER@HOST:PORT/DB."
            ) from exc
        store = cls(engine)
        try:
            with engine.connect():
                pass
        except OperationalError as exc:
            engine.dispose()
            raise StoreConnectionError(
                f"Cannot reach the database {_safe(url)}: {exc.orig}. Check that the server runs and "
                f"the URL is right (or use a SQLite file with --db PATH)."
            ) from exc
        if migrate:
            store.migrate()
        else:
            store.check_schema()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # -- schema ----------------------------------------------------------------------------------

    def _alembic(self, connection: Connection):  # type: ignore[no-untyped-def]
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def schema_revision(self) -> tuple[str | None, str]:
        """(revision of the database, newest revision this code knows)."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            head = ScriptDirectory.from_config(self._alembic(conn)).get_current_head()
        assert head is not None
        return current, head

    def check_schema(self) -> None:
        current, head = self.schema_revision()
        if current != head:
            raise SchemaError(
                f"The database {self.url} is at schema revision {current or 'none'}, this kharita "
                f"expects {head}. Run: kharita db migrate --db {self.url}"
            )

    def migrate(self) -> str:
        """Bring the schema to the newest revision; returns it. Safe to call on every open."""
        from alembic import command
        from alembic.script import ScriptDirectory

        current, head = self.schema_revision()
        if current == head:
            return head
        known = {s.revision for s in ScriptDirectory.from_config(self._alembic(None)).walk_revisions()}  # type: ignore[arg-type]
        if current is not None and current not in known:
            raise SchemaError(
                f"The database {self.url} is at schema revision {current}, which this kharita does not "
                f"know (a newer kharita wrote it). Upgrade kharita, or use another --db."
            )
        log.info("migrating %s from %s to %s", self.url, current or "empty", head)
        with self.engine.connect() as conn:
            if self.backend == "sqlite":
                # SQLite alters a table by copying it and dropping the old one; with foreign keys
                # on, that drop would cascade into event_sources and empty it. The pragma only
                # takes effect outside a transaction, so it is set around the migration's.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    # Several processes opening a fresh database at once: the first migrates, the
                    # others wait for it and find the schema at head (alembic reads the revision
                    # after the lock is taken).
                    if self.backend == "postgresql":
                        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7402113)")
                    else:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    command.upgrade(self._alembic(conn), "head")
            finally:
                if self.backend == "sqlite":
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
        return head

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Group writes into one transaction: all of them are stored, or none. Nested calls join
        the outer transaction. A database error rolls it back and is raised as a StoreError; use
        `run_transaction` for work that should be tried again when the database allows."""
        if self.in_transaction:
            yield self
            return
        try:
            with self._write():
                yield self
        except OperationalError as exc:
            raise self._error(exc) from exc

    def run_transaction(self, work: Callable[["Store"], T]) -> T:
        """`work(store)` in one transaction, run again from the start (up to ATTEMPTS times, with
        backoff) when the database says a second try may succeed: SQLite busy past its timeout,
        a PostgreSQL serialization failure or deadlock, or a dropped connection (the next try
        gets a fresh one). `work` must be safe to run again: it rereads what it needs, and the
        failed try left nothing behind. Inside another transaction it just joins it, and the
        outer transaction's owner decides about retrying."""
        if self.in_transaction:
            return work(self)

        def attempt() -> T:
            with self._write():
                return work(self)

        return self._retrying(attempt)

    @property
    def in_transaction(self) -> bool:
        """Whether this thread has a transaction open (`transaction`, `run_transaction`)."""
        return getattr(self._local, "conn", None) is not None

    def lock(self, names: Iterable[str]) -> None:
        """Hold these named locks until the open transaction ends, so that writers touching the
        same names take turns. They are taken in one order (by key), in one statement, so two
        writers cannot deadlock on them. PostgreSQL: advisory transaction locks (a name is hashed
        to 32 bits; a collision only makes two writers wait for each other). SQLite: nothing to do, since its
        write transaction (BEGIN IMMEDIATE) already excludes every other writer. Outside a
        transaction there is nothing to hold them for, and it does nothing."""
        if self.backend != "postgresql" or not self.in_transaction:
            return
        keys = sorted({_lock_key(name) for name in names})
        if not keys:
            return
        with self._connection() as conn:
            # one round trip for them all: unnest yields the sorted keys, and they are locked, in
            # that order
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(space)s, k) FROM unnest(%(keys)s::integer[]) AS k",
                                 {"space": LOCK_SPACE, "keys": keys}).all()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction on a connection of its own, used by every store call in this thread
        until it ends. SQLite: BEGIN IMMEDIATE takes the write lock first (waiting up to the busy
        timeout for another writer), so what the transaction reads cannot change before it writes,
        and a deferred transaction cannot fail halfway when it first writes."""
        with self.engine.begin() as conn:
            if self.backend == "sqlite":                  # pysqlite would BEGIN only at the first write
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """The open transaction's connection, else one for reading (no write lock taken)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as conn:
            yield conn

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """attempt(), again after a pause while the error it raises is transient (see `_transient`)
        and tries are left; then a StoreError that says what to do. The one place that retries."""
        delay = RETRY_DELAY
        for n in range(1, ATTEMPTS + 1):
            try:
                return attempt()
            except DBAPIError as exc:
                transient = _transient(exc)
                if transient is None:
                    if isinstance(exc, OperationalError):
                        raise self._error(exc) from exc
                    raise
                if n == ATTEMPTS:
                    raise self._error(exc, tries=n) from exc
                pause = delay * random.uniform(0.5, 1.5)
                log.warning("%s on %s (%s); trying again in %.2f s (try %d of %d)",
                            transient, self.url, _first_line(exc), pause, n + 1, ATTEMPTS)
                time.sleep(pause)
                delay = min(2 * delay, RETRY_MAX_DELAY)
        raise AssertionError("unreachable")    # pragma: no cover - the loop returns or raises

    def _error(self, exc: DBAPIError, *, tries: int = 1) -> StoreError:
        """The StoreError for a database error, with what to do about it."""
        transient = _transient(exc)
        reason = _first_line(exc)
        if transient == LOST_CONNECTION:
            in_a_row = f", {tries} tries in a row" if tries > 1 else ""
            return StoreConnectionError(
                f"Lost the connection to {self.url} ({reason}){in_a_row}. "
                f"Check that the server is up and reachable, then run the same command again: reports "
                f"already stored are skipped, and the rest are stored.")
        if transient == BUSY:
            return StoreError(
                f"The database {self.url} stayed locked by another writer ({reason}) through "
                f"{tries} waits of {BUSY_TIMEOUT_MS / 1000:g} s. Let the other process finish (or close the "
                f"tool holding the file), then run again; for many processes writing at once use "
                f"PostgreSQL.")
        if transient == CONFLICT:
            return StoreError(
                f"A transaction on {self.url} conflicted with concurrent writers {tries} times in a "
                f"row ({reason}). Run again: nothing of the failed tries was stored.")
        return StoreError(f"Database error on {self.url}: {reason}. The transaction was rolled back.")

    def _insert(self, table):  # type: ignore[no-untyped-def]
        return (postgresql.insert if self.backend == "postgresql" else sqlite.insert)(table)

    # -- documents -------------------------------------------------------------------------------

    @_read
    def has_document(self, doc_id: str) -> bool:
        with self._connection() as conn:
            found = conn.execute(select(schema.documents.c.id).where(schema.documents.c.id == doc_id))
            return found.first() is not None

    @_read
    def stored_documents(self, doc_ids: Sequence[str]) -> set[str]:
        """Which of these document ids are stored: one query per PAGE ids (a batch's skip check)."""
        ids = list(dict.fromkeys(doc_ids))
        table = schema.documents
        found: set[str] = set()
        with self._connection() as conn:
            for chunk in _chunks(ids, PAGE):
                found.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        return found

    def write_document(self, doc: Document, events: Sequence[Event]) -> bool:
        """Store a document and its events in one transaction. Returns False, writing nothing,
        when the document is already stored (so the same input read twice adds no rows)."""
        with self.transaction(), self._connection() as conn:
            row = _document_row(doc, len(events))
            stmt = (self._insert(schema.documents).values(row).on_conflict_do_nothing(index_elements=["id"])
                    .returning(schema.documents.c.id))
            if conn.execute(stmt).first() is None:     # already stored (maybe by another process)
                return False
            self.upsert_events(events)
            return True

    @_read
    def get_document(self, doc_id: str) -> Document | None:
        with self._connection() as conn:
            row = conn.execute(select(schema.documents).where(schema.documents.c.id == doc_id)).first()
        return _document_from_row(row._mapping) if row else None

    def documents(self, *, after: str | None = None, limit: int | None = None) -> Iterator[Document]:
        """Stored documents, ordered by id, from after the id `after`."""
        table = schema.documents
        remaining = limit
        while remaining is None or remaining > 0:
            size = PAGE if remaining is None else min(PAGE, remaining)
            stmt = select(table).order_by(table.c.id).limit(size)
            if after is not None:
                stmt = stmt.where(table.c.id > after)
            rows = self._rows(stmt)
            for row in rows:
                yield _document_from_row(row._mapping)
            if len(rows) < size:
                return
            after = rows[-1].id
            if remaining is not None:
                remaining -= len(rows)

    @_read
    def count_documents(self) -> int:
        with self._connection() as conn:
            return conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()

    # -- events ----------------------------------------------------------------------------------

    def upsert_events(self, events: Iterable[Event]) -> int:
        """Insert events, replacing any stored event with the same id (and its sources)."""
        events = list(events)
        if not events:
            return 0
        ids = [e.event_id for e in events]
        if len(set(ids)) != len(ids):
            dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
            raise StoreError(f"Two events share the id(s) {', '.join(dupes[:5])}; an event id must be unique.")
        rows, sources, actors, places = [], [], {}, {}
        for ev in events:
            rows.append(_event_row(ev))
            for position, src in enumerate(ev.sources):
                data = source_to_dict(src)
                sources.append({
                    **{k: v for k, v in data.items() if k != "published"},
                    "event_id": ev.event_id, "position": position, "published": src.published,
                })
            for actor in (ev.actor1, ev.actor2):
                if actor is not None:
                    actors[actor.name] = {"name": actor.name, "actor_type": actor.actor_type.value,
                                          "country": actor.country, "parent": actor.parent, "new": actor.new}
            places[ev.place.key] = _place_row(ev.place)
        with self.transaction(), self._connection() as conn:
            self._replace(conn, ids)
            acled_ids.assign(conn, rows)                 # ACLED's event_id_cnty: given once, kept
            conn.execute(insert(schema.events), rows)
            if sources:
                conn.execute(insert(schema.event_sources), sources)
            # in key order: two writers inserting the same new actors or places then wait for
            # each other in one order, never in a cycle (a deadlock on PostgreSQL)
            conn.execute(self._insert(schema.actors).on_conflict_do_nothing(index_elements=["name"]),
                         [actors[k] for k in sorted(actors)])
            conn.execute(self._insert(schema.places).on_conflict_do_nothing(index_elements=["key"]),
                         [places[k] for k in sorted(places)])
        return len(rows)

    def delete_events(self, event_ids: Iterable[str]) -> int:
        """Delete events (and their sources) by id; returns how many were stored. Each goes on the
        deletions feed (kharita.store.deletions), so clients keeping a copy drop it too."""
        ids = list(event_ids)
        with self.transaction(), self._connection() as conn:
            deletions.record(conn, ids)
            return self._delete_events(conn, ids)

    def _replace(self, conn: Connection, ids: list[str]) -> None:
        """Remove the stored events with these ids, about to be written again (merge rewrites the
        events it adds a report to), their sources with them (ON DELETE CASCADE): one statement
        (per PAGE ids), which finds nothing when, as for most new events, none is stored."""
        for chunk in _chunks(ids, PAGE):
            conn.execute(delete(schema.events).where(schema.events.c.event_id.in_(chunk)))

    def _delete_events(self, conn: Connection, ids: list[str]) -> int:
        removed = 0
        for chunk in _chunks(ids, PAGE):
            conn.execute(delete(schema.event_sources).where(schema.event_sources.c.event_id.in_(chunk)))
            removed += conn.execute(delete(schema.events).where(schema.events.c.event_id.in_(chunk))).rowcount
        return removed

    @_read
    def get_event(self, event_id: str) -> Event | None:
        with self._connection() as conn:
            row = conn.execute(select(schema.events).where(schema.events.c.event_id == event_id)).first()
            if row is None:
                return None
            return self._events_from_rows(conn, [row])[0]

    def iter_events(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        event_types: Sequence[str] = (),
        sub_types: Sequence[str] = (),
        actor: str | None = None,
        certainty: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        q: str | None = None,
        after: str | tuple[dt.date | str | None, str] | None = None,
        limit: int | None = None,
        document_id: str | None = None,
    ) -> Iterator[Event]:
        """Events matching every given filter, ordered by (event_date, event_id), undated last.

        `after` is a keyset cursor: an event id (or an (event_date, event_id) pair, with None for
        an undated event) to continue after. Dated and undated events are two keyset scans, one
        after the other, so each follows an index on both backends (SQLite sorts NULL first,
        PostgreSQL last). `since` and `until` leave undated events out. `bbox` is (min_lon,
        min_lat, max_lon, max_lat). `actor` matches actor1, actor2 or the associated actors,
        case-insensitively, by substring; `q` searches notes, location and actors the same way.
        """
        where = self._filters(since=since, until=until, event_types=event_types, sub_types=sub_types,
                              actor=actor, certainty=certainty, bbox=bbox, q=q, document_id=document_id)
        cursor = self._cursor(after)
        table = schema.events
        dated = cursor is None or cursor[0] is not None     # which of the two scans we are in
        remaining = limit
        while remaining is None or remaining > 0:
            size = PAGE if remaining is None else min(PAGE, remaining)
            if dated:
                stmt = (select(table).where(*where, table.c.event_date.is_not(None))
                        .order_by(table.c.event_date, table.c.event_id).limit(size))
                if cursor is not None:
                    stmt = stmt.where(tuple_(table.c.event_date, table.c.event_id) > tuple_(*cursor))
            else:
                stmt = (select(table).where(*where, table.c.event_date.is_(None))
                        .order_by(table.c.event_id).limit(size))
                if cursor is not None:
                    stmt = stmt.where(table.c.event_id > cursor[1])
            rows, events = self._events_page(stmt)
            yield from events
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < size:
                if not dated or since is not None or until is not None:
                    return
                dated, cursor = False, None                  # the dated are done: the undated next
                continue
            cursor = (rows[-1].event_date, rows[-1].event_id)

    @_read
    def count_events(self, **filters: Any) -> int:
        """How many events `iter_events` would give for the same filters (without after/limit)."""
        filters.pop("after", None)
        filters.pop("limit", None)
        with self._connection() as conn:
            stmt = select(func.count()).select_from(schema.events).where(*self._filters(**filters))
            return conn.execute(stmt).scalar_one()

    @_read
    def events_near(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        date_from: dt.date,
        date_to: dt.date,
        sub_types: Sequence[str] = (),
    ) -> list[Event]:
        """Events within `radius_km` of a point and between two dates (inclusive): the merge
        stage's candidates. A bounding box narrows in SQL, the great-circle distance decides."""
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(0.01, math.cos(math.radians(lat))))
        table = schema.events
        where = [
            table.c.event_date >= date_from, table.c.event_date <= date_to,
            table.c.latitude.between(lat - dlat, lat + dlat),
            table.c.longitude.between(lon - dlon, lon + dlon),
        ]
        if sub_types:
            where.append(table.c.sub_event_type.in_([str(s) for s in sub_types]))
        stmt = select(table).where(*where).order_by(table.c.event_date, table.c.event_id)
        with self._connection() as conn:
            rows = [r for r in conn.execute(stmt).all()
                    if distance_km(lat, lon, r.latitude, r.longitude) <= radius_km]
            return self._events_from_rows(conn, rows)

    @_read
    def events_near_by_precision(
        self,
        lat: float,
        lon: float,
        day: dt.date | None,
        *,
        radius_km: Mapping[int, float],
        window_days: Mapping[int, int],
        sub_types: Sequence[str] = (),
        place_key: str | None = None,
    ) -> list[Event]:
        """Events near a point and a day, where "near" depends on each stored event's own precision:
        one of geo precision p counts within radius_km[p] km (or anywhere, if it has `place_key`),
        one of time precision t within window_days[t] days. The merge stage's candidates, for one
        search (`events_near_each` for many). An undated event (day None) has no candidates, and
        an undated stored event is never one (NULL is in no window)."""
        search = NearSearch(lat, lon, day, radius_km=radius_km, window_days=window_days,
                            sub_types=tuple(sub_types), place_key=place_key)
        with self._connection() as conn:
            return self._near_each(conn, [search])[0]

    @_read
    def events_near_each(self, searches: Sequence[NearSearch], *, sources: bool = True) -> list[list[Event]]:
        """`events_near_by_precision` for each search (merge: the events of one report), ordered by
        (event_date, event_id) within each. One statement answers them all (`_near_each_statement`;
        one per KEYS_PER_STATEMENT blocking keys), then one more reads the sources of what it
        found. An event that two searches find is built once. With `sources` False the events
        come without their sources (an empty tuple), for a caller that needs them only for the
        few it keeps (`with_sources`)."""
        with self._connection() as conn:
            return self._near_each(conn, searches, sources=sources)

    def _near_each(self, conn: Connection, searches: Sequence[NearSearch], *,
                   sources: bool = True) -> list[list[Event]]:
        found: list[list[Any]] = [[] for _ in searches]
        rows: dict[str, Any] = {}
        keys = [key for i, search in enumerate(searches) if search.day is not None
                for key in _search_keys(i, search)]
        for chunk in _chunks(keys, KEYS_PER_STATEMENT):
            stmt, params = _near_each_statement(self.backend, len(chunk)), _key_params(self.backend, chunk)
            for row in conn.execute(stmt, params).all():
                search = searches[row.search]
                if row.place_key == search.place_key or distance_km(
                        search.lat, search.lon, row.latitude, row.longitude) <= search.radius_km.get(
                        row.geo_precision, 0.0):
                    found[row.search].append(row)
                    rows.setdefault(row.event_id, row)
        events = {e.event_id: e for e in self._events_from_rows(conn, list(rows.values()), sources=sources)}
        return [[events[r.event_id] for r in sorted(hits, key=lambda r: (r.event_date, r.event_id))]
                for hits in found]

    @_read
    def candidates_near_each(self, searches: Sequence[NearSearch]) -> list[list[Candidate]]:
        """What `events_near_each` finds for each search, but only what merge's rules that need no
        sources read of each event (a `Candidate`: `_CANDIDATE_COLUMNS`), in one statement (per
        KEYS_PER_STATEMENT blocking keys), run as the driver's SQL text compiled once
        (`_candidates_sql`). Merge reads the few that pass those rules whole (`events_by_id`)."""
        found: list[list[Any]] = [[] for _ in searches]
        built: dict[str, Candidate] = {}
        keys = [key for i, search in enumerate(searches) if search.day is not None
                for key in _search_keys(i, search)]
        sqlite_dates = self.backend == "sqlite"
        with self._connection() as conn:
            for chunk in _chunks(keys, KEYS_PER_STATEMENT):
                sql = _candidates_sql(self.backend, len(chunk))
                if sqlite_dates:         # the driver's values, as SQLAlchemy's Date binds them
                    params: Any = tuple(v.isoformat() if isinstance(v, dt.date) else v
                                        for key in chunk for v in key)
                else:
                    params = _key_params(self.backend, chunk)
                for row in conn.exec_driver_sql(sql, params).all():
                    event_id, lat, lon, precision, place_key, n = row[0], row[4], row[5], row[6], row[7], row[-1]
                    search = searches[n]
                    if place_key == search.place_key or distance_km(
                            search.lat, search.lon, lat, lon) <= search.radius_km.get(precision, 0.0):
                        candidate = built.get(event_id)
                        if candidate is None:
                            candidate = built[event_id] = _candidate(row)
                        found[n].append(candidate)
        return [sorted(hits, key=_date_and_id) for hits in found]

    @_read
    def events_by_id(self, event_ids: Sequence[str]) -> list[Event]:
        """The stored events with these ids, whole and with their sources, in the ids' order (an id
        that is not stored is left out): one statement (per PAGE ids), the events joined to their
        sources."""
        ids = list(dict.fromkeys(event_ids))
        stmt, source_names = _by_id_statement()
        n_event, at = len(schema.events.c), list(schema.events.c.keys()).index("event_id")
        rows: dict[str, dict[str, Any]] = {}
        sources: dict[str, list[dict[str, Any]]] = {}
        with self._connection() as conn:
            for chunk in _chunks(ids, PAGE):
                for r in conn.execute(stmt, {"ids": chunk}):
                    event_id = r[at]
                    if event_id not in rows:
                        rows[event_id] = dict(zip(r._fields[:n_event], r[:n_event]))
                        sources[event_id] = []
                    if r[n_event] is not None:          # its position: the event has a source
                        sources[event_id].append(dict(zip(source_names, r[n_event:])))
        return [_event_from_row(rows[i], sources[i]) for i in ids if i in rows]

    @_read
    def event_ids_for_document(self, doc_id: str) -> list[str]:
        src = schema.event_sources
        with self._connection() as conn:
            stmt = select(src.c.event_id).where(src.c.document_id == doc_id).distinct().order_by(src.c.event_id)
            return list(conn.execute(stmt).scalars())

    @_read
    def _cursor(
        self, after: str | tuple[dt.date | str | None, str] | None,
    ) -> tuple[dt.date | None, str] | None:
        if after is None:
            return None
        if isinstance(after, tuple):
            day, event_id = after
            return (None if day is None else _as_date(day), event_id)
        with self._connection() as conn:
            stmt = select(schema.events.c.event_date).where(schema.events.c.event_id == after)
            row = conn.execute(stmt).first()
        if row is None:
            raise StoreError(f"Unknown cursor {after!r}: no stored event has that id. Start again without it.")
        return (row.event_date, after)

    def _filters(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        event_types: Sequence[str] = (),
        sub_types: Sequence[str] = (),
        actor: str | None = None,
        certainty: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        q: str | None = None,
        document_id: str | None = None,
    ) -> list[Any]:
        table = schema.events
        where: list[Any] = []
        if since is not None:
            where.append(table.c.event_date >= _as_date(since))
        if until is not None:
            where.append(table.c.event_date <= _as_date(until))
        if event_types:
            where.append(table.c.event_type.in_([str(t) for t in event_types]))
        if sub_types:
            where.append(table.c.sub_event_type.in_([str(t) for t in sub_types]))
        if certainty:
            where.append(table.c.certainty.in_([str(c) for c in certainty]))
        # a substring as written: autoescape makes % and _ in it literal, not LIKE wildcards
        if actor:
            where.append(or_(*(func.lower(c).contains(actor.lower(), autoescape=True) for c in (
                table.c.actor1, table.c.actor2, table.c.assoc_actor_1, table.c.assoc_actor_2))))
        if q:
            where.append(or_(*(func.lower(c).contains(q.lower(), autoescape=True) for c in (
                table.c.notes, table.c.location, table.c.actor1, table.c.actor2, table.c.admin1))))
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            if min_lat > max_lat:
                raise StoreError(f"Bad bbox {bbox}: it is (min_lon, min_lat, max_lon, max_lat).")
            lon = (table.c.longitude.between(min_lon, max_lon) if min_lon <= max_lon   # crossing 180°
                   else or_(table.c.longitude >= min_lon, table.c.longitude <= max_lon))
            where.append(and_(table.c.latitude.between(min_lat, max_lat), lon))
        if document_id:
            src = schema.event_sources
            where.append(table.c.event_id.in_(select(src.c.event_id).where(src.c.document_id == document_id)))
        return where

    @_read
    def _rows(self, stmt: Any) -> list[Any]:
        """One page of rows (`documents`)."""
        with self._connection() as conn:
            return list(conn.execute(stmt).all())

    @_read
    def _events_page(self, stmt: Any) -> tuple[list[Any], list[Event]]:
        """One page of event rows and their Events (`iter_events`)."""
        with self._connection() as conn:
            rows = list(conn.execute(stmt).all())
            return rows, self._events_from_rows(conn, rows)

    def _events_from_rows(self, conn: Connection, rows: Sequence[Any], *, sources: bool = True) -> list[Event]:
        """Events of these rows, with their sources (without, when `sources` is False)."""
        if not rows:
            return []
        by_event = self._source_rows(conn, [r.event_id for r in rows]) if sources else {}
        return [_event_from_row(r._mapping, by_event.get(r.event_id, [])) for r in rows]

    def _source_rows(self, conn: Connection, event_ids: list[str]) -> dict[str, list[Any]]:
        """The event_sources rows of these events, by event id, in position order."""
        src = schema.event_sources
        by_event: dict[str, list[Any]] = {}
        for chunk in _chunks(event_ids, PAGE):
            stmt = select(src).where(src.c.event_id.in_(chunk)).order_by(src.c.event_id, src.c.position)
            for s in conn.execute(stmt).all():
                by_event.setdefault(s.event_id, []).append(s._mapping)
        return by_event

    @_read
    def with_sources(self, events: Sequence[Event]) -> list[Event]:
        """These events (read with `events_near_each(..., sources=False)`) with their stored sources,
        read in one query (per PAGE events)."""
        with self._connection() as conn:
            by_event = self._source_rows(conn, [e.event_id for e in events])
        return [dataclasses.replace(e, sources=tuple(source_from_dict(_source_record(s))
                                                     for s in by_event.get(e.event_id, [])))
                for e in events]

    # -- control ---------------------------------------------------------------------------------

    def write_control_changes(self, changes: Iterable[ControlChange]) -> int:
        """Replace every stored control change with these (control is recomputed as a whole)."""
        rows = [{
            "place_key": c.place.key, "place": place_to_dict(c.place), "date": c.date,
            "time_precision": int(c.time_precision), "new_controller": c.new_controller,
            "previous_controller": c.previous_controller, "event_ids": list(c.event_ids),
            "certainty": c.certainty.value,
        } for c in changes]

        def replace(store: Store) -> int:
            with store._connection() as conn:
                # Two refreshes at once on PostgreSQL would each delete only the rows committed
                # before it began, and both insert theirs: the second waits for the first instead.
                store.lock(["control_changes"])
                conn.execute(delete(schema.control_changes))
                if rows:
                    conn.execute(insert(schema.control_changes), rows)
            return len(rows)

        return self.run_transaction(replace)

    @_read
    def control_changes(self, place_key: str | None = None) -> list[ControlChange]:
        """Stored control changes, by place and date; only one place's when `place_key` is given."""
        table = schema.control_changes
        stmt = select(table).order_by(table.c.place_key, table.c.date, table.c.id)
        if place_key is not None:
            stmt = stmt.where(table.c.place_key == place_key)
        with self._connection() as conn:
            rows = conn.execute(stmt).all()
        return [ControlChange(
            place=place_from_dict(_json(r.place)), date=r.date, new_controller=r.new_controller,
            time_precision=TimePrecision(r.time_precision), previous_controller=r.previous_controller,
            event_ids=tuple(_json(r.event_ids)), certainty=Certainty(r.certainty),
        ) for r in rows]

    # -- overview --------------------------------------------------------------------------------

    @_read
    def stats(self) -> dict[str, Any]:
        """Counts: documents, events, events by event type, sub-event type and ISO week, and
        how many events have no known date (in no week)."""
        table = schema.events
        with self._connection() as conn:
            n_docs = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
            by_type = dict(conn.execute(select(table.c.event_type, func.count()).group_by(table.c.event_type)).all())
            by_sub = dict(conn.execute(
                select(table.c.sub_event_type, func.count()).group_by(table.c.sub_event_type)).all())
            by_day = conn.execute(select(table.c.event_date, func.count()).group_by(table.c.event_date)).all()
        weeks: Counter[str] = Counter()
        undated = 0
        for day, n in by_day:
            if day is None:
                undated += n
                continue
            year, week, _ = _as_date(day).isocalendar()
            weeks[f"{year}-W{week:02d}"] += n
        return {
            "documents": n_docs,
            "events": sum(by_type.values()),
            "by_event_type": dict(sorted(by_type.items())),
            "by_sub_event_type": dict(sorted(by_sub.items())),
            "by_week": dict(sorted(weeks.items())),
            "undated": undated,
        }


#: The columns of a blocking key (`_search_keys`): the search's number, one sub-event type, one
#: stored time precision with its date window, the widest box, a box per stored geo precision
#: (NULL: none of that precision is near, unless at the place key), and the place key.
_BOX = ("lat0", "lat1", "lon0", "lon1")
_KEY_COLUMNS = (
    column("search", Integer), column("sub_event_type", String), column("time_precision", Integer),
    column("day0", Date), column("day1", Date), *(column(c, Float) for c in _BOX),
    *(column(f"g{int(p)}_{c}", Float) for p in GeoPrecision for c in _BOX), column("place_key", Text),
)


def _search_keys(n: int, search: NearSearch) -> list[tuple[Any, ...]]:
    """The blocking keys of search number n: one per sub-event type (every type when it names
    none) and stored time precision, each with the date window of that precision and the boxes
    of the point at each geo precision's radius."""
    assert search.day is not None
    day, lat, lon = search.day, search.lat, search.lon
    coslat = max(0.01, math.cos(math.radians(lat)))

    def box(km: float | None) -> tuple[float | None, ...]:
        if km is None:
            return (None, None, None, None)
        dlat, dlon = km / 111.32, km / (111.32 * coslat)
        return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)

    unknown = set(search.radius_km) - set(GeoPrecision)
    if unknown:
        raise StoreError(f"Unknown geo precision(s) {sorted(unknown)} in a search: use 1, 2 or 3.")
    place = (*box(max(search.radius_km.values())),
             *(v for p in GeoPrecision for v in box(search.radius_km.get(p))), search.place_key)
    types = [str(t) for t in search.sub_types] or [t.value for t in SubEventType]
    return [(n, sub, int(t), shift_day(day, -days), shift_day(day, days), *place)
            for t, days in sorted(search.window_days.items()) for sub in types]


def _key_params(backend: str, keys: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The bind parameters of `_near_each_statement` for these keys: an array per column on
    PostgreSQL, a parameter per column and key (k{i}_{column}) on SQLite."""
    if backend == "postgresql":
        return {c.name: list(values) for c, values in zip(_KEY_COLUMNS, zip(*keys))}
    return {f"k{k}_{c.name}": v for k, key in enumerate(keys) for c, v in zip(_KEY_COLUMNS, key)}


@functools.lru_cache(maxsize=64)
def _near_each_statement(backend: str, n_keys: int, columns: tuple[str, ...] | None = None) -> Any:
    """The SELECT of Store.events_near_each for n blocking keys (`_search_keys`, bound by
    `_key_params`): the keys as a table, each joined to the events it blocks by a range scan of
    ix_events_merge on (sub-event type, time precision, date window), with the widest box and
    each geo precision's box (or the place key) tested in the index, so only real candidates are
    read from the table; a key's search number tags each row. One statement for a whole batch
    of searches, built once per backend and (SQLite) number of keys.

    The table of keys: on PostgreSQL, unnest() of one array per column (one statement text for
    any number of keys, planned as a nested loop over the keys; a UNION ALL of one-row SELECTs
    there gets a parallel plan whose workers take longer to start than the whole search); on
    SQLite, a CTE of one-row SELECTs, one per key (SQLAlchemy compiles a VALUES list anew at
    every run, these once). `columns`: only these columns of the events (and the search number),
    instead of all of them."""
    table = schema.events
    if backend == "postgresql":
        arrays = [cast(bindparam(c.name, type_=postgresql.ARRAY(c.type)), postgresql.ARRAY(c.type))
                  for c in _KEY_COLUMNS]
        s = func.unnest(*arrays).table_valued(*(column(c.name, c.type) for c in _KEY_COLUMNS)).render_derived()
    else:
        def bound(k: int, col: Any) -> Any:
            return bindparam(f"k{k}_{col.name}", type_=col.type).label(col.name)

        rows = [select(*(bound(k, col) for col in _KEY_COLUMNS)) for k in range(n_keys)]
        s = (union_all(*rows) if n_keys > 1 else rows[0]).cte("search_keys")

    def within(prefix: str) -> Any:
        return and_(table.c.latitude.between(s.c[f"{prefix}lat0"], s.c[f"{prefix}lat1"]),
                    table.c.longitude.between(s.c[f"{prefix}lon0"], s.c[f"{prefix}lon1"]))

    # the precisions as literals: the statement's only bind parameters are the keys' columns
    places = or_(*(and_(table.c.geo_precision == literal_column(str(int(p))), within(f"g{int(p)}_"))
                   for p in GeoPrecision),
                 table.c.place_key == s.c.place_key)
    blocked = and_(table.c.sub_event_type == s.c.sub_event_type, table.c.time_precision == s.c.time_precision,
                   table.c.event_date.between(s.c.day0, s.c.day1), within(""), places)
    selected = [table] if columns is None else [table.c[c] for c in columns]
    return select(*selected, s.c.search).select_from(s).join(table, blocked)


@functools.cache
def _by_id_statement() -> tuple[Any, list[str]]:
    """The SELECT of `Store.events_by_id` (bound: `ids`, a list), built once, and the names of
    the source columns it reads after the events' (labelled source_<name>)."""
    table, src = schema.events, schema.event_sources
    source_names = [c.name for c in src.c if c.name != "event_id"]
    stmt = (select(table, *(src.c[c].label(f"source_{c}") for c in source_names))
            .outerjoin(src, src.c.event_id == table.c.event_id)
            .where(table.c.event_id.in_(bindparam("ids", expanding=True)))
            .order_by(table.c.event_id, src.c.position))
    return stmt, source_names


#: What `Store.candidates_near_each` reads of a candidate: what merge's rules that need no sources
#: read (`kharita.merge.cluster.Candidate`). Its filter reads the columns 4 to 7 by position.
_CANDIDATE_COLUMNS = ("event_id", "sub_event_type", "event_date", "time_precision", "latitude", "longitude",
                      "geo_precision", "place_key", "actor1", "actor1_parent", "actor2", "actor2_parent",
                      "territory_new_controller")


@functools.lru_cache(maxsize=64)
def _candidates_sql(backend: str, n_keys: int) -> str:
    """`_near_each_statement` of n keys for `Store.candidates_near_each`, as the driver's SQL
    text, compiled once: its parameters are the keys' values in order (SQLite: qmark) or
    `_key_params` (PostgreSQL: one array per column), so a run skips SQLAlchemy's compiled-cache
    lookup and its binding of 22 parameters a key."""
    dialect = pysqlite.dialect() if backend == "sqlite" else pg_psycopg.dialect()
    compiled = _near_each_statement(backend, n_keys, _CANDIDATE_COLUMNS).compile(dialect=dialect)
    if backend == "sqlite":
        expected = [f"k{k}_{c.name}" for k in range(n_keys) for c in _KEY_COLUMNS]
        assert list(compiled.positiontup or ()) == expected, "the keys' parameters out of order"
    return str(compiled)


_SUB_EVENT_TYPES = {t.value: t for t in SubEventType}
_GEO_PRECISIONS = {int(p): p for p in GeoPrecision}
_TIME_PRECISIONS = {int(t): t for t in TimePrecision}


def _candidate(row: Sequence[Any]) -> Candidate:
    """A Candidate of a row of `_CANDIDATE_COLUMNS`, read as `_event_from_row` reads them."""
    (event_id, sub, day, time_precision, lat, lon, geo_precision, place_key,
     actor1, parent1, actor2, parent2, controller) = row[:13]
    return Candidate(
        event_id, _SUB_EVENT_TYPES[sub], _as_date(day), _TIME_PRECISIONS[time_precision],
        Spot(place_key, float(lat), float(lon), _GEO_PRECISIONS[geo_precision]), Side(actor1, parent1),
        Side(actor2, parent2) if actor2 else None, Held(controller) if controller else None)


def _date_and_id(candidate: Candidate) -> tuple[dt.date, str]:
    return (candidate.event_date, candidate.event_id)  # type: ignore[return-value]


# -- rows ----------------------------------------------------------------------------------------


def _event_row(ev: Event) -> dict[str, Any]:
    record = to_record(ev)
    record.pop("sources")
    record["event_date"] = ev.event_date
    record["place_approximate"] = bool(record["place_approximate"])
    place = ev.place
    record.update(
        place_key=place.key, place_wof_id=place.wof_id, place_feature_class=place.feature_class,
        place_population=place.population, actor1_parent=ev.actor1.parent, actor1_new=ev.actor1.new,
        actor2_parent=ev.actor2.parent if ev.actor2 else None,
        actor2_new=ev.actor2.new if ev.actor2 else False,
    )
    return record


def _source_record(source: Any) -> dict[str, Any]:
    """An event_sources row as `kharita.record.source_from_dict` reads it."""
    return {
        **{k: source[k] for k in ("document_id", "external_id", "url", "outlet", "title", "fatalities",
                                  "certainty", "confidence", "coder_version")},
        "published": source["published"].isoformat() if source["published"] else None,
        "evidence": _json(source["evidence"]),
    }


def _event_from_row(row: Any, sources: list[Any]) -> Event:
    record = dict(row)
    record["sources"] = [_source_record(s) for s in sources]
    ev = from_record(record)
    # the columns the record leaves out, set only where they differ from what it gave: merge
    # reads every candidate through here, and most have no parent force and no WOF id
    place, actor1, actor2 = ev.place, ev.actor1, ev.actor2
    wof_id, feature_class, population = row["place_wof_id"], row["place_feature_class"], row["place_population"] or 0
    if (wof_id, feature_class, population) != (place.wof_id, place.feature_class, place.population):
        place = dataclasses.replace(place, wof_id=wof_id, feature_class=feature_class, population=population)
    if (row["actor1_parent"], bool(row["actor1_new"])) != (actor1.parent, actor1.new):
        actor1 = dataclasses.replace(actor1, parent=row["actor1_parent"], new=bool(row["actor1_new"]))
    if actor2 is not None and (row["actor2_parent"], bool(row["actor2_new"])) != (actor2.parent, actor2.new):
        actor2 = dataclasses.replace(actor2, parent=row["actor2_parent"], new=bool(row["actor2_new"]))
    if place is ev.place and actor1 is ev.actor1 and actor2 is ev.actor2:
        return ev
    return dataclasses.replace(ev, place=place, actor1=actor1, actor2=actor2)


def _place_row(place: Place) -> dict[str, Any]:
    return {
        "key": place.key, "name": place.name, "country_code": place.country_code, "latitude": place.lat,
        "longitude": place.lon, "geonameid": place.geonameid, "wof_id": place.wof_id,
        "feature_class": place.feature_class, "feature_code": place.feature_code, "admin1": place.admin1,
        "admin2": place.admin2, "admin3": place.admin3, "population": place.population,
        "approximate": place.approximate, "source": place.source,
    }


def _document_row(doc: Document, n_events: int) -> dict[str, Any]:
    return {
        "id": doc.id, "external_id": doc.external_id, "url": doc.url, "outlet": doc.outlet,
        "title": doc.title, "published": doc.published, "language": doc.language, "origin": doc.origin,
        "text": doc.text, "n_events": n_events, "ingested_at": dt.datetime.now(dt.UTC),
    }


def _document_from_row(row: Any) -> Document:
    return Document(
        id=row["id"], text=row["text"], external_id=row["external_id"], url=row["url"], outlet=row["outlet"],
        title=row["title"], published=row["published"], language=row["language"], origin=row["origin"],
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise StoreError(f"Bad date {value!r}: use YYYY-MM-DD.") from exc


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# -- transient errors ----------------------------------------------------------------------------

LOST_CONNECTION = "lost the connection"
BUSY = "database is locked"
CONFLICT = "conflict with a concurrent transaction"

#: SQLite primary result codes (the low byte of an extended code) worth a second try.
_SQLITE_RETRY = frozenset({5, 6})                 # SQLITE_BUSY, SQLITE_LOCKED
#: PostgreSQL SQLSTATEs of a transaction that may succeed when run again from the start.
_PG_CONFLICT = frozenset({"40001", "40P01"})      # serialization_failure, deadlock_detected
#: ... and of a connection that is gone: class 08, admin or crash shutdown, cannot connect now.
_PG_LOST = ("08", "57P01", "57P02", "57P03")


def _transient(exc: DBAPIError) -> str | None:
    """Why a database error may go away on a second try (one of the three reasons above), or
    None when trying again would fail the same way (a constraint, a bad statement, a full disk)."""
    if exc.connection_invalidated:                # SQLAlchemy saw the connection die
        return LOST_CONNECTION
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return BUSY if code & 0xFF in _SQLITE_RETRY else None
    state = getattr(orig, "sqlstate", None) or ""
    if state in _PG_CONFLICT:
        return CONFLICT
    if state.startswith(_PG_LOST):
        return LOST_CONNECTION
    return None


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc.orig or exc).__name__


def _lock_key(name: str) -> int:
    """A lock name as a signed 32-bit key of pg_advisory_xact_lock(int, int)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(), "big", signed=True)


#: Bytes of a SQLite file a connection maps into memory (SQLite caps it at its own maximum, 2 GB as
#: built by Python). Reading pages straight from the mapping instead of a read() into the
#: connection's cache takes a fifth less CPU off a page of /api/events at 1M events (1.61 -> 1.26 ms
#: for its two statements, bench/api_load.py); mmap is for reads only: writes and the WAL go
#: through SQLite's usual I/O.
MMAP_BYTES = 1 << 31


#: psycopg's prepare_threshold for the store's connections: a statement is prepared only where the
#: code asks for it (`execute(..., prepare=True)`: the API's reads, kharita.store.reads.fetch), never
#: because it ran a few times (psycopg's default is 5; None would refuse even those asked for).
PREPARE_WHEN_ASKED = 2**62

#: Settings of every PostgreSQL session of the store, sent as it connects: a statement prepared
#: (kharita.store.reads prepares the API's reads) is planned for each run's own values, never by
#: a generic plan that ignores how few events a box and a date range keep.
PG_SESSION = "-c plan_cache_mode=force_custom_plan"


def _pg_options(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    """PG_SESSION among the connection's startup options, after any the URL gives (a search_path):
    set as the session starts, no statement of its own."""
    cparams["options"] = " ".join(filter(None, [cparams.get("options"), PG_SESSION]))


def _pg_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection, checked as it is handed out: one the server ended while it
    sat in the pool (a restart, pg_terminate_backend) has the server's goodbye or the end of the
    stream waiting on its socket, where a live idle one has nothing to read. It is then replaced,
    and every connection the pool opened before it with it, as SQLAlchemy's pool_pre_ping does on
    a failed ping. The ping's SELECT 1 was a round trip on every checkout, and it opened a
    transaction that a read of /api/events then had to roll back (issue 12).
    A connection that dies silently (no FIN: a host gone) is found by the statement, and the
    store's retries take a fresh one (`Store._retrying`)."""
    if dbapi_connection.closed:
        raise InvalidatePoolError("this pooled connection was closed")
    waiting = io_select.poll()                     # poll, not select: any file descriptor number
    waiting.register(dbapi_connection.fileno(), io_select.POLLIN)
    if waiting.poll(0):
        raise InvalidatePoolError("the server closed this pooled connection")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")        # readers do not block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")      # WAL + NORMAL: a killed process loses no commit
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.close()
