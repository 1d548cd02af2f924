"""What the WebGL map asks of the server, under /api/layers: events as packed binary points (or grid
counts once a view holds more than a browser should draw), events per week for the timeline, town
and village labels from the embedded gazetteer, and the control layer as areas.

    GET /api/layers/base                                                       -> GeoJSON: land, borders, admin-1
    GET /api/layers/events?bbox=&view=&zoom=&type=&certainty=&actor=&since=&until=   -> binary, see below
    GET /api/layers/weeks?bbox=&type=&certainty=&actor=                        -> {weeks: [[monday, all, shown]]}
    GET /api/layers/places?bbox=&zoom=                                         -> {places: [[name, lon, lat, rank]]}
    GET /api/layers/control?date=&bbox=                                        -> GeoJSON polygons

The events body is little-endian columns of n rows: float32 lon[n], float32 lat[n], int32 value[n],
uint8 type[n], uint8 certainty[n]. `X-Kharita-Mode: points` makes each row an event (value: its
day number since 1970-01-01, or -2**31 when undated; type and certainty: indexes into the
ontology's EventType and Certainty, 255 for another; the page filters the timeline's dates, the
types and the certainties on the GPU); `grid` makes each row a cell of the events in `view`
(value: its event count, certainty 255) and the page asks again when the view or dates change.
`X-Kharita-Matched` is how many events the body stands for: every match in points mode, the
matches in the view in grid mode. One request answers either way: the page sends its view with
the first one, so a store too big for points gets its grid at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import shapely
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from shapely.geometry import MultiPoint, Point, mapping, shape

from kharita.ontology import Certainty, EventType
from kharita.store.aggregates import EPOCH, event_columns
from kharita.store.reads import dumps
from kharita.web.api import ERROR_RESPONSES, NoQuery, _check_bbox, _no_nul, _split_values, get_store, parse_bbox
from kharita.web.basemap import base_map

router = APIRouter(prefix="/api/layers", tags=["map layers"])

DATA = Path(__file__).resolve().parents[1] / "data"
BASE = Path(__file__).resolve().parent / "static" / "base"
MAX_POINTS = 250_000          # more events than this in a view come as grid counts
LABEL_CELL_PX = (40, 14)      # at most one candidate label per cell of this many pixels (then no overlaps)
MAX_LABELS = 250
LONE_PLACE_DEGREES = 0.04     # the area of a controlled place outside every admin-2 polygon: a disc
FEATURE_RANK = {"PPLC": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3, "PPLA4": 4, "PPL": 5}


class LayerQuery(BaseModel):
    """The map's filters (the same meaning as in /api/events) and its view."""

    model_config = ConfigDict(extra="forbid")

    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (WGS84 degrees)")
    view: str | None = Field(None, description="the map's view, minlon,minlat,maxlon,maxlat: when the matches "
                             "are too many for points, the grid covers only this box")
    zoom: float = Field(6, ge=0, le=24, description="the map's zoom: sets the grid's cell size")
    since: dt.date | None = None
    until: dt.date | None = None
    type: list[EventType] = Field([], description="ACLED event type(s)")
    certainty: list[Certainty] = []
    actor: str | None = Field(None, min_length=1, max_length=200)
    max_points: int = Field(MAX_POINTS, ge=0, le=2_000_000, description="more matches than this: grid counts")

    _split = field_validator("type", "certainty", mode="before")(_split_values)
    _text = field_validator("actor")(_no_nul)
    _bbox = field_validator("bbox", "view")(_check_bbox)

    @model_validator(mode="after")
    def _check_range(self) -> "LayerQuery":
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    def filters(self, *, dates: bool = True) -> dict[str, Any]:
        return {"bbox": parse_bbox(self.bbox) if self.bbox else None,
                "since": self.since if dates else None, "until": self.until if dates else None,
                "types": [t.value for t in self.type], "certainty": [c.value for c in self.certainty],
                "actor": self.actor}


class ViewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bbox: str = Field(description="minlon,minlat,maxlon,maxlat", examples=["35.5,32.0,42.5,37.5"])
    zoom: float = Field(6, ge=0, le=24)

    _bbox = field_validator("bbox")(_check_bbox)


class ControlAreaQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="the day to show who holds what (YYYY-MM-DD)")


def pack(lon: np.ndarray, lat: np.ndarray, value: np.ndarray, kind: np.ndarray,
         certainty: np.ndarray | None = None) -> bytes:
    """The binary body: five little-endian columns, 4-byte ones first so that each is aligned."""
    if certainty is None:
        certainty = np.full(len(lon), 255, dtype=np.uint8)
    return b"".join(np.ascontiguousarray(a, dtype=t).tobytes()
                    for a, t in ((lon, "<f4"), (lat, "<f4"), (value, "<i4"), (kind, "u1"), (certainty, "u1")))


@router.get("/base", responses={200: {"description": "GeoJSON FeatureCollection"}, **ERROR_RESPONSES},
            summary="The offline base map: land, borders between countries, admin-1 areas (kind in properties)")
def base(query: Annotated[NoQuery, Query()], request: Request) -> Response:
    """The same bytes for every request of a server (kharita.web.basemap); a client that has them
    revalidates with their ETag."""
    body, etag = base_map()
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/events", responses={200: {"content": {"application/octet-stream": {}}}, **ERROR_RESPONSES},
            summary="The map's events as packed points, or grid counts for views with too many")
def events(query: Annotated[LayerQuery, Query()], store: Any = Depends(get_store)) -> Response:
    columns = event_columns(store)
    picked = columns.select(**query.filters())
    matched = len(picked)
    if matched <= query.max_points:
        mode = "points"
        body = pack(columns.lon[picked], columns.lat[picked], columns.day[picked], columns.type[picked],
                    columns.certainty_index[picked])
    else:
        mode = "grid"
        cells = columns.grid(picked, query.zoom, view=parse_bbox(query.view) if query.view else None)
        body = pack(cells["lon"], cells["lat"], cells["count"], cells["type"])
        matched = int(cells["count"].sum())
    return Response(body, media_type="application/octet-stream",
                    headers={"X-Kharita-Mode": mode, "X-Kharita-Matched": str(matched),
                             "X-Kharita-Total": str(len(columns)), "Cache-Control": "no-store"})


@router.get("/weeks", responses=ERROR_RESPONSES, summary="Events per week: all, and those the filters keep")
def weeks(query: Annotated[LayerQuery, Query()], store: Any = Depends(get_store)) -> Response:
    """Each week as [its Monday, every stored event that week, the events the filters keep]; the
    dates of the query are ignored (the timeline is where they are chosen)."""
    columns = event_columns(store)
    every = columns.weeks()
    shown = columns.weeks(columns.select(**query.filters(dates=False)))
    rows = [[(EPOCH + dt.timedelta(days=start)).isoformat(), n, shown.get(start, 0)]
            for start, n in sorted(every.items())]
    return Response(dumps({"ok": True, "weeks": rows, "events": len(columns)}), media_type="application/json")


# -- town and village labels ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def gazetteer_places() -> dict[str, np.ndarray]:
    """The gazetteer's populated places, biggest first (population, then capitals before towns)."""
    with sqlite3.connect(f"file:{DATA / 'gazetteer.sqlite'}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT name, lon, lat, COALESCE(population, 0), COALESCE(fcode, '') FROM places "
                            "WHERE fclass = 'P'").fetchall()
    rows.sort(key=lambda r: (-r[3], FEATURE_RANK.get(r[4], 9), r[0]))
    return {"name": np.array([r[0] for r in rows], dtype=object),
            "lon": np.array([r[1] / 1e5 for r in rows]), "lat": np.array([r[2] / 1e5 for r in rows]),
            "population": np.array([r[3] for r in rows], dtype=np.int64)}


@router.get("/places", responses=ERROR_RESPONSES, summary="Town and village labels for a view, biggest first")
def places(query: Annotated[ViewQuery, Query()]) -> Response:
    """Labels that never overlap: at most one place per label-sized cell of the view (the biggest
    there), then, biggest first, only those whose label (its width guessed from its name and size)
    touches no label already kept: cities at country zoom, towns at governorate zoom, villages
    close in."""
    gaz = gazetteer_places()
    min_lon, min_lat, max_lon, max_lat = parse_bbox(query.bbox)
    inside = np.flatnonzero((gaz["lon"] >= min_lon) & (gaz["lon"] <= max_lon)
                            & (gaz["lat"] >= min_lat) & (gaz["lat"] <= max_lat))
    per_px = 360.0 / (256.0 * 2.0 ** query.zoom)
    col = np.floor(gaz["lon"][inside] / (LABEL_CELL_PX[0] * per_px)).astype(np.int64)
    row = np.floor(gaz["lat"][inside] / (LABEL_CELL_PX[1] * per_px)).astype(np.int64)
    _, first = np.unique(row * 10_000_000 + col, return_index=True)   # inside is biggest-first
    candidates = inside[np.sort(first)]
    rank = np.minimum(3, np.log10(np.maximum(gaz["population"][candidates], 1)).astype(int) // 2)
    chosen = _unoverlapped(gaz["name"][candidates], gaz["lon"][candidates], gaz["lat"][candidates], rank,
                           query.zoom)[:MAX_LABELS]
    body = {"ok": True, "places": [[gaz["name"][candidates[i]], round(float(gaz["lon"][candidates[i]]), 5),
                                    round(float(gaz["lat"][candidates[i]]), 5), int(rank[i])] for i in chosen]}
    return Response(dumps(body), media_type="application/json")


#: A label's font size in pixels by rank (static/app.css), the width of one of its characters as a
#: share of that size, and the dot and gap before the name
LABEL_FONT_PX = (10, 11, 12, 13)
LABEL_CHAR_EM = (0.56, 0.56, 0.62, 0.64)
LABEL_LEAD_PX = 9
LABEL_MARGIN_PX = 3


def _unoverlapped(names: np.ndarray, lon: np.ndarray, lat: np.ndarray, rank: np.ndarray, zoom: float) -> list[int]:
    """Indexes, in the order given (biggest first), of the labels drawn whole beside their place
    (anchored at its left, as the page draws them) that overlap no label earlier in the list."""
    world = 256.0 * 2.0 ** zoom
    x = (lon + 180.0) / 360.0 * world
    y = (1.0 - np.arcsinh(np.tan(np.radians(np.clip(lat, -85.0, 85.0)))) / np.pi) / 2.0 * world
    kept: list[int] = []
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = 128.0
    for i in range(len(names)):
        size = LABEL_FONT_PX[rank[i]]
        box = (x[i] - LABEL_MARGIN_PX, y[i] - size / 2 - LABEL_MARGIN_PX,
               x[i] + LABEL_LEAD_PX + len(names[i]) * size * LABEL_CHAR_EM[rank[i]] + LABEL_MARGIN_PX,
               y[i] + size / 2 + LABEL_MARGIN_PX)
        cells = [(cx, cy) for cx in range(int(box[0] // cell), int(box[2] // cell) + 1)
                 for cy in range(int(box[1] // cell), int(box[3] // cell) + 1)]
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for c in cells for b in grid.get(c, ())):
            continue
        kept.append(i)
        for c in cells:
            grid.setdefault(c, []).append(box)
        if len(kept) == MAX_LABELS:
            break
    return kept


# -- control as areas ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def admin_areas() -> tuple[list[Any], list[str], Any]:
    """The admin-2 polygons the map draws (static/base/admin2.geojson), their names, and an index."""
    doc = json.loads((BASE / "admin2.geojson").read_text(encoding="utf-8"))
    geoms = [shapely.make_valid(shape(f["geometry"])) for f in doc["features"]]
    names = [f["properties"]["name"] for f in doc["features"]]
    return geoms, names, shapely.STRtree(geoms)


def control_areas(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each controlled place's share of its admin-2 district: the district split into Voronoi cells
    between the places in it, so a lone place holds its whole district. A place in no district
    (outside Syria, Iraq and Turkey) gets a small disc."""
    geoms, names, tree = admin_areas()
    by_district: dict[int, list[int]] = {}
    shapes: dict[int, Any] = {}
    for i, feature in enumerate(points):
        lon, lat = feature["geometry"]["coordinates"]
        hits = tree.query(Point(lon, lat), predicate="intersects")
        if len(hits):
            by_district.setdefault(int(hits[0]), []).append(i)
        else:
            shapes[i] = Point(lon, lat).buffer(LONE_PLACE_DEGREES, quad_segs=8)
    for district, members in by_district.items():
        area = geoms[district]
        where = {tuple(points[i]["geometry"]["coordinates"]) for i in members}
        if len(where) == 1:
            cells = {next(iter(where)): area}
        else:
            coords = sorted(where)
            cells = dict(zip(coords, shapely.voronoi_polygons(MultiPoint(coords), extend_to=area,
                                                              ordered=True).geoms))
        for i in members:
            shapes[i] = cells[tuple(points[i]["geometry"]["coordinates"])].intersection(area)
            points[i]["properties"]["district"] = names[district]
    areas = []
    for i, feature in enumerate(points):
        geom = shapely.set_precision(shapes[i], 0.001)
        if geom.is_empty:
            continue
        areas.append({"type": "Feature", "id": i, "geometry": mapping(geom), "properties": feature["properties"]})
    return areas


@router.get("/control", responses={200: {"description": "GeoJSON FeatureCollection of polygons"},
                                   **ERROR_RESPONSES},
            summary="Who holds what on a date, as areas (each place's share of its admin-2 district)")
def control(query: Annotated[ControlAreaQuery, Query()], store: Any = Depends(get_store)) -> Response:
    from kharita.control import control_at, control_geojson

    points = control_geojson(control_at(store, query.date))["features"]
    body = {"type": "FeatureCollection", "date": query.date.isoformat(), "features": control_areas(points)}
    return Response(dumps(body), media_type="application/geo+json")
