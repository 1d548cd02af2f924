"""Parallel writers on PostgreSQL (issue 14): two processes storing reports of one incident at the
same moment make one event with both reports as its sources, because each report's merge holds the
advisory locks of its merge blocks to the end of its transaction. The writers are real processes
on the real server; a pause between the merge's read and its write (inside the locked part) makes
them overlap every time, and the same run with the locks taken away splits incidents into two
events, which shows that the test can see the race it guards against. Then two Dask workers
writing at once (PostgreSQL's default) leave what one writer storing the same reports in their
commit order leaves."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time

import pytest
from test_concurrency import CITIES, OUTLETS, WORDINGS

from kharita import pipeline
from kharita.errors import ConfigError
from kharita.merge import merge_events
from kharita.models import Document, RunSummary
from kharita.pipeline import MinimalExtractor
from kharita.store import Store

pytestmark = [pytest.mark.issue(14), pytest.mark.postgres]

INCIDENTS = 3
PAUSE = 0.5            # seconds between a merge's read of its candidates and its write


def incident_documents(writer: int) -> list[Document]:
    """Writer number `writer`'s report of each incident: another outlet's wording of it."""
    docs = []
    for k in range(INCIDENTS):
        day = dt.date(2016, 3, 1) + dt.timedelta(days=10 * k)
        text = WORDINGS[k % len(WORDINGS)][writer].format(city=CITIES[k], day=day.isoformat(), n=3, m=5)
        docs.append(Document.from_text(f"Report {k}.{writer}: {text}", published=day,
                                       outlet=OUTLETS[writer], url=f"http://example.org/{k}/{writer}"))
    return docs


def write_reports(url: str, writer: int, coded: list, barrier, locks: bool, out) -> None:  # type: ignore[no-untyped-def]
    """One writer process: each incident's report (coded by the parent) stored at the moment the
    other writer stores its own (a barrier), merged with a pause after the merge's read."""
    if not locks:
        Store.lock = lambda self, names: None                  # type: ignore[method-assign]

    def slow_merge(store: Store, events: list) -> list:     # type: ignore[type-arg]
        merged = merge_events(store, events)
        time.sleep(PAUSE)                                   # the other writer's merge reads now
        return merged

    summary = RunSummary()
    with Store.open(url, migrate=False) as store:
        for doc, events in coded:
            barrier.wait(timeout=30)
            pipeline.store_document(store, doc, events, slow_merge, summary)
    out.put((writer, summary.stored, summary.events_merged))


def run_writers(url: str, *, locks: bool) -> list[tuple[int, int, int]]:
    with Store.open(url):                                      # migrated once, before the writers
        pass
    coded = [list(MinimalExtractor().extract(incident_documents(w))) for w in (0, 1)]
    assert all(events for pairs in coded for _, events in pairs)
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=write_reports, args=(url, w, coded[w], barrier, locks, out)) for w in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    return sorted(out.get(timeout=5) for _ in procs)


def events_by_incident(url: str) -> dict[int, list[int]]:
    """For each incident, the number of reports of each of its stored events."""
    incident_of = {d.id: k for w in (0, 1) for k, d in enumerate(incident_documents(w))}
    found: dict[int, list[int]] = {}
    with Store.open(url) as store:
        for ev in store.iter_events():
            (k,) = {incident_of[s.document_id] for s in ev.sources}
            found.setdefault(k, []).append(len(ev.sources))
    return {k: sorted(v) for k, v in sorted(found.items())}


def test_two_writers_storing_one_incident_at_once_make_one_event(pg_schema_url) -> None:
    started = time.monotonic()
    results = run_writers(pg_schema_url, locks=True)
    elapsed = time.monotonic() - started
    assert [r[1] for r in results] == [INCIDENTS, INCIDENTS]              # every report stored
    assert sum(r[2] for r in results) == INCIDENTS                        # one merge an incident
    assert events_by_incident(pg_schema_url) == {k: [2] for k in range(INCIDENTS)}
    with Store.open(pg_schema_url) as store:
        for ev in store.iter_events():
            assert ev.corroboration == 2
            assert {s.outlet for s in ev.sources} == set(OUTLETS[:2])
    # they took turns on each incident: the second merge of each waited out the first one's pause
    assert elapsed >= 2 * INCIDENTS * PAUSE


def test_without_the_locks_the_same_writers_split_incidents_in_two(pg_schema_url) -> None:
    """The race the locks prevent, seen: each merge reads before the other's write commits, so an
    incident becomes two events of one report each (every incident, unless a writer was held up
    for longer than the pause; one is enough to show it)."""
    results = run_writers(pg_schema_url, locks=False)
    assert [r[1] for r in results] == [INCIDENTS, INCIDENTS]
    found = events_by_incident(pg_schema_url)
    assert sorted(found) == list(range(INCIDENTS))
    assert [1, 1] in found.values()
    assert all(v in ([1, 1], [2]) for v in found.values())


def test_workers_cannot_write_sqlite(tmp_path) -> None:
    from kharita.scale.runner import choose_writers

    with Store.open(tmp_path / "k.db") as store:
        assert choose_writers(store, None) == "client"
        with pytest.raises(ConfigError, match="one writer at a time"):
            choose_writers(store, "workers")


def test_postgresql_is_written_by_the_workers_by_default(pg_schema_url) -> None:
    from kharita.scale.runner import choose_writers

    with Store.open(pg_schema_url) as store:
        assert choose_writers(store, None) == "workers"
        assert choose_writers(store, "client") == "client"
        with pytest.raises(ConfigError, match="one of client, workers"):
            choose_writers(store, "everyone")



@pytest.mark.dask
def test_dask_workers_writing_at_once_merge_as_a_sequential_run_in_their_commit_order(pg_schema_url, tmp_path) -> None:
    """Two Dask workers each store their own tasks' reports (writers='workers'), a report a task,
    the three outlets' reports of one incident one after the other, so that the two workers store
    reports of one incident at the same time: each incident is one event of three reports, and the
    store is exactly what one writer storing the same reports one after the other, in the order
    they were committed, leaves."""
    from test_concurrency import incident_reports, in_stored_order, write_jsonl
    from test_pipeline import snapshot, table_counts

    from kharita.scale.runner import connect, run_dask

    reports = incident_reports(24)                      # incident by incident
    shard = write_jsonl(tmp_path / "reports.jsonl", reports)
    with connect(workers=2) as client, Store.open(pg_schema_url) as store:
        summary = run_dask([shard], store, client=client, extractor_factory=MinimalExtractor, batch_size=1)
        assert (summary.read, summary.stored, summary.failed) == (len(reports), len(reports), [])
        assert summary.events_merged == len(reports) - 24
        events = list(store.iter_events())
        assert len(events) == 24 and {ev.corroboration for ev in events} == {3}
        concurrent, tables, order = snapshot(store), table_counts(store), in_stored_order(store)
    with Store.open(tmp_path / "sequential.db") as sequential:
        pipeline.run(order, sequential, extractor=MinimalExtractor())
        assert snapshot(sequential) == concurrent
        assert table_counts(sequential) == tables
