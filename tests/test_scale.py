"""The Dask runner: a LocalCluster of two worker processes stores what the in-process run stores."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kharita import pipeline
from kharita.cli import main
from kharita.errors import ConfigError
from kharita.models import RunSummary
from kharita.record import to_record
from kharita.scale.runner import connect, expand, jsonl_partitions, read_partitioned, run_dask
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
        second = run_dask(SHARDS, store, client=client, extractor=CODER, batch_size=1, in_flight=1)
        got = flat_events(store)
    assert (first.read, first.stored) == (6, 6)
    assert (second.read, second.stored, second.unchanged) == (12, 5, 7)
    assert got == expected


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


def write_big_jsonl(path: Path) -> None:
    """Forty reports, a blank line and a broken line among them."""
    lines = []
    for i in range(40):
        lines.append(json.dumps({"id": f"r{i}", "published": "2016-03-01",
                                 "text": f"Report {i}: fighting in Homs, {'ü' * (i % 5)} day {i}."}))
        if i == 10:
            lines.append("")
        if i == 25:
            lines.append("{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("partition_bytes", [1, 150, 1000, 10**9])
def test_big_jsonl_streams_in_partitions_as_one_read(tmp_path, partition_bytes) -> None:
    big = tmp_path / "big.jsonl"
    write_big_jsonl(big)
    whole, parts = RunSummary(), RunSummary()
    expected = list(pipeline.read_inputs([big], whole))
    got = list(read_partitioned([big], parts, partition_bytes=partition_bytes))
    assert [dataclasses.astuple(d) for d in got] == [dataclasses.astuple(d) for d in expected]
    assert len(got) == 40 and got[39].origin == f"{big}:42"
    assert parts.read == whole.read == 40
    assert parts.skipped == whole.skipped == [(f"{big}:28", parts.skipped[0][1])]


def test_partitions_cover_the_file_and_end_at_line_ends(tmp_path) -> None:
    big = tmp_path / "big.jsonl"
    write_big_jsonl(big)
    data = big.read_bytes()
    parts = list(jsonl_partitions(big, 100))
    assert parts[0][:2] == (1, 0) and parts[-1][2] == len(data)
    for (line, start, end), (next_line, next_start, _) in zip(parts, parts[1:]):
        assert end == next_start and data[end - 1:end] == b"\n"
        assert next_line == line + data[start:end].count(b"\n")


def test_a_glob_that_matches_nothing_is_a_counted_skip(tmp_path) -> None:
    summary = RunSummary()
    found = list(expand([str(tmp_path / "*.jsonl"), str(SHARDS[0])], summary))
    assert found == [str(SHARDS[0])]
    assert summary.skipped == [(str(tmp_path / "*.jsonl"), "the pattern matches no file")]
