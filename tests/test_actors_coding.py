"""Actor coding: named actors, unknown groups typed by their head noun, generic references by context."""

from __future__ import annotations

import datetime as dt

import pytest

from kharita.actors.coding import CodingContext, code_actor, find_actors
from kharita.actors.dictionary import load_default
from kharita.ontology import ActorType

JULY_2015 = dt.date(2015, 7, 9)
IS_PRESENT = CodingContext(present=frozenset({"Islamic State"}))


@pytest.fixture(scope="module", autouse=True)
def dictionary():  # type: ignore[no-untyped-def]
    return load_default()


def name(text: str, **kwargs: object) -> str | None:
    actor = code_actor(text, **kwargs)  # type: ignore[arg-type]
    return actor.name if actor else None


# -- named actors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("YPG/YPJ", "YPG: People's Protection Units"),
    ("YPG/YPJ’s defense units", "YPG: People's Protection Units"),
    ("YPG/YPJ's defense units", "YPG: People's Protection Units"),
    ("YPJ fighters", "YPJ: Women's Protection Units"),
    ("ISIS gangs", "Islamic State"),
    ("Daish", "Islamic State"),
    ("ISIL", "Islamic State"),
    ("Hay'at Tahrir al-Sham", "HTS: Hayat Tahrir al-Sham"),
    ("Jabhat an-Nusra", "Jabhat al-Nusra"),
    ("Ahrar ash-Sham", "Ahrar al-Sham"),
    ("Hashd al-Shaabi", "PMF: Popular Mobilization Forces"),
    ("Pêşmerge", "Peshmerga: Kurdistan Regional Government"),
    ("Asayiş", "Asayish: Internal Security Forces of North and East Syria"),
    ("Syriac Military Council", "Syriac Military Council"),
    ("Quwat al-Nimr", "Tiger Forces"),
    ("National Defense Forces", "NDF: National Defence Forces"),
    ("IRGC", "Military Forces of Iran (1989-)"),
    ("US-led coalition", "Global Coalition Against Daesh"),
    ("Counter-Terrorism Service", "Military Forces of Iraq (2014-)"),
])
def test_named_actors_resolve_in_their_spellings(text: str, expected: str) -> None:
    assert name(text, country="SY") == expected


def test_state_forces_abroad_are_external_forces() -> None:
    at_home = code_actor("Turkish troops", country="TR")
    abroad = code_actor("Turkish troops", country="SY")
    assert at_home.actor_type is ActorType.STATE_FORCES
    assert abroad.actor_type is ActorType.EXTERNAL_OTHER and abroad.country == "TR"


def test_transnational_groups_take_the_reports_country() -> None:
    assert code_actor("ISIS", country="IQ").country == "IQ"
    assert code_actor("ISIS", country="SY").country == "SY"


def test_the_parent_force_depends_on_the_date() -> None:
    assert code_actor("YPG", country="SY", date=JULY_2015).parent is None
    assert code_actor("YPG", country="SY", date=dt.date(2016, 3, 1)).parent == "QSD: Syrian Democratic Forces"


def test_shared_names_resolve_to_the_period_of_the_report() -> None:
    assert name("Syrian army", country="SY", date=JULY_2015) == "Military Forces of Syria (2000-)"
    assert name("Syrian army", country="SY", date=dt.date(2025, 3, 1)) == "Military Forces of Syria (2024-)"
    assert name("Turkish troops", country="SY", date=JULY_2015) == "Military Forces of Turkey (2002-2016)"
    assert name("Turkish troops", country="SY", date=dt.date(2019, 10, 9)) == "Military Forces of Turkey (2016-)"
    assert name("regime forces", country="SY", date=dt.date(2025, 3, 1)) is None     # no regime after Assad


def test_abbreviations_and_head_nouns_stay_in_one_mention() -> None:
    found = find_actors("The U.S.-led coalition jets struck. Then U.S. forces left the U.S. The army stayed.",
                        country="SY", date=JULY_2015)
    assert [(m.text, m.actor.name) for m in found] == [
        ("U.S.-led coalition jets", "Global Coalition Against Daesh"),
        ("U.S. forces", "Military Forces of the United States"),
        ("army", "Military Forces of Syria (2000-)")]


def test_acronyms_match_only_in_capitals() -> None:
    assert name("IS", country="SY") == "Islamic State"
    assert [m.text for m in find_actors("This is what it is.", country="SY")] == []
    assert [m.text for m in find_actors("IS fighters attacked", country="SY")] == ["IS fighters"]


# -- generic references ------------------------------------------------------------------------------

def test_regime_references_are_the_syrian_military_in_syria() -> None:
    for text in ("regime forces", "regime soldiers", "Assad forces", "the regime", "Syrian regime forces"):
        assert name(text, country="SY", date=JULY_2015) == "Military Forces of Syria (2000-)", text


def test_kurdish_fighters_depend_on_the_country() -> None:
    assert name("Kurdish fighters", country="SY") == "YPG: People's Protection Units"
    assert name("Kurdish fighters", country="IQ") == "Peshmerga: Kurdistan Regional Government"


def test_jihadists_are_the_islamic_state_only_when_it_is_named() -> None:
    assert name("the jihadists", country="SY", context=IS_PRESENT) == "Islamic State"
    # unnamed, they are ACLED's unidentified armed group of the country (issue 10)
    assert name("the jihadists", country="SY") == "Unidentified Armed Group (Syria)"
    assert name("militants", country="IN") == "Unidentified Armed Group (India)"


def test_gangs_are_the_islamic_state_in_kurdish_outlets() -> None:
    assert name("gangs", country="SY", context=CodingContext(outlet="ANF (Firat News Agency)")) == "Islamic State"
    assert name("gangs", country="SY", context=IS_PRESENT) == "Islamic State"
    assert name("gangs", country="SY", context=CodingContext(outlet="Reuters")) == "Unidentified Armed Group (Syria)"


def test_civilians_take_the_country() -> None:
    for text in ("civilians", "residents", "families"):
        actor = code_actor(text, country="SY")
        assert actor.name == "Civilians (Syria)" and actor.actor_type is ActorType.CIVILIANS
    assert name("civilians", country="IQ") == "Civilians (Iraq)"
    assert name("protesters", country="TR") == "Protesters (Turkey)"
    assert name("unidentified gunmen", country="IQ") == "Unidentified Armed Group (Iraq)"


def test_a_generic_reference_without_a_country_is_not_guessed() -> None:
    assert code_actor("civilians") is None


# -- unknown named groups ----------------------------------------------------------------------------

def test_forces_loyal_to_a_person_are_a_new_political_militia() -> None:
    actor = code_actor("forces loyal to Abu Khalid al-Homsi", country="SY")
    assert actor.new and actor.name == "Forces loyal to Abu Khalid al-Homsi"
    assert actor.actor_type is ActorType.POLITICAL_MILITIA


def test_a_tribe_is_a_new_identity_militia() -> None:
    actor = code_actor("the Bu Hamad tribe", country="SY")
    assert actor.new and actor.name == "Bu Hamad Tribal Militia (Syria)"
    assert actor.actor_type is ActorType.IDENTITY_MILITIA


def test_brigades_and_liwa_are_new_rebel_groups() -> None:
    for text, expected in (("the Ahfad al-Rasoul Brigade", "Ahfad al-Rasoul Brigade"),
                           ("Liwa Ahfad al-Rasoul", "Liwa Ahfad al-Rasoul")):
        actor = code_actor(text, country="SY")
        assert actor.new and actor.name == expected and actor.actor_type is ActorType.REBEL_GROUP


def test_named_fighters_keep_their_name() -> None:
    actor = code_actor("Abu Amara fighters", country="SY")
    assert actor.new and actor.name == "Abu Amara"


def test_a_demonym_before_a_military_head_is_that_state() -> None:
    actor = code_actor("Egyptian Border Forces", country="SY")
    assert actor.name == "Military Forces of Egypt" and not actor.new
    assert actor.actor_type is ActorType.EXTERNAL_OTHER


def test_ethnic_fighters_are_an_identity_militia() -> None:
    actor = code_actor("Turkmen fighters", country="SY")
    assert actor.name == "Turkmen Ethnic Militia (Syria)" and actor.actor_type is ActorType.IDENTITY_MILITIA


def test_sentence_words_do_not_make_groups() -> None:
    assert code_actor("Some fighters", country="SY") is None
    assert code_actor("Several Brigades", country="SY") is None
    assert code_actor("Fire fighters", country="SY") is None


def test_descriptive_compounds_are_not_part_of_a_new_name() -> None:
    actor = code_actor("Iran-backed Zulfiqar fighters", country="SY")
    assert actor.new and actor.name == "Zulfiqar"
    assert code_actor("US-backed fighters", country="SY") is None


def test_a_possessive_country_before_a_military_head_is_that_state() -> None:
    assert code_actor("Ukraine's Joint Forces", country="UA").name == "Military Forces of Ukraine"
    assert code_actor("South West State's militiamen", country="SO").name == "South West State"


def test_nothing_is_coded_from_text_without_actors() -> None:
    assert code_actor("", country="SY") is None
    assert code_actor("   ", country="SY") is None
    assert code_actor("the weather was fine", country="SY") is None


# -- a whole text ---------------------------------------------------------------------------------------

TEXT = ("ISIS gangs had occupied Panorama without a fight after muqannains, forces loyal to Ahmet Helle, "
        "switched sides. This caused civilians to migrate and regime soldiers to seek refuge in YPG. "
        "The Democratic Autonomous Administration placed the migrating civilians in a camp. "
        "Regime forces are getting reinforcements from the Şihêtat tribe; some claim they are Hecdıl Şebap fighters.")


def test_a_report_gives_offsets_and_codes_for_every_party() -> None:
    found = find_actors(TEXT, date=JULY_2015, outlet="ANF")
    by_text = {m.text: m for m in found}
    for m in found:
        assert TEXT[m.start:m.end] == m.text
    assert by_text["ISIS gangs"].actor.name == "Islamic State"
    assert by_text["regime soldiers"].actor.name == "Military Forces of Syria (2000-)"
    assert by_text["regime soldiers"].generic and not by_text["YPG"].generic
    assert by_text["civilians"].actor.name == "Civilians (Syria)"       # the country inferred from the text
    assert by_text["Şihêtat tribe"].actor.actor_type is ActorType.IDENTITY_MILITIA
    assert by_text["Hecdıl Şebap fighters"].actor.name == "Hajdal Shabab"
    assert by_text["forces loyal to Ahmet Helle"].actor.name == by_text["muqannains"].actor.name
    authority = by_text["Democratic Autonomous Administration"].actor
    assert not load_default().is_armed(authority.name)


def test_mentions_do_not_overlap_and_come_in_text_order() -> None:
    found = find_actors(TEXT, country="SY")
    starts = [m.start for m in found]
    assert starts == sorted(starts)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start


def test_excluded_spans_are_not_actors() -> None:
    text = "Hasakah fighters clashed with ISIS."
    assert [m.text for m in find_actors(text, country="SY")] == ["Hasakah fighters", "ISIS"]
    assert [m.text for m in find_actors(text, country="SY", exclude=[(0, 7)])] == ["ISIS"]
