"""The "kharita_triggers" component: words that can announce an event, from `triggers.yaml`.

A trigger is a verb, noun or fixed phrase ("took control of", "air strike", "switched sides") that can
carry an ACLED sub-event. Each belongs to one *class* (TAKE, CLASH, AIR ...); the events stage picks
the final sub-event type from the class and the arguments (who took the place, who the victims are,
whether there was a fight). Matching is on lower-cased surface forms generated from lemmas, so the
same matcher runs on a tokenizer-only Doc (the cheap pre-filter pass) and on a parsed one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kharita.errors import ConfigError
from kharita.models import Mention
from kharita.nlp import extensions
from kharita.ontology import SubEventType as S

log = logging.getLogger(__name__)

LEXICON_FILE = Path(__file__).with_name("triggers.yaml")


def _load() -> dict:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "classes" not in data:
        raise ConfigError(f"{LEXICON_FILE} has no 'classes' list; see the comment at its top for the format.")
    return data


_DATA = _load()
_IRREGULAR: dict[str, list[str]] = {k: list(v) for k, v in (_DATA.get("irregular") or {}).items()}
#: The default sub-event type of each trigger class (the events stage may change it).
CLASS_DEFAULT: dict[str, S] = {c["class"]: S(c["default"]) for c in _DATA["classes"]}


def verb_forms(lemma: str) -> list[str]:
    """Lower-case inflections of a regular English verb (irregular ones from a table)."""
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


def noun_forms(lemma: str) -> list[str]:
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma, lemma + "es"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma, lemma[:-1] + "ies"]
    return [lemma, lemma + "s"]


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """One lexicon line: a phrase whose first word (verb) or last word (noun) inflects."""

    phrase: str
    klass: str
    pos: str                            # "v" inflect the first word as a verb, "n" the last as a noun, "" fixed


def _entries(block: dict) -> list[TriggerEntry]:
    klass = block["class"]
    out = [TriggerEntry(p, klass, "v") for p in block.get("verbs") or []]
    out += [TriggerEntry(p, klass, "n") for p in block.get("nouns") or []]
    out += [TriggerEntry(p, klass, "") for p in block.get("fixed") or []]
    return out


#: Every lexicon line, in file order (the first class to claim a surface phrase keeps it).
LEXICON: list[TriggerEntry] = [entry for block in _DATA["classes"] for entry in _entries(block)]


def expand(entry: TriggerEntry) -> list[str]:
    """Every surface phrase (lower case) an entry stands for."""
    words = entry.phrase.lower().split()
    if entry.pos == "v":
        return [" ".join([f, *words[1:]]) for f in verb_forms(words[0])]
    if entry.pos == "n":
        return [" ".join([*words[:-1], f]) for f in noun_forms(words[-1])]
    return [entry.phrase.lower()]


def _surface_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in LEXICON:
        for phrase in expand(entry):
            table.setdefault(phrase, entry.klass)
    return table


#: Lower-case surface phrase -> trigger class.
SURFACE: dict[str, str] = _surface_table()


def trigger_class(text: str) -> str | None:
    """The class of a matched trigger phrase (whitespace-normalised, any case)."""
    return SURFACE.get(" ".join(text.lower().split()))


def build_matcher(vocab, tokenizer) -> PhraseMatcher:
    """A PhraseMatcher over lower-case forms: needs only the tokenizer, so the pre-filter can use it."""
    matcher = PhraseMatcher(vocab, attr="LOWER")
    by_class: dict[str, list[str]] = {}
    for phrase, klass in SURFACE.items():
        by_class.setdefault(klass, []).append(phrase)
    for klass, phrases in by_class.items():
        matcher.add(klass, list(tokenizer.pipe(phrases)))
    return matcher


def find_triggers(doc: Doc, matcher: PhraseMatcher) -> list[Mention]:
    """Trigger mentions in a Doc, longest match first where they overlap ("air strike" over "strike")."""
    spans = filter_spans(matcher(doc, as_spans=True))
    out = []
    for span in spans:
        klass = span.label_
        out.append(Mention(
            kind="trigger", start=span.start_char, end=span.end_char, text=span.text,
            label=CLASS_DEFAULT[klass].value,
        ))
    return out


@Language.factory("kharita_triggers", assigns=["doc._.kharita_triggers"])
def make_trigger_tagger(nlp: Language, name: str) -> "TriggerTagger":
    return TriggerTagger(nlp, name)


class TriggerTagger:
    """Marks trigger words and phrases; `doc._.kharita_triggers` gets one Mention per trigger."""

    def __init__(self, nlp: Language, name: str = "kharita_triggers") -> None:
        extensions.register()
        self.name = name
        self.matcher = build_matcher(nlp.vocab, nlp.tokenizer)

    def __call__(self, doc: Doc) -> Doc:
        doc._.kharita_triggers = find_triggers(doc, self.matcher)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def _surface_pos() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in LEXICON:
        for phrase in expand(entry):
            if entry.pos not in table.get(phrase, "-"):
                table[phrase] = table.get(phrase, "") + (entry.pos or "-")
    return table


#: Lower-case surface phrase -> the kinds of entries it comes from: "v" verb, "n" noun, "-" fixed
#: ("clashes" is both a verb form and a noun form: "vn").
SURFACE_POS: dict[str, str] = _surface_pos()
