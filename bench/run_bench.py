"""The benchmark of issues 7 and 14, in one command: throughput, memory and Dask scaling, with the machine.

    python bench/run_bench.py                          # 10k reports; memory at 10k and 100k; Dask 1 and 2 workers
    python bench/run_bench.py --reports 2000 --big 0   # a quick look (no 100k memory run)

It builds two corpora with bench/corpus.py: the snippet corpus (--reports reports: the seed, re3d
documents and CASE-2021 snippets, varied; mostly event sentences) and the article corpus
(--articles real-length articles, each once: GeoWebNews, re3d, UCDP-AEC validation; most
sentences tell no event). It measures, each in a fresh child process so that one measurement's
memory cannot leak into the next, on each corpus:
  (a) bare `nlp.pipe` of the spaCy pipeline kharita loads, every component on every text;
  (b) kharita end to end (`kharita.pipeline.run`: read, code, store into SQLite, merge, control);
  the ratio b/a of their words/s (both whole processes, loading included), and the ratio of their
  CPU seconds, which the other users of a shared machine move much less (--rounds N measures (a)
  and (b) N times in turn and reports the medians); then, on the snippet
  corpus, Dask with 1 and 2 local worker processes (`run_dask`, the cluster started and warmed
  before the clock starts) into SQLite (the client the one writer) and into PostgreSQL (each
  worker writes its own reports), with the scaling efficiency throughput(2) / (2 x throughput(1))
  of each backend; peak memory at --reports and at --big reports.
Timings include loading the pipeline in (a) and (b) (a few seconds), not the corpus build.

Peak memory is the highest sum of the resident set sizes of the child process and all its
descendants (Dask workers included), sampled every 50 ms with psutil.

Memory at --big reports: a full parse of 100k reports takes more than an hour on two cores, so by
default (--big-method replay) the big run measures the streaming path, the whole of
`pipeline.run` (read, store, merge, control) over every report, with the parse replaced by the
events the real coder gives for the report's template (its event dates moved by the report's
date shift, its ids and sources the report's own), in a process that has loaded and run the real
pipeline on all templates first. What grows with the corpus (reading, the store, merge, control,
anything kept per report) is all there; what the replay leaves out is the parse of each report,
whose memory is per batch, and (b)'s RSS at 25/50/75/100% of its run shows that it stays flat.
The same replay also runs at --reports, so that the two sizes compare like with like.
--big-method full runs the real end to end instead (for a machine with time to spare).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as corpus_mod  # noqa: E402

RESULT = "BENCH-RESULT "
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
CHILD_ENV: dict[str, str] = {}         # KHARITA_EXTRACTOR for the measurements (--extractor)


# -- the machine -----------------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    import spacy

    ram = psutil.virtual_memory().total / 2**30
    return (f"{platform.platform()} | {cpu_model()} | {os.cpu_count()} cores "
            f"({psutil.cpu_count(logical=False)} physical) | {ram:.1f} GiB RAM | "
            f"Python {platform.python_version()} | spaCy {spacy.__version__}")


def code_fingerprint() -> str:
    """A hash of kharita's code and data as they are on disk now: the children load them from
    there, so an edit during the bench would mix versions (the report says so)."""
    root = Path(__file__).resolve().parent.parent / "kharita"
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and "static" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# -- measuring a child process ---------------------------------------------------------------------

def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for those gone meanwhile)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def child_env() -> dict[str, str]:
    env = {**os.environ, **CHILD_ENV}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def warm_bytecode() -> None:
    """Import, once, what the measurements import, so that each finds its bytecode compiled (the
    first would otherwise pay a few seconds of compiling for all)."""
    code = ("import spacy, distributed, kharita.pipeline, kharita.events, kharita.scale.runner; "
            "from kharita.nlp import load; load.default_pipeline()")
    subprocess.run([sys.executable, "-c", code], env=child_env(), check=True, stdout=subprocess.DEVNULL)


def measure(kind: str, *args: str) -> dict:
    """Run one measurement in a child process; its result, its peak RSS and its RSS over time."""
    cmd = [sys.executable, __file__, "--measure", kind, *args]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=child_env())
    proc = psutil.Process(child.pid)
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), tree_rss(proc)))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        sys.exit(f"measurement {kind} failed (exit {child.returncode}): {shlex.join(cmd)}")
    lines = [line for line in out.splitlines() if line.startswith(RESULT)]
    if not lines:
        sys.exit(f"measurement {kind} printed no result: {shlex.join(cmd)}")
    result = json.loads(lines[-1][len(RESULT):])
    result["peak_rss"] = max((rss for _, rss in samples), default=0)
    result["rss_quarters"] = _quarters(samples, result.get("t_start"), result.get("t_end"))
    return result


def _quarters(samples: list[tuple[float, int]], t_start: float | None, t_end: float | None) -> list[int]:
    """Highest RSS seen up to 25, 50, 75 and 100% of the timed part of the run."""
    if t_start is None or t_end is None or not samples:
        return []
    span = t_end - t_start
    marks = []
    for q in (0.25, 0.5, 0.75, 1.0):
        limit = t_start + q * span
        marks.append(max((rss for t, rss in samples if t <= limit), default=0))
    return marks


def _emit(**result: object) -> None:
    print(RESULT + json.dumps(result), flush=True)


def _clock() -> float:
    """Wall-clock seconds: the parent's RSS samples carry the same clock."""
    return time.time()


def _cpu_now() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended. On a
    shared machine wall-clock time counts the other users' work too; CPU time much less so."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# -- the measurements (each runs in a child) -------------------------------------------------------

def _shards(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("*.jsonl"))


def bare_pipeline():  # type: ignore[no-untyped-def]
    """The spaCy pipeline kharita parses with, as spaCy ships it: every component, nothing of kharita."""
    import spacy

    from kharita.nlp import load

    return spacy.load(load.model_name())


def run_bare(folder: str) -> None:
    t_start, cpu_start = _clock(), _cpu_now()
    nlp = bare_pipeline()
    n = 0
    for _ in nlp.pipe(corpus_mod.iter_texts(_shards(folder)), batch_size=64):
        n += 1
    t_end = _clock()
    _emit(reports=n, seconds=t_end - t_start, t_start=t_start, t_end=t_end, cpu=_cpu_now() - cpu_start)


def run_end_to_end(folder: str, db: str) -> None:
    from kharita import pipeline
    from kharita.store import Store

    t_start, cpu_start = _clock(), _cpu_now()
    with Store.open(db) as store:
        summary = pipeline.run(_shards(folder), store)
    t_end, cpu = _clock(), _cpu_now() - cpu_start
    _emit(reports=summary.read, stored=summary.stored, events=_stored_events(db),
          skipped=len(summary.skipped), seconds=t_end - t_start, t_start=t_start, t_end=t_end, cpu=cpu)


def run_on_dask(folder: str, db: str, workers: int) -> None:
    from distributed import Client, LocalCluster

    from kharita.scale import runner
    from kharita.store import Store

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        # warm: every worker has built its extractor before the clock starts
        client.register_plugin(runner.ExtractorPlugin(runner.named_extractor()), name=runner.PLUGIN_NAME)
        me = psutil.Process()
        pg_start = _postgres_cpu()
        t_start, cpu_start = _clock(), _cpu([me])
        workers_start = _cpu(me.children(recursive=True))
        with Store.open(db) as store:
            writers = runner.choose_writers(store, None)
            summary = runner.run_dask(_shards(folder), store, client=client)
        t_end, cpu_end = _clock(), _cpu([me])
        workers_end = _cpu(me.children(recursive=True))
        pg_cpu = _postgres_cpu() - pg_start if db.startswith("postgresql") else 0.0
    _emit(reports=summary.read, stored=summary.stored, events=_stored_events(db),
          skipped=len(summary.skipped), seconds=t_end - t_start, t_start=t_start, t_end=t_end,
          client_cpu=cpu_end - cpu_start, workers_cpu=workers_end - workers_start, writers=writers, pg_cpu=pg_cpu,
          failed=len(summary.failed))


def run_stages(folder: str, db: str) -> None:
    """(b) again, its time split by stage: start-up (imports, loading the pipeline), the light
    pass over whole reports (each kharita component), the parse of the selected sentences, coding
    the parsed sentences, store (merge and write). The stages are timed by wrapping them in this
    process only; the run is the real `pipeline.run`."""
    import collections

    t0 = time.perf_counter()
    from kharita import pipeline
    from kharita.events import coder as coder_mod
    from kharita.store import Store

    spent: collections.Counter = collections.Counter()
    counts: collections.Counter = collections.Counter()
    spent["start-up: imports"] = time.perf_counter() - t0

    def timed(owner, name: str, label: str) -> None:  # type: ignore[no-untyped-def]
        inner = getattr(owner, name)

        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t
        setattr(owner, name, wrapper)

    t = time.perf_counter()
    extractor = pipeline.default_extractor()
    spent["start-up: loading the pipeline"] = time.perf_counter() - t
    nlp = extractor.nlp
    for name, proc in nlp.pipeline:
        if name.startswith("kharita_"):
            timed(type(proc), "__call__", f"light pass: {name}")
    timed(coder_mod, "code_document", "coding the parsed sentences")
    timed(pipeline, "store_document", "store (merge, write)")
    plain_pipe = type(nlp).pipe

    def pipe(self, docs, **kw):  # type: ignore[no-untyped-def]
        it = plain_pipe(self, docs, **kw)
        while True:
            t = time.perf_counter()
            try:
                doc = next(it)
            except StopIteration:
                spent["parse of the selected sentences"] += time.perf_counter() - t
                return
            spent["parse of the selected sentences"] += time.perf_counter() - t
            counts["parsed tokens"] += len(doc)
            yield doc
    type(nlp).pipe = pipe
    plain_segments = coder_mod.EventCoder._segments

    def segments(self, document, light):  # type: ignore[no-untyped-def]
        segs = plain_segments(self, document, light)
        counts["tokens"] += len(light)
        counts["reports with no trigger"] += not segs
        return segs
    coder_mod.EventCoder._segments = segments
    with Store.open(db) as store:
        summary = pipeline.run(_shards(folder), store, extractor=extractor)
    total = time.perf_counter() - t0
    spent["other (reading, skip checks, control, the rest)"] = total - sum(spent.values())
    _emit(reports=summary.read, seconds=total, stages=dict(spent), counts=dict(counts))


def _stored_events(db: str) -> int:
    """Events in the store after the run (merged: one a real event, however many reports)."""
    from kharita.store import Store

    with Store.open(db) as store:
        return store.count_events()


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL server on this machine so far: its processes' own and that of
    the backends they have reaped (the server forks one a connection); 0 when none is readable."""
    total = 0.0
    for p in psutil.process_iter(["username"]):
        if p.info["username"] != "postgres":
            continue
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _cpu(procs: list[psutil.Process]) -> float:
    """User + system CPU seconds of some processes (their own, not their children's)."""
    total = 0.0
    for p in procs:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class ReplayExtractor:
    """Stands in for the coder on the streaming-path memory run: each report gets the events the
    real coder found in its template, moved to the report's date and made the report's own."""

    def __init__(self, templates: list[tuple[object, list]]) -> None:
        self.templates = templates

    def extract(self, documents: Iterable) -> Iterator[tuple[object, list]]:
        for doc in documents:
            index = int((doc.external_id or "bench-0").rsplit("-", 1)[1])
            template, events = self.templates[index % len(self.templates)]
            shift = (doc.published - template.published) if doc.published and template.published else dt.timedelta(0)
            yield doc, [self._own(ev, doc, shift) for ev in events]

    @staticmethod
    def _own(event, doc, shift: dt.timedelta):  # type: ignore[no-untyped-def]
        event_id = hashlib.sha256(f"{doc.id}:{event.event_id}".encode()).hexdigest()[:16]
        sources = tuple(dataclasses.replace(s, document_id=doc.id, external_id=doc.external_id, url=doc.url,
                                            published=doc.published) for s in event.sources)
        return dataclasses.replace(event, event_id=event_id, event_date=event.event_date + shift,
                                   sources=sources)


def run_replay(folder: str, db: str, templates: int) -> None:
    from kharita import pipeline
    from kharita.models import RunSummary
    from kharita.store import Store

    t_start = _clock()
    coder = pipeline.default_extractor()
    documents = itertools.islice(pipeline.read_inputs(_shards(folder), RunSummary()), templates)
    coded = [(doc, list(events)) for doc, events in coder.extract(documents)]
    with Store.open(db) as store:
        summary = pipeline.run(_shards(folder), store, extractor=ReplayExtractor(coded))
    t_end = _clock()
    _emit(reports=summary.read, stored=summary.stored, events=_stored_events(db),
          skipped=len(summary.skipped), seconds=t_end - t_start, t_start=t_start, t_end=t_end)


def same_events(a: Path | str, b: Path | str) -> bool:
    """Whether two stores hold the same events, compared as flat records less their write time."""
    from kharita.record import to_record
    from kharita.store import Store

    def records(path: Path | str) -> Iterator[dict]:
        with Store.open(path) as store:
            for event in store.iter_events():
                yield {k: v for k, v in to_record(event).items() if k != "timestamp"}

    return all(x == y for x, y in itertools.zip_longest(records(a), records(b)))


def same_partition(a: Path | str, b: Path | str) -> bool:
    """Whether two stores group the same reports into events (whatever the events' ids: with the
    workers writing, an event keeps the id of its report stored first, which may differ)."""
    from kharita.store import Store

    def partition(path: Path | str) -> Counter:
        with Store.open(path) as store:
            return Counter(frozenset(source_key(s) for s in ev.sources) for ev in store.iter_events())

    return partition(a) == partition(b)


class PostgresDatabases:
    """Fresh PostgreSQL databases of the bench's own on a server, all dropped at the end."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.names: list[str] = []

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.server, autocommit=True)

    def new(self, label: str) -> str:
        name = f"kharita_bench_{os.getpid()}_{label}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return f"{self.server.rsplit('/', 1)[0]}/{name}"

    def describe(self) -> str:
        with self._admin() as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
        return f"PostgreSQL {version} at {self.server.rsplit('/', 1)[0]} (synchronous_commit={sync}, same machine)"

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the report ------------------------------------------------------------------------------------

def _cpu_per_report(r: dict) -> float:
    return (r["client_cpu"] + r["workers_cpu"] + r.get("pg_cpu", 0.0)) / max(1, r["reports"])


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _row(label: str, result: dict, words: int) -> str:
    s = result["seconds"]
    cpu = f" {result['cpu']:>8,.1f}" if "cpu" in result else ""
    return (f"{label:<42} {result['reports'] / s:>10,.1f} {words / s:>11,.0f} {s:>9,.1f} "
            f"{_mb(result['peak_rss']):>10}{cpu}")


def _load(before: float) -> str:
    return f"   {before:.1f} -> {os.getloadavg()[0]:.1f}"


def build(n: int, root: Path, data: Path) -> tuple[str, int]:
    folder = root / f"corpus-{n}"
    start = time.perf_counter()
    shards = corpus_mod.write_corpus(n, folder, data=data)
    words = sum(len(t.split()) for t in corpus_mod.iter_texts(shards))
    print(f"snippet corpus {n:,}: {words:,} words, {len(shards)} shards, built in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    return str(folder), words


def build_articles(limit: int, root: Path, data: Path) -> tuple[str, int, int]:
    folder = root / "articles"
    shards = corpus_mod.write_articles(folder, limit=limit, data=data)
    texts = list(corpus_mod.iter_texts(shards))
    words = sum(len(t.split()) for t in texts)
    print(f"article corpus: {len(texts):,} articles (GeoWebNews, re3d, UCDP-AEC validation in turn), "
          f"{words:,} words, {words / len(texts):,.0f} words an article", flush=True)
    return str(folder), len(texts), words


def throughput(label: str, folder: str, n: int, words: int, root: Path, skip: list[str],
               results: dict[str, dict], target: str, rounds: int = 1) -> None:
    """(a), (b) and their ratio on one corpus, `rounds` times in turn (a, b, a, b ...): on a shared
    machine the load moves between two measurements, and the median ratio of the rounds is the
    figure. Each row gives the CPU seconds of the process too, and the load average before and
    after it; the CPU ratio (a)/(b) moves much less with the load than the wall-clock one."""
    header = (f"{'':<42} {'reports/s':>10} {'words/s':>11} {'seconds':>9} {'peak RSS':>10} {'CPU s':>8}"
              "   load average before -> after")
    print(f"\nthroughput on the {label} corpus, {n:,} reports ({words:,} words), one process each\n{header}",
          flush=True)
    walls, cpus = [], []
    for k in range(rounds):
        tag = f" [{k + 1}/{rounds}]" if rounds > 1 else ""
        if "bare" not in skip:
            before = os.getloadavg()[0]
            results[f"bare-{label}"] = bare = measure("bare", folder)
            print(_row(f"(a) bare nlp.pipe (all components){tag}", bare, words) + _load(before), flush=True)
        if "e2e" not in skip:
            before = os.getloadavg()[0]
            db = root / (f"e2e-{label}.sqlite" if k == 0 else f"e2e-{label}-{k}.sqlite")
            results[f"e2e-{label}"] = e2e = measure("e2e", folder, str(db))
            print(_row(f"(b) kharita end to end, SQLite{tag}", e2e, words) + _load(before), flush=True)
            if k == 0:
                print(f"    stored {e2e['stored']:,} reports, {e2e['events']:,} events after merge, "
                      f"{e2e['skipped']} skipped; RSS at 25/50/75/100% of the run: "
                      f"{' / '.join(_mb(r) for r in e2e['rss_quarters'])}")
        if f"bare-{label}" in results and f"e2e-{label}" in results:
            a, b = results[f"bare-{label}"], results[f"e2e-{label}"]
            walls.append(a["seconds"] / b["seconds"])
            cpus.append(a["cpu"] / b["cpu"])
    if walls:
        each = f" (rounds: {', '.join(f'{w:.2f}' for w in walls)})" if rounds > 1 else ""
        print(f"ratio b/a on the {label} corpus (words/s, same run): {statistics.median(walls):.2f}{each}   "
              f"target {target}", flush=True)
        each = f" (rounds: {', '.join(f'{c:.2f}' for c in cpus)})" if rounds > 1 else ""
        print(f"ratio a/b of CPU seconds on the {label} corpus: {statistics.median(cpus):.2f}{each}", flush=True)
    if "stages" not in skip:
        r = measure("stages", folder, str(root / f"stages-{label}.sqlite"))
        c = r["counts"]
        print(f"(b) by stage, one more run of it ({r['seconds']:,.1f} s; {c.get('parsed tokens', 0):,} of "
              f"{c.get('tokens', 0):,} tokens parsed, {c.get('reports with no trigger', 0):,} of {n:,} reports "
              f"with no trigger):", flush=True)
        for stage, sec in sorted(r["stages"].items(), key=lambda kv: -kv[1]):
            print(f"    {stage:<48} {sec:>7,.1f} s  {sec / r['seconds']:>4.0%}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000, help="snippet corpus size (default 10000)")
    parser.add_argument("--articles", type=int, default=0,
                        help="article corpus size (default 0: all 949 articles)")
    parser.add_argument("--corpus", action="append", choices=("snippets", "articles"), default=None,
                        help="which corpus's throughput to measure (repeatable; default both)")
    parser.add_argument("--big", type=int, default=100_000, help="corpus size for the memory run (0: none)")
    parser.add_argument("--big-method", choices=("replay", "full"), default="replay",
                        help="replay: streaming path with the parse replayed (default); full: real end to end")
    parser.add_argument("--dask-reports", type=int, default=None, help="corpus size for Dask (default --reports)")
    parser.add_argument("--dask-backend", action="append", choices=("sqlite", "postgresql"), default=None,
                        help="the stores Dask writes (repeatable; default both)")
    parser.add_argument("--pg", default=PG_SERVER, help=f"PostgreSQL server for Dask (default {PG_SERVER})")
    parser.add_argument("--data", type=Path, default=corpus_mod.DEFAULT_DATA, help="the shared/evaldata folder")
    parser.add_argument("--skip", action="append", default=[], choices=("bare", "e2e", "stages", "dask", "memory"),
                        help="leave a measurement out (repeatable)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure (a) and (b) this many times in turn; the median ratio is reported")
    parser.add_argument("--extractor", default="coder", help="the extractor kharita runs with (default: coder)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and databases (printed at the end)")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        kind, *rest = args.measure
        {"bare": run_bare, "e2e": run_end_to_end, "replay": lambda f, d, t: run_replay(f, d, int(t)),
         "stages": run_stages,
         "dask": lambda f, d, w: run_on_dask(f, d, int(w))}[kind](*rest)
        return

    CHILD_ENV["KHARITA_EXTRACTOR"] = args.extractor
    print(f"command: {shlex.join(['python', 'bench/run_bench.py', *(argv if argv is not None else sys.argv[1:])])}")
    print(f"started: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC")
    print(f"machine: {machine()}", flush=True)
    print(f"load average at start (the cores may be shared): {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
          flush=True)
    print(f"kharita extractor: {args.extractor} (KHARITA_EXTRACTOR in every measurement)", flush=True)
    fingerprint = code_fingerprint()
    print(f"kharita code and data: {fingerprint}", flush=True)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set here: the measurements run without it, as an installed "
              "Python does (pip compiles at install), after one process has compiled what they import",
              flush=True)
    warm_bytecode()
    root = Path(tempfile.mkdtemp(prefix="kharita-bench-"))
    n_templates = len(corpus_mod.load_templates(args.data))
    corpora = args.corpus or ["snippets", "articles"]
    header = f"{'':<42} {'reports/s':>10} {'words/s':>11} {'seconds':>9} {'peak RSS':>10}"
    results: dict[str, dict] = {}
    folder, words = build(args.reports, root, args.data)
    if "snippets" in corpora:
        throughput("snippet", folder, args.reports, words, root, args.skip, results, ">= 1.0", args.rounds)
    if "articles" in corpora:
        afolder, n_articles, awords = build_articles(args.articles, root, args.data)
        throughput("article", afolder, n_articles, awords, root, args.skip, results, ">= 3.0", args.rounds)
    results["e2e"] = results.get("e2e-snippet", {})

    if "dask" not in args.skip:
        dn = args.dask_reports or args.reports
        dfolder, dwords = (folder, words) if dn == args.reports else build(dn, root, args.data)
        backends = args.dask_backend or ["sqlite", "postgresql"]
        pg = PostgresDatabases(args.pg) if "postgresql" in backends else None
        try:
            for backend in backends:
                where = pg.describe() if backend == "postgresql" and pg else "a SQLite file"
                print(f"\nDask LocalCluster on {dn:,} snippet reports ({dwords:,} words) into {where}, "
                      f"cluster warm before the clock\n{header}", flush=True)
                targets = {}
                for w in (1, 2):
                    targets[w] = (pg.new(f"dask{w}") if backend == "postgresql" and pg
                                  else str(root / f"dask{w}.sqlite"))
                    load = os.getloadavg()[0]
                    r = results[f"dask{w}-{backend}"] = measure("dask", dfolder, targets[w], str(w))
                    print(_row(f"dask, {w} worker{'s' if w > 1 else ''}, {backend}", r, dwords)
                          + f"   (load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True)
                    who = ("the client (reading, merge, writes)" if r["writers"] == "client"
                           else "the client (reading, skipping what is stored)")
                    print(f"    writers: {r['writers']}; stored {r['stored']:,} reports, {r['events']:,} events "
                          f"after merge, {r['failed']} failed; CPU: {who} and scheduler {r['client_cpu']:,.0f} s "
                          f"= {r['client_cpu'] / r['seconds']:.0%} of a core; workers {r['workers_cpu']:,.0f} s "
                          f"= {r['workers_cpu'] / r['seconds']:.0%} of a core"
                          + (f"; PostgreSQL server (all its work, anyone's) {r['pg_cpu']:,.0f} s = {r['pg_cpu'] / r['seconds']:.0%} of a core"
                             if backend == "postgresql" else ""), flush=True)
                if dn == args.reports and "e2e-snippet" in results:
                    e2e_db = root / "e2e-snippet.sqlite"
                    if backend == "sqlite":
                        same = [same_events(e2e_db, targets[w]) for w in (1, 2)]
                        what = "stored events equal the in-process run's (records less timestamps)"
                    else:
                        same = [same_partition(e2e_db, targets[w]) for w in (1, 2)]
                        what = "the same reports make each event as in the in-process run"
                    print(f"{what}: 1 worker {'yes' if same[0] else 'NO'}, 2 workers {'yes' if same[1] else 'NO'}",
                          flush=True)
                r1, r2 = results[f"dask1-{backend}"], results[f"dask2-{backend}"]
                eff = r1["seconds"] / (2 * r2["seconds"])
                print(f"scaling efficiency on {backend}, throughput(2) / (2 x throughput(1)): {eff:.2f}", flush=True)
                print(f"    CPU a report (client, scheduler and workers{', and the server' if backend == 'postgresql' else ''}): "
                      + ", ".join(f"{k} worker{'s' if k > 1 else ''} {_cpu_per_report(r) * 1000:.1f} ms"
                                  for k, r in ((1, r1), (2, r2)))
                      + "; throughput(2) / (2 x throughput(1)) below 1 with the CPU a report unchanged is "
                        "cores the workers did not get", flush=True)
                c, w = r2["client_cpu"] / r2["reports"], r2["workers_cpu"] / r2["reports"]
                server = (f", PostgreSQL server {r2['pg_cpu'] / r2['reports'] * 1000:.1f} ms CPU"
                          if backend == "postgresql" else "")
                print(f"    per report: client + scheduler {c * 1000:.1f} ms CPU, worker {w * 1000:.1f} ms CPU"
                      f"{' (parse, merge and write)' if r2['writers'] == 'workers' else ' (parse)'}{server}; "
                      f"one client tops out near {1 / c:,.0f} reports/s", flush=True)
            print(f"\nonly this {os.cpu_count()}-core machine was at hand: no figures for 4, 8 or 16 workers "
                  f"(with {os.cpu_count()} cores the workers share them with the client, the scheduler and "
                  f"the database server)", flush=True)
        finally:
            if pg is not None and not args.keep:
                pg.drop_all()

    if "memory" not in args.skip and args.big:
        print(f"\npeak memory (RSS of the process and its children), method: {args.big_method}", flush=True)
        if results["e2e"]:
            print(f"  {args.reports:>9,} reports, real end to end (b):            {_mb(results['e2e']['peak_rss'])}")
        bfolder, bwords = build(args.big, root, args.data)
        for n, f in ((args.reports, folder), (args.big, bfolder)):
            if args.big_method == "full":
                if n == args.reports and results["e2e"]:
                    continue
                r = measure("e2e", f, str(root / f"big-{n}.sqlite"))
                label = "real end to end"
            else:
                r = measure("replay", f, str(root / f"replay-{n}.sqlite"), str(n_templates))
                label = "streaming path, parse replayed"
            print(f"  {n:>9,} reports, {label + ':':<38} {_mb(r['peak_rss'])}  "
                  f"({r['seconds']:,.0f} s, {r['events']:,} events after merge; RSS at 25/50/75/100%: "
                  f"{' / '.join(_mb(x) for x in r['rss_quarters'])})", flush=True)
        print("  target: < 1,536 MB at 100,000 reports")
    if code_fingerprint() != fingerprint:
        print("WARNING: kharita's code or data changed during the bench: the figures mix versions, rerun it")
    if args.keep:
        print(f"work files kept in {root}")
    else:
        shutil.rmtree(root)
    print(f"\nfinished: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC")


if __name__ == "__main__":
    main()
