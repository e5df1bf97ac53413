"""Recording audit entries. Every service that changes state calls `record`."""

from __future__ import annotations

from typing import Any

from huiwu.core.bulk import insert_objects
from huiwu.core.middleware import current_request_id

from .models import AuditEntry


def entry(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    event: Any = None,
    venue: Any = None,
    obj: Any = None,
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
    note: str = "",
) -> AuditEntry:
    """An unsaved audit entry: `record` saves one, `record_many` saves a batch in one INSERT."""
    user, label = _who(actor, actor_label)
    if event is None and venue is not None:
        event = venue.event_id and venue.event
    return AuditEntry(
        action=action,
        actor=user,
        actor_label=label,
        event=event,
        venue=venue,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        before=before,
        after=after,
        request_id=current_request_id(),
        ip=ip,
        note=note[:300],
    )


def entry_values(action: str, *, actor: Any = None, event_id: int | None = None, venue_id: int | None = None,
                 object_type: str = "", object_id: str = "", after: Any = None) -> dict[str, Any]:
    """`entry` as column values by attname, for a path that inserts its entry with its own
    statement (`core.bulk.row_values`): a scan, hundreds a second, builds no model instance."""
    user, label = _who(actor, "")
    return {"action": action, "actor_id": user.pk if user else None, "actor_label": label, "event_id": event_id,
            "venue_id": venue_id, "object_type": object_type, "object_id": object_id, "after": after,
            "request_id": current_request_id()}


def _who(actor: Any, label: str) -> tuple[Any, str]:
    """The acting user (None for the system or an anonymous visitor) and the name the entry shows."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return user, label or (user.get_username() if user else "system")


def record(action: str, **fields: Any) -> AuditEntry:
    """Write one audit entry; `actor` may be a user, None (system) or an anonymous user."""
    row = entry(action, **fields)
    row.save(force_insert=True)
    return row


def record_many(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Write entries made by `entry` in one statement (a batch of filings)."""
    return insert_objects(entries)
