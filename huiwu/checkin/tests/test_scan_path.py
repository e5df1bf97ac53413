"""The door's scan path is short (a token, memberships and the event kept a few seconds per worker;
one read and one write per scan), and what is kept never outlives a change that matters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiwu.accounts import services as accounts
from huiwu.accounts import tenancy
from huiwu.accounts.models import ApiToken, Membership
from huiwu.audit.models import AuditEntry
from huiwu.checkin import services
from huiwu.checkin.models import CheckIn, Scan
from huiwu.events.services import change_status

from .conftest import declare_clean, make_attendee

URL = "/api/v1/events/{}/checkins"


@pytest.fixture(autouse=True)
def _nothing_kept():
    accounts.forget_tokens()
    tenancy.forget_events()
    yield
    accounts.forget_tokens()
    tenancy.forget_events()


def _post(client, slug, code, **extra):
    return client.post(URL.format(slug), {"code": code, **extra}, content_type="application/json")


def test_a_repeated_scan_reads_one_row_and_writes_one_statement(api_client, door_bj, people, seeded):
    client = api_client(door_bj)
    assert _post(client, seeded.slug, services.code_for(people[0]), nonce="n0").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        r = _post(client, seeded.slug, services.code_for(people[1]), nonce="n1")
    assert r.status_code == 201, r.content
    sql = [q["sql"] for q in queries.captured_queries]
    # token, memberships, event and rules were kept from the first scan; no ORM read of the person
    assert not any("accounts_apitoken" in s or "accounts_membership" in s or "FROM \"events_event\"" in s
                   for s in sql), sql
    reads = [s for s in sql if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "receipts_attendee" in reads[0], sql
    if connection.vendor == "postgresql":  # the arrival and its audit entry in one statement
        writes = [s for s in sql if s.lstrip().upper().startswith(("INSERT", "WITH"))]
        assert len(writes) == 1, sql
    ci = CheckIn.objects.get(attendee=people[1])
    audit = AuditEntry.objects.get(action="checkin.scan", object_id=str(ci.pk))
    assert audit.actor_id == door_bj.pk and audit.venue_id == people[1].venue_id
    assert audit.after["attendee"] == people[1].pk
    assert ci.nonce == "n1" and not Scan.objects.filter(event=seeded).exists()  # the arrival keeps the nonce
    again = _post(client, seeded.slug, services.code_for(people[1]), nonce="n1")
    assert again.status_code == 201 and again.json()["checked_in_hm"] == r.json()["checked_in_hm"]


def test_the_declaration_read_with_the_person_decides_the_verdict(api_client, door_bj, beijing, seeded):
    sick = make_attendee(beijing, "赵六")
    declare_clean(sick, symptoms="yes")
    unknown = make_attendee(beijing, "孙八")
    client = api_client(door_bj)
    r = _post(client, seeded.slug, services.code_for(sick))
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_eligible"
    r = _post(client, seeded.slug, services.code_for(unknown))
    assert r.status_code == 201 and r.json()["verdict"]["verdict"] == "pending"


def test_a_role_given_after_the_token_was_kept_works_at_once(api_client, make_user, people, seeded, beijing):
    user = make_user("door_late", "health", event=seeded)  # a role on the event, but not one that scans
    client = api_client(user)
    code = services.code_for(people[0])
    assert _post(client, seeded.slug, code).status_code == 403
    # kept token and memberships are reloaded before anything is refused
    Membership.objects.filter(user=user).update(role="door", venue=beijing)  # no signal: the kept copy is stale
    assert _post(client, seeded.slug, code).status_code == 201


def test_a_revoked_token_stops_at_once_here_and_within_the_ttl_elsewhere(api_client, door_bj, people, seeded,
                                                                        monkeypatch):
    client = api_client(door_bj)
    assert _post(client, seeded.slug, services.code_for(people[0])).status_code == 201
    token = ApiToken.objects.get(user=door_bj)
    token.revoked_at = token.created_at
    token.save()  # this process: forgotten at once
    assert _post(client, seeded.slug, services.code_for(people[1])).status_code == 401
    # another worker learns of it only by reading again: after TOKEN_TTL
    other = api_client(door_bj)
    assert _post(other, seeded.slug, services.code_for(people[1])).status_code == 201
    ApiToken.objects.filter(user=door_bj, revoked_at__isnull=True).update(revoked_at=token.created_at)
    assert _post(other, seeded.slug, services.code_for(people[2])).status_code == 201  # still kept
    monkeypatch.setattr(accounts, "TOKEN_TTL", 0.0)
    assert _post(other, seeded.slug, services.code_for(people[2])).status_code == 401


def test_an_archived_event_refuses_scans_at_once(api_client, door_bj, people, seeded, monkeypatch):
    client = api_client(door_bj)
    assert _post(client, seeded.slug, services.code_for(people[0])).status_code == 201
    change_status(seeded, "close")
    change_status(seeded, "archive")
    r = _post(client, seeded.slug, services.code_for(people[1]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "event_archived"
    assert not CheckIn.objects.filter(attendee=people[1]).exists()


def test_an_event_changed_elsewhere_holds_within_a_second(api_client, door_bj, people, seeded, monkeypatch):
    from huiwu.events.models import Event

    client = api_client(door_bj)
    assert _post(client, seeded.slug, services.code_for(people[0])).status_code == 201
    Event.objects.filter(pk=seeded.pk).update(status=Event.Status.ARCHIVED)  # another process: no signal here
    monkeypatch.setattr(tenancy, "RECENT_TTL", 0.0)
    r = _post(client, seeded.slug, services.code_for(people[1]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "event_archived"


def test_a_venue_renamed_is_named_anew_at_the_next_wrong_venue_scan(api_client, door_sh, people, seeded, beijing):
    """The venue instances a scan keeps are kept by their fields: a new name is a new one."""
    client = api_client(door_sh)
    r = _post(client, seeded.slug, services.code_for(people[0]))
    assert r.status_code == 409 and r.json()["error"]["venue"]["name"] == beijing.name
    beijing.name, beijing.address = "北京市分会场（新址）", "北京市西城区新址 1 号"
    beijing.save(update_fields=["name", "address"])
    r = _post(client, seeded.slug, services.code_for(people[0]))
    assert r.status_code == 409 and r.json()["error"]["venue"] == {"code": beijing.code, "name": "北京市分会场（新址）",
                                                                  "address": "北京市西城区新址 1 号"}
    assert "北京市分会场（新址）" in r.json()["error"]["message"]
