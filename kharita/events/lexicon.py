"""The events stage's word lists, read from `lexicon.yaml`: data a reviewer can read without the code.

Each list has a `meaning` (the ACLED Codebook rule or reason it follows) and its `words`. The rules in
`arguments.py`, `tolls.py` and `assemble.py` read them through `words(name)`; a test checks that
every list is used and has a meaning.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from kharita.errors import ConfigError

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@lru_cache(maxsize=1)
def _data() -> dict[str, dict]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigError(f"{LEXICON_FILE} is not a mapping of word lists; see the comment at its top.")
    return data


def words(name: str) -> frozenset[str]:
    """The words of list `name` (lower case)."""
    entry = _data().get(name)
    if entry is None or "words" not in entry:
        raise ConfigError(f"{LEXICON_FILE} has no word list {name!r}; add it with a meaning and its words.")
    return frozenset(str(w) for w in entry["words"])


def names() -> list[str]:
    """Every list in the file."""
    return list(_data())
