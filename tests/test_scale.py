"""The Dask runner: a LocalCluster of two worker processes stores what the in-process run stores."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from test_isolation import BOOM, SHARED_ID, TRIP, Flaky, reports

from kharita import pipeline
from kharita.cli import main
from kharita.errors import ConfigError
from kharita.models import Document, RunSummary
from kharita.pipeline import MinimalExtractor
from kharita.record import to_record
from kharita.scale.runner import connect, expand, loaded_extractors, opened_stores, run_dask
from kharita.store import Store

DATA = Path(__file__).parent / "data" / "scale"
SHARDS = [DATA / "shard-a.jsonl", DATA / "shard-b.jsonl"]       # shard-b repeats one report of shard-a
CODER = "coder"                                                   # the real event coder, on both sides

pytestmark = pytest.mark.issue(7)


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """One LocalCluster of two worker processes for the module (each loads the pipeline once)."""
    with connect(workers=2) as opened:
        yield opened


def flat_events(store: Store) -> list[dict[str, object]]:
    """Every stored event as its flat record, less the write time."""
    records = [{k: v for k, v in to_record(ev).items() if k != "timestamp"} for ev in store.iter_events()]
    return sorted(records, key=lambda r: str(r["event_id"]))


def counts(summary: RunSummary) -> tuple[int, ...]:
    return (summary.read, summary.stored, summary.unchanged, summary.events_written, summary.events_merged,
            len(summary.skipped))


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunSummary, list[dict[str, object]]]:
    path = tmp_path_factory.mktemp("in-process") / "kharita.db"
    with Store.open(path) as store:
        summary = pipeline.run(SHARDS, store, extractor=pipeline.default_extractor(CODER))
        return summary, flat_events(store)


@pytest.mark.dask
def test_dask_run_stores_the_same_events_as_the_in_process_run(client, in_process, tmp_path) -> None:
    expected_summary, expected = in_process
    with Store.open(tmp_path / "dask.db") as store:
        summary = run_dask([str(DATA / "shard-*.jsonl")], store, client=client, extractor=CODER, batch_size=2)
        got = flat_events(store)
        assert store.count_documents() == 11
    assert expected, "the corpus must give events, or the comparison proves nothing"
    assert got == expected
    assert counts(summary) == counts(expected_summary) == (12, 11, 1, counts(expected_summary)[3],
                                                           counts(expected_summary)[4], 0)


@pytest.mark.dask
def test_a_resumed_run_skips_what_is_stored_and_ends_as_one_run(client, in_process, tmp_path) -> None:
    _, expected = in_process
    with Store.open(tmp_path / "dask.db") as store:
        first = run_dask([SHARDS[0]], store, client=client, extractor=CODER)          # the run that was killed
        loaded = client.run(loaded_extractors)
        second = run_dask(SHARDS, store, client=client, extractor=CODER, batch_size=1, in_flight=1)
        got = flat_events(store)
    assert len(loaded) == 2 and all(len(held) == 1 for held in loaded.values())
    assert client.run(loaded_extractors) == loaded        # each worker built its coder once, and kept it
    assert (first.read, first.stored) == (6, 6)
    assert (second.read, second.stored, second.unchanged) == (12, 5, 7)
    assert got == expected


@pytest.mark.dask
@pytest.mark.postgres
@pytest.mark.issue(14)
def test_workers_write_postgresql_themselves_and_store_what_the_in_process_run_stores(
        client, in_process, pg_schema_url) -> None:
    expected_summary, expected = in_process
    with Store.open(pg_schema_url) as store:
        summary = run_dask(SHARDS, store, client=client, extractor=CODER, batch_size=2)
        got = flat_events(store)
        assert store.count_documents() == 11
    writers = [url for urls in client.run(opened_stores).values() for url in urls]
    assert writers and all(url.startswith("postgresql") and "search_path" in url for url in writers)
    assert opened_stores() == []                       # the client wrote nothing itself
    assert expected_summary.events_merged == 0         # nothing to merge: the order cannot matter
    assert got == expected
    assert counts(summary) == counts(expected_summary)


@pytest.mark.dask
def test_cli_runs_on_a_running_cluster(client, in_process, tmp_path, runner) -> None:
    _, expected = in_process
    db = tmp_path / "cli.db"
    address = client.scheduler.address
    result = runner.invoke(main, ["run", *map(str, SHARDS), "--db", str(db), "--engine", "dask",
                                  "--scheduler", address, "--extractor", CODER])
    assert result.exit_code == 0, result.output
    assert "11 stored, 1 unchanged" in result.output
    with Store.open(db) as store:
        assert flat_events(store) == expected


def test_cli_refuses_cluster_options_without_the_dask_engine(runner, tmp_path) -> None:
    result = runner.invoke(main, ["run", str(SHARDS[0]), "--db", str(tmp_path / "x.db"), "--workers", "2"])
    assert result.exit_code == 2
    assert "--engine dask" in result.output


def test_scheduler_and_workers_together_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not both"), connect("tcp://127.0.0.1:1", 2):
        pass


def test_a_glob_that_matches_nothing_is_a_counted_skip(tmp_path) -> None:
    summary = RunSummary()
    found = list(expand([str(tmp_path / "*.jsonl"), str(SHARDS[0])], summary))
    assert found == [str(SHARDS[0])]
    assert summary.skipped == [(str(tmp_path / "*.jsonl"), "the pattern matches no file")]


# -- a report that fails (issue 11) ---------------------------------------------------------------

def write_jsonl(path: Path) -> Path:
    """test_isolation's reports, good and bad, as one JSON Lines shard."""
    path.write_text("".join(json.dumps({"id": d.external_id, "text": d.text}) + "\n" for d in reports()))
    return path


@pytest.mark.dask
@pytest.mark.issue(11)
def test_a_failed_report_on_dask_fails_alone_and_the_run_goes_on(client, tmp_path) -> None:
    shard = write_jsonl(tmp_path / "bad.jsonl")
    boom, twin = (f"{shard}:{n}" for n, d in enumerate(reports(), 1) if d.external_id in ("boom", "twin"))
    with Store.open(tmp_path / "dask.db") as store:
        summary = run_dask([shard], store, client=client, extractor_factory=Flaky, batch_size=3, merge=False)
        failed = dict(summary.failed)
        assert failed.keys() == {boom, twin}
        assert failed[boom] == TRIP and failed[twin].startswith(SHARED_ID)
        assert (summary.read, summary.stored, summary.unchanged) == (7, 5, 0)
        assert sorted(d.external_id for d in store.documents()) == [f"good-{i}" for i in range(5)]

        again = run_dask([shard], store, client=client, extractor_factory=Flaky, merge=False)
        assert (again.stored, again.unchanged, len(again.failed)) == (0, 5, 2)      # retried, failed again
        with pytest.raises(RuntimeError, match="the coder tripped"):
            run_dask([shard], store, client=client, extractor_factory=Flaky, merge=False, strict=True)
        fixed = run_dask([shard], store, client=client, extractor_factory=MinimalExtractor, merge=False)
        assert (fixed.stored, fixed.unchanged, fixed.failed) == (2, 5, [])


class DiesOnBoom(MinimalExtractor):
    """Takes its worker process down with a report marked BOOM, as a segfault in a parser would."""

    def extract_one(self, doc):  # type: ignore[no-untyped-def]
        if BOOM in doc.text:
            os._exit(70)
        return super().extract_one(doc)


@pytest.mark.dask
@pytest.mark.issue(11)
def test_a_task_whose_worker_dies_is_redone_a_report_a_task(tmp_path) -> None:
    """The task of three reports dies with its worker; the three are redone one a task, and only
    the one that kills its worker again fails. (A cluster of its own: it loses workers.)"""
    shard = write_jsonl(tmp_path / "bad.jsonl")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), connect(workers=1) as own:
        with Store.open(tmp_path / "dask.db") as store:
            summary = run_dask([shard], store, client=own, extractor_factory=DiesOnBoom, batch_size=3,
                               merge=False)
            stored = sorted(d.external_id for d in store.documents())
    (failed,) = summary.failed
    assert failed[0] == f"{shard}:3" and failed[1].startswith("KilledWorker")     # boom, the third line
    assert stored == [f"good-{i}" for i in range(5)] + ["twin"]


@pytest.mark.issue(14)
def test_stored_documents_says_which_ids_are_stored_in_one_call(store) -> None:
    docs = [Document.from_text(f"Report {i}: clashes in Raqqa.") for i in range(3)]
    for doc in docs[:2]:
        assert store.write_document(doc, [])
    ids = [f"{i:016x}" for i in range(1200)] + [d.id for d in docs] * 2   # three queries' worth, repeats
    assert store.stored_documents(ids) == {docs[0].id, docs[1].id}
    assert store.stored_documents([]) == set()
