"""`kharita watch` and URL inputs against a feed served on 127.0.0.1 by the test itself."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_isolation import BOOM, TRIP, Flaky

from kharita import pipeline
from kharita.cli import EXIT_FAILED, main
from kharita.errors import ConfigError
from kharita.ingest.watch import FeedPoller, parse_interval
from kharita.models import RunSummary
from kharita.store import Store

ITEM = """<item><guid>{id}</guid><title>{title}</title><link>http://example.org/{id}</link>
<pubDate>{date} Jul 2015 09:00:00 GMT</pubDate><description>{text}</description></item>"""

ITEMS = [
    dict(id="w1", title="Clashes in Qamishli", date="Fri, 10",
         text="Clashes broke out between YPG fighters and regime forces in Qamishli on Friday."),
    dict(id="w2", title="Airstrike on Raqqa", date="Sat, 11",
         text="Coalition warplanes struck Islamic State positions in Raqqa on Saturday."),
    dict(id="w3", title="Protest in Homs", date="Sun, 12",
         text="Hundreds of residents protested in Homs on Sunday against the arrests."),
]


def rss(items: list[dict]) -> bytes:
    body = "".join(ITEM.format(**item) for item in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Wire</title>'
            f"<link>http://example.org/</link><description>t</description>{body}</channel></rss>").encode()


@dataclass
class FeedServer:
    """A feed on 127.0.0.1 whose content the test changes; honours If-None-Match."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    requests: list[str] = field(default_factory=list)
    not_modified: int = 0
    url: str = ""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest() + '"'


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.requests.append(self.path)
            if state.status != 200:
                self.send_error(state.status)
                return
            if self.headers.get("If-None-Match") == state.etag:
                state.not_modified += 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", state.content_type)
            self.send_header("ETag", state.etag)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_watch_once_ingests_only_new_items_on_the_second_poll(feed_server, runner, tmp_path):
    db = str(tmp_path / "watch.db")
    feed_server.body = rss(ITEMS[:2])
    first = runner.invoke(main, ["watch", feed_server.url, "--once", "--db", db, "--extractor", "minimal"])
    assert first.exit_code == 0, first.output
    assert "read 2 report(s): 2 stored, 0 unchanged, 0 skipped" in first.output

    feed_server.body = rss(ITEMS)                 # one new item on top of the two already seen
    second = runner.invoke(main, ["watch", feed_server.url, "--once", "--db", db, "--extractor", "minimal"])
    assert second.exit_code == 0, second.output
    assert "read 3 report(s): 1 stored, 2 unchanged, 0 skipped" in second.output
    with Store.open(db) as store:
        assert sorted(d.external_id for d in store.documents()) == ["w1", "w2", "w3"]
        assert {s.external_id for e in store.iter_events() for s in e.sources} <= {"w1", "w2", "w3"}


def test_a_poller_hands_on_new_items_only_and_uses_etags(feed_server):
    feed_server.body = rss(ITEMS[:1])
    poller = FeedPoller([feed_server.url])
    summary = RunSummary()
    assert [d.external_id for d in poller.poll(summary)] == ["w1"]
    assert list(poller.poll(summary)) == []                      # unchanged: 304
    assert feed_server.not_modified == 1
    feed_server.body = rss(ITEMS)
    assert [d.external_id for d in poller.poll(summary)] == ["w2", "w3"]
    assert summary.skipped == []


def test_a_feed_that_fails_is_counted_and_the_watch_goes_on(feed_server, runner, tmp_path):
    feed_server.status = 503
    result = runner.invoke(main, ["watch", feed_server.url, "--once", "--db", str(tmp_path / "w.db"),
                                  "--extractor", "minimal"])
    assert result.exit_code == 0, result.output
    assert "1 skipped" in result.output and "HTTP 503" in result.output


def test_the_watch_loop_polls_every_interval(feed_server, tmp_path):
    from kharita import pipeline

    feed_server.body = rss(ITEMS[:1])
    polls: list[RunSummary] = []
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt              # what Ctrl-C does to a real watch

    with Store.open(tmp_path / "loop.db") as store:
        total = pipeline.watch([feed_server.url], store, every=600, on_poll=polls.append, sleep=sleep,
                               extractor=pipeline.MinimalExtractor())
    assert [p.stored for p in polls] == [1, 0]
    assert total.stored == 1 and all(0 < s <= 600 for s in sleeps)


def test_a_url_input_is_fetched_and_read(feed_server, runner, tmp_path):
    feed_server.body = rss(ITEMS)
    result = runner.invoke(main, ["run", feed_server.url, "--db", str(tmp_path / "u.db"), "--extractor", "minimal"])
    assert result.exit_code == 0, result.output
    assert "read 3 report(s): 3 stored" in result.output


def test_a_web_page_url_is_read_as_html(feed_server, runner, tmp_path):
    from pathlib import Path

    feed_server.body = (Path(__file__).parent / "data" / "ingest" / "page.html").read_bytes()
    feed_server.content_type = "text/html; charset=utf-8"
    db = tmp_path / "page.db"
    result = runner.invoke(main, ["run", feed_server.url, "--db", str(db), "--extractor", "minimal"])
    assert "read 1 report(s): 1 stored" in result.output
    with Store.open(db) as store:
        (doc,) = list(store.documents())
    assert doc.url == feed_server.url and doc.title == "YPG fighters push ISIS back east of Hasakah"
    assert "Subscribe" not in doc.text


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("2h", 7200), ("1d", 86400)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "ten minutes", "5w"])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ConfigError, match="Bad interval"):
        parse_interval(text)


def test_watch_refuses_files_and_empty_lists():
    with pytest.raises(ConfigError, match="http"):
        FeedPoller(["feed.xml"])
    with pytest.raises(ConfigError):
        FeedPoller([])


# -- a report that fails (issue 11) ---------------------------------------------------------------

BAD_ITEM = dict(id="w4", title="Clashes in Daraa", date="Mon, 13", text=f"{BOOM}: clashes in Daraa on Monday.")


@pytest.mark.issue(11)
def test_watch_once_names_a_failed_report_and_exits_3(feed_server, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(pipeline.EXTRACTORS, "flaky", Flaky)
    feed_server.body = rss([*ITEMS, BAD_ITEM])
    db = str(tmp_path / "w.db")
    result = runner.invoke(main, ["watch", feed_server.url, "--once", "--db", db, "--extractor", "flaky"])
    assert result.exit_code == EXIT_FAILED, result.output
    assert "read 4 report(s): 3 stored, 0 unchanged, 0 skipped, 1 failed" in result.output
    assert f"  {feed_server.url}#item4: {TRIP}" in result.output.splitlines()
    with Store.open(db) as store:
        assert sorted(d.external_id for d in store.documents()) == ["w1", "w2", "w3"]
    strict = runner.invoke(main, ["watch", feed_server.url, "--once", "--db", db, "--extractor", "flaky",
                                  "--strict"])
    assert strict.exit_code == 1 and isinstance(strict.exception, RuntimeError)


@pytest.mark.issue(11)
def test_a_report_that_fails_is_retried_on_the_next_poll(feed_server, tmp_path):
    feed_server.body = rss([ITEMS[0], BAD_ITEM])
    flaky = Flaky()
    polls: list[RunSummary] = []

    def sleep(seconds: float) -> None:
        flaky.healed = True                      # the coder is fixed before the next poll
        if len(polls) == 2:
            raise KeyboardInterrupt

    with Store.open(tmp_path / "retry.db") as store:
        total = pipeline.watch([feed_server.url], store, every=600, on_poll=polls.append, sleep=sleep,
                               extractor=flaky)
        assert sorted(d.external_id for d in store.documents()) == ["w1", "w4"]
    assert [(p.stored, len(p.failed)) for p in polls] == [(1, 1), (1, 0)]
    assert feed_server.not_modified == 1           # the feed had nothing new: the retry came from the watch
    assert (total.stored, len(total.failed)) == (2, 1)
