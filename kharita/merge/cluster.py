"""Same event, many reports: decide which coded events describe one real event, and merge them.

Two events are the same real event when all four hold (the gold matching rules of the dev set,
applied between reports instead of between a report and the gold):

- **type**: the same sub-event type, or both territorial with the same new controller (one outlet
  writes "took without a fight", another "captured after clashes": one change of hands);
- **place**: within the radius of the coarser geo precision of the two (ontology.PLACE_RADIUS_KM),
  except that two places both named precisely (geo precision 1) and different stay apart unless
  they are one spot under two gazetteer entries (SAME_SPOT_KM). The radius is a tolerance for a
  place known only vaguely; without the exception, two outlets reporting the capture of two
  districts of one city on one day (all within 10 km) would fold into one change of hands;
- **date**: within the window of the coarser time precision of the two (ontology.DATE_WINDOW_DAYS);
- **actors**: compatible actor1 (and actor2 when both name one): the same canonical actor, an alias,
  or a parent force (YPG within SDF). An armed clash has no direction, so its two sides may swap.

And one more: two events that one report keeps apart stay apart, so an event never joins a
candidate that already holds a different event of the same report.

An event whose date is unknown (event_date None: no date in the text, no publication date) never
merges with another event, and no event merges into it: nothing shows that two undated reports,
or an undated and a dated one, describe the same day, and a wrong merge loses an event while a
missed one only keeps a duplicate. It is written as it came.

Merging is incremental. The new event joins the best stored candidate, which keeps its event_id,
its sub-event type and its first actors, and gains the new report's source, the more precise place
and date, the fatality range across all reports (see fatalities.py) and the strongest certainty.
Candidates come from the store's spatial and date prefilter (`candidates_near_each`), never from
a scan: one search per event (`NearSearch`: type, date window, place), all of a batch's searches
in one call, which the store answers with one indexed query that reads only what the rules which
need no sources (`may_be_same`) read (a `Candidate`); then one read, whole and with their sources,
of the few candidates that pass those rules (`events_by_id`).

Several processes may merge into one store at once. Before it reads a candidate, `merge_events`
takes the store's locks (`Store.lock`) on the merge blocks of its events (`merge_blocks`): grid
cells of type group, place and date covering everything its candidate search can read. Two
writers whose events could meet (one reads a stored event the other rewrites, or both would start
one incident's event) share a block, so the second waits for the first and then sees its event:
one event per incident, and no update lost, as if the reports had been merged one after the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple, Protocol

from kharita.merge.fatalities import fatality_range
from kharita.geo import distance_km
from kharita.models import Actor, Event, Place, Source, Territory, shift_day
from kharita.ontology import (
    DATE_WINDOW_DAYS,
    PLACE_RADIUS_KM,
    TERRITORIAL,
    GeoPrecision,
    SubEventType,
    TimePrecision,
)

log = logging.getLogger(__name__)

#: Sub-event types whose two actors have no direction: "A clashed with B" is "B clashed with A".
SYMMETRIC: frozenset[SubEventType] = frozenset({SubEventType.ARMED_CLASH})

#: Two different places, both named precisely, are still one place when this close (km).
SAME_SPOT_KM = 1.0

#: The widest radius and window any pair can have: the prefilter must not miss a coarse candidate.
SEARCH_RADIUS_KM = max(PLACE_RADIUS_KM.values())
SEARCH_WINDOW_DAYS = max(DATE_WINDOW_DAYS.values())

#: A merge block's size: degrees of latitude, degrees of longitude, days. Each is wider than the
#: candidate search around an event (2 x SEARCH_RADIUS_KM, 2 x SEARCH_WINDOW_DAYS + 1; in
#: longitude up to 60 degrees of latitude), so one event's search touches at most two blocks a side.
BLOCK_SIZE = (3.0, 6.0, 64)



class ActorCompatibility(Protocol):
    """What merge needs from the actor dictionary (kharita.actors.ActorDictionary provides it)."""

    def compatible(self, a: str, b: str, date: dt.date | None = None) -> bool: ...


@dataclasses.dataclass(frozen=True, slots=True)
class NearSearch:
    """One candidate search: events of one of `sub_types` (any, when empty) near a point and a
    day, "near" by each stored event's own precision: one of geo precision p within radius_km[p]
    km of the point (or anywhere within the widest radius, if it has `place_key`), one of time
    precision t within window_days[t] days of the day. Nothing is near an unknown day."""

    lat: float
    lon: float
    day: dt.date | None
    radius_km: Mapping[int, float]
    window_days: Mapping[int, int]
    sub_types: tuple[str, ...] = ()
    place_key: str | None = None


class Spot(NamedTuple):
    """What the place rule (`places_compatible`) reads of a place: its key, point and precision."""

    key: str
    lat: float
    lon: float
    precision: GeoPrecision


class Side(NamedTuple):
    """What the actor rules read of an actor: its canonical name and its parent force."""

    name: str
    parent: str | None = None


class Held(NamedTuple):
    """What the type and actor rules read of a territory: who holds the place after the event."""

    new_controller: str


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """A stored event as merge's first read gives it (`EventSource.candidates_near_each`): only
    what the rules that need no sources (`may_be_same`) read, with the same names as an Event's,
    so that those rules take either. The few candidates that pass them are then read whole
    (`EventSource.events_by_id`)."""

    event_id: str
    sub_event_type: SubEventType
    event_date: dt.date | None
    time_precision: TimePrecision
    place: Spot
    actor1: Side
    actor2: Side | None = None
    territory: Held | None = None


#: What the rules that need no sources take: a whole Event or a stored event's Candidate.
Judged = Event | Candidate


class EventSource(Protocol):
    """The store queries merge needs (kharita.store.Store has them; so has EventIndex): events
    near a point and a day, "near" by each stored event's own geo and time precision, for one
    search or for a batch of them (a list of candidates per search, in the searches' order),
    the batch's perhaps without their sources (`sources=False`), read later for the few that
    need them (`with_sources`); or, lighter, only what the rules that need no sources read
    (`candidates_near_each`), then the few that pass them whole (`events_by_id`)."""

    def events_near_each(self, searches: Sequence[NearSearch], *, sources: bool = True) -> list[list[Event]]: ...

    def candidates_near_each(self, searches: Sequence[NearSearch]) -> Sequence[Sequence[Judged]]: ...

    def events_by_id(self, event_ids: Sequence[str]) -> list[Event]: ...

    def with_sources(self, events: Sequence[Event]) -> list[Event]: ...

    def events_near_by_precision(
        self,
        lat: float,
        lon: float,
        day: dt.date | None,
        *,
        radius_km: Mapping[int, float],
        window_days: Mapping[int, int],
        sub_types: Sequence[str] = (),
        place_key: str | None = None,
    ) -> Iterable[Event]: ...


class SameName:
    """Actor compatibility without a dictionary: the same canonical name, case and spacing aside."""

    def compatible(self, a: str, b: str, date: dt.date | None = None) -> bool:
        return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def default_actors() -> ActorCompatibility:
    """The packaged actor dictionary when kharita.actors offers one, else name equality."""
    try:
        from kharita.actors import ActorDictionary  # noqa: PLC0415 - optional until the dictionary lands
    except ImportError:
        log.info("kharita.actors has no ActorDictionary; merge compares actor names only")
        return SameName()
    loader = getattr(ActorDictionary, "default", None) or getattr(ActorDictionary, "load", None)
    return loader() if loader else ActorDictionary()


# -- geometry and windows ------------------------------------------------------------------------

def pair_radius_km(a: GeoPrecision, b: GeoPrecision) -> float:
    """The matching radius of two places: that of the coarser precision."""
    return PLACE_RADIUS_KM[max(GeoPrecision(a), GeoPrecision(b))]


def pair_window_days(a: TimePrecision, b: TimePrecision) -> int:
    """The matching window of two dates: that of the coarser precision."""
    return DATE_WINDOW_DAYS[max(TimePrecision(a), TimePrecision(b))]


# -- the rules -----------------------------------------------------------------------------------

def controller(event: Judged) -> str:
    """Who holds the place after a territorial event: the territory's new controller, else actor1."""
    if event.territory is not None and event.territory.new_controller:
        return event.territory.new_controller
    return event.actor1.name


def _earlier_date(a: Judged, b: Judged) -> dt.date | None:
    """The date the actor dictionary checks validity on: the earlier of the two known dates."""
    days = [d for d in (a.event_date, b.event_date) if d is not None]
    return min(days) if days else None


def types_compatible(a: Judged, b: Judged, actors: ActorCompatibility) -> bool:
    if a.sub_event_type == b.sub_event_type:
        return True
    if a.sub_event_type in TERRITORIAL and b.sub_event_type in TERRITORIAL:
        return actors.compatible(controller(a), controller(b), _earlier_date(a, b))
    return False


def candidate_types(event: Event) -> frozenset[SubEventType]:
    """The sub-event types a candidate may have (the store's prefilter on type)."""
    if event.sub_event_type in TERRITORIAL:
        return TERRITORIAL
    return frozenset({event.sub_event_type})


def _actor_ok(a: Actor | Side, b: Actor | Side, actors: ActorCompatibility, date: dt.date | None) -> bool:
    if a.name == b.name or (a.parent and a.parent == b.name) or (b.parent and b.parent == a.name):
        return True
    return actors.compatible(a.name, b.name, date)


def _optional_actor_ok(a: Actor | Side | None, b: Actor | Side | None, actors: ActorCompatibility,
                       date: dt.date | None) -> bool:
    return a is None or b is None or _actor_ok(a, b, actors, date)


def actors_compatible(a: Judged, b: Judged, actors: ActorCompatibility) -> bool:
    date = _earlier_date(a, b)
    if a.sub_event_type in TERRITORIAL and b.sub_event_type in TERRITORIAL:
        # The taker decides; who lost the place is often unstated or generic in one report.
        return actors.compatible(controller(a), controller(b), date) or _actor_ok(
            a.actor1, b.actor1, actors, date)
    if _actor_ok(a.actor1, b.actor1, actors, date) and _optional_actor_ok(a.actor2, b.actor2, actors, date):
        return True
    if a.sub_event_type in SYMMETRIC and a.actor2 is not None:
        return _actor_ok(a.actor2, b.actor1, actors, date) and _optional_actor_ok(
            a.actor1, b.actor2, actors, date)
    return False


def places_compatible(a: Place | Spot, b: Place | Spot) -> bool:
    """The same place, or one within the coarser precision's radius of a vaguely known one."""
    if a.key == b.key:
        return True
    km = distance_km(a.lat, a.lon, b.lat, b.lon)
    if a.precision == GeoPrecision.PLACE and b.precision == GeoPrecision.PLACE:
        return km <= SAME_SPOT_KM
    return km <= pair_radius_km(a.precision, b.precision)


def near_enough(a: Judged, b: Judged) -> bool:
    """Compatible places (see places_compatible) and dates within the coarser window; an unknown
    date is near nothing."""
    if a.event_date is None or b.event_date is None:
        return False
    days = abs((a.event_date - b.event_date).days)
    if days > pair_window_days(a.time_precision, b.time_precision):
        return False
    return places_compatible(a.place, b.place)


def document_ids(event: Event) -> frozenset[str]:
    return frozenset(s.document_id for s in event.sources)


def source_key(source: Source) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """A report's identity within an event: its document and the spans that support the event."""
    return (source.document_id, tuple(sorted((e.field, e.start, e.end) for e in source.evidence)))


def holds_report_of(candidate: Event, event: Event) -> bool:
    """True when every source of `event` is already in `candidate`: the same report seen again.
    A source without evidence spans cannot be told from another event of its report: never."""
    held = {source_key(s) for s in candidate.sources}
    return bool(event.sources) and all(s.evidence and source_key(s) in held for s in event.sources)


def kept_apart(candidate: Event, event: Event) -> bool:
    """True when a report behind `event` already gave `candidate` as a different event."""
    return bool(document_ids(candidate) & document_ids(event)) and not holds_report_of(candidate, event)


def may_be_same(a: Judged, b: Judged, actors: ActorCompatibility) -> bool:
    """The rules of `same_event` that do not read the sources: place, date, type and actors."""
    return near_enough(a, b) and types_compatible(a, b, actors) and actors_compatible(a, b, actors)


def same_event(a: Event, b: Event, actors: ActorCompatibility | None = None) -> bool:
    """Whether two coded events describe one real event (the rules of the module docstring)."""
    actors = actors or SameName()
    return not kept_apart(a, b) and may_be_same(a, b, actors)


def _closeness(stored: Event, event: Event) -> tuple[float, int, str]:
    """Sort key for candidates: nearer in space and time first, same sub-event type first."""
    km = distance_km(stored.place.lat, stored.place.lon, event.place.lat, event.place.lon)
    radius = pair_radius_km(stored.place.precision, event.place.precision)
    days = 0
    if stored.event_date is not None and event.event_date is not None:
        days = abs((stored.event_date - event.event_date).days)
    window = pair_window_days(stored.time_precision, event.time_precision)
    other_type = int(stored.sub_event_type != event.sub_event_type)
    return (km / radius + days / (window + 1), other_type, stored.event_id)


# -- combining two events ------------------------------------------------------------------------

def _with_figures(event: Event) -> tuple[Source, ...]:
    """The event's sources, each carrying its report's toll: a single-report event's toll is its
    source's toll when the coder put it only on the event."""
    if event.fatalities is None or len(document_ids(event)) != 1:
        return event.sources
    return tuple(
        dataclasses.replace(s, fatalities=event.fatalities) if s.fatalities is None else s
        for s in event.sources
    )


def _union(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *second]))


def combine(stored: Event, event: Event) -> Event:
    """`stored` with `event`'s report added. The stored event's id, type and actors stay."""
    sources = list(_with_figures(stored))
    held = {source_key(s) for s in sources}
    for source in _with_figures(event):
        if source_key(source) not in held:
            held.add(source_key(source))
            sources.append(source)
    tolls = fatality_range(
        (s.fatalities for s in sources),
        lows=(stored.fatalities_low, event.fatalities_low, stored.fatalities, event.fatalities),
        highs=(stored.fatalities_high, event.fatalities_high),
    )
    certainty = max(
        [stored.certainty, event.certainty, *(s.certainty for s in sources)], key=lambda c: c.strength)
    place = event.place if event.place.precision < stored.place.precision else stored.place
    if event.event_date is None:                 # a known date always beats an unknown one
        date, precision = stored.event_date, stored.time_precision
    elif stored.event_date is None or event.time_precision < stored.time_precision:
        date, precision = event.event_date, event.time_precision
    else:
        date, precision = stored.event_date, stored.time_precision
    return dataclasses.replace(
        stored,
        event_date=date,
        time_precision=precision,
        place=place,
        actor2=stored.actor2 or _other_side(stored, event),
        assoc_actor_1=_union(stored.assoc_actor_1, event.assoc_actor_1),
        assoc_actor_2=_union(stored.assoc_actor_2, event.assoc_actor_2),
        fatalities=tolls.acled,
        fatalities_low=tolls.low,
        fatalities_best=tolls.best,
        fatalities_high=tolls.high,
        certainty=certainty,
        civilian_targeting=stored.civilian_targeting or event.civilian_targeting,
        territory=_territory(stored, event),
        tags=_union(stored.tags, event.tags),
        notes=stored.notes or event.notes,
        sources=tuple(sources),
        confidence=max(stored.confidence, event.confidence),
        timestamp=max(stored.timestamp, event.timestamp),
    )


def _other_side(stored: Event, event: Event) -> Actor | None:
    """The second actor a later report names, facing the stored actor1 (swapped for a clash)."""
    if event.actor2 is not None and event.actor2.name != stored.actor1.name:
        return event.actor2
    if event.sub_event_type in SYMMETRIC and event.actor1.name != stored.actor1.name:
        return event.actor1
    return None


def _territory(stored: Event, event: Event) -> Territory | None:
    if stored.territory is None:
        return None
    if stored.territory.previous_controller or event.territory is None:
        return stored.territory
    return dataclasses.replace(stored.territory, previous_controller=event.territory.previous_controller)


# -- incremental merge ---------------------------------------------------------------------------

class EventIndex:
    """Events held in memory behind the store's `events_near` query: a one-degree grid over
    (lat, lon). It holds the events of the current batch that the store has not seen yet, and lets
    `cluster_events` merge a plain list without a store."""

    CELL_DEG = 1.0

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._events: dict[str, Event] = {}
        self._cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        for event in events:
            self.put(event)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events.values())

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._events

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.CELL_DEG), math.floor(lon / self.CELL_DEG))

    def put(self, event: Event) -> None:
        """Add an event, or replace the one with its id (its place may have become more precise)."""
        old = self._events.get(event.event_id)
        if old is not None:
            self._cells[self._cell(old.place.lat, old.place.lon)].discard(old.event_id)
        self._events[event.event_id] = event
        self._cells[self._cell(event.place.lat, event.place.lon)].add(event.event_id)

    def events_near(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        date_from: dt.date,
        date_to: dt.date,
        sub_types: Iterable[str] = (),
    ) -> list[Event]:
        """Events within `radius_km` of a point and between two dates (inclusive), as the store's."""
        types = {str(t) for t in sub_types}
        dlat = radius_km / 111.0
        dlon = radius_km / (111.0 * max(0.01, math.cos(math.radians(lat))))
        (lat0, lon0), (lat1, lon1) = self._cell(lat - dlat, lon - dlon), self._cell(lat + dlat, lon + dlon)
        found = []
        for i in range(lat0, lat1 + 1):
            for j in range(lon0, lon1 + 1):
                for event_id in self._cells.get((i, j), ()):
                    event = self._events[event_id]
                    if event.event_date is None or not date_from <= event.event_date <= date_to:
                        continue
                    if types and event.sub_event_type.value not in types:
                        continue
                    if distance_km(lat, lon, event.place.lat, event.place.lon) <= radius_km:
                        found.append(event)
        return found

    def events_near_by_precision(
        self,
        lat: float,
        lon: float,
        day: dt.date | None,
        *,
        radius_km: Mapping[int, float],
        window_days: Mapping[int, int],
        sub_types: Sequence[str] = (),
        place_key: str | None = None,
    ) -> list[Event]:
        """As the store's: within radius_km[p] of the point and window_days[t] of the day, where p
        and t are each event's own geo and time precision (or anywhere at `place_key`). Nothing
        is near an unknown day, and an undated event is near no day."""
        if day is None:
            return []
        widest = max(window_days.values())
        found: list[Event] = []
        for event in self.events_near(lat, lon, max(radius_km.values()), shift_day(day, -widest),
                                      shift_day(day, widest), sub_types):
            if event.event_date is None or abs((event.event_date - day).days) > window_days.get(
                    event.time_precision, -1):
                continue
            km = distance_km(lat, lon, event.place.lat, event.place.lon)
            if event.place.key == place_key or km <= radius_km.get(event.place.precision, -1.0):
                found.append(event)
        return found

    def events_near_each(self, searches: Sequence[NearSearch], *, sources: bool = True) -> list[list[Event]]:
        """`events_near_by_precision` for each search, as the store's (the events held here
        always come with their sources)."""
        return [self.events_near_by_precision(
            s.lat, s.lon, s.day, radius_km=s.radius_km, window_days=s.window_days,
            sub_types=s.sub_types, place_key=s.place_key) for s in searches]

    def with_sources(self, events: Sequence[Event]) -> list[Event]:
        """The events as they are: those held here have their sources."""
        return list(events)

    def candidates_near_each(self, searches: Sequence[NearSearch]) -> list[list[Event]]:
        """`events_near_each`: the events held here are whole already."""
        return self.events_near_each(searches)

    def events_by_id(self, event_ids: Sequence[str]) -> list[Event]:
        """The events held here with these ids, in the ids' order."""
        return [self._events[i] for i in event_ids if i in self._events]


def search_radii(event: Event) -> dict[int, float]:
    """How far a stored event of each geo precision may lie from `event` (see places_compatible)."""
    own = event.place.precision
    return {
        int(p): SAME_SPOT_KM if p == own == GeoPrecision.PLACE else pair_radius_km(p, own)
        for p in GeoPrecision
    }


def search_windows(event: Event) -> dict[int, int]:
    """How many days a stored event of each time precision may lie from `event`."""
    return {int(t): pair_window_days(t, event.time_precision) for t in TimePrecision}


def merge_blocks(event: Event) -> set[str]:
    """Names of the merge blocks `event`'s merge reads and writes: the cells of its type group
    (`candidate_types`) that the candidate search's box (SEARCH_RADIUS_KM around its place,
    SEARCH_WINDOW_DAYS around its date, a little wider than the store's own box) overlaps.

    Everything the merge reads lies in that box, and everything it writes too (the event at its
    own place and date, or a candidate under the candidate's or the event's place and date). So
    when one writer's merge can read what another's writes, both hold a block in common. An
    undated event has no candidates and is written under an id of its own: no block."""
    if event.event_date is None:
        return set()
    group = "territorial" if event.sub_event_type in TERRITORIAL else event.sub_event_type.value
    lat, lon = event.place.lat, event.place.lon
    dlat = SEARCH_RADIUS_KM / 111.0
    dlon = SEARCH_RADIUS_KM / (111.0 * max(0.01, math.cos(math.radians(lat))))
    size_lat, size_lon, size_days = BLOCK_SIZE
    day = event.event_date.toordinal()

    def span(low: float, high: float, size: float) -> range:
        return range(math.floor(low / size), math.floor(high / size) + 1)

    return {
        f"merge:{group}:{i}:{j}:{k}"
        for i in span(max(-90.0, lat - dlat), min(90.0, lat + dlat), size_lat)
        for j in span(max(-180.0, lon - dlon), min(180.0, lon + dlon), size_lon)
        for k in span(day - SEARCH_WINDOW_DAYS - 1, day + SEARCH_WINDOW_DAYS + 1, size_days)
    }


def near_search(event: Event) -> NearSearch:
    """The search for `event`'s candidates: the store's prefilter on type, place and date, each
    by the stored event's own precision (no scan of the store, no pair left out). An undated
    event's search finds nothing (see the module docstring)."""
    return NearSearch(
        event.place.lat, event.place.lon, event.event_date, radius_km=search_radii(event),
        window_days=search_windows(event), sub_types=tuple(sorted(candidate_types(event))),
        place_key=event.place.key,
    )


def candidates(store: EventSource, event: Event) -> list[Event]:
    """Stored events that may be the same as `event` (`near_search`)."""
    return candidates_each(store, [event])[0]


def candidates_each(store: EventSource, events: Sequence[Event]) -> list[list[Event]]:
    """`candidates` of each event, in one call to the store (one query on a Store)."""
    return store.events_near_each([near_search(e) for e in events])


def stored_candidates(store: EventSource, events: Sequence[Event],
                      actors: ActorCompatibility) -> tuple[Sequence[Sequence[Judged]], dict[str, Event]]:
    """The stored candidates of each event, only what `may_be_same` reads of them
    (`candidates_near_each`), and, whole with their sources, those of them that the event may
    merge with (`may_be_same`, or its own id: a re-run), in two calls to the store: the rest of
    a candidate's columns and its sources are read only for the few that need them."""
    found = store.candidates_near_each([near_search(e) for e in events])
    wanted = dict.fromkeys(c.event_id for event, near in zip(events, found, strict=True) for c in near
                           if c.event_id == event.event_id or may_be_same(c, event, actors))
    return found, {e.event_id: e for e in store.events_by_id(list(wanted))} if wanted else {}


def merge_events(
    store: EventSource,
    events: Iterable[Event],
    *,
    actors: ActorCompatibility | None = None,
) -> list[Event]:
    """Merge one batch of newly coded events (usually one report's) into the store's events.

    Returns the events to write: stored events that gained a source (under their stored id) and
    the events that matched nothing (under their own id), each once, in first-touched order. The
    store is only read; the caller writes the result in its own transaction. Events of the batch
    from different reports may merge with each other too. A store with a `lock` method (Store)
    is first asked to lock the batch's merge blocks until that transaction ends (see the module
    docstring), so call this inside it.
    """
    actors = actors or default_actors()
    events = list(events)
    lock = getattr(store, "lock", None)            # Store has it; EventIndex needs none
    if lock is not None:
        lock(set().union(*(merge_blocks(e) for e in events)))
    touched: dict[str, Event] = {}     # event_id -> latest form, stored or new
    fresh = EventIndex()               # this batch's events that the store does not hold yet
    # The store is only read here, so the whole batch's stored candidates are read at once, before
    # any event is merged. A candidate an earlier event of the batch changed is taken in its
    # changed form (`touched`); one that none changed, as stored, and then only if it may be the
    # same event (`complete`): the others cannot be merged into, so leaving them out changes nothing.
    near, complete = stored_candidates(store, events, actors)
    for event, stored in zip(events, near, strict=True):
        found = {c.event_id: form for c in stored
                 if (form := touched.get(c.event_id) or complete.get(c.event_id)) is not None}
        found.update({c.event_id: touched.get(c.event_id, c) for c in candidates(fresh, event)})
        if event.event_id in found:    # the same event written before: a re-run
            target: Event | None = found[event.event_id]
        else:
            fits = [c for c in found.values() if same_event(c, event, actors)]
            target = min(fits, key=lambda c: _closeness(c, event)) if fits else None
        if target is None:
            touched[event.event_id] = event
            fresh.put(event)
            continue
        merged = combine(target, event)
        log.debug("merged %s into %s (%d reports)", event.event_id, target.event_id, merged.corroboration)
        touched[merged.event_id] = merged
        if merged.event_id in fresh:
            fresh.put(merged)
    return list(touched.values())


def cluster_events(events: Iterable[Event], *, actors: ActorCompatibility | None = None) -> list[Event]:
    """Merge a list of events among themselves, without a store (evaluation, exports of a batch)."""
    return merge_events(EventIndex(), events, actors=actors or SameName())
