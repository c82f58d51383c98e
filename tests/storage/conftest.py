"""Storage tests run against SQLite and, when a server is reachable, PostgreSQL.

PostgreSQL: MIGRANT_BOT_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres);
each test gets a database of its own, dropped afterwards. Without a server the
PostgreSQL cases are skipped, visibly, with the reason; in CI (CI=1) they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio

ADMIN_URL = os.environ.get("MIGRANT_BOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _server_or_skip() -> object:
    try:
        import asyncpg

        return await asyncpg.connect(ADMIN_URL, timeout=3)
    except Exception as exc:  # no server here
        message = f"no PostgreSQL server at {ADMIN_URL} ({type(exc).__name__})"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the PostgreSQL tests")
        pytest.skip(message)


@pytest_asyncio.fixture
async def pg_url() -> AsyncIterator[str]:
    """The URL of a fresh, empty PostgreSQL database."""
    async with pg_database() as url:
        yield url


@asynccontextmanager
async def pg_database() -> AsyncIterator[str]:
    """Create a database of its own (skip when there is no server), drop it after."""
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)


async def create_pg_database() -> str:
    """A new empty database's URL (skips the test when there is no server)."""
    admin = await _server_or_skip()
    name = f"migrantbot_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    finally:
        await admin.close()  # type: ignore[attr-defined]
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def drop_pg_database(url: str) -> None:
    admin = await _server_or_skip()
    try:
        name = url.rsplit("/", 1)[1]
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
    finally:
        await admin.close()  # type: ignore[attr-defined]
