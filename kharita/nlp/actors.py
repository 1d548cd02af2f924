"""The "kharita_actors" component: actor mentions coded to the actor dictionary.

Sets `doc._.kharita_actors` (list[models.ActorMention], character offsets into `doc.text`). The
generic NER is not consulted: the dictionary, the head-noun rules for unknown groups and the
generic-reference rules of `kharita.actors.coding` decide. Context comes from the Doc:
`doc._.kharita_country` (else inferred from the places the toponym component resolved, else from
the text), `doc._.kharita_published` (validity dates) and `doc._.kharita_outlet`. Spans the toponym
component resolved to a place are never actors ("Hasakah fighters" aside, a place is a place).
"""

import logging
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Optional

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from kharita.actors.coding import ActorMatcher
from kharita.actors.dictionary import DEFAULT_PATH, ActorDictionary, load_default
from kharita.errors import ModelError
from kharita.models import ActorMention
from kharita.nlp import extensions

log = logging.getLogger(__name__)

DICTIONARY_FILE = "actors.yaml"


@Language.factory(
    "kharita_actors",
    assigns=["doc._.kharita_actors"],
    default_config={"dictionary_path": None},
)
def make_actor_tagger(nlp: Language, name: str, dictionary_path: str | None) -> "ActorTagger":
    return ActorTagger(nlp, name, dictionary_path=dictionary_path)


class ActorTagger:
    """Finds and codes actor mentions. The dictionary loads in `initialize` (or on first use)."""

    def __init__(self, nlp: Language, name: str = "kharita_actors", *, dictionary_path: str | None = None) -> None:
        extensions.register()
        self.name = name
        self.dictionary_path = dictionary_path
        self._matcher: ActorMatcher | None = None

    # -- data ------------------------------------------------------------------------------------

    def initialize(self, get_examples: Any = None, *, nlp: Any = None,
                   dictionary_path: Optional[str] = None) -> None:
        # plain annotations (no `from __future__`): spaCy validates this signature at runtime
        if dictionary_path is not None:
            self.dictionary_path = str(dictionary_path)
        self.set_dictionary(self._load())

    def set_dictionary(self, dictionary: ActorDictionary) -> None:
        """Use this dictionary (tests, the pipeline's `actors=` argument)."""
        self._matcher = ActorMatcher(dictionary)

    @property
    def dictionary(self) -> ActorDictionary:
        return self.matcher.dictionary

    @property
    def matcher(self) -> ActorMatcher:
        if self._matcher is None:
            self.set_dictionary(self._load())
        assert self._matcher is not None
        return self._matcher

    def _load(self) -> ActorDictionary:
        if self.dictionary_path is None:
            return load_default()
        return ActorDictionary.load(self.dictionary_path)

    # -- running ---------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        self.annotate(doc, self.find(doc))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def find(self, doc: Doc) -> list[ActorMention]:
        """The actor mentions of a Doc, with the Doc's context (country, date, outlet, places)."""
        if not doc.text.strip():
            return []
        toponyms = doc._.kharita_toponyms or []
        places = [(t.start, t.end) for t in toponyms if getattr(t, "place", None) is not None]
        country = doc._.kharita_country or _country_of_places(toponyms)
        return self.matcher.find(doc.text, country=country, date=doc._.kharita_published,
                                 outlet=doc._.kharita_outlet, exclude=places)

    @staticmethod
    def annotate(doc: Doc, mentions: list[ActorMention]) -> None:
        doc._.kharita_actors = mentions

    # -- serialisation: the dictionary travels with the pipeline ---------------------------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        target = path / DICTIONARY_FILE
        if self._matcher is None:
            shutil.copyfile(Path(self.dictionary_path) if self.dictionary_path else DEFAULT_PATH, target)
            return
        dictionary = self._matcher.dictionary
        if Path(dictionary.source).is_file():
            shutil.copyfile(dictionary.source, target)
        elif dictionary.data is not None:
            target.write_text(yaml.safe_dump(dictionary.data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        else:
            raise ModelError(f"The actor dictionary of {self.name} was built in code and cannot be saved; "
                             f"load it from a YAML file (ActorDictionary.load) to save the pipeline.")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ActorTagger":
        file = Path(path) / DICTIONARY_FILE
        if file.exists():
            self.dictionary_path = str(file)
            self.set_dictionary(ActorDictionary.load(file))
        return self


def _country_of_places(toponyms: list[Any]) -> str | None:
    """The country most of the report's resolved places lie in."""
    votes = Counter(t.place.country_code for t in toponyms
                    if getattr(t, "place", None) is not None and t.place.country_code)
    return votes.most_common(1)[0][0] if votes else None


__all__ = ["ActorTagger", "make_actor_tagger"]
