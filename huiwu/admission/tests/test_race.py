"""Two (or more) replacements racing for one place: exactly one wins, on SQLite and PostgreSQL.

Real threads with their own database connections, released together by a barrier, against a
committed database (transaction=True), like pretix's concurrency tests. CI runs this file on
both databases (HUIWU_DATABASE_URL).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from huiwu.admission import services
from huiwu.admission.models import Replacement
from huiwu.core.errors import ApiError
from huiwu.receipts.models import Attendee

from .conftest import clean_answers, make_attendee

RACERS = 8


@pytest.fixture
def race_event(transactional_db):
    """The demo event with the seed's rules in a committed database.

    A transactional test empties every table afterwards, the regional units of the data migration
    too, so they are loaded again here."""
    import importlib

    from django.apps import apps

    from huiwu.events.services import load_demo_event

    importlib.import_module("huiwu.events.migrations.0002_regional_units").load(apps, None)
    event = load_demo_event()
    services.apply_preset(event, "seed")
    return event


def _race(target, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except ApiError as exc:
            results[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False], ids=["venue-lock", "no-venue-lock"])
def test_replacements_racing_for_one_place(race_event, settings, lock):
    """With or without the venue lock, the conditional status change lets exactly one through."""
    settings.HUIWU_CAPACITY_LOCK = lock
    venue = race_event.venues.get(code="110000")
    venue.capacity = 5
    venue.save()
    for i in range(4):
        make_attendee(venue, f"在场{'甲乙丙丁'[i]}")
    old = make_attendee(venue, "欧阳锋")
    services.submit_declaration(old, clean_answers(race_event, symptoms="yes"))

    def replace(i: int):
        return services.replace_attendee(old, {"name": f"替补{'一二三四五六七八'[i]}号", "unit": "北京市教委",
                                               "phone": f"1390000{i:04d}"})

    results = _race(replace, RACERS)
    winners = [r for r in results if isinstance(r, Attendee)]
    losers = [r for r in results if isinstance(r, ApiError)]
    assert len(winners) == 1, results
    assert len(losers) == RACERS - 1 and {e.code for e in losers} == {"conflict"}, results
    assert Attendee.objects.filter(venue=venue, status="active").count() == 5
    assert Attendee.objects.filter(replaces=old).count() == 1
    assert Replacement.objects.get(replaced=old).replacement == winners[0]


@pytest.mark.django_db(transaction=True)
def test_different_replacements_at_a_full_venue_all_fit(race_event):
    """Each replacement frees the place it takes: at a full venue every one of them succeeds."""
    venue = race_event.venues.get(code="310000")
    venue.capacity = RACERS
    venue.save()
    olds = []
    for i in range(RACERS):
        a = make_attendee(venue, f"原{'一二三四五六七八'[i]}号")
        services.submit_declaration(a, clean_answers(race_event, risk_area_stay="yes"))
        olds.append(a)

    def replace(i: int):
        return services.replace_attendee(olds[i], {"name": f"新{'一二三四五六七八'[i]}号", "unit": "上海市教委"})

    results = _race(replace, RACERS)
    assert all(isinstance(r, Attendee) for r in results), results
    assert Attendee.objects.filter(venue=venue, status="active").count() == RACERS
    assert Replacement.objects.filter(venue=venue).count() == RACERS
