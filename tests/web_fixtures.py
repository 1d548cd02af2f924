"""What the API and browser tests share: a small corpus of reports and events, and a real
uvicorn server on a free 127.0.0.1 port, run in a thread."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from kharita.models import Actor, Document, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, SubEventType

IS = Actor("Islamic State", ActorType.REBEL_GROUP, "SY")
SAA = Actor("Military Forces of Syria", ActorType.STATE_FORCES, "SY")
YPG = Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY")
CIVILIANS = Actor("Civilians (Syria)", ActorType.CIVILIANS, "SY")

HASAKAH = Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811, feature_code="PPLA", admin1="al-Hasakah")
QAMISHLI = Place("Qamishli", "SY", 37.0522, 41.2317, geonameid=173576, feature_code="PPL", admin1="al-Hasakah")
RAQQA = Place("Raqqa", "SY", 35.9528, 39.0079, geonameid=172955, feature_code="PPLA", admin1="ar-Raqqah")
MOSUL = Place("Mosul", "IQ", 36.3350, 43.1189, geonameid=99072, feature_code="PPLA", admin1="Nineveh")
PANORAMA = Place("al-Hasakah - Panorama", "SY", 36.4800, 40.7600, admin1="al-Hasakah", approximate=True,
                 source="alias:test")

#: Report text is untrusted: this one carries markup that must never run in the map.
HOSTILE = ('<script>window.__kharita_pwned = "script"</script> Islamic State fighters '
           '<img src=x onerror="window.__kharita_pwned = \'img\'"> captured Raqqa on Sunday.')


def _span(text: str, needle: str, field: str, start: int = 0) -> Evidence:
    at = text.index(needle, start)
    return Evidence(field, at, at + len(needle), needle)


def _doc(text: str, **fields: object) -> Document:
    return Document.from_text(text, **fields)


@dataclass
class Corpus:
    documents: list[Document]
    events: list[Event]
    by_document: dict[str, list[Event]]


def make_corpus() -> Corpus:
    """Three reports and the events coded from them, spread over dates, types and places.

    Report 1 (ANF, July 2015) is about al-Hasakah; report 2 (a wire, 2016-2017) is a list of
    dated events; report 3 is hostile markup. Evidence offsets point into each report's text."""
    text1 = ("Hasakah (ANF) – ISIS gangs had occupied Panorama without a fight after the muqannains "
             "switched sides. YPG fighters clashed with ISIS in Hasakah city on Thursday, killing 12. "
             "Regime soldiers shelled the Ghuwayran district.")
    doc1 = _doc(text1, external_id="anf-1", url="http://example.org/anf-1", outlet="ANF",
                title="Kurds defend Hasakah", published=dt.date(2015, 7, 9))
    src = lambda doc, *spans, **kw: Source(  # noqa: E731 - a tiny local helper reads best inline
        document_id=doc.id, external_id=doc.external_id, url=doc.url, outlet=doc.outlet, title=doc.title,
        published=doc.published, evidence=tuple(spans), **kw)
    events: dict[str, list[Event]] = {doc1.id: [
        Event("ev-panorama", SubEventType.NON_VIOLENT_TRANSFER, dt.date(2015, 7, 9), IS, PANORAMA,
              territory=Territory(PANORAMA.name, IS.name, "Military Forces of Syria"),
              sources=(src(doc1, _span(text1, "occupied", "trigger"), _span(text1, "ISIS gangs", "actor1"),
                           _span(text1, "Panorama", "location")),),
              notes="IS took Panorama without a fight."),
        Event("ev-hasakah-clash", SubEventType.ARMED_CLASH, dt.date(2015, 7, 9), YPG, HASAKAH, actor2=IS,
              fatalities=12, fatalities_low=12, fatalities_best=12, fatalities_high=12,
              sources=(src(doc1, _span(text1, "clashed", "trigger"), _span(text1, "YPG fighters", "actor1"),
                           _span(text1, "ISIS", "actor2", text1.index("clashed")),
                           _span(text1, "Hasakah city", "location"), _span(text1, "12", "fatalities")),),
              notes="YPG and IS clash in al-Hasakah city."),
        Event("ev-hasakah-shelling", SubEventType.SHELLING, dt.date(2015, 7, 10), SAA, HASAKAH,
              certainty=Certainty.CLAIMED,
              sources=(src(doc1, _span(text1, "shelled", "trigger"), _span(text1, "Regime soldiers", "actor1"),
                           certainty=Certainty.CLAIMED),)),
    ]}
    docs = [doc1]

    lines, wire = [], []
    plan = [
        (dt.date(2016, 3, 1), SubEventType.AIR_DRONE_STRIKE, SAA, RAQQA, Certainty.REPORTED),
        (dt.date(2016, 3, 15), SubEventType.ARMED_CLASH, YPG, QAMISHLI, Certainty.UNCONFIRMED),
        (dt.date(2016, 6, 2), SubEventType.PEACEFUL_PROTEST, CIVILIANS, QAMISHLI, Certainty.REPORTED),
        (dt.date(2016, 10, 17), SubEventType.ARMED_CLASH, IS, MOSUL, Certainty.CLAIMED),
        (dt.date(2016, 11, 1), SubEventType.SUICIDE_BOMB, IS, MOSUL, Certainty.REPORTED),
        (dt.date(2017, 1, 20), SubEventType.GOVERNMENT_REGAINS_TERRITORY, SAA, HASAKAH, Certainty.REPORTED),
        (dt.date(2017, 6, 6), SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, YPG, RAQQA, Certainty.CLAIMED),
        (dt.date(2017, 7, 9), SubEventType.ARRESTS, SAA, HASAKAH, Certainty.REPORTED),
    ]
    for i, (day, sub, actor, place, certainty) in enumerate(plan):
        lines.append(f"On {day.isoformat()} {actor.name} were involved in a {sub.value.lower()} in {place.name}.")
    text2 = "\n".join(lines)
    doc2 = _doc(text2, external_id="wire-1", url="https://example.org/wire", outlet="Wire",
                title="A year of events", published=dt.date(2017, 7, 10))
    start = 0
    for i, (day, sub, actor, place, certainty) in enumerate(plan):
        line_at = text2.index(day.isoformat(), start)
        start = line_at
        territory = Territory(place.name, actor.name) if "territory" in sub.value else None
        wire.append(Event(
            f"ev-wire-{i:02d}", sub, day, actor, place, certainty=certainty, territory=territory,
            sources=(src(doc2, _span(text2, day.isoformat(), "date", line_at), _span(text2, actor.name, "actor1", line_at),
                         _span(text2, place.name, "location", line_at), certainty=certainty),),
            notes=f"{sub.value} in {place.name}."))
    docs.append(doc2)
    events[doc2.id] = wire

    doc3 = _doc(HOSTILE, external_id='<b id="x">hostile</b>', url="javascript:window.__kharita_pwned='href'",
                outlet='<img src=x onerror="window.__kharita_pwned=\'outlet\'">',
                title="<script>window.__kharita_pwned='title'</script>", published=dt.date(2017, 7, 9))
    hostile_place = Place('<img src=x onerror="window.__kharita_pwned=\'place\'">', "SY", 35.95, 39.05)
    events[doc3.id] = [Event(
        "ev-hostile", SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, dt.date(2017, 7, 9),
        Actor("<script>window.__kharita_pwned='actor'</script>", ActorType.REBEL_GROUP, "SY", new=True),
        hostile_place, notes='<img src=x onerror="window.__kharita_pwned=\'notes\'">',
        sources=(src(doc3, _span(HOSTILE, "captured", "trigger"),
                     _span(HOSTILE, "<img src=x onerror=\"window.__kharita_pwned = 'img'\">", "actor1"),
                     _span(HOSTILE, "<script>", "location")),))]
    docs.append(doc3)
    flat = [e for doc in docs for e in events[doc.id]]
    return Corpus(docs, flat, events)


def fill_store(store, corpus: Corpus) -> None:  # type: ignore[no-untyped-def]
    for doc in corpus.documents:
        store.write_document(doc, corpus.by_document[doc.id])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1 in a daemon thread; `url` is its root."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

