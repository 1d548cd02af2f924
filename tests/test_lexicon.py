"""The lexicons are data (issue 10): every list and trigger class is read by the code, says what it
means and follows the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kharita.events import lexicon
from kharita.nlp import triggers
from kharita.ontology import SubEventType

pytestmark = pytest.mark.issue(10)

EVENTS = Path(lexicon.__file__).parent


def test_every_word_list_has_a_meaning_and_lower_case_words():
    for name in lexicon.names():
        entry = yaml.safe_load(lexicon.LEXICON_FILE.read_text(encoding="utf-8"))[name]
        assert entry.get("meaning"), name
        assert lexicon.words(name), name
        assert all(w == w.lower() for w in lexicon.words(name)), name


def test_every_word_list_is_read_by_a_rule():
    code = "".join(p.read_text(encoding="utf-8") for p in EVENTS.glob("*.py"))
    for name in lexicon.names():
        assert f'lexicon.words("{name}")' in code, f"{name} is in lexicon.yaml but no rule reads it"


def test_an_unknown_list_is_a_clear_error():
    with pytest.raises(Exception, match="no word list 'nope'"):
        lexicon.words("nope")


def test_every_trigger_class_defaults_to_an_ontology_type_and_cites_the_codebook():
    data = yaml.safe_load(triggers.LEXICON_FILE.read_text(encoding="utf-8"))
    for block in data["classes"]:
        assert SubEventType(block["default"])
        assert block.get("codebook"), block["class"]
        assert block.get("verbs") or block.get("nouns") or block.get("fixed"), block["class"]
    assert set(triggers.CLASS_DEFAULT) == {b["class"] for b in data["classes"]}
