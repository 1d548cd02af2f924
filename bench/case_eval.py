"""Score `kharita.events.classify` (default) or `kharita run` (--run) on the CASE-2021 task 2 snippets.

    .venv/bin/python bench/case_eval.py [--data PATH] [--run] [--errors]

--data defaults to ../shared/evaldata/case2021-task2/dev_even_ids.tsv.

The 25 ACLED labels map onto kharita's sub-event types; the 5 non-ACLED labels (ORG_CRIME,
NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO, ATTRIB) are expected to give no event. A snippet's
prediction is the first sub-event type `classify` returns, "none" when it returns nothing (and
Displacement, not an ACLED type, counts as none). F1 is per ACLED type (predictions of "none" on an
ACLED snippet are misses, ACLED predictions on a non-ACLED snippet are false positives); the
weighted F1 weighs each type by its number of snippets, the macro F1 averages the types present.

--run codes the snippets as `kharita run` does, in one batch: written as one JSON Lines file (id,
text; no published date, as the shared task gives none), read by kharita's readers and run by
`pipeline.run` with the default extractor into a temporary SQLite store, merge off. A snippet's
prediction is the sub-event type of its first event (the one whose trigger, else whose earliest
evidence, starts first in the text), "none" when it has no event (Displacement counts as none, as
above). It also prints how many events carry the day of the run as their date (with no published
date, such a date is invented: issue 10) and how many snippets stopped the run (`run_isolated` of
bench/ucdp_eval.py: a snippet that raises is retried alone, counted, and the batch goes on).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from kharita.events import classify
from kharita.nlp.load import default_pipeline
from kharita.ontology import SubEventType as S

LABELS: dict[str, S] = {
    "ABDUCT_DISSAP": S.ABDUCTION, "AGREEMENT": S.AGREEMENT, "AIR_STRIKE": S.AIR_DRONE_STRIKE,
    "ARMED_CLASH": S.ARMED_CLASH, "ARREST": S.ARRESTS, "ART_MISS_ATTACK": S.SHELLING, "ATTACK": S.ATTACK,
    "CHANGE_TO_GROUP_ACT": S.CHANGE_TO_GROUP, "CHEM_WEAP": S.CHEMICAL_WEAPON, "DISR_WEAP": S.DISRUPTED_WEAPONS_USE,
    "FORCE_AGAINST_PROTEST": S.EXCESSIVE_FORCE, "GOV_REGAINS_TERIT": S.GOVERNMENT_REGAINS_TERRITORY,
    "GRENADE": S.GRENADE, "HQ_ESTABLISHED": S.HEADQUARTERS_ESTABLISHED, "MOB_VIOL": S.MOB_VIOLENCE,
    "NON_STATE_ACTOR_OVERTAKES_TER": S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
    "NON_VIOL_TERRIT_TRANSFER": S.NON_VIOLENT_TRANSFER, "OTHER": S.OTHER, "PEACE_PROTEST": S.PEACEFUL_PROTEST,
    "PROPERTY_DISTRUCT": S.LOOTING, "PROTEST_WITH_INTER": S.PROTEST_WITH_INTERVENTION,
    "REM_EXPLOS": S.REMOTE_EXPLOSIVE, "SEX_VIOL": S.SEXUAL_VIOLENCE, "SUIC_BOMB": S.SUICIDE_BOMB,
    "VIOL_DEMONSTR": S.VIOLENT_DEMONSTRATION,
}
NON_ACLED = {"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB"}
NONE = "none"


def read(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["id"], r["EventSnippet"], r["SubType"]) for r in rows]


def score(gold: list[str], pred: list[str]) -> dict[str, float | dict]:
    labels = sorted({g for g in gold if g != NONE})
    per: dict[str, tuple[float, float, float, int]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = (prec, rec, f1, tp + fn)
    support = sum(v[3] for v in per.values())
    weighted = sum(v[2] * v[3] for v in per.values()) / support if support else 0.0
    macro = sum(v[2] for v in per.values()) / len(per) if per else 0.0
    none_gold = [i for i, g in enumerate(gold) if g == NONE]
    none_ok = sum(1 for i in none_gold if pred[i] == NONE)
    return {"weighted_f1": weighted, "macro_f1": macro, "per_label": per,
            "none_correct": none_ok, "none_total": len(none_gold)}


def predict_classify(rows: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """The first sub-event type `classify` gives each snippet, and its trigger."""
    nlp = default_pipeline()
    pred, triggers = [], []
    for _id, text, _label in rows:
        found = classify(text, nlp)
        first = found[0] if found else None
        value = NONE
        if first is not None and first[0] is not S.DISPLACEMENT:
            value = first[0].value
        pred.append(value)
        triggers.append(first[1] if first else "")
    return pred, triggers


def _start(event, document_id: str) -> int:
    """Where an event's words start in its report: the trigger, else the earliest evidence."""
    evidence = [ev for s in event.sources if s.document_id == document_id for ev in s.evidence]
    triggers = [ev.start for ev in evidence if ev.field == "trigger"]
    return min(triggers or [ev.start for ev in evidence] or [sys.maxsize])


def predict_run(rows: list[tuple[str, str, str]]) -> tuple[list[str], list[str], list[str]]:
    """The first event's sub-event type for each snippet, through `pipeline.run` in one batch; also
    its trigger text and, per snippet, why it stopped ("" when it did not). Prints the run's counts."""
    from kharita import pipeline
    from kharita.store import Store
    from ucdp_eval import read_documents, run_isolated, stop_reason

    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="kharita-case-") as tmp:
        documents = read_documents(({"id": _id, "text": text} for _id, text, _label in rows), Path(tmp))
        with Store.open(Path(tmp) / "case.db") as store:
            outcome = run_isolated(documents, store, pipeline.default_extractor())
            by_doc = defaultdict(list)
            for event in store.iter_events():
                for source in event.sources:
                    by_doc[source.document_id].append(event)
            stored = {d.id for d in documents if store.has_document(d.id)}
    doc_of = {d.external_id: d for d in documents}
    pred, triggers, stopped = [], [], []
    for _id, _text, _label in rows:
        doc = doc_of.get(_id)
        events = sorted(by_doc.get(doc.id, []), key=lambda e: _start(e, doc.id)) if doc else []
        first = events[0] if events else None
        sub = first.sub_event_type if first is not None else None
        pred.append(NONE if sub is None or sub is S.DISPLACEMENT else sub.value)
        said = [ev.text for src in first.sources for ev in src.evidence
                if ev.field == "trigger"] if first else []
        triggers.append(said[0] if said else "")
        stopped.append(stop_reason(doc, outcome, stored))
    events = [e for evs in by_doc.values() for e in evs]
    dated_today = sum(e.event_date == today for e in events)
    snippets_today = sum(any(e.event_date == today for e in evs) for evs in by_doc.values())
    unknown = sum(e.event_date is None for e in events)
    print(f"run: {len(documents)} snippets read, {len(stored)} stored, {len(events)} events; "
          f"{outcome.stops} batch runs raised, {sum(bool(s) for s in stopped)} snippets stopped or failed")
    for (_id, _t, _l), why in zip(rows, stopped):
        if why:
            print(f"    snippet {_id}: {why}")
    print(f"events dated today ({today}, an invented date): {dated_today}/{len(events)} events, in "
          f"{snippets_today}/{len(by_doc)} snippets with events; date unknown (None): {unknown}, "
          f"dated from the text: {len(events) - dated_today - unknown}")
    return pred, triggers, stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(__file__).resolve().parents[1].parent / "shared/evaldata/case2021-task2/dev_even_ids.tsv"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--errors", action="store_true", help="print every wrong snippet")
    parser.add_argument("--run", action="store_true",
                        help="score `kharita run` (pipeline.run, one batch) instead of classify")
    args = parser.parse_args(argv)
    rows = read(args.data)
    gold = [NONE if label in NON_ACLED else LABELS[label].value for _id, _text, label in rows]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cpus, "
          f"python {platform.python_version()}")
    started = time.perf_counter()
    if args.run:
        pred, triggers, _stopped = predict_run(rows)
    else:
        pred, triggers = predict_classify(rows)
    took = time.perf_counter() - started
    result = score(gold, pred)
    mode = "kharita run" if args.run else "classify"
    print(f"data: {args.data} ({len(rows)} snippets, {sum(g != NONE for g in gold)} ACLED, "
          f"{sum(g == NONE for g in gold)} non-ACLED), {mode} in {took:.1f}s")
    print(f"{'label':40} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}")
    for label, (p, r, f, n) in sorted(result["per_label"].items()):
        print(f"{label:40} {p:6.2f} {r:6.2f} {f:6.2f} {n:4d}")
    print(f"non-ACLED snippets coded as no event: {result['none_correct']}/{result['none_total']}")
    print(f"weighted F1 (25 ACLED types): {result['weighted_f1']:.3f}")
    print(f"macro F1 (25 ACLED types):    {result['macro_f1']:.3f}")
    if args.errors:
        confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
        for (g, p), n in confusion.most_common(40):
            print(f"{n:3d}  gold={g}  pred={p}")
        for (_id, text, _label), g, p, t in zip(rows, gold, pred, triggers):
            if g != p:
                print(f"--- gold={g} pred={p} trigger={t!r}\n    {text[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
