"""The `kharita` command: thin click commands over the library.

Each command parses its options, calls one library function and formats the result. Other stages
add their own command or group in their package and register it here with one `main.add_command`.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

import kharita
from kharita import settings
from kharita.errors import KharitaError
from kharita.models import Event, RunSummary
from kharita.ontology import Certainty, EventType, SubEventType

F = TypeVar("F", bound=Callable[..., Any])

#: Exit status of `run` and `watch` when the batch ran to its end but some reports failed (1 is an
#: error that stopped the command, 2 a usage error).
EXIT_FAILED = 3


# -- shared pieces -------------------------------------------------------------------------------

def cli_errors(func: F) -> F:
    """Turn a KharitaError into a click error: one line, the message (which names the fix), exit 1."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KharitaError as exc:
            raise click.ClickException(str(exc)) from exc
    return wrapper  # type: ignore[return-value]


class KharitaGroup(click.Group):
    """A click group whose subcommands (anyone's) report KharitaErrors as clean CLI errors."""

    invoke = cli_errors(click.Group.invoke)


def db_option(func: F) -> F:
    """--db PATH|URL, from KHARITA_DB when not given."""
    return click.option(
        "--db", "db", envvar=settings.env_var("db"), default=None, metavar="PATH|URL",
        show_default=f"${settings.env_var('db')} or {settings.get('db')}",
        help="SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB.",
    )(func)


def extractor_option(func: F) -> F:
    """--extractor NAME, from KHARITA_EXTRACTOR when not given."""
    return click.option(
        "--extractor", envvar=settings.env_var("extractor"), default=None, metavar="NAME",
        help="Event extractor: coder or minimal (default: the pipeline's).",
    )(func)


def filter_options(func: F) -> F:
    """The event filters shared by `events` and `export` (the same as the API's)."""
    options = [
        click.option("--since", metavar="YYYY-MM-DD", help="Events on or after this day."),
        click.option("--until", metavar="YYYY-MM-DD", help="Events on or before this day."),
        click.option("--type", "types", multiple=True, metavar="TYPE",
                     help="ACLED event type or sub-event type (repeatable)."),
        click.option("--actor", help="Actor name or part of it (actor1, actor2, associated)."),
        click.option("--certainty", "certainty", multiple=True,
                     type=click.Choice([c.value for c in Certainty]), help="reported, claimed, unconfirmed."),
        click.option("--bbox", metavar="W,S,E,N", help="Bounding box: min_lon,min_lat,max_lon,max_lat."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def event_filters(since: str | None, until: str | None, types: tuple[str, ...], actor: str | None,
                  certainty: tuple[str, ...], bbox: str | None) -> dict[str, Any]:
    """CLI filter options -> keyword arguments of Store.iter_events."""
    event_types, sub_types = [], []
    by_name = {t.value.lower(): t for t in (*EventType, *SubEventType)}
    for name in types:
        found = by_name.get(name.strip().lower())
        if found is None:
            raise click.BadParameter(
                f"{name!r} is not an ACLED event or sub-event type; one of: "
                + ", ".join(t.value for t in (*EventType, *SubEventType)), param_hint="--type")
        (event_types if isinstance(found, EventType) else sub_types).append(found.value)
    box = None
    if bbox:
        try:
            box = tuple(float(v) for v in bbox.split(","))
        except ValueError:
            box = ()
        if len(box) != 4:
            raise click.BadParameter(f"{bbox!r}: give four numbers, min_lon,min_lat,max_lon,max_lat",
                                     param_hint="--bbox")
    return {"since": since, "until": until, "event_types": event_types, "sub_types": sub_types,
            "actor": actor, "certainty": list(certainty), "bbox": box}


def open_store(db: str | None):  # type: ignore[no-untyped-def]
    from kharita.store import Store

    return Store.open(db)


def summary_lines(summary: RunSummary, store_url: str) -> list[str]:
    lines = [
        f"read {summary.read} report(s): {summary.stored} stored, {summary.unchanged} unchanged, "
        f"{len(summary.skipped)} skipped"
        + (f", {len(summary.failed)} failed" if summary.failed else "")
        + f"; {summary.events_written} event(s) written"
        + (f" ({summary.events_merged} merged into stored events)" if summary.events_merged else "")
        + f" to {store_url}"
    ]
    if summary.skipped:
        lines.append("skipped:")
        lines.extend(f"  {source}: {reason}" for source, reason in summary.skipped)
    if summary.dropped:
        lines.append("events not coded: " + ", ".join(f"{n} ({reason})" for reason, n in sorted(summary.dropped.items())))
    if summary.failed:
        lines.append("failed (not stored, so the next run retries them; --strict stops at the first):")
        lines.extend(f"  {source}: {reason}" for source, reason in summary.failed)
    return lines


def exit_if_failed(summary: RunSummary) -> None:
    """End with EXIT_FAILED when some reports failed (the summary, printed first, names them)."""
    if summary.failed:
        click.get_current_context().exit(EXIT_FAILED)


# -- the group -----------------------------------------------------------------------------------

@click.group(cls=KharitaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kharita.__version__, "--version", prog_name="kharita")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors in the log.")
def main(verbose: int, quiet: bool) -> None:
    """kharita: conflict news in, a geocoded, actor-coded ACLED-style event dataset out."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("kharita").setLevel(level)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@db_option
@click.option("--no-merge", is_flag=True, help="Store each report's events as they are, unmerged.")
@click.option("-s", "--silent", is_flag=True, help="No progress bar.")
@extractor_option
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this process; dask: a Dask cluster codes the reports; on PostgreSQL each "
                   "worker merges and stores its own, on SQLite this process does, in input order; "
                   "then control is refreshed.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="With --engine dask: the scheduler of a running cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="With --engine dask and no --scheduler: local worker processes (default: one per core).")
@click.option("--strict", is_flag=True,
              help="Stop at the first report that fails, with its error (for debugging).")
def run(inputs: tuple[str, ...], db: str | None, no_merge: bool, silent: bool, extractor: str | None,
        engine: str, scheduler: str | None, workers: int | None, strict: bool) -> None:
    """Read reports (files, folders, URLs, '-' for stdin), code their events and store them.

    A report that fails (its extraction, merge or store raises) is rolled back and named in the
    summary, and the batch goes on; the next run retries it. Exit status: 0 when every report was
    stored, unchanged or skipped as unreadable; 3 when the batch ran to its end but some reports
    failed; 1 when an error stopped the run; 2 for a usage error.
    """
    from kharita import pipeline

    if engine == "local" and (scheduler or workers):
        raise click.UsageError("--scheduler and --workers need --engine dask.")
    with open_store(db) as store:
        if engine == "dask":
            from kharita.scale.runner import run_dask

            logging.getLogger("distributed").setLevel(logging.getLogger("kharita").getEffectiveLevel())
            summary = run_dask(list(inputs), store, scheduler=scheduler, workers=workers, extractor=extractor,
                               merge=not no_merge, strict=strict)
        else:
            summary = pipeline.run(list(inputs), store, extractor=pipeline.default_extractor(extractor),
                                   merge=not no_merge, progress=not silent and sys.stderr.isatty(),
                                   strict=strict)
        for line in summary_lines(summary, store.url):
            click.echo(line)
    exit_if_failed(summary)


TABLE = (("event_date", "date"), ("sub_event_type", "type"), ("actor1", "actor1"), ("actor2", "actor2"),
         ("location", "location"), ("fatalities", "dead"), ("certainty", "certainty"))


def format_table(events: list[Event], width: int) -> list[str]:
    """A plain-text table of events fitted to `width` columns: each column as wide as its content,
    the widest cut (with an ellipsis) until the table fits. An unknown date reads "unknown"."""
    from kharita.record import to_record

    records = [to_record(ev) for ev in events]
    blank = {"event_date": "unknown"}
    cells = [[(blank.get(key, "") if r[key] is None else str(r[key])) for key, _ in TABLE] for r in records]
    sizes = [max([len(title)] + [len(row[i]) for row in cells]) for i, (_, title) in enumerate(TABLE)]
    while sum(sizes) + 2 * (len(sizes) - 1) > width and max(sizes) > 8:
        sizes[sizes.index(max(sizes))] -= 1

    def fit(text: str, size: int) -> str:
        return (text if len(text) <= size else text[: size - 1] + "…").ljust(size)

    lines = ["  ".join(fit(title, n) for (_, title), n in zip(TABLE, sizes)).rstrip(),
             "  ".join("-" * n for n in sizes)]
    lines.extend("  ".join(fit(c, n) for c, n in zip(row, sizes)).rstrip() for row in cells)
    return lines


@main.command()
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def events(db: str | None, limit: int, **filters: Any) -> None:
    """Show stored events as a table."""
    criteria = event_filters(**filters)
    with open_store(db) as store:
        found = list(store.iter_events(**criteria, limit=limit))
        total = store.count_events(**criteria)
    width = shutil.get_terminal_size((140, 24)).columns
    for line in format_table(found, width):
        click.echo(line)
    click.echo(f"{len(found)} of {total} event(s)")


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["acled-csv", "geojson", "jsonl", "parquet"]),
              default=None, help="Output format (default: from --out's suffix, else acled-csv).")
@click.option("--out", default="-", show_default=True, help="Output file; '-' is stdout.")
@filter_options
def export(db: str | None, fmt: str | None, out: str, **filters: Any) -> None:
    """Export stored events: ACLED CSV, GeoJSON, JSON Lines or Parquet."""
    from kharita import export as exporter

    if fmt is None:
        suffixes = {v: k for k, v in exporter.SUFFIX.items()} | {".json": "geojson", ".csv": "acled-csv"}
        fmt = suffixes.get(Path(out).suffix.lower(), "acled-csv") if out != "-" else "acled-csv"
    criteria = event_filters(**filters)
    with open_store(db) as store:
        from kharita.store.acled_ids import lookup_store

        n = exporter.export(store.iter_events(**criteria), fmt, out, ids=functools.partial(lookup_store, store))
    if out != "-":
        click.echo(f"wrote {n} event(s) to {out} ({fmt})", err=True)


@main.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@db_option
@click.option("--every", default=None, metavar="INTERVAL",
              help=f"Poll interval: 90s, 10m, 1h (default ${settings.env_var('watch_every')} or "
                   f"{settings.get('watch_every')}).")
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--no-merge", is_flag=True, help="Store each report's events as they are, unmerged.")
@extractor_option
@click.option("--strict", is_flag=True,
              help="Stop at the first report that fails, with its error (for debugging).")
def watch(feeds: tuple[str, ...], db: str | None, every: str | None, once: bool, no_merge: bool,
          extractor: str | None, strict: bool) -> None:
    """Poll RSS/Atom feeds and ingest new items only.

    A report that fails is named in its poll's summary and retried on the next poll. Exit status
    (after --once, or Ctrl-C): 3 when some reports failed, else as `kharita run`.
    """
    import datetime as dt

    from kharita import pipeline
    from kharita.ingest.watch import parse_interval

    seconds = parse_interval(every or settings.get("watch_every"))
    with open_store(db) as store:
        def report(summary: RunSummary) -> None:
            stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            for line in summary_lines(summary, store.url):
                click.echo(f"[{stamp}] {line}" if not line.startswith(" ") else line)
        total = pipeline.watch(list(feeds), store, every=seconds, once=once, merge=not no_merge,
                               on_poll=report, extractor=pipeline.default_extractor(extractor), strict=strict)
    exit_if_failed(total)


@main.group()
def db() -> None:
    """The store: schema migrations and counts."""


@db.command()
@db_option
def migrate(db: str | None) -> None:
    """Create the schema or bring it to this version of kharita."""
    from kharita.store import Store

    with Store.open(db) as store:
        current, head = store.schema_revision()
        click.echo(f"{store.url}: schema at revision {current} (newest {head})")


@db.command()
@db_option
def stats(db: str | None) -> None:
    """Counts of documents and events, by type and ISO week, as JSON."""
    with open_store(db) as store:
        click.echo(json.dumps(store.stats(), indent=2))


from kharita.control.commands import control as _control  # noqa: E402

main.add_command(_control)

from kharita.evaluate_cmd import eval_command as _eval  # noqa: E402

main.add_command(_eval)

from kharita.events.commands import classify_command as _classify  # noqa: E402

main.add_command(_classify)

from kharita.web.commands import serve as _serve  # noqa: E402

main.add_command(_serve)

from kharita.gazetteer.commands import gazetteer as _gazetteer, geoparse_command as _geoparse  # noqa: E402

main.add_command(_gazetteer)
main.add_command(_geoparse)
