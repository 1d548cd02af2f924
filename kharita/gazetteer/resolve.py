"""Resolve a document's place mentions together: each one in the light of the others.

Two passes. The first ranks every mention alone and lets the leaders vote for the country in
focus (a dateline place counts double). The second ranks again with that country and an anchor:
the last populated place resolved earlier in the same sentence, else the dateline place, else the
most-mentioned place of the focus country. A name keeps one resolution per document and cue, so
"Hesekê" means the same city each time.

A mention with a relation ("east of Hesekê", "near X", "the road between X and Y") stands for a
location beside the place: it resolves to the place at geo_precision 2. An unknown name found by
its cue word ("Maruf village") resolves to the relation's reference place that follows it in the
same sentence ("... east of Hesekê"), at geo_precision 2, or to nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from kharita.gazetteer.base import Candidate, Gazetteer
from kharita.gazetteer.recognize import PLACE_LABELS, Found
from kharita.models import Place, Toponym
from kharita.ontology import GeoPrecision

MIN_SCORE = 0.30          # below this a candidate is a guess, not a resolution
DATELINE_CHARS = 120      # a place named this close to the start is the dateline
_SENTENCE_END = re.compile(r"[.!?]\s")


def resolve_found(text: str, found: list[Found], gazetteer: Gazetteer, *,
                  country: str | None = None) -> tuple[list[Toponym], str | None]:
    """Toponyms for `found` mentions of `text`, and the country in focus."""
    if not found:
        return [], country
    first = {k: _best(gazetteer.candidates(f.text, cue=f.cue, limit=5)) for k, f in enumerate(found)
             if f.known}
    dateline = next((k for k, f in enumerate(found) if f.known and f.start < DATELINE_CHARS
                     and first.get(k) is not None), None)
    focus = country or _focus_country(found, first, dateline)
    anchor = _anchor(found, first, dateline, focus)
    chosen: dict[tuple[str, str], Candidate | None] = {}
    toponyms: list[Toponym] = []
    for k, f in enumerate(found):
        best = None
        if f.known:
            memo = (f.text, f.cue)
            if memo not in chosen:
                local = _local_anchor(text, toponyms, f)
                near = local if local is not None and local.feature_class == "P" else anchor
                country = local.country_code if local is not None else focus
                ranked = gazetteer.candidates(f.text, country=country, cue=f.cue, near=near, limit=5)
                chosen[memo] = _accept(ranked, f, focus)
            best = chosen[memo]
        toponyms.append(_toponym(f, best))
    toponyms = _unknown_by_relation(text, toponyms, found)
    return toponyms, focus


def _local_anchor(text: str, previous: list[Toponym], f: Found) -> Place | None:
    """The last place resolved earlier in the same sentence ("Qamishli's Hilaliyah neighbourhood",
    "In Iraq, ... near Kirkuk and in Sinjar"): a closer context than the document's anchor and
    country."""
    for t in reversed(previous):
        if _SENTENCE_END.search(text[t.end:f.start]):
            return None
        if t.place is not None:
            return t.place
    return None


def _best(ranked: list[Candidate]) -> Candidate | None:
    return ranked[0] if ranked else None


def _focus_country(found: list[Found], first: dict[int, Candidate | None], dateline: int | None) -> str | None:
    votes: Counter[str] = Counter()
    for k, cand in first.items():
        if cand is not None:
            votes[cand.place.country_code] += cand.score * (2 if k == dateline else 1)
    return votes.most_common(1)[0][0] if votes else None


def _anchor(found: list[Found], first: dict[int, Candidate | None], dateline: int | None,
            focus: str | None) -> Place | None:
    if dateline is not None:
        cand = first[dateline]
        if cand is not None and cand.place.country_code == focus and cand.place.feature_class == "P":
            return cand.place
    counts: Counter[str] = Counter()
    places: dict[str, Place] = {}
    for k, cand in first.items():
        if cand is not None and cand.place.country_code == focus and cand.place.feature_class == "P":
            counts[cand.place.key] += 1
            places[cand.place.key] = cand.place
    if not counts:
        return None
    key = max(counts, key=lambda c: (counts[c], places[c].population))
    return places[key]


def _accept(ranked: list[Candidate], f: Found, focus: str | None) -> Candidate | None:
    """The leader, if it is good enough; NER's PERSON/ORG vetoes a far-away namesake but never a
    place of the country in focus or a curated alias (Hasakah is a city, whatever NER says)."""
    if not ranked or ranked[0].score < MIN_SCORE:
        return None
    best = ranked[0]
    if f.label and f.label not in PLACE_LABELS and not (
            best.match == "alias" or best.match == "exact" and best.place.country_code == focus):
        return None
    return best


def _toponym(f: Found, best: Candidate | None) -> Toponym:
    if best is None:
        return Toponym(f.start, f.end, f.text, None, 0.0, cue=f.cue, relation=f.relation)
    place = best.place
    if f.relation and place.precision == GeoPrecision.PLACE:
        place = replace(place, precision=GeoPrecision.NEAR)
    elif f.cue == "countryside" and place.precision == GeoPrecision.PLACE:
        place = replace(place, precision=GeoPrecision.NEAR)           # "Ain Issa countryside"
    elif f.cue in ("region", "province", "governorate") and place.feature_class != "A":
        place = replace(place, precision=GeoPrecision.REGION)
    return Toponym(f.start, f.end, f.text, place, best.score, cue=f.cue, relation=f.relation)


def _unknown_by_relation(text: str, toponyms: list[Toponym], found: list[Found]) -> list[Toponym]:
    """"Maruf village ... east of Hesekê": an unknown cue-named place takes the reference place
    of the next relation in its sentence, at geo_precision 2."""
    out = list(toponyms)
    for k, (t, f) in enumerate(zip(toponyms, found)):
        if f.known or t.place is not None:
            continue
        for later in toponyms[k + 1:]:
            if _SENTENCE_END.search(text[t.end:later.start]):
                break
            if later.relation and later.place is not None:
                place = replace(later.place, precision=GeoPrecision.NEAR)
                out[k] = replace(t, place=place, score=later.score * 0.8,
                                 relation=f"{later.relation} {later.text}")
                break
    return out


def group_by_place(toponyms: list[Toponym]) -> dict[str, list[Toponym]]:
    groups: dict[str, list[Toponym]] = defaultdict(list)
    for t in toponyms:
        if t.place is not None:
            groups[t.place.key].append(t)
    return dict(groups)
