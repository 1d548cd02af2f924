"""Score `kharita.events.classify` on the CASE-2021 task 2 snippets.

    .venv/bin/python bench/case_eval.py [--data ../shared/evaldata/case2021-task2/dev_even_ids.tsv]

The 25 ACLED labels map onto kharita's sub-event types; the 5 non-ACLED labels (ORG_CRIME,
NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO, ATTRIB) are expected to give no event. A snippet's
prediction is the first sub-event type `classify` returns, "none" when it returns nothing (and
Displacement, not an ACLED type, counts as none). F1 is per ACLED type (predictions of "none" on an
ACLED snippet are misses, ACLED predictions on a non-ACLED snippet are false positives); the
weighted F1 weighs each type by its number of snippets, the macro F1 averages the types present.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import time
from collections import Counter
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(__file__).resolve().parents[1].parent / "shared/evaldata/case2021-task2/dev_even_ids.tsv"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--errors", action="store_true", help="print every wrong snippet")
    args = parser.parse_args(argv)
    rows = read(args.data)
    nlp = default_pipeline()
    started = time.perf_counter()
    gold, pred, triggers = [], [], []
    for _id, text, label in rows:
        found = classify(text, nlp)
        first = found[0] if found else None
        value = NONE
        if first is not None and first[0] is not S.DISPLACEMENT:
            value = first[0].value
        pred.append(value)
        triggers.append(first[1] if first else "")
        gold.append(NONE if label in NON_ACLED else LABELS[label].value)
    took = time.perf_counter() - started
    result = score(gold, pred)
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"data: {args.data} ({len(rows)} snippets, {sum(g != NONE for g in gold)} ACLED, "
          f"{sum(g == NONE for g in gold)} non-ACLED) in {took:.1f}s")
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
