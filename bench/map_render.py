"""Issue 6: time to first render of the map in Chromium with 10k events.

"First render" is the moment the page marks itself ready: base layer drawn, every event fetched
(GeoJSON pages of 5,000), clustered onto the map, listed, and the timeline and control layer
drawn. Measured from navigation start (performance.now() in the page) and from the test's side
(goto -> ready), median of several fresh page loads; the baseline is the same page over an empty
store, in the same run.

    .venv/bin/python bench/map_render.py [--events 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_load import bulk_load, machine, serve  # noqa: E402

from kharita.store import Store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def measure(browser, url: str, runs: int) -> tuple[float, float, int, float, float]:  # type: ignore[no-untyped-def]
    """Medians of: in-page ms to ready, wall ms goto -> ready, then how many events it shows, and
    medians of the ms spent fetching the events (API pages) and drawing them (clusters, list, timeline)."""
    in_page, wall, fetch, draw, shown = [], [], [], [], 0
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        wall.append(1000 * (time.perf_counter() - t0))
        in_page.append(page.evaluate("() => window.kharita.readyMs"))
        timings = page.evaluate("() => window.kharita.timings")
        fetch.append(timings["fetchMs"])
        draw.append(timings["renderMs"])
        shown = int(page.get_attribute("#status", "data-shown"))
        context.close()
    return (statistics.median(in_page), statistics.median(wall), shown, statistics.median(fetch),
            statistics.median(draw))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kharita-bench"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.workdir.mkdir(parents=True, exist_ok=True)
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("machine:", machine())
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print("browser:", "Chromium", browser.version)
        for n in (0, args.events):
            db = args.workdir / f"map_render_{n}.db"
            db.unlink(missing_ok=True)
            store = Store.open(db)
            if n:
                bulk_load(store, n)
            store.close()
            proc, url = serve(str(db))
            try:
                results[n] = measure(browser, url, args.runs)
            finally:
                proc.terminate()
                proc.wait(10)
            in_page, wall, shown, fetch, draw = results[n]
            print(f"  {n:>6} events: first render {in_page:.0f} ms after navigation start "
                  f"(goto->ready {wall:.0f} ms; fetching the events {fetch:.0f} ms, drawing them {draw:.0f} ms), "
                  f"{shown} events shown; median of {args.runs}")
        browser.close()
    base, big = results[0][0], results[args.events][0]
    print(f"  ratio {args.events} events / empty store: x{big / base:.2f} ({big - base:.0f} ms for the events)")


if __name__ == "__main__":
    main()
