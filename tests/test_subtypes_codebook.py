"""Sub-event types the ACLED codebook ties to what the sentence says (issue 10): raids, captures,
arrests at protests, what a protest is about, names that hold a trigger word. Sentences written
for these tests, each told more than one way, through the real English pipeline."""

from __future__ import annotations

import pytest

from kharita.actors import load_default
from kharita.events.coder import classify
from kharita.nlp.load import default_pipeline
from kharita.ontology import SubEventType as S

pytestmark = pytest.mark.issue(10)


@pytest.fixture(scope="module")
def nlp():
    return default_pipeline()


def types(nlp, text: str) -> list[S]:
    return [sub for sub, _ in classify(text, nlp)]


@pytest.mark.parametrize("text", [
    "Syrian forces recaptured the village of Tal Hamis on Monday.",
    "The village of Tal Hamis was recaptured by Syrian forces on Monday.",
    "Soldiers took the town of Marib after two days of fighting.",
    "The army said it recovered control of three villages from the rebels.",
    "Chadian troops retook the town from the insurgents on Tuesday.",
])
def test_state_forces_taking_a_place_regain_territory(nlp, text):
    assert types(nlp, text)[0] is S.GOVERNMENT_REGAINS_TERRITORY


@pytest.mark.parametrize("text", [
    "Rebels took the city on Monday after government troops fled.",
    "The insurgents said they took the town overnight.",
])
def test_a_non_state_group_taking_a_place_overtakes_territory(nlp, text):
    assert types(nlp, text)[0] is S.NON_STATE_ACTOR_OVERTAKES_TERRITORY


def test_a_state_s_own_forces_answer_to_its_demonym():
    dictionary = load_default()
    for name in ("Syrian forces", "UK troops", "Israeli armed forces", "Burmese soldiers"):
        entry = dictionary.get(name)
        assert entry is not None and entry.name.startswith("Military Forces of"), name


@pytest.mark.parametrize("text", [
    "Police seized three landmines and two grenades from a hideout near the village.",
    "Two rifles and a landmine were seized by soldiers at a checkpoint.",
])
def test_seized_weapons_are_disrupted_weapons_use_not_territory(nlp, text):
    assert types(nlp, text) == [S.DISRUPTED_WEAPONS_USE]


@pytest.mark.parametrize("text", [
    "The rebels suffered heavy losses in raids by army helicopters.",
    "Army helicopters carried out raids on rebel hideouts, killing nine fighters.",
])
def test_raids_by_aircraft_are_air_strikes(nlp, text):
    assert types(nlp, text)[0] is S.AIR_DRONE_STRIKE


@pytest.mark.parametrize("text", [
    "Troops detained 20 people in overnight raids across the province.",
    "Soldiers conducted raids to arrest members of the banned party.",
    "Twenty people were detained in a series of night raids by the police.",
])
def test_raids_that_detain_people_are_arrests(nlp, text):
    assert types(nlp, text) == [S.ARRESTS]


@pytest.mark.parametrize("text", [
    "Three activists were detained while trying to hold a demonstration outside parliament.",
    "Police detained six people during an attempt to protest against the verdict.",
])
def test_arrests_at_an_attempted_protest_are_its_intervention(nlp, text):
    assert types(nlp, text) == [S.PROTEST_WITH_INTERVENTION]


@pytest.mark.parametrize("text, expected", [
    ("Thousands of protesters marched against the government's plan for mass arrests of migrants.",
     S.PEACEFUL_PROTEST),
    ("Hundreds of students rallied in the capital to decry the detention of their leaders.", S.PEACEFUL_PROTEST),
    ("Workers held a rally against police violence in the port city.", S.PEACEFUL_PROTEST),
    ("Rights groups condemned the incident in which police used excessive force to disperse protesters.",
     S.EXCESSIVE_FORCE),
    ("Police attacked a human chain formed by students in the city centre.", S.PROTEST_WITH_INTERVENTION),
])
def test_what_a_protest_is_about_is_not_what_was_done_to_it(nlp, text, expected):
    assert types(nlp, text)[0] is expected


@pytest.mark.parametrize("text", [
    "Government of National Accord forces withdrew from the town.",
    "Two suicide bombers blew themselves up at the Internally Displaced Persons Camp in Bama.",
])
def test_a_trigger_word_inside_a_name_tells_no_event(nlp, text):
    found = types(nlp, text)
    assert S.AGREEMENT not in found and S.DISPLACEMENT not in found


def test_a_crackdown_that_names_another_event_is_that_event(nlp):
    assert types(nlp, "In a new crackdown on the insurgents, soldiers recaptured two villages.") == [
        S.GOVERNMENT_REGAINS_TERRITORY]


def test_a_die_in_is_no_death(nlp):
    assert types(nlp, "Students staged a die-in outside the ministry to demand climate action.") == [
        S.PEACEFUL_PROTEST]


def test_a_place_handed_over_is_a_non_violent_transfer(nlp):
    assert types(nlp, "The rebels regained control of the district when peacekeepers handed authority over "
                      "to them.") == [S.NON_VIOLENT_TRANSFER]


def test_a_deadly_raid_is_the_fight_not_the_arrests(nlp):
    found = types(nlp, "Soldiers killed two militants and detained three others in a raid on a farm.")
    assert found and found[0] is not S.ARRESTS


@pytest.mark.parametrize("text", [
    "Security Review - March 3, 2021: six soldiers were killed in an ambush near the border.",
    "Six soldiers were killed in an ambush near the border, the report of March 4 said.",
])
def test_a_month_is_no_march(nlp, text):
    assert not {sub for sub in types(nlp, text)} & {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION,
                                                       S.EXCESSIVE_FORCE}


@pytest.mark.parametrize("text", [
    "Police caught a gang that was engaged in stealing cars across the city.",
    "Four children died after drinking contaminated water in the village.",
])
def test_an_occupation_or_a_death_alone_is_no_conflict_event(nlp, text):
    assert types(nlp, text) == []


def test_troops_engaged_with_rebels_fought(nlp):
    assert types(nlp, "Troops engaged with rebels near the border on Monday.") == [S.ARMED_CLASH]
