"""The PostgreSQL backend skips the per-request health check of a connection used a moment ago and
keeps it for one that sat idle (the case it exists for)."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

connection = connections["default"]
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")


@pytest.fixture
def health_checks(monkeypatch):
    monkeypatch.setattr(connection, "health_check_enabled", True)
    checks = []
    real = type(connection).__mro__[1].is_usable

    def counted(self):
        checks.append(1)
        return real(self)

    monkeypatch.setattr(type(connection), "is_usable", counted)
    return checks


def _new_request() -> None:
    connection.health_check_done = False  # what Django does when a request starts


def test_a_busy_connection_is_not_checked_before_each_request(db, health_checks):
    from huiwu.core.pgbackend import base

    assert isinstance(connection, base.DatabaseWrapper)
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    for _ in range(3):
        _new_request()
        with CaptureQueriesContext(connection), connection.cursor() as cur:
            cur.execute("SELECT 2")
    assert health_checks == []


def test_an_idle_connection_is_checked(db, health_checks, monkeypatch):
    from huiwu.core.pgbackend import base

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    monkeypatch.setattr(base, "RECENTLY", 0.0)
    _new_request()
    with connection.cursor() as cur:
        cur.execute("SELECT 2")
    assert health_checks == [1]
