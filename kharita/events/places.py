"""Where a trigger happened: its own places, else the nearest unit the text gives.

The places of a trigger are those in its clause (one event each), landmarks ("east of X") and roads
set aside; else the sentence's unclaimed places, "the city" or "here" by reference, the report's main
place. An event whose place does not resolve at all takes the country in focus at geo_precision 3
(`fallback_place`), as ACLED codes an event known only to its country.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Span

from kharita.events import arguments as A
from kharita.events.drafts import Context
from kharita.models import Toponym
from kharita.ontology import GeoPrecision


CITY_WORDS = re.compile(r"\b(?:the|this) (?:city|town)(?: cent(?:er|re))?\b|\bcity cent(?:er|re)\b|"
                        r"\bdowntown\b", re.I)


DEICTIC_WORDS = re.compile(r"\b(?:here|there|the (?:village|area|neighbou?rhood|district|hill|camp|base|site|"
                           r"region|spot|scene|road|bridge))\b(?! of\b)", re.I)


DESTINATION_BEFORE = re.compile(r"\b(?:to|towards|toward|into|for|reached|reaching)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)


_DATELINE = re.compile(r"^[^\n.]{0,80}?(?:\([^)]{1,40}\)\s*)?[-\u2013\u2014]{1,2}\s")
#: ... or without a dash: a place of a few capitalised words and the agency in brackets, then
#: the story ("Kabul (BNA) As many as ...", "Qala-e-Naw (BNA) Two ...").
_DATELINE_NO_DASH = re.compile(r"^\s*[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,3}[ \t]*\([A-Z][A-Za-z]{1,11}\)[ \t]+(?=[A-Z0-9])")


def dateline_end(text: str) -> int:
    """Where a report's dateline ("BAGHDAD (Reuters) - ", "Hasakah (ANF) – ", "Kabul (BNA) ")
    ends; 0 when none. A dateline is names, a date and an agency: a longer lower-case word before
    the dash ("The Congolese military forces (FARDC) clashed with the Nyatura - ...") is a sentence."""
    match = _DATELINE.match(text) or _DATELINE_NO_DASH.match(text)
    if match is None or any(len(w) > 3 for w in _LOWER_WORD.findall(text, 0, match.end())):
        return 0
    return match.end()


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")


RECENT_CHARS = 250        # a place named this close before a placeless sentence is still its scene


def choose_places(hit: A.Hit, sent: Span, ctx: Context, s_places: list[Toponym], clause_of_hit: dict[int, int],
            offset: int) -> tuple[list[Toponym | None], bool, bool]:
    """The places of a trigger: those in its clause (one event each), landmarks ("east of X") and
    roads ("the road to X": the report's main place, near) set aside; else the sentence's unclaimed
    places, the last place named, the report's main place."""
    text = sent.doc.text
    clause = clause_of_hit[hit.head.i]
    if hit.klass == "DISPLACE":                # "fled towards Hesekê": where they went, not where from
        s_places = [t for t in s_places if not DESTINATION_BEFORE.search(text[max(0, t.start - offset - 25):
                                                                              t.start - offset])]
    s_places = [t for t in s_places if not A.is_acting(t, hit.head, offset)
                and not A.is_victim_name(t, hit.head, hit.klass, offset)]
    own = A.toponyms_in_clause(hit.head, s_places, offset)
    if not own and hit.head.dep_ == "conj" and hit.head.head.pos_ == "VERB":
        own = A.toponyms_in_clause(hit.head.head, s_places, offset)   # "looted shops in X and burned houses"
    if hit.head.pos_ == "NOUN" and not own:
        gov = A.clause_head(hit.head)
        own = [t for t in s_places if clause_of(sent, t, offset) == gov.i]
    head_clause = sent.doc[clause]
    if not own and head_clause.dep_ == "relcl":      # "... in the Nashwa neighbourhood, where X killed 12"
        noun = head_clause.head
        own = [t for t in s_places if any(noun.idx <= t.start - offset < noun.idx + len(noun) or
                                          tok.idx <= t.start - offset < tok.idx + len(tok)
                                          for tok in noun.subtree if tok.i < head_clause.i)]
        own = own[-1:]
    roads = [t for t in own if A.is_road(t, text, offset)]
    refs = [t for t in own if t not in roads and (A.is_reference(t, text, offset) or _contained(t, own, text, offset))]
    main = [t for t in own if t not in roads and t not in refs]
    main = [_namesake_outside(t, refs, text, offset) or t for t in main]
    if main:
        return _dedupe_places(main), False, False
    if roads:
        return [ctx.focus or roads[0]], True, True
    others = {i for h, i in clause_of_hit.items() if i != clause}
    free = [t for t in s_places if clause_of(sent, t, offset) not in others
            and not A.is_road(t, text, offset) and not A.is_reference(t, text, offset)
            and not _contained(t, s_places, text, offset)]
    if free:
        return _dedupe_places(free[:1]), False, False
    if refs:
        return [refs[0]], True, False
    clause_text = sent.text
    if CITY_WORDS.search(clause_text) and ctx.focus is not None:
        return [ctx.focus], False, False
    if DEICTIC_WORDS.search(clause_text) and ctx.last_place is not None:
        return [ctx.last_place], False, False
    recent = ctx.last_place
    if recent is not None and recent.place is not None and recent.place.feature_class == "P" \
            and 0 <= hit.span.start_char + offset - recent.end <= RECENT_CHARS:
        return [recent], False, False        # a sentence that goes on about the place just named
    return [ctx.focus or ctx.last_place], False, False      # the place fallback: see fallback_place


_CONTAINER = re.compile(r"^[^.;]{0,60}\b(?:in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:(?:city|town|province|"
                        r"governorate|region|district|countryside)\s+of\s+(?:the\s+)?)?$", re.I)


#: "Town, Province": a place after a comma (and a place word) is where the one before it is ...
_CHAIN = re.compile(r"^(?:\s+(?:town|city|village|district|municipality|township|county|province))?\s*,\s*$", re.I)
#: ... unless a list goes on after it ("in Aleppo, Idlib and Hama").
_LIST_GOES_ON = re.compile(r"\s*(?:,\s*\w|and\b|or\b|&)", re.I)


_COORDINATION = re.compile(r"\b(?:and|or)\b|,\s*(?:and\s+)?$", re.I)


def _contained(top: Toponym, places: list[Toponym], text: str, offset: int) -> bool:
    """"Kafr Nabl in the southern countryside of Idlib", "Hesh, in Idlib province": the second place
    only says where the first one is."""
    for other in places:
        if other.end <= top.start and top.start - other.end < 60:
            between = text[other.end - offset:top.start - offset]
            if _CONTAINER.match(between) and not _COORDINATION.search(between):
                return True
            if _CHAIN.match(between) and top.place is not None and (
                    top.place.feature_class == "A" or not _LIST_GOES_ON.match(text, top.end - offset)):
                return True                   # "near Bafia, Cameroon", "in Buenavista town, Agusan del Norte."
    return False


def _namesake_outside(top: Toponym, refs: list[Toponym], text: str, offset: int) -> Toponym | None:
    """"Ndu, in the North West Region": a town the gazetteer placed in another province (or
    country) than the one the text puts it in is a namesake; the province named is where it was."""
    if top.place is None or top.place.feature_class == "A":
        return None
    for ref in refs:
        unit = ref.place
        if unit is not None and unit.feature_code == "ADM1" and _contained(ref, [top], text, offset) and (
                unit.country_code != top.place.country_code or top.place.admin1 and top.place.admin1 != unit.admin1):
            return ref
    return None


def clause_of(sent: Span, top: Toponym, offset: int) -> int:
    span = sent.doc.char_span(top.start - offset, top.end - offset, alignment_mode="expand")
    return A.clause_head(span.root).i if span is not None else -1


def _dedupe_places(places: list[Toponym]) -> list[Toponym | None]:
    """One event per distinct place, a unit that only contains another named place dropped
    ("Zacatecas, Mexico", "Maiduguri, Borno state": the town is the event's place)."""
    seen: set[str] = set()
    out: list[Toponym | None] = []
    for top in places:
        if any(_contains(top, other) for other in places if other is not top):
            continue
        key = top.place.key if top.place is not None else top.text
        if key not in seen:
            seen.add(key)
            out.append(top)
    return out


def _contains(unit: Toponym, inner: Toponym) -> bool:
    """Whether `unit` is a country or division that `inner` lies in."""
    a, b = unit.place, inner.place
    if a is None or b is None or a.country_code != b.country_code or a.key == b.key:
        return False
    if a.feature_code.startswith("PCL"):
        return not b.feature_code.startswith("PCL")
    if a.feature_code == "ADM1":
        return b.feature_code != "ADM1" and b.admin1 == a.admin1
    if a.feature_code == "ADM2":
        return b.feature_class == "P" and b.admin2 == a.name
    return False


def fallback_place(ctx: Context) -> Toponym | None:
    """Where an event goes when the text names no place that resolves: the country in focus, at
    geo_precision 3, as ACLED codes an event known only to its country."""
    if ctx.country_place is None:
        return None
    place = ctx.country_place
    return Toponym(0, 0, "", replace(place, precision=GeoPrecision.REGION), 0.1)
