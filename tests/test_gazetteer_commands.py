"""`kharita gazetteer build|lookup` and `kharita geoparse`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kharita.cli import main

DATA = Path(__file__).parent / "data" / "geonames"


def test_build_then_lookup_with_near_and_country(tmp_path):
    for name in ("SY.txt", "cities-world.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    out = tmp_path / "g.sqlite"
    runner = CliRunner()
    built = runner.invoke(main, ["gazetteer", "build", str(tmp_path), "--no-aliases", "-o", str(out)])
    assert built.exit_code == 0, built.output
    assert "16 places" in built.output and out.is_file()  # 12 rows and 4 admin1 divisions
    found = runner.invoke(main, ["gazetteer", "lookup", "Hamra", "--near", "Hesekê", "--country", "SY",
                                 "--gazetteer", str(out), "--format", "jsonl"])
    assert found.exit_code == 0, found.output
    rows = [json.loads(line) for line in found.output.splitlines()]
    assert rows[0]["id"] == "gn:8017722" and rows[0]["score"] >= rows[-1]["score"]
    text = runner.invoke(main, ["gazetteer", "lookup", "Paris", "--gazetteer", str(out)])
    assert text.output.splitlines()[0].split()[2] == "gn:2988507"


def test_lookup_of_an_unknown_near_place_is_a_usage_error():
    result = CliRunner().invoke(main, ["gazetteer", "lookup", "Hamra", "--near", "Blorptown Heights"])
    assert result.exit_code == 2 and "not in the gazetteer" in result.output


def test_build_of_a_missing_source_names_the_fix(tmp_path):
    result = CliRunner().invoke(main, ["gazetteer", "build", str(tmp_path / "nope.zip"), "-o",
                                       str(tmp_path / "x.sqlite")])
    assert result.exit_code == 1 and "No such source" in result.output


def test_geoparse_prints_every_mention_as_jsonl(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("YPG fighters took Maruf village east of Hesekê. Napalm bombs fell.", encoding="utf-8")
    result = CliRunner().invoke(main, ["geoparse", str(report), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == ["Maruf", "Hesekê"]
    assert rows[0]["cue"] == "village" and rows[0]["place"]["admin1"] == "al-Hasakah"
    assert rows[1]["relation"] == "east of" and rows[1]["place"]["precision"] == 2
    assert rows[1]["start"] == report.read_text(encoding="utf-8").index("Hesekê")
