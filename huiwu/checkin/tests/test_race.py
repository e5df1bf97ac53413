"""Twenty doors scan one code at the same instant: one arrival, nineteen "already" (SQLite and PostgreSQL).

Real threads with their own connections, released together by a barrier, against a committed
database (transaction=True). CI runs this file on both databases (HUIWU_DATABASE_URL).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from huiwu.checkin import services
from huiwu.checkin.models import CheckIn
from huiwu.receipts.models import Attendee

from .conftest import declare_clean, make_attendee

DOORS = 20


@pytest.fixture
def race_event(transactional_db):
    """The demo event with the seed's rules, committed (the regional units are loaded again, since
    a transactional test empties every table afterwards)."""
    import importlib

    from django.apps import apps

    from huiwu.admission.services import apply_preset
    from huiwu.events.services import load_demo_event

    importlib.import_module("huiwu.events.migrations.0002_regional_units").load(apps, None)
    event = load_demo_event()
    apply_preset(event, "seed")
    return event


def _race(target, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_doors_one_arrival(race_event):
    venue = race_event.venues.get(code="110000")
    person = make_attendee(venue, "王立")
    declare_clean(person)
    code = services.code_for(person)
    results = _race(lambda i: services.scan(race_event, code, venue=venue, device=f"door-{i}").status, DOORS)
    assert sorted(map(str, results)) == ["already"] * (DOORS - 1) + ["ok"], results
    assert CheckIn.objects.filter(attendee=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_batches_racing_count_each_person_once(race_event):
    venue = race_event.venues.get(code="110000")
    people = [make_attendee(venue, f"代表{i}") for i in range(20)]
    for p in people:
        declare_clean(p)
    codes = [services.code_for(p) for p in people]

    def sync(i: int):
        items = [{"code": c, "nonce": f"d{i}-{j}"} for j, c in enumerate(codes)]
        return [r.status for r in services.scan_batch(race_event, items, venue=venue, device=f"door-{i}")]

    results = _race(sync, 4)
    assert all(isinstance(r, list) for r in results), results
    oks = sum(r.count("ok") for r in results)
    assert oks == 20 and sum(r.count("already") for r in results) == 60
    assert CheckIn.objects.filter(venue=venue).count() == 20
    assert Attendee.objects.filter(venue=venue).count() == 20
