"""Build the web map's offline base layer from Who's On First (admin-1 polygons and place names).

The map draws this when no tile server is configured (KHARITA_TILE_URL), so it works with no
network. The output is small (simplified to about 1 km) and lives in the repo:

    .venv/bin/python tools/build_web_base.py --data ../shared/data/whosonfirst

Data: Who's On First (CC0; imported properties CC BY 4.0 from GeoNames), attribution
"Who's On First, GeoNames".
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from shapely.geometry import mapping, shape

COUNTRIES = ("sy", "iq", "tr")
OUT = Path(__file__).resolve().parent.parent / "kharita" / "web" / "static" / "base"
ATTRIBUTION = "Who's On First, GeoNames"


def simplified_regions(data: Path, tolerance: float) -> list[dict]:
    features = []
    for cc in COUNTRIES:
        doc = json.loads((data / cc / "admin_region.geojson").read_text(encoding="utf-8"))
        for feature in doc["features"]:
            props = feature["properties"]
            if str(props.get("is_current", 1)) == "0":
                continue
            geom = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
            geom = json.loads(json.dumps(mapping(geom)), parse_float=lambda s: round(float(s), 3))
            features.append({
                "type": "Feature",
                "properties": {"name": props.get("name_eng") or props["name"], "country": cc.upper()},
                "geometry": geom,
            })
    return features


def english_names(path: Path) -> dict[str, str]:
    """wof_id -> English name (WOF's `name` is sometimes in Arabic script)."""
    names: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["lang_tag"] == "eng_x_preferred":
                names.setdefault(row["wof_id"], row["name"])
    return names


def is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in name)


def place_names(data: Path, min_population: int) -> list[dict]:
    features = []
    for cc in COUNTRIES:
        english = english_names(data / cc / "names.tsv")
        with open(data / cc / "places.tsv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["placetype"] != "locality" or row["is_current"] == "0" or row["deprecated"]:
                    continue
                population = int(row["population"] or 0)
                if population < min_population:
                    continue
                name = english.get(row["wof_id"]) or row["name"]
                if not is_latin(name):
                    continue
                features.append({
                    "type": "Feature",
                    "properties": {"name": name, "country": cc.upper(), "population": population},
                    "geometry": {"type": "Point",
                                 "coordinates": [round(float(row["lon"]), 4), round(float(row["lat"]), 4)]},
                })
    features.sort(key=lambda f: -f["properties"]["population"])
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/whosonfirst"))
    parser.add_argument("--tolerance", type=float, default=0.005, help="simplification, degrees")
    parser.add_argument("--min-population", type=int, default=50_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, features in (
        ("admin1.geojson", simplified_regions(args.data, args.tolerance)),
        ("places.geojson", place_names(args.data, args.min_population)),
    ):
        doc = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
        path = OUT / name
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"{path}: {len(features)} features, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
