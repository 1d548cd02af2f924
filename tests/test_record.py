"""The flat record: ACLED's 31 columns first, in ACLED's order, and a lossless round trip."""

import datetime as dt
from dataclasses import replace

import pytest

from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, GeoPrecision, SubEventType, TimePrecision
from kharita.record import ACLED_COLUMNS, COLUMNS, from_record, to_record


def make_event() -> Event:
    source = Source(
        document_id="abc123", external_id="anf-1", url="http://example.org/a", outlet="ANF",
        published=dt.date(2015, 7, 9),
        evidence=(Evidence("trigger", 10, 19, "liberated"), Evidence("location", 20, 25, "Maruf")),
        fatalities=None, certainty=Certainty.REPORTED,
    )
    return Event(
        event_id="ev1",
        sub_event_type=SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        event_date=dt.date(2015, 7, 9),
        time_precision=TimePrecision.MONTH,
        actor1=Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY"),
        actor2=Actor("Islamic State", ActorType.REBEL_GROUP, "SY"),
        place=Place("Maruf", "SY", 36.5, 40.8, GeoPrecision.NEAR, geonameid=123, admin1="al-Hasakah"),
        territory=Territory("Maruf", "YPG: People's Protection Units", "Islamic State"),
        fatalities=3, fatalities_low=3, fatalities_best=5, fatalities_high=8,
        sources=(source,),
    )


def test_acled_columns_are_the_31_of_the_codebook_in_order():
    assert len(ACLED_COLUMNS) == 31
    assert ACLED_COLUMNS[0] == "event_id_cnty" and ACLED_COLUMNS[-1] == "timestamp"
    assert COLUMNS[:31] == ACLED_COLUMNS
    assert len(set(COLUMNS)) == len(COLUMNS)


def test_record_derives_acled_fields_from_the_event():
    row = to_record(make_event())
    assert list(row) == list(COLUMNS)
    assert row["event_type"] == "Battles"
    assert row["disorder_type"] == "Political violence"
    assert row["interaction"] == "Rebel group-Identity militia"
    assert row["country"] == "Syria" and row["iso"] == 760 and row["region"] == "Middle East"
    assert row["source"] == "ANF"
    assert row["corroboration"] == 1


def test_record_round_trips():
    event = make_event()
    assert from_record(to_record(event)) == event


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

def undated_event() -> Event:
    """An event whose report gave no date in its text and no publication date."""
    return replace(make_event(), event_date=None)


@pytest.mark.issue(10)
def test_an_unknown_date_is_empty_in_the_record_with_no_year_and_no_time_precision():
    row = to_record(undated_event())
    assert (row["event_date"], row["year"], row["time_precision"]) == (None, None, None)
    assert row["event_type"] == "Battles" and row["location"] == "Maruf"     # the rest is as coded


@pytest.mark.issue(10)
@pytest.mark.parametrize("blank", [None, "", float("nan")])
def test_an_unknown_date_reads_back_as_none_at_the_coarsest_precision(blank):
    row = {**to_record(undated_event()), "event_date": blank, "year": blank, "time_precision": blank}
    event = from_record(row)
    assert event.event_date is None and event.time_precision == TimePrecision.MONTH
    assert event == undated_event()          # make_event's precision is MONTH: the round trip is whole


@pytest.mark.issue(10)
def test_a_day_precise_undated_event_is_written_without_a_precision():
    row = to_record(replace(undated_event(), time_precision=TimePrecision.DAY))
    assert row["time_precision"] is None
