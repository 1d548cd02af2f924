"""The only place stages meet: read -> extract -> merge -> store, then control.

    inputs ──ingest──▶ Document ──extractor──▶ Event ──merge──▶ Event ──store──▶ (control refresh)

A document already in the store is skipped before extraction, so re-running a batch costs little
and adds nothing. Everything one document brings (its row, its events, merged updates to events
already stored) is written in one transaction: a crash never leaves half a document stored.

One bad report does not stop a batch. Whatever a report raises in extraction, merge or store (a
bug in the coder, two of its events with one id) rolls its transaction back and names it in
`RunSummary.failed` with the exception's type and message; the run goes on, and the next run
retries it, since it is not stored. This catches Exception on purpose, one report at a time, and
counts every catch (`ReportFailures`); KeyboardInterrupt and SystemExit pass. `strict=True`
(`kharita run --strict`) raises the first failure instead, traceback and all, for debugging.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import Protocol, runtime_checkable

from kharita import settings
from kharita.errors import ConfigError
from kharita.ingest.readers import read_inputs as _read_inputs
from kharita.ingest.watch import FeedPoller
from kharita.minimal import MinimalExtractor
from kharita.models import Document, Event, RunSummary
from kharita.control import refresh as refresh_state
from kharita.merge import merge_events as merge_events_into
from kharita.store import Store

log = logging.getLogger(__name__)

__all__ = ["Extractor", "MinimalExtractor", "default_extractor", "read_inputs", "run", "watch"]


@runtime_checkable
class Extractor(Protocol):
    """Turns documents into events, one report at a time (batched inside as it likes)."""

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]: ...


def _event_coder() -> Extractor:
    from kharita.events import EventCoder

    return EventCoder()


#: Reports per `extract` call when isolating failures, unless the extractor has a `batch_size`
#: (the event coder's default: it parses that many at a time).
EXTRACT_BATCH = 32

#: Extractors by name (`kharita run --extractor NAME`, KHARITA_EXTRACTOR).
EXTRACTORS: dict[str, Callable[[], Extractor]] = {"minimal": MinimalExtractor, "coder": _event_coder}
DEFAULT_EXTRACTOR = "coder"


def default_extractor(name: str | None = None) -> Extractor:
    """The extractor called `name`, else KHARITA_EXTRACTOR's, else DEFAULT_EXTRACTOR."""
    name = name or settings.get("extractor") or DEFAULT_EXTRACTOR
    if name not in EXTRACTORS:
        raise ConfigError(f"Unknown extractor {name!r}; use one of {', '.join(sorted(EXTRACTORS))}.")
    return EXTRACTORS[name]()


def read_inputs(inputs: Iterable[str | Path | Document], summary: RunSummary) -> Iterator[Document]:
    """Documents from paths, folders, URLs or '-' (via ingest); Documents pass through as they are."""
    for item in inputs:
        if isinstance(item, Document):
            summary.read += 1
            yield item
        else:
            yield from _read_inputs([item], summary)


# -- per-report isolation ------------------------------------------------------------------------

def report_name(doc: Document) -> str:
    """How a failed report is named: where it was read from, else its record id, else its hash."""
    return doc.origin or doc.external_id or doc.id


def failure_reason(exc: BaseException) -> str:
    """A failure's reason as the summary lists it: the exception's type, then its message."""
    return f"{type(exc).__name__}: {exc}"


class ReportFailures:
    """Where a run's per-report exceptions go: into `summary.failed`, or raised when `strict`.

    `documents` keeps the failed reports themselves, for a caller that retries them (watch)."""

    def __init__(self, summary: RunSummary, *, strict: bool = False) -> None:
        self.summary = summary
        self.strict = strict
        self.documents: list[Document] = []

    @contextmanager
    def isolate(self, source: str, document: Document | None = None) -> Iterator[None]:
        """Run one report's step (or the control refresh, `document` None): an Exception it raises
        is counted and logged as that report's failure, and the caller goes on to the next."""
        if self.strict:
            yield
            return
        try:
            yield
        except Exception as exc:       # counted and named in summary.failed: the documented decision
            self.fail(source, failure_reason(exc), document)
            log.debug("%s: where it failed", source, exc_info=True)

    def fail(self, source: str, reason: str, document: Document | None = None) -> None:
        log.error("%s failed: %s", source, reason)
        self.summary.fail(source, reason)
        if document is not None:
            self.documents.append(document)


def extract_each(
    extractor: Extractor, documents: Iterable[Document], failures: ReportFailures
) -> Iterator[tuple[Document, list[Event]]]:
    """`extractor.extract(documents)`, where a report whose extraction raises fails alone.

    An exception ends the extractor's generator, and the extractor batches (the event coder parses
    32 reports together), so one bad report would take its batch and every later one with it. So
    the documents go in `batch_size` at a time, each batch a fresh call; when one raises, the
    reports it has not yielded yet are extracted again one at a time, and only one that raises
    on its own fails. Strict, it is the extractor's own call.
    """
    if failures.strict:
        yield from extractor.extract(documents)
        return
    size = getattr(extractor, "batch_size", EXTRACT_BATCH)
    remaining = iter(documents)
    while batch := list(islice(remaining, size)):
        done: set[str] = set()
        try:
            for doc, events in extractor.extract(batch):
                done.add(doc.id)
                yield doc, events
        except Exception as exc:       # retried one by one below, where each failure is counted
            rest = [doc for doc in batch if doc.id not in done]
            log.warning("extraction of a batch of %d report(s) raised %s; extracting the %d it had not "
                        "yielded one at a time", len(batch), failure_reason(exc), len(rest))
            for doc in rest:
                pairs: list[tuple[Document, list[Event]]] = []
                with failures.isolate(report_name(doc), doc):
                    pairs = list(extractor.extract([doc]))
                yield from pairs


def refresh_control(store: Store, failures: ReportFailures) -> None:
    """Recompute the control timeline after a run that stored something, in one transaction that
    takes the control lock before it reads, so that overlapping runs cannot write a timeline that
    misses another's reports; a failure is named "control refresh" (the reports stay stored; the
    next run that stores one refreshes again)."""
    def work(store: Store) -> None:
        store.lock(["control_changes"])
        refresh_state(store)

    with failures.isolate("control refresh"):
        store.run_transaction(work)


# -- run -----------------------------------------------------------------------------------------

def run(
    inputs: Iterable[str | Path | Document],
    store: Store,
    *,
    extractor: Extractor | None = None,
    merge: bool = True,
    progress: bool = False,
    summary: RunSummary | None = None,
    strict: bool = False,
) -> RunSummary:
    """Read, extract, merge and store every input; returns what was done, skips and failures
    included. A report that raises is rolled back and listed in `failed`, and the batch goes on;
    `strict` raises the first such exception instead."""
    summary = summary if summary is not None else RunSummary()
    extractor = extractor if extractor is not None else default_extractor()
    _run(inputs, store, extractor, merge, progress, ReportFailures(summary, strict=strict))
    return summary


def _run(inputs: Iterable[str | Path | Document], store: Store, extractor: Extractor, merge: bool,
         progress: bool, failures: ReportFailures) -> None:
    """`run`'s body; `watch` calls it too, to get the failed reports back from `failures`."""
    summary = failures.summary
    merge_events = merge_events_into if merge else None
    documents = _new_documents(read_inputs(inputs, summary), store, summary)
    if progress:
        from tqdm import tqdm

        documents = tqdm(documents, desc="reports", unit=" report", file=sys.stderr, leave=False)
    for doc, events in extract_each(extractor, documents, failures):
        with failures.isolate(report_name(doc), doc):
            store_document(store, doc, events, merge_events, summary)
    dropped = getattr(extractor, "dropped", None)       # an extractor may count what it could not code
    if isinstance(dropped, dict) and dropped:
        summary.drop(dropped)
        dropped.clear()
    if summary.stored:
        refresh_control(store, failures)


def _new_documents(documents: Iterable[Document], store: Store, summary: RunSummary) -> Iterator[Document]:
    """Documents not stored yet and not seen earlier in this run (same text, same id)."""
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen or store.has_document(doc.id):
            summary.unchanged += 1
            log.debug("%s: already stored as %s", doc.origin or doc.id, doc.id)
            continue
        seen.add(doc.id)
        yield doc


def store_document(
    store: Store,
    doc: Document,
    events: list[Event],
    merge_events: Callable[[Store, list[Event]], list[Event]] | None,
    summary: RunSummary,
) -> None:
    """Store one report and its events in one transaction (merged first when `merge_events` is
    given); a report already stored, by this process or another, is counted as unchanged. The
    transaction is run again when the database says so (`Store.run_transaction`: busy, a
    conflict, a dropped connection). The Dask runner calls this too."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    events = [e if e.timestamp else dataclasses.replace(e, timestamp=now) for e in events]

    def write(store: Store) -> list[Event] | None:
        if store.has_document(doc.id):             # another process stored it meanwhile
            return None
        to_write = merge_events(store, events) if merge_events is not None else events
        return to_write if store.write_document(doc, to_write) else None

    to_write = store.run_transaction(write)
    if to_write is None:
        summary.unchanged += 1
        return
    summary.stored += 1
    summary.events_written += len(to_write)
    new_ids = {e.event_id for e in events}
    summary.events_merged += len(new_ids - {e.event_id for e in to_write})   # joined a stored event


def watch(
    feeds: list[str],
    store: Store,
    *,
    every: float = 600.0,
    once: bool = False,
    extractor: Extractor | None = None,
    merge: bool = True,
    on_poll: Callable[[RunSummary], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    strict: bool = False,
) -> RunSummary:
    """Poll feeds every `every` seconds (once with `once`) and run the new items through the
    pipeline. Each poll's summary goes to `on_poll`; the total is returned (after `once`, or when
    the loop is interrupted). A report that fails, as in `run`, is retried on the next poll (the
    poller hands on each item once, and an unchanged feed answers 304), and by the next watch."""
    poller = FeedPoller(feeds)
    extractor = extractor if extractor is not None else default_extractor()
    total = RunSummary()
    retry: list[Document] = []
    try:
        while True:
            started = time.monotonic()
            summary = RunSummary()
            failures = ReportFailures(summary, strict=strict)
            _run(chain(retry, poller.poll(summary)), store, extractor, merge, False, failures)
            retry = failures.documents
            total.merge_from(summary)
            if on_poll is not None:
                on_poll(summary)
            if once:
                break
            sleep(max(0.0, every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        log.info("watch interrupted")
    return total
