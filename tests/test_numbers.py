"""Counts in words and digits, and ACLED's vague words."""

from __future__ import annotations

import pytest
import spacy

from kharita.nlp import extensions
from kharita.nlp.numbers import NumberTagger, parse_number


@pytest.mark.parametrize("text, value", [
    ("30", 30), ("1,300", 1300), ("seven", 7), ("twenty-five", 25), ("two hundred", 200),
    ("a dozen", 12), ("dozens", 12), ("several", 3), ("hundreds", 100), ("three thousand", 3000),
    ("one hundred and five", 105),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_not_a_number():
    assert parse_number("soldiers") is None
    assert parse_number("") is None


def numbers(text: str) -> list[tuple[str, str]]:
    nlp = spacy.blank("en")
    extensions.register()
    doc = NumberTagger()(nlp.make_doc(text))
    return [(m.text, m.label) for m in doc._.kharita_numbers]


def test_counts_in_a_sentence():
    assert numbers("ISIS killed nearly 30 soldiers and wounded twenty-five others.") == [
        ("30", "30"), ("twenty-five", "25")]
    assert numbers("Dozens of people fled; two hundred and five were detained.") == [
        ("Dozens", "12"), ("two hundred and five", "205")]
    assert numbers("A dozen houses burned.") == [("A dozen", "12")]


def test_empty_text():
    assert numbers("") == []
