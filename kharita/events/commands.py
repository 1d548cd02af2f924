"""`kharita classify [INPUT...]`: the sub-event type(s) of each report and the trigger that decided."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import click

from kharita.models import Document, RunSummary


def is_input(argument: str) -> bool:
    """Whether an argument names an input as `kharita run` takes it: '-', an http(s) URL, or an
    existing file or folder. Anything else is a report's text, given on the command line."""
    return argument == "-" or argument.startswith(("http://", "https://")) or Path(argument).exists()


def documents(arguments: tuple[str, ...], summary: RunSummary) -> Iterator[Document]:
    """The reports of the arguments, in order: inputs through the readers `kharita run` uses,
    the rest each one report of its own text. No argument: stdin."""
    from kharita.errors import InputError
    from kharita.ingest.normalize import make_document
    from kharita.ingest.readers import read_inputs

    for argument in arguments or ("-",):
        if is_input(argument):
            yield from read_inputs([argument], summary)
            continue
        try:
            yield make_document("<argument>", argument)
            summary.read += 1
        except InputError as exc:
            summary.skip(exc.source, exc.reason)


@click.command("classify")
@click.argument("inputs", nargs=-1, metavar="[INPUT|TEXT]...")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object a line: document_id, external_id, sub_event_type, trigger.")
def classify_command(inputs: tuple[str, ...], as_json: bool) -> None:
    """Print the ACLED sub-event type(s) of each report, each with the trigger that decided.
    Reports are read as `kharita run` reads them (files, folders, URLs, '-' for stdin; text, HTML,
    RSS/Atom, JSON Lines, CSV); an argument that is none of these is a report's text itself; no
    argument reads stdin. Prints "no event" for a report that reports none, and a "# report" line before
    each report's lines when there are several. Unreadable inputs are named on stderr."""
    from kharita.events.coder import classify_doc
    from kharita.nlp.load import default_pipeline

    summary = RunSummary()
    stream = documents(inputs, summary)
    first = list(islice(stream, 2))                  # one report: no "# report" lines
    several = len(first) > 1
    for parsed, doc in default_pipeline().pipe(((d.text, d) for d in chain(first, stream)), as_tuples=True):
        found = classify_doc(parsed)
        if as_json:
            for sub, trigger in found:
                click.echo(json.dumps({"document_id": doc.id, "external_id": doc.external_id,
                                       "sub_event_type": sub.value, "trigger": trigger}, ensure_ascii=False))
            continue
        if several:
            click.echo(f"# {doc.external_id or doc.origin or doc.id} (document {doc.id})")
        if not found:
            click.echo("no event")
        for sub, trigger in found:
            click.echo(f"{sub.value}\t{trigger}")
    for source, reason in summary.skipped:
        click.echo(f"skipped {source}: {reason}", err=True)
