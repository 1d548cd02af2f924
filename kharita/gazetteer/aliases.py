"""The curated alias file: names no gazetteer has, places no gazetteer has, and renames.

The file (kharita/gazetteer/aliases.yaml by default) has three lists; every item carries a
`source` so anyone can check why it is there:

    places:   a place with no gazetteer entry (a city district, a hill, a bridge): id, name,
              country, lat, lon, feature_class/feature_code, `within` (the city whose admin units
              it takes), `approximate` (true when the coordinate is an estimate), source.
    aliases:  alias, target (gn:ID, wof:ID or a place id above), source; `precision: near` when the
              name is a spot beside the target (a bridge near a village), so it resolves to the
              target at geo_precision 2; `demonym: true` for "Syrian", "Iraqi": such a name
              resolves to its country when a caller asks, but the recogniser never reports it as a
              place mention (the "Syrian regime" is not an event location).
    rename:   target, name, source: the shown name of a gazetteer place (ACLED's "Deir ez-Zor").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kharita.errors import DictionaryError

DEFAULT_ALIASES = Path(__file__).with_name("aliases.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AliasPlace(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    feature_class: str = "P"
    feature_code: str = "PPL"
    within: str | None = None
    admin1: str = ""
    admin2: str = ""
    population: int = 0
    approximate: bool = True
    source: str = Field(min_length=2)


class Alias(_Strict):
    alias: str = Field(min_length=2)
    target: str
    source: str = Field(min_length=2)
    precision: Literal["place", "near"] = "place"
    demonym: bool = False


class Rename(_Strict):
    target: str
    name: str
    source: str = Field(min_length=2)


class AliasFile(_Strict):
    places: list[AliasPlace] = []
    aliases: list[Alias] = []
    rename: list[Rename] = []

    @model_validator(mode="after")
    def _targets_exist(self) -> "AliasFile":
        ids = {p.id for p in self.places}
        if len(ids) != len(self.places):
            raise ValueError("place ids must be unique")
        for item in [*self.aliases, *self.rename]:
            if not (item.target.startswith(("gn:", "wof:")) or item.target in ids):
                raise ValueError(f"target {item.target!r} is neither gn:ID, wof:ID nor a place id "
                                 "of this file")
        for place in self.places:
            if place.within and not (place.within.startswith(("gn:", "wof:")) or place.within in ids):
                raise ValueError(f"place {place.id}: within {place.within!r} is not gn:ID, wof:ID "
                                 "or a place id")
        return self


def load_aliases(path: Path | str | None = None) -> AliasFile:
    """Read and validate an alias file; the packaged one when `path` is None."""
    return _load(Path(path) if path is not None else DEFAULT_ALIASES)


@lru_cache(maxsize=8)
def _load(path: Path) -> AliasFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise DictionaryError(f"No alias file at {path}; pass an existing YAML file") from exc
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{path} is not valid YAML: {exc}") from exc
    try:
        return AliasFile.model_validate(data)
    except ValidationError as exc:
        raise DictionaryError(f"{path} is not a valid alias file (see kharita/gazetteer/aliases.py "
                              f"for the fields): {exc}") from exc
