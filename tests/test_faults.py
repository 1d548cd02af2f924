"""Faults (issue 11), on SQLite and on PostgreSQL: a `kharita run` SIGKILLed mid-batch, or inside
a merge that rewrites events already stored, and run again, ends exactly where an uninterrupted
run does; PostgreSQL connections dropped under a writing run cost nothing (the report's
transaction is run again on a fresh connection); a database that stays busy or unreachable ends
in an error that says what to do."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import text
from test_concurrency import incident_reports, write_jsonl
from test_pipeline import snapshot, table_counts, write_reports

from kharita import pipeline
from kharita.errors import StoreConnectionError, StoreError
from kharita.models import Document
from kharita.pipeline import MinimalExtractor
from kharita.store import Store
from kharita.store import store as store_module

#: A `kharita run` that SIGKILLs itself at the Nth DELETE of a stored event, inside the transaction
#: of a report whose merge rewrites that event (argv: N, then kharita's own arguments).
KILL_IN_MERGE = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

deletes = 0

@event.listens_for(Engine, "after_cursor_execute")
def kill_at_nth_delete(conn, cursor, statement, parameters, context, executemany):
    global deletes
    if statement.lstrip().upper().startswith("DELETE FROM EVENTS"):
        deletes += 1
        if deletes == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)

from kharita.cli import main
main(sys.argv[2:], prog_name="kharita")
"""


def kharita(*args: str, quiet: bool = True) -> subprocess.Popen:
    env = {**os.environ, "KHARITA_EXTRACTOR": "minimal"}
    return subprocess.Popen([sys.executable, "-m", "kharita", *(["-q"] if quiet else []), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored(url: str) -> int:
    """Documents stored so far, read from outside (0 before the tables exist)."""
    try:
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except (sqlite3.OperationalError, psycopg.errors.UndefinedTable):   # not created or migrated yet
        return 0


def wait_until_stored(url: str, child: subprocess.Popen, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while stored(url) < at_least:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, f"the run stored nothing in {timeout} s"
        time.sleep(0.002)


@contextmanager
def another_schema(pg_url: str) -> Iterator[str]:
    """The URL of a second empty schema in the session's database (dropped afterwards)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{pg_url}?options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def other_url(request, store_url: str, tmp_path) -> Iterator[str]:
    """A second empty store on the same backend as `store_url`, for the uninterrupted run."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'uninterrupted.db'}"
        return
    with another_schema(request.getfixturevalue("pg_url")) as url:
        yield url


def assert_same_stores(url: str, uninterrupted_url: str, n_documents: int) -> None:
    with Store.open(url) as got, Store.open(uninterrupted_url) as expected:
        assert table_counts(got) == table_counts(expected)
        assert snapshot(got) == snapshot(expected)
        assert table_counts(got)["documents"] == n_documents


# -- SIGKILL --------------------------------------------------------------------------------------

@pytest.mark.issue(11)
def test_a_batch_killed_mid_way_and_rerun_loses_and_duplicates_nothing(store_url, other_url, tmp_path):
    reports = write_reports(tmp_path / "reports", 40)     # every fifth merges into a stored event

    child = kharita("run", str(reports), "--db", store_url, "-s")
    wait_until_stored(store_url, child, 3)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    at_kill = stored(store_url)
    assert 3 <= at_kill < 40, f"the kill did not land mid-batch ({at_kill} of 40 stored)"

    rerun = kharita("run", str(reports), "--db", store_url, "-s")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"read 40 report(s): {40 - at_kill} stored, {at_kill} unchanged" in out

    with Store.open(other_url) as uninterrupted:          # the same run, never interrupted
        pipeline.run([reports], uninterrupted, extractor=MinimalExtractor())
    assert_same_stores(store_url, other_url, 40)


@pytest.mark.issue(11)
def test_a_run_killed_inside_a_merge_that_rewrites_stored_events_and_rerun_ends_as_uninterrupted(
        store_url, other_url, tmp_path):
    """Every report of the killed run merges into an event already stored. The kill lands in the
    fifth one's transaction, right after it deleted the stored version of that event and before
    it wrote the new one: that transaction never commits, and the event stays as it was."""
    reports = incident_reports(16)
    first = write_jsonl(tmp_path / "first.jsonl", [r for r in reports if r["id"].endswith("-0")])
    more = write_jsonl(tmp_path / "more.jsonl", [r for r in reports if not r["id"].endswith("-0")])
    for url in (store_url, other_url):
        with Store.open(url) as store:
            pipeline.run([first], store, extractor=MinimalExtractor())

    script = tmp_path / "kill_in_merge.py"
    script.write_text(KILL_IN_MERGE, encoding="utf-8")
    env = {**os.environ, "KHARITA_EXTRACTOR": "minimal"}
    command = [sys.executable, str(script), "5", "-q", "run", str(more), "--db", store_url, "-s"]
    child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert stored(store_url) == 16 + 4                    # four merges committed, the fifth not
    with Store.open(store_url) as store:                  # ... and its event is whole, as it was
        assert store.count_events() == 16
        assert sum(ev.corroboration for ev in store.iter_events()) == 20

    rerun = kharita("run", str(more), "--db", store_url, "-s")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "read 32 report(s): 28 stored, 4 unchanged" in out

    with Store.open(other_url) as uninterrupted:
        summary = pipeline.run([more], uninterrupted, extractor=MinimalExtractor())
        assert summary.events_merged == 32
    assert_same_stores(store_url, other_url, 48)


# -- PostgreSQL connections dropped -------------------------------------------------------------

TERMINATE = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.mark.issue(11)
@pytest.mark.postgres
def test_connections_dropped_under_a_writing_run_cost_nothing(pg_schema_url, request, tmp_path):
    url = pg_schema_url
    reports = write_reports(tmp_path / "reports", 120)
    child = kharita("run", str(reports), "--db", url, "-s", quiet=False)
    kills = []                                             # (stored then, connections ended)
    with psycopg.connect(url, autocommit=True) as admin:
        for at_least in (5, 30, 60):                       # three times, while the run writes
            wait_until_stored(url, child, at_least)
            kills.append((stored(url), sum(1 for (ok,) in admin.execute(TERMINATE) if ok)))
    out, err = child.communicate(timeout=300)
    assert any(n < 120 and ended for n, ended in kills), kills    # at least one landed mid-batch
    assert child.returncode == 0, out + err                # reconnected, report transactions run again
    assert "read 120 report(s): 120 stored, 0 unchanged, 0 skipped;" in out, out + err

    rerun = kharita("run", str(reports), "--db", url, "-s")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "read 120 report(s): 0 stored, 120 unchanged" in out

    with another_schema(request.getfixturevalue("pg_url")) as clean:
        with Store.open(clean) as uninterrupted:
            pipeline.run([reports], uninterrupted, extractor=MinimalExtractor())
        assert_same_stores(url, clean, 120)


@pytest.fixture
def quick_retries(monkeypatch) -> None:
    monkeypatch.setattr(store_module, "RETRY_DELAY", 0.01)
    monkeypatch.setattr(store_module, "RETRY_MAX_DELAY", 0.05)


def _kill_own_connection(store: Store, admin: psycopg.Connection) -> None:
    with store._connection() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.issue(11)
@pytest.mark.postgres
def test_a_transaction_whose_connection_drops_is_run_again_on_a_fresh_one(pg_schema_url, quick_retries,
                                                                          caplog):
    doc = Document.from_text("Regime artillery shelled Homs on 2015-07-03.", external_id="d1")
    tries = []
    with Store.open(pg_schema_url) as store, psycopg.connect(pg_schema_url, autocommit=True) as admin:
        def work(store: Store) -> bool:
            tries.append(1)
            if len(tries) == 1:
                _kill_own_connection(store, admin)
            return store.write_document(doc, [])

        with caplog.at_level(logging.WARNING, logger="kharita.store"):
            assert store.run_transaction(work) is True
        assert len(tries) == 2 and store.count_documents() == 1
        assert "lost the connection" in caplog.text


@pytest.mark.issue(11)
@pytest.mark.postgres
def test_a_connection_that_keeps_dropping_ends_in_an_error_naming_the_fix(pg_schema_url, quick_retries):
    doc = Document.from_text("Regime artillery shelled Homs on 2015-07-03.")
    with Store.open(pg_schema_url) as store, psycopg.connect(pg_schema_url, autocommit=True) as admin:
        def work(store: Store) -> bool:
            _kill_own_connection(store, admin)
            return store.write_document(doc, [])

        with pytest.raises(StoreConnectionError, match=r"Lost the connection .* tries in a row.*run the same "
                                                       r"command again: reports already stored are skipped"):
            store.run_transaction(work)
        assert store.count_documents() == 0                # and the store works again afterwards


# -- SQLite busy ----------------------------------------------------------------------------------

def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another connection holds SQLite's write lock for `seconds`, from now."""
    locked = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(10)
    return thread


@pytest.mark.issue(11)
def test_a_run_waits_for_another_sqlite_writer_instead_of_failing(tmp_path):
    db = tmp_path / "busy.db"
    Store.open(db).close()
    reports = write_reports(tmp_path / "reports", 5)
    holder = _hold_write_lock(db, 2.0)
    out, err = kharita("run", str(reports), "--db", str(db), "-s").communicate(timeout=120)
    holder.join()
    assert "read 5 report(s): 5 stored, 0 unchanged, 0 skipped;" in out, out + err


@pytest.mark.issue(11)
def test_sqlite_busy_past_the_timeout_is_retried_with_backoff_then_named(tmp_path, monkeypatch, quick_retries,
                                                                         caplog):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "RETRY_DELAY", 0.2)
    db = tmp_path / "busy.db"
    doc = Document.from_text("Regime artillery shelled Homs on 2015-07-03.")
    with Store.open(db) as store:
        holder = _hold_write_lock(db, 0.3)
        with caplog.at_level(logging.WARNING, logger="kharita.store"):
            assert store.run_transaction(lambda s: s.write_document(doc, [])) is True
        holder.join()
        assert "database is locked" in caplog.text and store.count_documents() == 1

        monkeypatch.setattr(store_module, "RETRY_DELAY", 0.01)
        holder = _hold_write_lock(db, 3.0)
        with pytest.raises(StoreError, match="stayed locked by another writer.*then run again"):
            store.run_transaction(lambda s: s.write_document(Document.from_text("Clashes in Homs."), []))
        holder.join()
