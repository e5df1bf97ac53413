"""Issue 14.1: health answers are the attendee's and the health officer's alone.

The declaration link is write-only (it never shows earlier answers or their verdict), a browser
logged in as anyone but the health officer cannot post through it, and audit entries name who
really acted."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client

from huiwu.admission import services
from huiwu.admission.models import Declaration
from huiwu.audit.models import AuditEntry

from .conftest import clean_answers, make_attendee


@pytest.fixture
def sick(beijing):
    """An attendee who declared symptoms (not eligible)."""
    a = make_attendee(beijing, "林黛玉")
    services.submit_declaration(a, clean_answers(beijing.event, symptoms="yes"))
    return a


def _link(api_client, user, attendee) -> str:
    base = f"/api/v1/events/{attendee.event.slug}/venues/{attendee.venue.code}"
    resp = api_client(user).get(base + f"/attendees/{attendee.pk}/declaration-link")
    assert resp.status_code == 200, resp.content
    return urlparse(resp.json()["url"]).path


@pytest.mark.parametrize("who", ["organizer", "coordinator"])
def test_link_from_the_api_shows_no_earlier_answers(api_client, make_user, beijing, sick, who):
    user = make_user("org", "organizer") if who == "organizer" else make_user("coord", "coordinator", venue=beijing)
    path = _link(api_client, user, sick)
    for client in (Client(), _logged_in(user)):
        page = client.get(path).content.decode()
        assert "checked" not in page  # no answer pre-filled
        assert "不符合入场条件" not in page and "疑似症状，不符合" not in page  # neither verdict nor reason
    blank = Client().get(path).content.decode()
    assert "已于" in blank and "提交过申报" in blank and "重新提交申报" in blank


def _logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role", ["organizer", "coordinator", "door"])
def test_post_from_a_logged_in_browser_is_refused_and_audited(api_client, make_user, beijing, sick, role):
    kwargs = {} if role == "organizer" else {"venue": beijing}
    user = make_user("u_" + role, role, **kwargs)
    path = services.declaration_path(sick)
    client = _logged_in(user)
    assert "不能在此代填申报" in client.get(path).content.decode()  # said before anyone types
    resp = client.post(path, clean_answers(beijing.event))  # would turn the verdict to eligible
    body = resp.content.decode()
    assert resp.status_code == 403 and "只能由参会人员本人填写" in body and "林黛玉" in body
    assert services.door_verdict(sick).verdict == "not_eligible"
    assert Declaration.objects.filter(attendee=sick).count() == 1
    entry = AuditEntry.objects.get(action="declaration.refused")
    assert entry.actor == user and entry.object_id == str(sick.pk)


def test_audit_names_who_really_acted(make_user, beijing, sick):
    path = services.declaration_path(sick)
    resp = Client(REMOTE_ADDR="203.0.113.9").post(path, clean_answers(beijing.event))
    assert resp.status_code == 200 and "符合入场条件" in resp.content.decode()
    entry = AuditEntry.objects.filter(action="declaration.submit").latest("id")
    assert entry.actor is None and entry.actor_label == "declaration-link" and entry.ip == "203.0.113.9"
    assert entry.actor_label != "attendee-link"  # the link's holder, not necessarily the attendee
    medic = make_user("medic", "health", event=beijing.event)
    resp = _logged_in(medic).post(path, clean_answers(beijing.event, symptoms="yes"))
    assert resp.status_code == 200
    entry = AuditEntry.objects.filter(action="declaration.submit").latest("id")
    assert entry.actor == medic and entry.note == "staff"
    assert Declaration.objects.get(attendee=sick, current=True).channel == "staff"
