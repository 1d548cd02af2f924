"""The `kharita_toponyms` component: place mentions found with the gazetteer, resolved in context.

It runs `kharita.gazetteer.geoparse` on the Doc's text. Named entities, when an earlier component
set them, are hints only (a GPE label vouches for a name that is also an English word; a PERSON
label vetoes a far-away namesake but never a place of the country in focus), so "Napalm" is never
a place and "Hasakah" always is.

Sets `doc._.kharita_toponyms` (list[Toponym], character offsets into doc.text) and
`doc._.kharita_country` (ISO alpha-2 country in focus). A country already set on the Doc is taken
as the focus.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kharita.gazetteer.base import Candidate, Gazetteer
from kharita.actors.dictionary import ActorEntry
from kharita.gazetteer.geoparse import geoparse_with_focus
from kharita.gazetteer.outlets import outlet_countries
from kharita.gazetteer.recognize import ACTOR_LABEL
from kharita.ontology import ActorType

#: The vote a named actor's home country gets for the report's focus (a place name's is about 0.5).
ACTOR_VOTE = 0.5
OUTLET_VOTE = 1.0         # an outlet that covers one country votes like that country named
#: Actor types that often fight abroad (Russian jets over Idlib): their country is no evidence.
ABROAD = {ActorType.STATE_FORCES, ActorType.EXTERNAL_OTHER}
from kharita.nlp import extensions


@Language.factory(
    "kharita_toponyms",
    assigns=["doc._.kharita_toponyms", "doc._.kharita_country"],
    default_config={"gazetteer_path": None, "use_ner": True, "country": None},
)
def make_toponym_tagger(nlp: Language, name: str, gazetteer_path: str | None, use_ner: bool,
                        country: str | None) -> "ToponymTagger":
    return ToponymTagger(nlp, name, gazetteer_path=gazetteer_path, use_ner=use_ner, country=country)


class ToponymTagger:
    """Find, then resolve: `find` and `annotate` can be called on their own."""

    def __init__(self, nlp: Language, name: str = "kharita_toponyms", *, gazetteer_path: str | None = None,
                 use_ner: bool = True, country: str | None = None) -> None:
        extensions.register()
        self.nlp = nlp
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.use_ner = use_ner
        self.country = country
        self._gazetteer: Gazetteer | None = None
        self._remembering: RememberedCandidates | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use (the configured path, $KHARITA_GAZETTEER or the
        embedded default)."""
        if self._gazetteer is None:
            from kharita.gazetteer.store import load_default

            self._gazetteer = load_default(self.gazetteer_path)
        return self._gazetteer

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer

    @property
    def _lookups(self) -> Gazetteer:
        """The gazetteer as geoparsing asks it: with its rankings remembered (see
        `RememberedCandidates`); a new gazetteer gets a fresh memory."""
        gazetteer = self.gazetteer
        if self._remembering is None or self._remembering.gazetteer is not gazetteer:
            self._remembering = RememberedCandidates(gazetteer)
        return self._remembering

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None, gazetteer_path: str | None = None) -> None:
        if gazetteer_path is not None:
            self.gazetteer_path = gazetteer_path
            self._gazetteer = None
        _ = self.gazetteer

    def __call__(self, doc: Doc) -> Doc:
        toponyms, focus = self.find(doc)
        self.annotate(doc, toponyms, focus)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def find(self, doc: Doc) -> tuple[list, str | None]:
        """(toponyms, country in focus) for the Doc."""
        entities = ({(e.start_char, e.end_char): e.label_ for e in doc.ents}
                    if self.use_ner and doc.has_annotation("ENT_IOB") else {})
        text = doc.text                       # Doc.text joins every token: read it once
        actors = self._actor_names(doc, text)
        entities.update({span: ACTOR_LABEL for span in actors})
        evidence: dict[str, float] = {}
        for code in dict.fromkeys(c for c in actors.values() if c):   # in text order: ties go to the first named
            evidence[code] = ACTOR_VOTE          # the YPG fights in Syria, Boko Haram in Nigeria
        for code in outlet_countries(text, doc._.kharita_outlet):
            evidence[code] = evidence.get(code, 0.0) + OUTLET_VOTE   # "for Borderland Beat": Mexico
        country = doc._.kharita_country or self.country
        homed = [span for span, code in actors.items() if code]
        return geoparse_with_focus(text, gazetteer=self._lookups, country=country, entities=entities,
                                   evidence=evidence, named_by=homed)

    def _actor_names(self, doc: Doc, text: str) -> dict[tuple[int, int], str]:
        """Spans the pipeline's actor dictionary names ("Houthis", "Asayish"), each with the actor's
        home country ("" for transnational ones): a place only where the name is the place's own
        (see `gazetteer.resolve`), and a vote for the report's country."""
        if self.nlp is None or "kharita_actors" not in self.nlp.pipe_names:
            return {}
        matcher = getattr(self.nlp.get_pipe("kharita_actors"), "matcher", None)
        if matcher is None or not text.strip():
            return {}
        dictionary = matcher.dictionary
        return {(m.start, m.end): _home(dictionary.get(m.actor.name)) if m.actor.actor_type not in ABROAD else ""
                for m in matcher.find_named(text)}

    @staticmethod
    def annotate(doc: Doc, toponyms: list, focus: str | None) -> None:
        doc._.kharita_toponyms = toponyms
        doc._.kharita_country = focus

    # -- serialisation: the settings travel, the gazetteer file stays where it is ----------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(
            {"gazetteer_path": self.gazetteer_path, "use_ner": self.use_ner, "country": self.country}))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ToponymTagger":
        cfg = json.loads((Path(path) / "cfg.json").read_text())
        self.gazetteer_path = cfg.get("gazetteer_path")
        self.use_ner = cfg.get("use_ner", True)
        self.country = cfg.get("country")
        self._gazetteer = None
        return self


class RememberedCandidates:
    """A gazetteer whose `candidates` answers are kept (the latest `size` of them); everything
    else is the gazetteer's own.

    Resolving ranks every mention's candidates twice (alone, then in context), and reports keep
    naming the same places ("Syria", "Aleppo", "Kabul"): ranking is pure in its arguments on a
    read-only gazetteer and was an eighth of the whole coder's time on real-length articles, so
    an answer already given is given again. Each caller gets its own copy of the list."""

    def __init__(self, gazetteer: Gazetteer, size: int = 50_000) -> None:
        self.gazetteer = gazetteer
        self.size = size
        self._ask = lru_cache(maxsize=size)(self._ask_gazetteer)

    def candidates(self, name: str, *, country: str | None = None, cue: str = "", near: Any = None,
                   limit: int = 10) -> list[Candidate]:
        return list(self._ask(name, country, cue, near, limit))

    def _ask_gazetteer(self, name: str, country: str | None, cue: str, near: Any, limit: int) -> list[Candidate]:
        return self.gazetteer.candidates(name, country=country, cue=cue, near=near, limit=limit)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("gazetteer", "size", "_ask"):
            raise AttributeError(name)
        return getattr(self.gazetteer, name)

    def __reduce__(self) -> tuple:
        return RememberedCandidates, (self.gazetteer, self.size)     # the memory stays behind


def _home(entry: ActorEntry | None) -> str:
    """An actor's own home country ("" for one with none, such as aid organisations, which the
    matcher names in whatever country the report is about: no evidence of that country)."""
    return entry.country if entry is not None else ""
