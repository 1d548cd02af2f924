"""Issue 11 point 5: the API under 500 concurrent clients while `kharita run` writes into the same store.

For each backend (SQLite file, PostgreSQL database) it
  seeds    a fresh store with the first --seed reports of the corpus (`kharita run`), so reads find data;
  baseline starts `kharita serve` on 127.0.0.1 and drives --clients concurrent clients (asyncio +
           httpx, in --procs processes, one connection each) at /api/events, /api/control and
           /api/stats for --seconds, with no writer;
  write    does the same again while `kharita run` ingests the rest of the corpus into the same
           store, shard after shard (each run ends with a control refresh), until the window ends.
It prints the command, the machine, and per backend and phase: requests, 5xx, other errors,
connection errors, timeouts, p50/p95/p99 per route and overall, what the writer stored, lines
of the server's log that say "database is locked", and the ratios write/baseline.

Bounded: every phase stops at --seconds or at --max-requests, whichever comes first; the server
listens on loopback only and the clients talk to nothing else. The target is 0 5xx and 0
connection errors.

    .venv/bin/python bench/api_under_write.py                              # 60 s, 500 clients, both backends
    .venv/bin/python bench/api_under_write.py --seconds 30 --backends sqlite

The corpus is bench/corpus.py's (seed, re3d and CASE-2021 variants) when ../shared/evaldata is there
(or --data), else variants of the reports in examples/ and tests/data/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (bench/corpus.py)
from api_load import machine  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_DB = "kharita_bench_under_write"
LOOPBACK = "127.0.0.1"
BOX = (35.5, 32.0, 48.0, 38.5)               # Syria and Iraq: minlon minlat maxlon maxlat
FIRST_DAY, LAST_DAY = dt.date(2014, 1, 1), dt.date(2020, 12, 31)
MAP_FIELDS = "event_date,event_type,sub_event_type,location,actor1,actor2,certainty"
DATA = ROOT / "tests" / "data"
REPO_REPORTS = [ROOT / "examples" / "seed" / "report.jsonl", DATA / "scenario" / "reports.jsonl",
                DATA / "ingest" / "reports.jsonl", *sorted((DATA / "scale").glob("*.jsonl"))]
ROUTES = ("events", "control", "stats")


# -- the corpus -----------------------------------------------------------------------------------

def repo_templates() -> list[corpus.Template]:
    """The reports kept in this repository, as corpus templates (used when evaldata is absent)."""
    out = []
    for path in REPO_REPORTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and str(rec.get("text") or "").strip():
                out.append(corpus.Template(rec["text"], rec.get("title") or "", rec.get("outlet") or "",
                                           rec.get("url") or "", "repo"))
    return out


def records(n: int, data: Path) -> list[dict[str, Any]]:
    """`n` distinct short reports: bench/corpus.py's when its data is there, else repo variants."""
    if (data / "re3d").is_dir() and (data / "case2021-task2").is_dir():
        return list(corpus.generate(n, data=data))
    templates, rng = repo_templates(), random.Random(11)
    out = []
    for i in range(n):
        t = templates[i % len(templates)]
        dateline = f"{rng.choice(corpus.PLACES)}, {rng.choice(corpus._MONTHS)} {rng.randint(1, 28)} (wire {i}) – "
        published = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
        out.append({"id": f"uw-{i:06d}", "title": t.title or None, "outlet": t.outlet or None,
                    "url": f"https://example.org/uw/{i}", "published": published.isoformat(),
                    "text": dateline + corpus.vary(t, rng)})
    return out


def write_shards(recs: list[dict[str, Any]], folder: Path, size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shards = []
    for k in range(0, len(recs), size):
        path = folder / f"shard-{k // size:04d}.jsonl"
        lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in recs[k:k + size])
        path.write_text("".join(lines), encoding="utf-8")
        shards.append(path)
    return shards


# -- the clients ------------------------------------------------------------------------------------

def request_plan(seed: int, count: int) -> list[tuple[str, str, dict[str, str]]]:
    """(route, path, params): map-like event queries (a 2x2 degree box and a 90-day window, or the
    map's own geojson page), control on a random day, and the stats, in turn."""
    rng = random.Random(seed)
    plan = []
    span = (LAST_DAY - FIRST_DAY).days
    for i in range(count):
        route = ROUTES[i % 3]
        if route == "events":
            lon, lat = rng.uniform(BOX[0], BOX[2] - 2), rng.uniform(BOX[1], BOX[3] - 2)
            since = FIRST_DAY + dt.timedelta(days=rng.randrange(span - 90))
            params = ({"bbox": f"{lon:.3f},{lat:.3f},{lon + 2:.3f},{lat + 2:.3f}", "since": since.isoformat(),
                       "until": (since + dt.timedelta(days=89)).isoformat(), "limit": "100"} if rng.random() < 0.5
                      else {"format": "geojson", "fields": MAP_FIELDS, "limit": "500"})
            plan.append((route, "/api/events", params))
        elif route == "control":
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
            plan.append((route, "/api/control", {"date": day.isoformat()}))
        else:
            plan.append((route, "/api/stats", {}))
    return plan


async def _drive(url: str, seconds: float, clients: int, seed: int, max_requests: int,
                 timeout: float) -> dict[str, Any]:
    import httpx

    plan = request_plan(seed, 3000)
    latencies: dict[str, list[float]] = {r: [] for r in ROUTES}
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    examples: dict[str, str] = {}
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        deadline = time.perf_counter() + seconds

        async def client(k: int) -> None:
            nonlocal sent
            i = k
            while time.perf_counter() < deadline and sent < max_requests:
                route, path, params = plan[i % len(plan)]
                i += clients
                sent += 1
                t0 = time.perf_counter()
                try:
                    response = await http.get(path, params=params)
                    await response.aread()
                except httpx.TimeoutException as exc:
                    errors["timeout"] += 1
                    examples.setdefault("timeout", repr(exc))
                    continue
                except httpx.TransportError as exc:
                    errors["connection"] += 1
                    examples.setdefault("connection", repr(exc))
                    continue
                latencies[route].append(time.perf_counter() - t0)
                statuses[str(response.status_code)] += 1
                if response.status_code >= 400:
                    examples.setdefault(str(response.status_code), response.text[:300])

        t0 = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(clients)))
        elapsed = time.perf_counter() - t0
    return {"latencies": latencies, "statuses": dict(statuses), "errors": dict(errors), "examples": examples,
            "elapsed": elapsed}


def drive(args: tuple[str, float, int, int, int, float]) -> dict[str, Any]:
    """One client process: `clients` concurrent connections for `seconds` (or `max_requests`)."""
    return asyncio.run(_drive(*args))


def load(url: str, seconds: float, clients: int, procs: int, max_requests: int, timeout: float) -> dict[str, Any]:
    """Split the clients over `procs` processes and merge what they saw."""
    share = [clients // procs + (1 if k < clients % procs else 0) for k in range(procs)]
    jobs = [(url, seconds, n, 1000 + k, max_requests // procs, timeout) for k, n in enumerate(share) if n]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(drive, jobs)
    merged: dict[str, Any] = {"latencies": {r: [] for r in ROUTES}, "statuses": Counter(), "errors": Counter(),
                              "examples": {}, "elapsed": max(p["elapsed"] for p in parts)}
    for part in parts:
        for route, values in part["latencies"].items():
            merged["latencies"][route].extend(values)
        merged["statuses"].update(part["statuses"])
        merged["errors"].update(part["errors"])
        for k, v in part["examples"].items():
            merged["examples"].setdefault(k, v)
    return merged


# -- the server and the writer ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class Server:
    """`kharita serve` on 127.0.0.1 in a subprocess; its log goes to a file, read at the end."""

    def __init__(self, db: str, log: Path, keep_alive: float | None = None) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.log = log
        self.handle = log.open("w")
        env = {k: v for k, v in os.environ.items() if k != "KHARITA_TOKEN"}
        command = [sys.executable, "-m", "kharita", "serve", "--db", db, "--host", LOOPBACK,
                   "--port", str(self.port)]
        if keep_alive is not None:
            # the app `kharita serve` builds, on the same uvicorn, with only the keep-alive timeout changed
            command = [sys.executable, "-c", "import sys, uvicorn; from kharita.web.app import create_app; "
                       "uvicorn.run(create_app(db=sys.argv[1]), host=sys.argv[2], port=int(sys.argv[3]), "
                       "log_level='warning', timeout_keep_alive=float(sys.argv[4]))",
                       db, LOOPBACK, str(self.port), str(keep_alive)]
        self.proc = subprocess.Popen(command, stdout=self.handle, stderr=subprocess.STDOUT, cwd=ROOT, env=env)

    def __enter__(self) -> "Server":
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/api/stats", timeout=60)
                return self
            except httpx.TransportError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kharita serve did not start: {self.log.read_text()[-2000:]}") from None
                time.sleep(0.3)

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(30)
        self.handle.close()

    def log_counts(self) -> dict[str, int]:
        text = self.log.read_text(errors="replace")
        return {"database is locked": text.count("database is locked"), "Traceback": text.count("Traceback"),
                "QueuePool limit": text.count("QueuePool limit")}


class Writer(threading.Thread):
    """`kharita run` over the shards, one after another, until stopped (the one running is then
    ended: its report in progress is rolled back, as a killed run's is)."""

    def __init__(self, db: str, shards: list[Path], extractor: str, log: Path) -> None:
        super().__init__(daemon=True)
        self.db, self.shards, self.extractor, self.log = db, shards, extractor, log
        self.stop = threading.Event()
        self.exit_codes: list[int] = []
        self.proc: subprocess.Popen | None = None

    def run(self) -> None:
        with self.log.open("w") as handle:
            for shard in self.shards:
                if self.stop.is_set():
                    return
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "kharita", "run", str(shard), "--db", self.db, "--silent",
                     "--extractor", self.extractor], stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
                while self.proc.poll() is None:
                    if self.stop.wait(0.2):
                        self.proc.terminate()
                        self.proc.wait(30)
                        return
                self.exit_codes.append(self.proc.returncode)

    def finish(self) -> None:
        self.stop.set()
        self.join(60)


def run_kharita(db: str, shards: list[Path], extractor: str) -> None:
    for shard in shards:
        done = subprocess.run([sys.executable, "-m", "kharita", "run", str(shard), "--db", db, "--silent",
                               "--extractor", extractor], cwd=ROOT, capture_output=True, text=True)
        if done.returncode not in (0, 3):
            raise RuntimeError(f"kharita run {shard} failed ({done.returncode}): {done.stderr[-2000:]}")


def fresh_store(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        path = workdir / "under_write.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return str(path)
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"


def counts(db: str) -> tuple[int, int]:
    from kharita.store import Store

    with Store.open(db) as store:
        return store.count_documents(), store.count_events()


# -- reporting --------------------------------------------------------------------------------------

def quantiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)

    def at(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return 1000 * statistics.median(ordered), at(0.95), at(0.99)


def report(label: str, result: dict[str, Any], server_log: dict[str, int]) -> dict[str, float]:
    statuses, errors = result["statuses"], result["errors"]
    total = sum(statuses.values()) + sum(errors.values())
    five = sum(n for code, n in statuses.items() if code.startswith("5"))
    four = sum(n for code, n in statuses.items() if code.startswith("4"))
    everything = [v for values in result["latencies"].values() for v in values]
    p50, p95, p99 = quantiles(everything)
    rps = total / result["elapsed"]
    print(f"  {label}: {total} requests in {result['elapsed']:.1f} s ({rps:.0f}/s); 5xx {five}, 4xx {four}, "
          f"connection errors {errors.get('connection', 0)}, timeouts {errors.get('timeout', 0)}; "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    for route in ROUTES:
        r50, r95, r99 = quantiles(result["latencies"][route])
        print(f"    /api/{route:<8} {len(result['latencies'][route]):>6} answered  p50 {r50:.0f} ms, "
              f"p95 {r95:.0f} ms, p99 {r99:.0f} ms")
    print(f"    server log: {server_log}")
    for kind, example in result["examples"].items():
        print(f"    first {kind}: {example[:300]}")
    return {"rps": rps, "p50": p50, "p95": p95, "p99": p99}


def run_backend(backend: str, recs: list[dict[str, Any]], args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"kharita-under-write-{backend}-", dir=args.workdir))
    db = fresh_store(backend, args.workdir)
    seed_shards = write_shards(recs[:args.seed], workdir / "seed", args.shard_size)
    write_shards_ = write_shards(recs[args.seed:], workdir / "write", args.shard_size)
    t0 = time.perf_counter()
    run_kharita(db, seed_shards, args.extractor)
    docs, events = counts(db)
    print(f"\n[{backend}] seeded with {docs} reports, {events} events in {time.perf_counter() - t0:.0f} s "
          f"({args.extractor} extractor); {len(recs) - args.seed} reports left for the writer")
    bounds = (args.seconds, args.clients, args.procs, args.max_requests, args.timeout)
    with Server(db, workdir / "serve-baseline.log", args.keep_alive) as server:
        base = report("baseline, no writer", load(server.url, *bounds), server.log_counts())
    with Server(db, workdir / "serve-write.log", args.keep_alive) as server:
        writer = Writer(db, write_shards_, args.extractor, workdir / "writer.log")
        before = counts(db)
        writer.start()
        time.sleep(1.0)                         # the writer is past its start-up and writing
        try:
            loaded = load(server.url, *bounds)
        finally:
            writer.finish()
        after = counts(db)
        under = report("under write", loaded, server.log_counts())
    writer_log = (workdir / "writer.log").read_text(errors="replace")
    print(f"    writer: {after[0] - before[0]} reports and {after[1] - before[1]} events stored during the "
          f"window ({(after[0] - before[0]) / args.seconds:.1f} reports/s), {len(writer.exit_codes)} runs "
          f"finished (exit codes {sorted(set(writer.exit_codes))}), 'database is locked' in its log "
          f"{writer_log.count('database is locked')}x, failed reports {writer_log.count(' failed: ')}")
    print(f"  ratio write/baseline: p50 x{under['p50'] / base['p50']:.2f}, p95 x{under['p95'] / base['p95']:.2f}, "
          f"p99 x{under['p99'] / base['p99']:.2f}, throughput x{under['rps'] / base['rps']:.2f}")
    print(f"  logs in {workdir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (baseline, write)")
    parser.add_argument("--clients", type=int, default=500, help="concurrent clients, one connection each")
    parser.add_argument("--procs", type=int, default=2, help="client processes the clients are spread over")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="stop a phase after this many")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a request counts as timed out")
    parser.add_argument("--reports", type=int, default=4000, help="corpus size (seed + writer)")
    parser.add_argument("--seed", type=int, default=500, help="reports stored before the clients start")
    parser.add_argument("--shard-size", type=int, default=250, help="reports per `kharita run` of the writer")
    parser.add_argument("--extractor", default="minimal", choices=("minimal", "coder"),
                        help="the writer's extractor; minimal (default) writes fastest: "
                             "the hardest case for readers")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep-alive", type=float, default=None, metavar="SECONDS",
                        help="serve the same app with uvicorn's keep-alive timeout at SECONDS instead of through "
                             "`kharita serve` (uvicorn's default, 5 s, closes connections that clients slowed by "
                             "load are about to reuse: connection errors)")
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="shared/evaldata, for the corpus")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kharita-bench"))
    args = parser.parse_args()
    if not 1 <= args.clients <= 2000 or not 1 <= args.procs <= 16 or args.seconds <= 0 or args.seconds > 600:
        parser.error("bounded load only: 1-2000 clients, 1-16 processes, at most 600 s a phase")
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("machine:", machine())
    server = (f"uvicorn with timeout_keep_alive={args.keep_alive:g} s" if args.keep_alive is not None
              else "`kharita serve`")
    print(f"server: {server} on {LOOPBACK}; {args.clients} clients in {args.procs} processes, "
          f"{args.seconds:g} s a phase; writer: `kharita run --extractor {args.extractor}`, "
          f"{args.shard_size} reports a run")
    recs = records(args.reports, args.data)
    source = "bench/corpus.py over " + str(args.data) if (args.data / "re3d").is_dir() else "repository reports"
    words = sum(len(str(r["text"]).split()) for r in recs)
    print(f"corpus: {len(recs)} reports, {words / len(recs):.0f} words each on average ({source})")
    for backend in args.backends.split(","):
        run_backend(backend, recs, args)


if __name__ == "__main__":
    main()
