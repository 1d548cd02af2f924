"""Score predicted events against gold events (format: ../shared/dev-set/README.md).

A predicted event matches a gold event at three levels:
- L1: the same sub_event_type, and the place: the same name, or within 10 km of the gold place
  (geo precision 1), 30 km (precision 2), or in the same admin1 (precision 3);
- L2: L1, and actor1 and actor2 the same actor after alias resolution (ActorDictionary.is_same);
- L3: L2, and the date within 1, 4 or 16 days (time precision 1, 2, 3) and the fatalities within
  20% (null only matches null). A prediction whose date is unknown (event_date null: its report
  gave none) matches no gold date, so it can match at L1 and L2 but never at L3.
Matching is one-to-one (maximum bipartite matching per level, required gold events first). Gold
events marked `required: false` count neither as a miss nor, when a prediction matches them, as a
false positive. Gold places are names, so they are resolved through the gazetteer to measure
distances; a name that does not resolve can still match by name or admin1.
Certainty (reported / claimed / unconfirmed) is scored beside the levels, over the L1 pairs whose
gold event states one: how many agree, and which way the others went (`score_certainty`).
Must-nots (must_not.jsonl next to the gold) are checked against every prediction and each hit is
reported. Geocoding: predictions paired with gold events of the same type, actor1 and date
window (so never an undated prediction), nearest first, give the distances between predicted
and gold coordinates (and, where the gold gives a `geonameid`, the share with the same GeoNames
id).
"""

from __future__ import annotations

import json
import logging
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kharita.evaluation.matching import (
    FATALITY_TOLERANCE,
    LEVELS,
    PLACE_KM,
    REGION_FALLBACK_KM,
    LevelScore,
    match_level,
    matches,
    must_not_hit,
    place_key,
    same_date,
    same_fatalities,
    same_place,
)
from kharita.evaluation.records import (
    ActorComparer,
    GoldEvent,
    MustNot,
    PredictedEvent,
    gold_from_dict,
    predicted_from_event,
    predicted_from_record,
    read_gold,
    read_jsonl,
    read_must_not,
    read_predicted,
)
from kharita.geo import distance_km
from kharita.models import Event

log = logging.getLogger(__name__)

#: The public names: the report and its scores here; records and matching re-exported from
#: `kharita.evaluation` so that `from kharita.evaluate import ...` keeps working.
__all__ = [
    "FATALITY_TOLERANCE", "LEVELS", "PLACE_KM", "REGION_FALLBACK_KM", "ActorComparer", "CertaintyScore",
    "EvalReport", "GeoScore", "GoldEvent", "LevelScore", "MustNot", "PredictedEvent", "distance_km",
    "evaluate", "evaluate_files", "gold_from_dict", "match_level", "matches", "place_key",
    "predict_documents", "predicted_from_event", "predicted_from_record", "read_gold", "read_jsonl",
    "read_must_not", "read_predicted", "same_date", "same_fatalities", "same_place", "score_certainty",
]





#: (gold location name, gold admin1) -> (lat, lon), or None when it cannot be resolved.
Resolver = Callable[[str, str], "tuple[float, float] | None"]


# -- records ----------------------------------------------------------------------------------------









@dataclass(frozen=True, slots=True)
class GeoScore:
    pairs: int
    mean_km: float | None
    median_km: float | None
    within_10km: float | None
    within_161km: float | None
    gold_resolved: int
    gold_total: int
    same_geonameid: float | None = None         # share of pairs whose gold gives a GeoNames id


@dataclass(frozen=True, slots=True)
class CertaintyScore:
    """Certainty over the L1 pairs whose gold event states one."""

    pairs: int
    agree: int
    confusion: tuple[tuple[str, str, int], ...] = ()   # (gold, predicted, pairs) where they differ

    @property
    def accuracy(self) -> float | None:
        return self.agree / self.pairs if self.pairs else None

    def to_dict(self) -> dict[str, Any]:
        accuracy = self.accuracy
        return {"pairs": self.pairs, "agree": self.agree,
                "accuracy": None if accuracy is None else round(accuracy, 4),
                "confusion": [{"gold": g, "predicted": p, "pairs": n} for g, p, n in self.confusion]}

@dataclass(frozen=True, slots=True)
class EvalReport:
    levels: dict[str, LevelScore]
    gold: int
    required: int
    predicted: int
    extras: tuple[str, ...]                     # predicted ids matching no gold event at L1
    must_not_hits: tuple[tuple[MustNot, str], ...]
    must_not_unchecked: tuple[MustNot, ...]
    geocoding: GeoScore
    must_not_total: int = 0
    certainty: CertaintyScore = CertaintyScore(0, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "required": self.required,
            "predicted": self.predicted,
            "levels": {
                name: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                       "tp": s.tp, "fp": s.fp, "fn": s.fn, "optional_matched": s.optional_matched,
                       "pairs": [list(p) for p in s.pairs], "missed": list(s.missed)}
                for name, s in self.levels.items()
            },
            "extras": list(self.extras),
            "must_not": {
                "total": self.must_not_total,
                "hits": [{"must_not": m.fields, "why": m.why, "predicted": pid} for m, pid in self.must_not_hits],
                "unchecked": [{"must_not": m.fields, "why": m.why} for m in self.must_not_unchecked],
            },
            "geocoding": asdict(self.geocoding),
            "certainty": self.certainty.to_dict(),
        }

    def table(self) -> str:
        """The report as a small text table."""
        lines = [
            f"gold events: {self.gold} ({self.required} required)   predicted: {self.predicted}",
            "",
            f"{'level':<6}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}  missed",
        ]
        for name, s in self.levels.items():
            lines.append(f"{name:<6}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}  "
                         + (", ".join(s.missed) or "-"))
        lines.append("")
        lines.append(f"extras beyond gold (no L1 match): {len(self.extras)}"
                     + (f"  [{', '.join(self.extras)}]" if self.extras else ""))
        lines.append(f"must-nots hit: {len(self.must_not_hits)} of {self.must_not_total}"
                     + (f" ({len(self.must_not_unchecked)} not checkable from events)" if self.must_not_unchecked else ""))
        for m, pid in self.must_not_hits:
            lines.append(f"  HIT {pid}: {json.dumps(m.fields, ensure_ascii=False)}  ({m.why})")
        g = self.geocoding
        if g.pairs:
            lines.append(f"geocoding: {g.pairs} pair(s), mean {g.mean_km:.1f} km, median {g.median_km:.1f} km, "
                         f"{g.within_10km:.0%} within 10 km, {g.within_161km:.0%} within 161 km"
                         + (f", {g.same_geonameid:.0%} the gold's GeoNames id" if g.same_geonameid is not None else "")
                         + f" (gold places resolved: {g.gold_resolved}/{g.gold_total})")
        else:
            lines.append(f"geocoding: no pairs with coordinates (gold places resolved: {g.gold_resolved}/{g.gold_total})")
        c = self.certainty
        lines.append(f"certainty: {c.agree}/{c.pairs} L1 pair(s) agree" + (f" ({c.accuracy:.0%})" if c.pairs else "")
                     + "".join(f"; gold {g} coded {p}: {n}" for g, p, n in c.confusion))
        return "\n".join(lines)


# -- reading ----------------------------------------------------------------------------------------























# -- comparisons ------------------------------------------------------------------------------------





















def _geocoding(gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent], actors: ActorComparer) -> GeoScore:
    """Distances between predicted and gold places, for pairs of the same type, actor1 and date
    window (place ignored), nearest first, one-to-one."""
    candidates = []
    for g, ge in enumerate(gold):
        if ge.lat is None or ge.lon is None:
            continue
        for p, pe in enumerate(predicted):
            if pe.lat is None or pe.lon is None or pe.sub_event_type != ge.sub_event_type:
                continue
            if not actors.is_same(ge.actor1, pe.actor1) or not same_date(ge, pe):
                continue
            candidates.append((distance_km(ge.lat, ge.lon, pe.lat, pe.lon), g, p))
    used_g: set[int] = set()
    used_p: set[int] = set()
    distances = []
    same_id: list[bool] = []
    for d, g, p in sorted(candidates):
        if g in used_g or p in used_p:
            continue
        used_g.add(g)
        used_p.add(p)
        distances.append(d)
        if gold[g].geonameid is not None:
            same_id.append(predicted[p].geonameid == gold[g].geonameid)
    resolved = sum(1 for ge in gold if ge.lat is not None)
    if not distances:
        return GeoScore(0, None, None, None, None, resolved, len(gold))
    return GeoScore(
        pairs=len(distances),
        mean_km=round(statistics.fmean(distances), 3),
        median_km=round(statistics.median(distances), 3),
        within_10km=round(sum(d <= 10 for d in distances) / len(distances), 4),
        within_161km=round(sum(d <= 161 for d in distances) / len(distances), 4),
        gold_resolved=resolved,
        gold_total=len(gold),
        same_geonameid=round(sum(same_id) / len(same_id), 4) if same_id else None,
    )


# -- gazetteer resolution of gold places -----------------------------------------------------------

def gazetteer_resolver(gazetteer: Any) -> Resolver:
    """Resolve gold place names through a Gazetteer: the best candidate in the gold admin1, else
    the best candidate."""
    def resolve(name: str, admin1: str) -> tuple[float, float] | None:
        found = gazetteer.candidates(name, limit=10)
        if not found:
            return None
        if admin1:
            want = place_key(admin1)
            inside = [c for c in found if c.place.admin1 and place_key(c.place.admin1) == want]
            if inside:
                return inside[0].place.lat, inside[0].place.lon
        return found[0].place.lat, found[0].place.lon
    return resolve


def default_resolver() -> Resolver | None:
    """The packaged gazetteer's resolver, or None (logged) when no gazetteer is available."""
    from kharita.errors import GazetteerError

    try:
        from kharita.gazetteer import load_default  # type: ignore[attr-defined]
    except ImportError:
        try:
            from kharita.gazetteer.store import load_default  # type: ignore[no-redef]
        except ImportError:
            log.warning("no gazetteer available: gold places are compared by name and admin1 only")
            return None
    try:
        return gazetteer_resolver(load_default())
    except GazetteerError as exc:
        log.warning("gazetteer unavailable (%s): gold places are compared by name and admin1 only", exc)
        return None


def resolve_gold(gold: Iterable[GoldEvent], resolver: Resolver | None) -> list[GoldEvent]:
    from dataclasses import replace

    out = []
    for g in gold:
        if g.lat is None and resolver is not None:
            point = resolver(g.location, g.admin1)
            if point is not None:
                g = replace(g, lat=point[0], lon=point[1])
            else:
                log.info("gold %s: place %r not in the gazetteer", g.id, g.location)
        out.append(g)
    return out


# -- the entry point -------------------------------------------------------------------------------

def _as_gold(item: GoldEvent | Mapping[str, Any], i: int) -> GoldEvent:
    return item if isinstance(item, GoldEvent) else gold_from_dict(item, f"gold #{i + 1}")


def _as_predicted(item: PredictedEvent | Event | Mapping[str, Any], i: int) -> PredictedEvent:
    if isinstance(item, PredictedEvent):
        return item
    if isinstance(item, Event):
        return predicted_from_event(item)
    return predicted_from_record(item, f"predicted #{i + 1}")


def evaluate(
    gold: Iterable[GoldEvent | Mapping[str, Any]],
    predicted: Iterable[PredictedEvent | Event | Mapping[str, Any]],
    *,
    must_not: Iterable[MustNot | Mapping[str, Any]] = (),
    actors: ActorComparer | None = None,
    resolver: Resolver | None | str = "default",
) -> EvalReport:
    """Score predicted events (Events, kharita records or PredictedEvents) against gold events
    (dev-set dicts or GoldEvents). `resolver` turns gold place names into coordinates: "default"
    uses the packaged gazetteer when there is one, None compares names and admin1 only."""
    if actors is None:
        from kharita.actors.dictionary import load_default

        actors = load_default()
    gold_events = [_as_gold(g, i) for i, g in enumerate(gold)]
    if resolver == "default":
        resolver = default_resolver() if any(g.lat is None for g in gold_events) else None
    gold_events = resolve_gold(gold_events, resolver)  # type: ignore[arg-type]
    preds = [_as_predicted(p, i) for i, p in enumerate(predicted)]
    ids = [p.id for p in preds]
    if len(set(ids)) != len(ids):
        preds = [p if ids.count(p.id) == 1 else _renamed(p, f"{p.id}#{i + 1}") for i, p in enumerate(preds)]
    rules = [m if isinstance(m, MustNot) else MustNot({k: v for k, v in m.items() if k != "why"}, str(m.get("why", "")))
             for m in must_not]

    levels = {name: match_level(name, gold_events, preds, actors) for name in LEVELS}
    l1_matched = {pid for _, pid in levels["L1"].pairs}
    extras = tuple(p.id for p in preds if p.id not in l1_matched)
    hits: list[tuple[MustNot, str]] = []
    unchecked: list[MustNot] = []
    for rule in rules:
        if not _checkable(rule):
            unchecked.append(rule)
            continue
        hits.extend((rule, p.id) for p in preds if must_not_hit(rule, p))
    return EvalReport(
        levels=levels,
        gold=len(gold_events),
        required=sum(g.required for g in gold_events),
        predicted=len(preds),
        extras=extras,
        must_not_hits=tuple(hits),
        must_not_unchecked=tuple(unchecked),
        geocoding=_geocoding(gold_events, preds, actors),
        must_not_total=len(rules),
        certainty=score_certainty(gold_events, preds, levels["L1"].pairs),
    )


def score_certainty(gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent],
                    pairs: Iterable[tuple[str, str]]) -> CertaintyScore:
    """Certainty (reported / claimed / unconfirmed) over matched (gold id, predicted id) pairs
    whose gold states one; a prediction without one counts as "reported", the record's default."""
    by_gold, by_pred = {g.id: g for g in gold}, {p.id: p for p in predicted}
    agree, checked, wrong = 0, 0, Counter()
    for gold_id, pred_id in pairs:
        expected = by_gold[gold_id].certainty
        if not expected:
            continue
        got = by_pred[pred_id].certainty or "reported"
        checked += 1
        if got == expected:
            agree += 1
        else:
            wrong[(expected, got)] += 1
    return CertaintyScore(checked, agree, tuple((g, p, n) for (g, p), n in sorted(wrong.items())))


def _checkable(rule: MustNot) -> bool:
    return bool({"sub_event_type", "location", "actor1", "location_in_text"} & set(rule.fields))


def _renamed(p: PredictedEvent, new_id: str) -> PredictedEvent:
    from dataclasses import replace

    return replace(p, id=new_id)


def evaluate_files(gold_path: str | Path, predicted: Iterable[PredictedEvent | Event | Mapping[str, Any]], *,
                   must_not_path: str | Path | None = None, resolver: Resolver | None | str = "default") -> EvalReport:
    """`evaluate` over a gold file; must-nots from `must_not_path`, else must_not.jsonl beside the gold."""
    gold_path = Path(gold_path)
    if must_not_path is None:
        beside = gold_path.with_name("must_not.jsonl")
        must_not_path = beside if beside.exists() else None
    rules = read_must_not(must_not_path) if must_not_path is not None else []
    return evaluate(read_gold(gold_path), predicted, must_not=rules, resolver=resolver)


def predict_documents(docs: str | Path | Sequence[str | Path], *, extractor: str | None = None,
                      **run_options: Any) -> list[Event]:
    """Run the pipeline over reports (one input or several, as `kharita run` takes them), merge
    off, into a throwaway SQLite store; its events. `extractor` names one of pipeline.EXTRACTORS
    (default: the configured one)."""
    import tempfile

    from kharita import pipeline
    from kharita.store import Store

    if extractor is not None:
        run_options["extractor"] = pipeline.default_extractor(extractor)
    with tempfile.TemporaryDirectory(prefix="kharita-eval-") as tmp:
        with Store.open(Path(tmp) / "eval.db") as store:
            inputs = [docs] if isinstance(docs, (str, Path)) else list(docs)
            summary = pipeline.run([str(d) for d in inputs], store, merge=False, **run_options)
            for source, reason in summary.skipped:
                log.warning("eval: report %s skipped: %s", source, reason)
            return list(store.iter_events())


__all__ = [
    "CertaintyScore",
    "EvalReport",
    "GeoScore",
    "GoldEvent",
    "LevelScore",
    "MustNot",
    "PredictedEvent",
    "evaluate",
    "evaluate_files",
    "gazetteer_resolver",
    "predict_documents",
    "read_gold",
    "read_must_not",
    "read_predicted",
    "score_certainty",
]
