"""The trigger lexicon and the kharita_triggers component."""

from __future__ import annotations

import spacy

from kharita.nlp import extensions
from kharita.nlp.triggers import SURFACE, TriggerTagger, noun_forms, trigger_class, verb_forms


def tagger_doc(text: str):
    nlp = spacy.blank("en")
    extensions.register()
    return TriggerTagger(nlp)(nlp.make_doc(text))


def test_verb_forms_cover_regular_and_irregular_verbs():
    assert verb_forms("capture") == ["capture", "captures", "captured", "capturing"]
    assert "fled" in verb_forms("flee")
    assert "occupied" in verb_forms("occupy")
    assert "took" in verb_forms("take")
    assert noun_forms("clash") == ["clash", "clashes"]


def test_multiword_phrases_inflect_their_head():
    assert trigger_class("took control of") == "TAKE"
    assert trigger_class("Switched  Sides") == "CHANGE"
    assert trigger_class("air strikes") == "AIR"
    assert trigger_class("without") is None


def test_longest_match_wins_where_triggers_overlap():
    doc = tagger_doc("Coalition air strikes hit the town after a suicide car bomb exploded.")
    found = [(m.text, m.label) for m in doc._.kharita_triggers]
    assert ("air strikes", "Air/drone strike") in found
    assert ("suicide car bomb", "Suicide bomb") in found
    assert not any(text == "strikes" for text, _ in found)


def test_offsets_point_into_the_text():
    text = "Rebels recaptured the village on Sunday."
    doc = tagger_doc(text)
    (mention,) = doc._.kharita_triggers
    assert text[mention.start:mention.end] == "recaptured"
    assert mention.kind == "trigger"


def test_empty_whitespace_and_long_texts():
    assert tagger_doc("")._.kharita_triggers == []
    assert tagger_doc("   \n\t ")._.kharita_triggers == []
    long = "Protesters marched through the capital. " * 400
    assert len(tagger_doc(long)._.kharita_triggers) == 800


def test_the_component_runs_in_a_pipeline_and_with_two_processes():
    nlp = spacy.blank("en")
    nlp.add_pipe("kharita_triggers")
    texts = ["Gunmen kidnapped two engineers.", "Nothing happened today.", "Police arrested 12 people."]
    docs = list(nlp.pipe(texts, n_process=2))
    assert [[m.text for m in d._.kharita_triggers] for d in docs] == [["kidnapped"], [], ["arrested"]]


def test_every_surface_form_is_lower_case():
    assert all(phrase == phrase.lower() for phrase in SURFACE)
