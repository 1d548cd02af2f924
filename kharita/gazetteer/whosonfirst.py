"""Read the Who's On First tables (places.tsv, names.tsv per country folder) into build entries.

WOF records are mostly GeoNames imports (`gn_id`), so an entry keeps both ids; the gain over
GeoNames' English lists is the Arabic, Kurdish and Turkish names in names.tsv.
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from kharita.errors import GazetteerBuildError
from kharita.gazetteer.entries import AdminCodes, Entry, display_name, usable_name
from kharita.gazetteer.normalize import is_arabic
from kharita.models import Place

log = logging.getLogger(__name__)

# WOF placetype -> GeoNames feature class and code.
PLACETYPES = {
    "locality": ("P", "PPL"),
    "localadmin": ("A", "ADM3"),
    "neighbourhood": ("P", "PPLX"),
    "county": ("A", "ADM2"),
    "region": ("A", "ADM1"),
    "country": ("A", "PCLI"),
    "campus": ("S", "AIRP"),
}


# Languages whose names reach the index: the region's own, the press's, and WOF's undetermined
# variants; the rest repeat the English spelling or use other scripts.
LANGUAGES = frozenset({"und", "ara", "tur", "kur", "ckb", "kmr", "eng", "fra", "deu", "fas", "azb", "syc"})


def is_wof_folder(path: Path) -> bool:
    return path.is_dir() and (path / "places.tsv").is_file()


def wof_folders(path: Path) -> list[Path]:
    """The country folders under `path` (or `path` itself when it is one)."""
    if is_wof_folder(path):
        return [path]
    return sorted(p for p in path.iterdir() if is_wof_folder(p))


def _int(value: str) -> int | None:
    try:
        number = int(float(value))
    except ValueError:
        return None
    return number or None


def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_whosonfirst(folder: Path, admin: AdminCodes) -> Iterator[Entry]:
    """Every current record of one WOF country folder, with its names."""
    places_file = folder / "places.tsv"
    if not places_file.is_file():
        raise GazetteerBuildError(f"{folder} has no places.tsv; give a Who's On First country folder "
                                  "(with places.tsv and names.tsv)")
    rows = [r for r in _read_tsv(places_file)
            if r.get("is_current", "") != "0" and not r.get("deprecated") and r.get("lat")]
    names: dict[str, list[str]] = defaultdict(list)
    english: dict[str, str] = {}
    names_file = folder / "names.tsv"
    if names_file.is_file():
        for row in _read_tsv(names_file):
            if row.get("name") and row["lang_tag"][:3] in LANGUAGES and usable_name(row["name"]):
                names[row["wof_id"]].append(row["name"])
                if row["lang_tag"].startswith("eng_x_preferred"):
                    english.setdefault(row["wof_id"], row["name"])
    by_id = {r["wof_id"]: r for r in rows}
    skipped = 0
    for row in rows:
        kind = PLACETYPES.get(row["placetype"])
        if kind is None:
            skipped += 1
            continue
        cc = row["country"] or folder.name.upper()
        admin1 = _admin1_name(row, by_id, admin, cc)
        admin2 = ""
        county = by_id.get(row.get("county_id", ""))
        if county is not None and row["placetype"] not in ("region", "country"):
            admin2 = display_name(county["name"], cc)
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            skipped += 1
            continue
        shown = row["name"] or ""
        if not shown or not shown.isascii() and is_arabic(shown):
            shown = english.get(row["wof_id"]) or next(
                (n for n in names.get(row["wof_id"], []) if not is_arabic(n)), shown)
        if not shown:
            skipped += 1
            continue
        place = Place(
            name=display_name(shown, cc), country_code=cc, lat=lat, lon=lon,
            geonameid=_int(row.get("gn_id", "")), wof_id=_int(row["wof_id"]),
            feature_class=kind[0], feature_code=kind[1],
            admin1=admin1 if row["placetype"] != "country" else "",
            admin2=admin2, population=_int(row.get("population", "")) or 0, source="whosonfirst",
        )
        yield Entry(place, [shown, *names.get(row["wof_id"], [])])
    if skipped:
        log.info("whosonfirst %s: skipped %d records of other placetypes or without coordinates",
                 folder, skipped)


def _admin1_name(row: dict[str, str], by_id: dict[str, dict[str, str]], admin: AdminCodes,
                 cc: str) -> str:
    region = by_id.get(row.get("region_id", ""))
    if region is None:
        return ""
    gn = _int(region.get("gn_id", ""))
    if gn is not None and gn in admin.admin1_by_id:
        return admin.admin1_by_id[gn]
    return display_name(region["name"], cc)
