"""Resolve a document's place mentions together: each one in the light of the others.

Two passes. The first ranks every mention alone and lets the leaders vote for the country in
focus (a dateline place counts double). The second ranks again with that country and an anchor:
the last populated place resolved earlier in the same sentence, else the dateline place, else the
most-mentioned place of the focus country. A name keeps one resolution per document and cue, so
"Hesekê" means the same city each time.

The country in focus gates the rest. A report about Myanmar that says "Burmese" and "Myanmar"
must not put events at a Turkish village that shares a name with an English word, so a candidate
outside the focus country resolves only with evidence: its own country named in the text (by
name or nationality word, `demonyms.yaml`), or a notable place (a country, a city of 100,000 or
more) by its exact name; a division abroad needs its country named ("Northwest" is not Iceland's); between the neighbours of the embedded region (Syria, Iraq,
Turkey and their neighbours) the full gazetteer applies as before.

A mention with a relation ("east of Hesekê", "near X", "the road between X and Y") stands for a
location beside the place: it resolves to the place at geo_precision 2. An unknown name found by
its cue word ("Maruf village") resolves to the relation's reference place that follows it in the
same sentence ("... east of Hesekê"), at geo_precision 2, or to nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import yaml

from kharita.gazetteer.base import Candidate, Gazetteer
from kharita.gazetteer.normalize import fold
from kharita.gazetteer.recognize import ACTOR_LABEL, PLACE_LABELS, Found
from kharita.models import Place, Toponym
from kharita.gazetteer.build import SKELETON_COUNTRIES
from kharita.gazetteer import ranking
from kharita.gazetteer.ranking import place_distance_km
from kharita.ontology import GeoPrecision

MIN_SCORE = 0.30          # below this a candidate is a guess, not a resolution
DATELINE_CHARS = 120      # a place named this close to the start is the dateline
_SENTENCE_END = re.compile(r"[.!?]\s")
DEMONYMS = Path(__file__).resolve().parents[1] / "data" / "demonyms.yaml"
COUNTRY_WEIGHT = 1.5      # a country named (by name or nationality word) votes like this, per mention
COUNTRY_VOTES = 3         # ... for at most this many mentions ("US-led" ten times is one story)
NOTABLE_POPULATION = 100_000
DEMONYM_SHARE = 0.3       # "Russian strikes on Idlib": a nationality word names a party more often than the place
DEMONYM_MOST = 2 * DEMONYM_SHARE   # "Turkish forces ... Turkish drones ... the Turkish post": one party, told often
LOOSE_VOTE = 0.4          # a place found only by a loose spelling ("Belo" for Bello) votes less
REPEAT_VOTE = 0.25        # each repetition of a name adds a quarter of its vote (at most double)
#: The embedded region, where the gazetteer holds every village: neighbours name each other's places.
REGION = SKELETON_COUNTRIES


_LANGUAGE_AFTER = re.compile(r"[\s-]+(?:accents?|language|languages|speaking|speakers?|-speaking|dialect|"
                             r"translation|subtitles|version|words?|name|names|media|press|newspapers?)\b", re.I)
_LANGUAGE_BEFORE = re.compile(r"\b(?:speak|speaks|speaking|spoke|in|into|from)\s+$", re.I)


@lru_cache(maxsize=1)
def _demonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    data = yaml.safe_load(DEMONYMS.read_text(encoding="utf-8"))
    words = {str(w).lower(): cc for cc, names in data.items() for w in names}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternation})(?![\w-])", re.IGNORECASE), words


def named_countries(text: str, found: list[Found] | None = None,
                    first: dict[int, Candidate | None] | None = None,
                    named_by: list[tuple[int, int]] | None = None) -> Counter[str]:
    """How often each country is named in `text`: its nationality words ("Burmese", "Nigerian
    troops") outside the actor names `named_by` covers, plus the mentions in `found` that resolve
    to a country itself."""
    pattern, words = _demonym_pattern()
    people: Counter[str] = Counter()
    for m in pattern.finditer(text):
        if _LANGUAGE_AFTER.match(text, m.end()) or _LANGUAGE_BEFORE.search(text, 0, m.start()):
            continue                          # "a French accent", "speaking Arabic": a language, not a country
        if any(a <= m.start() < b for a, b in named_by or ()):
            continue                          # "Lebanese Hezbollah": the actor's home votes already
        people[words[m.group(1).lower()]] += DEMONYM_SHARE
    counts: Counter[str] = Counter()
    for k, cand in (first or {}).items():
        if cand is not None and cand.place.feature_code.startswith("PCL"):
            if found is not None and not _LOCATIVE.search(text, 0, found[k].start):
                people[cand.place.country_code] += DEMONYM_SHARE   # "Russia denied", "France's troops": a party
            else:
                counts[cand.place.country_code] += 1               # "in Syria", "Kabul, Afghanistan": a place
    # a nationality word names a party; told ten times it is still one party, not ten places
    for cc, share in people.items():
        counts[cc] += min(share, DEMONYM_MOST)
    return counts


#: What comes before a country named as where something is, not who did it: a locative
#: preposition, a compass adjective ("northern Syria"), or the comma of a dateline or a wire
#: chain ("KABUL, Afghanistan", "Maiduguri, Borno, Nigeria").
_LOCATIVE = re.compile(r"(?:\b(?:in|inside|across|throughout|within|into|near|around|at|all over|"
                       r"(?:north|south|east|west|centr|north-?east|north-?west|south-?east|south-?west)(?:ern|al))"
                       r"|,)\s*(?:the\s+)?$", re.I)


def resolve_found(text: str, found: list[Found], gazetteer: Gazetteer, *, country: str | None = None,
                  evidence: dict[str, float] | None = None,
                  named_by: list[tuple[int, int]] | None = None) -> tuple[list[Toponym], str | None]:
    """Toponyms for `found` mentions of `text`, and the country in focus (`evidence` and `named_by`
    as in `geoparse_with_focus`)."""
    if not found:                             # no place named: its people or parties still say the country
        named = named_countries(text, named_by=named_by)
        for cc, weight in (evidence or {}).items():
            named[cc] += weight
        return [], country or (named.most_common(1)[0][0] if named else None)
    alone = {k: gazetteer.candidates(f.text, cue=f.cue, limit=5) for k, f in enumerate(found)
             if f.known and f.label != ACTOR_LABEL}
    first = {k: _best(ranked) for k, ranked in alone.items()}
    dateline = next((k for k, f in enumerate(found) if f.known and f.start < DATELINE_CHARS
                     and first.get(k) is not None), None)
    named = named_countries(text, found, first, named_by)
    chains = wire_chains(text, found, gazetteer)
    for town, _division in chains.values():
        named[town.place.country_code] += 1          # a town in its province names the country
    for cc, weight in (evidence or {}).items():
        named[cc] += weight
    focus = country or _focus_country(alone, found, dateline, named)
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
                chosen[memo] = _accept(ranked, f, focus, named)
            best = chosen[memo]
        toponyms.append(_toponym(f, best))
    toponyms = _apply_chains(found, toponyms, chains)
    toponyms = _unknown_by_relation(text, toponyms, found)
    return toponyms, focus


_CHAIN_GAP = re.compile(r"^\s*,\s*$")


def wire_chains(text: str, found: list[Found], gazetteer: Gazetteer) -> dict[int, tuple[Candidate, Candidate]]:
    """"Kirkuk, At Ta'mim, Iraq", "Maiduguri, Borno state": a place followed by a comma and the
    division it is in, by the index of the place: (the place of that name inside the division, the
    division), even when a namesake elsewhere is bigger. Such a pair also says which country the
    report is about."""
    chains: dict[int, tuple[Candidate, Candidate]] = {}
    for k in range(len(found) - 1):
        city, unit = found[k], found[k + 1]
        if not (city.known and unit.known) or not _CHAIN_GAP.match(text[city.end:unit.start]):
            continue
        units = [c for c in gazetteer.candidates(unit.text, cue="province", limit=10)
                 if c.place.feature_code in ("ADM1", "ADM2")]
        if not units:
            continue
        towns = gazetteer.candidates(city.text, cue=city.cue, limit=10)
        pairs = [(t, u) for u in units for t in towns
                 if t.place.country_code == u.place.country_code and t.place.key != u.place.key
                 and u.place.name in (t.place.admin1, t.place.admin2)]
        if pairs:
            chains[k] = max(pairs, key=lambda p: p[0].score + p[1].score)
    return chains


def _apply_chains(found: list[Found], toponyms: list[Toponym], chains: dict[int, tuple[Candidate, Candidate]]
                  ) -> list[Toponym]:
    out = list(toponyms)
    for k, (town, division) in chains.items():
        out[k] = _toponym(found[k], town)
        unit = found[k + 1]
        out[k + 1] = _toponym(replace(unit, cue=unit.cue or "province"), division)
    return out


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


def _focus_country(alone: dict[int, list[Candidate]], found: list[Found], dateline: int | None,
                   named: Counter[str] | None = None) -> str | None:
    """The country most of the report's places are in. Each distinct name votes once (a repeated
    name a little more, the dateline double); its vote goes in full to its best country and, scaled
    by how close they come, to the others its candidates are in ("Belo" is in Colombia, Madagascar
    and Cameroon; "Fundong" only in Cameroon); a loose spelling votes less; a country named
    outright (or by its people) weighs in too."""
    by_name: dict[str, dict[str, float]] = {}
    repeats: Counter[str] = Counter()
    for k, ranked in alone.items():
        if any(c.place.feature_code.startswith("PCL") and c.match in ("alias", "exact") for c in ranked):
            continue                                   # a country's name (counted in `named`), not its namesakes'
        weights: dict[str, float] = {}
        compass = _compass_name(found[k].text)
        for cand in ranked:
            if cand.place.feature_code.startswith("PCL"):
                continue                               # counted in `named`
            quality = 1.0 if cand.match in ("alias", "exact") and not compass and not short_variant(cand) else LOOSE_VOTE
            if cand.place.feature_code == "ADM1" and cand.match in ("alias", "exact") \
                    and found[k].cue in ("state", "province", "governorate", "region"):
                quality = DIVISION_VOTE               # "Benue State": the text says it is the division
            cc = cand.place.country_code
            weights[cc] = max(weights.get(cc, 0.0), cand.score * quality * (2 if k == dateline else 1))
        if not weights:
            continue
        name = fold(found[k].text)
        repeats[name] += 1
        kept = by_name.setdefault(name, {})
        for cc, w in weights.items():
            kept[cc] = max(kept.get(cc, 0.0), w)
    votes: Counter[str] = Counter()
    for name, weights in by_name.items():
        top = max(weights.values())
        bonus = min(2.0, 1.0 + REPEAT_VOTE * (repeats[name] - 1))
        for cc, w in weights.items():
            votes[cc] += bonus * w * (w / top)
    for cc, n in (named or Counter()).items():
        votes[cc] += COUNTRY_WEIGHT * min(n, COUNTRY_VOTES)
    return votes.most_common(1)[0][0] if votes else None


#: Words of a region named only by its bearing ("Northwest", "the Far North", "South-West"): such
#: names exist in many countries, so they say little of which one a report is about.
_COMPASS_WORDS = frozenset("north south east west northeast northwest southeast southwest far upper lower "
                           "middle central centre center northern southern eastern western region".split())


def _compass_name(text: str) -> bool:
    words = re.findall(r"[a-z]+", fold(text))
    return bool(words) and all(w in _COMPASS_WORDS for w in words)


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


def _accept(ranked: list[Candidate], f: Found, focus: str | None,
            named: Counter[str] | None = None) -> Candidate | None:
    """The leader that the focus country admits (see `admitted`), if it is good enough; NER's
    PERSON/ORG vetoes a far-away namesake but never a place of the country in focus or a curated
    alias (Hasakah is a city, whatever NER says)."""
    ranked = [c for c in ranked if admitted(c, focus, named or Counter())]
    if f.cue in ("state", "county", "province", "governorate"):   # "Gwinnett County" is no Egyptian village
        ranked = [c for c in ranked if c.place.feature_class == "A" or c.match in ("alias", "exact")]
    if f.label == ACTOR_LABEL:                # an actor's name is a place only by the place's own name
        ranked = [c for c in ranked if c.match == "alias" or fold(c.place.name) == fold(f.text)]
    if not ranked or ranked[0].score < MIN_SCORE:
        return None
    best = _town_over_district(ranked, f)
    if f.label and f.label not in PLACE_LABELS and not (
            best.match == "alias" or best.match == "exact" and best.place.country_code == focus):
        return None
    return best


UNIT_CUES = {"district", "region", "province", "governorate", "countryside", "county", "state"}
TOWN_OVER_UNIT_KM = 40.0
TOWN_MARGIN = 0.15
SMALL_TOWN = 50_000       # a first-level division outranks a smaller place of its name
TOWN_CUES = {"village", "town", "city", "neighbourhood", "quarter"}


def _town_over_district(ranked: list[Candidate], f: Found) -> Candidate:
    """"Tal Abiad" is the town, not the district named after it, unless the text says district: a
    populated place close to the leading second- or third-level division of its name, and nearly
    as good a match, wins. A province named alone ("Salah ad Din", "Diyala") is the province, not
    a village that shares its name, unless the text says village or town."""
    best = ranked[0]
    if best.place.feature_class == "P" and best.place.population < SMALL_TOWN and f.cue not in TOWN_CUES:
        for cand in ranked[1:]:            # "Salah ad Din" is the province, not a hamlet of its name
            if cand.place.feature_code == "ADM1" and cand.match in ("alias", "exact") \
                    and cand.place.country_code == best.place.country_code \
                    and cand.score >= best.score - TOWN_MARGIN - ranking.WEIGHTS["near"]:   # near itself
                return cand
    if f.cue in UNIT_CUES or best.place.feature_code not in ("ADM2", "ADM3"):
        return best
    for cand in ranked[1:]:
        if cand.place.feature_class == "P" and cand.score >= best.score - TOWN_MARGIN \
                and place_distance_km(cand.place, best.place) <= TOWN_OVER_UNIT_KM:
            return cand
    return best


def admitted(cand: Candidate, focus: str | None, named: Counter[str]) -> bool:
    """Whether a candidate may resolve in a report about `focus`: a place of that country, of a
    country the report names, of the embedded region when the report is about it, or a notable
    place called by its exact name or a curated alias."""
    place = cand.place
    cc = place.country_code
    if focus is None or cc == focus or named.get(cc):
        return True
    if focus in REGION and cc in REGION:
        return True
    notable = place.feature_code.startswith("PCL") or place.feature_class == "P" and \
        place.population >= NOTABLE_POPULATION
    return notable and cand.match in ("alias", "exact") and not short_variant(cand)


#: A first-level division named with its own word ("Benue State", "Nangarhar province") votes this
#: much more than a bare name: the cue confirms what it is, where a town's name may be anyone's.
DIVISION_VOTE = 2.0

#: A variant name this short ("Loh" for Loja, "Ndu" for Rundu) is as likely a word, a nickname
#: or a local place the gazetteer lacks: it neither admits a foreign place nor votes in full.
SHORT_NAME = 3


def short_variant(cand: Candidate) -> bool:
    """Matched by a GeoNames variant of at most SHORT_NAME letters, not its own name or a curated alias."""
    matched = fold(cand.matched_name)
    return cand.match == "exact" and len(matched.replace(" ", "")) <= SHORT_NAME and matched != fold(cand.place.name)


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
