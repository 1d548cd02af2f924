"""The pipeline: read -> extract -> merge -> store, one transaction per document, idempotent.
Killing a batch (SIGKILL) and running it again is tested in test_faults.py, on both backends."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kharita import pipeline
from kharita.models import Document, Event
from kharita.pipeline import Extractor, MinimalExtractor
from kharita.record import to_record
from kharita.store import Store, schema

CITIES = ["Hasakah", "Raqqa", "Aleppo", "Homs", "Qamishli", "Palmyra", "Idlib", "Daraa", "Kobani", "Manbij"]
TEMPLATES = [
    "Clashes broke out between rebels and regime forces in {city} on {day}, killing {n} fighters.",
    "Regime artillery shelled {city} on {day}, local sources said.",
    "Islamic State fighters captured {city} on {day} after heavy fighting.",
    "Hundreds of residents protested in {city} on {day} against the curfew.",
]


def write_reports(folder: Path, n: int = 40) -> Path:
    """n small dated reports; every fifth repeats an earlier one's story from another outlet."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = i - 4 if i % 5 == 4 else i
        day = f"2015-07-{1 + k % 28:02d}"
        story = TEMPLATES[k % len(TEMPLATES)].format(city=CITIES[k % len(CITIES)], day=day, n=2 + k % 7)
        (folder / f"report-{i:03d}.txt").write_text(f"Outlet {i} report of {day}\n\n{story}\n", encoding="utf-8")
    return folder


def table_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in schema.metadata.sorted_tables}


def snapshot(store: Store) -> tuple[list[str], list[dict]]:
    """Everything stored, comparable across runs (the write timestamp aside)."""
    docs = sorted(d.id for d in store.documents())
    events = []
    for ev in store.iter_events():
        record = to_record(ev)
        record.pop("timestamp")
        events.append(record)
    return docs, events


class Recording:
    """Wraps an extractor and remembers which documents reached it."""

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner
        self.seen: list[str] = []

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        def note(docs: Iterable[Document]) -> Iterator[Document]:
            for d in docs:
                self.seen.append(d.id)
                yield d
        return self.inner.extract(note(documents))


@pytest.fixture(scope="module")
def extractor() -> MinimalExtractor:
    return MinimalExtractor()


def test_a_run_stores_documents_and_their_events(store, tmp_path, extractor):
    reports = write_reports(tmp_path / "in", 8)
    summary = pipeline.run([reports], store, extractor=extractor, merge=False)
    assert (summary.read, summary.stored, summary.unchanged, summary.skipped) == (8, 8, 0, [])
    assert summary.events_written == store.count_events() > 0
    assert store.count_documents() == 8


def test_the_same_input_twice_adds_no_rows_and_extracts_nothing(store, tmp_path, extractor):
    reports = write_reports(tmp_path / "in", 10)
    pipeline.run([reports], store, extractor=extractor)
    before = table_counts(store)
    recording = Recording(extractor)
    summary = pipeline.run([reports], store, extractor=recording)
    assert table_counts(store) == before
    assert recording.seen == []                           # stored documents never reach extraction
    assert (summary.read, summary.stored, summary.unchanged, summary.events_written) == (10, 0, 10, 0)


def test_the_same_text_twice_in_one_batch_is_stored_once(store, tmp_path, extractor):
    (tmp_path / "a.txt").write_text("Clashes in Homs on 2015-07-03.")
    (tmp_path / "b.txt").write_text("Clashes in  Homs on 2015-07-03.\n")
    summary = pipeline.run([tmp_path / "a.txt", tmp_path / "b.txt"], store, extractor=extractor)
    assert (summary.stored, summary.unchanged) == (1, 1)


def test_an_input_record_id_travels_into_every_event_source(store, extractor):
    doc = Document.from_text("Regime artillery shelled Aleppo and Homs on Friday.", external_id="wire-7",
                             url="http://example.org/7", outlet="Wire", published=__import__("datetime").date(2015, 7, 3))
    pipeline.run([doc], store, extractor=extractor, merge=False)
    events = list(store.iter_events())
    assert len(events) == 2
    for ev in events:
        (source,) = ev.sources
        assert (source.external_id, source.document_id, source.url, source.outlet) == (
            "wire-7", doc.id, "http://example.org/7", "Wire")
        assert {e.field for e in source.evidence} >= {"trigger", "location"}


class FailsOnThird:
    """An extractor whose generator raises on the third report of each call."""

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for n, pair in enumerate(self.inner.extract(documents), 1):
            if n == 3:
                raise RuntimeError("extractor crashed")
            yield pair


def test_a_strict_run_that_fails_mid_batch_keeps_the_documents_before_it_whole(store, tmp_path, extractor):
    reports = write_reports(tmp_path / "in", 6)
    with pytest.raises(RuntimeError):
        pipeline.run([reports], store, extractor=FailsOnThird(extractor), strict=True)
    assert store.count_documents() == 2
    summary = pipeline.run([reports], store, extractor=extractor)
    assert (summary.stored, summary.unchanged) == (4, 2)


@pytest.mark.issue(11)
def test_a_run_whose_extractor_fails_mid_batch_codes_the_rest_and_stores_all(store, tmp_path, extractor):
    reports = write_reports(tmp_path / "in", 6)
    summary = pipeline.run([reports], store, extractor=FailsOnThird(extractor))
    assert (summary.stored, summary.failed) == (6, [])      # the four not yielded, coded afresh one by one
    assert store.count_documents() == 6


def test_merge_joins_reports_of_one_event_and_no_merge_keeps_them_apart(store_url, tmp_path, extractor):
    texts = ["Clashes broke out between rebels and regime forces in Homs on 2015-07-03.",
             "Rebels and regime forces clashed in Homs on 2015-07-03, a monitor said."]
    docs = [Document.from_text(t, external_id=f"m{i}") for i, t in enumerate(texts)]
    with Store.open(store_url) as store:
        pipeline.run(docs, store, extractor=extractor, merge=False)
        assert store.count_events() == 2
    other = tmp_path / "merged.db"
    with Store.open(other) as store:
        summary = pipeline.run(docs, store, extractor=extractor, merge=True)
        (merged,) = list(store.iter_events())
        assert merged.corroboration == 2 and summary.events_merged == 1
        assert {s.external_id for s in merged.sources} == {"m0", "m1"}


def test_control_is_refreshed_after_a_run_with_territorial_events(store, extractor):
    doc = Document.from_text("Islamic State fighters captured Palmyra on 2015-05-21.")
    pipeline.run([doc], store, extractor=extractor)
    (change,) = store.control_changes()
    assert change.place.name == "Tadmur" and change.new_controller.startswith("Unidentified Armed Group")


def test_unknown_extractor_names_are_refused():
    from kharita.errors import ConfigError

    with pytest.raises(ConfigError, match="minimal"):
        pipeline.default_extractor("nope")
    assert isinstance(pipeline.default_extractor("minimal"), Extractor)


def test_progress_goes_to_stderr_only_when_asked(store, tmp_path, extractor, capsys):
    reports = write_reports(tmp_path / "in", 3)
    pipeline.run([reports], store, extractor=extractor, progress=False)
    assert capsys.readouterr() == ("", "")
    more = write_reports(tmp_path / "more", 4)
    pipeline.run([more], store, extractor=extractor, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "reports:" in err
