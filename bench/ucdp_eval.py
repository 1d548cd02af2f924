"""Score kharita end to end on UCDP-AEC's validation articles (issue 10: the coder on real data).

    .venv/bin/python bench/ucdp_eval.py [--data ../shared/evaldata/ucdp-aec-validation/validation.jsonl]
                                        [--limit N] [--errors N] [--json PATH]

Every article goes through the real pipeline in-process: written as a JSON Lines file (id, text,
published = the date part of `source_date`), read by kharita's readers, run by `pipeline.run` with
the default extractor into a temporary SQLite store, merge off so that each event keeps its own
source. An article's events are those whose source is its document. UCDP codes one event per
article (an article may report more), so each criterion asks whether *any* of kharita's events
from the article meets it; an article without events misses all of them.

- found: the article gives at least one event.
- admin1: an event in UCDP's country whose admin1 is UCDP's `location_adm1_name`. UCDP's name is
  first resolved to one of the admin1 names that kharita's gazetteer has for the country (`Admin1`):
  folded (lower case, accents off), suffix words dropped (governorate, province, region, state,
  district, union territory ...) and a leading Arabic article dropped (al-, ar-, ash- ...), exonyms
  read through ADMIN_SYNONYMS (Rangoon = Yangon, Ciudad de México = Mexico City); then the same
  name, else the same transliteration key (`kharita.gazetteer.normalize.name_key`: Hamah = Hama,
  Hilmand = Helmand), else the closest name by difflib ratio >= 0.8 (Naypyidaw = Nay Pyi Taw). The
  event's admin1 must then be that name. GeoNames' first level in the Philippines is the region and
  UCDP's the province (kharita's gazetteer has no admin2 there), so a Philippine province counts as
  its region (PH_REGIONS, PSGC 2021): a coarser test there. An article whose UCDP admin1 is empty
  needs only the country.
- sides: both UCDP sides among the actors (actor1, actor2, associated actors) of the article's
  events, together. UCDP names map onto kharita's ACLED-style actors as follows:
  * "Government of X": a State forces actor of X ("Military Forces of X", "Police Forces of X",
    "Government of X ...", any other state force the dictionary gives X's country, or a militia
    the dictionary files under X's state forces, such as Syria's National Defence Forces). UCDP's
    country names are read through the actor dictionary's country names, parentheses tried apart
    ("Myanmar (Burma)" is Myanmar).
  * UCDP's Yemen, 2021: "Government of Yemen (North Yemen)" is the Sanaa government, i.e. the
    Houthis; "Forces of the Presidential Leadership Council" are the internationally recognised
    government's forces, i.e. Yemen's state forces in ACLED's naming. After 15 August 2021
    "Government of Afghanistan" is the Taliban as well as Afghanistan's state forces.
  * "Civilians": any actor of type Civilians.
  * "<X> insurgents" (Syrian, Ambazonia, Kashmir): a Rebel group of the article's country, or an
    actor whose name shares X's first letters ("Ambazonian separatists"); for Syria the Islamic State
    and the SDF do not count (UCDP codes them apart).
  * "Opponents of X": any rebel, militia, protester or rioter actor.
  * UCDP names for a group whose armed wing ACLED codes: "CPP" is also the NPA (New People's Army),
    "NUG" also the PDF (People's Defence Force); "Jalisco Cartel New Generation" is also CJNG;
    "BIFM-K" (the Bangsamoro Islamic Freedom Movement's Karialan faction) is also the BIFF;
    "Kashmir insurgents" are also the Pakistan-based groups UCDP counts in that insurgency
    (Lashkar-e-Taiba, Jaish-e-Mohammed) besides Hizbul Mujahideen (SIDE_ALIASES).
  * A group name (IS, SDF, Taleban, PKK, JAS, TTP, Sinaloa Cartel ...), each of "A, B" tried: the
    same actor by the dictionary (`ActorDictionary.compatible`: aliases, short names, parents,
    transliteration-tolerant distinctive words), or an acronym match (UCDP's capitals equal the
    actor's prefix before ":", the initials of its words, or one of its words), or a word match:
    every distinctive word of one name (kind words such as cartel, militia, ethnic, insurgents and
    country names left out; spelling variants folded by the dictionary's skeleton) is in the other.
  A second, lenient sides figure also accepts "Unidentified Armed Group (X)" for a non-state side:
  UCDP names a perpetrator that the text leaves unnamed ("unknown gunmen" in Daraa are "Syrian
  insurgents"), where ACLED's rule, and kharita's, is Unidentified Armed Group; the gap between the
  two figures is that convention, not a coding error.
- toll: the largest fatalities of the article's events (None counts as 0) lies within
  [deaths_low, deaths_high]; printed besides: the toll of any one event in that range.
- all in one event: one event meets admin1, both sides (among its own actors) and the toll.

Printed: the rates over all articles and over the Syria + Iraq subset, the articles that stopped
(not stored: an exception out of `pipeline.run`, or a failure or skip it reports), and the
countries with the most misses.
`--errors N` prints N misses per criterion; `--json PATH` writes each article's result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import logging
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kharita import pipeline
from kharita.actors.dictionary import (
    GENERIC_WORDS, ActorDictionary, fold, load_default, skeleton, undated, words,
)
from kharita.gazetteer.normalize import name_key as place_name_key
from kharita.ingest.readers import read_inputs
from kharita.models import Document, Event, RunSummary
from kharita.ontology import ActorType
from kharita.store import Store

log = logging.getLogger("ucdp_eval")

CRITERIA = ("found", "admin1", "sides", "toll", "all")
FOCUS = {"Syria", "Iraq"}
EVALDATA = Path(__file__).resolve().parents[1].parent / "shared/evaldata"
DEFAULT_DATA = EVALDATA / "ucdp-aec-validation/validation.jsonl"

# -- running kharita ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What running a batch did: the documents that raised alone, and how often the batch stopped."""

    summary: RunSummary = field(default_factory=RunSummary)
    failed: dict[str, str] = field(default_factory=dict)     # document id -> exception
    stops: int = 0                                            # times the batch run raised


def run_isolated(documents: Sequence[Document], store: Store, extractor: pipeline.Extractor) -> Outcome:
    """`pipeline.run` over the documents in one batch, merge off; when the run raises, the documents
    not stored yet are retried one at a time until the one that raises is found (counted as failed),
    and the batch goes on with the rest. So one bad report never loses the others. (A pipeline that
    isolates failures itself names them in `summary.failed` and never gets here.)"""
    out = Outcome()
    pending = list(documents)
    while pending:
        try:
            pipeline.run(pending, store, extractor=extractor, merge=False, summary=out.summary)
            return out
        except Exception as exc:                 # counted and reported: the point of the figure
            out.stops += 1
            log.info("run stopped: %r; isolating the report", exc)
        pending = [d for d in pending if d.id not in out.failed and not store.has_document(d.id)]
        while pending:
            doc = pending.pop(0)
            try:
                pipeline.run([doc], store, extractor=extractor, merge=False, summary=out.summary)
            except Exception as exc:
                out.failed[doc.id] = f"{type(exc).__name__}: {exc}"[:300]
                break
    return out


def stop_reason(doc: Document | None, outcome: Outcome, stored: set[str]) -> str:
    """Why a report is not in the store ("" when it is): it raised, or the run named it failed or skipped."""
    if doc is None:
        return "not read"
    if doc.id in outcome.failed:
        return outcome.failed[doc.id]
    if doc.id in stored:
        return ""
    reported = dict((*outcome.summary.skipped, *getattr(outcome.summary, "failed", ())))   # source -> reason
    return next((reported[k] for k in (doc.origin, doc.external_id, doc.id) if k in reported), "not stored")


def read_documents(records: Iterable[dict[str, object]], folder: Path) -> list[Document]:
    """Documents as `kharita run` reads them: through a JSON Lines file and kharita's readers."""
    path = folder / "input.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    summary = RunSummary()
    documents = list(read_inputs([path], summary))
    for source, reason in summary.skipped:
        log.warning("not read: %s: %s", source, reason)
    return documents


def run_all(documents: Sequence[Document], store: Store, chunk: int = 16) -> Outcome:
    """`run_isolated` chunk by chunk (for the progress bar); one Outcome for all."""
    extractor = pipeline.default_extractor()
    total = Outcome()
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(documents), desc="articles", unit=" article", file=sys.stderr, leave=False)
    for i in range(0, len(documents), chunk):
        part = run_isolated(documents[i:i + chunk], store, extractor)
        total.summary.merge_from(part.summary)
        total.failed.update(part.failed)
        total.stops += part.stops
        if bar is not None:
            bar.update(len(documents[i:i + chunk]))
    if bar is not None:
        bar.close()
    return total


# -- places ---------------------------------------------------------------------------------------

_SUFFIX_WORDS = frozenset("""governorate province region state division department district oblast
prefecture county municipality territory union capital muhafazat wilayah""".split())
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|at|az|an|ul) ")


def admin_name(name: str) -> str:
    """A folded admin1 name: suffix words and leading Arabic articles dropped."""
    folded = " ".join(fold(name).replace("-", " ").replace("'", "").split())
    kept = [w for w in folded.split() if w not in _SUFFIX_WORDS]
    text = " ".join(kept or folded.split())
    return _ARTICLE.sub("", text).strip()


#: Admin1 names that UCDP (or an older GeoNames name kharita may write) and the gazetteer spell as
#: different words, by `admin_name`, to the gazetteer's name.
ADMIN_SYNONYMS = {
    "rangoon": "yangon", "irrawaddy": "ayeyarwady", "pegu": "bago", "tenasserim": "tanintharyi",
    "arakan": "rakhine", "karen": "kayin", "karenni": "kayah", "ciudad de mexico": "mexico city",
    "distrito federal": "mexico city", "federal capital territory": "fct", "le kef": "kef",
    "federally administered tribal areas": "khyber pakhtunkhwa",       # merged into it in 2018
}


def canon(name: str) -> str:
    key = admin_name(name)
    return ADMIN_SYNONYMS.get(key, key)


def gazetteer_admin1(path: Path | None = None) -> dict[str, set[str]]:
    """Every admin1 name of kharita's gazetteer, by country: the names kharita writes as admin1."""
    import sqlite3

    from kharita.gazetteer.store import DEFAULT_PATH, ENV_VAR

    path = path or Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)
    out: dict[str, set[str]] = defaultdict(set)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            for cc, name in db.execute("SELECT DISTINCT p.cc, s.value FROM places p "
                                       "JOIN strings s ON s.id = p.admin1 WHERE p.admin1 IS NOT NULL"):
                if name:
                    out[cc].add(name)
    except sqlite3.Error as exc:          # a gazetteer of another schema: compare names directly
        log.warning("cannot list the admin1 names of %s (%s); UCDP names are compared directly", path, exc)
    return out


class Admin1:
    """UCDP's admin1 resolved to one of the gazetteer's admin1 names of the country, then compared
    exactly with each event's admin1 (both through `canon`). Resolving first keeps look-alike
    neighbours apart (Paktia and Paktika, Kayin and Kayah, North and North-West, Baja California and
    Baja California Sur); a loose comparison of the two names would join them."""

    def __init__(self, names: dict[str, set[str]]) -> None:
        self.names = names
        self._resolved: dict[tuple[str, str], str] = {}

    def resolve(self, gold: str, iso: str, seen: Iterable[str] = ()) -> str:
        """The canonical admin1 that UCDP's name means: exact, else the same transliteration key,
        else the closest name (difflib ratio >= 0.8, spaces ignored); itself when none fits."""
        if iso == "PH":
            gold = PH_REGIONS.get(admin_name(gold), gold)
        g = canon(gold)
        candidates = {canon(n) for n in (*self.names.get(iso, ()), *seen)} - {""}
        if not candidates or not g:
            return g
        flat = g.replace(" ", "")
        exact = [c for c in candidates if c == g or c.replace(" ", "") == flat]
        if exact:
            return exact[0]
        keyed = [c for c in candidates if place_name_key(c) == place_name_key(g)]
        ratio = {c: difflib.SequenceMatcher(None, flat, c.replace(" ", "")).ratio() for c in candidates}
        if keyed:
            return max(keyed, key=ratio.__getitem__)
        best = max(candidates, key=ratio.__getitem__)
        return best if ratio[best] >= 0.8 else g

    def hit(self, gold: str, iso: str | None, event: Event, seen: Iterable[str] = ()) -> bool:
        if iso is None or event.place.country_code != iso:
            return False
        if not gold.strip():
            return True
        return bool(event.place.admin1) and canon(event.place.admin1) == self.resolve(gold, iso, seen)


#: UCDP's admin1 in the Philippines is the province; GeoNames' (kharita's) is the region (PSGC, 2021:
#: before Negros Island Region was re-created in 2024). Provinces keyed by `admin_name`.
PH_REGIONS = {
    **dict.fromkeys(["agusan del norte", "agusan del sur", "surigao del norte", "surigao del sur",
                     "dinagat islands"], "Caraga"),
    **dict.fromkeys(["maguindanao", "lanao del sur", "basilan", "sulu", "tawi tawi"],
                    "Autonomous Region in Muslim Mindanao"),
    **dict.fromkeys(["negros occidental", "iloilo", "capiz", "aklan", "antique", "guimaras"],
                    "Western Visayas"),
    **dict.fromkeys(["negros oriental", "cebu", "bohol", "siquijor"], "Central Visayas"),
    **dict.fromkeys(["eastern samar", "northern samar", "samar", "leyte", "southern leyte", "biliran"],
                    "Eastern Visayas"),
    **dict.fromkeys(["south cotabato", "cotabato", "north cotabato", "sultan kudarat", "sarangani"],
                    "Soccsksargen"),
    **dict.fromkeys(["bukidnon", "misamis oriental", "misamis occidental", "lanao del norte", "camiguin"],
                    "Northern Mindanao"),
    **dict.fromkeys(["zamboanga del sur", "zamboanga del norte", "zamboanga sibugay"],
                    "Zamboanga Peninsula"),
    **dict.fromkeys(["davao del norte", "davao del sur", "davao oriental", "davao occidental", "davao de oro",
                     "compostela valley"], "Davao"),
    **dict.fromkeys(["albay", "masbate", "camarines sur", "camarines norte", "sorsogon", "catanduanes"],
                    "Bicol"),
    **dict.fromkeys(["quezon", "batangas", "cavite", "laguna", "rizal"], "Calabarzon"),
    **dict.fromkeys(["occidental mindoro", "oriental mindoro", "palawan", "romblon", "marinduque"],
                    "Mimaropa"),
    **dict.fromkeys(["kalinga", "abra", "apayao", "benguet", "ifugao", "mountain"], "Cordillera"),
}


# -- countries ------------------------------------------------------------------------------------

_COUNTRY_EXTRA = {"dr congo": "CD", "zaire": "CD", "kingdom of eswatini": "SZ", "eswatini": "SZ",
                  "swaziland": "SZ", "ivory coast": "CI", "burma": "MM", "north yemen": "YE",
                  "soviet union": "RU", "kampuchea": "KH", "rhodesia": "ZW", "upper volta": "BF"}


class Countries:
    """UCDP country names -> ISO 3166-1 alpha-2, through the actor dictionary's country names."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.table = dict(_COUNTRY_EXTRA)
        for c in dictionary.countries():
            for n in (c.name, c.bare_name, *c.names):
                self.table.setdefault(fold(n), c.code)

    def code(self, name: str) -> str | None:
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
        for candidate in ([name, m.group(1), m.group(2)] if m else [name]):
            code = self.table.get(fold(candidate.strip()))
            if code:
                return code
        return None


# -- actors ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Named:
    """An actor of an event as the scorer sees it (associated actors are only names in an Event)."""

    name: str
    actor_type: ActorType | None
    country: str


_KIND_WORDS = GENERIC_WORDS | frozenset("""cartel cartels ethnic insurgents insurgent rebels rebel separatists
separatist militants militant armed unidentified government forces state party communist islamic de del la
""".split())


def event_actors(event: Event, dictionary: ActorDictionary) -> list[Named]:
    out = [Named(a.name, a.actor_type, a.country) for a in (event.actor1, event.actor2) if a is not None]
    for name in (*event.assoc_actor_1, *event.assoc_actor_2):
        entry = dictionary.get(name)
        out.append(Named(name, entry.actor_type if entry else None, entry.country if entry else ""))
    return out


#: UCDP side -> further names that count as it (see the module docstring).
SIDE_ALIASES = {
    "CPP": ("New People's Army", "NPA"),
    "NUG": ("People's Defence Force", "PDF"),
    "Jalisco Cartel New Generation": ("CJNG",),
    # the Bangsamoro Islamic Freedom Movement (Karialan faction), whose armed wing is the BIFF
    "BIFM-K": ("Bangsamoro Islamic Freedom Fighters", "BIFF"),
    # UCDP's collective for the armed groups of the Kashmir insurgency, whatever their base
    "Kashmir insurgents": ("Lashkar-e-Taiba", "Jaish-e-Mohammed", "Hizbul Mujahideen"),
}


#: From the fall of Kabul UCDP's "Government of Afghanistan" is the Taliban.
TALIBAN_GOVERNMENT = dt.date(2021, 8, 15)


def _unidentified(actor: Named) -> bool:
    return actor.name.startswith("Unidentified Armed Group")


class SideMatcher:
    """Whether a UCDP side is among kharita's actors (the mapping in the module docstring)."""

    def __init__(self, dictionary: ActorDictionary, countries: Countries) -> None:
        self.dictionary = dictionary
        self.countries = countries
        self._kind_words = _KIND_WORDS | {w.key for c in dictionary.countries()
                                          for n in (c.bare_name, *c.names, *c.demonyms) for w in words(n)}

    def distinct(self, name: str) -> frozenset[str]:
        bare = undated(name.split(":", 1)[-1])                # "SDF: Syrian Democratic Forces": the long name
        return frozenset(skeleton(w.key) for w in words(bare)
                         if w.key not in self._kind_words and not w.key.isdigit())

    def matches(self, side: str, actors: Sequence[Named], *, country: str | None, date: dt.date | None,
                lenient: bool = False) -> bool:
        if any(self.one(part, a, country=country, date=date) for part in self._parts(side) for a in actors):
            return True
        return lenient and self.non_state(side) and any(_unidentified(a) for a in actors)

    @staticmethod
    def _parts(side: str) -> list[str]:
        parts = [p.strip() for p in side.split(", ") if p.strip()] or [side]
        return [name for p in parts for name in (p, *SIDE_ALIASES.get(p, ()))]

    @staticmethod
    def non_state(side: str) -> bool:
        return not (side == "Civilians" or side.startswith("Government of ")
                    or side == "Forces of the Presidential Leadership Council")

    def one(self, side: str, actor: Named, *, country: str | None, date: dt.date | None) -> bool:
        d = self.dictionary
        if side == "Civilians":
            return actor.actor_type is ActorType.CIVILIANS
        if side == "Government of Yemen (North Yemen)":
            return d.compatible("Houthis", actor.name)
        if side == "Forces of the Presidential Leadership Council":
            return self._state_of("YE", actor)
        if side.startswith("Government of "):
            iso = self.countries.code(side[len("Government of "):])
            if iso == "AF" and date is not None and date >= TALIBAN_GOVERNMENT \
                    and d.compatible("Taliban", actor.name):
                return True
            return iso is not None and self._state_of(iso, actor)
        if side.startswith("Opponents of "):
            return not _unidentified(actor) and actor.actor_type in (
                ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA, ActorType.PROTESTERS, ActorType.RIOTERS)
        if side.endswith(" insurgents"):
            stem = fold(side.rsplit(" ", 1)[0])
            if d.country_of_word(stem) is None and any(w.key.startswith(stem[:6]) for w in words(actor.name)):
                return True                                   # "Ambazonian separatists"
            if actor.actor_type is not ActorType.REBEL_GROUP:
                return False
            if country and actor.country and actor.country != country:
                return False
            apart = ("Islamic State", "SDF")                  # UCDP codes these apart from the insurgents
            return not (country == "SY" and any(d.compatible(g, actor.name) for g in apart))
        return self.group(side, actor.name)

    def _state_of(self, iso: str, actor: Named) -> bool:
        if actor.actor_type is ActorType.STATE_FORCES and actor.country == iso:
            return True
        entry = self.dictionary.get(actor.name)
        parent = self.dictionary.get(entry.parent) if entry is not None and entry.parent else None
        if parent is not None and parent.actor_type is ActorType.STATE_FORCES and parent.country == iso:
            return True                       # a militia the dictionary files under the state's forces
        name = self.dictionary.country_name(iso)
        return any(undated(actor.name).startswith(f"{kind} {article}{name}") for kind in
                   ("Military Forces of", "Police Forces of", "Government of") for article in ("", "the "))

    def group(self, side: str, name: str) -> bool:
        if self.dictionary.compatible(side, name):
            return True
        if side.replace("-", "").isupper() and len(side) <= 8:         # an acronym: IS, SDF, CPI-Maoist
            prefix = name.split(":", 1)[0].strip() if ":" in name else ""
            initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", undated(name))
                               if w.lower() not in {"of", "the", "and", "for", "in", "al", "wal"}).upper()
            if side in (prefix, initials) or side in re.findall(r"[\w-]+", name):
                return True
        a, b = self.distinct(side), self.distinct(name)
        return bool(a and b and (a <= b or b <= a))


# -- scoring --------------------------------------------------------------------------------------

@dataclass
class ArticleResult:
    id: str
    country: str
    ucdp: dict[str, object]
    events: list[dict[str, object]]
    stopped: str = ""
    found: bool = False
    admin1: bool = False
    sides: bool = False
    side_a: bool = False
    side_b: bool = False
    toll: bool = False
    all: bool = False
    sides_lenient: bool = False
    toll_any: bool = False


def score_article(row: dict, events: list[Event], matcher: SideMatcher, countries: Countries,
                  admin1: Admin1, stopped: str = "") -> ArticleResult:
    iso = countries.code(row["location_root_name"])
    date = dt.date.fromisoformat(row["start_date"][:10]) if row.get("start_date") else None
    low, high = int(row["deaths_low"]), int(row["deaths_high"])
    adm1 = row.get("location_adm1_name") or ""
    actors_of = [event_actors(e, matcher.dictionary) for e in events]
    everyone = [a for group in actors_of for a in group]

    def side_hit(side: str, actors: Sequence[Named]) -> bool:
        return matcher.matches(side, actors, country=iso, date=date)

    result = ArticleResult(
        id=str(row["id"]), country=row["location_root_name"], stopped=stopped,
        ucdp={"adm1": adm1, "side_a": row["side_a_name"], "side_b": row["side_b_name"],
              "deaths": [low, high], "date": row.get("start_date")},
        events=[{"type": e.sub_event_type.value, "date": e.event_date.isoformat() if e.event_date else None,
                 "place": e.place.name, "country": e.place.country_code, "admin1": e.place.admin1,
                 "actors": [a.name for a in group],
                 "actor_types": [a.actor_type.value if a.actor_type else None for a in group],
                 "fatalities": e.fatalities}
                for e, group in zip(events, actors_of)],
    )
    if not events:
        return result
    result.found = True
    seen = [e.place.admin1 for e in events if e.place.country_code == iso]
    result.admin1 = any(admin1.hit(adm1, iso, e, seen) for e in events)
    result.side_a = side_hit(row["side_a_name"], everyone)
    result.side_b = side_hit(row["side_b_name"], everyone)
    result.sides = result.side_a and result.side_b
    result.sides_lenient = all(matcher.matches(side, everyone, country=iso, date=date, lenient=True)
                               for side in (row["side_a_name"], row["side_b_name"]))
    result.toll = low <= max(e.fatalities or 0 for e in events) <= high
    result.toll_any = any(low <= (e.fatalities or 0) <= high for e in events)
    result.all = any(admin1.hit(adm1, iso, e, seen) and low <= (e.fatalities or 0) <= high
                     and side_hit(row["side_a_name"], group) and side_hit(row["side_b_name"], group)
                     for e, group in zip(events, actors_of))
    return result


def share(results: Sequence[ArticleResult], name: str) -> float:
    return sum(getattr(r, name) for r in results) / len(results) if results else 0.0


def rates(results: Sequence[ArticleResult]) -> str:
    if not results:
        return "no articles"
    return "  ".join(f"{c} {share(results, c):6.1%}" for c in CRITERIA) + f"  (n={len(results)})"


def describe(r: ArticleResult) -> str:
    u = r.ucdp
    lines = [f"--- {r.id} {r.country}: UCDP adm1={u['adm1']!r} sides={u['side_a']!r} / {u['side_b']!r} "
             f"deaths={u['deaths']} date={u['date']}" + (f" STOPPED {r.stopped}" if r.stopped else "")]
    for e in r.events[:8]:
        lines.append(f"    {e['type']:35.35} {e['country']} adm1={e['admin1']!r} place={e['place']!r} "
                     f"toll={e['fatalities']} actors={e['actors']}")
    if len(r.events) > 8:
        lines.append(f"    ... {len(r.events) - 8} more events")
    return "\n".join(lines)


# -- main -----------------------------------------------------------------------------------------

def evaluate(rows: list[dict]) -> tuple[list[ArticleResult], Outcome]:
    """Run every article through kharita and score it."""
    dictionary = load_default()
    countries = Countries(dictionary)
    matcher = SideMatcher(dictionary, countries)
    admin1 = Admin1(gazetteer_admin1())
    unknown = sorted({r["location_root_name"] for r in rows} - {r["location_root_name"] for r in rows
                                                                 if countries.code(r["location_root_name"])})
    if unknown:
        log.warning("UCDP countries without an ISO code (admin1 and Government sides cannot match): %s",
                    unknown)
    records = ({"id": str(r["id"]), "text": r["source_article"], "published": str(r["source_date"])[:10]}
               for r in rows)
    with tempfile.TemporaryDirectory(prefix="kharita-ucdp-") as tmp:
        documents = read_documents(records, Path(tmp))
        with Store.open(Path(tmp) / "ucdp.db") as store:
            outcome = run_all(documents, store)
            events_by_doc: dict[str, list[Event]] = defaultdict(list)
            for event in store.iter_events():
                for source in event.sources:
                    events_by_doc[source.document_id].append(event)
            stored = {d.id for d in documents if store.has_document(d.id)}
    doc_of = {d.external_id: d for d in documents}
    results = []
    for row in rows:
        doc = doc_of.get(str(row["id"]))
        events = events_by_doc.get(doc.id, []) if doc is not None else []
        why = stop_reason(doc, outcome, stored)
        results.append(score_article(row, events, matcher, countries, admin1, why))
    return results, outcome


def report(results: list[ArticleResult], outcome: Outcome, errors: int) -> None:
    print(f"all articles:  {rates(results)}")
    print(f"Syria + Iraq:  {rates([r for r in results if r.country in FOCUS])}")
    print(f"elsewhere:     {rates([r for r in results if r.country not in FOCUS])}")
    print(f"side a found {share(results, 'side_a'):.1%}, side b found {share(results, 'side_b'):.1%}; "
          f"sides with Unidentified Armed Group accepted for a non-state side: "
          f"{share(results, 'sides_lenient'):.1%}")
    print(f"toll of any one event (not the largest) in range: {share(results, 'toll_any'):.1%}")
    stopped = [r for r in results if r.stopped]
    failures = len(getattr(outcome.summary, "failed", ()))
    print(f"stopped: {len(stopped)} articles not stored ({outcome.stops} batch runs raised, "
          f"{len(outcome.failed)} reports raised alone, {failures} failures and "
          f"{len(outcome.summary.skipped)} skips reported by the run)")
    for r in stopped[:10]:
        print(f"    {r.id} {r.country}: {r.stopped}")
    scored = CRITERIA[:4]
    by_country: dict[str, list[ArticleResult]] = defaultdict(list)
    for r in results:
        by_country[r.country].append(r)
    misses = Counter({c: sum(not getattr(r, k) for r in rs for k in scored) for c, rs in by_country.items()})
    print(f"{'misses by country (top 10)':32} {'n':>4} " + " ".join(f"{c:>7}" for c in scored))
    for country, _ in misses.most_common(10):
        here = by_country[country]
        counts = " ".join(f"{sum(not getattr(r, c) for r in here):7d}" for c in scored)
        print(f"{country:32} {len(here):4d} {counts}")
    if not errors:
        return
    for criterion in scored:
        wrong = [r for r in results if not getattr(r, criterion) and (criterion == "found" or r.found)]
        what = "articles without events" if criterion == "found" else "misses among articles with events"
        print(f"\n=== {criterion}: {len(wrong)} {what}; {min(errors, len(wrong))} shown")
        step = max(1, len(wrong) // errors)
        for r in wrong[::step][:errors]:              # spread over the file, not the first N
            print(describe(r))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="the first N articles only")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print N misses per criterion")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="write per-article results (JSON Lines)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with args.data.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    rows = rows[:args.limit] if args.limit else rows

    started = time.perf_counter()
    results, outcome = evaluate(rows)
    took = time.perf_counter() - started
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cpus, "
          f"python {platform.python_version()}")
    print(f"data: {args.data} ({len(rows)} articles) in {took:.0f}s ({took / max(len(rows), 1):.2f}s an "
          f"article); {sum(len(r.events) for r in results)} events")
    report(results, outcome, args.errors)
    if args.json:
        with args.json.open("w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
        print(f"per-article results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
