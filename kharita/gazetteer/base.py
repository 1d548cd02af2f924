"""The Gazetteer protocol: what other stages may ask of a gazetteer.

Stages import this Protocol, never a concrete gazetteer; `pipeline.py` wires the concrete one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kharita.models import Place


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name could mean, with how well and why it matched."""

    place: Place
    score: float                        # 0..1, higher is better; comparable within one look-up
    matched_name: str = ""              # the name (or alias) that matched
    match: str = ""                     # exact | key | fuzzy | alias


@runtime_checkable
class Gazetteer(Protocol):
    def candidates(
        self, name: str, *, country: str | None = None, cue: str = "", near: Place | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        """Ranked candidates for a place name, best first; empty when nothing fits."""
        ...

    def get(self, key: str) -> Place | None:
        """A place by its `Place.key` (gn:ID, wof:ID, name:CC:Name)."""
        ...

    def knows(self, name: str) -> bool:
        """Whether any entry goes by this name (cheap; the recogniser asks it for every phrase)."""
        ...

    def country(self, code: str) -> Place | None:
        """The country with ISO 3166-1 alpha-2 `code`, as a place (geo_precision 3), or None."""
        ...
