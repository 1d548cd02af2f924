"""Control as a materialised state: who holds each place over spans of days (issue 12).

Replaying every change (and the fighting near each place) on every `/api/control` call costs
the whole history per request. Yet a place's state only changes on a few days: the day of one of
its changes, the day fighting that reaches it is reported, and the day after that fighting leaves
the horizon (`FIGHTING_DAYS`). `spans` asks the replay (`ControlTimeline.state`) for the state on
each of those days and keeps one span per run of equal states, so a span answers for every day in
it exactly what the replay answers. `write` stores the spans in `control_states` with the changes
they came from, in the refresh's transaction (`refresh`); `control_at` reads
the spans covering a day.

A store whose changes were written otherwise (`Store.write_control_changes` alone, or before
revision 0005) has no spans of its changes: `control_refresh` counts the changes the spans were
made from, and while that count is not the stored changes' count, `control_at` replays them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select

from kharita.control.changes import control_changes
from kharita.control.state import (
    CONTEST_TYPES,
    FIGHTING_DAYS,
    BBox,
    ControlTimeline,
    fighting_reaches,
    in_bbox,
    load_timeline,
)
from kharita.models import ControlChange, ControlState, Event
from kharita.ontology import TERRITORIAL, Certainty, TimePrecision
from kharita.store import schema
from kharita.store.store import place_from_dict, place_to_dict

log = logging.getLogger(__name__)

Span = tuple[dt.date, dt.date | None, ControlState]     # [valid_from, valid_until), state on valid_from


def _after(day: dt.date, days: int) -> dt.date | None:
    """`day` plus `days`, or None past the end of the calendar."""
    return day + dt.timedelta(days=days) if dt.date.max - day >= dt.timedelta(days=days) else None


def _turning_days(timeline: ControlTimeline, changes: Sequence[ControlChange]) -> list[dt.date]:
    """The days on which the place of `changes` may change state (module docstring)."""
    days = {c.date for c in changes}
    first = min(days)
    for place in {c.place for c in changes}:
        for event in timeline.fighting_near(place):
            if event.event_date is None or not fighting_reaches(event.place, place):
                continue
            days.add(event.event_date)
            gone = _after(event.event_date, timeline.fighting_days + 1)
            if gone is not None:
                days.add(gone)
    return sorted(d for d in days if d >= first)


def _same(a: ControlState, b: ControlState) -> bool:
    return (a.place, a.controller, a.contested, a.since, a.change, a.reasons) == (
        b.place, b.controller, b.contested, b.since, b.change, b.reasons)


def spans(timeline: ControlTimeline) -> Iterator[Span]:
    """Every place's states as spans of days, in place-key order."""
    for key, changes in sorted(timeline.changes_by_place().items()):
        current: tuple[dt.date, ControlState] | None = None
        for day in _turning_days(timeline, changes):
            state = timeline.state(key, day)
            if state is None or (current is not None and _same(current[1], state)):
                continue
            if current is not None:
                yield current[0], day, current[1]
            current = (day, state)
        if current is not None:
            yield current[0], None, current[1]


def _row(valid_from: dt.date, valid_until: dt.date | None, state: ControlState) -> dict[str, Any]:
    change = state.change
    assert change is not None                            # a state of a known change
    return {
        "valid_from": valid_from, "valid_until": valid_until, "place_key": state.place.key,
        "place_name": state.place.name, "latitude": state.place.lat, "longitude": state.place.lon,
        "place": place_to_dict(state.place), "contested": state.contested, "reasons": list(state.reasons),
        "change_date": change.date, "time_precision": int(change.time_precision),
        "new_controller": change.new_controller, "previous_controller": change.previous_controller,
        "event_ids": list(change.event_ids), "certainty": change.certainty.value,
    }


def fighting(store: Any, changes: Sequence[ControlChange]) -> Iterable[Event]:
    """The stored fighting that can contest `changes`: from the first change's day on."""
    if not changes:
        return ()
    return store.iter_events(since=min(c.date for c in changes), sub_types=sorted(CONTEST_TYPES))


def write(store: Any, changes: Sequence[ControlChange], fights: Iterable[Event]) -> int:
    """Replace the stored spans with those of `changes` and `fights`, in the open transaction
    (or one of their own); returns how many were written."""
    rows = [_row(*span) for span in spans(ControlTimeline(changes, fights))]

    def replace(s: Any) -> int:
        with s._connection() as conn:
            s.lock(["control_changes"])
            conn.execute(delete(schema.control_states))
            conn.execute(delete(schema.control_refresh))
            if rows:
                conn.execute(insert(schema.control_states), rows)
            conn.execute(insert(schema.control_refresh), {"id": 1, "changes": len(changes)})
        return len(rows)

    return store.run_transaction(replace)


def _state(row: Any, date: dt.date) -> ControlState:
    place = place_from_dict(_loaded(row.place))
    change = ControlChange(
        place=place, date=row.change_date, new_controller=row.new_controller,
        time_precision=TimePrecision(row.time_precision), previous_controller=row.previous_controller,
        event_ids=tuple(_loaded(row.event_ids)), certainty=Certainty(row.certainty))
    return ControlState(place=place, date=date, controller=row.new_controller, contested=bool(row.contested),
                        since=row.change_date, change=change, reasons=tuple(_loaded(row.reasons)))


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def stored_control_at(store: Any, date: dt.date, *, bbox: BBox | None = None) -> list[ControlState] | None:
    """The materialised states at `date` (within `bbox`), by place name; None when the stored
    changes have no spans (written outside a refresh: replay them)."""
    table = schema.control_states
    with store.engine.connect() as conn:
        made_of = conn.execute(select(schema.control_refresh.c.changes)).scalar()
        stored = conn.execute(select(func.count()).select_from(schema.control_changes)).scalar_one()
        if made_of != stored:
            return None
        stmt = (select(table).where(table.c.valid_from <= date,
                                    or_(table.c.valid_until.is_(None), table.c.valid_until > date))
                .order_by(table.c.place_name, table.c.place_key))
        if bbox is not None:
            stmt = stmt.where(table.c.latitude.between(bbox[1], bbox[3]))
        rows = conn.execute(stmt).all()
    states = [_state(row, date) for row in rows]
    return [s for s in states if in_bbox(s.place, bbox)]


def refresh(store: Any) -> list[ControlChange]:
    """Recompute every control change from the stored territorial events, and the states they
    make; write both in one transaction."""
    changes = control_changes(store.iter_events(sub_types=sorted(TERRITORIAL)))
    fights = list(fighting(store, changes))

    def replace(s: Any) -> None:
        s.write_control_changes(changes)
        write(s, changes, fights)

    store.run_transaction(replace)
    log.info("control: %d changes at %d places", len(changes), len({c.place.key for c in changes}))
    return changes


def control_at(store: Any, date: dt.date, *, bbox: BBox | None = None) -> list[ControlState]:
    """Each known place's controller at `date` (within `bbox`), as `kharita.control.control_at`
    answers it: from the materialised state, else by replaying the stored changes."""
    stored = stored_control_at(store, date, bbox=bbox)
    if stored is not None:
        return stored
    return load_timeline(store, date, bbox=bbox, fighting_days=FIGHTING_DAYS).control_at(date, bbox=bbox)


__all__ = ["control_at", "fighting", "refresh", "spans", "stored_control_at", "write"]
