"""What the map draws, computed from columns held in memory: every event as (lon, lat, day, type),
grid counts per zoom for stores bigger than a view can hold, and events per week for the timeline.

    columns = event_columns(store)                  # loaded once, reloaded when the store changes
    picked = columns.select(bbox=(35, 32, 43, 38), since=day, types=("Battles",))
    grid = columns.grid(picked, zoom=6, view=(35, 32, 43, 38))   # (lon, lat, count, type) per occupied cell
    weeks = columns.weeks(picked)                  # {monday: count}

The store is asked for five columns of every event once (about 2 s per million rows on SQLite;
the four actor columns only when an actor filter first needs them); after that a filter over a
million events is a few numpy masks (milliseconds), not a SQL query, and a grid or a histogram is
one pass of counting (np.bincount), not a sort. The weekly counts of every event are computed once
per load. The columns are reloaded when the store changes, checked at most every CHECK_SECONDS
(SQLite files: PRAGMA data_version on a connection of the cache's own, which moves whenever another
connection commits; otherwise the event count and newest `timestamp`), so a map open during an
ingest catches up within seconds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Sequence

import numpy as np
from sqlalchemy import func, literal_column, select

from kharita.ontology import Certainty, EventType
from kharita.store import schema

#: event types in a fixed order: a point's type travels as its index in this tuple
TYPES: tuple[str, ...] = tuple(t.value for t in EventType)
#: certainties in a fixed order, the same way (255: a certainty not in the ontology)
CERTAINTIES: tuple[str, ...] = tuple(c.value for c in Certainty)
NO_DAY = np.iinfo(np.int32).min          # an event whose date is unknown
CHECK_SECONDS = 2.0
EPOCH = dt.date(1970, 1, 1)
#: a grid over a view of at most this many cells is counted with one np.bincount; a bigger one
#: (a grid asked for no view, or a whole world at a deep zoom) sorts its cells with np.unique
MAX_DENSE_CELLS = 4_000_000


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
    #: reads the four actor columns, in the order of the other columns, on first use
    read_actors: Callable[[], tuple[np.ndarray, tuple[str, ...]]] = field(repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.lon)

    @cached_property
    def actors(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """int32 (n, 4) codes of actor1, actor2, assoc_actor_1, assoc_actor_2, and the distinct
        names they index: read from the store the first time an actor filter needs them."""
        return self.read_actors()

    @cached_property
    def certainty_index(self) -> np.ndarray:
        """uint8 per event: its certainty's index in CERTAINTIES, 255 for one not there."""
        index = [CERTAINTIES.index(c) if c in CERTAINTIES else 255 for c in self.certainties]
        table = np.array(index or [255], dtype=np.uint8)
        return table[self.certainty]

    @cached_property
    def _week_of(self) -> tuple[np.ndarray, int]:
        """Each event's week as an index from the first week with an event (-1: undated), and
        that first week's Monday."""
        dated = self.day != NO_DAY
        if not dated.any():
            return np.full(len(self), -1, dtype=np.int32), 0
        mondays = monday(self.day.astype(np.int64))
        first = int(mondays[dated].min())
        return np.where(dated, (mondays - first) // 7, -1).astype(np.int32), first

    @cached_property
    def all_weeks(self) -> dict[int, int]:
        """`weeks()` of every event, computed once per load."""
        return self._count_weeks(None)

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
            keep &= _table([TYPES.index(t) for t in types if t in TYPES])[self.type]
        if certainty:
            keep &= _table([i for i, c in enumerate(self.certainties) if c in certainty])[self.certainty]
        if actor:
            needle = actor.lower()
            codes, names = self.actors
            hits = [i for i, name in enumerate(names) if needle in name.lower()]
            keep &= np.isin(codes, hits).any(axis=1)
        return np.flatnonzero(keep)

    def grid(self, picked: np.ndarray, zoom: float, cell_px: int = 32,
             view: tuple[float, float, float, float] | None = None) -> dict[str, np.ndarray]:
        """Counts per square cell of about `cell_px` screen pixels at `zoom`: each occupied cell as
        the mean position of its events, their count and their most frequent type (the first of
        TYPES on a tie), cells in row then column order. With `view` (a bbox that does not cross
        180 degrees), only the cells of the events inside it."""
        size = 360.0 * cell_px / (256.0 * 2.0 ** max(0.0, zoom))
        lon, lat = self.lon[picked], self.lat[picked]
        if view is not None and view[0] <= view[2]:
            inside = ((lon >= view[0]) & (lon <= view[2]) & (lat >= view[1]) & (lat <= view[3]))
            picked, lon, lat = picked[inside], lon[inside], lat[inside]
        kinds = len(TYPES) + 1
        if not len(picked):
            return {"lon": np.zeros(0, np.float32), "lat": np.zeros(0, np.float32),
                    "count": np.zeros(0, np.int32), "type": np.zeros(0, np.uint8)}
        col = np.floor(lon / size).astype(np.int64)
        row = np.floor(lat / size).astype(np.int64)
        col -= col.min()
        row -= row.min()
        width = int(col.max()) + 1
        types = np.minimum(self.type[picked], len(TYPES)).astype(np.int64)
        if width * (int(row.max()) + 1) <= MAX_DENSE_CELLS:
            # counted over the dense grid (row-major: the order np.unique gives), then its occupied cells
            linear = row * width + col
            cells = int(linear.max()) + 1
            count = np.bincount(linear, minlength=cells)
            occupied = np.flatnonzero(count)
            count = count[occupied]
            sum_lon = np.bincount(linear, weights=lon, minlength=cells)[occupied]
            sum_lat = np.bincount(linear, weights=lat, minlength=cells)[occupied]
            by_type = np.bincount(linear * kinds + types, minlength=cells * kinds).reshape(cells, kinds)[occupied]
        else:
            _, inverse = np.unique((row << 32) + col, return_inverse=True)
            cells = int(inverse.max()) + 1
            count = np.bincount(inverse, minlength=cells)
            sum_lon = np.bincount(inverse, weights=lon, minlength=cells)
            sum_lat = np.bincount(inverse, weights=lat, minlength=cells)
            by_type = np.bincount(inverse * kinds + types, minlength=cells * kinds).reshape(cells, kinds)
        return {"lon": (sum_lon / count).astype(np.float32), "lat": (sum_lat / count).astype(np.float32),
                "count": count.astype(np.int32), "type": by_type.argmax(axis=1).astype(np.uint8)}

    def weeks(self, picked: np.ndarray | None = None) -> dict[int, int]:
        """Events per week, keyed by the week's Monday as a day number; the undated are in none."""
        return self.all_weeks if picked is None else self._count_weeks(picked)

    def _count_weeks(self, picked: np.ndarray | None) -> dict[int, int]:
        week_of, first = self._week_of
        weeks = week_of if picked is None else week_of[picked]
        counts = np.bincount(weeks[weeks >= 0])
        found = np.flatnonzero(counts)
        return dict(zip((first + 7 * found).tolist(), counts[found].tolist()))


def _table(indexes: Sequence[int]) -> np.ndarray:
    """A lookup table over uint8 codes: True at `indexes` (one gather per event, where np.isin sorts)."""
    table = np.zeros(256, dtype=bool)
    table[list(indexes)] = True
    return table


def _codes(values: Sequence[Any], names: dict[str, int]) -> list[int]:
    return [names.setdefault(v or "", len(names)) for v in values]


def _key(store: Any) -> Any:
    """What names an event row in both reads: SQLite's rowid (an int, free to read), else the id."""
    e = schema.events
    return literal_column("rowid") if store.backend == "sqlite" else e.c.event_id


def _column_rows(store: Any, *names: str) -> list[Any]:
    """(key, *columns) of every event, through the driver (SQLAlchemy's row objects would cost
    more than the read itself at a million rows)."""
    e = schema.events
    stmt = select(_key(store), *(e.c[n] for n in names))
    with store.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(str(stmt.compile(dialect=conn.dialect)))
            return cursor.fetchall()
        finally:
            cursor.close()


def _column(rows: list[Any], i: int, dtype: Any) -> np.ndarray:
    return np.fromiter((r[i] for r in rows), dtype=dtype, count=len(rows))


def load_columns(store: Any) -> EventColumns:
    """Read the columns the map needs from every stored event."""
    rows = _column_rows(store, "longitude", "latitude", "event_date", "event_type", "certainty")
    n = len(rows)
    keys = [r[0] for r in rows]
    dates = np.array([r[3] if r[3] is None else str(r[3]) for r in rows], dtype="datetime64[D]")
    day = (np.where(np.isnat(dates), NO_DAY, dates.astype(np.int64)).astype(np.int32) if n
           else np.zeros(0, np.int32))
    type_index = {t: i for i, t in enumerate(TYPES)}
    certainties: dict[str, int] = {}

    def read_actors() -> tuple[np.ndarray, tuple[str, ...]]:
        """The actor columns, read now and lined up with the others by key: an event stored since
        is left out, one deleted since has no actor (until the next check reloads everything)."""
        names: dict[str, int] = {"": 0}
        codes = np.zeros((n, 4), dtype=np.int32)
        at = {k: i for i, k in enumerate(keys)}
        for key, *actors in _column_rows(store, "actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
            i = at.get(key)
            if i is not None:
                codes[i] = _codes(actors, names)
        return codes, tuple(names)

    return EventColumns(
        lon=_column(rows, 1, np.float32), lat=_column(rows, 2, np.float32), day=day,
        type=np.fromiter((type_index.get(r[4], 255) for r in rows), dtype=np.uint8, count=n),
        certainty=np.fromiter((certainties.setdefault(r[5] or "", len(certainties)) for r in rows),
                              dtype=np.uint8, count=n),
        certainties=tuple(certainties), read_actors=read_actors)


class ColumnCache:
    """The columns of one store, reloaded when its events change (checked at most every CHECK_SECONDS)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._columns: EventColumns | None = None
        self._token: tuple[int, int] | None = None
        self._checked = 0.0
        self._watch: sqlite3.Connection | None = None
        path = store.engine.url.database if store.backend == "sqlite" else None
        if path and path != ":memory:" and not path.startswith("file:"):
            self._watch = sqlite3.connect(path, check_same_thread=False)

    def _current_token(self) -> tuple[int, int]:
        if self._watch is not None:
            # moves whenever another connection (of this process or any other) commits a change
            return self._watch.execute("PRAGMA data_version").fetchone()[0], 0
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
