"""The merge-and-control scenario (issue 5): ten short reports, written for this test, of four weeks
in the districts of al-Hasakah, August 2016 (tests/data/scenario/README.md tells the story).

Three outlets report the YPG's capture of Ghuwayran on August 2, with three spellings (Ghuwayran,
Wiran, Ghweiran) and three tolls (12, 15, 20); two outlets report the army retaking it on August 14;
the YPG takes Nashwa without a fight on August 9, fighting follows there on August 16 and a report
says the regime has NOT recaptured it; the YPG and the army each claim Aziziyah a day apart; the army
hands Ghuwayran back to the YPG on August 28. The gold events (gold.jsonl) are what a careful
coder gets from each report.

Two layers: the gold events through the real pipeline, store, merge and control (what this stage
promises whatever the coder does), then the real event coder end to end. Both must give exactly
the counts and the control answers below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from kharita import pipeline
from kharita.actors import ActorDictionary
from kharita.control import control_at, history
from kharita.gazetteer import load_default as load_gazetteer
from kharita.models import Actor, Document, Event, Evidence, Source, Territory
from kharita.ontology import Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.store import Store

pytestmark = pytest.mark.issue(5)

DATA = Path(__file__).parent / "data" / "scenario"
REPORTS = DATA / "reports.jsonl"
SEED = Path(__file__).resolve().parents[1] / "examples" / "seed" / "report.jsonl"

YPG = "YPG: People's Protection Units"
ARMY = "Military Forces of Syria (2000-)"
IS = "Islamic State"
GHUWAYRAN, NASHWA, AZIZIYAH = "al-Hasakah - Ghuwayran", "al-Hasakah - Nashwa", "al-Hasakah - Aziziyah"

UNMERGED_EVENTS = 11     # one per gold line
MERGED_EVENTS = 8        # the capture of Ghuwayran told three times, its recapture twice

#: Who holds what, and whether it is contested, on five dates (the story's answers).
CONTROL = {
    dt.date(2016, 8, 5): {GHUWAYRAN: (YPG, False)},
    dt.date(2016, 8, 12): {GHUWAYRAN: (YPG, False), NASHWA: (YPG, False)},
    dt.date(2016, 8, 18): {GHUWAYRAN: (ARMY, False), NASHWA: (YPG, True)},          # fighting on the 16th
    dt.date(2016, 8, 24): {GHUWAYRAN: (ARMY, False), NASHWA: (YPG, True),
                           AZIZIYAH: (ARMY, True)},                                  # claims a day apart
    dt.date(2016, 9, 2): {GHUWAYRAN: (YPG, False), NASHWA: (YPG, False),             # the front quiet 17 days
                          AZIZIYAH: (ARMY, True)},
}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class GoldExtractor:
    """An Extractor that gives each report its gold events, coded as the coder would record them:
    the place from the gazetteer, the actors from the dictionary, the place words as evidence."""

    def __init__(self, gold: Iterable[dict]) -> None:
        self.by_report: dict[str, list[dict]] = {}
        for row in gold:
            self.by_report.setdefault(row["report"], []).append(row)
        self.gazetteer = load_gazetteer()
        self.actors = ActorDictionary.default()

    def actor(self, name: str | None, day: dt.date) -> Actor | None:
        if name is None:
            return None
        entry = self.actors.get(name, day)
        assert entry is not None, f"{name!r} is not in the actor dictionary"
        return Actor(entry.name, entry.actor_type, entry.country or "")

    def event(self, doc: Document, row: dict) -> Event:
        day = dt.date.fromisoformat(row["date"])
        (best, *_) = self.gazetteer.candidates(row["location"], country="SY")
        place = dataclasses.replace(best.place, precision=GeoPrecision(row["geo_precision"]))
        start = doc.text.index(row["location_in_text"])
        certainty = Certainty(row["certainty"])
        source = Source(
            document_id=doc.id, external_id=doc.external_id, url=doc.url, outlet=doc.outlet,
            published=doc.published, fatalities=row["fatalities"], certainty=certainty,
            evidence=(Evidence("location", start, start + len(row["location_in_text"]), row["location_in_text"]),),
        )
        actor1, actor2 = self.actor(row["actor1"], day), self.actor(row["actor2"], day)
        territory = row["territory"]
        return Event(
            event_id=f"{row['id']}-{doc.id[:8]}", sub_event_type=SubEventType(row["sub_event_type"]),
            event_date=day, time_precision=TimePrecision(row["time_precision"]), actor1=actor1, actor2=actor2,
            place=place, fatalities=row["fatalities"], fatalities_low=row["fatalities"],
            fatalities_best=row["fatalities"], fatalities_high=row["fatalities"], certainty=certainty,
            territory=Territory(place.name, territory["new_controller"], actor2.name if actor2 else None)
            if territory else None,
            sources=(source,), notes=row["notes"],
        )

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for doc in documents:
            yield doc, [self.event(doc, row) for row in self.by_report.get(doc.external_id or "", [])]


def answers(store: Store, day: dt.date) -> dict[str, tuple[str | None, bool]]:
    return {s.place.name: (s.controller, s.contested) for s in control_at(store, day)}


def run_into(tmp_path: Path, name: str, extractor: object, *, merge: bool) -> Store:
    store = Store.open(tmp_path / f"{name}.db")
    summary = pipeline.run([REPORTS], store, extractor=extractor, merge=merge)  # type: ignore[arg-type]
    assert (summary.read, summary.stored, summary.skipped) == (10, 10, [])
    return store


def check_story(store: Store, *, merged: bool) -> None:
    events = list(store.iter_events())
    assert len(events) == (MERGED_EVENTS if merged else UNMERGED_EVENTS), [
        (e.event_date.isoformat(), e.sub_event_type.value, e.actor1.name, e.place.name) for e in events]
    for day, expected in CONTROL.items():
        assert answers(store, day) == expected, day
    assert [(c.date.isoformat(), c.new_controller) for c in history(store, "Ghuwayran")] == [
        ("2016-08-02", YPG), ("2016-08-14", ARMY), ("2016-08-28", YPG)]
    assert not [e for e in events if e.sub_event_type is SubEventType.GOVERNMENT_REGAINS_TERRITORY
                and e.place.name == NASHWA], "the negated recapture of Nashwa was counted"


def check_merged_capture(store: Store) -> None:
    """The capture of Ghuwayran: one event, three reports, 12/15/20 dead, reported as fact by one."""
    (capture,) = [e for e in store.iter_events(sub_types=[SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY])
                  if e.place.name == GHUWAYRAN]
    assert capture.corroboration == 3
    assert {s.outlet for s in capture.sources} == {
        "ANHA (Hawar News Agency)", "Syrian Observatory for Human Rights", "International wire service"}
    assert (capture.fatalities, capture.fatalities_low, capture.fatalities_best, capture.fatalities_high) == (
        12, 12, 15, 20)
    assert capture.certainty is Certainty.REPORTED
    (recapture,) = [e for e in store.iter_events(sub_types=[SubEventType.GOVERNMENT_REGAINS_TERRITORY])
                    if e.place.name == GHUWAYRAN]
    assert recapture.corroboration == 2
    assert (recapture.fatalities_low, recapture.fatalities_best, recapture.fatalities_high) == (6, 6, 6)


# -- the gold events through the pipeline: merge and control exactly right -----------------------

@pytest.fixture(scope="module")
def gold_extractor() -> GoldExtractor:
    return GoldExtractor(read_jsonl(DATA / "gold.jsonl"))


def test_scenario_merged(tmp_path, gold_extractor):
    with run_into(tmp_path, "merged", gold_extractor, merge=True) as store:
        check_story(store, merged=True)
        check_merged_capture(store)


def test_scenario_unmerged_gives_one_event_per_report_and_the_same_control(tmp_path, gold_extractor):
    with run_into(tmp_path, "unmerged", gold_extractor, merge=False) as store:
        check_story(store, merged=False)
        assert {e.corroboration for e in store.iter_events()} == {1}


def test_scenario_in_another_order_merges_the_same(tmp_path, gold_extractor):
    rows = read_jsonl(REPORTS)[::-1]
    docs = [Document.from_text(r["text"], external_id=r["id"], url=r["url"], outlet=r["outlet"],
                               title=r["title"], published=dt.date.fromisoformat(r["published"])) for r in rows]
    with Store.open(tmp_path / "reversed.db") as store:
        pipeline.run(docs, store, extractor=gold_extractor)
        check_story(store, merged=True)
        check_merged_capture(store)


def test_cli_run_no_merge_keeps_one_event_per_report(tmp_path, runner, gold_extractor, monkeypatch):
    from kharita.cli import main

    monkeypatch.setitem(pipeline.EXTRACTORS, "scenario-gold", lambda: gold_extractor)
    db = tmp_path / "cli.db"
    for flags, expected in (([], MERGED_EVENTS), (["--no-merge"], UNMERGED_EVENTS)):
        db.unlink(missing_ok=True)
        result = runner.invoke(main, ["run", str(REPORTS), "--db", str(db), "--extractor", "scenario-gold",
                                      "-s", *flags])
        assert result.exit_code == 0, result.output
        with Store.open(db) as store:
            assert store.count_events() == expected
        shown = runner.invoke(main, ["control", "--date", "2016-08-24", "--db", str(db)])
        assert [line.split("  ")[0] for line in shown.output.splitlines()[1:] if not line.startswith(" ")] == [
            AZIZIYAH, GHUWAYRAN, NASHWA]


# -- the real event coder, end to end ------------------------------------------------------------

@pytest.fixture(scope="module")
def coder():
    from kharita.events import EventCoder
    from kharita.nlp.load import default_pipeline

    return EventCoder(default_pipeline())


@pytest.mark.slow
def test_scenario_with_the_event_coder(tmp_path, coder):
    with run_into(tmp_path, "coded", coder, merge=True) as store:
        check_story(store, merged=True)
        check_merged_capture(store)


@pytest.mark.slow
def test_scenario_with_the_event_coder_unmerged(tmp_path, coder):
    with run_into(tmp_path, "coded-unmerged", coder, merge=False) as store:
        check_story(store, merged=False)


@pytest.mark.slow
def test_seed_control_on_the_day_of_the_report(tmp_path, coder):
    """ANF, 2015-07-09: IS holds Panorama, Nashwa and Ghuwayran; the YPG Maruf, Hamra and Kew Kep hill."""
    with Store.open(tmp_path / "seed.db") as store:
        pipeline.run([SEED], store, extractor=coder)
        held = {s.place.name: s.controller for s in control_at(store, dt.date(2015, 7, 9))}
        gazetteer = load_gazetteer()
        for name, controller in [("al-Hasakah - Panorama", IS), ("al-Hasakah - Nashwa", IS),
                                  ("al-Hasakah - Ghuwayran", IS), ("Maruf", YPG), ("Hamra", YPG),
                                  ("Jabal Kawkab", YPG)]:
            (best, *_) = gazetteer.candidates(name, country="SY")
            assert held.get(best.place.name) == controller, (name, held)
