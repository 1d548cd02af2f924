"""kharita.evaluate and `kharita eval`: matching levels, one-to-one pairs, optional gold, must-nots."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kharita.errors import EvalError
from kharita.evaluate import (
    MustNot,
    distance_km,
    evaluate,
    evaluate_files,
    read_gold,
    same_fatalities,
)
from kharita.models import Actor, Event, Evidence, Place, Source
from kharita.ontology import ActorType, GeoPrecision, SubEventType

HASAKAH = (36.5024, 40.7477)
NEAR_HASAKAH = (36.55, 40.80)       # about 7 km away
QAMISHLI = (37.0522, 41.2317)       # about 75 km away


def gold(id: str, **fields: Any) -> dict[str, Any]:
    base = {"id": id, "sub_event_type": "Armed clash", "actor1": "YPG: People's Protection Units",
            "actor2": "Islamic State", "location": "al-Hasakah", "admin1": "al-Hasakah", "geo_precision": 1,
            "date": "2015-07-09", "time_precision": 1, "fatalities": None, "required": True,
            "latitude": HASAKAH[0], "longitude": HASAKAH[1]}
    base.update(fields)
    return base


def pred(id: str, at: tuple[float, float] = HASAKAH, **fields: Any) -> dict[str, Any]:
    base = {"event_id": id, "sub_event_type": "Armed clash", "actor1": "YPG", "actor2": "ISIS",
            "location": "Somewhere", "admin1": "al-Hasakah", "latitude": at[0], "longitude": at[1],
            "event_date": "2015-07-09", "time_precision": 1, "fatalities": None, "geo_precision": 1}
    base.update(fields)
    return base


def score(gold_records: list[dict[str, Any]], preds: list[Any], **kwargs: Any):  # type: ignore[no-untyped-def]
    return evaluate(gold_records, preds, resolver=None, **kwargs)


def prf(report, level: str) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    s = report.levels[level]
    return round(s.precision, 3), round(s.recall, 3), round(s.f1, 3)


# -- the levels ------------------------------------------------------------------------------------

def test_a_perfect_prediction_matches_at_every_level() -> None:
    report = score([gold("g1")], [pred("p1")])
    for level in ("L1", "L2", "L3"):
        assert prf(report, level) == (1.0, 1.0, 1.0)
    assert report.levels["L3"].pairs == (("g1", "p1"),)
    assert report.extras == ()


def test_actors_are_compared_after_alias_resolution() -> None:
    report = score([gold("g1", actor1="Military Forces of Syria", actor2=None)],
                   [pred("p1", actor1="Military Forces of Syria (2000-)", actor2=None),
                    pred("p2", actor1="Syrian Arab Army", actor2=None)])
    assert report.levels["L2"].tp == 1 and report.levels["L2"].fp == 1     # one-to-one


def test_wrong_actor_fails_l2_but_not_l1() -> None:
    report = score([gold("g1")], [pred("p1", actor1="Islamic State", actor2="YPG")])
    assert prf(report, "L1") == (1.0, 1.0, 1.0)
    assert prf(report, "L2") == (0.0, 0.0, 0.0)
    assert report.levels["L2"].missed == ("g1",)


def test_a_missing_or_extra_actor2_fails_l2() -> None:
    assert score([gold("g1")], [pred("p1", actor2=None)]).levels["L2"].tp == 0
    assert score([gold("g1", actor2=None)], [pred("p1")]).levels["L2"].tp == 0


def test_sub_event_type_must_be_the_same() -> None:
    report = score([gold("g1")], [pred("p1", sub_event_type="Air/drone strike")])
    assert report.levels["L1"].tp == 0 and report.extras == ("p1",)


def test_place_radius_follows_the_gold_precision() -> None:
    near = pred("p1", at=NEAR_HASAKAH)
    assert 5 < distance_km(*HASAKAH, *NEAR_HASAKAH) < 10
    assert score([gold("g1", geo_precision=1)], [near]).levels["L1"].tp == 1
    far = pred("p2", at=QAMISHLI)
    assert score([gold("g1", geo_precision=2)], [far]).levels["L1"].tp == 0
    assert score([gold("g1", geo_precision=2)], [pred("p3", at=(36.70, 40.75))]).levels["L1"].tp == 1   # ~22 km


def test_precision_three_compares_admin1() -> None:
    g = gold("g1", geo_precision=3, location="Deir ez-Zor", admin1="Deir ez-Zor", latitude=None, longitude=None)
    assert score([g], [pred("p1", admin1="Deir ez-Zor Governorate", location="Mayadin")]).levels["L1"].tp == 1
    assert score([g], [pred("p2", admin1="al-Hasakah", location="Hasakah")]).levels["L1"].tp == 0


def test_names_match_without_coordinates_and_districts_match_by_their_part() -> None:
    g = gold("g1", location="al-Hasakah - Nashwa", latitude=None, longitude=None)
    assert score([g], [pred("p1", location="al-Hasakah - Nashwa", latitude=None, longitude=None)]).levels["L1"].tp == 1
    assert score([g], [pred("p2", location="Nashwa", latitude=None, longitude=None)]).levels["L1"].tp == 1
    assert score([g], [pred("p3", location="Ghuwayran", latitude=None, longitude=None)]).levels["L1"].tp == 0


def test_date_window_follows_time_precision() -> None:
    late = pred("p1", event_date="2015-07-12")
    assert score([gold("g1", time_precision=1)], [late]).levels["L3"].tp == 0
    assert score([gold("g1", time_precision=2)], [late]).levels["L3"].tp == 1
    assert score([gold("g1", time_precision=3)], [pred("p2", event_date="2015-07-24")]).levels["L3"].tp == 1
    assert score([gold("g1", time_precision=3)], [pred("p3", event_date="2015-07-26")]).levels["L3"].tp == 0


def test_fatalities_within_twenty_percent_and_null_only_matches_null() -> None:
    assert same_fatalities(30, 25) and same_fatalities(30, 36) and not same_fatalities(30, 23)
    assert same_fatalities(None, None) and not same_fatalities(None, 0) and not same_fatalities(7, None)
    report = score([gold("g1", fatalities=30)], [pred("p1", fatalities=20)])
    assert report.levels["L2"].tp == 1 and report.levels["L3"].tp == 0


# -- counting --------------------------------------------------------------------------------------

def test_matching_is_one_to_one_and_maximal() -> None:
    # p1 fits both gold events, p2 only g1: the best matching pairs g1-p2 and g2-p1.
    golds = [gold("g1"), gold("g2", sub_event_type="Armed clash", location="Maruf", latitude=36.53, longitude=40.80)]
    preds = [pred("p1", at=(36.52, 40.78)), pred("p2", at=HASAKAH, location="al-Hasakah")]
    golds[0]["geo_precision"] = 2
    report = score(golds, preds)
    assert report.levels["L1"].tp == 2 and report.levels["L1"].fp == 0


def test_duplicates_count_as_false_positives() -> None:
    report = score([gold("g1")], [pred("p1"), pred("p2"), pred("p3")])
    assert prf(report, "L1") == (0.333, 1.0, 0.5)
    assert len(report.extras) == 2


def test_optional_gold_is_neither_a_miss_nor_a_false_positive() -> None:
    golds = [gold("g1"), gold("g2", required=False, sub_event_type="Air/drone strike")]
    assert prf(score(golds, [pred("p1")]), "L2") == (1.0, 1.0, 1.0)
    with_optional = score(golds, [pred("p1"), pred("p2", sub_event_type="Air/drone strike")])
    assert prf(with_optional, "L2") == (1.0, 1.0, 1.0)
    assert with_optional.levels["L2"].optional_matched == 1
    assert with_optional.required == 1 and with_optional.gold == 2


def test_a_required_gold_event_takes_precedence_over_an_optional_one() -> None:
    golds = [gold("opt", required=False), gold("req")]
    report = score(golds, [pred("p1")])
    assert report.levels["L2"].pairs == (("req", "p1"),)
    assert report.levels["L2"].tp == 1


def test_nothing_predicted_gives_zero_precision_and_recall() -> None:
    report = score([gold("g1")], [])
    assert prf(report, "L1") == (0.0, 0.0, 0.0)
    assert report.levels["L1"].fn == 1


# -- must-nots and geocoding -----------------------------------------------------------------------

def test_must_nots_are_reported_when_produced() -> None:
    rules = [
        {"sub_event_type": "Government regains territory", "location": "al-Hasakah - Nashwa", "why": "negated"},
        {"location_in_text": "Napalm", "why": "a weapon"},
        {"location_in_text": "Hasakah", "entity": "PERSON", "why": "never a person"},
    ]
    bad = [pred("p1", sub_event_type="Government regains territory", location="al-Hasakah - Nashwa"),
           pred("p2", location="Napalm"),
           pred("p3", actor1="Hasakah")]
    report = score([gold("g1")], bad, must_not=rules)
    hit = {(m.why, pid) for m, pid in report.must_not_hits}
    assert hit == {("negated", "p1"), ("a weapon", "p2"), ("never a person", "p3")}
    clean = score([gold("g1")], [pred("p4", location="al-Hasakah")], must_not=rules)
    assert clean.must_not_hits == () and clean.must_not_total == 3


def test_location_evidence_counts_for_a_must_not() -> None:
    event = Event(
        event_id="e1", sub_event_type=SubEventType.AIR_DRONE_STRIKE, event_date=dt.date(2015, 7, 9),
        actor1=Actor("Military Forces of Syria (2000-)", ActorType.STATE_FORCES, "SY"),
        place=Place("Abyad", "SY", 36.6, 40.6, GeoPrecision.PLACE),
        sources=(Source("d1", evidence=(Evidence("location", 10, 16, "Napalm"),)),),
    )
    report = score([gold("g1")], [event], must_not=[MustNot({"location_in_text": "Napalm"}, "a weapon")])
    assert [pid for _, pid in report.must_not_hits] == ["e1"]


def test_geocoding_distances_pair_events_of_the_same_type_and_actor() -> None:
    report = score([gold("g1"), gold("g2", actor1="Islamic State", actor2=None)],
                   [pred("p1", at=NEAR_HASAKAH), pred("p2", at=QAMISHLI, actor1="ISIS", actor2=None)])
    geo = report.geocoding
    assert geo.pairs == 2 and geo.within_10km == 0.5 and geo.within_161km == 1.0
    assert 35 < geo.mean_km < 45 and geo.gold_resolved == 2
    assert geo.same_geonameid is None


def test_geocoding_counts_the_same_geonames_id_when_gold_gives_one() -> None:
    report = score([gold("g1", geonameid=170794), gold("g2", actor1="Islamic State", actor2=None, geonameid=170794)],
                   [pred("p1", geonameid=170794), pred("p2", actor1="ISIS", actor2=None, geonameid=173971)])
    assert report.geocoding.same_geonameid == 0.5
    assert "50% the gold's GeoNames id" in report.table()


def test_a_resolver_gives_gold_places_coordinates() -> None:
    g = gold("g1", location="Tal Tamr", latitude=None, longitude=None)
    points = {"Tal Tamr": (36.65, 40.37)}
    report = evaluate([g], [pred("p1", at=(36.66, 40.38))], resolver=lambda name, admin1: points.get(name))
    assert report.levels["L1"].tp == 1 and report.geocoding.gold_resolved == 1
    assert evaluate([g], [pred("p1", at=(36.66, 40.38))], resolver=None).levels["L1"].tp == 0


# -- input errors, files, output -------------------------------------------------------------------

def test_bad_records_raise_eval_errors_that_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="lacks actor1"):
        score([gold("g1", actor1="")], [])
    with pytest.raises(EvalError, match="not an ACLED sub-event type"):
        score([gold("g1", sub_event_type="Skirmish")], [])
    with pytest.raises(EvalError, match="not YYYY-MM-DD"):
        score([gold("g1", date="July 9")], [])
    broken = tmp_path / "gold.jsonl"
    broken.write_text('{"id": "g1"}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"gold.jsonl:2: not JSON"):
        read_gold(broken)


def test_files_pick_up_must_not_beside_the_gold(tmp_path: Path) -> None:
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold("g1")) + "\n", encoding="utf-8")
    (tmp_path / "must_not.jsonl").write_text(json.dumps({"location_in_text": "Napalm", "why": "weapon"}) + "\n",
                                             encoding="utf-8")
    report = evaluate_files(tmp_path / "gold.jsonl", [pred("p1", location="Napalm")], resolver=None)
    assert report.must_not_total == 1 and len(report.must_not_hits) == 1


def test_table_and_json_say_the_same(tmp_path: Path) -> None:
    report = score([gold("g1"), gold("g2", required=False)], [pred("p1"), pred("p2", sub_event_type="Arrests")])
    table = report.table()
    assert "L1" in table and "extras beyond gold (no L1 match): 1" in table and "must-nots hit: 0 of 0" in table
    data = json.loads(json.dumps(report.to_dict()))
    assert data["levels"]["L2"]["precision"] == 0.5 and data["extras"] == ["p2"]
    assert data["levels"]["L2"]["optional_matched"] == 0 and data["levels"]["L2"]["recall"] == 1.0


def test_cli_scores_an_export(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kharita.cli import main

    (tmp_path / "gold.jsonl").write_text(json.dumps(gold("g1")) + "\n", encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(json.dumps(pred("p1")) + "\n" + json.dumps(pred("p2")) + "\n",
                                         encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "--gold", str(tmp_path / "gold.jsonl"), "--pred",
                                  str(tmp_path / "pred.jsonl"), "--format", "json", "--no-gazetteer"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["levels"]["L1"]["tp"] == 1 and data["levels"]["L1"]["fp"] == 1
    table = runner.invoke(main, ["eval", "--gold", str(tmp_path / "gold.jsonl"), "--pred",
                                 str(tmp_path / "pred.jsonl"), "--no-gazetteer"])
    assert table.exit_code == 0 and "precision" in table.output
    neither = runner.invoke(main, ["eval", "--gold", str(tmp_path / "gold.jsonl")])
    assert neither.exit_code == 2 and "exactly one of --docs" in neither.output


def test_docs_mode_scores_what_the_pipeline_stores(tmp_path: Path) -> None:
    from kharita import pipeline
    from kharita.evaluate import predict_documents
    from kharita.store import Store

    report_file = tmp_path / "reports.jsonl"
    report_file.write_text(json.dumps({
        "id": "r1", "published": "2015-07-09", "outlet": "Test",
        "text": "YPG fighters clashed with ISIS in Hasakah on Thursday. Regime forces shelled Ebyad village."}) + "\n",
        encoding="utf-8")
    with Store.open(tmp_path / "direct.db") as store:
        pipeline.run([str(report_file)], store, merge=False, extractor=pipeline.default_extractor("minimal"))
        direct = sorted(e.event_id for e in store.iter_events())
    predicted = predict_documents(report_file, extractor="minimal")
    assert direct and sorted(e.event_id for e in predicted) == direct


def test_the_seed_gold_scores_perfectly_against_itself_written_with_aliases() -> None:
    seed = Path(__file__).resolve().parents[1] / "examples" / "seed"
    spelled = {"YPG: People's Protection Units": "YPG/YPJ", "Islamic State": "ISIS",
               "Military Forces of Syria": "Military Forces of Syria (2000-)", "Civilians (Syria)": "civilians",
               "Shaitat tribal militia": "Şihêtat tribe",
               "Muqannain militia (loyal to Ahmet Helle)": "forces loyal to Ahmet Helle"}
    golds = read_gold(seed / "gold.jsonl")
    preds = [pred(f"p{i}", at=(0.0, 0.0), sub_event_type=g.sub_event_type, actor1=spelled[g.actor1],
                  actor2=spelled.get(g.actor2) if g.actor2 else None, location=g.location, admin1=g.admin1,
                  event_date=g.date.isoformat(), fatalities=g.fatalities)
             for i, g in enumerate(golds)]
    report = evaluate_files(seed / "gold.jsonl", preds, resolver=None)
    for level in ("L1", "L2", "L3"):
        assert prf(report, level) == (1.0, 1.0, 1.0)
        assert report.levels[level].optional_matched == 4
    assert report.must_not_hits == () and report.must_not_total == 4 and report.extras == ()
