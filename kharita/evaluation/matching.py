"""When a predicted event matches a gold event, level by level (see `kharita.evaluate`'s docstring).

Places by name, distance by geo precision or admin1; actors by the dictionary; dates by the time
precision's window; fatalities within 20%. `match_level` pairs events one-to-one by maximum
bipartite matching, required gold events first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dataclasses import dataclass

from kharita.evaluation.records import ActorComparer, GoldEvent, MustNot, PredictedEvent
from kharita.geo import distance_km
from kharita.ontology import DATE_WINDOW_DAYS, TimePrecision


LEVELS = ("L1", "L2", "L3")


PLACE_KM = {1: 10.0, 2: 30.0}


REGION_FALLBACK_KM = 150.0     # precision 3 when a side has no admin1


FATALITY_TOLERANCE = 0.2


_PLACE_WORDS = frozenset({"governorate", "province", "district", "subdistrict", "city", "town", "village",
                          "muhafazat", "of"})


def place_key(name: str) -> str:
    """A place name for comparison: folded, articles and words such as 'governorate' dropped."""
    from kharita.actors.dictionary import words

    return " ".join(w.key for w in words(name) if w.key not in _PLACE_WORDS)


def _names(gold: GoldEvent) -> set[str]:
    names = {place_key(gold.location)}
    if " - " in gold.location:
        names.add(place_key(gold.location.split(" - ", 1)[1]))
    return {n for n in names if n}


def same_place(gold: GoldEvent, pred: PredictedEvent) -> bool:
    """The gold place's rule by its precision: the same name, or within its radius, or (precision 3)
    the same admin1."""
    pred_names = {place_key(pred.location)}
    if " - " in pred.location:
        pred_names.add(place_key(pred.location.split(" - ", 1)[1]))
    if _names(gold) & pred_names:
        return True
    if gold.geo_precision >= 3:
        if gold.admin1 and pred.admin1:
            return place_key(gold.admin1) == place_key(pred.admin1)
        if place_key(gold.admin1) in pred_names:
            return True
        radius = REGION_FALLBACK_KM
    else:
        radius = PLACE_KM.get(gold.geo_precision, PLACE_KM[2])
    if None in (gold.lat, gold.lon, pred.lat, pred.lon):
        return False
    return distance_km(gold.lat, gold.lon, pred.lat, pred.lon) <= radius  # type: ignore[arg-type]


def same_date(gold: GoldEvent, pred: PredictedEvent) -> bool:
    """Within the gold time precision's window; an unknown predicted date is within none."""
    if pred.date is None:
        return False
    window = DATE_WINDOW_DAYS.get(TimePrecision(min(max(gold.time_precision, 1), 3)), 1)
    return abs((pred.date - gold.date).days) <= window


def same_fatalities(gold: int | None, pred: int | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return abs(pred - gold) <= FATALITY_TOLERANCE * gold


def matches(level: str, gold: GoldEvent, pred: PredictedEvent, actors: ActorComparer) -> bool:
    if gold.sub_event_type != pred.sub_event_type or not same_place(gold, pred):
        return False
    if level == "L1":
        return True
    if not (actors.is_same(gold.actor1, pred.actor1) and actors.is_same(gold.actor2, pred.actor2)):
        return False
    if level == "L2":
        return True
    return same_date(gold, pred) and same_fatalities(gold.fatalities, pred.fatalities)


def _bipartite(left: Sequence[int], edges: dict[int, list[int]], taken: dict[int, int]) -> dict[int, int]:
    """Maximum matching (Kuhn's augmenting paths) of `left` into right nodes not in `taken`;
    returns right -> left for the new pairs, `taken` included."""
    owner = dict(taken)
    fixed = set(taken)

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges.get(u, ()):
            if v in seen or v in fixed:
                continue
            seen.add(v)
            if v not in owner or augment(owner[v], seen):
                owner[v] = u
                return True
        return False

    for u in left:
        augment(u, set())
    return owner


def match_level(level: str, gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent],
                actors: ActorComparer) -> LevelScore:
    """One-to-one matching at a level: required gold events first, then optional ones."""
    edges = {g: [p for p, pe in enumerate(predicted) if matches(level, ge, pe, actors)]
             for g, ge in enumerate(gold)}
    required = [g for g, ge in enumerate(gold) if ge.required]
    optional = [g for g, ge in enumerate(gold) if not ge.required]
    owner = _bipartite(required, edges, {})
    owner = _bipartite(optional, edges, owner)
    matched_gold = {g: p for p, g in owner.items()}
    tp = sum(1 for g in required if g in matched_gold)
    optional_matched = sum(1 for g in optional if g in matched_gold)
    fp = len(predicted) - len(owner)
    pairs = tuple((gold[g].id, predicted[p].id) for g, p in sorted(matched_gold.items()))
    missed = tuple(gold[g].id for g in required if g not in matched_gold)
    return LevelScore(level, tp, fp, len(required) - tp, optional_matched, pairs, missed)


def must_not_hit(rule: MustNot, pred: PredictedEvent) -> bool | None:
    """Whether a prediction does what a must-not forbids; None when the rule cannot be checked
    against events."""
    f = rule.fields
    checks: list[bool] = []
    if "sub_event_type" in f:
        checks.append(pred.sub_event_type == f["sub_event_type"])
    if "location" in f:
        probe = GoldEvent("must-not", pred.sub_event_type, "", f["location"], pred.date or dt.date.min,
                          admin1=f.get("admin1", ""), lat=f.get("latitude"), lon=f.get("longitude"))
        checks.append(same_place(probe, pred))
    if "actor1" in f:
        checks.append(pred.actor1 == f["actor1"])
    if "location_in_text" in f:
        key = place_key(f["location_in_text"])
        if "entity" in f:
            # "Hasakah is never a PERSON": in events, a place read as a person or group is an actor.
            checks.append(key in {place_key(pred.actor1), place_key(pred.actor2 or "")})
        else:
            checks.append(key == place_key(pred.location) or key in {place_key(t) for t in pred.location_texts})
    if not checks:
        return None
    return all(checks)


@dataclass(frozen=True, slots=True)
class LevelScore:
    level: str
    tp: int
    fp: int
    fn: int
    optional_matched: int
    pairs: tuple[tuple[str, str], ...]          # (gold id, predicted id)
    missed: tuple[str, ...]                     # required gold ids not matched

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
