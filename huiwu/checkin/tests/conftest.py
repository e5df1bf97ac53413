"""Check-in fixtures: the demo event with the seed's rules, a few people at Beijing and the main venue,
a door account per venue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huiwu.receipts.models import Attendee


@pytest.fixture(autouse=True)
def _fresh(settings):
    """Fast password hashing; keys and seats kept in memory belong to the test that made them."""
    from huiwu.checkin import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    services.purge_keys_for_tests()
    yield
    services.purge_keys_for_tests()


def make_attendee(venue, name, *, phone="", order=0, unit="测试单位", position="代表"):
    return Attendee.objects.create(event=venue.event, venue=venue, name=name, unit=unit, position=position,
                                   phone=phone, order=order, filed_by_unit=venue.host_unit)


def declare_clean(attendee, **over):
    """A declaration that meets the seed's rules at the attendee's venue."""
    from huiwu.admission.services import submit_declaration

    event = attendee.event
    answers = {"symptoms": "no", "risk_area_contact": "no", "risk_area_stay": "no"}
    if attendee.venue.kind == "main":
        answers.update({"health_code": "green", "itinerary_code_ok": "yes", "returned_from_travel": "no"})
    answers.update(over)
    del event
    return submit_declaration(attendee, answers)


@pytest.fixture
def seeded(demo_event):
    from huiwu.admission.services import apply_preset

    apply_preset(demo_event, "seed")
    return demo_event


@pytest.fixture
def beijing(seeded):
    return seeded.venues.get(code="110000")


@pytest.fixture
def shanghai(seeded):
    return seeded.venues.get(code="310000")


@pytest.fixture
def people(beijing):
    """Three declared, eligible people at Beijing."""
    out = [make_attendee(beijing, n, phone=p, order=i) for i, (n, p) in
           enumerate([("王立", "13800001111"), ("李娜", "13900002222"), ("张伟", "13700003333")], start=1)]
    for a in out:
        declare_clean(a)
    return out


@pytest.fixture
def door_bj(make_user, beijing):
    return make_user("door_bj", "door", venue=beijing)


@pytest.fixture
def door_sh(make_user, shanghai):
    return make_user("door_sh", "door", venue=shanghai)


def before_start(event, minutes: int):
    return event.starts_at - timedelta(minutes=minutes)
