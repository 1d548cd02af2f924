"""Exports: ACLED CSV in ACLED's column order, GeoJSON that geopandas opens, JSON Lines that read
back into the same Events, Parquet that pandas opens."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from kharita.errors import ExportError
from kharita.export import export, write_csv, write_geojson, write_jsonl
from kharita.models import Actor, Event, Evidence, Place, Source, Territory
from kharita.ontology import ActorType, Certainty, SubEventType
from kharita.record import ACLED_COLUMNS, COLUMNS, KHARITA_COLUMNS, from_record

ACLED_ORDER = (  # ACLED's export, as its codebook lists it
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
    "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region country "
    "admin1 admin2 admin3 location latitude longitude geo_precision source source_scale notes fatalities "
    "tags timestamp").split()


def make_events() -> list[Event]:
    src = Source("d1", external_id="anf-1", url="http://example.org/1", outlet="ANF", published=dt.date(2015, 7, 9),
                 evidence=(Evidence("trigger", 10, 17, "clashes"), Evidence("location", 21, 28, "Hasakah")),
                 fatalities=12)
    first = Event(
        "kh-1", SubEventType.ARMED_CLASH, dt.date(2015, 7, 9),
        Actor("Islamic State", ActorType.REBEL_GROUP, "SY"),
        Place("al-Hasakah", "SY", 36.5024, 40.7477, geonameid=173811, admin1="al-Hasakah"),
        actor2=Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY"),
        fatalities=12, fatalities_low=12, fatalities_best=15, fatalities_high=30, sources=(src,),
        notes='Clashes, "heavy"; 12 dead', timestamp=1436400000,
    )
    second = Event(
        "kh-2", SubEventType.NON_VIOLENT_TRANSFER, dt.date(2015, 7, 10),
        Actor("Islamic State", ActorType.REBEL_GROUP, "SY"),
        Place("al-Hasakah - Panorama", "SY", 36.48, 40.76, approximate=True, source="alias:test"),
        certainty=Certainty.CLAIMED, territory=Territory("al-Hasakah - Panorama", "Islamic State"),
        sources=(dataclasses.replace(src, fatalities=None),),
    )
    return [first, second]


def test_the_acled_csv_starts_with_acleds_31_columns_in_acleds_order():
    out = io.StringIO()
    assert write_csv(make_events(), out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header = rows[0]
    assert header[:31] == ACLED_ORDER == list(ACLED_COLUMNS)
    assert header[31:] == list(KHARITA_COLUMNS)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert records[0]["event_date"] == "2015-07-09" and records[0]["fatalities"] == "12"
    assert records[0]["notes"] == 'Clashes, "heavy"; 12 dead'
    assert records[1]["fatalities"] == "" and records[1]["territory_new_controller"] == "Islamic State"
    assert json.loads(records[0]["sources"])[0]["external_id"] == "anf-1"


def test_json_lines_carry_the_whole_record_and_read_back():
    out = io.StringIO()
    write_jsonl(make_events(), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert list(lines[0]) == list(COLUMNS)
    source = lines[0]["sources"][0]
    assert source["external_id"] == "anf-1" and source["outlet"] == "ANF" and source["published"] == "2015-07-09"
    assert source["evidence"][1] == {"field": "location", "start": 21, "end": 28, "text": "Hasakah"}
    assert [from_record(line) for line in lines] == make_events()


def test_geojson_opens_in_geopandas(tmp_path):
    import geopandas

    path = tmp_path / "events.geojson"
    assert export(make_events(), "geojson", path) == 2
    frame = geopandas.read_file(path)
    assert len(frame) == 2
    assert list(frame["event_id"]) == ["kh-1", "kh-2"]
    assert frame.geometry.x.tolist() == [40.7477, 40.76] and frame.geometry.y.tolist() == [36.5024, 36.48]
    assert frame.loc[0, "sub_event_type"] == "Armed clash"


def test_parquet_opens_in_pandas(tmp_path):
    import pandas as pd

    path = tmp_path / "events.parquet"
    assert export(make_events(), "parquet", path) == 2
    frame = pd.read_parquet(path)
    assert list(frame.columns) == list(COLUMNS)
    assert frame["fatalities"].tolist()[0] == 12 and pd.isna(frame["fatalities"].tolist()[1])
    assert frame["event_date"].tolist() == [dt.date(2015, 7, 9), dt.date(2015, 7, 10)]
    assert json.loads(frame.loc[0, "sources"])[0]["document_id"] == "d1"


@pytest.mark.parametrize("fmt", ["acled-csv", "geojson", "jsonl", "parquet"])
def test_an_empty_export_is_still_a_valid_file(tmp_path, fmt):
    path = tmp_path / f"empty.{fmt}"
    assert export([], fmt, path) == 0
    if fmt == "geojson":
        assert json.loads(path.read_text()) == {"type": "FeatureCollection", "features": []}
    elif fmt == "acled-csv":
        assert path.read_text().splitlines() == [",".join(COLUMNS)]
    elif fmt == "parquet":
        import pandas as pd

        assert list(pd.read_parquet(path).columns) == list(COLUMNS)
    else:
        assert path.read_text() == ""


def test_geojson_streams_to_a_text_stream():
    out = io.StringIO()
    write_geojson(make_events()[:1], out)
    data = json.loads(out.getvalue())
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [40.7477, 36.5024]}
    assert data["features"][0]["properties"]["sources"][0]["evidence"][0]["text"] == "clashes"


def test_bad_formats_and_destinations_are_named(tmp_path):
    with pytest.raises(ExportError, match="acled-csv, geojson, jsonl, parquet"):
        export([], "xlsx", tmp_path / "x")
    with pytest.raises(ExportError, match="does not exist"):
        export([], "jsonl", tmp_path / "missing" / "x.jsonl")


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

def with_undated() -> list[Event]:
    """The two events and a third whose report gave no date at all."""
    first, second = make_events()
    return [first, second, dataclasses.replace(first, event_id="kh-3", event_date=None)]


@pytest.mark.issue(10)
def test_an_unknown_date_is_an_empty_acled_csv_cell():
    out = io.StringIO()
    write_csv(with_undated(), out)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    undated = records[2]
    assert (undated["event_date"], undated["year"], undated["time_precision"]) == ("", "", "")
    assert undated["sub_event_type"] == "Armed clash" and records[0]["event_date"] == "2015-07-09"


@pytest.mark.issue(10)
def test_an_unknown_date_is_null_in_json_lines_and_geojson():
    out = io.StringIO()
    write_jsonl(with_undated(), out)
    line = json.loads(out.getvalue().splitlines()[2])
    assert (line["event_date"], line["year"], line["time_precision"]) == (None, None, None)
    assert from_record(line).event_date is None
    out = io.StringIO()
    write_geojson(with_undated(), out)
    props = json.loads(out.getvalue())["features"][2]["properties"]
    assert (props["event_date"], props["year"], props["time_precision"]) == (None, None, None)


@pytest.mark.issue(10)
def test_an_unknown_date_is_null_in_a_parquet_date_column(tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    export(with_undated(), "parquet", path)
    frame = pd.read_parquet(path)
    assert frame["event_date"].tolist()[:2] == [dt.date(2015, 7, 9), dt.date(2015, 7, 10)]
    assert all(pd.isna(frame[column][2]) for column in ("event_date", "year", "time_precision"))
    assert frame["year"].tolist()[:2] == [2015, 2015]
    export(with_undated()[2:], "parquet", path)           # every date unknown: still a date column
    assert str(pq.read_schema(path).field("event_date").type) == "date32[day]"
