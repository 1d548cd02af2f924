"""Every `Doc._.kharita_*` and `Span._.kharita_*` extension, registered in one place.

Components write these; the events stage reads them. Call `register()` before using a pipeline
(`kharita.nlp.load.load_pipeline` does); it is idempotent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from typing import Any

from spacy.tokens import Doc, Span

DOC_EXTENSIONS: dict[str, object] = {
    "kharita_toponyms": None,      # list[models.Toponym]: place mentions and their resolution
    "kharita_actors": None,        # list[models.ActorMention]: actor mentions coded to the dictionary
    "kharita_triggers": None,      # list[models.Mention] kind="trigger", label=sub-event type
    "kharita_dates": None,         # list[models.Mention] kind="date", label=ISO date, precision in text
    "kharita_numbers": None,       # list[models.Mention] kind="number", label=the integer value
    "kharita_published": None,     # datetime.date | None: the report's publication date (context)
    "kharita_country": None,       # str | None: ISO alpha-2 country in focus (context)
    "kharita_outlet": None,        # str | None: the outlet (context: "gangs" means IS in a Kurdish outlet)
}

SPAN_EXTENSIONS: dict[str, object] = {
    "kharita_parse": False,        # sentence holds something to code, so it goes through the parser
}


def register() -> None:
    _register_msgpack()
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


# -- the values travel: Doc.to_bytes (nlp.pipe(n_process=2), DocBin) packs user data with msgpack --

_MARK = "__kharita__"


def _encode(obj: object, chain: Any = None) -> object:
    """msgpack encoder for kharita's models (frozen dataclasses) and dates in extension values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and type(obj).__module__ == "kharita.models":
        return {_MARK: type(obj).__name__,
                "fields": {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}}
    if isinstance(obj, dt.date) and not isinstance(obj, dt.datetime):
        return {_MARK: "date", "iso": obj.isoformat()}
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Any = None) -> object:
    if isinstance(obj, dict) and _MARK in obj:
        kind = obj[_MARK]
        if kind == "date":
            return dt.date.fromisoformat(obj["iso"])
        from kharita import models

        cls = getattr(models, kind)
        hints = typing.get_type_hints(cls)
        return cls(**{k: _coerce(hints.get(k), v) for k, v in obj["fields"].items()})
    return obj if chain is None else chain(obj)


def _coerce(hint: Any, value: Any) -> Any:
    """Restore what msgpack flattened: enums from their values, tuples from lists."""
    if value is None or hint is None:
        return value
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    for option in options:
        if isinstance(option, type) and issubclass(option, enum.Enum) and not isinstance(value, option):
            return option(value)
        if typing.get_origin(option) is tuple and isinstance(value, list):
            return tuple(value)
    return value


def _register_msgpack() -> None:
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    if "kharita" not in msgpack_encoders.get_all():
        msgpack_encoders.register("kharita", func=_encode)
        msgpack_decoders.register("kharita", func=_decode)
