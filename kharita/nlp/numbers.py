"""The "kharita_numbers" component: counts written as digits, words or ACLED's vague words.

"nearly 30", "seven", "twenty-five", "1,300", "a dozen", "dozens" (12 by ACLED's rule), "several"
(3), "hundreds" (100). Each count becomes a Mention with the integer as its label; the events stage
decides which count is a death toll. Ranges ("between 10 and 20", "10-20") keep the low figure,
as ACLED codes the lowest reported number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from kharita.models import Mention
from kharita.nlp import extensions
from kharita.ontology import VAGUE_FATALITIES

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: ACLED's vague words, plus the single "dozen" ("a dozen" is 12 too).
VAGUE = {**VAGUE_FATALITIES, "dozen": 12, "a dozen": 12, "scores of": 20, "a few": 3, "few": 3}

#: Counts beyond this are no counts of people or things in a report (ids, phone numbers, typos).
MAX_COUNT = 100_000_000
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES)


def parse_number(text: str) -> int | None:
    """The integer a count expression means, or None: "30", "1,300", "twenty-five", "two hundred",
    "a dozen", "dozens", "several"."""
    words = text.lower().replace("-", " ").split()
    if not words:
        return None
    joined = " ".join(words)
    if joined in VAGUE:
        return VAGUE[joined]
    if len(words) == 1 and _DIGITS.match(words[0]):
        return int(words[0].replace(",", ""))
    total, current = 0, 0
    for word in words:
        if word in ("a", "an") and current == 0:
            current = 1
        elif word == "and":
            continue
        elif word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0
        elif _DIGITS.match(word):
            current += int(word.replace(",", ""))
        else:
            return None
    return total + current


def _is_number_token(text: str) -> bool:
    low = text.lower()
    return bool(_DIGITS.match(low)) or low in _NUMBER_WORDS or low in VAGUE


def find_numbers(doc: Doc) -> list[Mention]:
    """Counts in a Doc, longest expression each ("two hundred and five" is one count)."""
    out: list[Mention] = []
    i, n = 0, len(doc)
    while i < n:
        tok = doc[i]
        low = tok.lower_
        if low in ("a", "an") and i + 1 < n and doc[i + 1].lower_ in ("dozen", "few", "hundred", "thousand"):
            start = i
            i += 1
        elif low == "scores" and i + 1 < n and doc[i + 1].lower_ == "of":
            out.append(Mention("number", tok.idx, tok.idx + len(tok), tok.text, "20"))
            i += 1
            continue
        elif low in VAGUE and i > 0 and doc[i - 1].lower_ in ("how", "as"):
            i += 1                    # "how many were killed", "as many as 15": a question, a bound
            continue
        elif _is_number_token(tok.text) and not (low in VAGUE and low not in VAGUE_FATALITIES
                                                 and low != "dozen"):
            start = i
        else:
            i += 1
            continue
        end = i + 1
        while end < n and (
            doc[end].lower_ in _NUMBER_WORDS or doc[end].text == "-" and end + 1 < n
            and doc[end + 1].lower_ in _NUMBER_WORDS
            or doc[end].lower_ == "and" and end + 1 < n and doc[end + 1].lower_ in UNITS | TENS
            and doc[end - 1].lower_ in SCALES
        ):
            end += 1
        span = doc[start:end]
        value = parse_number(span.text)
        if value is not None and value <= MAX_COUNT:
            out.append(Mention("number", span.start_char, span.end_char, span.text, str(value)))
        i = end
    return out


@Language.factory("kharita_numbers", assigns=["doc._.kharita_numbers"])
def make_number_tagger(nlp: Language, name: str) -> "NumberTagger":
    return NumberTagger(name)


class NumberTagger:
    """Marks counts; `doc._.kharita_numbers` gets a Mention per count, label = the integer."""

    def __init__(self, name: str = "kharita_numbers") -> None:
        extensions.register()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kharita_numbers = find_numbers(doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)
