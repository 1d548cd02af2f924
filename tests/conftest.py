"""Shared fixtures. The store fixture runs each test on SQLite and on the real PostgreSQL server.

PostgreSQL is not optional: when 127.0.0.1:5432 cannot be reached, the postgres tests FAIL with
a message that says how to start it; they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from click.testing import CliRunner

PG_SERVER = os.environ.get("KHARITA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PG_HELP = (
    "PostgreSQL is needed for the store tests (user postgres, trust auth, database test) at {url}: {error}\n"
    "Start it: `sudo service postgresql start` (Debian: `apt-get install postgresql`), or "
    "`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`, "
    "or point KHARITA_TEST_PG at another server."
)


def _admin_connection(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(PG_HELP.format(url=url, error=str(exc).strip()), pytrace=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, dropped at the end."""
    name = f"kharita_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _admin_connection(PG_SERVER) as admin:
        for (stale,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kharita_test_%'"):
            pid = stale.split("_")[2]                     # left by a test session that was killed
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connection(PG_SERVER) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty schema in the session's database for one test: its URL selects it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _admin_connection(pg_url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg_url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with _admin_connection(pg_url) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'kharita.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    """An open, empty, migrated Store on each backend."""
    from kharita.store import Store

    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
