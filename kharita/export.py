"""Exports: ACLED CSV, GeoJSON, JSON Lines and Parquet, all from `kharita.record.to_record`.

- ACLED CSV: ACLED's 31 columns in ACLED's order, then kharita's; `sources` is JSON text.
- GeoJSON: a FeatureCollection of points, the record as properties (`sources` as a list).
- JSON Lines: the whole record per line, `sources` with their evidence spans: what
  `kharita eval` and outside tools read back (`kharita.record.from_record`).
- Parquet: the CSV's columns with proper types, `sources` as JSON text.

An event whose date is unknown has an empty event_date, year and time_precision cell in the CSV,
and null for them in GeoJSON, JSON Lines and Parquet (see kharita.record).

`event_id_cnty` is ACLED's form of the id (SYR17) when the caller passes `ids`, a look-up of the
store's numbers (kharita.store.acled_ids.lookup_store; `kharita export` does); each batch of
events is looked up at once, so a large export costs one query per batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from kharita.errors import ExportError
from kharita.models import Event
from kharita.record import COLUMNS, to_record

FORMATS = ("acled-csv", "geojson", "jsonl", "parquet")
SUFFIX = {"acled-csv": ".csv", "geojson": ".geojson", "jsonl": ".jsonl", "parquet": ".parquet"}
BATCH = 500

#: event ids -> their ACLED event_id_cnty (the ids the store has numbered).
IdLookup = Callable[[Sequence[str]], Mapping[str, str]]


def records(events: Iterable[Event], ids: IdLookup | None = None) -> Iterator[dict[str, Any]]:
    """`to_record` of each event, with its ACLED event_id_cnty when `ids` knows it."""
    remaining = iter(events)
    while batch := list(islice(remaining, BATCH)):
        known = ids([e.event_id for e in batch]) if ids is not None else {}
        for ev in batch:
            yield to_record(ev, event_id_cnty=known.get(ev.event_id))


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "sources": json.dumps(record["sources"], ensure_ascii=False)}


def write_csv(events: Iterable[Event], out: IO[str], ids: IdLookup | None = None) -> int:
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for record in records(events, ids):
        row = _flat(record)
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


def write_jsonl(events: Iterable[Event], out: IO[str], ids: IdLookup | None = None) -> int:
    n = 0
    for record in records(events, ids):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_geojson(events: Iterable[Event], out: IO[str], ids: IdLookup | None = None) -> int:
    """A FeatureCollection, written feature by feature so a large export needs little memory."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for record in records(events, ids):
        feature = {
            "type": "Feature",
            "id": record["event_id"],
            "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
            "properties": record,
        }
        out.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_parquet(events: Iterable[Event], out: IO[bytes], ids: IdLookup | None = None) -> int:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [_flat(record) for record in records(events, ids)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("year", "time_precision", "geonameid", "iso", "fatalities", "fatalities_low",
                   "fatalities_best", "fatalities_high"):
        frame[column] = frame[column].astype("Int64")
    days = [r["event_date"] for r in rows]
    frame["event_date"] = pd.Series([dt.date.fromisoformat(d) if d else None for d in days], dtype=object)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    at = table.schema.get_field_index("event_date")      # a date column even when every date is unknown
    table = table.set_column(at, "event_date", table.column(at).cast(pa.date32()))
    pq.write_table(table, out)
    return len(rows)


WRITERS = {"acled-csv": write_csv, "geojson": write_geojson, "jsonl": write_jsonl, "parquet": write_parquet}


@contextmanager
def _open(out: str | Path, binary: bool) -> Iterator[IO[Any]]:
    if str(out) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    path = Path(out)
    if not path.parent.exists():
        raise ExportError(f"Cannot write {path}: folder {path.parent} does not exist. Create it or pick --out.")
    try:
        with open(path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            yield f
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror}. Pick another --out.") from exc


def export(events: Iterable[Event], fmt: str, out: str | Path = "-", *, ids: IdLookup | None = None) -> int:
    """Write events in a format to a path ('-' = stdout); returns how many were written. `ids`
    gives the events' ACLED event_id_cnty (else the column repeats event_id)."""
    if fmt not in WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    binary = fmt == "parquet"
    with _open(out, binary) as f:
        return WRITERS[fmt](events, f, ids)
