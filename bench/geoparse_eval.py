"""Geoparsing accuracy on GeoWebNews and LGL (Gritta et al.), given gold spans and end to end.

    .venv/bin/python bench/geoparse_eval.py [--data ../shared/evaldata/geoparsing-gritta] [--limit N] [--ner]

--ner passes the English model's entities as hints, as the kharita_toponyms component does in the
full pipeline; without it, end to end is `kharita geoparse` (gazetteer and word rules only).

Prints, per corpus and mode, the share of gold places resolved to the exact GeoNames id, within
10 km and within 161 km (100 miles), world-wide and for gold places in Syria, Iraq and Turkey.
"""

from __future__ import annotations

import argparse
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from kharita.gazetteer import load_default
from kharita.gazetteer.geoparse import geoparse_with_focus
from kharita.gazetteer.ranking import place_distance_km
from kharita.gazetteer.recognize import Found
from kharita.gazetteer.resolve import resolve_found
from kharita.models import Place

FOCUS = {"SY", "IQ", "TR"}


def read_lgl(path: Path):
    for art in ET.parse(path).getroot():
        text = art.findtext("text") or ""
        gold = []
        for t in art.iter("toponym"):
            tag = t.find("gaztag")
            if tag is None or tag.findtext("lat") is None:
                continue
            gold.append((int(t.findtext("start")), int(t.findtext("end")), t.findtext("phrase"),
                         int(tag.get("geonameid")), float(tag.findtext("lat")), float(tag.findtext("lon"))))
        yield text, gold


def read_gwn(path: Path):
    for art in ET.parse(path).getroot():
        text = art.findtext("text") or ""
        gold = []
        for t in art.iter("toponym"):
            if t.findtext("nonLocational") == "Yes" or not (t.findtext("latitude") or "").strip():
                continue
            gid = (t.findtext("geonamesID") or "").strip()
            start, end = int(t.findtext("start")), int(t.findtext("end"))
            gold.append((start, end, text[start:end], int(gid) if gid.isdigit() else None,
                         float(t.findtext("latitude")), float(t.findtext("longitude"))))
        yield text, gold


def score(pred: Place | None, gid: int | None, lat: float, lon: float) -> tuple[int, int, int]:
    if pred is None:
        return 0, 0, 0
    d = place_distance_km(pred, Place(name="", country_code="", lat=lat, lon=lon))
    return int(gid is not None and pred.geonameid == gid), int(d <= 10), int(d <= 161)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/evaldata/geoparsing-gritta")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--ner", action="store_true", help="Use the English model's NER as hints.")
    args = parser.parse_args()
    nlp = None
    if args.ner:
        import spacy

        from kharita.nlp.load import model_name

        nlp = spacy.load(model_name(), exclude=["tagger", "parser", "lemmatizer", "attribute_ruler"])
    gaz = load_default()
    data = Path(args.data)
    for corpus, reader in (("GeoWebNews", read_gwn(data / "GWN.xml")), ("LGL", read_lgl(data / "lgl.xml"))):
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        started = time.perf_counter()
        for n, (text, gold) in enumerate(reader):
            if args.limit and n >= args.limit:
                break
            found = [Found(s, e, text[s:e]) for s, e, *_ in gold]
            given, _ = resolve_found(text, found, gaz)
            entities = None
            if nlp is not None:
                entities = {(e.start_char, e.end_char): e.label_ for e in nlp(text).ents}
            e2e, _ = geoparse_with_focus(text, gazetteer=gaz, entities=entities)
            by_span = [(t.start, t.end, t.place) for t in e2e]
            for (s, e, _phrase, gid, lat, lon), t in zip(gold, given):
                ref = gaz.get(f"gn:{gid}") if gid else None
                region = "SY/IQ/TR" if ref is not None and ref.country_code in FOCUS else None
                pred_e2e = next((p for ps, pe, p in by_span if ps < e and s < pe), None)
                for mode, pred in (("gold spans", t.place), ("end to end", pred_e2e)):
                    for scope in ("world", region):
                        if scope is None:
                            continue
                        row = totals[(mode, scope)]
                        x, k10, k161 = score(pred, gid, lat, lon)
                        row[0] += 1
                        row[1] += int(gid is not None)
                        row[2] += x
                        row[3] += k10
                        row[4] += k161
        seconds = time.perf_counter() - started
        print(f"== {corpus} ({seconds:.0f}s{', NER hints' if nlp is not None else ''})")
        for (mode, scope), (n_all, n_id, x, k10, k161) in sorted(totals.items()):
            print(f"{mode:<11} {scope:<9} n={n_all:<5} exact id {x / max(n_id, 1):.3f} (of {n_id} with id)  "
                  f"<=10 km {k10 / n_all:.3f}  <=161 km {k161 / n_all:.3f}")


if __name__ == "__main__":
    main()
