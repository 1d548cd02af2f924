"""Build the web map's offline admin boundaries from Who's On First: admin-1 (governorates,
provinces) and admin-2 (districts) of Syria, Iraq and Turkey.

The map draws these over Natural Earth's country outlines (npm's world-atlas) when no tile server
is configured (KHARITA_TILE_URL), so it works with no network; the server clips the control areas
to the admin-2 polygons. A fresh machine has no ../shared, so the output is committed: simplified
(about 500 m for admin-1, 400 m for admin-2) and quantised to 0.001 degree, about 1.5 MB in all.
Town and village labels are not built here: the server reads them from the embedded gazetteer.

    .venv/bin/python tools/build_web_base.py --data ../shared/data/whosonfirst

Data: Who's On First (CC0; imported properties CC BY 4.0 from GeoNames), attribution
"Who's On First, GeoNames".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from shapely.geometry import mapping, shape

COUNTRIES = ("sy", "iq", "tr")
OUT = Path(__file__).resolve().parent.parent / "kharita" / "web" / "static" / "base"
ATTRIBUTION = "Who's On First, GeoNames"


def simplified_regions(data: Path, tolerance: float, level: str = "region") -> list[dict]:
    """Current admin polygons of `level` (region: admin-1, county: admin-2), simplified."""
    features = []
    for cc in COUNTRIES:
        doc = json.loads((data / cc / f"admin_{level}.geojson").read_text(encoding="utf-8"))
        for feature in doc["features"]:
            props = feature["properties"]
            if str(props.get("is_current", 1)) == "0":
                continue
            geom = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
            geom = json.loads(json.dumps(mapping(geom)), parse_float=lambda s: round(float(s), 3))
            features.append({
                "type": "Feature",
                "properties": {"name": props.get("name_eng") or props["name"], "country": cc.upper(),
                               "wof_id": props.get("wof_id")},
                "geometry": geom,
            })
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/whosonfirst"))
    parser.add_argument("--tolerance", type=float, default=0.005, help="admin-1 simplification, degrees")
    parser.add_argument("--tolerance-admin2", type=float, default=0.004, help="admin-2 simplification, degrees")
    args = parser.parse_args()
    if not (args.data / "sy" / "admin_region.geojson").exists():
        parser.error(f"No Who's On First extract in {args.data} (want sy/, iq/, tr/ with admin_*.geojson); "
                     "pass --data PATH")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, features in (
        ("admin1.geojson", simplified_regions(args.data, args.tolerance, "region")),
        ("admin2.geojson", simplified_regions(args.data, args.tolerance_admin2, "county")),
    ):
        doc = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
        path = OUT / name
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"{path}: {len(features)} features, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
