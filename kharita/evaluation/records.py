"""What `kharita eval` compares: gold events, predicted events and must-nots, read from JSON Lines.

The gold format is ../shared/dev-set/README.md's; a prediction is a kharita record (a JSON Lines
export), an `Event`, or a `PredictedEvent`. Bad lines raise `EvalError` naming the file, the line
and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kharita.errors import EvalError
from kharita.models import Event
from kharita.ontology import SubEventType


class ActorComparer(Protocol):
    def is_same(self, a: str | None, b: str | None) -> bool: ...


@dataclass(frozen=True, slots=True)
class GoldEvent:
    id: str
    sub_event_type: str
    actor1: str
    location: str
    date: dt.date
    actor2: str | None = None
    admin1: str = ""
    location_in_text: str = ""
    geo_precision: int = 1
    time_precision: int = 1
    fatalities: int | None = None
    required: bool = True
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    certainty: str | None = None               # reported, claimed, unconfirmed; None: not stated


@dataclass(frozen=True, slots=True)
class PredictedEvent:
    id: str
    sub_event_type: str
    actor1: str
    location: str
    date: dt.date | None                       # None: the run gave the event no date
    actor2: str | None = None
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    fatalities: int | None = None
    location_texts: tuple[str, ...] = ()       # the words the place was read from (evidence)
    geonameid: int | None = None
    certainty: str | None = None


@dataclass(frozen=True, slots=True)
class MustNot:
    fields: dict[str, Any]
    why: str = ""


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise EvalError(f"{where}: date {value!r} is not YYYY-MM-DD; fix the record.") from None


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _float_or_none(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def gold_from_dict(data: Mapping[str, Any], where: str = "gold") -> GoldEvent:
    """A gold record (dev-set format) as a GoldEvent."""
    missing = [k for k in ("sub_event_type", "actor1", "location", "date") if not data.get(k)]
    if missing:
        raise EvalError(f"{where}: gold event lacks {', '.join(missing)}; every gold event needs "
                        f"sub_event_type, actor1, location and date (see dev-set/README.md).")
    _check_type(data["sub_event_type"], where)
    return GoldEvent(
        id=str(data.get("id") or where),
        sub_event_type=data["sub_event_type"],
        actor1=data["actor1"],
        actor2=data.get("actor2") or None,
        location=data["location"],
        admin1=data.get("admin1") or "",
        location_in_text=data.get("location_in_text") or "",
        geo_precision=int(data.get("geo_precision") or 1),
        date=_date(data["date"], where),
        time_precision=int(data.get("time_precision") or 1),
        fatalities=_int_or_none(data.get("fatalities")),
        required=data.get("required", True) is not False,
        lat=_float_or_none(data.get("latitude")),
        lon=_float_or_none(data.get("longitude")),
        geonameid=_int_or_none(data.get("geonameid")),
        certainty=data.get("certainty") or None,
    )


def predicted_from_record(row: Mapping[str, Any], where: str = "predicted") -> PredictedEvent:
    """A predicted event from a kharita record (`kharita export --format jsonl`, record.to_record)."""
    missing = [k for k in ("sub_event_type", "actor1") if not row.get(k)]
    if missing:
        raise EvalError(f"{where}: predicted record lacks {', '.join(missing)}; score a JSON Lines "
                        f"export made by `kharita export --format jsonl`.")
    _check_type(row["sub_event_type"], where)
    texts: list[str] = []
    sources = row.get("sources") or []
    if isinstance(sources, str):
        sources = json.loads(sources)
    for source in sources:
        for ev in source.get("evidence", ()):
            if ev.get("field") == "location":
                texts.append(ev.get("text", ""))
    return PredictedEvent(
        id=str(row.get("event_id") or row.get("event_id_cnty") or where),
        sub_event_type=row["sub_event_type"],
        actor1=row["actor1"],
        actor2=row.get("actor2") or None,
        location=row.get("location") or "",
        admin1=row.get("admin1") or "",
        lat=_float_or_none(row.get("latitude")),
        lon=_float_or_none(row.get("longitude")),
        date=_date(row["event_date"], where) if row.get("event_date") else None,
        fatalities=_int_or_none(row.get("fatalities")),
        location_texts=tuple(texts),
        geonameid=_int_or_none(row.get("geonameid")),
        certainty=row.get("certainty") or None,
    )


def predicted_from_event(event: Event) -> PredictedEvent:
    from kharita.record import to_record

    return predicted_from_record(to_record(event), event.event_id)


def _check_type(value: str, where: str) -> None:
    try:
        SubEventType(value)
    except ValueError:
        raise EvalError(f"{where}: {value!r} is not an ACLED sub-event type (or Displacement); "
                        f"use one of kharita.ontology.SubEventType.") from None


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file (blank lines skipped)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalError(f"No such file: {path}. Give an existing JSON Lines file.") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{n}: not JSON ({exc.msg}); one JSON object a line.") from None
        if not isinstance(obj, dict):
            raise EvalError(f"{path}:{n}: expected a JSON object, got {type(obj).__name__}.")
        out.append(obj)
    return out


def read_gold(path: str | Path) -> list[GoldEvent]:
    return [gold_from_dict(d, f"{path}:{i + 1}") for i, d in enumerate(read_jsonl(path))]


def read_predicted(path: str | Path) -> list[PredictedEvent]:
    return [predicted_from_record(d, f"{path}:{i + 1}") for i, d in enumerate(read_jsonl(path))]


def read_must_not(path: str | Path) -> list[MustNot]:
    out = []
    for d in read_jsonl(path):
        why = str(d.pop("why", ""))
        out.append(MustNot(fields=d, why=why))
    return out
