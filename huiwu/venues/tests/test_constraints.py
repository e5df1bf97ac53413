"""Invariants live in the database: these inserts must fail even when no form is involved."""

import pytest
from django.db import IntegrityError, transaction

from huiwu.events.models import Unit
from huiwu.venues.models import Venue


def _fails(**kw):
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(**kw)


def test_one_main_venue_per_event(demo_event):
    _fails(event=demo_event, kind="main", code="main", name="另一个主会场", capacity=10)


def test_unique_code_per_event(demo_event):
    _fails(event=demo_event, kind="branch", code="110000", name="重复", capacity=10)


def test_capacity_positive(demo_event):
    demo_event.venues.filter(code="110000").delete()
    _fails(event=demo_event, kind="branch", code="110000", name="零容量", capacity=0)


def test_branch_code_is_six_digit_region(demo_event):
    _fails(event=demo_event, kind="branch", code="beijing", name="x", capacity=5)
    _fails(event=demo_event, kind="branch", code="main", name="x", capacity=5)


def test_unit_region_code_unique_and_six_digits(db):
    # a region has one unit per authority (name), not two of one name
    Unit.objects.create(name="北京市卫生健康委员会", region_code="110000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="北京市教育委员会", region_code="110000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="坏代码", region_code="11")


def test_event_must_end_after_start(demo_event):
    demo_event.ends_at = demo_event.starts_at
    with pytest.raises(IntegrityError), transaction.atomic():
        demo_event.save()


def test_regional_units_loaded_in_official_order(db):
    from huiwu.events.services import regional_units

    units = regional_units()
    assert len(units) == 37
    assert units[0].region_code == "110000" and units[0].name == "北京市教育委员会"
    assert [u.region_code for u in units[31:]] == ["210200", "370200", "330200", "350200", "440300", "660000"]
    assert units[-1].name == "新疆生产建设兵团教育局"
