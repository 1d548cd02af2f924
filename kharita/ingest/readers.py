"""Readers: plain text, HTML, RSS/Atom, JSON Lines and CSV in; Documents out.

An input is a file, a folder (read recursively, in name order), '-' for stdin, or an http(s)
URL (a feed or a page). Each reader yields Documents, and yields an InputError in place of a
record it cannot read (a JSON line without text, a CSV row without text), so that one bad record
never sinks its file. A whole input that cannot be read raises InputError. `read_inputs` turns
both into counted, logged skips and goes on with the batch.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXException

from kharita import settings
from kharita.errors import FeedError, InputError
from kharita.ingest.normalize import check_size, decode, make_document, max_text_bytes
from kharita.models import Document, RunSummary

log = logging.getLogger(__name__)

Item = Document | InputError
RECORD_FIELDS = ("id", "url", "title", "outlet", "published", "text")

EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv",
}


# -- entry point ---------------------------------------------------------------------------------

def read_inputs(inputs: Iterable[str | Path], summary: RunSummary | None = None) -> Iterator[Document]:
    """Documents from every input, in order. Unreadable inputs and records are logged and counted
    in `summary.skipped` (source, reason); the batch goes on."""
    summary = summary if summary is not None else RunSummary()
    for source in inputs:
        try:
            for item in read_input(source):
                if isinstance(item, InputError):
                    _skip(summary, item)
                else:
                    summary.read += 1
                    yield item
        except InputError as exc:
            _skip(summary, exc)


def _skip(summary: RunSummary, exc: InputError) -> None:
    log.info("skipped %s: %s", exc.source, exc.reason)     # the run's summary lists every skip
    summary.skip(exc.source, exc.reason)


def read_input(source: str | Path) -> Iterator[Item]:
    """One input: '-' (stdin), an http(s) URL, a folder or a file."""
    text = str(source)
    if text == "-":
        data = sys.stdin.buffer.read()
        yield from read_bytes("<stdin>", data)
    elif text.startswith(("http://", "https://")):
        yield from read_url(text)
    else:
        path = Path(source)
        if path.is_dir():
            yield from read_folder(path)
        elif path.is_file():
            yield from read_file(path)
        else:
            raise InputError(text, "no such file or folder")


def read_folder(folder: Path) -> Iterator[Item]:
    """Every file under a folder, in name order; hidden files and folders are left out."""
    files = sorted(p for p in folder.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    for path in files:
        try:
            yield from read_file(path)
        except InputError as exc:
            yield exc


def read_file(path: Path) -> Iterator[Item]:
    """A file, by its extension (else by its content). JSON Lines and CSV files are streamed
    record by record, so a corpus file may be any size; the size limit applies to each record.
    Any other file is one report (or one feed) and must be under the limit as a whole."""
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind in ("jsonl", "csv") and path.suffix.lower() != ".json":
        yield from _read_records_file(path, kind)
        return
    check_size(str(path), path.stat().st_size)
    yield from read_bytes(str(path), path.read_bytes(), kind)


def _read_records_file(path: Path, kind: str) -> Iterator[Item]:
    source = str(path)
    with open(path, "rb") as raw:
        head = raw.read(8192)
        if b"\x00" in head:
            raise InputError(source, f"binary file (NUL bytes), not {kind.upper()}")
        if not head.strip():
            raise InputError(source, "empty input")
        raw.seek(0)
        if kind == "jsonl":
            yield from _records(source, _json_lines_file(source, raw), "line")
        else:
            yield from _csv_rows(source, io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def read_url(url: str) -> Iterator[Item]:
    """A feed or a page over HTTP; the content type (else the content) decides which."""
    fetched = fetch(url)
    data, content_type = fetched.body, fetched.content_type
    if data is None:
        raise FeedError(url, "server answered 304 Not Modified to a plain GET")
    kind = None
    if any(t in content_type for t in ("rss", "atom", "xml")):
        kind = "feed"
    elif "html" in content_type:
        kind = "html"
    yield from read_bytes(url, data, kind, url=url)


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTTP response body; `body` is None when the server said 304 Not Modified."""

    url: str
    body: bytes | None
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


def fetch(url: str, headers: dict[str, str] | None = None) -> Fetched:
    """GET a URL. Failures raise FeedError naming the URL and the reason."""
    import httpx

    try:
        response = httpx.get(url, headers=headers, timeout=float(settings.get("http_timeout")),
                             follow_redirects=True)
    except httpx.HTTPError as exc:
        raise FeedError(url, f"cannot fetch: {exc}; check the URL and the network") from exc
    if response.status_code >= 400:
        raise FeedError(url, f"HTTP {response.status_code} {response.reason_phrase}")
    body = None if response.status_code == 304 else response.content
    if body is not None:
        check_size(url, len(body))
    return Fetched(url, body, response.headers.get("content-type", "").lower(),
                   response.headers.get("etag"), response.headers.get("last-modified"))


def read_bytes(source: str, data: bytes, kind: str | None = None, *, url: str | None = None) -> Iterator[Item]:
    """Read raw bytes as `kind` (text, html, feed, jsonl, csv), or as what the content looks like."""
    if not data.strip():
        raise InputError(source, "empty input")
    if kind == "feed":                       # feeds carry their own encoding declaration
        if b"\x00" in data[:8192]:
            raise InputError(source, "binary file (NUL bytes), not a feed")
        yield from read_feed(source, data)
        return
    text = decode(source, data)
    kind = kind or sniff(text)
    if kind == "feed":                       # sniffed: feedparser reads the bytes itself
        yield from read_feed(source, data)
    elif kind == "html":
        yield from read_html(source, text, url=url)
    else:
        yield from READERS[kind](source, text)


def sniff(text: str) -> str:
    head = text.lstrip()[:512].lower()
    if head.startswith(("<?xml", "<rss", "<feed", "<rdf")):
        return "feed"
    if head.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if head.startswith("{"):
        return "jsonl"
    return "text"


# -- the readers ---------------------------------------------------------------------------------

def read_text(source: str, text: str) -> Iterator[Item]:
    """A plain-text report: the whole file is one report; a short first line is its title."""
    first = text.strip().split("\n", 1)[0].strip()
    title = first if 0 < len(first) <= 200 else None
    yield make_document(source, text, title=title)


def read_html(source: str, html: str, *, url: str | None = None) -> Iterator[Item]:
    """A web page: its main text, title and publication date (trafilatura), boilerplate left out."""
    import trafilatura

    lowered = html.lower()
    if "<" not in html or not any(tag in lowered for tag in ("<html", "<body", "<p", "<article", "<div")):
        raise InputError(source, "malformed HTML: no <html>, <body> or paragraph tags found")
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError(source, "malformed HTML or no main text found in the page")
    yield make_document(source, text, title=result.title, published=result.date,
                        url=url or result.url, outlet=result.sitename or result.hostname)


def read_feed(source: str, data: bytes) -> Iterator[Item]:
    """An RSS or Atom feed: each item is a report (its full content, else its summary)."""
    import feedparser

    try:
        parsed = feedparser.parse(data)
    except (ValueError, OverflowError) as exc:   # e.g. &#2000000;: feedparser's chr() raises
        raise FeedError(source, f"malformed feed: {exc}") from exc
    problem = parsed.get("bozo_exception")
    if parsed.bozo and (isinstance(problem, SAXException) or not parsed.entries):
        raise FeedError(source, f"malformed feed: {problem or 'not RSS or Atom'}")
    if not parsed.entries and not parsed.feed:
        raise FeedError(source, "not an RSS or Atom feed (no channel, no items)")
    if parsed.bozo:                              # e.g. a wrong encoding declaration: readable
        log.warning("%s: %s; reading the %d items found", source, problem, len(parsed.entries))
    outlet = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{source}#item{n}"
        body = ""
        if entry.get("content"):
            body = entry.content[0].get("value", "")
        body = body or entry.get("summary", "") or entry.get("description", "")
        text = html_to_text(body)
        title = entry.get("title")
        if title and text and not text.startswith(title):
            text = f"{title}\n\n{text}"
        try:
            yield make_document(
                where, text or None, external_id=entry.get("id") or entry.get("link"), url=entry.get("link"),
                title=title, outlet=outlet,
                published=entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("published"),
            )
        except InputError as exc:
            yield exc


def read_jsonl(source: str, text: str) -> Iterator[Item]:
    """JSON Lines, one report a line (id, url, title, outlet, published, text; text required).
    A .json file holding one object, or an array of them, is read the same way."""
    whole: Any = None
    if text.lstrip().startswith(("[", "{")):
        try:
            whole = json.loads(text)             # a .json file: one object or an array of them
        except json.JSONDecodeError:
            whole = None                         # JSON Lines (or broken: reported line by line)
    if isinstance(whole, list):
        yield from _records(source, enumerate(whole, 1), "item")
    elif isinstance(whole, dict):
        yield from _records(source, [(1, whole)], "line")
    else:
        yield from _records(source, _json_lines(source, text.split("\n")), "line")


def _records(source: str, numbered: Iterable[tuple[int, Any]], label: str) -> Iterator[Item]:
    for n, record in numbered:
        where = f"{source}:{n}" if label == "line" else f"{source}[{n}]"
        if isinstance(record, InputError):
            yield record
        elif not isinstance(record, dict):
            yield InputError(where, f"expected a JSON object with a 'text' field, got {type(record).__name__}")
        else:
            try:
                yield _from_record(where, record)
            except InputError as exc:
                yield exc


def _json_lines(source: str, lines: Iterable[str]) -> Iterator[tuple[int, Any]]:
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield n, _parse_json_line(source, n, line)


def _parse_json_line(source: str, n: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(f"{source}:{n}", f"invalid JSON: {exc.msg} at column {exc.colno}")


def _json_lines_file(source: str, raw: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """(line number, object or InputError) from a JSON Lines file, read a line at a time."""
    limit = max_text_bytes()
    for n, line in enumerate(raw, 1):
        if n == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if len(line) > limit:
            yield n, InputError(f"{source}:{n}", f"line too large ({len(line) / 1048576:.1f} MB, the limit "
                                                 f"is {limit / 1048576:.0f} MB)")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield n, InputError(f"{source}:{n}", f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at column "
                                                 f"{exc.start + 1}); convert the file with iconv")
            continue
        if text.strip():
            yield n, _parse_json_line(source, n, text)


def read_csv(source: str, text: str) -> Iterator[Item]:
    """CSV with a header row naming the columns (id, url, title, outlet, published, text)."""
    yield from _csv_rows(source, io.StringIO(text, newline=""))


def _csv_rows(source: str, stream: IO[str]) -> Iterator[Item]:
    csv.field_size_limit(max_text_bytes())
    reader = csv.DictReader(stream)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if "text" not in header:
            raise InputError(source, f"CSV has no 'text' column (header: {', '.join(header) or 'none'}); "
                                     f"name the columns {', '.join(RECORD_FIELDS)}")
        reader.fieldnames = header
        for row in reader:
            where = f"{source}:{reader.line_num}"
            if None in row:
                yield InputError(where, f"{len(row[None])} more values than columns")  # type: ignore[index]
                continue
            try:
                yield _from_record(where, row)
            except InputError as exc:
                yield exc
    except csv.Error as exc:
        raise InputError(f"{source}:{reader.line_num}", f"malformed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}:{reader.line_num + 1}",
                         f"not valid UTF-8 ({exc.reason}); convert the file with iconv") from exc


def _from_record(where: str, record: dict[str, Any]) -> Document:
    text = record.get("text")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InputError(where, "no text: the record needs a non-empty 'text' field")
    if not isinstance(text, str):
        raise InputError(where, f"'text' must be a string, got {type(text).__name__}")
    return make_document(
        where, text, external_id=record.get("id"), url=record.get("url"), title=record.get("title"),
        outlet=record.get("outlet"), published=record.get("published"),
    )


READERS: dict[str, Callable[..., Iterator[Item]]] = {
    "text": read_text, "html": read_html, "feed": read_feed, "jsonl": read_jsonl, "csv": read_csv,
}


# -- HTML fragments (feed items) -----------------------------------------------------------------

_BLOCK_TAGS = frozenset("p div br li h1 h2 h3 h4 h5 h6 tr blockquote section article".split())


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item's body), paragraphs kept as blank lines."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)
