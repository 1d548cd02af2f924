"""Every `Doc._.kharita_*` and `Span._.kharita_*` extension, registered in one place.

Components write these; the events stage reads them. Call `register()` before using a pipeline
(`kharita.nlp.load.load_pipeline` does); it is idempotent.
"""

from __future__ import annotations

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
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
