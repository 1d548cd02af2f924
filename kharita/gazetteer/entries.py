"""What readers hand to the builder: an Entry (a Place and its names) and the admin code tables.

Display names follow one convention, chosen to match ACLED's Syrian and Iraqi locations
("al-Hasakah", "Deir ez-Zor"): a leading Arabic article of a Syrian or Iraqi name is written in
lower case and joined by a hyphen ("Al Hasakah" and "Al-Hasakah" become "al-Hasakah"); the rest
is the source's English or ASCII name. The alias file may rename a place outright.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kharita.errors import GazetteerBuildError
from kharita.models import Place

log = logging.getLogger(__name__)

ARTICLE_COUNTRIES = frozenset({"SY", "IQ"})
_LEADING_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|at|az|an|ad|adh)[\s\-]+(?=\w)", re.IGNORECASE)


@dataclass(slots=True)
class Entry:
    """One place and every name it goes by; `kind` 0 = gazetteer, 2 = curated alias."""

    place: Place
    names: list[str]
    kind: int = 1


@dataclass(slots=True)
class AdminCodes:
    """GeoNames admin1/admin2 codes ("SY.01", "SY.01.123") to display names, and ids to names."""

    admin1: dict[str, str] = field(default_factory=dict)
    admin2: dict[str, str] = field(default_factory=dict)
    admin1_by_id: dict[int, str] = field(default_factory=dict)
    admin1_ids: dict[str, int] = field(default_factory=dict)
    admin1_names: dict[str, list[str]] = field(default_factory=dict)

    def read(self, path: Path) -> None:
        """Add a GeoNames admin1CodesASCII.txt or admin2Codes.txt (code, name, ascii, id)."""
        level = 2 if "admin2" in path.name.lower() else 1
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 4 or "." not in cols[0]:
                    raise GazetteerBuildError(
                        f"{path}:{number}: expected GeoNames admin codes (code, name, asciiname, "
                        f"geonameid separated by tabs); got {line[:60]!r}")
                code, name, ascii_name, gid = cols[:4]
                cc = code.split(".")[0]
                shown = display_name(ascii_name or name, cc)
                if level == 1:
                    self.admin1[code] = shown
                    self.admin1_names[code] = [name, ascii_name]
                    if gid.isdigit():
                        self.admin1_by_id[int(gid)] = shown
                        self.admin1_ids[code] = int(gid)
                else:
                    self.admin2[code] = shown

    def names_for(self, cc: str, admin1: str, admin2: str = "") -> tuple[str, str]:
        return (self.admin1.get(f"{cc}.{admin1}", ""),
                self.admin2.get(f"{cc}.{admin1}.{admin2}", "") if admin2 else "")


def display_name(name: str, cc: str) -> str:
    """A place's shown name: "Al Hasakah" in Syria or Iraq becomes "al-Hasakah"."""
    name = " ".join(name.split())
    if cc in ARTICLE_COUNTRIES:
        match = _LEADING_ARTICLE.match(name)
        if match:
            article = match.group(0).strip(" -").lower()
            rest = name[match.end():]
            return f"{article}-{rest[:1].upper()}{rest[1:]}"
    return name


def usable_name(name: str) -> bool:
    """Latin- or Arabic-script names of a sensible length; other scripts cannot occur in our texts
    often enough to pay for their index rows."""
    if not 2 <= len(name) <= 80:
        return False
    for char in name:
        if char.isalpha():
            script = unicodedata.name(char, "")
            if not (script.startswith("LATIN") or script.startswith("ARABIC")):
                return False
    return any(c.isalpha() for c in name)
