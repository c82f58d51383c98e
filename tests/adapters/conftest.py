"""Fixtures for the adapter tests: the brain is loaded once; the fake API per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotAPI]:
    """A fake Bot API on loopback, one per test module."""
    with FakeBotAPI() as api:
        yield api


@pytest.fixture(scope="module")
def updates() -> Updates:
    """Update builder with unique ids."""
    return Updates()
