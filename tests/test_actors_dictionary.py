"""The actor dictionary: loading, validation errors that name the fix, alias resolution, parents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from kharita.actors.dictionary import ActorDictionary, fold, load_default, name_key, words
from kharita.errors import DictionaryError
from kharita.ontology import ActorType

SMALL = Path(__file__).parent / "data" / "actors_small.yaml"


@pytest.fixture(scope="module")
def small() -> ActorDictionary:
    return ActorDictionary.load(SMALL)


@pytest.fixture(scope="module")
def packaged() -> ActorDictionary:
    return load_default()


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "actors.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# -- keys -------------------------------------------------------------------------------------------

def test_fold_keeps_length_so_offsets_stay_valid() -> None:
    text = "Şihêtat İŞİD Hecdıl Şebap’s"
    assert len(fold(text)) == len(text)
    assert fold(text) == "sihetat isid hecdil sebap's"


def test_name_key_drops_articles_possessives_and_the() -> None:
    assert name_key("Ahrar ash-Sham") == name_key("Ahrar al-Sham") == name_key("ahrar al Sham")
    assert name_key("Assad's forces") == name_key("Assad forces")
    assert name_key("the Islamic State of Iraq and the Levant") == "islamic state of iraq and levant"
    assert name_key("as Nusra") == "as nusra"            # "as" is English unless hyphenated


def test_words_give_offsets_into_the_original_text() -> None:
    text = "the YPG/YPJ’s units"
    assert [(text[w.start:w.end], w.upper) for w in words(text)] == [("YPG", True), ("YPJ", True), ("units", False)]


# -- loading and validation -------------------------------------------------------------------------

def test_the_packaged_dictionary_loads_and_covers_syria_and_iraq(packaged: ActorDictionary) -> None:
    counts = packaged.summary()
    assert counts["listed"] >= 100 and counts["aliases_listed"] >= 900
    assert counts["country:SY"] >= 50 and counts["country:IQ"] >= 20
    for name in ("Military Forces of Syria (2000-)", "Islamic State", "YPG: People's Protection Units",
                 "QSD: Syrian Democratic Forces", "PMF: Popular Mobilization Forces", "Hezbollah",
                 "Civilians (Syria)", "Unidentified Armed Group (Iraq)", "Protesters (Turkey)", "Rioters (Iraq)",
                 "Police Forces of Lebanon", "Military Forces of Brazil"):
        assert name in packaged, name


def test_missing_file_names_the_path_and_the_default(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match="No actor dictionary at .*packaged one"):
        ActorDictionary.load(tmp_path / "nope.yaml")


def test_bad_actor_type_names_the_entry_and_the_allowed_types(tmp_path: Path) -> None:
    path = _write(tmp_path, {"actors": [{"name": "Some Brigade", "type": "Rebels"}]})
    with pytest.raises(DictionaryError) as err:
        ActorDictionary.load(path, generate=False)
    message = str(err.value)
    assert str(path) in message and "'Some Brigade'" in message and "field type" in message
    assert "Rebel group" in message and "Identity militia" in message


def test_bad_country_code_and_unknown_field_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, {"actors": [{"name": "X Front", "type": "Rebel group", "country": "Syria",
                                         "alias": ["X"]}]})
    with pytest.raises(DictionaryError) as err:
        ActorDictionary.load(path, generate=False)
    assert "ISO 3166-1 alpha-2" in str(err.value) and "alias" in str(err.value)


def test_unknown_parent_and_duplicates_are_errors(tmp_path: Path) -> None:
    orphan = _write(tmp_path, {"actors": [{"name": "A Brigade", "type": "Rebel group", "parent": "Nobody"}]})
    with pytest.raises(DictionaryError, match="parent 'Nobody'.*not in the dictionary"):
        ActorDictionary.load(orphan, generate=False)
    twice = _write(tmp_path, {"actors": [{"name": "A Brigade", "type": "Rebel group"}] * 2})
    with pytest.raises(DictionaryError, match="listed twice"):
        ActorDictionary.load(twice, generate=False)


def test_invalid_yaml_says_how_to_quote(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - name: YPG: People's Protection Units\n    type: Rebel group\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="(?s)not valid YAML.*Quote names"):
        ActorDictionary.load(path)


def test_country_code_read_as_a_boolean_says_to_quote_it(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("countries:\n  NO: {demonyms: [Norwegian]}\nactors:\n  - {name: A Front, type: Rebel group}\n",
                    encoding="utf-8")
    with pytest.raises(DictionaryError, match='quote it: "NO"'):
        ActorDictionary.load(path, generate=False)


def test_generic_rule_naming_an_unknown_actor_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, {"actors": [{"name": "A Brigade", "type": "Rebel group"}],
                             "generic": [{"phrases": ["rebels"], "resolve": {"SY": "B Brigade"}}]})
    with pytest.raises(DictionaryError, match="generic rule 1 .*'B Brigade'"):
        ActorDictionary.load(path, generate=False)


# -- resolution -------------------------------------------------------------------------------------

def test_dated_and_undated_names_are_the_same_actor(small: ActorDictionary) -> None:
    assert small.canonical("Military Forces of Syria") == "Military Forces of Syria (2000-)"
    assert small.is_same("Military Forces of Syria", "Military Forces of Syria (2000-)")
    assert small.is_same("Syrian army", "SAA")
    assert not small.is_same("Syrian army", "Islamic State")


def test_aliases_map_every_name_to_its_canonical_name(small: ActorDictionary) -> None:
    aliases = small.aliases()
    assert aliases["YPG/YPJ"] == "YPG: People's Protection Units"
    assert aliases["Daesh"] == "Islamic State"
    assert aliases["Civilians (Syria)"] == "Civilians (Syria)"


def test_get_is_case_and_accent_insensitive_and_unknown_names_stay_as_written(small: ActorDictionary) -> None:
    assert small.get("daesh").name == "Islamic State"
    assert small.get("Forces loyal to Nobody") is None
    assert small.canonical("  Forces  loyal to Nobody ") == "Forces loyal to Nobody"


def test_new_actors_compare_by_their_distinctive_words(small: ActorDictionary) -> None:
    assert small.is_same("Shaitat tribal militia", "Şihêtat tribe")
    assert small.is_same("Muqannain militia (loyal to Ahmet Helle)", "Forces loyal to Ahmet Helle")
    assert not small.is_same("Syrian forces", "QSD: Syrian Democratic Forces")
    assert not small.is_same("Forces loyal to Ahmet Helle", "Forces loyal to Ahmad Jarba")
    assert small.is_same(None, None) and not small.is_same("SDF", None)


def test_parent_forces_are_compatible_only_while_the_parent_holds(small: ActorDictionary) -> None:
    before, after = dt.date(2015, 7, 9), dt.date(2016, 1, 1)
    assert small.compatible("YPG", "SDF", after)
    assert not small.compatible("YPG", "SDF", before)
    assert small.compatible("YPJ", "YPG", before)
    assert small.compatible("YPJ", "SDF", after)          # through the YPG
    assert not small.is_same("YPJ", "YPG")
    assert not small.compatible("YPG", "Islamic State", after)


def test_entries_answer_validity_and_parent_by_date(small: ActorDictionary) -> None:
    ypg = small.get("YPG")
    assert ypg.to_actor(date=dt.date(2015, 7, 9)).parent is None
    assert ypg.to_actor(date=dt.date(2016, 7, 9)).parent == "QSD: Syrian Democratic Forces"
    assert not small.get("SDF").valid_on(dt.date(2014, 1, 1))


def test_generated_country_actors_take_demonym_aliases(packaged: ActorDictionary) -> None:
    assert packaged.canonical("Lebanese army") == "Military Forces of Lebanon"
    assert packaged.canonical("Turkish troops") == "Military Forces of Turkey (2016-)"
    assert packaged.get("Civilians (Iraq)").actor_type is ActorType.CIVILIANS
    assert packaged.get("Protesters (Syria)").country == "SY"


def test_political_authorities_are_not_armed(packaged: ActorDictionary) -> None:
    assert not packaged.is_armed("Democratic Autonomous Administration")
    assert packaged.is_armed("YPG")
    assert packaged.is_armed("Forces loyal to someone unknown")


def test_actors_lists_models_for_the_api(small: ActorDictionary) -> None:
    listed = {a.name: a for a in small.actors(generated=False)}
    assert set(listed) == {"Military Forces of Syria (2000-)", "YPG: People's Protection Units",
                           "YPJ: Women's Protection Units", "QSD: Syrian Democratic Forces", "Islamic State"}
    assert listed["YPJ: Women's Protection Units"].parent == "YPG: People's Protection Units"
    assert len(small.actors()) > len(listed)                 # the generated country actors
