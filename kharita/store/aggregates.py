"""What the map draws, computed from columns held in memory: every event as (lon, lat, day, type),
grid counts per zoom for stores bigger than a view can hold, and events per week for the timeline.

    columns = event_columns(store)                  # loaded once, reloaded when the store changes
    picked = columns.select(bbox=(35, 32, 43, 38), since=day, types=("Battles",))
    grid = columns.grid(picked, zoom=6)            # (lon, lat, count, type) per occupied cell
    weeks = columns.weeks(picked)                  # {monday: count}

The store is asked for five columns of every event once (about 1 s per million rows on SQLite);
after that a filter over a million events is a few numpy masks (milliseconds), not a SQL query.
The columns are reloaded when the store's event count or newest `timestamp` moves, checked at most
every CHECK_SECONDS, so a map open during an ingest catches up within seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from sqlalchemy import func, select

from kharita.ontology import EventType
from kharita.store import schema

#: event types in a fixed order: a point's type travels as its index in this tuple
TYPES: tuple[str, ...] = tuple(t.value for t in EventType)
NO_DAY = np.iinfo(np.int32).min          # an event whose date is unknown
CHECK_SECONDS = 2.0
EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01, the unit of `EventColumns.day`."""
    return (day - EPOCH).days


def monday(days: np.ndarray) -> np.ndarray:
    """The Monday on or before each day number (1970-01-01 was a Thursday)."""
    return days - (days + 3) % 7


@dataclass(frozen=True)
class EventColumns:
    """One entry per stored event, in no particular order."""

    lon: np.ndarray              # float32
    lat: np.ndarray              # float32
    day: np.ndarray              # int32 day number, NO_DAY when unknown
    type: np.ndarray             # uint8 index into TYPES (255: a type not in the ontology)
    certainty: np.ndarray        # uint8 index into `certainties`
    certainties: tuple[str, ...]
    actor_codes: np.ndarray      # int32 (n, 4): actor1, actor2, assoc_actor_1, assoc_actor_2 as indexes
    actor_names: tuple[str, ...]  # into this list of distinct names

    def __len__(self) -> int:
        return len(self.lon)

    def select(self, *, bbox: tuple[float, float, float, float] | None = None, since: dt.date | None = None,
               until: dt.date | None = None, types: Sequence[str] = (), certainty: Sequence[str] = (),
               actor: str | None = None) -> np.ndarray:
        """Indexes of the events that pass every filter given (the same filters as /api/events:
        a bbox may cross 180 degrees; an actor is a case-insensitive substring of any actor column;
        a date bound leaves out the undated)."""
        keep = np.ones(len(self), dtype=bool)
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            keep &= (self.lat >= min_lat) & (self.lat <= max_lat)
            keep &= ((self.lon >= min_lon) & (self.lon <= max_lon) if min_lon <= max_lon
                     else (self.lon >= min_lon) | (self.lon <= max_lon))
        if since is not None:
            keep &= self.day >= day_number(since)
        if until is not None:
            keep &= (self.day <= day_number(until)) & (self.day != NO_DAY)
        if types:
            keep &= np.isin(self.type, [TYPES.index(t) for t in types if t in TYPES])
        if certainty:
            keep &= np.isin(self.certainty, [i for i, c in enumerate(self.certainties) if c in certainty])
        if actor:
            needle = actor.lower()
            hits = [i for i, name in enumerate(self.actor_names) if needle in name.lower()]
            keep &= np.isin(self.actor_codes, hits).any(axis=1)
        return np.flatnonzero(keep)

    def grid(self, picked: np.ndarray, zoom: float, cell_px: int = 32) -> dict[str, np.ndarray]:
        """Counts per square cell of about `cell_px` screen pixels at `zoom`: each occupied cell as
        the mean position of its events, their count and their most frequent type."""
        size = 360.0 * cell_px / (256.0 * 2.0 ** max(0.0, zoom))
        lon, lat = self.lon[picked], self.lat[picked]
        col = np.floor(lon / size).astype(np.int64)
        row = np.floor(lat / size).astype(np.int64)
        cells, inverse = np.unique((row << 32) + (col - col.min() if len(col) else col), return_inverse=True)
        count = np.bincount(inverse, minlength=len(cells))
        mean_lon = np.bincount(inverse, weights=lon, minlength=len(cells)) / np.maximum(count, 1)
        mean_lat = np.bincount(inverse, weights=lat, minlength=len(cells)) / np.maximum(count, 1)
        by_type = np.zeros((len(cells), len(TYPES) + 1), dtype=np.int64)
        np.add.at(by_type, (inverse, np.minimum(self.type[picked], len(TYPES))), 1)
        return {"lon": mean_lon.astype(np.float32), "lat": mean_lat.astype(np.float32),
                "count": count.astype(np.int32), "type": by_type.argmax(axis=1).astype(np.uint8)}

    def weeks(self, picked: np.ndarray | None = None) -> dict[int, int]:
        """Events per week, keyed by the week's Monday as a day number; the undated are in none."""
        days = self.day if picked is None else self.day[picked]
        starts, counts = np.unique(monday(days[days != NO_DAY]), return_counts=True)
        return dict(zip(starts.tolist(), counts.tolist()))


def _codes(values: list[Any], names: dict[str, int]) -> list[int]:
    return [names.setdefault(v or "", len(names)) for v in values]


def load_columns(store: Any) -> EventColumns:
    """Read the columns the map needs from every stored event."""
    e = schema.events
    stmt = select(e.c.longitude, e.c.latitude, e.c.event_date, e.c.event_type, e.c.certainty,
                  e.c.actor1, e.c.actor2, e.c.assoc_actor_1, e.c.assoc_actor_2)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    n = len(rows)
    cols = list(zip(*rows)) if rows else [()] * 9
    dates = np.array([d if d is None else str(d) for d in cols[2]], dtype="datetime64[D]")
    day = np.where(np.isnat(dates), NO_DAY, dates.astype(np.int64)).astype(np.int32) if n else np.zeros(0, np.int32)
    type_index = {t: i for i, t in enumerate(TYPES)}
    certainties: dict[str, int] = {}
    actors: dict[str, int] = {}
    return EventColumns(
        lon=np.asarray(cols[0], dtype=np.float32), lat=np.asarray(cols[1], dtype=np.float32), day=day,
        type=np.asarray([type_index.get(t, 255) for t in cols[3]], dtype=np.uint8),
        certainty=np.asarray(_codes(list(cols[4]), certainties), dtype=np.uint8),
        certainties=tuple(certainties),
        actor_codes=np.asarray([_codes(list(c), actors) for c in cols[5:9]], dtype=np.int32).T.reshape(n, 4),
        actor_names=tuple(actors))


class ColumnCache:
    """The columns of one store, reloaded when its events change (checked at most every CHECK_SECONDS)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._columns: EventColumns | None = None
        self._token: tuple[int, int] | None = None
        self._checked = 0.0

    def _current_token(self) -> tuple[int, int]:
        e = schema.events
        with self.store.engine.connect() as conn:
            count, newest = conn.execute(select(func.count(), func.max(e.c.timestamp))).one()
        return int(count), int(newest or 0)

    def get(self) -> EventColumns:
        with self._lock:
            now = time.monotonic()
            if self._columns is None or now - self._checked >= CHECK_SECONDS:
                token = self._current_token()
                self._checked = now
                if token != self._token or self._columns is None:
                    self._columns, self._token = load_columns(self.store), token
            return self._columns


def event_columns(store: Any) -> EventColumns:
    """The store's columns, from a cache kept on the store object."""
    cache = getattr(store, "_map_columns", None)
    if cache is None:
        cache = ColumnCache(store)
        store._map_columns = cache
    return cache.get()
