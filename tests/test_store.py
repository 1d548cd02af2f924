"""The store, on SQLite and on the real PostgreSQL server: the same suite runs on both."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from kharita.errors import SchemaError, StoreConnectionError, StoreError
from kharita.models import Actor, ControlChange, Document, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.store import Store, database_url
from kharita.store import schema

IS = Actor("Islamic State", ActorType.REBEL_GROUP, "SY")
YPG = Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY", parent="SDF")
NEW = Actor("Forces loyal to Ahmet Helle", ActorType.POLITICAL_MILITIA, "SY", new=True)
HASAKAH = Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811, feature_class="P",
                feature_code="PPLA", admin1="al-Hasakah", population=188160, source="geonames")
RAQQA = Place("Raqqa", "SY", 35.9528, 39.0079, geonameid=172955, admin1="ar-Raqqah")
MOSUL = Place("Mosul", "IQ", 36.3350, 43.1189, geonameid=99072, admin1="Nineveh")
PANORAMA = Place("al-Hasakah - Panorama", "SY", 36.48, 40.76, wof_id=1108, precision=GeoPrecision.NEAR,
                 approximate=True, source="alias:test")
DAY = dt.date(2015, 7, 9)


def doc(text: str = "Clashes in Hasakah.", **fields) -> Document:
    return Document.from_text(text, external_id=fields.pop("external_id", "ext-1"), **fields)


def event(event_id: str, *, sub=SubEventType.ARMED_CLASH, day=DAY, place=HASAKAH, actor1=IS, actor2=YPG,
          document: Document | None = None, **fields) -> Event:
    document = document or doc()
    source = Source(
        document.id, external_id=document.external_id, url="http://example.org/1", outlet="ANF",
        title="Kurds defend Hasakah", published=DAY, fatalities=fields.get("fatalities"),
        evidence=(Evidence("trigger", 0, 7, "Clashes"), Evidence("location", 11, 18, "Hasakah")),
    )
    return Event(event_id=event_id, sub_event_type=sub, event_date=day, actor1=actor1, actor2=actor2,
                 place=place, sources=fields.pop("sources", (source,)), **fields)


def rows(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def all_rows(store: Store) -> dict[str, int]:
    return {t.name: rows(store, t) for t in schema.metadata.sorted_tables}


# -- documents and events go in whole, once --------------------------------------------------------

def test_an_event_reads_back_exactly_as_written(store):
    full = event(
        "e1", place=PANORAMA, actor1=NEW, actor2=YPG, fatalities=12, fatalities_low=12, fatalities_best=15,
        fatalities_high=20, certainty=Certainty.CLAIMED, civilian_targeting=True, tags=("napalm",),
        territory=Territory("al-Hasakah - Panorama", NEW.name, "Military Forces of Syria"),
        assoc_actor_1=("Arab tribes",), notes="They said so.", time_precision=TimePrecision.MONTH,
        confidence=0.75, timestamp=1436400000,
    )
    assert store.write_document(doc(), [full])
    assert store.get_event("e1") == full
    assert store.get_event("missing") is None


def test_the_same_document_twice_adds_no_rows(store):
    d = doc()
    assert store.write_document(d, [event("e1", document=d), event("e2", sub=SubEventType.SHELLING, document=d)])
    before = all_rows(store)
    assert not store.write_document(d, [event("e3", document=d)])
    assert all_rows(store) == before
    assert before["documents"] == 1 and before["events"] == 2 and before["event_sources"] == 2
    assert store.has_document(d.id) and not store.has_document("0" * 16)


def test_a_failed_transaction_leaves_nothing_behind(store):
    d = doc()
    with pytest.raises(RuntimeError), store.transaction():
        store.write_document(d, [event("e1", document=d)])
        raise RuntimeError("crash between writes")
    assert not store.has_document(d.id)
    assert all(n == 0 for n in all_rows(store).values())


def test_events_with_one_id_twice_are_refused_before_writing(store):
    with pytest.raises(StoreError, match="e1"):
        store.write_document(doc(), [event("e1"), event("e1")])
    assert rows(store, schema.documents) == 0


def test_upsert_replaces_an_event_and_its_sources(store):
    store.upsert_events([event("e1")])
    second = doc("Another report on Hasakah.", external_id="ext-2")
    merged = event("e1", sources=event("x").sources + event("x", document=second).sources, fatalities=3)
    store.upsert_events([merged])
    assert store.get_event("e1") == merged
    assert rows(store, schema.event_sources) == 2
    assert store.event_ids_for_document(second.id) == ["e1"]
    assert store.delete_events(["e1", "nope"]) == 1
    assert rows(store, schema.event_sources) == 0 and store.get_event("e1") is None


def test_documents_read_back(store):
    d = doc("A report.", url="http://example.org/a", outlet="ANF", title="T", published=DAY, origin="a.txt")
    store.write_document(d, [])
    assert store.get_document(d.id) == d
    assert [x.id for x in store.documents()] == [d.id]
    assert store.count_documents() == 1


# -- queries --------------------------------------------------------------------------------------

@pytest.fixture
def filled(store):
    events = [
        event("a", day=DAY, place=HASAKAH),
        event("b", day=DAY, place=RAQQA, sub=SubEventType.AIR_DRONE_STRIKE, actor2=None,
              certainty=Certainty.UNCONFIRMED, notes="warplanes struck the bridge"),
        event("c", day=DAY + dt.timedelta(days=3), place=MOSUL, actor1=YPG, actor2=None),
        event("d", day=DAY - dt.timedelta(days=10), place=PANORAMA,
              sub=SubEventType.NON_VIOLENT_TRANSFER, actor2=None, territory=Territory(PANORAMA.name, IS.name)),
    ]
    store.write_document(doc(), events)
    return store


def ids(events) -> list[str]:
    return [e.event_id for e in events]


def test_events_come_ordered_by_date_then_id(filled):
    assert ids(filled.iter_events()) == ["d", "a", "b", "c"]


def test_keyset_pages_cover_everything_once(filled, monkeypatch):
    monkeypatch.setattr("kharita.store.store.PAGE", 1)     # force several queries per iteration
    assert ids(filled.iter_events()) == ["d", "a", "b", "c"]
    assert ids(filled.iter_events(after="a", limit=1)) == ["b"]
    assert ids(filled.iter_events(after=(DAY, "a"))) == ["b", "c"]
    assert ids(filled.iter_events(limit=3)) == ["d", "a", "b"]
    with pytest.raises(StoreError, match="cursor"):
        list(filled.iter_events(after="no-such-event"))


@pytest.mark.parametrize(("filters", "expected"), [
    ({"since": DAY}, ["a", "b", "c"]),
    ({"since": "2015-07-09", "until": "2015-07-09"}, ["a", "b"]),
    ({"event_types": ["Explosions/Remote violence"]}, ["b"]),
    ({"sub_types": ["Armed clash", "Non-violent transfer of territory"]}, ["d", "a", "c"]),
    ({"actor": "ypg"}, ["a", "c"]),
    ({"certainty": ["unconfirmed"]}, ["b"]),
    ({"bbox": (38.0, 35.0, 41.0, 37.0)}, ["d", "a", "b"]),
    ({"q": "warplanes"}, ["b"]),
    ({"q": "mosul", "actor": "YPG"}, ["c"]),
])
def test_filters_are_applied_in_sql(filled, filters, expected):
    assert ids(filled.iter_events(**filters)) == expected
    assert filled.count_events(**filters) == len(expected)


def test_events_of_one_document(filled):
    other = doc("Elsewhere.", external_id="o")
    filled.write_document(other, [event("z", document=other, day=DAY + dt.timedelta(days=30))])
    assert ids(filled.iter_events(document_id=other.id)) == ["z"]


def test_events_near_uses_distance_and_dates(filled):
    near = filled.events_near(36.50, 40.75, 10, DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    assert ids(near) == ["a"]                        # Panorama (4 km) is outside the dates
    wide = filled.events_near(36.50, 40.75, 10, DAY - dt.timedelta(days=20), DAY)
    assert ids(wide) == ["d", "a"]
    assert ids(filled.events_near(36.50, 40.75, 10, DAY - dt.timedelta(days=20), DAY,
                                  sub_types=["Armed clash"])) == ["a"]
    assert filled.events_near(36.50, 40.75, 300, DAY, DAY)[-1].event_id == "b"   # Raqqa, 150 km


def test_stats_count_by_type_and_iso_week(filled):
    stats = filled.stats()
    assert stats["events"] == 4 and stats["documents"] == 1
    assert stats["by_event_type"] == {"Battles": 2, "Explosions/Remote violence": 1, "Strategic developments": 1}
    assert stats["by_week"] == {"2015-W27": 1, "2015-W28": 3}


def test_control_changes_are_replaced_as_a_whole(store):
    first = ControlChange(PANORAMA, DAY, IS.name, event_ids=("d",), previous_controller="Military Forces of Syria")
    second = ControlChange(HASAKAH, DAY, YPG.name, time_precision=TimePrecision.WEEK,
                           certainty=Certainty.CLAIMED, event_ids=("a", "b"))
    assert store.write_control_changes([first, second]) == 2
    assert store.control_changes() == [second, first] or store.control_changes() == [first, second]
    assert store.control_changes(PANORAMA.key) == [first]
    store.write_control_changes([second])
    assert store.control_changes() == [second]


# -- schema and opening ---------------------------------------------------------------------------

def test_migrations_build_exactly_the_schema(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), schema.metadata)
    assert diff == []
    current, head = store.schema_revision()
    assert current == head
    assert store.migrate() == head                 # a second migrate is a no-op


def test_a_database_from_a_newer_kharita_is_refused(store_url):
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match="newer kharita"):
        Store.open(store_url)
    with pytest.raises(SchemaError, match="kharita db migrate"):
        Store.open(store_url, migrate=False)


def test_targets_become_urls(tmp_path, monkeypatch):
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("KHARITA_DB", str(tmp_path / "env.db"))
    assert database_url(None).endswith("env.db")
    monkeypatch.delenv("KHARITA_DB")
    monkeypatch.chdir(tmp_path)
    assert database_url(None) == f"sqlite:///{tmp_path / 'kharita.db'}"
    with pytest.raises(StoreConnectionError, match="does not exist"):
        database_url(tmp_path / "missing" / "a.db")


def test_an_unreachable_server_says_so():
    with pytest.raises(StoreConnectionError, match="Cannot reach"):
        Store.open("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

@pytest.fixture
def with_undated(filled):
    """The filled store and two events whose reports gave no date at all."""
    other = doc("No date anywhere.", external_id="nd")
    filled.write_document(other, [
        event("u2", day=None, document=other, time_precision=TimePrecision.MONTH),
        event("u1", day=None, document=other, time_precision=TimePrecision.MONTH, place=RAQQA),
    ])
    return filled


@pytest.mark.issue(10)
def test_an_undated_event_reads_back_with_no_date(store):
    undated = event("u1", day=None, time_precision=TimePrecision.MONTH, fatalities=3, fatalities_low=3)
    assert store.write_document(doc(), [undated])
    assert store.get_event("u1") == undated
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.events).where(schema.events.c.event_id == "u1")).one()
    assert (row.event_date, row.year, row.time_precision) == (None, None, None)


@pytest.mark.issue(10)
def test_undated_events_come_last_by_id_and_pages_reach_them(with_undated, monkeypatch):
    assert ids(with_undated.iter_events()) == ["d", "a", "b", "c", "u1", "u2"]
    monkeypatch.setattr("kharita.store.store.PAGE", 1)
    assert ids(with_undated.iter_events()) == ["d", "a", "b", "c", "u1", "u2"]
    assert ids(with_undated.iter_events(after="c", limit=1)) == ["u1"]
    assert ids(with_undated.iter_events(after="u1")) == ["u2"]
    assert ids(with_undated.iter_events(after=(None, "u1"))) == ["u2"]
    assert ids(with_undated.iter_events(limit=5)) == ["d", "a", "b", "c", "u1"]
    assert ids(with_undated.iter_events(bbox=(38.0, 35.0, 40.0, 36.5))) == ["b", "u1"]   # Raqqa


@pytest.mark.issue(10)
@pytest.mark.parametrize("filters", [{"since": "2000-01-01"}, {"until": "2100-01-01"}])
def test_a_date_filter_leaves_undated_events_out(with_undated, filters):
    assert ids(with_undated.iter_events(**filters)) == ["d", "a", "b", "c"]
    assert with_undated.count_events(**filters) == 4
    assert with_undated.count_events() == 6


@pytest.mark.issue(10)
def test_undated_events_are_near_no_day_and_in_no_week(with_undated):
    ever = (dt.date(1900, 1, 1), dt.date(2100, 1, 1))
    assert ids(with_undated.events_near(35.95, 39.0, 10, *ever)) == ["b"]          # Raqqa: b, not u1
    windows = {"radius_km": {1: 10.0}, "window_days": {1: 1, 3: 16}}
    assert ids(with_undated.events_near_by_precision(35.95, 39.0, DAY, **windows)) == ["b"]
    assert with_undated.events_near_by_precision(35.95, 39.0, None, **windows) == []
    stats = with_undated.stats()
    assert stats["events"] == 6 and stats["undated"] == 2 and sum(stats["by_week"].values()) == 4


@pytest.mark.issue(10)
def test_migrating_to_nullable_dates_keeps_every_event_and_source(store, monkeypatch):
    from alembic import command

    from kharita.store import acled_ids

    with store.engine.begin() as conn:               # back to before revision 0003, empty
        command.downgrade(store._alembic(conn), "0002")
    assert store.schema_revision()[0] == "0002"
    d = doc()
    with monkeypatch.context() as before_0004:       # no acled_ids table to number events in yet
        before_0004.setattr(acled_ids, "assign", lambda conn, rows: None)
        store.write_document(d, [event("e1", document=d), event("e2", sub=SubEventType.SHELLING, document=d)])
    tables = ("documents", "events", "event_sources", "actors", "places", "control_changes")
    before = {t: rows(store, schema.metadata.tables[t]) for t in tables}
    store.migrate()                                  # SQLite copies the events table: no cascade
    assert store.schema_revision()[0] == store.schema_revision()[1]
    assert {t: rows(store, schema.metadata.tables[t]) for t in tables} == before and before["event_sources"] == 2
    another = doc("Another.", external_id="x")
    undated = event("u1", day=None, time_precision=TimePrecision.MONTH, document=another)
    store.upsert_events([undated])
    assert store.get_event("u1") == undated
