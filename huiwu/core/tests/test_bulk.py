"""core.bulk: row values without a model instance give what saving the instance would."""

from datetime import UTC, datetime

import pytest

from huiwu.audit.models import AuditEntry
from huiwu.checkin.models import CheckIn
from huiwu.core.bulk import insert_values, row_values

pytestmark = pytest.mark.django_db


def _without(values: tuple, model, *names: str) -> tuple:
    """The values but `names` (set to now by each call), JSON adapters by what they hold (they do not compare)."""
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return tuple(getattr(v, "obj", v) for a, v in zip(fields, values, strict=True) if a not in names)


def test_row_values_match_an_instances_insert_values():
    given = {"action": "checkin.scan", "actor_label": "门岗", "event_id": 3, "venue_id": 7,
             "object_type": "checkin.checkin", "after": {"attendee": 9, "late": False, "名": "张三"}, "ip": "10.0.0.1"}
    assert _without(row_values(AuditEntry, given), AuditEntry, "at") == \
        _without(insert_values(AuditEntry(**given)), AuditEntry, "at")
    at = datetime(2026, 12, 3, 1, 40, tzinfo=UTC)
    arrival = {"event_id": 1, "venue_id": 2, "attendee_id": 3, "at": at, "late": True, "verdict": "eligible",
               "nonce": "n1", "by_id": None}
    assert _without(row_values(CheckIn, arrival), CheckIn, "received_at") == \
        _without(insert_values(CheckIn(**arrival)), CheckIn, "received_at")


def test_row_values_fill_defaults_and_the_time_and_refuse_unknown_fields():
    values = dict(zip([f.attname for f in CheckIn._meta.concrete_fields if not f.primary_key],
                      row_values(CheckIn, {"event_id": 1, "venue_id": 2, "attendee_id": 3, "at": datetime.now(UTC)}),
                      strict=True))
    assert values["late"] is False and values["device"] == "" and values["by_id"] is None
    assert values["received_at"] is not None  # auto_now_add: now, as a save would
    with pytest.raises(TypeError, match="colour"):
        row_values(CheckIn, {"event_id": 1, "colour": "red"})
