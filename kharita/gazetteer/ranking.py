"""How well a gazetteer entry fits a name in its context: one score in 0..1.

The score is a weighted sum, each part in 0..1, so a reader can see why a candidate won:

- match (0.35): a curated alias beats the same folded spelling, which beats a shared loose key,
  which beats the vowel-less skeleton, which beats a fuzzy match.
- population (0.15): log-scaled; the bigger of two namesakes is the likelier one in the news.
- feature type against the cue word (0.15): "Maruf village" wants a populated place, "Kew Kep
  hill" terrain, "Neşwa neighbourhood" a city district, "Dêra Zor region" a division.
- country in focus (0.15): the document's country.
- nearness (0.20): distance to the document's anchor place (its dateline, else its most-named
  place), decaying over ~100 km: a local report names local places.
"""

from __future__ import annotations

import math

from kharita.geo import distance_km
from kharita.models import Place

WEIGHTS = {"match": 0.35, "population": 0.15, "type": 0.15, "country": 0.15, "near": 0.20}
MATCH_QUALITY = {"alias": 1.0, "exact": 0.85, "key": 0.6, "skeleton": 0.45, "fuzzy": 0.35}
NEAR_SCALE_KM = 100.0
#: An exact match on one of a place's other names weighs a little less than on its own name.
SECONDARY_NAME_PENALTY = 0.1

# cue word -> the feature (class, code prefix) that fits it, best first.
CUE_FEATURES: dict[str, tuple[tuple[str, str], ...]] = {
    "village": (("P", "PPL"),),
    "town": (("P", "PPL"),),
    "city": (("P", "PPL"), ("A", "ADM2")),
    "neighbourhood": (("P", "PPLX"),),
    "district": (("P", "PPLX"), ("A", "ADM2"), ("A", "ADM3")),
    "quarter": (("P", "PPLX"),),
    "hill": (("T", ""),),
    "mountain": (("T", ""),),
    "mount": (("T", ""),),
    "camp": (("S", "CMP"), ("P", "")),
    "road": (("R", ""),),
    "highway": (("R", ""),),
    "bridge": (("S", "BDG"),),
    "dam": (("S", "DAM"), ("H", "")),
    "airport": (("S", "AIRP"), ("S", "AIRB")),
    "base": (("S", "MILB"), ("S", "AIRB")),
    "prison": (("S", "PRN"),),
    "field": (("L", "OILF"), ("S", "OILF")),
    "river": (("H", "STM"),),
    "region": (("A", "ADM1"), ("A", "ADM2"), ("L", "RGN")),
    "province": (("A", "ADM1"),),
    "governorate": (("A", "ADM1"),),
    "state": (("A", "ADM1"),),
    "county": (("A", "ADM2"),),
    "countryside": (("A", "ADM1"), ("A", "ADM2")),
    "country": (("A", "PCL"),),
}
CUE_SYNONYMS = {
    "villages": "village", "towns": "town", "cities": "city", "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhood", "neighbourhoods": "neighbourhood", "districts": "district",
    "quarters": "quarter", "hills": "hill", "mountains": "mountain", "mt": "mount", "jabal": "mountain",
    "jebel": "mountain", "camps": "camp", "roads": "road", "bridges": "bridge", "dams": "dam",
    "airbase": "airport", "bases": "base", "prisons": "prison", "oilfield": "field", "fields": "field",
    "regions": "region", "provinces": "province", "governorates": "governorate", "area": "region",
    "states": "state", "counties": "county",
    "lga": "district",        # Nigeria's Local Government Area, a second-level division
    "suburb": "neighbourhood", "township": "town",
}


def cue_word(word: str) -> str:
    """The canonical cue for a word ("neighborhoods" -> "neighbourhood"), "" if it is not one."""
    word = word.lower()
    word = CUE_SYNONYMS.get(word, word)
    return word if word in CUE_FEATURES else ""


def type_fit(place: Place, cue: str) -> float:
    """1 when the feature is what the cue asks for, lower when it is not; without a cue,
    populated places and divisions are the usual referents of a bare name in the news."""
    if cue:
        wanted = CUE_FEATURES.get(cue, ())
        for rank, (fclass, code) in enumerate(wanted):
            if place.feature_class == fclass and place.feature_code.startswith(code):
                return 1.0 - 0.2 * rank
        return 0.3 if place.feature_class in ("P", "A") else 0.1
    if place.feature_class == "P":
        return 0.8 if place.feature_code != "PPLX" else 0.6
    if place.feature_class == "A":
        return 0.9 if place.feature_code.startswith("PCL") else 0.5
    return 0.4


def place_distance_km(a: Place, b: Place) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def spelling_similarity(name: str, matched: str) -> float:
    """0..1: how alike two spellings are once folded and stripped of articles. The loose key lets
    Ghweiran meet Ghuwayran, but also Gierevan (Yerevan) and Qurayn; this tells them apart."""
    from rapidfuzz import fuzz

    from kharita.gazetteer.normalize import ARTICLES, fold

    def bare(text: str) -> str:
        words = fold(text).split()
        return " ".join(w for w in words if w not in ARTICLES) or " ".join(words)

    return fuzz.ratio(bare(name), bare(matched)) / 100.0


def score(place: Place, match: str, *, cue: str = "", country: str | None = None,
          near: Place | None = None, short: bool = False, similarity: float = 1.0,
          primary: bool = True) -> float:
    """`short`: the name's key has three letters or fewer, so a loose match ("Sur" for "Syria")
    is weak evidence. `similarity`: spelling_similarity of the name and the entry's name that
    matched; it scales loose matches only (an alias or exact name is already the spelling).
    `primary`: the name is the place's own, not one of its other names ("Morelos" is the state;
    it is only another name of Ecatepec de Morelos)."""
    quality = MATCH_QUALITY.get(match, 0.5)
    if match == "exact" and not primary:
        quality -= SECONDARY_NAME_PENALTY
    if match not in ("alias", "exact"):
        # the same spelling but for an article or a diacritic (al-Ghuwayran, Ghuwayran) is exact
        quality = MATCH_QUALITY["exact"] if similarity >= 0.999 else quality * (0.4 + 0.6 * similarity)
    if short and match not in ("alias", "exact"):
        quality *= 0.5
    parts = {
        "match": quality,
        "population": min(1.0, math.log10(place.population + 1) / 7),
        "type": type_fit(place, cue),
        "country": 1.0 if country and place.country_code == country else 0.0,
        "near": math.exp(-place_distance_km(place, near) / NEAR_SCALE_KM) if near is not None else 0.0,
    }
    return round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
