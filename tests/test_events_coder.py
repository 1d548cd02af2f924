"""EventCoder end to end on short reports written in other outlets' styles (real pipeline, the
packaged gazetteer and actor dictionary)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kharita.events import EventCoder
from kharita.models import Document
from kharita.nlp.load import default_pipeline
from kharita.ontology import Certainty, SubEventType as S, TimePrecision


@pytest.fixture(scope="module")
def coder():
    return EventCoder(default_pipeline())


def code(coder, text: str, published: str, outlet: str = "test"):
    return coder.code(Document.from_text(text, published=dt.date.fromisoformat(published), outlet=outlet))


def km(place, lat: float, lon: float) -> float:
    dlat, dlon = math.radians(place.lat - lat), math.radians(place.lon - lon)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat)) * math.cos(math.radians(place.lat)) * math.sin(dlon / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_a_wire_report_of_a_recapture(coder):
    (event,) = code(coder, "DAMASCUS (Reuters) - Syrian government forces recaptured the ancient city of Palmyra "
                           "from Islamic State on Sunday, state media said.", "2016-03-28")
    assert event.sub_event_type is S.GOVERNMENT_REGAINS_TERRITORY
    assert event.actor1.name.startswith("Military Forces of Syria")
    assert event.actor2 is not None and event.actor2.name == "Islamic State"
    assert km(event.place, 34.56, 38.27) < 10                    # Palmyra, not the Damascus dateline
    assert (event.event_date, event.time_precision) == (dt.date(2016, 3, 27), TimePrecision.DAY)
    assert event.certainty is Certainty.CLAIMED
    assert event.territory is not None and event.territory.new_controller == event.actor1.name


def test_an_air_strike_with_its_dead_and_an_arrest_elsewhere(coder):
    events = code(coder, "IDLIB, Syria (SOHR) - Regime warplanes carried out 12 air strikes on Khan Shaykhun "
                         "on Tuesday, killing five civilians including two children. Meanwhile, Asayish forces "
                         "arrested three suspected Islamic State members in Qamishli.", "2019-05-29")
    by_type = {e.sub_event_type: e for e in events}
    assert set(by_type) == {S.AIR_DRONE_STRIKE, S.ARRESTS}
    strike = by_type[S.AIR_DRONE_STRIKE]
    assert strike.fatalities == 5 and strike.event_date == dt.date(2019, 5, 28)
    assert km(strike.place, 35.44, 36.65) < 10
    arrest = by_type[S.ARRESTS]
    assert km(arrest.place, 37.05, 41.22) < 15 and arrest.certainty is Certainty.REPORTED
    fields = {e.field for e in strike.sources[0].evidence}
    assert {"trigger", "sentence", "actor1", "location", "date", "fatalities"} <= fields


def test_negated_planned_and_attempted_events_are_dropped(coder):
    assert code(coder, "YPG fighters have not withdrawn from Kobani. ISIS gangs are trying to enter the city "
                       "from the east. The gangs will soon launch a new attack on Kobani, local sources claimed.",
                "2014-10-06") == []


def test_coordinated_places_give_one_territorial_event_each(coder):
    events = code(coder, "Kurdish YPG fighters captured the towns of Tal Abyad and Ain Issa from Islamic State "
                         "after heavy clashes.", "2015-06-24")
    assert [e.sub_event_type for e in events] == [S.NON_STATE_ACTOR_OVERTAKES_TERRITORY] * 2
    assert len({e.place.key for e in events}) == 2
    assert len({e.event_id for e in events}) == 2


def test_a_report_without_events(coder):
    assert code(coder, "The weather in Aleppo was mild and the markets were busy.", "2020-01-01") == []


def test_a_toll_told_in_the_next_sentence_belongs_to_the_event(coder):
    (event,) = code(coder, "ALEPPO (SOHR) - Russian warplanes struck the town of Maarat al-Numan on Monday. "
                           "Seven civilians, including three children, were killed in the strikes, the Observatory "
                           "said.", "2019-06-04")
    assert event.sub_event_type is S.AIR_DRONE_STRIKE
    assert event.fatalities == 7
    assert event.event_date == dt.date(2019, 6, 3)


def test_counts_of_both_sides_add_up(coder):
    (event,) = code(coder, "Islamic State fighters attacked an army checkpoint near Deir ez-Zor on Friday. "
                           "Twelve soldiers and five militants were killed in the fighting.", "2019-06-04")
    assert event.sub_event_type is S.ARMED_CLASH
    assert event.fatalities == 17


def test_unnamed_perpetrators_and_crowds_get_acled_generic_actors(coder):
    (bomb,) = code(coder, "HOMS - A car bomb exploded near a checkpoint in Homs yesterday, killing eight people.",
                   "2019-06-04")
    assert bomb.sub_event_type is S.REMOTE_EXPLOSIVE and bomb.fatalities == 8
    assert bomb.actor1.name == "Unidentified Armed Group (Syria)"
    (rally,) = code(coder, "Thousands of Iraqis rallied peacefully in Basra on Friday to demand jobs.", "2019-06-04")
    assert rally.sub_event_type is S.PEACEFUL_PROTEST
    assert rally.actor1.name == "Protesters (Iraq)" and rally.actor2 is None


def test_the_target_of_a_bombing_is_actor2(coder):
    (event,) = code(coder, "An IED exploded near Raqqa on Monday, killing three SDF fighters.", "2019-06-04")
    assert event.actor2 is not None and event.actor2.name == "QSD: Syrian Democratic Forces"
    assert event.fatalities == 3


def test_civilian_victims_are_coded_as_civilians_of_the_country(coder):
    (event,) = code(coder, "Gunmen shot dead a teacher and two farmers in Daraa on Sunday.", "2019-06-04")
    assert event.sub_event_type is S.ATTACK
    assert event.actor1.name == "Unidentified Armed Group (Syria)"
    assert event.actor2 is not None and event.actor2.name == "Civilians (Syria)"
    assert event.civilian_targeting


def test_a_district_named_with_its_city_is_one_place(coder):
    events = code(coder, "Thousands of civilians fled Mosul's Old City last week as Iraqi forces and Islamic "
                         "State militants fought street by street.", "2017-07-10")
    displaced = [e for e in events if e.sub_event_type is S.DISPLACEMENT]
    assert len(displaced) == 1
    assert km(displaced[0].place, 36.34, 43.13) < 10
    assert displaced[0].time_precision is TimePrecision.WEEK


def test_a_place_named_to_say_where_another_is_gives_no_event_of_its_own(coder):
    events = code(coder, "Clashes between regime forces and Hayat Tahrir al-Sham continued on the frontlines of "
                         "Kafr Nabl in the southern countryside of Idlib on Tuesday.", "2019-12-24")
    assert len(events) == 1
    assert km(events[0].place, 35.61, 36.56) < 10        # Kafr Nabl, not Idlib city


def test_a_headline_toll_without_a_killer_is_not_an_attack_on_civilians(coder):
    assert code(coder, "Syrian Observatory: 23 killed as fighting rages in Idlib countryside", "2019-12-24") == []


def test_a_headline_and_its_dated_lead_are_one_event_and_destinations_are_not_origins(coder):
    events = code(coder, "Turkish army attacked Serêkaniyê\n\nSerêkaniyê (ANF) - The Turkish army launched a ground "
                         "attack on Serêkaniyê on Sunday. Thousands of people have fled towards Hesekê.",
                  "2019-10-14", outlet="ANF")
    clashes = [e for e in events if e.sub_event_type is S.ARMED_CLASH]
    assert len(clashes) == 1 and clashes[0].event_date == dt.date(2019, 10, 13)
    (displaced,) = [e for e in events if e.sub_event_type is S.DISPLACEMENT]
    assert km(displaced.place, 36.85, 40.07) < 10          # Ras al-Ayn, not al-Hasakah


def test_a_handover_told_from_both_sides_is_one_transfer_to_the_newcomer(coder):
    (event,) = code(coder, "HASAKAH (ANHA) - YPG fighters entered the Nashwa neighbourhood of al-Hasakah without a "
                           "fight on August 9, after regime forces withdrew from their positions there overnight.",
                    "2016-08-10")
    assert event.sub_event_type is S.NON_VIOLENT_TRANSFER
    assert event.actor1.name == "YPG: People's Protection Units"
    assert event.actor2 is not None and event.actor2.name.startswith("Military Forces of Syria")
    assert event.territory is not None and event.territory.new_controller == event.actor1.name


def test_its_fighters_are_the_speakers_and_a_government_fights_with_its_army(coder):
    (taken,) = code(coder, "HASAKAH (ANHA) - The YPG said its fighters took control of the Aziziyah neighbourhood "
                           "in northern al-Hasakah on August 22 after clashes with regime forces.", "2016-08-23")
    assert taken.actor1.name == "YPG: People's Protection Units" and taken.certainty is Certainty.CLAIMED
    (strike,) = code(coder, "Syrian government warplanes bombed Kurdish positions in the Nashwa district of "
                            "Hasakah on August 3.", "2016-08-04")
    assert strike.actor1.name.startswith("Military Forces of Syria")
