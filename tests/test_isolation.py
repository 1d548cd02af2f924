"""Per-report isolation: one report that raises in extraction or store fails alone, is named in the
summary, is not stored (so the next run retries it), and the batch goes on; --strict raises.

`Flaky` is a real Extractor (the keyword extractor underneath) with two bad reports in the batch,
the two ways a report fails in practice: one trips the coder, one codes two events with one id.
The Dask runner's and the watch's tests use it too (test_scale.py, test_ingest_watch.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pytest

from kharita import pipeline
from kharita.cli import EXIT_FAILED, main
from kharita.errors import StoreError
from kharita.models import Document, Event
from kharita.pipeline import MinimalExtractor
from kharita.store import Store

pytestmark = pytest.mark.issue(11)

BOOM = "BOOM"          # a report with this word makes the extractor raise
TWIN = "TWIN"          # a report with this word is coded with two events of one id
TRIP = "RuntimeError: the coder tripped on a report marked BOOM"
SHARED_ID = "StoreError: Two events share the id(s) "

GOOD = [
    "Clashes broke out between rebels and regime forces in Homs on 2015-07-03.",
    "Regime artillery shelled Aleppo on 2015-07-04, local sources said.",
    "Hundreds of residents protested in Raqqa on 2015-07-05 against the curfew.",
    "Islamic State fighters captured Palmyra on 2015-07-06 after heavy fighting.",
    "Warplanes struck Idlib on 2015-07-07, a monitor said.",
]
BAD = {
    "boom": f"{BOOM}: clashes in Daraa on 2015-07-08.",
    "twin": f"{TWIN}: regime artillery shelled Manbij on 2015-07-09.",
}


class Flaky:
    """A real Extractor that, like the event coder, codes a whole batch before it yields any of it:
    a report marked BOOM in a batch raises for all of it; one marked TWIN gets its first event
    twice, so the store refuses it. `healed` (set by a test) makes BOOM harmless again."""

    batch_size = 32

    def __init__(self) -> None:
        self.inner = MinimalExtractor()
        self.healed = False
        self.calls: list[int] = []              # the size of each batch it was handed

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        remaining = iter(documents)
        while batch := list(islice(remaining, self.batch_size)):
            self.calls.append(len(batch))
            if not self.healed and any(BOOM in doc.text for doc in batch):
                raise RuntimeError(TRIP.split(": ", 1)[1])
            coded = [(doc, self.inner.extract_one(doc)) for doc in batch]
            for doc, events in coded:
                if TWIN in doc.text:
                    assert events, "the TWIN report must code an event to duplicate"
                    events = [events[0], dataclasses.replace(events[0], notes="the same id again")]
                yield doc, events


class Interrupted(Flaky):
    """Ctrl-C while it codes the second report."""

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for n, pair in enumerate(super().extract(documents)):
            if n == 1:
                raise KeyboardInterrupt
            yield pair


def reports() -> list[Document]:
    """The five good reports with the two bad ones among them, in one batch."""
    texts = [(f"good-{i}", text) for i, text in enumerate(GOOD)]
    texts[2:2] = [("boom", BAD["boom"])]
    texts[5:5] = [("twin", BAD["twin"])]
    return [Document.from_text(text, external_id=name) for name, text in texts]


def write_reports(folder: Path) -> dict[str, Path]:
    """The same reports as files, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for doc in reports():
        paths[doc.external_id] = folder / f"{doc.external_id}.txt"
        paths[doc.external_id].write_text(doc.text + "\n", encoding="utf-8")
    return paths


def stored_names(store: Store) -> list[str]:
    return sorted(d.external_id or Path(d.origin or "").stem for d in store.documents())


# -- the library ---------------------------------------------------------------------------------

def test_a_report_whose_extraction_raises_fails_alone_and_the_batch_goes_on(store):
    flaky = Flaky()
    summary = pipeline.run(reports(), store, extractor=flaky, merge=False)
    assert ("boom", TRIP) in summary.failed
    assert "boom" not in stored_names(store)
    assert store.count_documents() == summary.stored == 5          # TWIN fails too: the next test
    # the batch of 7 raised, so its reports were coded again one at a time: only BOOM failed again
    assert flaky.calls == [7] + [1] * 7


def test_a_report_whose_events_share_an_id_is_rolled_back_and_named(store):
    summary = pipeline.run(reports(), store, extractor=Flaky(), merge=False)
    assert [source for source, _ in summary.failed] == ["boom", "twin"]
    (reason,) = [reason for source, reason in summary.failed if source == "twin"]
    assert reason.startswith(SHARED_ID) and reason.endswith("an event id must be unique.")
    twin = next(d for d in reports() if d.external_id == "twin")
    assert not store.has_document(twin.id)                          # its transaction rolled back
    assert all(s.document_id != twin.id for e in store.iter_events() for s in e.sources)
    assert stored_names(store) == [f"good-{i}" for i in range(5)]
    assert (summary.read, summary.stored, summary.unchanged, summary.skipped) == (7, 5, 0, [])
    assert summary.events_written == store.count_events() > 0


def test_a_failed_report_is_not_stored_so_the_next_run_retries_it(store):
    pipeline.run(reports(), store, extractor=Flaky(), merge=False)
    again = Flaky()
    second = pipeline.run(reports(), store, extractor=again, merge=False)
    assert (second.stored, second.unchanged, len(second.failed)) == (0, 5, 2)
    assert again.calls[0] == 2                                       # only the failed two reached it
    fixed = pipeline.run(reports(), store, extractor=MinimalExtractor(), merge=False)   # the coder fixed
    assert (fixed.stored, fixed.unchanged, fixed.failed) == (2, 5, [])
    assert stored_names(store) == sorted(["boom", "twin", *(f"good-{i}" for i in range(5))])


def test_strict_raises_the_first_failure_as_before(store):
    with pytest.raises(RuntimeError, match="the coder tripped"):
        pipeline.run(reports(), store, extractor=Flaky(), merge=False, strict=True)
    assert store.count_documents() == 0                             # the batch raised before it yielded
    twin_and_good = [d for d in reports() if d.external_id != "boom"]
    with pytest.raises(StoreError, match="share the id"):
        pipeline.run(twin_and_good, store, extractor=Flaky(), merge=False, strict=True)
    assert store.count_documents() == 4                             # the ones before TWIN


def test_keyboard_interrupt_is_not_caught(store):
    with pytest.raises(KeyboardInterrupt):
        pipeline.run([d for d in reports() if BOOM not in d.text], store, extractor=Interrupted(), merge=False)


def test_an_extractor_that_dies_mid_batch_codes_the_rest_afresh(store):
    """A generator that raises is finished: the reports it had not yielded get a fresh call each."""
    class DiesOnTheThird:
        def extract(self, documents):
            for n, doc in enumerate(documents, 1):
                if n == 3 and BOOM in doc.text:
                    raise ValueError(f"cannot code {doc.external_id}")
                yield doc, MinimalExtractor().extract_one(doc)

    docs = [d for d in reports() if TWIN not in d.text]
    summary = pipeline.run(docs, store, extractor=DiesOnTheThird(), merge=False)
    assert summary.failed == [] and summary.stored == 6          # alone, BOOM is report 1 of 1


# -- the command line ----------------------------------------------------------------------------

@pytest.fixture
def flaky_extractor(monkeypatch) -> None:
    """`--extractor flaky` names Flaky in the pipeline's registry for the test."""
    monkeypatch.setitem(pipeline.EXTRACTORS, "flaky", Flaky)


def test_run_exits_3_after_the_whole_batch_and_names_each_failed_report(runner, tmp_path, flaky_extractor):
    paths = write_reports(tmp_path / "in")
    db = str(tmp_path / "k.db")
    args = ["run", str(tmp_path / "in"), "--db", db, "--no-merge", "--extractor", "flaky"]
    result = runner.invoke(main, args)
    assert result.exit_code == EXIT_FAILED == 3, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("read 7 report(s): 5 stored, 0 unchanged, 0 skipped, 2 failed;")
    assert lines[1].startswith("failed (not stored, so the next run retries them")
    assert f"  {paths['boom']}: {TRIP}" in lines
    assert any(line.startswith(f"  {paths['twin']}: {SHARED_ID}") for line in lines)

    rerun = runner.invoke(main, args)
    assert rerun.exit_code == EXIT_FAILED
    assert rerun.output.startswith("read 7 report(s): 0 stored, 5 unchanged, 0 skipped, 2 failed;")
    fixed = runner.invoke(main, [*args[:-1], "minimal"])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.startswith("read 7 report(s): 2 stored, 5 unchanged, 0 skipped;")


def test_run_strict_stops_at_the_first_failure(runner, tmp_path, flaky_extractor):
    write_reports(tmp_path / "in")
    (tmp_path / "in" / "boom.txt").unlink()
    db = str(tmp_path / "k.db")
    result = runner.invoke(main, ["run", str(tmp_path / "in"), "--db", db, "--no-merge", "--extractor", "flaky",
                                  "--strict"])
    assert result.exit_code == 1
    assert "Error: Two events share the id(s)" in result.output
    with Store.open(db) as store:
        assert store.count_documents() == 5                  # the good ones, read before twin.txt

    write_reports(tmp_path / "in")
    crashed = runner.invoke(main, ["run", str(tmp_path / "in"), "--db", db, "--extractor", "flaky", "--strict"])
    assert crashed.exit_code == 1 and isinstance(crashed.exception, RuntimeError)


def test_the_exit_status_is_documented(runner):
    for command in ("run", "watch"):
        assert f"{EXIT_FAILED} when" in " ".join(runner.invoke(main, [command, "-h"]).output.split())
