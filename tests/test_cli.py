"""The `kharita` command, end to end, through click's test runner (both store backends)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kharita
from kharita.cli import main
from kharita.record import COLUMNS

ROOT = Path(__file__).parent.parent
SEED = ROOT / "examples" / "seed" / "report.jsonl"
DATA = Path(__file__).parent / "data" / "ingest"
MINIMAL = ["--extractor", "minimal"]


def invoke(runner, *args, **kwargs):
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)
    return result


@pytest.fixture
def filled(runner, store_url):
    result = invoke(runner, "run", SEED, DATA, "--db", store_url, *MINIMAL)
    assert result.exit_code == 0, result.output
    return store_url


def test_version_and_help(runner):
    assert invoke(runner, "--version").output.strip() == f"kharita, version {kharita.__version__}"
    for command in ([], ["run"], ["export"], ["events"], ["watch"], ["db", "migrate"]):
        result = invoke(runner, *command, "-h")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_run_ends_with_a_summary_and_a_second_run_changes_nothing(runner, store_url):
    first = invoke(runner, "run", SEED, "--db", store_url, *MINIMAL)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("read 1 report(s): 1 stored, 0 unchanged, 0 skipped;")
    assert "reports:" not in first.stderr          # no progress bar when stderr is not a terminal
    second = invoke(runner, "run", SEED, "--db", store_url, *MINIMAL)
    assert "read 1 report(s): 0 stored, 1 unchanged, 0 skipped; 0 event(s) written" in second.output


def test_run_lists_what_it_skipped_and_why(runner, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n{"text": "Clashes in Homs on 2015-07-03."}\n')
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02")
    result = invoke(runner, "run", tmp_path / "bad.jsonl", tmp_path / "blob.txt", "--db", tmp_path / "k.db", *MINIMAL)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("read 1 report(s): 1 stored, 0 unchanged, 2 skipped;")
    assert lines[1] == "skipped:"
    assert f"  {tmp_path / 'bad.jsonl'}:1: no text: the record needs a non-empty 'text' field" in lines
    assert any(line.startswith(f"  {tmp_path / 'blob.txt'}: binary file") for line in lines)


def test_run_reads_stdin_and_the_db_from_the_environment(runner, tmp_path):
    db = tmp_path / "env.db"
    result = invoke(runner, "run", "-", *MINIMAL, input='{"id": "s1", "text": "Clashes in Homs on 2015-07-03."}\n',
                    env={"KHARITA_DB": str(db)})
    assert result.exit_code == 0 and "1 stored" in result.output
    assert db.exists()


def test_events_shows_a_table(runner, filled):
    result = invoke(runner, "events", "--db", filled, "--limit", "3")
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["date", "type", "actor1"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 3 + 1
    assert lines[-1].startswith("3 of ") and lines[-1].endswith(" event(s)")


def test_export_applies_filters(runner, filled, tmp_path):
    everything = [json.loads(line) for line in invoke(runner, "export", "--db", filled, "--format", "jsonl").output.splitlines()]
    assert len(everything) > 3
    dates = sorted(r["event_date"] for r in everything)
    since = dates[len(dates) // 2]
    later = invoke(runner, "export", "--db", filled, "--format", "jsonl", "--since", since).output.splitlines()
    assert len(later) == sum(d >= since for d in dates)

    sub = everything[0]["sub_event_type"]
    typed = invoke(runner, "export", "--db", filled, "--format", "jsonl", "--type", sub.lower()).output.splitlines()
    assert {json.loads(line)["sub_event_type"] for line in typed} == {sub}
    assert len(typed) == sum(r["sub_event_type"] == sub for r in everything)

    lat, lon = everything[0]["latitude"], everything[0]["longitude"]
    box = f"{lon - 0.1},{lat - 0.1},{lon + 0.1},{lat + 0.1}"
    boxed = invoke(runner, "export", "--db", filled, "--format", "jsonl", "--bbox", box).output.splitlines()
    assert 1 <= len(boxed) < len(everything)

    actor = everything[0]["actor1"]
    by_actor = invoke(runner, "export", "--db", filled, "--format", "jsonl", "--actor", actor[:10]).output.splitlines()
    assert all(actor[:10] in json.loads(line)["actor1"] + json.loads(line)["actor2"] for line in by_actor)

    out = tmp_path / "events.csv"
    result = invoke(runner, "export", "--db", filled, "--out", out)     # format from the suffix
    assert result.exit_code == 0
    assert out.read_text().splitlines()[0] == ",".join(COLUMNS)
    assert len(out.read_text().splitlines()) == 1 + len(everything)


def test_bad_options_are_usage_errors(runner, tmp_path):
    db = tmp_path / "k.db"
    result = runner.invoke(main, ["export", "--db", str(db), "--type", "Skirmish"])
    assert result.exit_code == 2 and "not an ACLED event or sub-event type" in result.output
    result = runner.invoke(main, ["export", "--db", str(db), "--bbox", "1,2,3"])
    assert result.exit_code == 2 and "four numbers" in result.output
    result = runner.invoke(main, ["run", str(SEED), "--db", str(db), "--extractor", "nope"])
    assert result.exit_code == 1 and "Unknown extractor" in result.output


def test_library_errors_become_one_line_cli_errors(runner, tmp_path):
    result = runner.invoke(main, ["events", "--db", str(tmp_path / "no" / "such" / "k.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot create the database") and "Traceback" not in result.output
    result = runner.invoke(main, ["events", "--db", "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2"])
    assert result.exit_code == 1 and "Cannot reach the database" in result.output


def test_db_migrate_and_stats(runner, filled):
    result = invoke(runner, "db", "migrate", "--db", filled)
    assert result.exit_code == 0
    current, newest = re.search(r"schema at revision (\w+) \(newest (\w+)\)", result.output).groups()
    assert current == newest
    stats = json.loads(invoke(runner, "db", "stats", "--db", filled).output)
    assert stats["documents"] == 10 and stats["events"] == sum(stats["by_event_type"].values()) > 0


@pytest.mark.parametrize("width", [60, 100, 250])
def test_the_events_table_fits_the_terminal(filled, width):
    from kharita.cli import format_table
    from kharita.store import Store

    with Store.open(filled) as store:
        events = list(store.iter_events())
    lines = format_table(events, width)
    assert len(lines) == 2 + len(events)
    assert all(len(line) <= max(width, 7 * 8 + 12) for line in lines)
    if width == 250:                                  # room enough: nothing is cut
        assert not any("…" in line for line in lines)
