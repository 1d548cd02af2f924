"""Control: territorial events become changes of hands; who holds each place at a date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from kharita.control import ControlTimeline, control_at, control_changes, control_geojson, history, refresh
from kharita.merge import cluster_events
from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.cli import main
from kharita.store import Store

IS = Actor("Islamic State", ActorType.REBEL_GROUP, "SY")
YPG = Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY")
REGIME = Actor("Military Forces of Syria", ActorType.STATE_FORCES, "SY")

CITY = Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811)
GHUWAYRAN = Place("al-Hasakah - Ghuwayran", "SY", 36.4890, 40.7610, feature_code="PPLX", source="test")
NASHWA = Place("al-Hasakah - Nashwa", "SY", 36.4930, 40.7330, feature_code="PPLX", source="test")
MARUF = Place("Maruf", "SY", 36.5200, 40.9000, precision=GeoPrecision.NEAR, source="test")

OVERTAKES = SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY
REGAINS = SubEventType.GOVERNMENT_REGAINS_TERRITORY
HANDOVER = SubEventType.NON_VIOLENT_TRANSFER
CLASH = SubEventType.ARMED_CLASH


def day(n: int) -> dt.date:
    return dt.date(2016, 8, n)


def event(
    doc: str,
    sub: SubEventType,
    actor1: Actor,
    place: Place,
    when: dt.date,
    *,
    actor2: Actor | None = None,
    previous: str | None = None,
    certainty: Certainty = Certainty.REPORTED,
    time_precision: TimePrecision = TimePrecision.DAY,
) -> Event:
    territory = None
    if sub in (OVERTAKES, REGAINS, HANDOVER):
        territory = Territory(place.name, actor1.name, previous)
    return Event(
        event_id=f"{doc}:{place.name.rsplit(' - ', 1)[-1].lower()}",
        sub_event_type=sub,
        event_date=when,
        time_precision=time_precision,
        actor1=actor1,
        actor2=actor2,
        place=place,
        certainty=certainty,
        territory=territory,
        sources=(Source(document_id=doc, evidence=(Evidence("trigger", 0, 5, "taken"),), certainty=certainty),),
    )


def story() -> list[Event]:
    """Four weeks of one city's districts (the scenario's shape, built by hand)."""
    return [
        event("r1", OVERTAKES, YPG, GHUWAYRAN, day(2), actor2=REGIME),
        event("r2", OVERTAKES, YPG, GHUWAYRAN, day(2)),
        event("r3", HANDOVER, YPG, GHUWAYRAN, day(3), certainty=Certainty.CLAIMED),
        event("r4", HANDOVER, YPG, NASHWA, day(9)),
        event("r5", REGAINS, REGIME, GHUWAYRAN, day(14), actor2=YPG),
        event("r7", CLASH, YPG, NASHWA, day(16), actor2=REGIME),
        event("r8", OVERTAKES, YPG, MARUF, day(22), certainty=Certainty.CLAIMED),
        event("r9", REGAINS, REGIME, MARUF, day(23)),
        event("r10", HANDOVER, YPG, GHUWAYRAN, day(28)),
    ]


def answers(timeline: ControlTimeline, when: dt.date) -> dict[str, tuple[str | None, bool]]:
    return {s.place.name: (s.controller, s.contested) for s in timeline.control_at(when)}


# -- changes -------------------------------------------------------------------------------------

def test_every_territorial_event_is_a_change_and_others_are_not():
    changes = control_changes(story())
    assert [(c.place.name, c.date.day, c.new_controller) for c in changes] == [
        ("Maruf", 22, YPG.name), ("Maruf", 23, REGIME.name),
        ("al-Hasakah - Ghuwayran", 2, YPG.name), ("al-Hasakah - Ghuwayran", 14, REGIME.name),
        ("al-Hasakah - Ghuwayran", 28, YPG.name),
        ("al-Hasakah - Nashwa", 9, YPG.name),
    ]


def test_reports_of_one_capture_give_one_change_listing_them_all():
    (first, *_) = control_changes(e for e in story() if e.place == GHUWAYRAN)
    assert first.event_ids == ("r1:ghuwayran", "r2:ghuwayran", "r3:ghuwayran")
    assert first.certainty is Certainty.REPORTED
    assert first.date == day(2)


def test_previous_controller_from_the_report_then_actor2_then_the_change_before():
    stated = event("a", HANDOVER, IS, NASHWA, day(1), previous="Military Forces of Syria")
    taken_from = event("b", OVERTAKES, YPG, NASHWA, day(5), actor2=IS)
    unstated = event("c", HANDOVER, REGIME, NASHWA, day(9))
    changes = control_changes([stated, taken_from, unstated])
    assert [c.previous_controller for c in changes] == [REGIME.name, IS.name, YPG.name]


def test_merged_and_unmerged_events_give_the_same_timeline():
    unmerged = ControlTimeline.from_events(story())
    merged = ControlTimeline.from_events(cluster_events(story()))
    for n in (1, 5, 12, 18, 24, 31):
        assert answers(unmerged, day(n)) == answers(merged, day(n))


# -- state at a date -----------------------------------------------------------------------------

def test_control_over_four_weeks():
    timeline = ControlTimeline.from_events(story())
    assert answers(timeline, day(1)) == {}
    assert answers(timeline, day(5)) == {"al-Hasakah - Ghuwayran": (YPG.name, False)}
    assert answers(timeline, day(12)) == {
        "al-Hasakah - Ghuwayran": (YPG.name, False), "al-Hasakah - Nashwa": (YPG.name, False)}
    assert answers(timeline, day(18)) == {
        "al-Hasakah - Ghuwayran": (REGIME.name, False), "al-Hasakah - Nashwa": (YPG.name, True)}
    assert answers(timeline, day(24)) == {
        "Maruf": (REGIME.name, True),
        "al-Hasakah - Ghuwayran": (REGIME.name, False), "al-Hasakah - Nashwa": (YPG.name, True)}
    assert answers(timeline, day(31)) == {
        "Maruf": (REGIME.name, True),
        "al-Hasakah - Ghuwayran": (YPG.name, False), "al-Hasakah - Nashwa": (YPG.name, False)}


def test_the_state_names_the_change_that_set_it_and_why_it_is_contested():
    timeline = ControlTimeline.from_events(story())
    states = {s.place.name: s for s in timeline.control_at(day(24))}
    ghuwayran = states["al-Hasakah - Ghuwayran"]
    assert ghuwayran.since == day(14)
    assert ghuwayran.change is not None and ghuwayran.change.previous_controller == YPG.name
    assert states["Maruf"].reasons[0].startswith(f"sources disagree: {YPG.name} on 2016-08-22")
    assert states["al-Hasakah - Nashwa"].reasons[0].startswith("fighting after the change: Armed clash")


def test_same_day_claims_the_better_supported_one_holds_and_the_place_is_contested():
    timeline = ControlTimeline.from_events([
        event("a", OVERTAKES, YPG, MARUF, day(9)),
        event("b", OVERTAKES, IS, MARUF, day(9), certainty=Certainty.UNCONFIRMED),
    ])
    assert answers(timeline, day(9)) == {"Maruf": (YPG.name, True)}


def test_fighting_on_the_day_of_the_change_does_not_contest_it():
    timeline = ControlTimeline.from_events([
        event("a", OVERTAKES, YPG, NASHWA, day(9)), event("b", CLASH, YPG, NASHWA, day(9), actor2=IS)])
    assert answers(timeline, day(10)) == {"al-Hasakah - Nashwa": (YPG.name, False)}


def test_fighting_contests_for_two_weeks_then_the_front_is_quiet():
    events = [event("a", OVERTAKES, YPG, NASHWA, day(1)), event("b", CLASH, IS, NASHWA, day(3), actor2=YPG)]
    timeline = ControlTimeline.from_events(events)
    assert answers(timeline, day(17))["al-Hasakah - Nashwa"] == (YPG.name, True)
    assert answers(timeline, day(18))["al-Hasakah - Nashwa"] == (YPG.name, False)
    longer = ControlTimeline.from_events(events, fighting_days=30)
    assert answers(longer, day(18))["al-Hasakah - Nashwa"] == (YPG.name, True)


@pytest.mark.parametrize(("where", "contested"), [
    (GHUWAYRAN, False),                                                    # another district
    (CITY, True),                                                          # the district's city
    (dataclasses.replace(GHUWAYRAN, precision=GeoPrecision.NEAR), True),   # vaguely nearby
    (dataclasses.replace(CITY, name="Tall Baydar", geonameid=1, lat=36.9), False),  # far away
])
def test_what_fighting_reaches_the_place(where, contested):
    timeline = ControlTimeline.from_events([
        event("a", OVERTAKES, YPG, NASHWA, day(1)), event("b", CLASH, IS, where, day(3), actor2=YPG)])
    assert timeline.state(NASHWA.key, day(4)).contested is contested


def test_bbox_keeps_the_places_inside():
    timeline = ControlTimeline.from_events(story())
    west_of_maruf = (40.70, 36.40, 40.80, 36.60)
    assert {s.place.name for s in timeline.control_at(day(24), bbox=west_of_maruf)} == {
        "al-Hasakah - Ghuwayran", "al-Hasakah - Nashwa"}


@pytest.mark.parametrize("name", ["Ghuwayran", "al-Hasakah - Ghuwayran", "AL-HASAKAH - ghuwayran",
                                  "name:SY:al-Hasakah - Ghuwayran"])
def test_history_answers_to_the_district_its_full_name_and_its_key(name):
    changes = ControlTimeline.from_events(story()).history(name)
    assert [(c.date.day, c.new_controller, c.previous_controller) for c in changes] == [
        (2, YPG.name, REGIME.name), (14, REGIME.name, YPG.name), (28, YPG.name, REGIME.name)]


def test_history_of_an_unknown_place_is_empty():
    assert ControlTimeline.from_events(story()).history("Qamishli") == []


def test_geojson_has_a_point_per_place_with_its_controller():
    collection = control_geojson(ControlTimeline.from_events(story()).control_at(day(24)))
    json.dumps(collection)
    assert collection["type"] == "FeatureCollection"
    by_place = {f["properties"]["place"]: f for f in collection["features"]}
    nashwa = by_place["al-Hasakah - Nashwa"]
    assert nashwa["geometry"] == {"type": "Point", "coordinates": [40.733, 36.493]}
    assert nashwa["properties"]["controller"] == YPG.name
    assert nashwa["properties"]["contested"] is True
    assert nashwa["properties"]["since"] == "2016-08-09"
    assert by_place["Maruf"]["properties"]["previous_controller"] == YPG.name


# -- over the store ------------------------------------------------------------------------------

def test_refresh_writes_the_changes_and_the_store_answers_like_the_timeline(store):
    store.upsert_events(story())
    changes = refresh(store)
    assert len(changes) == 6
    assert store.control_changes() == changes
    timeline = ControlTimeline.from_events(story())
    for n in (5, 18, 24, 31):
        assert [(s.place.name, s.controller, s.contested) for s in control_at(store, day(n))] == [
            (s.place.name, s.controller, s.contested) for s in timeline.control_at(day(n))]
    assert [c.date.day for c in history(store, "Nashwa")] == [9]


def test_refresh_replaces_what_was_written_before(store):
    store.upsert_events(story())
    refresh(store)
    store.delete_events([e.event_id for e in story() if e.place == MARUF])
    assert {c.place.name for c in refresh(store)} == {"al-Hasakah - Ghuwayran", "al-Hasakah - Nashwa"}
    assert len(store.control_changes()) == 4


# -- the command ---------------------------------------------------------------------------------

@pytest.fixture
def stored(tmp_path) -> str:
    path = tmp_path / "control.db"
    with Store.open(path) as opened:
        opened.upsert_events(story())
        refresh(opened)
    return str(path)


def test_cli_control_at_a_date_as_a_table(runner, stored):
    result = runner.invoke(main, ["control", "--date", "2016-08-24", "--db", stored])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["place", "controller", "since", "contested", "events"]
    rows = [line for line in lines[1:] if not line.startswith("    ")]
    assert [(r.split("  ")[0].strip(), "yes" in r.split()) for r in rows] == [
        ("Maruf", True), ("al-Hasakah - Ghuwayran", False), ("al-Hasakah - Nashwa", True)]
    assert any(line.strip().startswith("sources disagree") for line in lines)


def test_cli_control_as_geojson_within_a_bbox(runner, stored):
    result = runner.invoke(main, ["control", "--date", "2016-08-31", "--bbox", "40.7,36.4,40.8,36.6",
                                  "--format", "geojson", "--db", stored])
    assert result.exit_code == 0, result.output
    features = json.loads(result.output)["features"]
    assert {(f["properties"]["place"], f["properties"]["controller"]) for f in features} == {
        ("al-Hasakah - Ghuwayran", YPG.name), ("al-Hasakah - Nashwa", YPG.name)}


def test_cli_control_history_of_a_place(runner, stored):
    result = runner.invoke(main, ["control", "--place", "Ghuwayran", "--db", stored])
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()] == ["2016-08-02", "2016-08-14", "2016-08-28"]
    assert f"{REGIME.name} -> {YPG.name}" in result.output.splitlines()[2]


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "24 August"], "use YYYY-MM-DD"),
    (["--date", "2016-08-24", "--bbox", "1,2,3"], "min_lon,min_lat,max_lon,max_lat"),
    ([], "Give either --date"),
    (["--place", "Qamishli"], "No control changes known for 'Qamishli'"),
])
def test_cli_control_says_what_is_wrong(runner, stored, args, message):
    result = runner.invoke(main, ["control", *args, "--db", stored])
    assert result.exit_code != 0
    assert message in result.output


def test_cli_control_names_a_store_it_cannot_open(runner, tmp_path):
    result = runner.invoke(main, ["control", "--date", "2016-08-24", "--db", str(tmp_path / "no" / "such.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

def undated(doc: str, sub: SubEventType, actor1: Actor, place: Place) -> Event:
    """A territorial (or fighting) event whose report gave no date at all."""
    return event(doc, sub, actor1, place, None)


@pytest.mark.issue(10)
def test_an_undated_territorial_event_gives_no_change():
    from kharita.control import change_of

    capture = undated("u1", OVERTAKES, IS, GHUWAYRAN)
    assert change_of(capture) is None
    assert control_changes([capture]) == []
    more = [*story(), capture, undated("u2", REGAINS, REGIME, MARUF)]
    assert control_changes(more) == control_changes(story())


@pytest.mark.issue(10)
def test_undated_events_change_no_answer_of_the_timeline():
    extra = [undated("u1", OVERTAKES, IS, GHUWAYRAN), undated("u2", CLASH, IS, NASHWA),
             undated("u3", HANDOVER, IS, CITY)]
    with_them, without = ControlTimeline.from_events([*story(), *extra]), ControlTimeline.from_events(story())
    for n in (1, 5, 18, 24, 31):
        assert answers(with_them, day(n)) == answers(without, day(n))
    assert all(p.name != CITY.name for p in with_them.places())


@pytest.mark.issue(10)
def test_refresh_over_a_store_with_undated_territorial_events(store):
    store.upsert_events([*story(), undated("u1", OVERTAKES, IS, GHUWAYRAN), undated("u2", CLASH, IS, NASHWA)])
    assert refresh(store) == control_changes(story())
    assert answers(ControlTimeline.from_events(story()), day(18)) == {
        s.place.name: (s.controller, s.contested) for s in control_at(store, day(18))}
