"""Faster equivalents of the English pipeline's two rule components, for `nlp.pipe`.

After the parse, en_core_web_sm runs `attribute_ruler` (179 token patterns: POS from the tag,
exceptions for "n't", "gonna", "ai") and `lemmatizer` (rule mode). On the sentences kharita parses
they took about a third of the parse's time: spaCy's Matcher tries every pattern at every token,
and the lemmatizer builds a cache key from a new MorphAnalysis object for every token. Both give
the same answer for the same inputs, so:

- `IndexedPatterns` finds the ruler's matches by looking up each token's lower-case form, tag and
  dependency in an index of the patterns' first tokens, and hands the same sorted match list to
  the ruler's own `set_annotations` (the ruler's `match` is replaced on the instance; once
  patterns are added to the ruler afterwards, spaCy's Matcher answers again);
- `MemoLemmas` reads each token's (form, POS, morphology) from `Doc.to_array` and keeps the lemma
  the lemmatizer gave for it (a pure function of those three); an unknown triple is asked of the
  lemmatizer itself (its `pipe` is replaced on the instance: `nlp.pipe` takes the fast path, and
  calling the component on one Doc is spaCy's own code).

`speed_up(nlp)` installs both where the pipeline has them, only for the pattern forms it knows
(equality, IN, NOT_IN, REGEX); a ruler with any other pattern keeps spaCy's Matcher. The results
are the same annotations, checked against spaCy's in tests/test_fastrules.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Token attributes a pattern may test here, with their column in `Doc.to_array`.
_COLUMNS = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY = [LOWER, TAG, DEP, IS_SPACE]
#: First-token attributes that index a pattern, most selective first.
_INDEX_BY = ("LOWER", "TAG", "DEP")


class Unsupported(ValueError):
    """A pattern uses a form IndexedPatterns does not evaluate (the ruler keeps spaCy's Matcher)."""


#: How a pattern token checks one attribute: equal to, in, not in (string hashes or 0/1), regex.
EQ, IN, NOT_IN, REGEX = range(4)


def _check(vocab: Any, attr: str, value: Any) -> tuple[int, int, Any]:
    """(column, kind, argument) of the check one pattern token makes on one attribute. Plain data,
    so that the pipeline still pickles."""
    col = _COLUMNS[attr]
    if attr == "IS_SPACE":
        if not isinstance(value, bool):
            raise Unsupported(f"IS_SPACE {value!r}")
        return col, EQ, int(value)
    if isinstance(value, str):
        return col, EQ, vocab.strings[value]
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            return col, IN if op == "IN" else NOT_IN, frozenset(vocab.strings[a] for a in arg)
        if op == "REGEX" and isinstance(arg, str):
            return col, REGEX, re.compile(arg)
    raise Unsupported(f"{attr} {value!r}")


def _holds(check: tuple[int, int, Any], row: list[int], strings: Any) -> bool:
    col, kind, arg = check
    value = row[col]
    if kind == EQ:
        return value == arg
    if kind == IN:
        return value in arg
    if kind == NOT_IN:
        return value not in arg
    return arg.search(strings[value]) is not None


def _index_keys(vocab: Any, spec: dict[str, Any]) -> tuple[str, list[int]] | None:
    """(attribute, the hashes it must equal) for a first pattern token, or None (check always)."""
    for attr in _INDEX_BY:
        value = spec.get(attr)
        if isinstance(value, str):
            return attr, [vocab.strings[value]]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return attr, [vocab.strings[a] for a in value["IN"]]
    return None


class IndexedPatterns:
    """The attribute ruler's matches (the list `AttributeRuler.match` returns), found by index."""

    def __init__(self, ruler: Any) -> None:
        vocab = ruler.vocab
        self.ruler = ruler
        self.size = len(ruler.attrs)          # patterns added later: spaCy's Matcher answers (see match)
        self.by: dict[str, dict[int, list[tuple[int, int, int, list]]]] = {a: {} for a in _INDEX_BY}
        self.always: list[tuple[int, int, int, list]] = []
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = vocab.strings[str(attr_id)]
            for pattern in entry["patterns"]:
                if not pattern or not all(isinstance(t, dict) for t in pattern):
                    raise Unsupported(repr(pattern))
                checks = []
                for spec in pattern:
                    if set(spec) - set(_COLUMNS):
                        raise Unsupported(repr(spec))
                    checks.append([_check(vocab, a, v) for a, v in spec.items()])
                compiled = (attr_id, match_id, len(pattern), checks)
                keys = _index_keys(vocab, pattern[0])
                if keys is None:
                    self.always.append(compiled)
                else:
                    attr, hashes = keys
                    for h in dict.fromkeys(hashes):
                        self.by[attr].setdefault(h, []).append(compiled)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if len(self.ruler.attrs) != self.size:
            return type(self.ruler).match(self.ruler, doc)
        rows = doc.to_array(_ARRAY).tolist() if len(doc) else []
        n = len(rows)
        by_lower, by_tag, by_dep = self.by["LOWER"], self.by["TAG"], self.by["DEP"]
        always = self.always
        strings = doc.vocab.strings
        out = []
        for i, row in enumerate(rows):
            candidates = by_lower.get(row[0], ()), by_tag.get(row[1], ()), by_dep.get(row[2], ()), always
            for group in candidates:
                for attr_id, match_id, length, checks in group:
                    if i + length > n:
                        continue
                    if all(_holds(check, rows[i + k], strings) for k, token in enumerate(checks) for check in token):
                        out.append((attr_id, match_id, i, i + length))
        out.sort()
        return out


class MemoLemmas:
    """The lemmatizer's `pipe`, with each (form, POS, morphology) lemmatized once."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.kept: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables()
        if not len(doc):
            return doc
        kept = self.kept
        strings = doc.vocab.strings
        overwrite = lemmatizer.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            found = kept.get(key)
            if found is None:
                token = doc[i]
                found = strings.add(lemmatizer.lemmatize(token)[0])
                if pos:                       # no POS: spaCy warns each time; keep asking it
                    kept[key] = found
            doc[i].lemma = found
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def speed_up(nlp: Language) -> Language:
    """Install the fast paths on the pipeline's `attribute_ruler` and rule-mode `lemmatizer`."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        try:
            ruler.match = IndexedPatterns(ruler).match
        except Unsupported as exc:
            log.info("attribute_ruler keeps spaCy's Matcher (a pattern form not indexed here: %s)", exc)
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) == "rule" and hasattr(lemmatizer, "lemmatize"):
            lemmatizer.pipe = MemoLemmas(lemmatizer).pipe
    return nlp
