"""`kharita classify TEXT`: the sub-event type(s) of a snippet and the trigger that decided."""

from __future__ import annotations

import json
import sys

import click


@click.command("classify")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line: sub_event_type, trigger.")
def classify_command(text: str | None, as_json: bool) -> None:
    """Print the ACLED sub-event type(s) TEXT reports, each with its trigger ("-" or none: stdin).
    Prints "no event" when it reports none."""
    from kharita.events import classify

    if text is None or text == "-":
        text = sys.stdin.read()
    found = classify(text)
    if as_json:
        for sub, trigger in found:
            click.echo(json.dumps({"sub_event_type": sub.value, "trigger": trigger}, ensure_ascii=False))
        return
    if not found:
        click.echo("no event")
    for sub, trigger in found:
        click.echo(f"{sub.value}\t{trigger}")
