"""The kharita_actors spaCy component (kharita/nlp/actors.py) on a blank English pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import kharita.nlp.actors  # noqa: F401  (registers the factory)
from kharita.actors.dictionary import ActorDictionary
from kharita.models import ActorMention, Place, Toponym
from kharita.nlp import extensions

SMALL = Path(__file__).parent / "data" / "actors_small.yaml"
SEED_SENTENCE = ("As clashes between the Syrian regime and ISIS continue in Hasakah city, the YPG/YPJ’s defense "
                 "units reduced the threats against the city.")


@pytest.fixture(scope="module")
def nlp() -> Language:
    extensions.register()
    pipeline = spacy.blank("en")
    pipeline.add_pipe("kharita_actors")
    pipeline.initialize()
    return pipeline


def names(doc) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.text, m.actor.name) for m in doc._.kharita_actors]


def test_mentions_carry_character_offsets_into_the_doc(nlp: Language) -> None:
    doc = nlp(SEED_SENTENCE)
    assert names(doc) == [("Syrian regime", "Military Forces of Syria (2000-)"), ("ISIS", "Islamic State"),
                          ("YPG/YPJ’s defense units", "YPG: People's Protection Units")]
    for m in doc._.kharita_actors:
        assert isinstance(m, ActorMention) and doc.text[m.start:m.end] == m.text
        assert doc.char_span(m.start, m.end) is not None            # on token boundaries


def test_empty_and_whitespace_docs_have_no_actors(nlp: Language) -> None:
    assert nlp("")._.kharita_actors == []
    assert nlp("  \n\t ")._.kharita_actors == []


def test_a_long_text_is_coded_through(nlp: Language) -> None:
    text = " ".join([SEED_SENTENCE] * 200)
    doc = nlp(text)
    assert len(doc._.kharita_actors) == 600
    assert doc._.kharita_actors[-1].end == len(text) - len(" reduced the threats against the city.")


def test_doc_context_sets_country_date_and_outlet(nlp: Language) -> None:
    doc = nlp.make_doc("The gangs attacked the camp; Kurdish fighters repelled them.")
    doc._.kharita_country = "SY"
    doc._.kharita_outlet = "ANF"
    doc._.kharita_published = dt.date(2015, 7, 9)
    doc = nlp(doc)
    assert names(doc) == [("gangs", "Islamic State"), ("Kurdish fighters", "YPG: People's Protection Units")]
    assert all(m.generic for m in doc._.kharita_actors)


def test_the_country_comes_from_resolved_places(nlp: Language) -> None:
    text = "Kurdish fighters entered Erbil."
    doc = nlp.make_doc(text)
    erbil = Place("Erbil", "IQ", 36.19, 44.01)
    doc._.kharita_toponyms = [Toponym(25, 30, "Erbil", erbil)]
    doc = nlp(doc)
    assert names(doc) == [("Kurdish fighters", "Peshmerga: Kurdistan Regional Government")]


def test_resolved_places_are_never_actors(nlp: Language) -> None:
    text = "Hasakah fighters clashed with ISIS."
    doc = nlp.make_doc(text)
    doc._.kharita_toponyms = [Toponym(0, 7, "Hasakah", Place("al-Hasakah", "SY", 36.5, 40.75))]
    assert names(nlp(doc)) == [("ISIS", "Islamic State")]


def test_a_dictionary_can_be_handed_over(nlp: Language) -> None:
    pipeline = spacy.blank("en")
    tagger = pipeline.add_pipe("kharita_actors")
    tagger.set_dictionary(ActorDictionary.load(SMALL))
    assert names(pipeline("The Hezbollah and YPG")) == [("YPG", "YPG: People's Protection Units")]


def test_the_dictionary_path_is_configurable(tmp_path: Path) -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("kharita_actors", config={"dictionary_path": str(SMALL)})
    pipeline.initialize()
    assert names(pipeline("Hezbollah and Daesh")) == [("Daesh", "Islamic State")]


def test_to_disk_and_from_disk_carry_the_dictionary(tmp_path: Path) -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("kharita_actors", config={"dictionary_path": str(SMALL)})
    pipeline.initialize()
    pipeline.to_disk(tmp_path / "pipe")
    assert (tmp_path / "pipe" / "kharita_actors" / "actors.yaml").read_text(encoding="utf-8") == \
        SMALL.read_text(encoding="utf-8")
    SMALL_COPY = tmp_path / "pipe" / "kharita_actors" / "actors.yaml"
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("kharita_actors").dictionary.source == str(SMALL_COPY)
    assert names(loaded("Hezbollah and Daesh")) == [("Daesh", "Islamic State")]


def test_a_dictionary_built_from_data_is_saved_with_the_pipeline(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["actors"].append({"name": "Hajdal Shabab", "type": "Identity militia", "country": "SY",
                           "aliases": ["Hecdıl Şebap"]})
    pipeline = spacy.blank("en")
    pipeline.add_pipe("kharita_actors").set_dictionary(ActorDictionary.from_data(data))
    pipeline.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert names(loaded("Hecdıl Şebap fighters")) == [("Hecdıl Şebap fighters", "Hajdal Shabab")]


def test_pipe_with_two_processes_gives_the_same_mentions(nlp: Language) -> None:
    texts = [SEED_SENTENCE, "", "Regime soldiers fled to the YPG in Hasakah, Syria.", "Nothing here."] * 2
    single = [d._.kharita_actors for d in nlp.pipe(texts)]
    multi = [d._.kharita_actors for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert multi == single
    assert any(single)
