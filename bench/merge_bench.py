"""Merge at scale: 100k new events merged into a store that already holds 1M, SQLite and PostgreSQL.

    .venv/bin/python bench/merge_bench.py                         # 1M stored, 100k new, both backends
    .venv/bin/python bench/merge_bench.py --stored 100000 --new 10000 --backends sqlite   # a quick look

The stored events are synthetic and dense like ACLED's Syria and Iraq: --stored events over ten
years (about 270 a day) at 20,000 places in a box over Syria and Iraq, most at the day and the
named place (85% time precision 1, 80% geo precision 1), across the ACLED sub-event types and 16
actors. They are bulk-inserted (indexes built after the load): SQLite with the driver's executemany,
PostgreSQL with COPY. The store is then copied (SQLite: the file; PostgreSQL: CREATE DATABASE ...
TEMPLATE, into databases of the bench's own that it drops at the end), so that both runs below
start from the same 1M.

The new events come in reports of --per-report events. A share --dup of them re-reports a stored
event (same place, type and actors; the same day or the next; another outlet and its own toll); the
rest are new events. Two runs over the same reports, each one transaction per report as the
pipeline writes them:
  (a) baseline: `store.upsert_events(report_events)`, no merge;
  (b) merge: `merge_events(store, report_events)` then `store.upsert_events(result)`.
It prints the command, the machine, both times, the ratio b/a, and how many events (b) merged
(it must be close to the re-reported share: a check that the merge did its work), per backend.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import sqlalchemy

from kharita.merge import merge_events
from kharita.merge.cluster import SameName
from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import TERRITORIAL, ActorType, Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.record import source_to_dict
from kharita.store import Store, schema
from kharita.store.store import _event_row

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"   # trust auth; the bench's databases go beside it
BOX = (29.5, 37.3, 35.8, 48.0)           # min_lat, max_lat, min_lon, max_lon: Syria and Iraq
START = dt.date(2011, 3, 15)
DAYS = 3650
PLACES = 20_000
ACTORS = [Actor(f"Synthetic Force {i:02d}", list(ActorType)[i % 8], "SY") for i in range(16)]
TYPES = [  # (sub-event type, weight): roughly ACLED Syria's mix
    (SubEventType.SHELLING, 30), (SubEventType.ARMED_CLASH, 25), (SubEventType.AIR_DRONE_STRIKE, 20),
    (SubEventType.REMOTE_EXPLOSIVE, 6), (SubEventType.ATTACK, 5), (SubEventType.ARRESTS, 3),
    (SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, 2), (SubEventType.GOVERNMENT_REGAINS_TERRITORY, 2),
    (SubEventType.NON_VIOLENT_TRANSFER, 1), (SubEventType.PEACEFUL_PROTEST, 3),
    (SubEventType.LOOTING, 1), (SubEventType.ABDUCTION, 2),
]


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (f"{platform.platform()} | {cpu} | {os.cpu_count()} cores | Python {platform.python_version()} | "
            f"SQLite {sqlite3.sqlite_version} | SQLAlchemy {sqlalchemy.__version__}")


class World:
    """Places, actors and types; random events drawn from them (numpy for the bulk load)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        lat = self.np.uniform(BOX[0], BOX[1], PLACES)
        lon = self.np.uniform(BOX[2], BOX[3], PLACES)
        precision = self.np.choice([1, 2, 3], PLACES, p=[0.80, 0.15, 0.05])
        self.places = [
            Place(f"Synthetic place {i}", "SY", float(lat[i]), float(lon[i]),
                  precision=GeoPrecision(int(precision[i])), geonameid=10_000_000 + i)
            for i in range(PLACES)
        ]
        self.types = [t for t, _ in TYPES]
        weights = np.array([w for _, w in TYPES], dtype=float)
        self.type_p = weights / weights.sum()
        self.tolls = [None, None, 0, 1, 2, 3, 5, 8, 12, 30]

    def draw(self, n: int) -> dict[str, np.ndarray]:
        """The random parts of n events, as arrays."""
        g = self.np
        first = g.integers(0, len(ACTORS), n)
        return {
            "type": g.choice(len(self.types), n, p=self.type_p),
            "actor1": first,
            "actor2": (first + g.integers(1, len(ACTORS), n)) % len(ACTORS),
            "place": g.integers(0, PLACES, n),
            "day": g.integers(0, DAYS, n),
            "precision": g.choice([1, 2, 3], n, p=[0.85, 0.10, 0.05]),
            "toll": g.integers(0, len(self.tolls), n),
        }

    def event_at(self, drawn: dict[str, np.ndarray], i: int, event_id: str, document_id: str) -> Event:
        return make_event(
            event_id, document_id, self.types[drawn["type"][i]], ACTORS[drawn["actor1"][i]],
            ACTORS[drawn["actor2"][i]], self.places[drawn["place"][i]],
            START + dt.timedelta(days=int(drawn["day"][i])), TimePrecision(int(drawn["precision"][i])),
            self.tolls[drawn["toll"][i]])

    def event(self, event_id: str, document_id: str) -> Event:
        return self.event_at(self.draw(1), 0, event_id, document_id)

    def report_again(self, stored: Event, event_id: str, document_id: str) -> Event:
        """Another outlet's report of a stored event: same place, type and actors; maybe a day off."""
        day = stored.event_date + dt.timedelta(days=self.rng.choice([0, 0, 1]))
        toll = self.rng.choice([None, 1, 4, 10])
        return make_event(event_id, document_id, stored.sub_event_type, stored.actor1, stored.actor2,
                          stored.place, day, stored.time_precision, toll)


def make_event(event_id: str, document_id: str, sub: SubEventType, actor1: Actor, actor2: Actor | None,
               place: Place, day: dt.date, precision: TimePrecision, toll: int | None) -> Event:
    territory = Territory(place.name, actor1.name, actor2.name if actor2 else None) if sub in TERRITORIAL else None
    return Event(
        event_id=event_id, sub_event_type=sub, event_date=day, time_precision=precision,
        actor1=actor1, actor2=actor2, place=place, fatalities=toll, fatalities_low=toll,
        fatalities_best=toll, fatalities_high=toll, territory=territory,
        certainty=Certainty.REPORTED,
        sources=(Source(document_id=document_id, outlet=f"outlet {document_id[-2:]}", fatalities=toll,
                        evidence=(Evidence("trigger", 10, 17, "clashes"), Evidence("location", 30, 42, place.name))),),
    )


def _driver_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


class RowMaker:
    """Store rows for synthetic events, fast: each row is the store's own row of a real Event
    (`_event_row`, so that it reads back as that Event), made once per (type, actor1, actor2) and
    then copied with the per-event columns filled in."""

    PER_EVENT = ("event_id", "event_id_cnty", "event_date", "year", "time_precision", "location", "latitude",
                 "longitude", "geo_precision", "source", "fatalities", "fatalities_low", "fatalities_best",
                 "fatalities_high", "geonameid", "territory_place", "place_key")

    def __init__(self, world: World) -> None:
        self.world = world
        self.event_cols = [c.name for c in schema.events.columns]
        self.source_cols = [c.name for c in schema.event_sources.columns]
        self.slots = [self.event_cols.index(c) for c in self.PER_EVENT]
        self.templates: dict[tuple[int, int, int], list[object]] = {}
        self.source_template: list[object] | None = None

    def sql(self, table: str, cols: list[str]) -> str:
        return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"

    def _template(self, key: tuple[int, int, int]) -> list[object]:
        found = self.templates.get(key)
        if found is None:
            sub, a1, a2 = key
            event = make_event("t", "t", self.world.types[sub], ACTORS[a1], ACTORS[a2], self.world.places[0],
                               START, TimePrecision.DAY, None)
            row = _event_row(event)
            found = self.templates[key] = [_driver_value(row[c]) for c in self.event_cols]
            if self.source_template is None:
                source = {**source_to_dict(event.sources[0]), "event_id": "", "position": 0, "published": None}
                self.source_template = [_driver_value(source[c]) for c in self.source_cols]
        return found

    def rows(self, drawn: dict[str, np.ndarray], begin: int) -> tuple[list[tuple], list[tuple]]:
        world, events, sources = self.world, [], []
        territorial = {i for i, t in enumerate(world.types) if t in TERRITORIAL}
        source_cols = self.source_cols
        for i in range(len(drawn["type"])):
            sub, a1, a2 = int(drawn["type"][i]), int(drawn["actor1"][i]), int(drawn["actor2"][i])
            row = list(self._template((sub, a1, a2)))
            place = world.places[drawn["place"][i]]
            day = START + dt.timedelta(days=int(drawn["day"][i]))
            toll = world.tolls[drawn["toll"][i]]
            event_id, doc = f"s{begin + i:08d}", f"d{begin + i:08d}"
            outlet = f"outlet {doc[-2:]}"
            values = (event_id, event_id, day.isoformat(), day.year, int(drawn["precision"][i]), place.name,
                      round(place.lat, 5), round(place.lon, 5), int(place.precision), outlet, toll, toll, toll,
                      toll, place.geonameid, place.name if sub in territorial else "", place.key)
            for slot, value in zip(self.slots, values):
                row[slot] = value
            events.append(tuple(row))
            source = dict(zip(source_cols, self.source_template or ()))
            source.update(event_id=event_id, document_id=doc, outlet=outlet, fatalities=toll, evidence=json.dumps([
                {"field": "trigger", "start": 10, "end": 17, "text": "clashes"},
                {"field": "location", "start": 30, "end": 42, "text": place.name}]))
            sources.append(tuple(source[c] for c in source_cols))
        return events, sources


def load_stored(target: str, n: int, world: World, chunk: int = 50_000) -> tuple[list[Event], float]:
    """Bulk-insert n synthetic events into a fresh store, the indexes built after the load (SQLite:
    the driver's executemany; PostgreSQL: COPY). Returns a sample of the stored events (for
    re-reports) and the seconds it took."""
    started = time.perf_counter()
    store = Store.open(target)
    indexes = [ix for table in (schema.events, schema.event_sources) for ix in table.indexes]
    with store.engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn)
    maker = RowMaker(world)
    every = max(1, n // 50_000)
    sample: list[Event] = []
    for begin in range(0, n, chunk):
        drawn = world.draw(min(chunk, n - begin))
        event_rows, source_rows = maker.rows(drawn, begin)
        sample.extend(world.event_at(drawn, i, f"s{begin + i:08d}", f"d{begin + i:08d}")
                      for i in range(0, len(event_rows)) if (begin + i) % every == 0)
        with store.engine.begin() as conn:
            if store.backend == "postgresql":
                copy_rows(conn, "events", maker.event_cols, event_rows)
                copy_rows(conn, "event_sources", maker.source_cols, source_rows)
            else:
                conn.exec_driver_sql(maker.sql("events", maker.event_cols), event_rows)
                conn.exec_driver_sql(maker.sql("event_sources", maker.source_cols), source_rows)
    with store.engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # PostgreSQL: VACUUM also sets the visibility map, as on a store that has settled
        conn.exec_driver_sql("VACUUM ANALYZE" if store.backend == "postgresql" else "ANALYZE")
    store.close()
    return sample, time.perf_counter() - started


def copy_rows(conn: sqlalchemy.Connection, table: str, cols: list[str], rows: list[tuple]) -> None:
    """COPY rows (the SQLite driver's values: ISO dates, 0/1 booleans, JSON text, all valid as
    COPY's text input) into a PostgreSQL table."""
    with conn.connection.driver_connection.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class SqliteStores:
    """The bench's SQLite stores: files in a temporary folder, removed at the end."""

    name = "sqlite"

    def __init__(self, folder: Path | None) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="kharita-merge-bench-", dir=folder))

    def target(self, name: str) -> str:
        return str(self.work / f"{name}.db")

    def copy(self, source: str, name: str) -> str:
        shutil.copyfile(source, self.target(name))
        return self.target(name)

    def size_mib(self, target: str) -> float:
        return Path(target).stat().st_size / 2**20

    def describe(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}, files in {self.work}"

    def drop_all(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


class PostgresStores:
    """The bench's PostgreSQL stores: databases of its own on the server (kharita_merge_bench_*),
    copied with CREATE DATABASE ... TEMPLATE and all dropped at the end."""

    name = "postgresql"

    def __init__(self, server: str) -> None:
        self.server = server
        self.prefix = f"kharita_merge_bench_{os.getpid()}_"
        self.made: list[str] = []

    @contextlib.contextmanager
    def _admin(self) -> Iterator[object]:
        import psycopg  # noqa: PLC0415 - only the PostgreSQL runs need it

        with psycopg.connect(self.server, autocommit=True) as conn:
            yield conn

    def _url(self, database: str) -> str:
        return f"{self.server.rsplit('/', 1)[0]}/{database}"

    def target(self, name: str) -> str:
        database = self.prefix + name
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        self.made.append(database)
        return self._url(database)

    def copy(self, source: str, name: str) -> str:
        database = self.prefix + name
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source.rsplit("/", 1)[1]}"')
        self.made.append(database)
        return self._url(database)

    def size_mib(self, target: str) -> float:
        with self._admin() as conn:
            size = conn.execute("SELECT pg_database_size(%s)", (target.rsplit("/", 1)[1],)).fetchone()[0]
        return size / 2**20

    def describe(self) -> str:
        with self._admin() as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        return f"PostgreSQL {version} at {self.server}"

    def drop_all(self) -> None:
        with self._admin() as conn:
            for database in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.made.clear()


def new_reports(world: World, sample: list[Event], n: int, per_report: int, dup: float) -> list[list[Event]]:
    reports, events = [], []
    for i in range(n):
        doc = f"n{i // per_report:08d}"
        if world.rng.random() < dup:
            events.append(world.report_again(world.rng.choice(sample), f"m{i:08d}", doc))
        else:
            events.append(world.event(f"m{i:08d}", doc))
        if len(events) == per_report:
            reports.append(events)
            events = []
    if events:
        reports.append(events)
    return reports


def run_baseline(target: str, reports: list[list[Event]]) -> float:
    with Store.open(target) as store:
        started = time.perf_counter()
        for events in reports:
            with store.transaction():
                store.upsert_events(events)
        return time.perf_counter() - started


def run_merge(target: str, reports: list[list[Event]]) -> tuple[float, int, int]:
    """Seconds, events written, events that joined a stored event."""
    actors = SameName()
    written = joined = 0
    with Store.open(target) as store:
        started = time.perf_counter()
        for events in reports:
            with store.transaction():
                result = merge_events(store, events, actors=actors)
                store.upsert_events(result)
            written += len(result)
            joined += len({e.event_id for e in events} - {e.event_id for e in result})
        return time.perf_counter() - started, written, joined


def bench_backend(stores: SqliteStores | PostgresStores, args: argparse.Namespace) -> None:
    """Load the stored events, then time (a) and (b) on copies of them, and print the figures."""
    print(f"[{stores.name}] database: {stores.describe()}")
    world = World(args.seed)
    base = stores.target("stored")
    sample, load_s = load_stored(base, args.stored, world)
    print(f"[{stores.name}] setup: {args.stored:,} stored events bulk-inserted in {load_s:.1f} s "
          f"({args.stored / load_s:,.0f} events/s), {stores.size_mib(base):,.0f} MiB")
    reports = new_reports(world, sample, args.new, args.per_report, args.dup)
    baseline, merged = stores.copy(base, "baseline"), stores.copy(base, "merge")
    base_s = run_baseline(baseline, reports)
    merge_s, written, joined = run_merge(merged, reports)
    print(f"[{stores.name}] (a) baseline, plain insert of {args.new:,} events in {len(reports):,} reports, "
          f"no merge: {base_s:.1f} s ({args.new / base_s:,.0f} events/s, {base_s / args.new * 1000:.2f} ms/event)")
    print(f"[{stores.name}] (b) merge into {args.stored:,} stored, then insert: {merge_s:.1f} s "
          f"({args.new / merge_s:,.0f} events/s, {merge_s / args.new * 1000:.2f} ms/event)")
    print(f"[{stores.name}] ratio b/a: {merge_s / base_s:.2f}")
    print(f"[{stores.name}] merged: {joined:,} of {args.new:,} new events joined a stored event "
          f"({joined / args.new:.1%}; {args.dup:.0%} were re-reports); {written:,} rows written")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000, help="events already in the store")
    parser.add_argument("--new", type=int, default=100_000, help="events to merge in")
    parser.add_argument("--per-report", type=int, default=5, help="events per report (one transaction each)")
    parser.add_argument("--dup", type=float, default=0.3, help="share of new events that re-report a stored one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default: both, one after the other)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--pg", default=PG_SERVER,
                        help="a PostgreSQL server's URL; the bench creates and drops databases of its own there")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(sorted(unknown))}: use sqlite, postgresql")

    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("machine:", machine())
    for backend in backends:
        stores = SqliteStores(args.dir) if backend == "sqlite" else PostgresStores(args.pg)
        try:
            bench_backend(stores, args)
        finally:
            stores.drop_all()


if __name__ == "__main__":
    main()
