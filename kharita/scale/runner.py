"""Run kharita on a Dask distributed cluster: the parse on workers, everything else as before.

The client reads the inputs with the same reader as the in-process run (folders, globs, JSON Lines
shards; a JSON Lines file too big to read at once goes a partition at a time), drops the reports the
store already holds (so a killed run resumes where it stopped), and sends the rest to the workers
in small batches. Each worker process builds the extractor once (a worker plugin warms it at
start-up; a module cache keeps it for the life of the process) and runs `extractor.extract` on each
batch: the very call the in-process run makes, so the events are the same. The client stores the
results in input order with the in-process run's own step (merge into the stored events, write,
one transaction a report), keeping a bounded number of batches in flight, so memory stays flat
however large the corpus; control is refreshed once at the end, as after an in-process run.

Why the client reads, not the workers: a document's id is the hash of its text, so skipping what is
stored needs the text; the client stores every result anyway; and reading costs a thousandth of
the parse, so the workers' time goes to parsing. Merge stays on the client because it is
incremental and order-dependent: the store must see the reports in the same order as in-process.
"""

from __future__ import annotations

import dataclasses
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
from kharita.errors import ConfigError, InputError
from kharita.ingest import readers
from kharita.models import Document, Event, RunSummary

if TYPE_CHECKING:
    from kharita.pipeline import Extractor
    from kharita.store import Store

log = logging.getLogger(__name__)

ExtractorFactory = Callable[[], "Extractor"]

PLUGIN_NAME = "kharita-extractor"
PARTITION_BYTES = 16 * 2**20         # JSON Lines files larger than this are read a partition at a time
DEFAULT_BATCH = 16                     # reports per task: ~1 s of parsing, enough for nlp.pipe to batch

# One extractor per worker process, keyed by the factory that builds it.
_EXTRACTORS: dict[str, Extractor] = {}


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


def extract_batch(factory: ExtractorFactory, documents: list[Document]) -> list[tuple[Document, list[Event]]]:
    """The task each worker runs: the in-process extractor over one batch of reports."""
    return [(doc, list(events)) for doc, events in worker_extractor(factory).extract(documents)]


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


def read_partitioned(inputs: Iterable[str | Path], summary: RunSummary,
                     partition_bytes: int = PARTITION_BYTES) -> Iterator[Document]:
    """Documents from every input, in order, as `pipeline.read_inputs` gives them, except that a
    JSON Lines file larger than `partition_bytes` is read one partition (a byte range ending at a
    line end) at a time: memory stays at one partition, and files over the ingest size limit
    (KHARITA_MAX_TEXT_MB, meant for single reports) still stream through."""
    for item in expand(inputs, summary):
        path = Path(item)
        if path.suffix.lower() == ".jsonl" and path.is_file() and path.stat().st_size > partition_bytes:
            yield from _read_jsonl_partitions(path, summary, partition_bytes)
        else:
            yield from pipeline.read_inputs([item], summary)


def jsonl_partitions(path: Path, partition_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(first line number, start byte, end byte) of consecutive partitions of a JSON Lines file,
    each about `partition_bytes` long and ending just after a newline (or at the end of the file)."""
    size = path.stat().st_size
    line, start = 1, 0
    with path.open("rb") as f:
        while start < size:
            f.seek(min(start + partition_bytes, size))
            if f.tell() < size:
                f.readline()                       # run on to the end of the line
            end = f.tell()
            yield line, start, end
            f.seek(start)
            line += f.read(end - start).count(b"\n")
            start = end


def _read_jsonl_partitions(path: Path, summary: RunSummary, partition_bytes: int) -> Iterator[Document]:
    with path.open("rb") as f:
        for first_line, start, end in jsonl_partitions(path, partition_bytes):
            f.seek(start)
            data = f.read(end - start)
            try:
                text = data.decode("utf-8-sig" if start == 0 else "utf-8")
            except UnicodeDecodeError as exc:
                bad_line = first_line + data[:exc.start].count(b"\n")
                summary.skip(f"{path}:{bad_line}", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")
                continue
            # start at the first line with content: ingest reads a lone record as line 1
            body = text.lstrip()
            first_line += text[: len(text) - len(body)].count("\n")
            for item in readers.read_jsonl(str(path), body):
                if isinstance(item, InputError):
                    source = _shift_line(item.source, path, first_line)
                    log.warning("skipped %s: %s", source, item.reason)
                    summary.skip(source, item.reason)
                else:
                    summary.read += 1
                    yield dataclasses.replace(item, origin=_shift_line(item.origin or "", path, first_line))


def _shift_line(where: str, path: Path, first_line: int) -> str:
    """"path:n" of a line of a partition -> "path:N" of that line in the whole file."""
    prefix = f"{path}:"
    if where.startswith(prefix) and where[len(prefix):].isdigit():
        return f"{prefix}{int(where[len(prefix):]) + first_line - 1}"
    return where


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
) -> RunSummary:
    """Code `inputs` on a Dask cluster into `store`: the same stored result as `pipeline.run`.

    `scheduler` is the address of a running cluster (tcp://HOST:PORT); without it a LocalCluster of
    `workers` processes (default: one per core) starts and stops with the run. `client` reuses an
    open client instead (benchmarks, tests). `extractor` names the pipeline's extractor as
    `kharita run --extractor` does; `extractor_factory` (a picklable callable) replaces it. At most `in_flight` batches (default: three per
    worker) are out at once, and results are stored in input order, so the store fills exactly as
    an in-process run fills it (merge is incremental and order matters) and the client's memory
    does not grow with the corpus.
    """
    factory = extractor_factory or named_extractor(extractor)
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, not {batch_size}.")
    summary = RunSummary()
    if client is None:
        with connect(scheduler, workers) as own:
            _distribute(inputs, store, own, factory, batch_size, in_flight, merge, summary)
    else:
        _distribute(inputs, store, client, factory, batch_size, in_flight, merge, summary)
    if summary.stored:
        refresh = pipeline.control_hook()
        if refresh is not None:
            refresh(store)
    return summary


def _distribute(inputs: Sequence[str | Path], store: Store, client: Client, factory: ExtractorFactory,
                batch_size: int, in_flight: int | None, merge: bool, summary: RunSummary) -> None:
    client.register_plugin(ExtractorPlugin(factory), name=PLUGIN_NAME)
    n_workers = max(1, len(client.scheduler_info()["workers"]))
    limit = in_flight or 3 * n_workers
    merge_events = pipeline.merge_hook() if merge else None
    # the in-process run's own steps, so both runs skip, merge and store alike
    documents = pipeline._new_documents(read_partitioned(inputs, summary), store, summary)
    pending: deque[Future] = deque()

    def store_oldest() -> None:
        future = pending.popleft()
        results = future.result()
        future.release()
        for doc, events in results:
            pipeline._store_document(store, doc, events, merge_events, summary)

    for batch in _batches(documents, batch_size):
        pending.append(client.submit(extract_batch, factory, batch, pure=False))
        while len(pending) >= limit:
            store_oldest()
    while pending:
        store_oldest()
