"""The region of news outlets (kharita/data/outlets.yaml): an outlet that covers one country is
evidence that its report is about that country, found in the Document's outlet field or named in
the text as a byline or credit line ("for Borderland Beat", "told BNA")."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

OUTLETS = Path(__file__).resolve().parents[1] / "data" / "outlets.yaml"


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    data = yaml.safe_load(OUTLETS.read_text(encoding="utf-8"))
    names = {str(n): str(cc) for cc, outlets in data.items() for n in outlets}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternation})(?![\w-])"), names


def outlet_countries(text: str, outlet: str | None = None) -> Counter[str]:
    """The countries of the outlets a report names or comes from, each counted once."""
    pattern, names = _pattern()
    found: Counter[str] = Counter()
    for source in (outlet or "", text):
        for m in pattern.finditer(source):
            found[names[m.group(1)]] = 1
    return found
