"""kharita: conflict news in, a geocoded, actor-coded event dataset and a control map out."""

import logging

from kharita.errors import KharitaError
from kharita.models import (
    Actor,
    ActorMention,
    ControlChange,
    ControlState,
    Document,
    Event,
    Evidence,
    Mention,
    Place,
    RunSummary,
    Source,
    Territory,
    Toponym,
)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = sorted([
    "Actor",
    "ActorMention",
    "ControlChange",
    "ControlState",
    "Document",
    "Event",
    "Evidence",
    "KharitaError",
    "Mention",
    "Place",
    "RunSummary",
    "Source",
    "Territory",
    "Toponym",
    "__version__",
])
