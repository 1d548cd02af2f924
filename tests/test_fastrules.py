"""The fast attribute ruler and lemmatizer paths give spaCy's own annotations (issue 14)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, ORTH, POS, TAG

from kharita.nlp import fastrules, load

REPO = Path(__file__).resolve().parents[1]
ATTRS = [ORTH, POS, TAG, MORPH, LEMMA, DEP, HEAD]


def _texts() -> list[str]:
    texts = ["", "  \n\t ", "They ain't gonna stop: it's not over, y'all. Let's go!",
             "Gunmen kidnapped two engineers near Kirkuk on Sunday, police said."]
    for path in (REPO / "examples" / "seed" / "report.jsonl", REPO / "tests" / "data" / "scenario" / "reports.jsonl"):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


@pytest.fixture(scope="module")
def pipelines() -> tuple[spacy.language.Language, spacy.language.Language]:
    plain = spacy.load(load.model_name(), exclude=["ner"])
    fast = fastrules.speed_up(spacy.load(load.model_name(), exclude=["ner"]))
    return plain, fast


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return (np.array_equal(a.to_array(ATTRS), b.to_array(ATTRS))
            and [(t.lemma_, str(t.morph), t.pos_) for t in a] == [(t.lemma_, str(t.morph), t.pos_) for t in b])


def test_fast_paths_give_spacys_annotations(pipelines) -> None:
    plain, fast = pipelines
    texts = _texts()
    texts.append(" ".join(texts))                       # a long text
    for a, b in zip(plain.pipe(texts), fast.pipe(texts, batch_size=3)):
        assert _same(a, b), a.text[:80]


def test_indexed_patterns_find_the_matchers_matches(pipelines) -> None:
    plain, _fast = pipelines
    ruler = plain.get_pipe("attribute_ruler")
    indexed = fastrules.IndexedPatterns(ruler)
    with plain.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        for doc in plain.pipe(_texts()):
            assert indexed.match(doc) == ruler.match(doc)


def test_a_sped_up_pipeline_still_pickles_and_parses_the_same(pipelines) -> None:
    plain, fast = pipelines
    copy = pickle.loads(pickle.dumps(fast))
    text = _texts()[2]
    assert _same(plain(text), next(copy.pipe([text])))


def test_a_pattern_form_not_indexed_keeps_spacys_matcher() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    fastrules.speed_up(nlp)
    assert "match" not in vars(ruler)
    assert [t.lemma_ for t in nlp("very very good")] == ["very", "very", ""]


def test_patterns_added_after_the_speed_up_are_matched_by_spacy() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "good"}]], {"LEMMA": "fine"})
    fastrules.speed_up(nlp)
    assert "match" in vars(ruler)
    ruler.add([[{"LOWER": "very"}]], {"LEMMA": "much"})
    assert [t.lemma_ for t in nlp("very good")] == ["much", "fine"]
