"""Concurrent writers (issue 11): two `kharita run` processes and one `kharita watch` fill one
store at once, on SQLite and on PostgreSQL, from overlapping inputs. Every report is stored once
with exactly its events, no process fails, the reports of one incident (from several outlets)
become one event, and the store ends exactly as a single sequential run of the same reports, in
the order they were stored, leaves it."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import random
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select
from test_pipeline import snapshot, table_counts

from kharita import pipeline
from kharita.models import Document, content_id
from kharita.pipeline import MinimalExtractor
from kharita.store import Store, schema

CITIES = ["Hasakah", "Raqqa", "Aleppo", "Homs", "Qamishli", "Palmyra", "Idlib", "Daraa", "Kobani", "Manbij"]

#: Three outlets' wordings of one incident, per kind of incident; MinimalExtractor codes each as one
#: event of the same sub-event type at the city, so the three reports merge into one event.
WORDINGS = [
    ["Clashes broke out between rebels and regime forces in {city} on {day}; {n} fighters were killed.",
     "Rebels and regime forces clashed in {city} on {day}, a monitor said.",
     "Heavy fighting was reported in {city} on {day}, where {m} fighters were killed."],
    ["Regime artillery shelled {city} on {day}, local sources said.",
     "Government forces shelled {city} on {day}; {n} civilians were killed.",
     "residents said mortars fell on {city} on {day}."],
    ["Islamic State fighters captured {city} on {day} after a siege.",
     "militants seized {city} on {day}, activists said.",
     "militants overran {city} on {day}."],
    ["Hundreds of residents protested in {city} on {day} against the curfew.",
     "a demonstration was held in {city} on {day}.",
     "protesters rallied in {city} on {day}."],
]
OUTLETS = ["North Press", "Enab Baladi", "Rudaw"]
INCIDENTS = 48


def incident_reports(n: int = INCIDENTS) -> list[dict]:
    """Three reports (one per outlet) of each of n incidents. Incidents at one city are three days
    apart, or of another kind, so no two incidents merge."""
    reports = []
    for k in range(n):
        day = dt.date(2015, 7, 1) + dt.timedelta(days=3 * (k // len(CITIES)))
        for o, outlet in enumerate(OUTLETS):
            text = WORDINGS[k % len(WORDINGS)][o].format(city=CITIES[k % len(CITIES)], day=day.isoformat(),
                                                          n=2 + k % 5, m=4 + k % 3)
            reports.append({"id": f"r{k:03d}-{o}", "url": f"http://example.org/{k}/{o}", "outlet": outlet,
                            "published": day.isoformat(), "text": f"Report {k}.{o}: {text}", "incident": k})
    return reports


def write_jsonl(path: Path, reports: list[dict]) -> Path:
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "incident"}) + "\n"
                            for r in reports), encoding="utf-8")
    return path


def rss(reports: list[dict]) -> bytes:
    def published(r: dict) -> str:
        return format_datetime(dt.datetime.fromisoformat(r["published"]).replace(tzinfo=dt.UTC))

    items = "".join(
        f"<item><guid>{r['id']}</guid><link>{escape(r['url'])}</link><pubDate>{published(r)}</pubDate>"
        f"<description>{escape(r['text'])}</description></item>"
        for r in reports)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>http://example.org/</link><description>test feed</description>{items}"
            f"</channel></rss>").encode()


@pytest.fixture
def feed_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """An HTTP server on 127.0.0.1 serving the bytes put in the returned dict under their path."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:                       # noqa: N802 - http.server's name
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def kharita(*args: str) -> subprocess.Popen:
    env = {**os.environ, "KHARITA_EXTRACTOR": "minimal"}
    return subprocess.Popen([sys.executable, "-m", "kharita", "-q", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def reports_by_event(store: Store) -> set[frozenset[str]]:
    """Which reports make each event, whatever the event's id."""
    return {frozenset(s.document_id for s in ev.sources) for ev in store.iter_events()}


def in_stored_order(store: Store) -> list[Document]:
    """The stored documents in the order they were written (their ingested_at)."""
    table = schema.documents
    with store.engine.connect() as conn:
        ids = list(conn.execute(select(table.c.id).order_by(table.c.ingested_at, table.c.id)).scalars())
    return [store.get_document(i) for i in ids]


def stored_counts(out: str) -> tuple[int, int, int]:
    """(read, stored, unchanged) summed over the summary lines of a run's or watch's output."""
    found = re.findall(r"read (\d+) report\(s\): (\d+) stored, (\d+) unchanged, 0 skipped;", out)
    assert found, out
    return tuple(sum(int(f[i]) for f in found) for i in range(3))  # type: ignore[return-value]


@pytest.mark.issue(11)
def test_two_runs_and_a_watch_at_once_store_each_report_once_and_merge_as_one_run_would(
        store_url, tmp_path, feed_server):
    reports = incident_reports()
    by_id = {content_id(r["text"]): r for r in reports}
    shuffled = random.Random(11).sample(reports, len(reports))
    # Both runs read every report, incident by incident, run 1 the outlets in one order and run 2
    # in the other; the watch's feed holds two thirds of them, shuffled. Every report is in two or
    # three inputs, and the writers meet on one incident through different outlets' reports.
    first = write_jsonl(tmp_path / "first.jsonl", reports)
    other_way = sorted(reports, key=lambda r: (r["incident"], -int(r["id"][-1])))
    second = write_jsonl(tmp_path / "second.jsonl", other_way)
    base, pages = feed_server
    pages["/feed.xml"] = rss([r for r in shuffled if r["incident"] % 3 != 0 or r["id"].endswith("-0")])
    feed_items = len(re.findall(rb"<item>", pages["/feed.xml"]))

    writers = [kharita("run", str(first), "--db", store_url, "-s"),
               kharita("run", str(second), "--db", store_url, "-s"),
               kharita("watch", f"{base}/feed.xml", "--once", "--db", store_url)]
    outputs = [w.communicate(timeout=120) for w in writers]
    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, out + err
        assert "failed" not in out, out
        for trouble in ("locked", "UniqueViolation", "IntegrityError", "unique", "Traceback"):
            assert trouble not in err, err
    counts = [stored_counts(out) for out, _ in outputs]
    assert [c[0] for c in counts] == [len(reports), len(reports), feed_items]
    assert all(read == stored + unchanged for read, stored, unchanged in counts)
    assert sum(c[1] for c in counts) == len(reports)            # each report stored by one writer

    with Store.open(store_url) as store:
        tables = table_counts(store)
        assert tables["documents"] == len(reports)
        assert {d.id for d in store.documents()} == set(by_id)
        events = list(store.iter_events())
        assert len(events) == INCIDENTS == tables["events"]
        held = Counter(s.document_id for ev in events for s in ev.sources)
        assert set(held) == set(by_id) and set(held.values()) == {1}   # each report in one event, once
        for ev in events:                                        # ... the event of its incident
            assert len({by_id[s.document_id]["incident"] for s in ev.sources}) == 1
            assert ev.corroboration == len(OUTLETS)
        concurrent = snapshot(store)
        partition = reports_by_event(store)
        order = in_stored_order(store)
        changes = [(c.place.key, c.date, c.new_controller) for c in store.control_changes()]
        assert len(changes) == len(set(changes)) == INCIDENTS // len(WORDINGS)

    # The same reports, one writer, one after the other in the order they were stored: the same
    # event ids (each incident keeps the id of its first stored report's event), the same records.
    with Store.open(tmp_path / "sequential.db") as sequential:
        summary = pipeline.run(order, sequential, extractor=MinimalExtractor())
        assert (summary.stored, summary.events_merged) == (len(reports), len(reports) - INCIDENTS)
        assert snapshot(sequential) == concurrent
        assert table_counts(sequential) == tables
    # ... and in the inputs' own order: the same reports make the same events.
    with Store.open(tmp_path / "in_input_order.db") as sequential:
        pipeline.run([first], sequential, extractor=MinimalExtractor())
        assert table_counts(sequential) == tables
        assert reports_by_event(sequential) == partition
