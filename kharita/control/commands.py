"""`kharita control`: who holds what at a date, or one place's history."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence

import click

from kharita import settings
from kharita.models import ControlChange, ControlState


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.", param_hint="--date") from exc


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = tuple(float(v) for v in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or parts[1] > parts[3]:
        raise click.BadParameter(f"{value!r}: give min_lon,min_lat,max_lon,max_lat.", param_hint="--bbox")
    return parts  # type: ignore[return-value]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def state_lines(states: Sequence[ControlState], width: int = 120) -> list[str]:
    """A readable table: place, controller, since, contested and the events behind the change."""
    if not states:
        return ["no known control changes by that date"]
    place_w = min(36, max(len(s.place.name) for s in states))
    holder_w = min(34, max(len(s.controller or "") for s in states))
    lines = [f"{'place':<{place_w}}  {'controller':<{holder_w}}  {'since':<10}  contested  events"]
    for s in states:
        events = ", ".join(s.change.event_ids) if s.change else ""
        row = (f"{_clip(s.place.name, place_w):<{place_w}}  {_clip(s.controller or '', holder_w):<{holder_w}}  "
               f"{s.since.isoformat() if s.since else '':<10}  {'yes' if s.contested else 'no':<9}  {events}")
        lines.append(_clip(row, width))
        lines.extend(_clip(f"    {reason}", width) for reason in s.reasons)
    return lines


def history_lines(changes: Sequence[ControlChange], width: int = 120) -> list[str]:
    if not changes:
        return []
    lines = []
    for c in changes:
        before = c.previous_controller or "?"
        lines.append(_clip(
            f"{c.date.isoformat()}  {c.place.name}: {before} -> {c.new_controller}  "
            f"({c.certainty.value}; events {', '.join(c.event_ids)})", width))
    return lines


@click.command("control")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Who holds each known place on this day.")
@click.option("--place", "place", metavar="NAME", help="One place's history of changes instead.")
@click.option("--bbox", metavar="W,S,E,N", help="Only places inside: min_lon,min_lat,max_lon,max_lat.")
@click.option("--format", "fmt", type=click.Choice(["table", "geojson"]), default="table", show_default=True)
@click.option("--db", "db", envvar=settings.env_var("db"), default=None, metavar="PATH|URL",
              help=f"SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB (env {settings.env_var('db')}).")
def control(date: str | None, place: str | None, bbox: str | None, fmt: str, db: str | None) -> None:
    """Territorial control: each place's controller at --date (contested ones marked), or the
    changes of hands of one --place."""
    from kharita.control.materialised import control_at
    from kharita.control.state import control_geojson, history
    from kharita.store import Store

    if (date is None) == (place is None):
        raise click.UsageError("Give either --date YYYY-MM-DD or --place NAME.")
    width = shutil.get_terminal_size((120, 20)).columns
    with Store.open(db) as store:          # a KharitaError becomes a CLI error in kharita.cli's group
        if place is not None:
            changes = history(store, place)
            if not changes:
                raise click.ClickException(
                    f"No control changes known for {place!r}. Names are matched on the gazetteer's "
                    f"name ('al-Hasakah - Nashwa'), the district alone ('Nashwa') or the place key.")
            click.echo("\n".join(history_lines(changes, width)))
            return
        states = control_at(store, _date(date or ""), bbox=_bbox(bbox))
    if fmt == "geojson":
        click.echo(json.dumps(control_geojson(states), ensure_ascii=False))
    else:
        click.echo("\n".join(state_lines(states, width)))
