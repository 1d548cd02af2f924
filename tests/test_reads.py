"""The API's read path (kharita.store.reads) gives the records the Store's Events give."""

from __future__ import annotations

import datetime as dt

import pytest
from test_api import undated_events
from web_fixtures import fill_store, make_corpus

from kharita.record import to_record
from kharita.store.reads import event_records

FILTERS = [
    {},
    {"since": "2016-03-15", "until": "2017-11-01"},
    {"bbox": (38.0, 35.0, 42.0, 38.0), "event_types": ["Battles"]},
    {"sub_types": ["Armed clash"], "certainty": ["reported", "claimed"]},
    {"actor": "ypg"},
    {"q": "Panorama"},
    {"bbox": (40.0, 30.0, 39.0, 40.0)},                                   # across 180°: east of 40 or west of 39
    {"until": "2017-06-30", "event_types": ["Battles", "Riots"], "certainty": ["reported"], "q": "a"},
]


@pytest.fixture
def filled(store):
    corpus = make_corpus()
    fill_store(store, corpus)
    report, undated = undated_events(corpus)
    store.write_document(report, undated)
    return store


@pytest.mark.parametrize("filters", FILTERS)
def test_records_are_to_record_of_the_stored_events(filled, filters):
    want = [to_record(e) for e in filled.iter_events(**filters)]
    assert want, "the filter must keep events, or the test proves nothing"
    got = event_records(filled, limit=1000, **filters)
    assert got == want
    assert [list(r) for r in got] == [list(r) for r in want]            # the columns in record order


@pytest.mark.parametrize("text", ["%", "_", "/", "y_g", "Y%"])
def test_wildcards_in_a_text_filter_are_literal(filled, text):
    for name in ("actor", "q"):
        want = [to_record(e) for e in filled.iter_events(**{name: text})]
        assert event_records(filled, limit=1000, **{name: text}) == want


def test_pages_after_a_keyset_position_cross_from_dated_to_undated(filled):
    everything = [r["event_id"] for r in event_records(filled, limit=1000)]
    assert everything[-1].startswith("ev-undated")
    seen, after = [], None
    while True:
        page = event_records(filled, after=after, limit=3)
        seen += [r["event_id"] for r in page]
        if len(page) < 3:
            break
        last = page[-1]
        after = (last["event_date"] and dt.date.fromisoformat(last["event_date"]), last["event_id"])
    assert seen == everything


@pytest.mark.issue(12)
def test_sqlite_reads_a_wide_box_in_date_order_and_a_small_one_by_latitude(tmp_path):
    """The map's side list (a whole view, no dates) read every event of the view by latitude, then
    sorted them, until SQLite was kept off the latitude index for boxes of a square degree or more."""
    from kharita.store import Store
    from kharita.store.reads import filter_sql, keyset_sql

    store = Store.open(tmp_path / "plan.db")
    try:
        def plan(bbox):
            where, params = filter_sql("sqlite", bbox=bbox)
            sql, more = keyset_sql("sqlite", where, None, dated=True)
            with store.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                return " ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (*params, *more, 201)))

        assert "ix_events_lat_lon" not in plan((30.0, 29.0, 51.0, 41.0))
        assert "ix_events_lat_lon" not in plan((179.0, 30.0, -179.0, 31.0))       # 2 by 1 degrees, across 180
        assert "ix_events_lat_lon" in plan((40.0, 35.0, 40.0001, 35.0001))
    finally:
        store.close()


def test_a_driver_error_leaves_as_sqlalchemys_for_the_stores_retries(store):
    from sqlalchemy.exc import DBAPIError

    from kharita.store.reads import fetch

    with store.engine.connect() as conn:
        assert fetch(conn, "SELECT 1", ()) == [(1,)]
        with pytest.raises(DBAPIError) as raised:
            fetch(conn, "SELECT no_such_column FROM events", ())
        assert "no_such_column" in str(raised.value.orig)
    with store.engine.connect() as conn:              # the pool's connection still works
        assert fetch(conn, "SELECT 2", ()) == [(2,)]


def test_sqlite_reads_map_the_file(tmp_path):
    from kharita.store import Store
    from kharita.store.store import MMAP_BYTES

    store = Store.open(tmp_path / "m.db")
    try:
        assert event_records(store, limit=1) == []
        with store.engine.connect() as conn:        # the pool's one connection, which the read used
            assert 2**30 < conn.exec_driver_sql("PRAGMA mmap_size").scalar() <= MMAP_BYTES   # capped by SQLite
    finally:
        store.close()


@pytest.mark.issue(12)
@pytest.mark.postgres
def test_a_pooled_connection_the_server_ended_is_replaced_before_a_read_uses_it(pg_schema_url, caplog):
    """The pool checks a connection as it hands it out without a round trip (store._pg_alive, in
    place of pool_pre_ping): one that PostgreSQL ended while it sat in the pool is replaced, so the
    read neither fails nor needs the store's retry."""
    import logging
    import time

    import psycopg

    from kharita.store import Store

    with Store.open(pg_schema_url) as store, psycopg.connect(pg_schema_url, autocommit=True) as admin:
        fill_store(store, make_corpus())
        want = event_records(store, limit=5)
        with store.engine.connect() as conn:
            ended = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert store.engine.pool.checkedin() == 1        # the one connection the next read gets
        admin.execute("SELECT pg_terminate_backend(%s)", [ended])
        deadline = time.monotonic() + 10
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [ended]).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="kharita.store"):
            assert event_records(store, limit=5) == want
        assert "lost the connection" not in caplog.text
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != ended


@pytest.mark.issue(12)
@pytest.mark.postgres
def test_postgresql_plans_a_prepared_read_for_its_own_box_and_dates(pg_schema_url):
    """The API's reads are prepared on PostgreSQL (reads.fetch), and the store's sessions force
    custom plans (store.PG_SESSION, beside the URL's own options: its search_path still holds), so
    a page is never read by a generic plan that ignores how few events its box and dates keep."""
    from kharita.store import Store

    with Store.open(pg_schema_url) as store:
        fill_store(store, make_corpus())
        for _ in range(8):                      # past the 5 runs after which PostgreSQL may go generic
            assert event_records(store, limit=5, since="2016-01-01", bbox=(30.0, 29.0, 51.0, 41.0))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
            assert conn.exec_driver_sql("SHOW search_path").scalar().startswith("t_")
            plans = conn.exec_driver_sql("SELECT statement, generic_plans, custom_plans "
                                         "FROM pg_prepared_statements").fetchall()
    page = [p for p in plans if "FROM events" in p[0]]
    assert page and all(generic == 0 and custom >= 8 for _, generic, custom in page), plans
