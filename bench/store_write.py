"""How fast the store writes events, on SQLite and PostgreSQL.

Writes N synthetic events (default 10,000) three ways on each backend and prints events/s:

- per-document: the pipeline's path, `Store.write_document` for documents of 10 events each,
  one transaction per document (the store's row, events, sources, actors, places);
- bulk: one `Store.upsert_events` call with all events, one transaction;
- baseline: a raw SQLAlchemy `executemany` of the same flat event rows into the events table,
  one transaction (no sources, no actors, no places): the floor the store builds on.

The ratios are store / baseline, measured in the same process, on fresh tables.

    .venv/bin/python bench/store_write.py [--events 10000] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import insert

from kharita.models import Actor, Document, Event, Evidence, Place, Source
from kharita.ontology import ActorType, SubEventType
from kharita.store import Store, schema
from kharita.store.store import _event_row

PER_DOCUMENT = 10
ACTORS = [Actor("Islamic State", ActorType.REBEL_GROUP, "SY"),
          Actor("Military Forces of Syria", ActorType.STATE_FORCES, "SY"),
          Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY")]
SUBS = [SubEventType.ARMED_CLASH, SubEventType.SHELLING, SubEventType.AIR_DRONE_STRIKE,
        SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY]


def synthetic(n: int, seed: int = 7) -> list[tuple[Document, list[Event]]]:
    rng = random.Random(seed)
    batches = []
    for d in range(0, n, PER_DOCUMENT):
        doc = Document.from_text(f"Synthetic report {d} {uuid.uuid4().hex}", external_id=f"syn-{d}")
        events = []
        for i in range(d, min(n, d + PER_DOCUMENT)):
            lat, lon = 32 + rng.random() * 5, 36 + rng.random() * 6
            place = Place(f"Place {i % 500}", "SY", lat, lon, geonameid=100000 + i % 500)
            source = Source(doc.id, external_id=doc.external_id, outlet="Synthetic Wire",
                            evidence=(Evidence("trigger", 0, 9, "Synthetic"), Evidence("location", 10, 16, "report")))
            events.append(Event(
                f"bench-{i:06d}", SUBS[i % len(SUBS)], dt.date(2015, 1, 1) + dt.timedelta(days=i % 365),
                ACTORS[i % 3], place, actor2=ACTORS[(i + 1) % 3], fatalities=i % 13, sources=(source,),
                notes="synthetic event for the store benchmark",
            ))
        batches.append((doc, events))
    return batches


def timed(label: str, n: int, action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    rate = n / seconds
    print(f"  {label:<14} {n:>7} events in {seconds:7.2f} s  = {rate:>9,.0f} events/s")
    return rate


def bench(url: str, batches: list[tuple[Document, list[Event]]]) -> None:
    events = [e for _, es in batches for e in es]
    n = len(events)
    with Store.open(url) as store:
        print(f"{store.backend} ({store.url})")

        def per_document() -> None:
            for doc, evs in batches:
                store.write_document(doc, evs)
        per_doc = timed("per-document", n, per_document)
        _clear(store)
        bulk = timed("bulk upsert", n, lambda: store.upsert_events(events))
        _clear(store)
        rows = [_event_row(e) for e in events]       # built outside the timing: the floor is the insert

        def baseline() -> None:
            with store.engine.begin() as conn:
                conn.execute(insert(schema.events), rows)
        base = timed("baseline", n, baseline)
        _clear(store)
        print(f"  ratio vs baseline: per-document {per_doc / base:.2f}, bulk {bulk / base:.2f}")


def _clear(store: Store) -> None:
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server database; the bench uses a throwaway schema in it")
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    batches = synthetic(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        bench(str(Path(tmp) / "bench.db"), batches)
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        bench(f"{args.pg}?options={quote(f'-csearch_path={name}')}", batches)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


if __name__ == "__main__":
    main()
