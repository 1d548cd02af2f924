"""The event coder on sentences written in several outlets' styles (real English pipeline)."""

from __future__ import annotations

import pytest

from kharita.events import classify
from kharita.events import arguments as A
from kharita.nlp.load import default_pipeline
from kharita.ontology import Certainty, SubEventType as S


@pytest.fixture(scope="module")
def nlp():
    return default_pipeline()


def types(nlp, text: str) -> list[S]:
    return [sub for sub, _trigger in classify(text, nlp)]


@pytest.mark.parametrize("text, expected", [
    # territory: who takes it and how
    ("Syrian government forces recaptured the town of Palmyra from Islamic State fighters on Sunday.",
     S.GOVERNMENT_REGAINS_TERRITORY),
    ("Kurdish fighters liberated three villages east of the city after heavy clashes.",
     S.NON_STATE_ACTOR_OVERTAKES_TERRITORY),
    ("The militants entered the town without a fight after the army withdrew.", S.NON_VIOLENT_TRANSFER),
    ("Rebels handed over the checkpoint to the police under the deal.", S.NON_VIOLENT_TRANSFER),
    # remote violence
    ("Russian warplanes bombed rebel positions near Idlib, killing seven civilians.", S.AIR_DRONE_STRIKE),
    ("A roadside bomb exploded next to an army patrol, wounding three soldiers.", S.REMOTE_EXPLOSIVE),
    ("A suicide bomber blew himself up at a checkpoint in Baghdad, killing at least 12 people.", S.SUICIDE_BOMB),
    ("Government artillery shelled the eastern districts overnight.", S.SHELLING),
    ("Unknown attackers hurled a grenade at a police station.", S.GRENADE),
    ("Activists said helicopters dropped chlorine gas on the town.", S.CHEMICAL_WEAPON),
    # violence against civilians and battles
    ("Gunmen shot dead a teacher and two farmers in the village.", S.ATTACK),
    ("The group executed four captured soldiers in the main square.", S.ATTACK),
    ("Soldiers clashed with Boko Haram militants near Maiduguri.", S.ARMED_CLASH),
    ("Militants kidnapped two aid workers on the road to the camp.", S.ABDUCTION),
    # strategic developments
    ("Police arrested 12 suspected members of the cell in a dawn raid.", S.ARRESTS),
    ("The two factions signed a ceasefire agreement in Astana.", S.AGREEMENT),
    ("A commander and his 40 fighters defected to the rebels.", S.CHANGE_TO_GROUP),
    ("Turkish forces set up a new military post south of the town.", S.HEADQUARTERS_ESTABLISHED),
    ("Fighters looted shops and burned houses after taking the village.", S.LOOTING),
    ("Thousands of civilians fled their homes as the fighting approached.", S.DISPLACEMENT),
    ("Security forces defused two explosive devices planted under a bridge.", S.DISRUPTED_WEAPONS_USE),
    # demonstrations
    ("Hundreds of teachers rallied peacefully outside parliament to demand higher pay.", S.PEACEFUL_PROTEST),
    ("Police fired tear gas to disperse the protesters.", S.PROTEST_WITH_INTERVENTION),
    ("Security forces opened fire on protesters, killing three.", S.EXCESSIVE_FORCE),
    ("Rioters torched cars and threw stones at police during the protest.", S.VIOLENT_DEMONSTRATION),
    ("A mob lynched two men accused of theft.", S.MOB_VIOLENCE),
])
def test_sub_event_type(nlp, text, expected):
    assert types(nlp, text)[:1] == [expected]


@pytest.mark.parametrize("text", [
    "Regime forces have not recaptured the neighbourhoods.",
    "The army is trying to retake the hill.",
    "Rebels will soon break into the city, a commander warned.",
    "Kurdish units prevented an ISIS takeover of the city.",
    "A massive earthquake killed hundreds of people in the mountains.",
    "The weather was fine and the market was busy.",
    "",
])
def test_no_event(nlp, text):
    assert types(nlp, text) == []


def test_classify_names_the_deciding_trigger(nlp):
    assert classify("Rebels recaptured the village.", nlp) == [(S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, "recaptured")]


def _parse(nlp, text):
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n.startswith("kharita_")]):
        doc = nlp(text)
    return doc


def _numbers(text):
    from kharita.nlp.numbers import find_numbers
    import spacy

    return find_numbers(spacy.blank("en").make_doc(text))


@pytest.mark.parametrize("text, verb, count", [
    ("ISIS gangs killed nearly 30 regime soldiers including one officer.", "killed", 30),
    ("Regime forces hanged 7 prisoners in the city center.", "hanged", 7),
    ("The strike killed dozens of people, medics said.", "strike", 12),
    ("Fighting raged all day and 14 fighters were killed.", "Fighting", 14),
    ("Rebels captured the hill.", "captured", None),
])
def test_fatalities_by_the_parse(nlp, text, verb, count):
    doc = _parse(nlp, text)
    head = next(t for t in doc if t.text == verb)
    found = A.fatalities_near(head, _numbers(text))
    assert (int(found.label) if found else None) == count


@pytest.mark.parametrize("text, certainty", [
    ("Government forces shelled the town.", Certainty.REPORTED),
    ("The YPG said its fighters captured the village.", Certainty.CLAIMED),
    ("Local sources state that regime forces had used napalm bombs in the village.", Certainty.UNCONFIRMED),
    ("Warplanes reportedly struck the market.", Certainty.UNCONFIRMED),
    ("The claim that jets struck the camp could not be verified.", Certainty.UNCONFIRMED),
])
def test_certainty(nlp, text, certainty):
    doc = _parse(nlp, text)
    trigger = next(t for t in doc if t.lemma_ in ("shell", "capture", "use", "strike"))
    assert A.certainty_of(next(iter(doc.sents)), trigger)[0] is certainty


def test_a_later_sentence_can_hedge_the_one_before(nlp):
    doc = _parse(nlp, "Regime jets bombed the village.")
    head = next(t for t in doc if t.text == "bombed")
    assert A.certainty_of(next(iter(doc.sents)), head, "This unconfirmed information spread fast.")[0] \
        is Certainty.UNCONFIRMED


@pytest.mark.parametrize("text", [
    "Russia expels diplomats from Germany, Poland and Sweden.",
    "Firefighters have gained ground in their battle to contain several wildfires.",
    "A drone captured dramatic footage of the landslides.",
])
def test_words_of_war_used_for_something_else(nlp, text):
    assert types(nlp, text) == []


def test_weapon_words_as_modifiers_and_figurative_protests(nlp):
    assert types(nlp, "Users dodge bomb-damaged buildings to reach the library.") == []
    assert S.PEACEFUL_PROTEST not in types(nlp, "The attacks demonstrate the cruelty of the regime.")


@pytest.mark.parametrize("text", [
    "Gunmen stormed the university, killing students in their classrooms.",
    "Unknown gunmen opened fire on a civilian bus near the village.",
])
def test_attacks_on_civilian_places_are_violence_against_civilians(nlp, text):
    assert types(nlp, text)[:1] == [S.ATTACK]


def test_the_classify_command(nlp):
    from click.testing import CliRunner

    from kharita.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["classify", "Turkish drones struck a car near Qamishli, killing two fighters."])
    assert result.exit_code == 0, result.output
    assert "Air/drone strike\tdrones" in result.output
    result = runner.invoke(main, ["classify", "--json", "-"], input="Police arrested 12 people.")
    assert result.exit_code == 0, result.output
    assert '"sub_event_type": "Arrests"' in result.output
    assert runner.invoke(main, ["classify", "It rained."]).output.strip() == "no event"


def test_new_units_pullbacks_and_intercepted_people(nlp):
    assert types(nlp, "A new brigade of the militia has been formed in the province.")[:1] == [S.CHANGE_TO_GROUP]
    assert types(nlp, "Hezbollah forces pulled back from the area.")[:1] == [S.CHANGE_TO_GROUP]
    assert types(nlp, "Four suspected smugglers were intercepted at the border.") == []
    assert types(nlp, "Air defences intercepted two drones over the base.")[:1] == [S.DISRUPTED_WEAPONS_USE]


@pytest.mark.parametrize("text", [
    "Police arrested two people suspected of stealing meat from a supermarket.",
    "The ruins of old coal mines lie along the trail.",
    "It has hung over our heads for a while.",
    "The editor provides a round up of the latest trends.",
])
def test_crime_arrests_and_idioms_are_no_events(nlp, text):
    assert types(nlp, text) == []
