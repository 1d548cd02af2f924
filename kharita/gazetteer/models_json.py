"""Place and Toponym as plain JSON-ready dicts (for `kharita geoparse --format jsonl` and the API)."""

from __future__ import annotations

from kharita.models import Place, Toponym


def place_dict(place: Place) -> dict[str, object]:
    return {
        "id": place.key, "name": place.name, "country": place.country_code, "lat": place.lat,
        "lon": place.lon, "admin1": place.admin1, "admin2": place.admin2,
        "precision": int(place.precision), "geonameid": place.geonameid, "wof_id": place.wof_id,
        "feature": f"{place.feature_class}.{place.feature_code}", "population": place.population,
        "approximate": place.approximate, "source": place.source,
    }


def toponym_dict(toponym: Toponym) -> dict[str, object]:
    return {
        "start": toponym.start, "end": toponym.end, "text": toponym.text, "score": toponym.score,
        "cue": toponym.cue, "relation": toponym.relation,
        "place": place_dict(toponym.place) if toponym.place is not None else None,
    }
