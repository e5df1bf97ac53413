"""Issue 14.2: changing the person is a replacement, not an edit.

A PATCH that turns one attendee into another person used to keep the old person's link and
declaration, so the newcomer showed as eligible without declaring."""

from __future__ import annotations

import pytest

from huiwu.admission import services
from huiwu.admission.models import Declaration
from huiwu.receipts.models import Attendee
from huiwu.receipts.services import _name_typo

from .conftest import clean_answers, make_attendee


@pytest.fixture
def declared(beijing):
    a = make_attendee(beijing, "林黛玉", phone="13800138000")
    services.submit_declaration(a, clean_answers(beijing.event))
    assert services.door_verdict(a).verdict == "eligible"
    return a


def _patch(api_client, user, a, body):
    url = f"/api/v1/events/{a.event.slug}/venues/{a.venue.code}/attendees/{a.pk}"
    return api_client(user).patch(url, body, content_type="application/json")


@pytest.mark.parametrize("body", [
    {"name": "薛宝钗", "phone": "13900139000"},  # another name and another mobile
    {"name": "薛宝钗"},                            # a wholly other name on the same mobile
])
def test_changing_the_person_is_refused_with_a_message_to_replace(api_client, coordinator, declared, body):
    token_before = services.declaration_token(declared)
    resp = _patch(api_client, coordinator, declared, body)
    assert resp.status_code == 409, resp.content
    error = resp.json()["error"]
    assert error["code"] == "identity_change" and "更换" in error["message"] and "薛宝钗" in error["message"]
    fresh = Attendee.objects.get(pk=declared.pk)
    assert (fresh.name, fresh.phone) == ("林黛玉", "13800138000")
    assert services.declaration_token(fresh) == token_before
    assert Declaration.objects.get(current=True).attendee_id == declared.pk


def test_a_slip_in_the_name_or_a_new_mobile_is_a_correction(api_client, coordinator, declared):
    resp = _patch(api_client, coordinator, declared, {"name": "林黛王"})  # one character wrong
    assert resp.status_code == 200, resp.content
    resp = _patch(api_client, coordinator, declared, {"phone": "13900139000"})  # the same person's new number
    assert resp.status_code == 200, resp.content
    fresh = Attendee.objects.get(pk=declared.pk)
    assert (fresh.name, fresh.phone) == ("林黛王", "13900139000")
    assert services.door_verdict(fresh).verdict == "eligible"  # the same person keeps their declaration


def test_the_replacement_path_gives_a_new_link_and_no_declaration(api_client, coordinator, declared):
    base = f"/api/v1/events/{declared.event.slug}/venues/{declared.venue.code}/attendees"
    assert api_client(coordinator).delete(f"{base}/{declared.pk}").status_code == 204
    resp = api_client(coordinator).post(base, {"name": "薛宝钗", "unit": "测试单位", "phone": "13900139000"},
                                        content_type="application/json")
    assert resp.status_code == 201, resp.content
    new = Attendee.objects.get(pk=resp.json()["id"])
    assert new.pk != declared.pk and services.declaration_token(new) != services.declaration_token(declared)
    assert services.door_verdict(new).verdict == "pending"  # must declare
    assert Attendee.objects.get(pk=declared.pk).status == "withdrawn"  # history kept
    assert Declaration.objects.filter(attendee=declared).exists()


def test_name_typo_rule():
    assert _name_typo("张山", "张三") and _name_typo("欧阳修", "欧阳秀") and _name_typo("王五", "王五一")
    assert not _name_typo("张三", "李四") and not _name_typo("林黛玉", "薛宝钗")
    assert _name_typo("阿依古丽·买买提", "阿依古丽·买卖提")
