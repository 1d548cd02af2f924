"""The gazetteer: name keys, building from GeoNames-format files, ranking with cue and nearness."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kharita.errors import DictionaryError, GazetteerBuildError, GazetteerNotFound
from kharita.gazetteer import build_gazetteer, open_gazetteer
from kharita.gazetteer.aliases import load_aliases
from kharita.gazetteer.normalize import arabic_key, fold, name_key, skeleton
from kharita.gazetteer.store import SqliteGazetteer
from kharita.ontology import GeoPrecision

DATA = Path(__file__).parent / "data" / "geonames"

ALIASES = """
places:
  - {id: hasakah-nashwa, name: al-Hasakah - Nashwa, country: SY, within: gn:173811,
     feature_code: PPLX, lat: 36.489, lon: 40.728, source: test}
aliases:
  - {alias: Neşwa, target: hasakah-nashwa, source: test}
  - {alias: Kew Kep, target: gn:900001, source: test}
  - {alias: White Bridge, target: gn:420832, precision: near, source: test}
rename:
  - {target: gn:173811, name: al-Hasakah, source: test}
"""


@pytest.mark.parametrize("names", [
    ("Hesekê", "Hasakah", "al-Hasakah", "El Haseke", "Al Hasakah", "Haseke"),
    ("Qamişlo", "Qamishli", "Kamishli", "Al-Qamishli"),
    ("Tell Tamr", "Tall Tamr", "Tal Tamr", "Til Tamr"),
    ("Khabur", "Xabur"),
    ("Deir ez-Zor", "Dêra Zor", "Dayr az Zawr"),
    ("Aziziyah", "Eziziye", "Ezizi"),
    ("Şeddadê", "Shaddadi", "ash-Shaddadah"),
    ("Dirbêsiyê", "Darbasiyah", "Derbasiye"),
    ("Hool", "al-Hawl", "Al Hol"),
    ("Ra's al `Ayn", "Ras al-Ayn", "Ras al Ain"),
])
def test_spellings_of_one_place_share_a_key(names):
    assert len({name_key(n) for n in names}) == 1, {n: name_key(n) for n in names}


def test_different_places_keep_different_keys():
    assert name_key("Raqqa") != name_key("Hasakah")
    assert name_key("Homs") != name_key("Hama")
    assert name_key("Tell Abyad") != name_key("Tell Tamr")


def test_fold_keeps_vowels_and_skeleton_drops_them():
    assert fold("Hesekê") == "heseke" and fold("Qamişlo") == "qamishlo" and fold("Çil Axa") == "chil axa"
    assert skeleton("Tel Temir") == skeleton("Tell Tamr")
    assert arabic_key("الحسكة") == arabic_key("حسكة")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> SqliteGazetteer:
    """A gazetteer built from GeoNames-format files only: a zipped country file, a main-table file,
    alternateNamesV2, both admin code files, and a small alias file."""
    folder = tmp_path_factory.mktemp("gn")
    with zipfile.ZipFile(folder / "SY.zip", "w") as archive:
        archive.write(DATA / "SY.txt", "SY.txt")
        archive.writestr("readme.txt", "not data")
    for name in ("cities-world.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt", "admin2Codes.txt"):
        shutil.copy(DATA / name, folder / name)
    aliases = folder / "aliases.yaml"
    aliases.write_text(ALIASES, encoding="utf-8")
    out = folder / "tiny.sqlite"
    report = build_gazetteer([folder], out, aliases=aliases, common_words=["panorama", "of", "regime"])
    assert report.places == 17 and out.is_file()  # 12 rows, 4 admin1 divisions, 1 alias place
    return SqliteGazetteer(out)


def test_build_reads_every_geonames_format(tiny):
    hasakah = tiny.get("gn:173811")
    assert hasakah is not None and hasakah.name == "al-Hasakah"           # renamed by the alias file
    assert hasakah.admin1 == "al-Hasakah" and hasakah.population == 188160   # admin1 code -> name
    assert tiny.get("gn:2988507").admin2 == "Paris"                      # admin2 code -> name
    assert tiny.candidates("Hesekê")[0].place.geonameid == 173811        # alternateNamesV2 row
    assert tiny.candidates("Qamişlo")[0].place.geonameid == 173377
    assert tiny.candidates("PAR") == []                                  # iata codes are not names
    assert tiny.candidates("Hool") == [] or tiny.candidates("Hool")[0].place.geonameid == 173797


def test_historic_names_are_left_out(tiny):
    db = sqlite3.connect(tiny.path)
    assert db.execute("SELECT COUNT(*) FROM names WHERE name = 'Hool'").fetchone()[0] == 0


def test_alias_places_take_the_city_admin_units(tiny):
    best = tiny.candidates("Neşwa", cue="neighbourhood")[0]
    assert best.match == "alias" and best.place.name == "al-Hasakah - Nashwa"
    assert best.place.admin1 == "al-Hasakah" and best.place.approximate
    assert best.place.key == "name:SY:al-Hasakah - Nashwa"


def test_near_alias_resolves_at_precision_two(tiny):
    best = tiny.candidates("White Bridge")[0]
    assert best.place.geonameid == 420832 and best.place.precision == GeoPrecision.NEAR


def test_cue_word_picks_the_feature_type(tiny):
    assert tiny.candidates("Kawkab", cue="hill")[0].place.feature_class == "T"
    assert tiny.candidates("Kawkab", cue="village")[0].place.feature_class == "P"


def test_nearness_and_country_pick_the_namesake(tiny):
    hasakah = tiny.get("gn:173811")
    beirut = tiny.get("gn:276781")
    assert tiny.candidates("Hamra", near=hasakah, country="SY")[0].place.geonameid == 8017722
    assert tiny.candidates("Hamra", near=beirut, country="LB")[0].place.geonameid == 900002
    assert tiny.candidates("Paris")[0].place.country_code == "FR"        # population, no context
    assert tiny.candidates("Paris", country="US")[0].place.geonameid == 4717560


def test_fuzzy_fallback_stays_in_the_country_in_focus(tiny):
    assert tiny.candidates("Qamishlli", country="SY")[0].place.geonameid == 173377
    assert all(c.place.country_code == "SY" for c in tiny.candidates("Qamishlli", country="SY"))
    assert tiny.candidates("Xyzzy", country="SY") == []


def test_candidates_are_ranked_best_first(tiny):
    ranked = tiny.candidates("Hamra", limit=10)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert tiny.candidates("Hamra", limit=1) == ranked[:1]


def test_unknown_key_and_missing_file_fail_clearly(tiny, tmp_path):
    assert tiny.get("gn:1") is None and tiny.get("bogus") is None
    with pytest.raises(GazetteerNotFound, match="kharita gazetteer build"):
        open_gazetteer(tmp_path / "none.sqlite")


def test_bad_sources_name_the_fix(tmp_path):
    bad = tmp_path / "allCountries.txt"
    bad.write_text("1\tonly three\tcolumns\n", encoding="utf-8")
    with pytest.raises(GazetteerBuildError, match="19 tab-separated"):
        build_gazetteer([bad], tmp_path / "out.sqlite", aliases=None, common_words=[])
    with pytest.raises(GazetteerBuildError, match="No such source"):
        build_gazetteer([tmp_path / "missing.zip"], tmp_path / "out.sqlite", aliases=None, common_words=[])
    assert not (tmp_path / "out.sqlite").exists()


def test_alias_file_is_validated(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("aliases:\n  - {alias: X1, target: nowhere, source: test}\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="target"):
        load_aliases(bad)


def test_packaged_alias_file_gives_every_alias_a_target_and_source():
    aliases = load_aliases()
    assert len(aliases.aliases) > 100
    assert all(a.target and a.source for a in aliases.aliases)
    wanted = {"Hesekê", "Wiran", "Neşwa", "Ezizi", "Eziziye", "Panorama", "Vilayet-i Sor", "Red Houses",
              "Kew Kep", "Pıra Spî", "White Bridge", "Ebyad", "Hool", "Derik", "Dêra Zor", "Roj Camp",
              "Qamişlo", "Amûdê", "Serêkaniyê", "Girê Spî", "Kobanê", "Tirbespî", "Dirbêsiyê", "Tel Temir",
              "Til Koçer", "Şeddadê", "Çil Axa", "Rimêlan", "Tel Hemîs", "Tel Birak", "Dêrik"}
    assert wanted <= {a.alias for a in aliases.aliases}
    assert all(p.source for p in aliases.places)
