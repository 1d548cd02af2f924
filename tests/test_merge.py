"""Merge: reports of one real event become one event; reports of different events stay apart."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kharita.merge import EventIndex, cluster_events, fatality_range, merge_events, same_event
from kharita.merge.cluster import SameName, combine
from kharita.merge.fatalities import best_estimate
from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.store import Store

IS = Actor("Islamic State", ActorType.REBEL_GROUP, "SY")
YPG = Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY", parent="SDF: Syrian Democratic Forces")
SDF = Actor("SDF: Syrian Democratic Forces", ActorType.REBEL_GROUP, "SY")
REGIME = Actor("Military Forces of Syria", ActorType.STATE_FORCES, "SY")

HASAKAH = Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811)
DAY = dt.date(2016, 3, 6)


def km_north(place: Place, km: float, **changes: object) -> Place:
    """The same place moved `km` kilometres north (a degree of latitude is about 111.2 km)."""
    return dataclasses.replace(place, lat=place.lat + km / 111.195, geonameid=None,
                               name=f"{place.name} +{km}km", **changes)


def event(
    doc: str,
    sub: SubEventType = SubEventType.ARMED_CLASH,
    *,
    actor1: Actor = YPG,
    actor2: Actor | None = IS,
    place: Place = HASAKAH,
    day: dt.date = DAY,
    time_precision: TimePrecision = TimePrecision.DAY,
    fatalities: int | None = None,
    certainty: Certainty = Certainty.REPORTED,
    trigger: tuple[int, int] = (10, 18),
    territory: Territory | None = None,
) -> Event:
    evidence = (Evidence("trigger", *trigger, "clashed"),)
    return Event(
        event_id=f"{doc}-{sub.name.lower()}-{trigger[0]}",
        sub_event_type=sub,
        event_date=day,
        time_precision=time_precision,
        actor1=actor1,
        actor2=actor2,
        place=place,
        fatalities=fatalities,
        fatalities_low=fatalities,
        fatalities_best=fatalities,
        fatalities_high=fatalities,
        certainty=certainty,
        territory=territory,
        sources=(Source(document_id=doc, outlet=f"outlet of {doc}", evidence=evidence,
                        fatalities=fatalities, certainty=certainty),),
    )


def write(store: Store, events: list[Event]) -> list[Event]:
    merged = merge_events(store, events, actors=SameName())
    store.upsert_events(merged)
    return merged


# -- fatalities ----------------------------------------------------------------------------------

def test_fatalities_low_is_the_smallest_stated_and_high_the_largest():
    tolls = fatality_range([12, 30, None, 18])
    assert (tolls.low, tolls.best, tolls.high) == (12, 18, 30)
    assert tolls.acled == 12


def test_best_is_the_lower_median_so_one_inflated_toll_cannot_lift_it():
    assert best_estimate([10, 200]) == 10
    assert best_estimate([7, 9, 11, 500]) == 9
    assert best_estimate([]) is None


def test_no_stated_toll_is_not_zero_dead():
    tolls = fatality_range([None, None])
    assert (tolls.low, tolls.best, tolls.high) == (None, None, None)


def test_a_reported_range_widens_but_does_not_vote():
    tolls = fatality_range([12], lows=[10], highs=[15])
    assert (tolls.low, tolls.best, tolls.high) == (10, 12, 15)


# -- the rules -----------------------------------------------------------------------------------

def test_same_clash_from_two_outlets_is_one_event():
    assert same_event(event("a"), event("b"))


@pytest.mark.parametrize(("precision", "km", "expected"), [
    (GeoPrecision.NEAR, 25.0, True),
    (GeoPrecision.NEAR, 35.0, False),
    (GeoPrecision.REGION, 140.0, True),
    (GeoPrecision.REGION, 160.0, False),
])
def test_a_vague_place_matches_within_its_precisions_radius(precision, km, expected):
    far = km_north(HASAKAH, km, precision=precision)
    assert same_event(event("a"), event("b", place=far)) is expected
    assert same_event(event("b", place=far), event("a")) is expected


@pytest.mark.parametrize(("km", "expected"), [(0.5, True), (3.0, False), (9.0, False)])
def test_two_different_places_both_named_precisely_stay_apart_unless_one_spot(km, expected):
    district = km_north(HASAKAH, km)
    assert same_event(event("a"), event("b", place=district)) is expected


def test_the_same_place_is_the_same_place_whatever_its_coordinates_say():
    moved = dataclasses.replace(HASAKAH, lat=HASAKAH.lat + 0.05)
    assert same_event(event("a"), event("b", place=moved))


@pytest.mark.parametrize(("precision", "days", "expected"), [
    (TimePrecision.DAY, 1, True),
    (TimePrecision.DAY, 2, False),
    (TimePrecision.WEEK, 4, True),
    (TimePrecision.WEEK, 5, False),
    (TimePrecision.MONTH, 16, True),
])
def test_dates_must_lie_within_the_coarser_precisions_window(precision, days, expected):
    later = event("b", day=DAY + dt.timedelta(days=days), time_precision=precision)
    assert same_event(event("a"), later) is expected


def test_different_sub_event_types_stay_apart():
    assert not same_event(event("a"), event("b", SubEventType.SHELLING))


def test_a_capture_with_or_without_a_fight_is_one_change_of_hands():
    fought = event("a", SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY)
    unopposed = event("b", SubEventType.NON_VIOLENT_TRANSFER, actor2=None)
    assert same_event(fought, unopposed)


def test_captures_by_different_sides_stay_apart():
    by_ypg = event("a", SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, actor1=YPG, actor2=IS)
    by_is = event("b", SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, actor1=IS, actor2=YPG)
    assert not same_event(by_ypg, by_is)


def test_a_clash_has_no_direction_but_shelling_has():
    assert same_event(event("a", actor1=YPG, actor2=IS), event("b", actor1=IS, actor2=YPG))
    shelled = event("a", SubEventType.SHELLING, actor1=REGIME, actor2=IS)
    shelling_back = event("b", SubEventType.SHELLING, actor1=IS, actor2=REGIME)
    assert not same_event(shelled, shelling_back)


def test_a_parent_force_is_compatible_with_its_member():
    assert same_event(event("a", actor1=YPG), event("b", actor1=SDF))
    assert not same_event(event("a", actor1=REGIME), event("b", actor1=SDF))


def test_an_unnamed_second_actor_does_not_block_a_merge():
    assert same_event(event("a", actor2=None), event("b", actor2=IS))


def test_two_events_of_one_report_never_merge():
    assert not same_event(event("a", trigger=(10, 18)), event("a", trigger=(40, 48)))


def test_combine_keeps_every_source_the_range_and_the_strongest_certainty():
    first = event("a", fatalities=12, certainty=Certainty.UNCONFIRMED)
    second = event("b", fatalities=30, certainty=Certainty.CLAIMED)
    third = event("c", fatalities=18, place=dataclasses.replace(HASAKAH, precision=GeoPrecision.NEAR))
    merged = combine(combine(first, second), third)
    assert merged.event_id == first.event_id
    assert [s.document_id for s in merged.sources] == ["a", "b", "c"]
    assert merged.corroboration == 3
    assert (merged.fatalities, merged.fatalities_low, merged.fatalities_best, merged.fatalities_high) == (
        12, 12, 18, 30)
    assert merged.certainty is Certainty.REPORTED
    assert merged.place.precision is GeoPrecision.PLACE


def test_combine_takes_the_more_precise_place_and_date():
    vague = event("a", place=km_north(HASAKAH, 4, precision=GeoPrecision.NEAR),
                  time_precision=TimePrecision.WEEK, day=DAY - dt.timedelta(days=3))
    exact = event("b", place=HASAKAH)
    merged = combine(vague, exact)
    assert merged.place == exact.place
    assert (merged.event_date, merged.time_precision) == (DAY, TimePrecision.DAY)
    assert merged.event_id == vague.event_id


# -- incremental merging in the store -----------------------------------------------------------

def test_a_later_report_joins_the_stored_event_whose_id_stays(store):
    (first,) = write(store, [event("a", fatalities=5)])
    (second,) = write(store, [event("b", fatalities=9, day=DAY + dt.timedelta(days=1))])
    (third,) = write(store, [event("c", actor1=IS, actor2=YPG)])
    assert first.event_id == second.event_id == third.event_id
    stored = store.get_event(first.event_id)
    assert stored is not None
    assert stored.corroboration == 3
    assert (stored.fatalities_low, stored.fatalities_best, stored.fatalities_high) == (5, 5, 9)
    assert store.count_events() == 1


def test_a_different_event_nearby_gets_its_own_record(store):
    write(store, [event("a")])
    write(store, [event("b", SubEventType.AIR_DRONE_STRIKE, actor1=REGIME, actor2=None)])
    write(store, [event("c", day=DAY + dt.timedelta(days=3))])
    assert store.count_events() == 3


def test_a_report_joins_the_closer_of_two_events_one_report_kept_apart(store):
    near = km_north(HASAKAH, 6)
    write(store, [event("a", trigger=(10, 18)), event("a", place=near, trigger=(40, 48))])
    assert store.count_events() == 2
    (joined,) = write(store, [event("b", place=km_north(HASAKAH, 5, precision=GeoPrecision.NEAR))])
    assert joined.event_id == "a-armed_clash-40"
    assert store.count_events() == 2
    assert sorted(e.corroboration for e in store.iter_events()) == [1, 2]


def test_the_same_report_twice_adds_nothing(store):
    write(store, [event("a"), event("a", SubEventType.SHELLING, actor1=REGIME, trigger=(50, 57))])
    write(store, [event("b")])
    again = write(store, [event("b"), event("a", SubEventType.SHELLING, actor1=REGIME, trigger=(50, 57))])
    assert {e.corroboration for e in again} == {1, 2}
    assert store.count_events() == 2
    assert sum(e.corroboration for e in store.iter_events()) == 3


def test_reports_of_one_batch_merge_with_each_other(store):
    merged = merge_events(store, [event("a"), event("b"), event("c", SubEventType.SHELLING)],
                          actors=SameName())
    assert [e.corroboration for e in merged] == [2, 1]


def test_a_coarse_report_still_finds_a_precise_event_far_from_its_centre(store):
    write(store, [event("a", place=km_north(HASAKAH, 100))])
    region = dataclasses.replace(HASAKAH, precision=GeoPrecision.REGION)
    (joined,) = write(store, [event("b", place=region, time_precision=TimePrecision.MONTH,
                                    day=DAY - dt.timedelta(days=12))])
    assert joined.corroboration == 2
    assert joined.place.precision is GeoPrecision.PLACE


def test_cluster_events_merges_a_list_without_a_store():
    events = [event("a"), event("b", actor1=IS, actor2=YPG), event("c", place=km_north(HASAKAH, 3))]
    clustered = cluster_events(events)
    assert [e.corroboration for e in clustered] == [2, 1]


def test_the_memory_index_finds_only_what_is_near_in_space_time_and_type():
    index = EventIndex([event("a"), event("b", place=km_north(HASAKAH, 50)),
                        event("c", SubEventType.SHELLING), event("d", day=DAY + dt.timedelta(days=9))])
    found = index.events_near(HASAKAH.lat, HASAKAH.lon, 10.0, DAY, DAY, [SubEventType.ARMED_CLASH])
    assert [e.sources[0].document_id for e in found] == ["a"]


def test_the_store_and_the_memory_index_find_the_same_candidates(store):
    """Store.events_near_by_precision (SQL) and EventIndex (Python) apply each stored event's own
    precision the same way: compared on 300 random events and 60 random look-ups."""
    import random

    from kharita.merge.cluster import candidates

    rng = random.Random(5)
    subs = [SubEventType.ARMED_CLASH, SubEventType.SHELLING, SubEventType.NON_VIOLENT_TRANSFER]
    events = []
    for i in range(300):
        place = km_north(HASAKAH, rng.uniform(-60, 60), precision=rng.choice(list(GeoPrecision)))
        if i % 7 == 0:
            place = HASAKAH
        events.append(event(f"d{i}", rng.choice(subs), place=place, trigger=(i, i + 5),
                            day=DAY + dt.timedelta(days=rng.randint(-20, 20)),
                            time_precision=rng.choice(list(TimePrecision))))
    store.upsert_events(events)
    index = EventIndex(events)
    found_any = 0
    for probe in rng.sample(events, 60):
        in_store = sorted(e.event_id for e in candidates(store, probe))
        in_memory = sorted(e.event_id for e in candidates(index, probe))
        assert in_store == in_memory
        found_any += len(in_store) > 1
    assert found_any > 10


@pytest.mark.issue(14)
def test_the_store_answers_a_batch_of_searches_as_the_memory_index_answers_each(store, monkeypatch):
    """Store.events_near_each (one statement for many searches, its blocking keys cut into several
    statements here) finds for each search what EventIndex finds: typed and untyped searches,
    an undated one, one that knows only some precisions, and a place known under the same key
    far from its coordinates; in the searches' order, each ordered by date and id."""
    import random

    import kharita.store.store as store_module
    from kharita.merge.cluster import NearSearch, near_search

    monkeypatch.setattr(store_module, "KEYS_PER_STATEMENT", 4)
    rng = random.Random(14)
    subs = [SubEventType.ARMED_CLASH, SubEventType.SHELLING, SubEventType.NON_VIOLENT_TRANSFER]
    far_hasakah = dataclasses.replace(HASAKAH, lat=HASAKAH.lat + 0.5)    # same key, 55 km north
    events = [event("far", place=far_hasakah)]
    for i in range(1, 200):
        place = km_north(HASAKAH, rng.uniform(-60, 60), precision=rng.choice(list(GeoPrecision)))
        events.append(event(f"d{i}", rng.choice(subs), place=HASAKAH if i % 7 == 0 else place,
                            trigger=(i, i + 5), day=DAY + dt.timedelta(days=rng.randint(-20, 20)),
                            time_precision=rng.choice(list(TimePrecision))))
    store.upsert_events(events)
    index = EventIndex(events)
    searches = [near_search(e) for e in rng.sample(events, 30)]
    searches += [
        near_search(event("undated", day=None)),
        NearSearch(HASAKAH.lat, HASAKAH.lon, DAY, radius_km={1: 10.0, 2: 30.0, 3: 150.0},
                   window_days={1: 1, 2: 4, 3: 16}),                                 # any type
        NearSearch(HASAKAH.lat, HASAKAH.lon, DAY, radius_km={1: 1.0, 3: 150.0}, window_days={1: 2},
                   sub_types=(SubEventType.ARMED_CLASH,), place_key=HASAKAH.key),
    ]
    in_store = [[e.event_id for e in found] for found in store.events_near_each(searches)]
    in_memory = [sorted((e.event_date, e.event_id) for e in found) for found in index.events_near_each(searches)]
    assert in_store == [[event_id for _, event_id in found] for found in in_memory]
    assert in_store[30] == [] and len(in_store[31]) > 10
    assert event("far").event_id in in_store[32]     # precise, 55 km away: found by its key
    assert sum(len(found) > 1 for found in in_store[:30]) > 5
    assert store.events_near_each([]) == []


@pytest.mark.issue(14)
def test_a_candidate_an_earlier_event_of_the_batch_changed_is_judged_as_changed(store):
    """Merge reads the sources only of stored candidates that may match as stored; one that an
    earlier event of the batch changed is judged in its changed form. Stored: YPG with no second
    side. The batch's first report names IS as the other side, its second has the two sides the
    other way round, which only the changed event (YPG against IS, a clash) matches."""
    write(store, [event("a", actor2=None)])
    merged = write(store, [event("b", actor1=YPG, actor2=IS), event("c", actor1=IS, actor2=YPG)])
    assert [(e.event_id, e.corroboration, e.actor2) for e in merged] == [(event("a").event_id, 3, IS)]
    assert store.count_events() == 1


@pytest.mark.issue(14)
def test_candidates_read_without_sources_get_them_back(store):
    from kharita.merge.cluster import near_search

    write(store, [event("a")])
    write(store, [event("b")])                                  # one event of two reports
    search = [near_search(event("c"))]
    (bare,), (whole,) = store.events_near_each(search, sources=False), store.events_near_each(search)
    assert [e.sources for e in bare] == [()] and [len(e.sources) for e in whole] == [2]
    assert store.with_sources(bare) == whole


@pytest.mark.issue(14)
def test_light_candidates_are_what_the_rules_read_of_the_whole_events(store, monkeypatch):
    """Store.candidates_near_each (merge's first read: only what `may_be_same` reads) finds, for
    each search, the events events_near_each finds, in the same order, each carrying the whole
    event's id, type, date, precisions, place key and point, actors with their parent forces and
    the territory's new controller; the rules judge it as they judge the whole event; and
    events_by_id gives the whole events back, sources included, in the ids' order."""
    import random

    import kharita.store.store as store_module
    from kharita.merge.cluster import may_be_same, near_search

    monkeypatch.setattr(store_module, "KEYS_PER_STATEMENT", 4)
    rng = random.Random(41)
    subs = [SubEventType.ARMED_CLASH, SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
            SubEventType.GOVERNMENT_REGAINS_TERRITORY]
    events = []
    for i in range(120):
        sub = rng.choice(subs)
        place = km_north(HASAKAH, rng.uniform(-40, 40), precision=rng.choice(list(GeoPrecision)))
        actor1, actor2 = rng.choice([(YPG, IS), (IS, None), (REGIME, SDF), (SDF, YPG)])
        territory = (Territory(place.name, actor1.name, rng.choice([None, "Islamic State"]))
                     if sub != SubEventType.ARMED_CLASH else None)
        events.append(event(f"l{i}", sub, actor1=actor1, actor2=actor2, trigger=(i, i + 4),
                            place=HASAKAH if i % 5 == 0 else place, territory=territory,
                            day=DAY + dt.timedelta(days=rng.randint(-10, 10)),
                            time_precision=rng.choice(list(TimePrecision))))
    other_report = dataclasses.replace(events[0], event_id="other", sources=(
        Source(document_id="other", outlet="another outlet", evidence=(Evidence("trigger", 1, 5, "clashed"),)),))
    events[0] = combine(events[0], other_report)                          # one event of two reports
    store.upsert_events(events)
    probes = rng.sample(events, 40)
    searches = [near_search(e) for e in probes]
    light, whole = store.candidates_near_each(searches), store.events_near_each(searches)
    assert [[c.event_id for c in found] for found in light] == [[e.event_id for e in found] for found in whole]
    assert sum(len(found) > 1 for found in light) > 5
    by_id = {e.event_id: e for found in whole for e in found}
    for probe, found in zip(probes, light, strict=True):
        for c in found:
            e = by_id[c.event_id]
            assert (c.sub_event_type, c.event_date, c.time_precision) == (e.sub_event_type, e.event_date,
                                                                          e.time_precision)
            assert tuple(c.place) == (e.place.key, e.place.lat, e.place.lon, e.place.precision)
            assert (c.actor1.name, c.actor1.parent) == (e.actor1.name, e.actor1.parent)
            assert (c.actor2 and (c.actor2.name, c.actor2.parent)) == (e.actor2 and (e.actor2.name, e.actor2.parent))
            assert (c.territory and c.territory.new_controller) == (e.territory and e.territory.new_controller)
            assert may_be_same(c, probe, SameName()) == may_be_same(e, probe, SameName())
    ids = list(by_id)[::-1] + ["not stored"]
    assert store.events_by_id(ids) == [store.get_event(i) for i in ids[:-1]]
    assert [len(e.sources) for e in store.events_by_id([events[0].event_id])] == [2]
    assert store.events_by_id([]) == []


def test_the_actor_dictionary_decides_parent_forces_by_date():
    """YPG within the SDF from October 2015 (the packaged dictionary), the NDF with the army."""
    from kharita.actors import ActorDictionary

    actors = ActorDictionary.default()
    ypg = Actor(actors.canonical("YPG"), ActorType.IDENTITY_MILITIA, "SY")
    sdf = Actor(actors.canonical("SDF"), ActorType.REBEL_GROUP, "SY")
    ndf = Actor(actors.canonical("NDF"), ActorType.POLITICAL_MILITIA, "SY")
    army = Actor("Military Forces of Syria (2000-)", ActorType.STATE_FORCES, "SY")
    in_2016, in_2015 = dt.date(2016, 8, 1), dt.date(2015, 7, 1)
    assert same_event(event("a", actor1=ypg, day=in_2016), event("b", actor1=sdf, day=in_2016), actors)
    assert not same_event(event("a", actor1=ypg, day=in_2015), event("b", actor1=sdf, day=in_2015), actors)
    assert same_event(event("a", SubEventType.SHELLING, actor1=ndf, actor2=None),
                      event("b", SubEventType.SHELLING, actor1=army, actor2=None), actors)
    assert not same_event(event("a", actor1=ypg, actor2=IS), event("b", actor1=IS, actor2=army), actors)


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

@pytest.mark.issue(10)
def test_an_undated_event_is_the_same_event_as_no_other():
    from kharita.merge.cluster import actors_compatible, near_enough, types_compatible

    undated, other_undated = event("a", day=None), event("b", day=None)
    assert not same_event(undated, event("b")) and not same_event(event("b"), undated)
    assert not same_event(undated, other_undated)
    assert not near_enough(undated, event("b"))
    # the other rules still answer (the actor dictionary gets the one known date, or none)
    capture = event("a", SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, day=None, actor2=None)
    handover = event("b", SubEventType.NON_VIOLENT_TRANSFER, actor2=None)
    for a, b in [(capture, handover), (capture, capture)]:
        assert types_compatible(a, b, SameName()) and actors_compatible(a, b, SameName())


@pytest.mark.issue(10)
def test_undated_reports_never_merge_in_the_store(store):
    write(store, [event("a")])
    (alone,) = write(store, [event("b", day=None)])
    assert alone.event_id == event("b").event_id and alone.event_date is None and alone.corroboration == 1
    (joined,) = write(store, [event("c")])                 # a dated report joins the dated event
    assert joined.event_id == event("a").event_id and joined.corroboration == 2
    write(store, [event("d", day=None)])
    write(store, [event("b", day=None)])                   # the same undated report again: a no-op
    assert store.count_events() == 3
    assert sorted((e.event_date is None, e.corroboration) for e in store.iter_events()) == [
        (False, 2), (True, 1), (True, 1)]


@pytest.mark.issue(10)
def test_cluster_events_keeps_each_undated_event_alone():
    clustered = cluster_events([event("a"), event("b", day=None), event("c"), event("d", day=None)])
    assert [(e.event_date, e.corroboration) for e in clustered] == [(DAY, 2), (None, 1), (None, 1)]


@pytest.mark.issue(10)
def test_the_memory_index_has_no_candidates_for_an_unknown_day():
    from kharita.merge.cluster import candidates

    index = EventIndex([event("a"), event("b", day=None)])
    assert [e.event_id for e in candidates(index, event("c"))] == [event("a").event_id]
    assert candidates(index, event("d", day=None)) == []
    assert index.events_near_by_precision(HASAKAH.lat, HASAKAH.lon, None, radius_km={1: 10.0},
                                          window_days={1: 1}) == []


@pytest.mark.issue(10)
def test_combine_keeps_a_known_date_over_an_unknown_one():
    dated, undated = event("a", time_precision=TimePrecision.MONTH), event("b", day=None)
    for merged in (combine(dated, undated), combine(undated, dated)):
        assert (merged.event_date, merged.time_precision) == (DAY, TimePrecision.MONTH)
