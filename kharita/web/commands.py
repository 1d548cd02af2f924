"""`kharita serve`: the API and the map on uvicorn."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
from typing import Any

import click

from kharita.errors import KharitaError

#: Seconds uvicorn keeps an idle connection open.
KEEP_ALIVE_S = 75


@click.command("serve")
@click.option("--db", envvar="KHARITA_DB", default=None, metavar="PATH|URL",
              help="SQLite file or postgresql:// URL to serve (env KHARITA_DB).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--tile-url", envvar="KHARITA_TILE_URL", default=None, metavar="URL",
              help="Tile server for an online base map, e.g. https://tile.example.org/{z}/{x}/{y}.png "
                   "(env KHARITA_TILE_URL). Without it the map draws its own offline base layer.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes; more than one answers reads on several cores at once.")
def serve(db: str | None, host: str, port: int, tile_url: str | None, workers: int) -> None:
    """Serve the JSON API (/api, docs at /docs) and the map (/) over a store.

    Read-only unless KHARITA_TOKEN is set; then POST /api/reports ingests a report sent with
    'Authorization: Bearer <token>'."""
    import uvicorn

    from kharita.web import vendor
    from kharita.web.app import create_app

    try:
        app = create_app(db=db, tile_url=tile_url)
    except KharitaError as exc:
        raise click.ClickException(str(exc)) from exc
    if vendor.missing():
        click.echo("warning: the map's JS libraries are missing; run `npm ci && python -m kharita.web.vendor`"
                   " (the API works without them)", err=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    mode = "accepting reports (KHARITA_TOKEN set)" if app.state.token else "read-only"
    click.echo(f"kharita map: http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs, {mode})")
    # Clients slowed by load reuse kept-alive connections long after uvicorn's 5 s default would
    # have closed them: 75 s (bench/api_under_write.py) gives no connection errors under 500 clients.
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)
        return
    # each worker process builds its own app (and store connections) from the same settings
    if db is not None:
        os.environ["KHARITA_DB"] = db
    if tile_url is not None:
        os.environ["KHARITA_TILE_URL"] = tile_url
    app.state.store.close()
    if port and hasattr(socket, "SO_REUSEPORT"):
        serve_reusing_port(host, port, workers)
        return
    uvicorn.run("kharita.web.app:create_app", factory=True, workers=workers, host=host, port=port,
                log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)


def serve_reusing_port(host: str, port: int, workers: int) -> None:
    """`workers` processes, each listening on a socket of its own on the same port (SO_REUSEPORT),
    so that the kernel spreads the connections over them. On uvicorn's one shared socket the first
    process to wake accepts every connection waiting: 8 kept-alive clients came to 8/0, 7/1 or 6/2
    of 2 processes (bench/api_load.py, issue 12), and one process served them on one core while
    the other waited."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(host, port), name=f"kharita-serve-{i}") for i in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, _frame: Any) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()


def _worker(host: str, port: int) -> None:
    """One server process: the app from the environment's settings on its own SO_REUSEPORT socket."""
    import uvicorn

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    config = uvicorn.Config("kharita.web.app:create_app", factory=True, log_level="warning",
                            timeout_keep_alive=KEEP_ALIVE_S)
    uvicorn.Server(config).run(sockets=[sock])
