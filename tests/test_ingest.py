"""Readers: every format in, Documents out; bad input is named, counted, and the batch goes on."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from kharita.errors import InputError
from kharita.ingest import read_input, read_inputs
from kharita.ingest.normalize import clean_text, guess_language, parse_date
from kharita.ingest.readers import html_to_text, sniff
from kharita.models import Document, RunSummary, content_id

DATA = Path(__file__).parent / "data" / "ingest"


def read(*inputs) -> tuple[list[Document], RunSummary]:
    summary = RunSummary()
    docs = list(read_inputs(list(inputs), summary))
    return docs, summary


def reasons(summary: RunSummary) -> dict[str, str]:
    return dict(summary.skipped)


# -- each format ----------------------------------------------------------------------------------

def test_a_text_file_is_one_report_with_its_first_line_as_title():
    (doc,), summary = read(DATA / "report.txt")
    assert doc.id == content_id(doc.text)
    assert doc.title == "Hasakah (ANF) - Clashes between the Syrian regime and ISIS gangs in Hasakah continued on 2015-07-09."
    assert doc.text.endswith("YPG fighters took control of the road to Hool.")
    assert doc.origin == str(DATA / "report.txt")
    assert doc.language == "en" and doc.external_id is None
    assert summary.read == 1 and summary.skipped == []


def test_html_gives_main_text_title_and_date_without_boilerplate():
    (doc,), _ = read(DATA / "page.html")
    assert doc.title == "YPG fighters push ISIS back east of Hasakah"
    assert doc.published == dt.date(2015, 7, 10)
    assert "liberated the villages of Maruf and Hamra" in doc.text
    assert "Regime forces have not recaptured the Nashwa neighbourhood" in doc.text
    assert "newsletter" not in doc.text and "Cookie" not in doc.text


def test_each_rss_item_is_a_report_and_an_empty_item_is_skipped():
    docs, summary = read(DATA / "feed.rss")
    assert [d.external_id for d in docs] == ["wire-101", "wire-102"]
    first = docs[0]
    assert first.url == "http://example.org/wire-101" and first.outlet == "Example Wire"
    assert first.published == dt.date(2015, 7, 11) and first.title == "Clashes in Qamishli"
    assert first.text == ("Clashes in Qamishli\n\nClashes broke out between YPG fighters and regime forces "
                          "in Qamishli on Friday.\n\nTwo fighters were killed.")
    assert reasons(summary) == {f"{DATA / 'feed.rss'}#item3": "no text: the record needs a non-empty 'text' field"}


def test_atom_entries_are_reports():
    (doc,), _ = read(DATA / "feed.atom")
    assert doc.external_id == "urn:example:atom:1" and doc.url == "http://example.org/atom-1"
    assert doc.published == dt.date(2015, 7, 12) and doc.outlet == "Example Atom"
    assert "protested in Mosul" in doc.text and "<p>" not in doc.text


def test_json_lines_keep_fields_and_name_each_bad_line():
    docs, summary = read(DATA / "reports.jsonl")
    assert [d.external_id for d in docs] == ["r-1", "4"]
    first = docs[0]
    assert (first.url, first.title, first.outlet, first.published) == (
        "http://example.org/r-1", "Shelling in Aleppo", "Example Wire", dt.date(2015, 7, 9))
    assert docs[1].published == dt.date(2015, 7, 10)
    source = str(DATA / "reports.jsonl")
    skipped = reasons(summary)
    assert skipped[f"{source}:3"].startswith("no text")
    assert skipped[f"{source}:4"].startswith("invalid JSON")
    assert skipped[f"{source}:6"].startswith("expected a JSON object")
    assert summary.read == 2 and len(summary.skipped) == 3


def test_a_json_file_with_one_object_or_an_array(tmp_path):
    (tmp_path / "one.json").write_text('{\n  "id": "j1",\n  "text": "Clashes in Idlib."\n}\n')
    (tmp_path / "many.json").write_text('[{"id": "j2", "text": "A."}, {"text": ""}]')
    docs, summary = read(tmp_path / "many.json", tmp_path / "one.json")
    assert [d.external_id for d in docs] == ["j2", "j1"]
    assert list(reasons(summary)) == [f"{tmp_path / 'many.json'}[2]"]


def test_csv_rows_are_reports_and_a_row_without_text_is_named():
    docs, summary = read(DATA / "reports.csv")
    assert [d.external_id for d in docs] == ["c-1", "c-3"]
    assert docs[0].published == dt.date(2015, 7, 8) and docs[0].outlet == "Example Wire"
    assert docs[1].text == 'Displaced families fled Deir ez-Zor, "many" of them on foot.'
    assert reasons(summary) == {f"{DATA / 'reports.csv'}:3": "no text: the record needs a non-empty 'text' field"}


def test_a_csv_without_a_text_column_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,body\n1,hello\n")
    _, summary = read(path)
    assert "no 'text' column" in reasons(summary)[str(path)]


def test_a_folder_is_read_recursively_in_name_order_without_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second report.")
    (tmp_path / "a.txt").write_text("First report.")
    (tmp_path / ".hidden.txt").write_text("Not a report.")
    docs, summary = read(tmp_path)
    assert [d.text for d in docs] == ["First report.", "Second report."]
    assert summary.skipped == []


def test_stdin_is_read_and_its_format_sniffed(monkeypatch):
    line = '{"id": "s1", "text": "Clashes in Daraa."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    (doc,) = list(read_input("-"))
    assert doc.external_id == "s1" and doc.origin == "<stdin>:1"


def test_the_same_text_read_twice_is_the_same_document(tmp_path):
    (tmp_path / "a.txt").write_text("Clashes  in Hasakah.\n")
    (tmp_path / "b.txt").write_text("Clashes in\tHasakah.")
    (a,), _ = read(tmp_path / "a.txt")
    (b,), _ = read(tmp_path / "b.txt")
    assert a.id == b.id


# -- bad input: named, counted, and the rest of the batch goes on ------------------------------------

@pytest.fixture
def bad_inputs(tmp_path) -> dict[str, Path]:
    files = {
        "binary": (tmp_path / "image.txt", bytes(range(256)) * 4),
        "latin1": (tmp_path / "latin1.txt", "Clashes in Hasaké".encode("latin-1")),
        "empty": (tmp_path / "empty.txt", b"  \n\n "),
        "html": (tmp_path / "broken.html", b"<<<>>> <<< nothing here"),
        "rss": (tmp_path / "broken.rss", b"<?xml version='1.0'?><rss><channel><item><title>x</titl"),
        "json": (tmp_path / "broken.jsonl", b'{"text": "unterminated\n'),
    }
    for path, data in files.values():
        path.write_bytes(data)
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:                     # 51 MB, sparse: refused before it is read
        f.truncate(51 * 1024 * 1024)
    return {name: path for name, (path, _) in files.items()} | {"huge": big}


def test_bad_inputs_are_skipped_with_reasons_and_the_batch_goes_on(bad_inputs):
    good = DATA / "report.txt"
    docs, summary = read(*bad_inputs.values(), good, DATA / "missing.txt")
    assert [d.origin for d in docs] == [str(good)]
    skipped = reasons(summary)
    assert "binary" in skipped[str(bad_inputs["binary"])]
    assert "not valid UTF-8" in skipped[str(bad_inputs["latin1"])] and "iconv" in skipped[str(bad_inputs["latin1"])]
    assert "empty" in skipped[str(bad_inputs["empty"])]
    assert "malformed HTML" in skipped[str(bad_inputs["html"])]
    assert "malformed feed" in skipped[str(bad_inputs["rss"])]
    assert "invalid JSON" in skipped[f"{bad_inputs['json']}:1"]
    assert "too large (51.0 MB" in skipped[str(bad_inputs["huge"])]
    assert skipped[str(DATA / "missing.txt")] == "no such file or folder"
    assert len(summary.skipped) == 8 and summary.read == 1


def test_the_size_limit_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("KHARITA_MAX_TEXT_MB", "0.001")
    path = tmp_path / "a.txt"
    path.write_text("x" * 2000)
    with pytest.raises(InputError, match="KHARITA_MAX_TEXT_MB"):
        list(read_input(path))


def test_a_record_with_too_much_text_is_refused(monkeypatch):
    monkeypatch.setenv("KHARITA_MAX_TEXT_MB", "0.0001")
    from kharita.ingest.normalize import make_document

    with pytest.raises(InputError, match="too large"):
        make_document("x:1", "word " * 100)


# -- normalisation --------------------------------------------------------------------------------

def test_clean_text_normalises_space_newlines_and_control_characters():
    assert clean_text("  A\u00a0 b\r\n\r\n\r\n\r\nc\x07d \t\n") == "A b\n\ncd"
    assert clean_text("Hesek\u0065\u0302") == "Hesekê"           # NFC


@pytest.mark.parametrize(("value", "expected"), [
    ("2015-07-09", dt.date(2015, 7, 9)),
    ("Thu, 09 Jul 2015 10:00:00 GMT", dt.date(2015, 7, 9)),
    ("9 July 2015", dt.date(2015, 7, 9)),
    (dt.datetime(2015, 7, 9, 23, 0), dt.date(2015, 7, 9)),
    ("not a date", None),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_language_guess():
    assert guess_language("The fighters of the YPG took control of the road to Hool.") == "en"
    assert guess_language("Les combattants ont pris le contrôle de la route.") == "und"
    assert guess_language("1234 5678") == "und"


def test_sniff_and_html_fragments():
    assert sniff("  <?xml version='1.0'?><rss>") == "feed"
    assert sniff("<!DOCTYPE html><html>") == "html"
    assert sniff('{"text": "x"}') == "jsonl"
    assert sniff("Plain words.") == "text"
    assert html_to_text("<p>One &amp; two</p><script>x()</script><p>Three</p>").split() == ["One", "&", "two", "Three"]


def test_a_copied_folder_of_all_formats_reads_every_good_record(tmp_path):
    shutil.copytree(DATA, tmp_path / "in")
    docs, summary = read(tmp_path / "in")
    assert len(docs) == 9 and summary.read == 9
    assert len(summary.skipped) == 5


def test_a_corpus_file_of_any_size_streams_with_the_limit_per_record(tmp_path, monkeypatch):
    monkeypatch.setenv("KHARITA_MAX_TEXT_MB", "0.001")          # 1 kB per report
    lines = [json.dumps({"id": f"r{i}", "text": f"Report {i} on clashes in Homs."}) for i in range(100)]
    lines[50] = json.dumps({"id": "big", "text": "word " * 400})
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 1024 * 4
    docs, summary = read(path)
    assert len(docs) == 99 and "big" not in {d.external_id for d in docs}
    (where, reason), = summary.skipped
    assert where == f"{path}:51" and "too large" in reason


def test_a_bad_line_in_a_streamed_file_is_named_and_the_rest_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "First."}\n'
                     b'{"id": "b", "text": "Caf\xe9 in latin-1."}\n'
                     b'{"id": "c", "text": "Third."}\n')
    docs, summary = read(path)
    assert [d.external_id for d in docs] == ["a", "c"]
    assert list(reasons(summary)) == [f"{path}:2"] and "not valid UTF-8" in summary.skipped[0][1]


def test_a_csv_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"id,text\n1,Fine.\n2,Caf\xe9.\n")
    docs, summary = read(path)
    (where, reason), = summary.skipped
    assert where.startswith(str(path)) and "not valid UTF-8" in reason
