"""Capacity under concurrency: serialise writers per venue in the database, never in Python.

PostgreSQL: `SELECT … FOR UPDATE` on the venue row inside the caller's transaction, so two
requests adding to the same venue queue on that row while other venues proceed in parallel.
SQLite: every transaction here is BEGIN IMMEDIATE (see settings), which already takes the
database's single write lock before the count is read.

Filings also hold a share lock on their events (`events_under_share_lock`), so a change of an
event's status (unpublishing, closing) and a filing never interleave.

`settings.HUIWU_CAPACITY_LOCK = False` exists only so a test can show the race it removes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from huiwu.events.models import Event

from .models import Venue


def lock_venue(venue_id: int) -> None:
    """Take the venue's write lock for the rest of the current transaction."""
    lock_venues([venue_id])


def lock_venues(venue_ids: set[int] | list[int]) -> None:
    """Take several venues' write locks at once (a batch of filings), in id order so that two
    batches sharing venues queue instead of deadlocking."""
    if not getattr(settings, "HUIWU_CAPACITY_LOCK", True) or not venue_ids:
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("lock_venue() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        list(Venue.objects.select_for_update().filter(pk__in=sorted(venue_ids)).order_by("pk")
             .values_list("pk", flat=True))
    # sqlite: BEGIN IMMEDIATE already holds the write lock


def events_under_share_lock(event_ids: set[int]) -> dict[int, Event]:
    """The events as they are now, read under a share lock held to the end of the transaction.

    Filing calls this after locking its venues and checks the status again: a status change
    (unpublishing, closing) waits for the filings under way, and a filing that waited for one sees
    its outcome, so no list is saved into an event taken back to draft or closed meanwhile.
    SQLite's single writer lock serialises the two already.
    """
    if not event_ids:
        return {}
    qs = Event.objects.filter(pk__in=sorted(event_ids)).only("id", "status", "title").order_by("pk")
    if connection.vendor != "postgresql" or not getattr(settings, "HUIWU_CAPACITY_LOCK", True):
        return {e.pk: e for e in qs}
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("events_under_share_lock() must run inside transaction.atomic()")
    sql, params = qs.query.sql_with_params()
    return {e.pk: e for e in Event.objects.raw(sql + " FOR SHARE", params)}
