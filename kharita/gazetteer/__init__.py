"""Place names to places: build, load and query gazetteers, and geoparse a text.

    load_default()            the embedded gazetteer (or $KHARITA_GAZETTEER), cached
    open_gazetteer(path)      a gazetteer file built by `kharita gazetteer build`
    geoparse(text)            every place mention of a text, resolved in the document's context
"""

from kharita.gazetteer.base import Candidate, Gazetteer
from kharita.gazetteer.build import build_gazetteer
from kharita.gazetteer.geoparse import geoparse
from kharita.gazetteer.store import SqliteGazetteer, load_default, open_gazetteer

__all__ = sorted([
    "Candidate",
    "Gazetteer",
    "SqliteGazetteer",
    "build_gazetteer",
    "geoparse",
    "load_default",
    "open_gazetteer",
])
