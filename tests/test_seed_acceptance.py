"""Acceptance (issue 4): on the seed report, every required gold event is found at L2, no must-not
is produced, and at most 2 events go beyond the gold; scored by kharita's own `evaluate`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kharita.evaluate import evaluate, read_gold, read_must_not
from kharita.events import EventCoder
from kharita.models import Document
from kharita.nlp.load import default_pipeline

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed"


@pytest.fixture(scope="module")
def seed_events():
    row = json.loads((SEED / "report.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = Document.from_text(row["text"], external_id=row["id"], url=row["url"], outlet=row["outlet"],
                             title=row["title"], published=dt.date.fromisoformat(row["published"]))
    nlp = default_pipeline()
    assert "kharita_toponyms" in nlp.pipe_names, "the toponym component (kharita.gazetteer) is missing"
    assert "kharita_actors" in nlp.pipe_names, "the actor component (kharita.nlp.actors) is missing"
    return EventCoder(nlp).code(doc)


@pytest.fixture(scope="module")
def report(seed_events):
    return evaluate(read_gold(SEED / "gold.jsonl"), seed_events, must_not=read_must_not(SEED / "must_not.jsonl"))


def test_every_required_gold_event_is_found_at_l2(report):
    assert report.levels["L2"].missed == (), report.table()


def test_no_must_not_is_produced(report):
    assert report.must_not_hits == (), report.table()


def test_at_most_two_events_beyond_the_gold(report):
    assert len(report.extras) <= 2, report.table()


def test_every_event_keeps_its_evidence(seed_events):
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    for event in seed_events:
        (source,) = event.sources
        fields = {e.field for e in source.evidence}
        assert {"trigger", "sentence", "actor1"} <= fields
        for evidence in source.evidence:
            assert text[evidence.start:evidence.end] == evidence.text


def test_negated_recapture_is_not_coded(seed_events):
    assert not [e for e in seed_events if e.sub_event_type.value == "Government regains territory"]


def test_event_ids_are_stable(seed_events):
    row = json.loads((SEED / "report.jsonl").read_text(encoding="utf-8").splitlines()[0])
    again = EventCoder(default_pipeline()).code(Document.from_text(
        row["text"], published=dt.date.fromisoformat(row["published"]), outlet=row["outlet"]))
    assert sorted(e.event_id for e in again) == sorted(e.event_id for e in seed_events)
