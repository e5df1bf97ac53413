from django.urls import reverse
from django.utils import timezone

from huiwu.accounts.models import Invitation, Membership
from huiwu.accounts.services import create_invitation, revoke_invitation


def test_login_is_rate_limited(client, organizer, settings):
    """The guessing (name, address) waits after a few failures (growing delays: core/tests/test_security.py)."""
    url = reverse("accounts:login")
    for _ in range(3):
        resp = client.post(url, {"username": "org", "password": "wrong"})
        assert "用户名或密码不正确" in resp.content.decode()
    resp = client.post(url, {"username": "org", "password": "pw-12345678"})  # right, but must wait
    assert resp.status_code == 429 and "秒后再试" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works(client, organizer):
    resp = client.post(reverse("accounts:login"), {"username": "org", "password": "pw-12345678"})
    assert resp.status_code == 302 and client.session["_auth_user_id"] == str(organizer.pk)
    assert resp.url == "/"


def test_door_staff_land_on_their_door(client, make_user, demo_event):
    """On the day, a door account signs in and is at its venue's door page, one tap less."""
    make_user("door_bj", "door", venue=demo_event.venues.get(code="110000"))
    resp = client.post(reverse("accounts:login"), {"username": "door_bj", "password": "pw-12345678"}, follow=True)
    assert resp.redirect_chain[-1][0] == f"/checkin/{demo_event.slug}/door/110000/"
    # a `next` still wins
    client.logout()
    resp = client.post(reverse("accounts:login") + "?next=/", {"username": "door_bj", "password": "pw-12345678"})
    assert resp.url == "/"


def test_invitation_link_lets_a_coordinator_set_a_password(client, demo_event, organizer):
    venue = demo_event.venues.get(code="440300")
    inv, token = create_invitation(venue, actor=organizer, email="sz@example.cn")
    url = reverse("accounts:invitation", args=[token])
    assert "深圳市分会场" in client.get(url).content.decode()
    resp = client.post(url, {"display_name": "李华", "username": "sz_li", "password": "Xq7!long-pass",
                             "password2": "Xq7!long-pass"})
    assert resp.status_code == 302 and resp["Location"].endswith("/venues/440300/")
    m = Membership.objects.get(user__username="sz_li")
    assert m.role == "coordinator" and m.venue == venue
    assert client.get(url).status_code == 410  # used once


def test_invitation_revoked_or_expired_or_forged(client, demo_event):
    venue = demo_event.venues.get(code="440300")
    inv, token = create_invitation(venue)
    revoke_invitation(inv)
    assert "撤销" in client.get(reverse("accounts:invitation", args=[token])).content.decode()
    inv2, token2 = create_invitation(venue)
    Invitation.objects.filter(pk=inv2.pk).update(expires_at=timezone.now())
    assert "过期" in client.get(reverse("accounts:invitation", args=[token2])).content.decode()
    assert client.get(reverse("accounts:invitation", args=[token2[:-3] + "abc"])).status_code == 410


def test_organizer_manages_invitation_links(client, organizer, demo_event):
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/venues/350200/invitations/"
    body = client.post(url, {"email": "xm@example.cn"}).content.decode()
    assert "/accounts/invite/" in body and "xm@example.cn" in body
    inv = Invitation.objects.get(venue__code="350200")
    client.post(url, {"revoke": inv.pk})
    inv.refresh_from_db()
    assert inv.revoked_at is not None


def test_invitations_from_the_venue_page_are_mailed_too(client, organizer, demo_event):
    from huiwu.receipts.models import OutboxMail

    client.force_login(organizer)
    client.post(f"/manage/{demo_event.slug}/venues/350200/invite/", {"email": "xm2@example.cn"})
    mail = OutboxMail.objects.get(kind="invitation")
    assert mail.to == ["xm2@example.cn"] and "/accounts/invite/" in mail.body


def test_accepting_rechecks_the_link_under_its_lock(demo_event, monkeypatch):
    """A link revoked (or its event archived) between the check and the lock is refused, not accepted."""
    import pytest

    from huiwu.accounts import services
    from huiwu.events.services import change_status

    venue = demo_event.venues.get(code="440300")
    inv, token = create_invitation(venue)
    check = services.check_invitation
    checked = check(token)  # what the page saw when it was opened
    revoke_invitation(inv)
    monkeypatch.setattr(services, "check_invitation", lambda _t: checked)
    with pytest.raises(services.InvitationError, match="撤销"):
        services.accept_invitation(token, "late_user", "Xq7!long-pass")
    inv2, token2 = create_invitation(venue)
    checked = check(token2)
    change_status(demo_event, "close")
    change_status(demo_event, "archive")
    Invitation.objects.filter(pk=inv2.pk).update(revoked_at=None)  # a link the archiving did not reach
    with pytest.raises(services.InvitationError, match="归档"):
        services.accept_invitation(token2, "late_user", "Xq7!long-pass")
    assert not Membership.objects.filter(user__username="late_user").exists()
