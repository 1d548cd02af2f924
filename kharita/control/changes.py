"""Control changes: every territorial event says a place changed hands on a date.

A territorial event (ontology.TERRITORIAL: Government regains territory, Non-state actor overtakes
territory, Non-violent transfer of territory) becomes a ControlChange of its place. Events that
report one change of hands (same place, same new controller, dates within the coarser precision's
window) give one change that lists them all, so three unmerged reports of one capture (a
`--no-merge` run) and one merged event with three sources give the same control timeline.

The previous controller is taken, in this order, from what the report states (the territory's
previous controller), from the side the place was taken from (actor2), or from the change before
it at the same place.

A territorial event whose date is unknown (event_date None) gives no change: a change of hands
that cannot be placed on the timeline would either hold the place forever or at a date nobody
reported. The event stays in the store and the exports; control leaves it out (and logs how many).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Iterable

from kharita.merge.cluster import SEARCH_WINDOW_DAYS, controller, pair_window_days
from kharita.models import ControlChange, Event
from kharita.ontology import TERRITORIAL

log = logging.getLogger(__name__)


def is_territorial(event: Event) -> bool:
    return event.sub_event_type in TERRITORIAL


def places_a_change(event: Event) -> bool:
    """A territorial event with a known date: one that can become a ControlChange."""
    return is_territorial(event) and event.event_date is not None


def _stated_previous(event: Event) -> str | None:
    if event.territory is not None and event.territory.previous_controller:
        return event.territory.previous_controller
    if event.actor2 is not None and event.actor2.name != controller(event):
        return event.actor2.name
    return None


def change_of(event: Event) -> ControlChange | None:
    """The change one territorial event reports, before it meets the place's other changes;
    None when the event's date is unknown (a change of hands needs a date)."""
    if event.event_date is None:
        return None
    return ControlChange(
        place=event.place,
        date=event.event_date,
        new_controller=controller(event),
        time_precision=event.time_precision,
        previous_controller=_stated_previous(event),
        event_ids=(event.event_id,),
        certainty=event.certainty,
    )


def _joins(change: ControlChange, event: Event) -> bool:
    """Whether `event` reports the same change of hands as `change` (already at its place)."""
    if controller(event) != change.new_controller:
        return False
    window = pair_window_days(change.time_precision, event.time_precision)
    return abs((event.event_date - change.date).days) <= window


def _absorb(change: ControlChange, event: Event) -> ControlChange:
    """Add a report of the same change: the more precise date and the stronger certainty win."""
    if event.time_precision < change.time_precision:
        change = dataclasses.replace(change, date=event.event_date, time_precision=event.time_precision)
    elif event.time_precision == change.time_precision and event.event_date < change.date:
        change = dataclasses.replace(change, date=event.event_date)
    certainty = max(change.certainty, event.certainty, key=lambda c: c.strength)
    return dataclasses.replace(
        change,
        previous_controller=change.previous_controller or _stated_previous(event),
        event_ids=change.event_ids + (event.event_id,),
        certainty=certainty,
    )


def control_changes(events: Iterable[Event]) -> list[ControlChange]:
    """Every change of hands the territorial events report, by place key, then date.

    Non-territorial events are ignored, so any event stream can be passed, and so are undated
    territorial ones (see the module docstring).
    """
    by_place: dict[str, list[Event]] = defaultdict(list)
    undated = 0
    for event in events:
        if places_a_change(event):
            by_place[event.place.key].append(event)
        elif is_territorial(event):
            undated += 1
    if undated:
        log.info("control: %d territorial event(s) without a date place no change", undated)
    changes: list[ControlChange] = []
    for key in sorted(by_place):
        ordered = sorted(by_place[key], key=lambda e: (e.event_date, e.time_precision, e.event_id))
        changes.extend(_place_changes(ordered))
    log.debug("%d control changes at %d places", len(changes), len(by_place))
    return changes


def _place_changes(events: list[Event]) -> list[ControlChange]:
    """One place's changes from its territorial events, in date order."""
    changes: list[ControlChange] = []
    for event in events:
        new = change_of(event)
        if new is None:                  # undated: control_changes leaves these out already
            continue
        for i in range(len(changes) - 1, -1, -1):
            if (new.date - changes[i].date).days > SEARCH_WINDOW_DAYS:
                changes.append(new)
                break
            if _joins(changes[i], event):
                changes[i] = _absorb(changes[i], event)
                break
        else:
            changes.append(new)
    changes.sort(key=lambda c: (c.date, c.event_ids))
    filled: list[ControlChange] = []
    for change in changes:
        if change.previous_controller is None and filled and filled[-1].date < change.date:
            before = filled[-1].new_controller
            if before != change.new_controller:
                change = dataclasses.replace(change, previous_controller=before)
        filled.append(change)
    return filled
