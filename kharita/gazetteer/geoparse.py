"""geoparse(text): every place mention of a text, found with the gazetteer and resolved in context.

This is the recogniser and resolver the spaCy component `kharita_toponyms` runs; the component
adds NER labels as hints when the pipeline has them.
"""

from __future__ import annotations

import datetime as dt

from kharita.gazetteer.base import Gazetteer
from kharita.gazetteer.recognize import find_places
from kharita.gazetteer.resolve import resolve_found
from kharita.models import Toponym


def geoparse(text: str, *, published: dt.date | None = None, gazetteer: Gazetteer | None = None,
             country: str | None = None, entities: dict[tuple[int, int], str] | None = None) -> list[Toponym]:
    """Place mentions of `text` in order, each resolved (or with `place=None`).

    `published` is accepted for the API's sake: place names do not change with the date in the
    embedded gazetteer. `country` forces the country in focus; `entities` are NER hints."""
    return geoparse_with_focus(text, gazetteer=gazetteer, country=country, entities=entities)[0]


def geoparse_with_focus(text: str, *, gazetteer: Gazetteer | None = None, country: str | None = None,
                        entities: dict[tuple[int, int], str] | None = None,
                        evidence: dict[str, float] | None = None,
                        named_by: list[tuple[int, int]] | None = None) -> tuple[list[Toponym], str | None]:
    """As `geoparse`, and the country in focus it settled on. `evidence` adds votes for the focus
    from outside the gazetteer (the home countries of the actors the report names, whose spans
    `named_by` gives: a nationality word inside one, "Lebanese Hezbollah", is no vote of its own)."""
    if gazetteer is None:
        from kharita.gazetteer.store import load_default

        gazetteer = load_default()
    found = find_places(text, gazetteer, entities=entities)
    return resolve_found(text, found, gazetteer, country=country, evidence=evidence, named_by=named_by)
