"""Properties of the readers: whatever the bytes, a reader yields Documents or names the record and
the reason in the run's summary; it never raises.

Inputs are generated two ways: raw bytes under every extension (and none, to exercise sniffing),
and structures built like real inputs (JSON objects per line with and without text, CSV with
random columns and quoting, RSS/Atom from random titles and descriptions, HTML from random tags)
so that generation reaches past the first check of each reader.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import hypothesis_profiles  # noqa: F401 - registers and loads the profile
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kharita.ingest import read_inputs
from kharita.ingest.normalize import MAX_YEAR, MIN_YEAR
from kharita.ingest.readers import RECORD_FIELDS
from kharita.models import Document, RunSummary, content_id

pytestmark = pytest.mark.issue(11)

EXTENSIONS = ["", ".txt", ".md", ".html", ".xhtml", ".rss", ".atom", ".xml", ".jsonl", ".ndjson", ".json",
              ".csv"]

#: Letters the project meets (Arabic, Kurdish, Turkish), direction marks, zero-width characters,
#: emoji, and the rest of Unicode.
SPECIAL = ("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأؤإئ٠١٢٣٤٥٦٧٨٩êîûçşÊÎÛÇŞıİğĞöü"
           "\u200f\u200e\u202b\u202e\u202c\u200b\u200c\u200d\ufeff💥🔥🇸🇾👨‍👩‍👧")
chars = st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL),
                  st.sampled_from(" \n\t\r<>&\"',;{}[]"))
texts = st.text(chars, max_size=200)
words = st.sampled_from(["Clashes", "in", "Hasakah", "Qamişlo", "Hesekê", "killed", "12", "YPG", "ISIS",
                         "on", "July", "9,", "2015", "<b>", "&amp;", "&#0;", "&#x110000;", "\u200f", ""])
prose = st.one_of(texts, st.lists(words, max_size=30).map(" ".join))


# -- what every reader promises ---------------------------------------------------------------------

def read(path: Path) -> tuple[list[Document], RunSummary]:
    summary = RunSummary()
    docs = list(read_inputs([path], summary))      # never raises: that is the first property
    return docs, summary


def check(path: Path) -> tuple[list[Document], RunSummary]:
    """Read `path` twice; every Document has text and its content id, every skip names where
    and why, and the second read gives the same documents (stable ids)."""
    docs, summary = read(path)
    source = str(path)
    for doc in docs:
        assert isinstance(doc.text, str) and doc.text.strip(), doc
        assert doc.id == content_id(doc.text)
        assert doc.origin is not None and doc.origin.startswith(source)
        assert doc.published is None or MIN_YEAR <= doc.published.year <= MAX_YEAR, doc.published
    for where, reason in summary.skipped:
        assert where.startswith(source), where
        assert re.fullmatch(r"(:\d+|\[\d+\]|#item\d+)?", where[len(source):]), where
        assert isinstance(reason, str) and reason.strip()
    assert summary.read == len(docs) and summary.failed == []
    again, _ = read(path)
    assert [d.id for d in again] == [d.id for d in docs]
    return docs, summary


def write(data: bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kharita-prop-"))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


# -- any bytes, any extension -------------------------------------------------------------------------

prefixes = st.sampled_from([b"", b"\xef\xbb\xbf", b"<?xml version='1.0'?>", b"<rss>", b"<feed>",
                            b"<html><body><p>", b"{", b"[", b"text\n", b"id,text\n", b"\x00", b"   \n"])


@given(prefix=prefixes, body=st.binary(max_size=600), suffix=st.sampled_from(EXTENSIONS))
@example(prefix=b"", body=b"\xff\xfe", suffix=".txt")
@example(prefix=b"text\n", body=b"\x00", suffix=".csv")
def test_any_bytes_are_read_or_named(prefix, body, suffix):
    check(write(prefix + body, suffix))


@given(text=prose, suffix=st.sampled_from(EXTENSIONS))
def test_any_text_is_read_or_named(text, suffix):
    check(write(text.encode("utf-8", "surrogatepass"), suffix))


# -- JSON Lines ----------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
field_values = st.one_of(prose, json_values, st.just("   "), st.just(""))


@st.composite
def records(draw) -> dict:
    names = draw(st.lists(st.sampled_from([*RECORD_FIELDS, "Text", "body", "extra"]), unique=True,
                          max_size=7))
    return {name: draw(field_values) for name in names}


lines = st.one_of(
    records().map(lambda r: json.dumps(r, ensure_ascii=False)),
    records().map(json.dumps),
    json_values.map(json.dumps),
    st.text(chars, min_size=1, max_size=80).filter(lambda s: "\n" not in s and s.strip()),
    st.sampled_from(["", "   "]),
)


@given(rows=st.lists(lines, min_size=1, max_size=12), suffix=st.sampled_from([".jsonl", ".ndjson"]),
       newline=st.sampled_from(["\n", "\r\n"]))
@example(rows=['{"text": "\\u0000"}'], suffix=".jsonl", newline="\n")
@example(rows=['{"text": "Clashes", "published": "99999-99-99"}'], suffix=".jsonl", newline="\n")
@example(rows=['{"text": "Clashes", "published": "0001-01-01"}'], suffix=".jsonl", newline="\n")
def test_json_lines_name_every_line_they_do_not_read(rows, suffix, newline):
    path = write(newline.join(rows).encode("utf-8", "surrogatepass"), suffix)
    docs, summary = check(path)
    if any(where == str(path) for where, _ in summary.skipped):
        return                                      # the whole file refused (empty, binary): named
    named = [d.origin for d in docs] + [where for where, _ in summary.skipped]
    expected = [f"{path}:{n}" for n, row in enumerate(rows, 1) if row.strip()]
    assert sorted(named) == sorted(expected)


@given(items=st.one_of(st.lists(records(), max_size=6), records(), json_values))
def test_a_json_file_reads_each_object_or_names_it(items):
    check(write(json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass"), ".json"))


# -- CSV ---------------------------------------------------------------------------------------------

QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]


@st.composite
def csv_files(draw) -> tuple[str, list[str], int]:
    header = draw(st.lists(st.sampled_from([*RECORD_FIELDS, " Text ", "TEXT", "body", "x,y", 'q"q', ""]),
                           min_size=1, max_size=7))
    width = len(header)
    cells = st.one_of(prose, st.integers().map(str), st.just(""))
    rows = draw(st.lists(st.lists(cells, min_size=1, max_size=width + 2), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out, quoting=draw(st.sampled_from(QUOTING)),
                        lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    content = out.getvalue()
    # the rows as CSV reads them back, blank ones left out as DictReader does: a lone "\r" in a
    # cell is not quoted by the writer when the line ends in "\n", and reads as a line break
    try:
        parsed = [row for row in csv.reader(io.StringIO(content, newline="")) if row][1:]
    except csv.Error:
        parsed = []
    return content, header, len(parsed)


@given(file=csv_files())
@example(file=("text\n\x00\n", ["text"], 1))
@example(file=('id,text\n1,"unclosed\n', ["id", "text"], 1))
@example(file=("text\n0\r,\n", ["text"], 2))
def test_csv_rows_are_read_or_named(file):
    content, header, n_rows = file
    path = write(content.encode("utf-8", "surrogatepass"), ".csv")
    docs, summary = check(path)
    whole = [reason for where, reason in summary.skipped
             if where == str(path) or reason.startswith("malformed")]
    if "text" in (h.strip().lower() for h in header) and not whole:
        assert len(docs) + len(summary.skipped) == n_rows


@given(text=st.text(chars, max_size=300))
def test_any_text_as_csv_is_read_or_named(text):
    check(write(text.encode("utf-8", "surrogatepass"), ".csv"))


# -- RSS and Atom ----------------------------------------------------------------------------------------

def _markup(draw, value: str) -> str:
    how = draw(st.sampled_from(["escape", "cdata", "raw"]))
    if how == "escape":
        return escape(value)
    if how == "cdata":
        return f"<![CDATA[{value.replace(']]>', '')}]]>"
    return value


dates = st.one_of(st.sampled_from(["Thu, 09 Jul 2015 10:00:00 +0000", "2015-07-09T10:00:00Z", "yesterday",
                                   "Mon, 31 Feb 2015 99:99:99 +9999", "", "0000-00-00"]), texts)


@st.composite
def feeds(draw) -> tuple[str, int]:
    atom = draw(st.booleans())
    n = draw(st.integers(0, 5))
    items = []
    for i in range(n):
        title, body = _markup(draw, draw(prose)), _markup(draw, draw(prose))
        date = _markup(draw, draw(dates))
        if atom:
            items.append(f"<entry><id>urn:{i}</id><title>{title}</title><updated>{date}</updated>"
                         f"<content type='html'>{body}</content></entry>")
        else:
            items.append(f"<item><guid>g{i}</guid><title>{title}</title><pubDate>{date}</pubDate>"
                         f"<description>{body}</description></item>")
    name = _markup(draw, draw(texts))
    encoding = draw(st.sampled_from(["", " encoding='utf-8'", " encoding='iso-8859-1'", " encoding='nope'"]))
    head = f"<?xml version='1.0'{encoding}?>"
    if atom:
        atom_ns = "http://www.w3.org/2005/Atom"
        return f"{head}<feed xmlns='{atom_ns}'><title>{name}</title>{''.join(items)}</feed>", n
    return f"{head}<rss version='2.0'><channel><title>{name}</title>{''.join(items)}</channel></rss>", n


@given(feed=feeds(), suffix=st.sampled_from([".rss", ".atom", ".xml", ""]))
# regressions: a pubDate of 0000-00-00 (feedparser's struct_time says year -1) raised ValueError
# from parse_date; a character reference past U+10FFFF raised ValueError inside feedparser
@example(feed=("<?xml version='1.0'?><rss version='2.0'><channel><title></title><item><guid>g0</guid>"
               "<title></title><pubDate>0000-00-00</pubDate><description>0</description></item>"
               "</channel></rss>", 1), suffix=".rss")
@example(feed=("<?xml version='1.0'?><rss version='2.0'><channel><title>&#2000000;</title></channel></rss>",
               0), suffix=".rss")
@example(feed=("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><title>&#0;"
               "</title><description>x</description></item></channel></rss>", 1), suffix=".rss")
def test_feeds_read_each_item_or_name_it(feed, suffix):
    content, n_items = feed
    docs, summary = check(write(content.encode("utf-8", "surrogatepass"), suffix))
    items = {w for w in [d.origin for d in docs] + [w for w, _ in summary.skipped] if "#item" in w}
    assert len(items) == len(docs) + sum("#item" in w for w, _ in summary.skipped)   # each named once


# -- HTML ------------------------------------------------------------------------------------------------

TAGS = ["p", "div", "span", "b", "a", "script", "style", "article", "br", "li", "h1", "table", "td", "title",
        "meta", "body", "head", "html", "noscript", "iframe", "x-custom"]


@st.composite
def html_pages(draw) -> str:
    def node(depth: int) -> str:
        if depth > 3 or draw(st.booleans()):
            return _markup(draw, draw(prose))
        tag = draw(st.sampled_from(TAGS))
        attrs = draw(st.sampled_from(["", " class='x'", ' href="javascript:x"', " id=\"<>\"",
                                      " lang=ar dir=rtl"]))
        inner = "".join(node(depth + 1) for _ in range(draw(st.integers(0, 3))))
        close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}"]))
        return f"<{tag}{attrs}>{inner}{close}"

    doctype = draw(st.sampled_from(["", "<!DOCTYPE html>", "<!doctype html><html>"]))
    return doctype + "".join(node(0) for _ in range(draw(st.integers(1, 4))))


@given(page=html_pages(), suffix=st.sampled_from([".html", ".htm", ""]))
@example(page="<html><body><p>\x00</p></body></html>", suffix=".html")
def test_html_pages_are_read_or_named(page, suffix):
    docs, summary = check(write(page.encode("utf-8", "surrogatepass"), suffix))
    assert len(docs) + len(summary.skipped) >= 1
