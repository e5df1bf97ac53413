"""Tenancy: the one place that decides which events, venues and attendees a user may touch.

Every page and API handler resolves its event and venue through `resolve_event` / `resolve_venue`
(or the `scoped` view decorator built on them). Whatever is outside the user's scope does not
exist for them: they get 404 and an audit entry (`tenancy.denied`), so guessing URLs or ids
leaks nothing, not even existence. Inside their scope, a role that may look but not act gets
PermissionDenied (403).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.base import ModelState
from django.http import Http404

from huiwu.events.models import Event
from huiwu.venues.models import Venue

from .models import Membership, Role

# What each role may do. Organizer: everything of its events.
PERMS: dict[str, set[str]] = {
    Role.ORGANIZER: {
        "event.view", "event.manage", "venue.view", "venue.edit", "venue.approve",
        "attendee.phone", "checkin.scan", "admission.verdict", "seating.edit",
    },
    Role.COORDINATOR: {"event.view", "venue.view", "venue.edit", "attendee.phone", "admission.verdict", "seating.edit"},
    Role.MAIN_UNIT: {"event.view", "venue.view", "venue.edit", "attendee.phone", "admission.verdict"},
    Role.DOOR: {"event.view", "venue.view", "checkin.scan", "admission.verdict"},
    Role.HEALTH: {"event.view", "venue.view", "declaration.view", "admission.verdict"},
}


class Denied(Http404):
    """Outside the user's scope: shown as 404 Not Found."""


class ReadOnly(PermissionDenied):
    """A change to an archived event: pages answer 403, the API 409 `event_archived`."""


#: methods that change nothing; anything else on an archived event is refused here, in one place
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def public_events() -> QuerySet[Event]:
    """Events anyone may see without an account (the public notice): every one but drafts."""
    return Event.objects.exclude(status=Event.Status.DRAFT)


def check_method(event: Event, request: Any) -> None:
    """An archived event is read-only for everyone: refuse any request that could change it."""
    if request is not None and event.status == Event.Status.ARCHIVED and getattr(request, "method", "GET") not in SAFE_METHODS:
        from django.utils.translation import gettext as _

        raise ReadOnly(_("“%(title)s”已归档，只能查看，不能再修改。") % {"title": event.title})


@dataclass
class Access:
    """A user's memberships, loaded once per request."""

    user: Any
    memberships: list[Membership] = field(default_factory=list)
    #: kept from an earlier request (a bearer token's few seconds): reloaded before anything is refused
    from_cache: bool = False

    @classmethod
    def for_user(cls, user: Any) -> Access:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(user=user)
        cached = getattr(user, "_huiwu_access", None)
        if cached is not None:
            return cached
        access = cls(user=user, memberships=list(Membership.objects.filter(user=user)))
        user._huiwu_access = access
        return access

    def refresh(self) -> bool:
        """Read the memberships again if they were kept from an earlier request; True when it did.

        Called before anything is refused: a role given a moment ago holds at once (a role taken away
        holds once the kept copy expires, `accounts.services.TOKEN_TTL`)."""
        if not self.from_cache:
            return False
        self.memberships = list(Membership.objects.filter(user=self.user))
        self.from_cache = False
        return True

    def sees(self, event: Event) -> bool:
        """`events()` for one event already in hand, without a query."""
        if any(m.role == Role.ORGANIZER and m.event_id is None for m in self.memberships):
            return True
        mine = {m.role for m in self.memberships if m.event_id == event.pk}
        return Role.ORGANIZER in mine or (bool(mine) and event.status != Event.Status.DRAFT)

    # -- questions --------------------------------------------------------------------------
    def _on_event(self, event: Event) -> list[Membership]:
        return [
            m for m in self.memberships
            if m.event_id == event.pk or (m.role == Role.ORGANIZER and m.event_id is None)
        ]

    def is_organizer(self, event: Event) -> bool:
        return any(m.role == Role.ORGANIZER for m in self._on_event(event))

    def organizes_any(self) -> bool:
        """An organizer somewhere: may start new events (creating one is not bound to an event)."""
        return any(m.role == Role.ORGANIZER for m in self.memberships)

    def roles(self, event: Event, venue: Venue | None = None) -> set[str]:
        """The roles that apply to `event` (and to `venue`, when given)."""
        out: set[str] = set()
        for m in self._on_event(event):
            if venue is None or m.role in (Role.ORGANIZER, Role.HEALTH) or m.venue_id == venue.pk:
                out.add(m.role)
        return out

    def can(self, perm: str, event: Event, venue: Venue | None = None) -> bool:
        if any(perm in PERMS[r] for r in self.roles(event, venue)):
            return True
        return self.refresh() and self.can(perm, event, venue)

    def unit_ids(self, event: Event, venue: Venue) -> set[int] | None:
        """Units whose attendees the user may edit at `venue`; None means all of them."""
        roles = self.roles(event, venue)
        if roles & {Role.ORGANIZER, Role.COORDINATOR}:
            return None
        return {m.unit_id for m in self._on_event(event) if m.role == Role.MAIN_UNIT and m.venue_id == venue.pk}

    # -- querysets ----------------------------------------------------------------------------
    def events(self) -> QuerySet[Event]:
        """Events the user may see; a draft exists only for its organizers (not for coordinators,
        main-venue units, door or health staff) until it is published."""
        if not self.memberships:
            return Event.objects.none()
        if any(m.role == Role.ORGANIZER and m.event_id is None for m in self.memberships):
            return Event.objects.all()
        organized = {m.event_id for m in self.memberships if m.role == Role.ORGANIZER}
        others = {m.event_id for m in self.memberships} - organized
        return Event.objects.filter(Q(pk__in=organized) | (Q(pk__in=others) & ~Q(status=Event.Status.DRAFT)))

    def venues(self, event: Event) -> QuerySet[Venue]:
        qs = Venue.objects.filter(event=event)
        roles = self.roles(event)
        if roles & {Role.ORGANIZER, Role.HEALTH}:
            return qs
        return qs.filter(pk__in={m.venue_id for m in self._on_event(event) if m.venue_id})


def _deny(user: Any, what: str, request: Any = None, event: Event | None = None) -> Denied:
    from huiwu.audit.services import record

    record(
        "tenancy.denied",
        actor=user,
        event=event,
        note=what,
        ip=getattr(request, "META", {}).get("REMOTE_ADDR") if request is not None else None,
    )
    return Denied(what)


_RECENT: dict[str, tuple[float, Event]] = {}
#: how long `resolve_event(..., recent=True)` may use an event read by an earlier request of this process
RECENT_TTL = 1.0


def clone(instance: Any) -> Any:
    """A shallow copy of a model instance kept between requests, for one request to use as its own
    (`copy.copy` goes through pickling's protocol: several times slower, and a scan does two)."""
    new = object.__new__(type(instance))
    new.__dict__ = dict(instance.__dict__)
    state = ModelState()
    state.db, state.adding = instance._state.db, False
    new.__dict__["_state"] = state
    return new


def forget_events(**_kwargs: Any) -> None:
    """Drop the events kept for scans (an event changed in this process)."""
    _RECENT.clear()


def _recent_event(slug: str) -> Event | None:
    """The event `slug` as read at most `RECENT_TTL` seconds ago in this process (a copy per caller).

    For the door's scans only, hundreds a second: a status change (closed, archived) holds there a
    second later. Pages always read the event afresh.
    """
    hit = _RECENT.get(slug)
    if hit is None or time.monotonic() - hit[0] >= RECENT_TTL:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            _RECENT.pop(slug, None)
            return None
        if len(_RECENT) > 1000:
            _RECENT.clear()
        hit = _RECENT[slug] = (time.monotonic(), event)
    return clone(hit[1])


def _find_event(access: Access, slug: str, recent: bool) -> Event | None:
    if recent:
        event = _recent_event(slug)
        return event if event is not None and access.sees(event) else None
    return access.events().filter(slug=slug).first()


def resolve_event(user: Any, slug: str, perm: str = "event.view", request: Any = None, *,
                  recent: bool = False) -> Event:
    """The event `slug` if the user may `perm` it; else 404 (outside scope) or 403 (role too weak).

    `recent=True` (the check-in scan) may use the event as read up to a second ago in this process.
    """
    access = Access.for_user(user)
    event = _find_event(access, slug, recent)
    if event is None and access.refresh():  # memberships kept from an earlier request may be out of date
        event = _find_event(access, slug, recent)
    if event is None:
        raise _deny(user, f"event:{slug}", request)
    if not access.can(perm, event):
        raise PermissionDenied(perm)
    check_method(event, request)
    return event


def resolve_venue(
    user: Any, slug: str, code: str, perm: str = "venue.view", request: Any = None
) -> Venue:
    """The venue `code` of event `slug` within the user's scope; 404 + audit when outside it."""
    event = resolve_event(user, slug, "event.view", request)
    access = Access.for_user(user)
    venue = access.venues(event).select_related("event", "host_unit").filter(code=code).first()
    if venue is None and access.refresh():
        venue = access.venues(event).select_related("event", "host_unit").filter(code=code).first()
    if venue is None:
        raise _deny(user, f"venue:{slug}/{code}", request, event)
    if not access.can(perm, event, venue):
        raise PermissionDenied(perm)
    return venue


def scoped(perm: str):
    """View decorator: log-in required, then `event` / `venue` URL kwargs become objects in scope.

    A view taking `event` and `venue` is checked for `perm` on the venue; one taking only `event`
    is checked for `perm` on the event.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if "venue" in kwargs:
                venue = resolve_venue(request.user, kwargs["event"], kwargs["venue"], perm, request)
                kwargs["venue"] = venue
                kwargs["event"] = venue.event
            elif "event" in kwargs:
                kwargs["event"] = resolve_event(request.user, kwargs["event"], perm, request)
            request.access = Access.for_user(request.user)
            return view(request, *args, **kwargs)

        wrapper.huiwu_scoped = perm  # the tenancy sweep test checks every view carries this
        return wrapper

    return decorator


def public(view):
    """Mark a view that is deliberately open (login page, public notice, personal links)."""
    view.huiwu_public = True
    return view
