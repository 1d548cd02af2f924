"""Every command reads what `kharita run` reads (issue 13): `geoparse`, `classify` and `eval --docs`
take files, folders, stdin and URLs, in text, HTML, RSS/Atom, JSON Lines and CSV, through the
same readers, and name each report by its document id and external id. `kharita eval` scores
certainty beside the levels.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from kharita.cli import main
from kharita.evaluate import evaluate
from kharita.ingest.readers import read_inputs

pytestmark = pytest.mark.issue(13)

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed"
#: JSON Lines as exporters write it: non-ASCII letters as \\u escapes (ş is \\u015f, ê is \\u00ea).
CORPUS = (
    '{"id": "r1", "published": "2015-07-09", "text": "YPG fighters took Maruf village east of Hesek\\u00ea."}\n'
    '{"id": "r2", "text": "Clashes were reported in Qami\\u015flo and in Raqqa."}\n'
)


@pytest.fixture
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(CORPUS, encoding="utf-8")
    return path


def mentions(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_geoparse_reads_json_lines_as_documents_with_spans_in_each_documents_text(runner, corpus):
    result = runner.invoke(main, ["geoparse", str(corpus), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    docs = {d.id: d for d in read_inputs([corpus])}
    rows = mentions(result.output)
    assert [(r["external_id"], r["text"]) for r in rows] == [
        ("r1", "Maruf"), ("r1", "Hesekê"), ("r2", "Qamişlo"), ("r2", "Raqqa")]
    for row in rows:
        doc = docs[row["document_id"]]
        assert doc.external_id == row["external_id"]
        assert doc.text[row["start"]:row["end"]] == row["text"]        # the span is in its own report
    assert rows[2]["place"]["name"] == "al-Qamishli" and rows[1]["relation"] == "east of"


def test_geoparse_text_output_heads_each_report(runner, corpus):
    result = runner.invoke(main, ["geoparse", str(corpus)])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.output.splitlines() if line.startswith("# ")]
    assert [h.split()[1] for h in heads] == ["r1", "r2"] and "2 mention(s)" in heads[0]


def test_geoparse_reads_folders_of_every_format_and_stdin(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Shells fell on Raqqa.", encoding="utf-8")
    (folder / "b.html").write_text("<html><body><article><p>Fighting went on in Mosul for a third day, "
                                   "residents said.</p></article></body></html>", encoding="utf-8")
    (folder / "c.csv").write_text("id,text\nc1,Protesters gathered in Qamishli.\n", encoding="utf-8")
    (folder / "d.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>f1</guid>'
        "<title>Hasakah</title><description>Clashes in Hasakah.</description></item></channel></rss>",
        encoding="utf-8")
    result = runner.invoke(main, ["geoparse", str(folder), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    found = {r["text"] for r in mentions(result.output)}
    assert {"Raqqa", "Mosul", "Qamishli", "Hasakah"} <= found
    assert {r["external_id"] for r in mentions(result.output) if r["text"] == "Qamishli"} == {"c1"}
    piped = runner.invoke(main, ["geoparse", "-", "--format", "jsonl"], input=CORPUS)
    assert [r["text"] for r in mentions(piped.output)] == ["Maruf", "Hesekê", "Qamişlo", "Raqqa"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_geoparse_reads_a_url(runner, corpus):
    handler = functools.partial(QuietHandler, directory=str(corpus.parent))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/corpus.jsonl"
            result = runner.invoke(main, ["geoparse", url, "--format", "jsonl"])
        finally:
            server.shutdown()
    assert result.exit_code == 0, result.output
    assert [r["external_id"] for r in mentions(result.stdout)] == ["r1", "r1", "r2", "r2"]


def test_an_unreadable_input_is_named_and_the_others_are_read(runner, corpus, tmp_path):
    result = runner.invoke(main, ["geoparse", str(tmp_path / "missing.txt"), str(corpus), "--format", "jsonl"])
    assert result.exit_code == 0
    assert f"skipped {tmp_path / 'missing.txt'}: no such file or folder" in result.stderr
    assert len(mentions(result.stdout)) == 4


@pytest.mark.slow
def test_classify_reads_inputs_and_names_each_report(runner, tmp_path):
    corpus = tmp_path / "snippets.jsonl"
    corpus.write_text('{"id": "r1", "text": "Turkish drones struck a car near Qamishli, killing two fighters."}\n'
                      '{"id": "r2", "text": "Police arrested 12 people in Raqqa."}\n', encoding="utf-8")
    result = runner.invoke(main, ["classify", "--json", str(corpus)])
    assert result.exit_code == 0, result.output
    rows = mentions(result.stdout)
    assert {(r["external_id"], r["sub_event_type"]) for r in rows} >= {("r1", "Air/drone strike"), ("r2", "Arrests")}
    assert all(len(r["document_id"]) == 16 for r in rows)
    text = runner.invoke(main, ["classify", str(corpus), "It rained."])
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0].startswith("# r1 ") and lines[-1] == "no event" and lines[-2].startswith("# <argument>")


def test_eval_runs_on_several_inputs_of_any_kind(runner, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(json.loads((SEED / "report.jsonl").read_text(encoding="utf-8"))["text"], encoding="utf-8")
    gold = str(SEED / "gold.jsonl")
    one = runner.invoke(main, ["eval", "--gold", gold, "--docs", str(SEED / "report.jsonl"),
                               "--extractor", "minimal", "--format", "json"])
    assert one.exit_code == 0, one.output
    two = runner.invoke(main, ["eval", "--gold", gold, "--docs", str(SEED / "report.jsonl"), "--docs", "-",
                               "--extractor", "minimal", "--format", "json"], input=report.read_text(encoding="utf-8"))
    assert two.exit_code == 0, two.output
    # the same report twice (a record and plain text from stdin) is one document: the same events
    assert json.loads(two.stdout)["predicted"] == json.loads(one.stdout)["predicted"] > 0


# -- certainty ---------------------------------------------------------------------------------------

PLACES = {"Raqqa": ("ar-Raqqah", 35.95, 39.01), "Mosul": ("Nineveh", 36.33, 43.12),
          "Qamishli": ("al-Hasakah", 37.05, 41.23), "Homs": ("Homs", 34.73, 36.71)}


def at(place: str, **fields: object) -> dict:
    admin1, lat, lon = PLACES[place]
    return {"sub_event_type": "Armed clash", "actor1": "Islamic State", "location": place, "admin1": admin1,
            "latitude": lat, "longitude": lon, **fields}


def test_eval_scores_certainty_over_the_matched_pairs():
    gold = [at("Raqqa", id="g1", date="2016-03-01", certainty="reported"),
            at("Mosul", id="g2", date="2016-03-01", certainty="claimed"),
            at("Qamishli", id="g3", date="2016-03-01"),                        # states none: not scored
            at("Homs", id="g4", date="2016-03-01", certainty="unconfirmed")]   # not found: not scored
    pred = [at("Raqqa", event_id="p1", event_date="2016-03-01", certainty="reported"),
            at("Mosul", event_id="p2", event_date="2016-03-01", certainty="reported"),
            at("Qamishli", event_id="p3", event_date="2016-03-01", certainty="claimed")]
    report = evaluate(gold, pred, resolver=None, actors=Same())
    assert (report.certainty.pairs, report.certainty.agree) == (2, 1)
    assert report.certainty.confusion == (("claimed", "reported", 1),)
    assert report.to_dict()["certainty"] == {"pairs": 2, "agree": 1, "accuracy": 0.5,
                                             "confusion": [{"gold": "claimed", "predicted": "reported", "pairs": 1}]}
    assert "certainty: 1/2 L1 pair(s) agree (50%); gold claimed coded reported: 1" in report.table()


class Same:
    def is_same(self, a: str | None, b: str | None) -> bool:
        return a == b
