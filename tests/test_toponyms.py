"""The kharita_toponyms spaCy component."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

import kharita.nlp.toponyms  # noqa: F401  (registers the factory)
from kharita.models import Toponym

SEED = (Path(__file__).parent.parent / "examples" / "seed" / "article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def nlp():
    blank = spacy.blank("en")
    blank.add_pipe("kharita_toponyms")
    return blank


def test_empty_and_whitespace_docs(nlp):
    for text in ("", "   \n "):
        doc = nlp(text)
        assert doc._.kharita_toponyms == [] and doc._.kharita_country is None


def test_seed_places_and_country_in_focus(nlp):
    doc = nlp(SEED)
    assert doc._.kharita_country == "SY"
    assert all(isinstance(t, Toponym) for t in doc._.kharita_toponyms)
    for t in doc._.kharita_toponyms:
        assert doc.text[t.start:t.end] == t.text          # character offsets into doc.text
    names = {t.place.name for t in doc._.kharita_toponyms if t.place}
    assert {"al-Hasakah", "al-Hasakah - Nashwa", "Jabal Kawkab", "Abyad"} <= names


def test_ner_labels_are_hints_not_truth(nlp):
    doc = nlp.make_doc("Regime forces used Napalm bombs in Hasakah and Pıra Spî.")
    doc.ents = [Span(doc, 3, 4, label="GPE"), Span(doc, 7, 8, label="PERSON")]
    doc = nlp.get_pipe("kharita_toponyms")(doc)
    texts = {t.text: t for t in doc._.kharita_toponyms}
    assert "Napalm" not in texts                            # GPE to NER, not in the gazetteer
    assert texts["Hasakah"].place.name == "al-Hasakah"      # PERSON to NER, a city all the same


def test_a_country_set_on_the_doc_is_the_focus(nlp):
    doc = nlp.make_doc("Clashes in Hamra village.")
    doc._.kharita_country = "SY"
    doc = nlp.get_pipe("kharita_toponyms")(doc)
    assert doc._.kharita_country == "SY"
    assert doc._.kharita_toponyms[0].place.name == "Hamra"


def test_long_text(nlp):
    doc = nlp((SEED + "\n\n") * 20)
    assert len(doc._.kharita_toponyms) == 20 * len(nlp(SEED)._.kharita_toponyms)


def test_pipe_with_two_processes(nlp):
    texts = [SEED, "Shells fell near Qamişlo.", "", "Talks in Paris."]
    single = [[(t.start, t.text, t.place and t.place.key) for t in d._.kharita_toponyms] for d in nlp.pipe(texts)]
    multi = [[(t.start, t.text, t.place and t.place.key) for t in d._.kharita_toponyms]
             for d in nlp.pipe(texts, n_process=2)]
    assert multi == single and single[1][0][2] == "gn:173377"


def test_to_disk_and_back(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert [t.text for t in again("Fighting in Raqqa.")._.kharita_toponyms] == ["Raqqa"]


def test_runs_after_the_english_model_tokenizer():
    from kharita.nlp.load import model_name

    english = spacy.load(model_name(), exclude=["tagger", "parser", "lemmatizer", "attribute_ruler"])
    english.add_pipe("kharita_toponyms")
    doc = english(SEED)
    texts = [t.text for t in doc._.kharita_toponyms]
    assert "Napalm" not in texts and texts.count("Hasakah") >= 2
