"""Admission fixtures: the demo event with the seed's rules and a few attendees."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huiwu.receipts.models import Attendee


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users of every role are made in many tests here; a fast hasher keeps them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(demo_event):
    from huiwu.admission.services import apply_preset

    apply_preset(demo_event, "seed")
    return demo_event


def make_attendee(venue, name, *, unit=None, phone="", order=0, filed_by_unit=None):
    return Attendee.objects.create(event=venue.event, venue=venue, name=name, unit=unit or "测试单位",
                                   position="代表", phone=phone, order=order,
                                   filed_by_unit=filed_by_unit if filed_by_unit is not None else venue.host_unit)


@pytest.fixture
def beijing(seeded):
    return seeded.venues.get(code="110000")


@pytest.fixture
def main_venue(seeded):
    return seeded.venues.get(code="main")


def clean_answers(event, *, main=False, **over):
    answers = {"symptoms": "no", "risk_area_contact": "no", "risk_area_stay": "no"}
    if main:
        sampled = (event.starts_at - timedelta(hours=20)).isoformat()
        answers.update({"health_code": "green", "itinerary_code_ok": "yes", "returned_from_travel": "yes",
                        "test_taken": "yes", "sampled_at": sampled, "result": "negative"})
    answers.update(over)
    return answers
