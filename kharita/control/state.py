"""Who holds each place at a date, from its control changes, and where that is contested.

The controller of a place at date D is the new controller of its latest change on or before D.
When several changes share that date, the better supported one sets the controller (stronger
certainty, then more reports), and the others make the place contested.

A place is **contested** at D when
- sources disagree: another change at the place, on or before D and within the date window of the
  latest change (the coarser time precision of the two), names a different controller; or
- fighting goes on: a fighting event (ontology.FIGHTING, territorial ones aside: those are changes)
  is reported at the place after the latest change and no more than `fighting_days` before D.
  "At the place" is the place itself, the city of a district ("al-Hasakah" for "al-Hasakah -
  Nashwa"), or a vaguely known place (geo precision 2 or 3) within the coarser precision's radius.
  Fighting at another precisely named place is not at this one: every district of a city lies
  within the 10 km radius of the others, and a battle in one is not a battle in all. The horizon
  keeps one skirmish from marking a town contested for years; two weeks is about how long a front
  sits in ACLED's weekly coding before it is redrawn.

`ControlState.reasons` says, in words, why a place is contested, so a map can show it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from kharita.control.changes import control_changes
from kharita.merge.cluster import (
    SEARCH_RADIUS_KM,
    EventIndex,
    distance_km,
    pair_radius_km,
    pair_window_days,
    places_compatible,
)
from kharita.models import ControlChange, ControlState, Event, Place
from kharita.ontology import FIGHTING, PLACE_RADIUS_KM, TERRITORIAL, GeoPrecision

log = logging.getLogger(__name__)

#: How long, in days, fighting after the latest change keeps a place contested.
FIGHTING_DAYS = 14

#: Non-territorial fighting: what marks a held place as contested.
CONTEST_TYPES = FIGHTING - TERRITORIAL

BBox = tuple[float, float, float, float]   # (min_lon, min_lat, max_lon, max_lat), as GeoJSON


class ControlStore(Protocol):
    """What control needs from kharita.store.Store."""

    def iter_events(self, **filters: Any) -> Iterable[Event]: ...

    def control_changes(self, place_key: str | None = None) -> list[ControlChange]: ...

    def write_control_changes(self, changes: Iterable[ControlChange]) -> int: ...


def in_bbox(place: Place, bbox: BBox | None) -> bool:
    if bbox is None:
        return True
    min_lon, min_lat, max_lon, max_lat = bbox
    lon_ok = min_lon <= place.lon <= max_lon if min_lon <= max_lon else (
        place.lon >= min_lon or place.lon <= max_lon)
    return min_lat <= place.lat <= max_lat and lon_ok


def place_matches(place: Place, name: str) -> bool:
    """A place answers to its key, its name, or, for a city district, the district's own name."""
    wanted = " ".join(name.casefold().split())
    full = " ".join(place.name.casefold().split())
    return wanted in (place.key.casefold(), full, full.rsplit(" - ", 1)[-1])


def fighting_reaches(fight: Place, place: Place) -> bool:
    """Whether fighting reported at `fight` is fighting at `place` (see the module docstring)."""
    if fight.key == place.key:
        return True
    km = distance_km(place.lat, place.lon, fight.lat, fight.lon)
    if place.name.casefold().startswith(fight.name.casefold() + " - "):
        return km <= PLACE_RADIUS_KM[GeoPrecision.PLACE]
    if fight.precision == GeoPrecision.PLACE and place.precision == GeoPrecision.PLACE:
        return places_compatible(fight, place)
    return km <= pair_radius_km(place.precision, fight.precision)


def _support(change: ControlChange) -> tuple[int, int]:
    return (change.certainty.strength, len(change.event_ids))


class ControlTimeline:
    """Control changes by place, with the fighting that can contest them; answers "who holds what"."""

    def __init__(
        self,
        changes: Iterable[ControlChange],
        fighting: Iterable[Event] = (),
        *,
        fighting_days: int = FIGHTING_DAYS,
    ) -> None:
        self._by_place: dict[str, list[ControlChange]] = defaultdict(list)
        for change in changes:
            self._by_place[change.place.key].append(change)
        for place_changes in self._by_place.values():
            place_changes.sort(key=lambda c: (c.date, c.event_ids))
        self._fighting = EventIndex(e for e in fighting if e.sub_event_type in CONTEST_TYPES)
        self.fighting_days = fighting_days

    @classmethod
    def from_events(cls, events: Iterable[Event], *, fighting_days: int = FIGHTING_DAYS) -> "ControlTimeline":
        """A timeline from coded events alone (territorial ones make the changes)."""
        events = list(events)
        return cls(control_changes(events), events, fighting_days=fighting_days)

    def places(self) -> list[Place]:
        return [changes[-1].place for _, changes in sorted(self._by_place.items())]

    def state(self, place_key: str, date: dt.date) -> ControlState | None:
        """The control state of one place at a date; None when no change is known by then."""
        known = [c for c in self._by_place.get(place_key, ()) if c.date <= date]
        if not known:
            return None
        last_day = known[-1].date
        latest = max((c for c in known if c.date == last_day), key=_support)
        reasons = [*self._disagreements(latest, known), *self._fighting_after(latest, date)]
        return ControlState(
            place=latest.place,
            date=date,
            controller=latest.new_controller,
            contested=bool(reasons),
            since=latest.date,
            change=latest,
            reasons=tuple(reasons),
        )

    def _disagreements(self, latest: ControlChange, known: Sequence[ControlChange]) -> list[str]:
        reasons = []
        for other in known:
            if other is latest or other.new_controller == latest.new_controller:
                continue
            window = pair_window_days(latest.time_precision, other.time_precision)
            if abs((latest.date - other.date).days) <= window:
                reasons.append(
                    f"sources disagree: {other.new_controller} on {other.date.isoformat()} "
                    f"({other.certainty.value}, {len(other.event_ids)} report(s))")
        return reasons

    def _fighting_after(self, latest: ControlChange, date: dt.date) -> list[str]:
        start = max(latest.date + dt.timedelta(days=1), _days_before(date, self.fighting_days))
        if start > date:
            return []
        place = latest.place
        near = self._fighting.events_near(place.lat, place.lon, SEARCH_RADIUS_KM, start, date)
        reasons = []
        for event in sorted(near, key=lambda e: (e.event_date, e.event_id)):
            if fighting_reaches(event.place, place):
                reasons.append(
                    f"fighting after the change: {event.sub_event_type.value} at {event.place.name} "
                    f"on {event.event_date.isoformat()} ({event.event_id})")
        return reasons

    def control_at(self, date: dt.date, *, bbox: BBox | None = None) -> list[ControlState]:
        """Every known place's state at a date, by place name."""
        states = []
        for key, changes in self._by_place.items():
            if not in_bbox(changes[-1].place, bbox):
                continue
            state = self.state(key, date)
            if state is not None:
                states.append(state)
        return sorted(states, key=lambda s: (s.place.name, s.place.key))

    def changes_by_place(self) -> dict[str, list[ControlChange]]:
        """Each place key's changes, in date order."""
        return {key: list(changes) for key, changes in self._by_place.items()}

    def fighting_near(self, place: Place) -> list[Event]:
        """The fighting held within the search radius of a place, on any day (kharita.control.materialised)."""
        return self._fighting.events_near(place.lat, place.lon, SEARCH_RADIUS_KM, dt.date.min, dt.date.max)

    def history(self, place_name: str) -> list[ControlChange]:
        """A place's changes in date order (every place that answers to the name)."""
        found = []
        for changes in self._by_place.values():
            if any(place_matches(c.place, place_name) for c in changes):
                found.extend(changes)
        return sorted(found, key=lambda c: (c.place.name, c.date, c.event_ids))


# -- over a store --------------------------------------------------------------------------------

def _days_before(date: dt.date, days: int) -> dt.date:
    """`date` less `days`, or the first day there is (a date asked for in year 1 is no error)."""
    return date - dt.timedelta(days=days) if date - dt.date.min > dt.timedelta(days=days) else dt.date.min


def _wider(bbox: BBox | None) -> BBox | None:
    """A bbox grown by the largest matching radius, so fighting just outside it still counts."""
    if bbox is None:
        return None
    pad = SEARCH_RADIUS_KM / 111.0 * 2
    min_lon, min_lat, max_lon, max_lat = bbox
    return (min_lon - pad, max(-90.0, min_lat - pad), max_lon + pad, min(90.0, max_lat + pad))


def load_timeline(
    store: ControlStore,
    date: dt.date | None = None,
    *,
    bbox: BBox | None = None,
    fighting_days: int = FIGHTING_DAYS,
) -> ControlTimeline:
    """The stored changes, with the fighting events that can contest them at `date`."""
    changes = [c for c in store.control_changes() if in_bbox(c.place, bbox)]
    fighting: Iterable[Event] = ()
    if date is not None and changes:
        fighting = store.iter_events(
            since=_days_before(date, fighting_days), until=date,
            sub_types=sorted(CONTEST_TYPES), bbox=_wider(bbox),
        )
    return ControlTimeline(changes, fighting, fighting_days=fighting_days)


def control_at(
    store: ControlStore,
    date: dt.date,
    *,
    bbox: BBox | None = None,
    fighting_days: int = FIGHTING_DAYS,
) -> list[ControlState]:
    """Each known place's controller at `date` (within `bbox`), with the change that set it."""
    return load_timeline(store, date, bbox=bbox, fighting_days=fighting_days).control_at(date, bbox=bbox)


def history(store: ControlStore, place_name: str) -> list[ControlChange]:
    """A place's stored changes, in date order."""
    return load_timeline(store).history(place_name)


# -- output --------------------------------------------------------------------------------------

def change_to_dict(change: ControlChange) -> dict[str, Any]:
    return {
        "place": change.place.name,
        "place_key": change.place.key,
        "date": change.date.isoformat(),
        "time_precision": int(change.time_precision),
        "new_controller": change.new_controller,
        "previous_controller": change.previous_controller,
        "certainty": change.certainty.value,
        "event_ids": list(change.event_ids),
    }


def control_geojson(states: Iterable[ControlState]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one Point per place, its controller and why it is contested."""
    features = []
    for state in states:
        place = state.place
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]},
            "properties": {
                "place": place.name,
                "place_key": place.key,
                "geonameid": place.geonameid,
                "admin1": place.admin1,
                "geo_precision": int(place.precision),
                "approximate": place.approximate,
                "date": state.date.isoformat(),
                "controller": state.controller,
                "contested": state.contested,
                "since": state.since.isoformat() if state.since else None,
                "previous_controller": state.change.previous_controller if state.change else None,
                "certainty": state.change.certainty.value if state.change else None,
                "event_ids": list(state.change.event_ids) if state.change else [],
                "reasons": list(state.reasons),
            },
        })
    return {"type": "FeatureCollection", "features": features}
