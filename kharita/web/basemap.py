"""The offline base map as one GeoJSON document, decoded on the server once: Natural Earth's land
(world-atlas' land-50m, one MultiPolygon), the borders between countries (the arcs of
countries-50m that two countries share, so that a coast is not drawn twice) and the admin-1 areas
shipped in static/base/.

The page used to fetch the two TopoJSON files and decode them itself (topojson-client), then hand
the result to MapLibre's worker: on the map's first render that was 0.3 s of the page's main thread
(parsing 1.6 MB of JSON, decoding, copying it to the worker) before the worker could start cutting
tiles (bench/map_render.py, issue 12). Served as GeoJSON, the base map is a source of the map's
first style: MapLibre's worker fetches and parses it while the page is still starting.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

STATIC = Path(__file__).resolve().parent / "static"
COUNTRIES = STATIC / "vendor" / "world-atlas" / "countries-50m.json"
LAND = STATIC / "vendor" / "world-atlas" / "land-50m.json"
ADMIN1 = STATIC / "base" / "admin1.geojson"
#: decimals kept of a coordinate: world-atlas' 50m grid steps 0.0036 degrees at best
DECIMALS = 4


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """The topology's arcs as (n, 2) arrays of lon, lat (quantized, delta-encoded arcs decoded)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=np.float64)
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(np.round(points, DECIMALS))
    return arcs


def _arc(arcs: list[np.ndarray], index: int) -> np.ndarray:
    """Arc `index`; a negative index ~i is arc i reversed (TopoJSON)."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _ring(arcs: list[np.ndarray], indexes: list[int]) -> list[list[float]]:
    """A ring from its arcs, each arc's first point dropped after the first arc (it repeats the last)."""
    parts = [_arc(arcs, i) if n == 0 else _arc(arcs, i)[1:] for n, i in enumerate(indexes)]
    return np.concatenate(parts).tolist()


def polygons(arcs: list[np.ndarray], geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon geometry of the topology as a GeoJSON MultiPolygon's coordinates."""
    rings_of = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return [[_ring(arcs, ring) for ring in polygon] for polygon in rings_of]


def borders(arcs: list[np.ndarray], collection: dict[str, Any]) -> list[list[list[float]]]:
    """The arcs that two different geometries of `collection` share, as MultiLineString coordinates
    (topojson-client's `mesh(topology, object, (a, b) => a !== b)`, arc by arc)."""
    owners: dict[int, set[int]] = {}
    for g, geometry in enumerate(collection["geometries"]):
        rings_of = ([geometry["arcs"]] if geometry["type"] == "Polygon" else
                    geometry["arcs"] if geometry["type"] == "MultiPolygon" else [])
        for polygon in rings_of:
            for ring in polygon:
                for index in ring:
                    owners.setdefault(index if index >= 0 else ~index, set()).add(g)
    return [arcs[i].tolist() for i in sorted(owners) if len(owners[i]) > 1]


def base_features() -> list[dict[str, Any]]:
    """The base map's features, each with its `kind`: land, border, admin1."""
    land = json.loads(LAND.read_text(encoding="utf-8"))
    countries = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    land_arcs, country_arcs = decode_arcs(land), decode_arcs(countries)
    features = [
        {"type": "Feature", "properties": {"kind": "land"},
         "geometry": {"type": "MultiPolygon",
                      "coordinates": polygons(land_arcs, land["objects"]["land"]["geometries"][0])}},
        {"type": "Feature", "properties": {"kind": "border"},
         "geometry": {"type": "MultiLineString",
                      "coordinates": borders(country_arcs, countries["objects"]["countries"])}},
    ]
    for feature in json.loads(ADMIN1.read_text(encoding="utf-8"))["features"]:
        features.append({"type": "Feature", "properties": {"kind": "admin1"}, "geometry": feature["geometry"]})
    return features


@lru_cache(maxsize=1)
def base_map() -> tuple[bytes, str]:
    """The base map as GeoJSON bytes, and their ETag; built on first use (about a second)."""
    from kharita.store.reads import dumps

    body = dumps({"type": "FeatureCollection", "features": base_features()})
    return body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
