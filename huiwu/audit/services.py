"""Recording audit entries. Every service that changes state calls `record`."""

from __future__ import annotations

from typing import Any

from huiwu.core.middleware import current_request_id

from .models import AuditEntry


def record(
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
    """Write one audit entry; `actor` may be a user, None (system) or an anonymous user."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if event is None and venue is not None:
        event = venue.event_id and venue.event
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else "system"),
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
