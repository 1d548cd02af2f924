"""Run kharita on a Dask distributed cluster: the parse on workers, everything else as before.

The client reads the inputs with the same reader as the in-process run (folders, globs, JSON Lines
shards, streamed record by record), drops the reports the store already holds (so a killed run
resumes where it stopped), and cuts the rest into partitions of `batch_size` reports, each one
task. Each worker process builds the extractor once (a worker plugin warms it at start-up; a module
cache keeps it for the life of the process) and runs `extractor.extract` on its partitions: the
very call the in-process run makes, so the events are the same. Who then writes them (`writers`):

- "workers" (PostgreSQL's default): each worker stores its own partition's reports, one
  transaction a report, with the in-process run's own step (`pipeline.store_document`: merge into
  the stored events, write), on a Store of its own. Throughput grows with the workers, since no one
  process does every write. Merge stays correct: a report's merge holds the PostgreSQL advisory
  locks of its merge blocks to the end of its transaction (`kharita.merge.cluster`), so two
  workers storing reports of one incident at once take turns and make one event; the store ends as
  a sequential run of the reports in the order they were committed, which is no longer the input
  order (an event keeps the id of the report of it stored first).
- "client" (SQLite's default, and the only choice there: SQLite has one writer at a time): the
  client stores the results in input order, a partition a transaction, so the store fills exactly
  as an in-process run fills it (merge is incremental and order matters).

Either way a bounded number of partitions is in flight, so memory stays flat however large the
corpus, and control is refreshed once at the end, as after an in-process run.

A bad report fails alone, as in-process: the worker extracts (and stores) with the pipeline's own
isolation, and sends back the reports that raised (named, with the reason). A task that fails as
a whole (its worker died) is retried one report a task, so only a report that fails on its own is
lost, and the run goes on (a report the dead worker had committed is then found stored, and
counted unchanged). `strict` raises the first failure instead.

Why the client reads, not the workers: a document's id is the hash of its text, so skipping what is
stored needs the text, and reading costs a thousandth of the parse, so the workers' time goes to
parsing and writing.
"""

from __future__ import annotations

import functools
import glob
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from distributed import Client, Future, LocalCluster, Worker, WorkerPlugin

from kharita import pipeline, settings
from kharita.errors import ConfigError
from kharita.models import Document, Event, RunSummary
from kharita.store import Store

if TYPE_CHECKING:
    from kharita.pipeline import Extractor

log = logging.getLogger(__name__)

ExtractorFactory = Callable[[], "Extractor"]

PLUGIN_NAME = "kharita-extractor"
DEFAULT_BATCH = 16                     # reports per task: ~1 s of parsing, enough for nlp.pipe to batch

#: Who writes the reports (see the module docstring); None: "workers" on PostgreSQL, else "client".
WRITERS = ("client", "workers")

# One extractor per worker process, keyed by the factory that builds it; one Store per URL.
_EXTRACTORS: dict[str, Extractor] = {}
_STORES: dict[str, Store] = {}


def _factory_key(factory: ExtractorFactory) -> str:
    if isinstance(factory, functools.partial):
        return f"{_factory_key(factory.func)}{factory.args!r}{sorted(factory.keywords.items())!r}"
    return f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', repr(factory))}"


def named_extractor(name: str | None = None) -> ExtractorFactory:
    """A picklable factory of the pipeline's extractor called `name` (else KHARITA_EXTRACTOR's, else
    the default), the name settled here on the client so that every worker builds the same one."""
    return functools.partial(pipeline.default_extractor, name or settings.get("extractor") or
                             pipeline.DEFAULT_EXTRACTOR)


def worker_extractor(factory: ExtractorFactory) -> Extractor:
    """The extractor of this process, built on first use and kept for the life of the process."""
    key = _factory_key(factory)
    extractor = _EXTRACTORS.get(key)
    if extractor is None:
        log.info("building the extractor in process %d", os.getpid())
        extractor = _EXTRACTORS[key] = factory()
    return extractor


def loaded_extractors() -> dict[str, int]:
    """The extractors this process holds, by factory, with their object ids (`client.run` it to
    see that each worker built its extractor once)."""
    return {key: id(extractor) for key, extractor in _EXTRACTORS.items()}


Extracted = tuple[list[tuple[Document, list[Event]]], list[tuple[str, str]]]


def extract_batch(factory: ExtractorFactory, documents: list[Document], strict: bool = False) -> Extracted:
    """The task each worker runs: the in-process extractor over one batch of reports. Returns the
    (document, events) pairs and the (source, reason) of each report whose extraction raised;
    strict, the first such exception fails the task."""
    failures = pipeline.ReportFailures(RunSummary(), strict=strict)
    pairs = [(doc, list(events)) for doc, events in
             pipeline.extract_each(worker_extractor(factory), documents, failures)]
    return pairs, failures.summary.failed


def worker_store(url: str) -> Store:
    """This process's Store of `url`, opened on first use (the client has migrated it) and kept."""
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store.open(url, migrate=False)
    return store


def opened_stores() -> list[str]:
    """The stores this process writes, by URL (`client.run` it to see which workers wrote)."""
    return sorted(_STORES)


def store_batch(factory: ExtractorFactory, url: str, documents: list[Document], merge: bool = True,
                strict: bool = False) -> RunSummary:
    """The task of a worker that writes: extract one batch of reports and store each, merged, in
    a transaction of its own, exactly as the in-process run does (`pipeline.run`'s loop). Returns
    what it did; `read` stays 0 (the client counted the reports it read)."""
    summary = RunSummary()
    failures = pipeline.ReportFailures(summary, strict=strict)
    store = worker_store(url)
    extractor = worker_extractor(factory)
    merge_events = pipeline.merge_events_into if merge else None
    for doc, events in pipeline.extract_each(extractor, documents, failures):
        with failures.isolate(pipeline.report_name(doc), doc):
            pipeline.store_document(store, doc, events, merge_events, summary)
    dropped = getattr(extractor, "dropped", None)        # as pipeline.run collects it
    if isinstance(dropped, dict) and dropped:
        summary.drop(dropped)
        dropped.clear()
    return summary


def choose_writers(store: Store, writers: str | None) -> str:
    """"workers" on PostgreSQL, "client" on SQLite, unless `writers` says which; workers writing
    SQLite is refused (it has one writer at a time, and a remote worker cannot reach the file)."""
    if writers is None:
        return "workers" if store.backend == "postgresql" else "client"
    if writers not in WRITERS:
        raise ConfigError(f"writers must be one of {', '.join(WRITERS)}, not {writers!r}.")
    if writers == "workers" and store.backend != "postgresql":
        raise ConfigError("Only a PostgreSQL store can be written by the workers: SQLite has one writer at "
                          "a time, so the client writes it (writers='client').")
    return writers


class ExtractorPlugin(WorkerPlugin):
    """Builds the extractor when a worker starts, so the first batch does not pay for loading."""

    name = PLUGIN_NAME

    def __init__(self, factory: ExtractorFactory) -> None:
        self.factory = factory

    def setup(self, worker: Worker) -> None:
        worker_extractor(self.factory)


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a new LocalCluster of `workers` processes.

    A local worker runs one thread: the parse holds the GIL, so processes, not threads, scale it.
    Its HTTP port is a free one (":0"), so two local clusters can run side by side.
    """
    if scheduler and workers:
        raise ConfigError("Give either --scheduler (an existing cluster) or --workers (a local one), not both.")
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}.")
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            yield client


def expand(inputs: Iterable[str | Path], summary: RunSummary) -> Iterator[str | Path]:
    """Inputs with glob patterns ("shards/*.jsonl") replaced by their matches, in name order.

    The shell expands globs on a command line; this is for patterns given quoted, or from Python.
    A pattern that matches nothing is a counted skip, as a missing file is.
    """
    for item in inputs:
        text = str(item)
        if any(c in text for c in "*?[") and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                summary.skip(text, "the pattern matches no file")
                log.warning("skipped %s: the pattern matches no file", text)
            yield from matches
        else:
            yield item


def read_all(inputs: Iterable[str | Path], summary: RunSummary) -> Iterator[Document]:
    """Documents from every input, in order, exactly as `pipeline.read_inputs` gives them (JSON
    Lines and CSV files stream record by record), globs expanded first."""
    for item in expand(inputs, summary):
        yield from pipeline.read_inputs([item], summary)


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unstored(batches: Iterable[list[Document]], store: Store, summary: RunSummary) -> Iterator[list[Document]]:
    """Each batch less the reports already stored or met earlier in this run (counted unchanged),
    as the in-process run skips them, but checked a batch at a time, in one query."""
    seen: set[str] = set()
    for batch in batches:
        fresh = []
        stored = store.stored_documents([doc.id for doc in batch])
        for doc in batch:
            if doc.id in seen or doc.id in stored:
                summary.unchanged += 1
                log.debug("%s: already stored as %s", doc.origin or doc.id, doc.id)
                continue
            seen.add(doc.id)
            fresh.append(doc)
        if fresh:
            yield fresh


def run_dask(
    inputs: Sequence[str | Path],
    store: Store,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    extractor: str | None = None,
    extractor_factory: ExtractorFactory | None = None,
    batch_size: int = DEFAULT_BATCH,
    in_flight: int | None = None,
    merge: bool = True,
    client: Client | None = None,
    strict: bool = False,
    writers: str | None = None,
) -> RunSummary:
    """Code `inputs` on a Dask cluster into `store`: the same stored result as `pipeline.run`.

    `scheduler` is the address of a running cluster (tcp://HOST:PORT); without it a LocalCluster of
    `workers` processes (default: one per core) starts and stops with the run. `client` reuses an
    open client instead (benchmarks, tests). `extractor` names the pipeline's extractor as
    `kharita run --extractor` does; `extractor_factory` (a picklable callable) replaces it. At most `in_flight` batches (default: three per
    worker) are out at once, and results are stored in input order, so the store fills exactly as
    an in-process run fills it (merge is incremental and order matters) and the client's memory
    does not grow with the corpus. A report that raises is rolled back and listed in the summary's
    `failed`, and the run goes on; `strict` raises the first such exception instead. `writers`:
    who stores the reports, "workers" (each its own, the default on PostgreSQL) or "client" (in
    input order, the default and only choice on SQLite); see the module docstring.
    """
    factory = extractor_factory or named_extractor(extractor)
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, not {batch_size}.")
    distribute = _distribute_writes if choose_writers(store, writers) == "workers" else _distribute
    summary = RunSummary()
    failures = pipeline.ReportFailures(summary, strict=strict)
    if client is None:
        with connect(scheduler, workers) as own:
            distribute(inputs, store, own, factory, batch_size, in_flight, merge, failures)
    else:
        distribute(inputs, store, client, factory, batch_size, in_flight, merge, failures)
    if summary.stored:
        pipeline.refresh_control(store, failures)
    return summary


def _distribute(inputs: Sequence[str | Path], store: Store, client: Client, factory: ExtractorFactory,
                batch_size: int, in_flight: int | None, merge: bool,
                failures: pipeline.ReportFailures) -> None:
    client.register_plugin(ExtractorPlugin(factory), name=PLUGIN_NAME)
    n_workers = max(1, len(client.scheduler_info()["workers"]))
    limit = in_flight or 3 * n_workers
    merge_events = pipeline.merge_events_into if merge else None
    summary, strict = failures.summary, failures.strict
    pending: deque[tuple[Future, list[Document]]] = deque()

    def extracted(future: Future, batch: list[Document]) -> Extracted:
        """The task's results. A task that failed as a whole (its worker died) is redone a report
        a task, so that only a report that fails on its own is lost."""
        try:
            return future.result()
        except Exception as exc:       # counted below: each of its reports is stored or failed
            if strict:
                raise
            if len(batch) == 1:
                failures.fail(pipeline.report_name(batch[0]), pipeline.failure_reason(exc), batch[0])
                return [], []
            log.warning("a task of %d report(s) failed (%s); redoing them one a task",
                        len(batch), pipeline.failure_reason(exc))
        finally:
            future.release()
        pairs: list[tuple[Document, list[Event]]] = []
        failed: list[tuple[str, str]] = []
        for doc in batch:
            with failures.isolate(pipeline.report_name(doc), doc):
                more, more_failed = client.submit(extract_batch, factory, [doc], strict, pure=False).result()
                pairs += more
                failed += more_failed
        return pairs, failed

    def store_oldest() -> None:
        pairs, failed = extracted(*pending.popleft())
        for source, reason in failed:
            failures.fail(source, reason)
        # the in-process run's own step, so both runs merge and store alike; one transaction for
        # the batch (each report's step joins it) saves a commit a report, and a crash still
        # leaves no report half stored. A report that raises rolls the whole batch back, so its
        # reports are then stored again one transaction each, and only the bad one fails.
        stored = RunSummary()
        try:
            with store.transaction():
                for doc, events in pairs:
                    pipeline.store_document(store, doc, events, merge_events, stored)
        except Exception:              # redone a report at a time below, each failure counted
            if strict:
                raise
            for doc, events in pairs:
                with failures.isolate(pipeline.report_name(doc), doc):
                    pipeline.store_document(store, doc, events, merge_events, summary)
            return
        summary.merge_from(stored)

    for batch in _unstored(_batches(read_all(inputs, summary), batch_size), store, summary):
        pending.append((client.submit(extract_batch, factory, batch, strict, pure=False), batch))
        while len(pending) >= limit:
            store_oldest()
    while pending:
        store_oldest()


def _distribute_writes(inputs: Sequence[str | Path], store: Store, client: Client, factory: ExtractorFactory,
                       batch_size: int, in_flight: int | None, merge: bool,
                       failures: pipeline.ReportFailures) -> None:
    """`_distribute` where each worker stores its own reports (`store_batch`): the client only
    reads, skips what is stored, submits and adds up the summaries."""
    client.register_plugin(ExtractorPlugin(factory), name=PLUGIN_NAME)
    n_workers = max(1, len(client.scheduler_info()["workers"]))
    limit = in_flight or 3 * n_workers
    url = store.engine.url.render_as_string(hide_password=False)
    summary, strict = failures.summary, failures.strict
    pending: deque[tuple[Future, list[Document]]] = deque()

    def submit(batch: list[Document]) -> Future:
        return client.submit(store_batch, factory, url, batch, merge, strict, pure=False)

    def collect_oldest() -> None:
        future, batch = pending.popleft()
        try:
            summary.merge_from(future.result())
            return
        except Exception as exc:       # counted below: each of its reports is stored or failed
            if strict:
                raise
            if len(batch) == 1:
                failures.fail(pipeline.report_name(batch[0]), pipeline.failure_reason(exc), batch[0])
                return
            log.warning("a task of %d report(s) failed (%s); redoing them one a task",
                        len(batch), pipeline.failure_reason(exc))
        finally:
            future.release()
        for doc in batch:
            with failures.isolate(pipeline.report_name(doc), doc):
                summary.merge_from(submit([doc]).result())

    for batch in _unstored(_batches(read_all(inputs, summary), batch_size), store, summary):
        pending.append((submit(batch), batch))
        while len(pending) >= limit:
            collect_oldest()
    while pending:
        collect_oldest()
