"""/api/control from the materialised state answers what replaying every change answers."""

from __future__ import annotations

import datetime as dt

import httpx
from test_control import CITY, CLASH, MARUF, NASHWA, REGIME, YPG, day, event, story
from web_fixtures import ServerThread

from kharita.control import control_geojson, refresh
from kharita.control import materialised
from kharita.control.state import load_timeline
from kharita.models import ControlChange
from kharita.web.app import create_app

#: Fighting at the city, at a district and nearby, before, between and long after the changes.
FIGHTS = [
    event("f1", CLASH, YPG, CITY, day(1), actor2=REGIME),
    event("f2", CLASH, REGIME, NASHWA, day(12), actor2=YPG),
    event("f3", CLASH, YPG, MARUF, day(24), actor2=REGIME),
    event("f4", CLASH, YPG, CITY, day(30), actor2=REGIME),
    event("f5", CLASH, REGIME, NASHWA, dt.date(2016, 10, 2), actor2=YPG),
]
DAYS = [dt.date(2016, 7, 25) + dt.timedelta(days=n) for n in range(90)]
BOXES = [None, (40.70, 36.40, 40.80, 36.55), (40.85, 36.50, 41.0, 36.6)]


def replayed(store, when, bbox=None):
    return load_timeline(store, when, bbox=bbox).control_at(when, bbox=bbox)


def test_the_materialised_state_is_the_replay_on_every_day_and_box(store):
    store.upsert_events(story() + FIGHTS)
    changes = refresh(store)
    assert len({c.place.key for c in changes}) == 3 and len(changes) == 6
    contested_days = 0
    for when in DAYS:
        for bbox in BOXES:
            stored = materialised.stored_control_at(store, when, bbox=bbox)
            assert stored is not None, "refresh wrote the state"
            assert stored == replayed(store, when, bbox), (when, bbox)
        contested_days += any(s.contested for s in replayed(store, when))
    assert contested_days > 10, "the fighting must contest places on some days, or the test proves little"
    assert materialised.stored_control_at(store, day(1)) == []          # before the first change


def test_changes_written_outside_a_refresh_are_replayed(store):
    store.upsert_events(story())
    refresh(store)
    store.write_control_changes([ControlChange(MARUF, day(5), REGIME.name)])
    assert materialised.stored_control_at(store, day(10)) is None
    assert materialised.control_at(store, day(10)) == replayed(store, day(10))
    assert [s.place.name for s in materialised.control_at(store, day(10))] == ["Maruf"]


def test_api_control_answers_from_the_state(store):
    store.upsert_events(story() + FIGHTS)
    refresh(store)
    with ServerThread(create_app(store, token="")) as server, httpx.Client(base_url=server.url) as client:
        for when in (day(3), day(17), day(25), dt.date(2016, 10, 5)):
            body = client.get("/api/control", params={"date": when.isoformat()}).json()
            want = control_geojson(replayed(store, when))
            assert body == {**want, "date": when.isoformat()}
