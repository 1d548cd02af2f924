"""`kharita serve`: the API and the map on uvicorn."""

from __future__ import annotations

import os

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
    uvicorn.run("kharita.web.app:create_app", factory=True, workers=workers, host=host, port=port,
                log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)
