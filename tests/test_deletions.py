"""ACLED's ids and the deletions feed in the store, on SQLite and on PostgreSQL (issue 13).

An event keeps the event_id_cnty it was first given (ISO3 + a number of its country) through
merges, rewrites and deletion; every id that leaves `events` is on the deletions feed with the
time it left, and leaves the feed again while it is stored anew.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from kharita import pipeline
from kharita.minimal import MinimalExtractor
from kharita.models import Actor, Document, Event, Evidence, Place, Source
from kharita.ontology import ActorType, SubEventType
from kharita.store import Store, acled_ids, deletions, schema

pytestmark = pytest.mark.issue(13)

IS = Actor("Islamic State", ActorType.REBEL_GROUP, "SY")
HASAKAH = Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811, admin1="al-Hasakah")
MOSUL = Place("Mosul", "IQ", 36.3350, 43.1189, geonameid=99072, admin1="Nineveh")
NOWHERE = Place("Somewhere", "", 10.0, 10.0)
DAY = dt.date(2015, 7, 9)


def event(event_id: str, place: Place = HASAKAH, **fields) -> Event:
    doc = Document.from_text(f"report {event_id}")
    source = Source(doc.id, evidence=(Evidence("trigger", 0, 6, "report"),))
    return Event(event_id, SubEventType.ARMED_CLASH, DAY, IS, place, sources=(source,), **fields)


def numbers(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(schema.acled_ids.c.event_id, schema.acled_ids.c.event_id_cnty)).all())


def feed(store: Store) -> dict[str, tuple[str, int]]:
    rows = deletions.read(store, [], ["event_id", "event_id_cnty", "deleted_timestamp"], limit=None)
    return {r["event_id"]: (r["event_id_cnty"], r["deleted_timestamp"]) for r in rows}


# -- event_id_cnty -------------------------------------------------------------------------------

def test_each_country_numbers_its_events_from_one_at_their_first_write(store):
    store.upsert_events([event("a"), event("b", MOSUL), event("c"), event("d", NOWHERE)])
    assert numbers(store) == {"a": "SYR1", "b": "IRQ1", "c": "SYR2", "d": "XXX1"}
    with store.engine.connect() as conn:                               # the stored row carries it
        stored = dict(conn.execute(select(schema.events.c.event_id, schema.events.c.event_id_cnty)).all())
    assert stored == numbers(store)


def test_an_event_keeps_its_number_when_rewritten_moved_or_deleted_and_coded_again(store):
    store.upsert_events([event("a"), event("b")])
    store.upsert_events([dataclasses.replace(event("a"), fatalities=3, place=MOSUL)])   # a merge's rewrite
    store.delete_events(["b"])
    store.upsert_events([event("b"), event("c")])
    assert numbers(store) == {"a": "SYR1", "b": "SYR2", "c": "SYR3"}   # no number given twice


def test_a_rolled_back_write_takes_its_numbers_back(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_events([event("a")])
        raise RuntimeError("crash")
    store.upsert_events([event("b")])
    assert numbers(store) == {"b": "SYR1"}


def test_exports_carry_the_acled_id_and_jsonl_reads_back_under_kharitas_id(store, tmp_path):
    import csv
    import json

    from kharita.export import export
    from kharita.record import from_record

    store.upsert_events([event("a"), event("b", MOSUL)])
    lookup = lambda ids: acled_ids.lookup_store(store, ids)  # noqa: E731
    export(store.iter_events(), "acled-csv", tmp_path / "e.csv", ids=lookup)
    export(store.iter_events(), "jsonl", tmp_path / "e.jsonl", ids=lookup)
    with open(tmp_path / "e.csv", encoding="utf-8") as f:
        assert {r["event_id"]: r["event_id_cnty"] for r in csv.DictReader(f)} == {"a": "SYR1", "b": "IRQ1"}
    lines = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["event_id_cnty"] for r in lines} == {"SYR1", "IRQ1"}
    assert {from_record(r).event_id for r in lines} == {"a", "b"}


def test_kharita_export_writes_acled_ids(store, store_url, runner, tmp_path):
    from kharita.cli import main

    store.upsert_events([event("a"), event("b", MOSUL)])
    result = runner.invoke(main, ["export", "--db", store_url, "--format", "acled-csv"])
    assert result.exit_code == 0, result.output
    assert {line.split(",")[0] for line in result.output.splitlines()[1:]} == {"SYR1", "IRQ1"}


# -- the deletions feed --------------------------------------------------------------------------

def test_a_deleted_event_is_on_the_feed_with_its_acled_id_and_when_it_left(store):
    store.upsert_events([event("a"), event("b", MOSUL)])
    before = int(dt.datetime.now(dt.UTC).timestamp())
    assert store.delete_events(["b", "never-stored"]) == 1
    after = int(dt.datetime.now(dt.UTC).timestamp())
    [(cnty, when)] = feed(store).values()
    assert list(feed(store)) == ["b"] and cnty == "IRQ1" and before <= when <= after
    assert deletions.count(store, []) == 1


def test_an_id_stored_again_leaves_the_feed_and_returns_when_deleted_again(store):
    store.upsert_events([event("a")])
    store.delete_events(["a"])
    assert list(feed(store)) == ["a"]
    store.upsert_events([event("a")])                 # coded anew: no client may drop it now
    assert feed(store) == {} and deletions.count(store, []) == 0
    with store.transaction(), store._connection() as conn:
        deletions.record(conn, ["a"], when=2_000_000_000)
        store._delete_events(conn, ["a"])
    assert feed(store) == {"a": ("SYR1", 2_000_000_000)}


def test_a_rolled_back_delete_leaves_the_feed_as_it_was(store):
    store.upsert_events([event("a")])
    with pytest.raises(RuntimeError), store.transaction():
        store.delete_events(["a"])
        raise RuntimeError("crash")
    assert feed(store) == {} and store.get_event("a") is not None


def test_merging_a_second_ingest_keeps_every_stored_id(store):
    """Merge folds a new report's event into the stored one, which keeps its id: nothing stored
    leaves, so a merge alone puts nothing on the feed (docs/api.md, the deletions feed)."""
    first = [Document.from_text(t, external_id=f"r{i}") for i, t in enumerate([
        "Clashes broke out between rebels and regime forces in Homs on 2015-07-03.",
        "Regime forces shelled Aleppo on 2015-07-04."])]
    second = [Document.from_text(t, external_id=f"s{i}") for i, t in enumerate([
        "Rebels and regime forces clashed in Homs on 2015-07-03, a monitor said.",
        "Rebels captured Idlib on 2015-07-05."])]
    pipeline.run(first, store, extractor=MinimalExtractor())
    ids_before = {e.event_id for e in store.iter_events()}
    summary = pipeline.run(second, store, extractor=MinimalExtractor())
    assert summary.events_merged == 1
    assert ids_before <= {e.event_id for e in store.iter_events()} and feed(store) == {}


# -- revision 0004 ---------------------------------------------------------------------------------

def test_revision_0004_numbers_the_events_stored_before_it_in_the_order_they_were_written(store):
    from alembic import command

    store.upsert_events([event("late", timestamp=300), event("early", timestamp=100),
                         event("iraq", MOSUL, timestamp=200)])
    counts = {t: _rows(store, schema.metadata.tables[t]) for t in ("events", "event_sources", "actors", "places")}
    with store.engine.begin() as conn:
        command.downgrade(store._alembic(conn), "0003")
    with store.engine.connect() as conn:
        assert {r.event_id_cnty for r in conn.execute(select(schema.events.c.event_id_cnty))} == {
            "late", "early", "iraq"}
    store.migrate()                                   # 0004 numbers them; later revisions keep the numbers
    current, head = store.schema_revision()
    assert current == head
    assert numbers(store) == {"early": "SYR1", "late": "SYR2", "iraq": "IRQ1"}
    assert counts == {t: _rows(store, schema.metadata.tables[t]) for t in counts}
    store.upsert_events([event("next")])              # the counters go on from the numbered events
    assert numbers(store)["next"] == "SYR3"


def _rows(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()
