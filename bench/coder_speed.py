"""Reports/s of the event coder end to end against bare `nlp.pipe` of the same spaCy pipeline.

    .venv/bin/python bench/coder_speed.py [--reports 200] [--data ../shared/evaldata]

Texts: the seed report and CASE-2021 snippets (when ../shared is there), repeated to --reports.
(a) bare: `nlp.pipe` of the statistical pipeline kharita loads (tok2vec, tagger, parser,
    attribute_ruler, lemmatizer, ner) over every full text;
(b) kharita: `EventCoder.extract` over the same texts as Documents (the cheap whole-report pass,
    then the parse of the sentences with a trigger only, then coding), events included.
Both in this process, after one warm-up, interleaved over --rounds rounds (medians); ratio =
reports/s (b) / reports/s (a).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from kharita.events import EventCoder
from kharita.models import Document
from kharita.nlp.load import default_pipeline

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int, data: Path) -> list[Document]:
    seed = json.loads((ROOT / "examples/seed/report.jsonl").read_text(encoding="utf-8").splitlines()[0])
    texts = [seed["text"]]
    case = data / "case2021-task2/dev_even_ids.tsv"
    if case.exists():
        with case.open(encoding="utf-8", newline="") as fh:
            texts += [r["EventSnippet"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    docs = []
    for i in range(n):
        text = texts[i % len(texts)] + ("" if i < len(texts) else f"\n\n(copy {i})")
        docs.append(Document.from_text(text, published=dt.date(2015, 7, 9), outlet="bench"))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    args = parser.parse_args(argv)
    nlp = default_pipeline()
    docs = corpus(args.reports, args.data)
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    statistical = [n for n in nlp.pipe_names if not n.startswith("kharita_")]
    coder = EventCoder(nlp)
    with nlp.select_pipes(enable=statistical):
        list(nlp.pipe(texts[:5]))
    list(coder.extract(docs[:5]))

    bares, fulls, events = [], [], 0
    for _round in range(args.rounds):          # interleaved, so that a busy machine hits both alike
        started = time.perf_counter()
        with nlp.select_pipes(enable=statistical):
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
        bares.append(time.perf_counter() - started)
        started = time.perf_counter()
        events = sum(len(evs) for _d, evs in coder.extract(docs))
        fulls.append(time.perf_counter() - started)
    bare, full = statistics.median(bares), statistics.median(fulls)

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''} "
          f"python {platform.python_version()}, pipeline {nlp.meta.get('name')} {nlp.meta.get('version')}")
    print(f"corpus: {len(docs)} reports, {words} words")
    print(f"(a) bare nlp.pipe ({', '.join(statistical)}): {len(docs) / bare:8.1f} reports/s "
          f"{words / bare:9.0f} words/s")
    print(f"(b) kharita EventCoder end to end:            {len(docs) / full:8.1f} reports/s "
          f"{words / full:9.0f} words/s  ({events} events)")
    print(f"ratio b/a: {bare / full:.2f} (median of {args.rounds} interleaved rounds; per round: "
          f"{', '.join(f'{b / f:.2f}' for b, f in zip(bares, fulls))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
