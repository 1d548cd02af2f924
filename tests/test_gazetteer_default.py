"""The embedded default gazetteer on the seed report: every place found, placed, and nothing else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kharita.gazetteer import geoparse, load_default
from kharita.gazetteer.ranking import place_distance_km
from kharita.models import Place
from kharita.ontology import GeoPrecision

SEED = (Path(__file__).parent.parent / "examples" / "seed" / "article.txt").read_text(encoding="utf-8")

# Where each seed mention truly is (GeoNames for towns; published descriptions for districts,
# villages and the hill), and the gold location name of examples/seed/gold.jsonl.
TRUTH = {
    "Hesekê": ("al-Hasakah", 36.5024, 40.7477),
    "Hasakah": ("al-Hasakah", 36.5024, 40.7477),
    "Wiran": ("al-Hasakah - Ghuwayran", 36.485, 40.755),
    "Neşwa": ("al-Hasakah - Nashwa", 36.490, 40.730),
    "Ezizi": ("al-Hasakah - Aziziyah", 36.512, 40.745),
    "Eziziye": ("al-Hasakah - Aziziyah", 36.512, 40.745),
    "Panorama": ("al-Hasakah - Panorama", 36.472, 40.745),
    "Vilayet-i Sor": ("al-Hasakah - Villat al-Humr", 36.500, 40.775),
    "Red Houses": ("al-Hasakah - Villat al-Humr", 36.500, 40.775),
    "Kew Kep": ("Jabal Kawkab", 36.578, 40.900),
    "Maruf": ("Maruf", 36.51, 40.85),
    "Hamra": ("Hamra", 36.49, 40.84),
    "Ebyad": ("Abyad", 36.49, 40.64),
    "Pıra Spî": ("Abyad", 36.49, 40.64),
    "Hool": ("al-Hawl", 36.3904, 41.1498),
    "Derik": ("al-Malikiyah", 37.177, 42.140),
    "Raqqa": ("Raqqa", 35.9528, 39.0079),
    "Dêra Zor": ("Deir ez-Zor", 35.144, 40.317),
}


@pytest.fixture(scope="module")
def seed_toponyms():
    return geoparse(SEED, published=dt.date(2015, 7, 9))


def _point(lat: float, lon: float) -> Place:
    return Place(name="", country_code="", lat=lat, lon=lon)


def test_every_seed_place_resolves_within_10_km(seed_toponyms):
    found = {t.text: t for t in seed_toponyms}
    missing = set(TRUTH) - set(found)
    assert not missing, f"not found: {missing}"
    for text, (name, lat, lon) in TRUTH.items():
        place = found[text].place
        assert place is not None, text
        assert place.name == name, (text, place.name)
        assert place_distance_km(place, _point(lat, lon)) <= 10, (text, place)
        assert place.country_code == "SY"


def test_seed_admin1_names_match_the_gold(seed_toponyms):
    for t in seed_toponyms:
        assert t.place is not None
        expected = "Deir ez-Zor" if t.text == "Dêra Zor" else "ar-Raqqah" if t.text == "Raqqa" else "al-Hasakah"
        assert t.place.admin1 == expected, (t.text, t.place.admin1)


def test_relations_resolve_at_precision_two(seed_toponyms):
    by_start = {t.start: t for t in seed_toponyms}
    east = by_start[SEED.index("Hesekê, which")]
    assert east.relation == "east of" and east.place.precision == GeoPrecision.NEAR
    road = [t for t in seed_toponyms if t.relation == "between"]
    assert [t.text for t in road] == ["Raqqa", "Hesekê"]
    assert all(t.place.precision == GeoPrecision.NEAR for t in road)
    bridge = by_start[SEED.index("Pıra Spî")]
    assert bridge.place.name == "Abyad" and bridge.place.precision == GeoPrecision.NEAR
    region = next(t for t in seed_toponyms if t.text == "Dêra Zor")
    assert region.cue == "region" and region.place.precision == GeoPrecision.REGION


def test_cue_words_are_read(seed_toponyms):
    cues = {t.text: t.cue for t in seed_toponyms if t.cue}
    assert cues["Maruf"] == cues["Hamra"] == "village"                   # "Maruf and Hamra villages"
    assert cues["Kew Kep"] == "hill" and cues["Eziziye"] == "neighbourhood"
    assert cues["Roj Camp"] == "camp"


def test_napalm_is_never_a_place(seed_toponyms):
    assert "Napalm" not in {t.text for t in seed_toponyms}
    assert geoparse("Regime forces used Napalm bombs on the village.") == []


def test_common_words_are_not_places():
    text = "Clashes continued. Local sources said the Regime sent reinforcements. Of course."
    assert geoparse(text) == []


def test_unknown_cue_named_place_takes_the_reference_at_precision_two():
    text = "Fighters took Zirqotelo village east of Hesekê on Monday."
    by_text = {t.text: t for t in geoparse(text)}
    assert by_text["Zirqotelo"].place.name == "al-Hasakah"
    assert by_text["Zirqotelo"].place.precision == GeoPrecision.NEAR
    assert by_text["Zirqotelo"].relation == "east of Hesekê"


def test_distance_relation_is_read():
    [t] = geoparse("Shells fell 3 km south of Qamişlo.")
    assert t.relation == "3 km south of" and t.place.name == "al-Qamishli"
    assert t.place.precision == GeoPrecision.NEAR


def test_world_cities_resolve_without_context():
    [paris] = geoparse("The talks were held in Paris.")
    assert paris.place.geonameid == 2988507
    assert load_default().candidates("Mosul")[0].place.country_code == "IQ"
    assert load_default().candidates("Gaziantep")[0].place.country_code == "TR"


@pytest.mark.parametrize("text, names", [
    ("Students marched from the University of Wisconsin-Milwaukee campus.", ["Wisconsin", "Milwaukee"]),
    ("Shells landed on the Afghanistan-Pakistan border.", ["Afghanistan", "Pakistan"]),
    ("Al-Qaeda and Pro-Russian fighters met at Franco-German talks.", []),
])
def test_places_joined_by_a_hyphen_are_each_a_place(text, names):
    assert [t.text for t in geoparse(text)] == names


def test_empty_and_whitespace_texts_have_no_places():
    assert geoparse("") == [] and geoparse("  \n\t ") == []


def test_arabic_script_and_turkish_spellings_resolve():
    gaz = load_default()
    assert gaz.candidates("الحسكة", country="SY")[0].place.geonameid == 173811
    assert gaz.candidates("القامشلي", country="SY")[0].place.geonameid == 173377
    found = {t.text: t.place for t in geoparse("Kamışlı ve Musul'da çatışmalar.")}
    assert found["Kamışlı"].geonameid == 173377
    assert found["Musul"].country_code == "IQ"


def test_governorates_districts_and_sentence_context():
    found = {t.text: t for t in geoparse(
        "Fighting in Homs and Aleppo Governorates. Protests in Qamishli's Hilaliyah neighbourhood. "
        "In Iraq, gunmen attacked a checkpoint near Kirkuk and in Sinjar. Shelling hit Ain Issa countryside.")}
    assert found["Homs"].place.feature_code == "ADM1" and found["Aleppo"].place.feature_code == "ADM1"
    assert found["Homs"].place.precision == GeoPrecision.REGION
    assert found["Hilaliyah"].place.name == "al-Qamishli - Hilaliyah"
    assert found["Hilaliyah"].place.admin1 == "al-Hasakah"
    assert found["Sinjar"].place.country_code == "IQ"              # the sentence is about Iraq
    assert found["Ain Issa"].place.precision == GeoPrecision.NEAR  # a town's countryside


def test_capitalised_datelines_are_places_and_acronyms_are_not():
    found = [t.text for t in geoparse("DAMASCUS (Reuters) - UNICEF and NATO said ISIS and the SDF fought in RAQQA.")]
    assert found == ["DAMASCUS", "RAQQA"]


def test_a_name_a_place_goes_by_weighs_more_than_the_same_name_as_another_place_s_other_name():
    from kharita.gazetteer import ranking

    [city] = [c.place for c in load_default().candidates("Ecatepec de Morelos") if c.place.feature_code == "PPL"][:1]
    own = ranking.score(city, "exact", primary=True)
    other = ranking.score(city, "exact", primary=False)
    assert other < own
    assert round(own - other, 4) == round(ranking.WEIGHTS["match"] * ranking.SECONDARY_NAME_PENALTY, 4)
