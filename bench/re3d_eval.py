"""Actor and place recognition against re3d (dstl/re3d): precision and recall of spans.

    .venv/bin/python bench/re3d_eval.py [--data ../shared/evaldata/re3d] [--json]

re3d annotates 98 Syria/Iraq/defence documents with entity spans (JSON Lines; keep confidence >= 0.5,
as its README says). Compared here:
- actors: kharita_actors mentions (the actor dictionary, new-group rules, generic references) against
  re3d `Organisation` spans; figures for all mentions and for named ones (generic references such as
  "civilians" or "the army" are not Organisation spans in re3d);
- places: kharita_toponyms (the gazetteer-driven toponym component, or `geoparse` when the pipeline
  lacks it) against re3d `Location` spans, all mentions and resolved ones;
- the same spaCy pipeline's generic NER (ORG+NORP; GPE+LOC+FAC) as the baseline, in the same run.
A prediction is right when its span equals a gold span (exact; a leading "the", "a" or "an" is left
out of both sides first, since re3d includes determiners and kharita does not) or overlaps one
(overlap); recall counts gold spans hit. Nothing is asserted: these are figures for the report.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "evaldata" / "re3d"

Span = tuple[int, int]


@dataclass
class Score:
    predicted: int = 0
    gold: int = 0
    exact_tp_pred: int = 0
    exact_tp_gold: int = 0
    overlap_tp_pred: int = 0
    overlap_tp_gold: int = 0

    def add(self, pred: list[Span], gold: list[Span]) -> None:
        pred_set, gold_set = set(pred), set(gold)
        self.predicted += len(pred_set)
        self.gold += len(gold_set)
        self.exact_tp_pred += len(pred_set & gold_set)
        self.exact_tp_gold += len(pred_set & gold_set)
        self.overlap_tp_pred += sum(any(_overlap(p, g) for g in gold_set) for p in pred_set)
        self.overlap_tp_gold += sum(any(_overlap(p, g) for p in pred_set) for g in gold_set)

    def figures(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        p_exact, r_exact = ratio(self.exact_tp_pred, self.predicted), ratio(self.exact_tp_gold, self.gold)
        p_over, r_over = ratio(self.overlap_tp_pred, self.predicted), ratio(self.overlap_tp_gold, self.gold)
        return {
            "predicted": self.predicted, "gold": self.gold,
            "exact_p": p_exact, "exact_r": r_exact, "exact_f1": _f1(p_exact, r_exact),
            "overlap_p": p_over, "overlap_r": r_over, "overlap_f1": _f1(p_over, r_over),
        }


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


PRONOUNS = frozenset("we us our ours they them their theirs it its i me my he him his she her you your".split())
_DETERMINER = re.compile(r"(?i)^(?:the|an|a)\s+")


def trim(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans without a leading determiner."""
    out = []
    for start, end in spans:
        m = _DETERMINER.match(text[start:end])
        out.append((start + m.end(), end) if m and start + m.end() < end else (start, end))
    return out


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def read_jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_re3d(data: Path) -> tuple[dict[str, str], dict[str, dict[str, list[Span]]]]:
    """Documents (id -> text) and gold spans (id -> type -> spans), confidence >= 0.5."""
    texts: dict[str, str] = {}
    spans: dict[str, dict[str, list[Span]]] = {}
    sources = sorted(p for p in data.iterdir() if (p / "documents.json").exists())
    if not sources:
        sys.exit(f"No re3d sources under {data}: pass --data PATH/TO/evaldata/re3d")
    for source in sources:
        for doc in read_jsonl(source / "documents.json"):
            texts[doc["_id"]] = doc["text"]
        for ent in read_jsonl(source / "entities.json"):
            if float(ent.get("confidence", 0)) < 0.5:
                continue
            spans.setdefault(ent["documentId"], {}).setdefault(ent["type"], []).append((ent["begin"], ent["end"]))
    return texts, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the re3d folder (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from kharita.nlp.load import load_pipeline

    texts, gold = load_re3d(args.data)
    nlp = load_pipeline()
    from kharita.errors import GazetteerError

    places_by = "kharita_toponyms" if "kharita_toponyms" in nlp.pipe_names else "geoparse"
    geoparse = None
    if places_by == "kharita_toponyms":
        try:
            nlp("Damascus")
        except GazetteerError as exc:        # reported in the output, places left out
            nlp.remove_pipe("kharita_toponyms")
            places_by = f"unavailable ({exc})"
    if places_by == "geoparse":
        from kharita.gazetteer.geoparse import geoparse

        try:
            geoparse("Damascus")
        except GazetteerError as exc:        # reported in the output, places left out
            places_by = f"unavailable ({exc})"
            geoparse = None

    scores = {name: Score() for name in (
        "actors_all", "actors_named", "ner_org_norp", "actors_all_nopron", "ner_org_nopron", "places_all", "places_resolved", "ner_gpe_loc_fac")}
    ids = sorted(texts)
    started = time.perf_counter()
    for doc_id, doc in zip(ids, nlp.pipe(texts[i] for i in ids)):
        org = trim(doc.text, gold.get(doc_id, {}).get("Organisation", []))
        loc = trim(doc.text, gold.get(doc_id, {}).get("Location", []))
        actors = doc._.kharita_actors or []
        scores["actors_all"].add(trim(doc.text, [(m.start, m.end) for m in actors]), org)
        scores["actors_named"].add(trim(doc.text, [(m.start, m.end) for m in actors if not m.generic]), org)
        ner_org = trim(doc.text, [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("ORG", "NORP")])
        scores["ner_org_norp"].add(ner_org, org)
        named_org = [(b, e) for b, e in org if doc.text[b:e].lower() not in PRONOUNS]
        scores["actors_all_nopron"].add(trim(doc.text, [(m.start, m.end) for m in actors]), named_org)
        scores["ner_org_nopron"].add(ner_org, named_org)
        scores["ner_gpe_loc_fac"].add(trim(doc.text, [(e.start_char, e.end_char) for e in doc.ents
                                                      if e.label_ in ("GPE", "LOC", "FAC")]), loc)
        if places_by.startswith("unavailable"):
            continue
        toponyms = doc._.kharita_toponyms if geoparse is None else geoparse(doc.text)
        toponyms = toponyms or []
        scores["places_all"].add(trim(doc.text, [(t.start, t.end) for t in toponyms]), loc)
        scores["places_resolved"].add(trim(doc.text, [(t.start, t.end) for t in toponyms if t.place is not None]), loc)
    elapsed = time.perf_counter() - started

    figures = {name: s.figures() for name, s in scores.items()}
    command = " ".join([".venv/bin/python", "bench/re3d_eval.py", *sys.argv[1:]])
    meta = {"command": command, "machine": f"{platform.machine()} {platform.processor() or ''}".strip()
            + f", Python {platform.python_version()}", "documents": len(texts), "places_by": places_by,
            "pipeline": nlp.pipe_names, "seconds": round(elapsed, 1)}
    if args.json:
        print(json.dumps({"meta": meta, "figures": figures}, indent=2))
        return
    print(f"command: {command}")
    print(f"machine: {meta['machine']}; {len(texts)} documents in {elapsed:.1f} s; places by {places_by}")
    print(f"pipeline: {', '.join(nlp.pipe_names)}")
    print(f"{'':<20}{'pred':>6}{'gold':>6}{'P exact':>9}{'R exact':>9}{'F1':>7}{'P overlap':>11}{'R overlap':>11}{'F1':>7}")
    for name, f in figures.items():
        print(f"{name:<20}{f['predicted']:>6}{f['gold']:>6}{f['exact_p']:>9.3f}{f['exact_r']:>9.3f}{f['exact_f1']:>7.3f}"
              f"{f['overlap_p']:>11.3f}{f['overlap_r']:>11.3f}{f['overlap_f1']:>7.3f}")
    print("gold: re3d Organisation spans for actors/ner_org_*, Location spans for places/ner_gpe_loc_fac "
          "(confidence >= 0.5); *_nopron: Organisation spans that are pronouns (we, they, it ...) left out")


if __name__ == "__main__":
    main()
