"""`kharita eval`: score a run against gold events (the library is kharita.evaluate)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kharita.errors import KharitaError


@click.command("eval")
@click.option("--gold", "gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold events, JSON Lines (format: dev-set/README.md).")
@click.option("--docs", "docs", multiple=True, metavar="INPUT",
              help="Reports to run through the pipeline (merge off, a temporary SQLite store), read as "
                   "`kharita run` reads them: files, folders, URLs, '-' for stdin (repeatable).")
@click.option("--pred", "pred", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Score this JSON Lines export (kharita export --format jsonl) instead of running.")
@click.option("--must-not", "must_not", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="What a correct run must not produce [default: must_not.jsonl beside the gold, if any].")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--extractor", default=None, metavar="NAME",
              help="With --docs: the extractor to run (minimal, coder) [default: $KHARITA_EXTRACTOR or the setting].")
@click.option("--no-gazetteer", is_flag=True, help="Compare gold places by name and admin1 only.")
def eval_command(gold: Path, docs: tuple[str, ...], pred: Path | None, must_not: Path | None, fmt: str,
                 extractor: str | None, no_gazetteer: bool) -> None:
    """Score events against gold: precision, recall and F1 at L1 (type + place), L2 (+ actors)
    and L3 (+ date and fatalities), must-nots produced, extras, geocoding distances."""
    from kharita import evaluate

    if bool(docs) == (pred is not None):
        raise click.UsageError("Give exactly one of --docs (run the pipeline) or --pred (score an export).")
    try:
        predicted = evaluate.read_predicted(pred) if pred is not None else evaluate.predict_documents(list(docs), extractor=extractor)
        report = evaluate.evaluate_files(gold, predicted, must_not_path=must_not,
                                         resolver=None if no_gazetteer else "default")
    except KharitaError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.table())
