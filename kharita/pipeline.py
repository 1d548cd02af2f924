"""The only place stages meet: read -> extract -> merge -> store, then control.

    inputs ──ingest──▶ Document ──extractor──▶ Event ──merge──▶ Event ──store──▶ (control refresh)

A document already in the store is skipped before extraction, so re-running a batch costs little
and adds nothing. Everything one document brings (its row, its events, merged updates to events
already stored) is written in one transaction: a crash never leaves half a document stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from kharita import settings
from kharita.errors import ConfigError
from kharita.ingest.readers import read_inputs as _read_inputs
from kharita.ingest.watch import FeedPoller
from kharita.minimal import MinimalExtractor
from kharita.models import Document, Event, RunSummary
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


# -- the two hooks for later stages (merge, control): present when their package provides them --

def _hook(module: str, name: str) -> Callable[..., object] | None:
    return getattr(importlib.import_module(module), name, None)


def merge_hook() -> Callable[[Store, list[Event]], list[Event]] | None:
    """`kharita.merge.merge_events(store, events) -> events to write` when the merge stage exists."""
    return _hook("kharita.merge", "merge_events")  # type: ignore[return-value]


def control_hook() -> Callable[[Store], object] | None:
    """`kharita.control.refresh(store)` when the control stage exists."""
    return _hook("kharita.control", "refresh")  # type: ignore[return-value]


# -- run -----------------------------------------------------------------------------------------

def run(
    inputs: Iterable[str | Path | Document],
    store: Store,
    *,
    extractor: Extractor | None = None,
    merge: bool = True,
    progress: bool = False,
    summary: RunSummary | None = None,
) -> RunSummary:
    """Read, extract, merge and store every input; returns what was done, skips included."""
    summary = summary if summary is not None else RunSummary()
    extractor = extractor if extractor is not None else default_extractor()
    merge_events = merge_hook() if merge else None
    documents = _new_documents(read_inputs(inputs, summary), store, summary)
    if progress:
        from tqdm import tqdm

        documents = tqdm(documents, desc="reports", unit=" report", file=sys.stderr, leave=False)
    for doc, events in extractor.extract(documents):
        store_document(store, doc, events, merge_events, summary)
    if summary.stored:
        refresh = control_hook()
        if refresh is not None:
            refresh(store)
    return summary


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
    given); a report already stored is counted as unchanged. The Dask runner calls this too."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    events = [e if e.timestamp else dataclasses.replace(e, timestamp=now) for e in events]
    with store.transaction():
        if store.has_document(doc.id):             # another process stored it meanwhile
            summary.unchanged += 1
            return
        to_write = merge_events(store, events) if merge_events is not None else events
        store.write_document(doc, to_write)
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
) -> RunSummary:
    """Poll feeds every `every` seconds (once with `once`) and run the new items through the
    pipeline. Each poll's summary goes to `on_poll`; the total is returned (after `once`, or when
    the loop is interrupted)."""
    poller = FeedPoller(feeds)
    extractor = extractor if extractor is not None else default_extractor()
    total = RunSummary()
    try:
        while True:
            started = time.monotonic()
            summary = RunSummary()
            run(poller.poll(summary), store, extractor=extractor, merge=merge, summary=summary)
            total.merge_from(summary)
            if on_poll is not None:
                on_poll(summary)
            if once:
                break
            sleep(max(0.0, every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        log.info("watch interrupted")
    return total
