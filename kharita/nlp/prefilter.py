"""The cheap pass: which sentences of a report can hold an event, so only those are parsed.

Parsing is ~99% of the cost of the English pipeline and the tokenizer alone is ~200x faster. A
sentence can hold an event only if it has a trigger word; the trigger matcher runs on tokens alone
(lower-case forms, no lemmatizer), so this pass needs the tokenizer and nothing else. Sentences are
split by punctuation and blank lines: the parser may split a selected sentence further, never join
two, so nothing selected is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from kharita.nlp.lines import ABBREVIATION_AT_END, TITLE_AT_END
from kharita.nlp.triggers import build_matcher

_BOUNDARY = re.compile(r"\n\s*\n|(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|(?<=[.!?])\s*\n")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a report to parse: where it starts in the report and its text."""

    start: int
    text: str
    has_trigger: bool


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Character (start, end) of each rough sentence, whitespace trimmed."""
    pos = 0
    for match in _BOUNDARY.finditer(text):
        if text[match.end():match.end() + 1].isdigit() and \
                ABBREVIATION_AT_END.search(text, max(0, match.start() - 6), match.start()):   # "Feb. 1"
            continue
        if TITLE_AT_END.search(text, max(0, match.start() - 6), match.start()):   # "St. Petersburg"
            continue
        yield from _trimmed(text, pos, match.start())
        pos = match.end()
    yield from _trimmed(text, pos, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        yield start + lead, start + lead + len(stripped)


def select_segments(text: str, marks: list[int]) -> list[Segment]:
    """The sentences of a text that contain one of the character offsets `marks` (trigger starts
    found by the cheap pass), in order."""
    marks = sorted(marks)
    out = []
    k = 0
    for start, end in split_sentences(text):
        while k < len(marks) and marks[k] < start:
            k += 1
        if k < len(marks) and marks[k] < end:
            out.append(Segment(start, text[start:end], True))
    return out


class Prefilter:
    """Selects the sentences with a trigger; neighbours come along as context for "here" and "it"."""

    def __init__(self, nlp: Language, *, context: int = 0) -> None:
        self.tokenizer = nlp.tokenizer
        self.matcher: PhraseMatcher = build_matcher(nlp.vocab, nlp.tokenizer)
        self.context = context

    def segments(self, text: str) -> list[Segment]:
        """The report cut into sentences, each marked with whether it holds a trigger."""
        out = []
        for start, end in split_sentences(text):
            piece = text[start:end]
            doc = self.tokenizer(piece)
            out.append(Segment(start, piece, bool(self.matcher(doc))))
        return out

    def select(self, text: str) -> list[Segment]:
        """Only the segments worth parsing (with `context` neighbours on each side)."""
        segs = self.segments(text)
        keep = {i for i, s in enumerate(segs) if s.has_trigger}
        for i in list(keep):
            keep.update(range(max(0, i - self.context), min(len(segs), i + self.context + 1)))
        return [s for i, s in enumerate(segs) if i in keep]
