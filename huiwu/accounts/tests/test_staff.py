"""人员与账号: an organizer invites door staff, health officers and co-organizers by link, sees every
account of the event by role, revokes unused links and takes roles away."""

from __future__ import annotations

import re

import pytest

from huiwu.accounts.models import Invitation, Membership
from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import OutboxMail

PW = "Xq7!long-pass"


def _url(event):
    return f"/manage/{event.slug}/staff/"


def _accept(client, body: str, username: str, name: str = "赵门岗"):
    link = re.search(r'value="https?://[^"]*(/accounts/invite/[^"/]+/)"', body).group(1)
    return client.post(link, {"display_name": name, "username": username, "password": PW, "password2": PW})


def test_door_invitation_lands_on_its_own_venue_door_only(client, organizer, demo_event):
    client.force_login(organizer)
    resp = client.post(_url(demo_event), {"action": "invite", "role": "door", "venue": "440300", "email": ""}, follow=True)
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="new-link"' in body
    assert "邮件已放入发送队列" not in body and not OutboxMail.objects.exists()  # no address, no mail claimed
    again = client.get(_url(demo_event)).content.decode()  # a reload neither shows the link again nor makes one
    assert 'id="new-link"' not in again and Invitation.objects.count() == 1
    overview = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert 'id="staff-link"' in overview and f'href="{_url(demo_event)}"' in overview
    inv = Invitation.objects.get(role="door")
    assert inv.venue.code == "440300" and inv.created_by == organizer
    client.logout()
    resp = _accept(client, body, "sz_door")
    assert resp.status_code == 302 and resp["Location"] == f"/checkin/{demo_event.slug}/door/440300/"
    m = Membership.objects.get(user__username="sz_door")
    assert (m.role, m.venue.code, m.event_id) == ("door", "440300", demo_event.pk)
    assert client.get(resp["Location"]).status_code == 200
    assert client.get(f"/checkin/{demo_event.slug}/door/110000/").status_code == 404  # another venue's door
    assert client.get(_url(demo_event)).status_code == 403  # door staff do not manage accounts
    # the organizer sees them under 入场核验 with their venue and who invited them
    client.force_login(organizer)
    page = client.get(_url(demo_event)).content.decode()
    door = page.split('id="role-door"')[1].split("</section>")[0]
    assert "sz_door" in door and "深圳市分会场" in door and f"{organizer} 邀请" in door


def test_health_and_organizer_invitations_are_event_wide_and_mailed(client, organizer, demo_event,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(organizer)
    body = client.post(_url(demo_event), {"action": "invite", "role": "health", "venue": "440300",
                                          "email": "health@example.cn"}, follow=True).content.decode()
    assert "邀请邮件已放入发送队列，将发往 health@example.cn" in body
    mail = OutboxMail.objects.get(kind="invitation")
    assert mail.to == ["health@example.cn"] and "防疫专员" in mail.body and "回执填报" not in mail.body
    inv = Invitation.objects.get(role="health")
    assert inv.venue.kind == "main"  # the link carries the main venue, whatever was picked
    client.logout()
    resp = _accept(client, body, "health_wang", "王防疫")
    assert resp["Location"] == f"/manage/{demo_event.slug}/health/"
    m = Membership.objects.get(user__username="health_wang")
    assert (m.role, m.venue_id, m.event_id) == ("health", None, demo_event.pk)
    assert client.get(resp["Location"]).status_code == 200
    assert client.get(f"/manage/{demo_event.slug}/venues/110000/admission/").status_code in (200, 403)

    client.force_login(organizer)
    body = client.post(_url(demo_event), {"action": "invite", "role": "organizer", "email": ""}, follow=True).content.decode()
    client.logout()
    resp = _accept(client, body, "co_org", "李主办")
    assert resp["Location"] == f"/manage/{demo_event.slug}/"
    m = Membership.objects.get(user__username="co_org")
    assert (m.role, m.venue_id, m.event_id) == ("organizer", None, demo_event.pk)
    assert client.get(_url(demo_event)).status_code == 200


def test_bad_input_is_refused_with_a_reason(client, organizer, demo_event):
    client.force_login(organizer)
    body = client.post(_url(demo_event), {"action": "invite", "role": "door", "venue": ""}, follow=True).content.decode()
    assert "入场核验人员必须绑定会场" in body
    body = client.post(_url(demo_event), {"action": "invite", "role": "health", "email": "不是邮箱"}, follow=True).content.decode()
    assert "邮箱格式不对" in body and 'value="不是邮箱"' in body
    body = client.post(_url(demo_event), {"action": "invite", "role": "coordinator", "venue": "440300"}, follow=True).content.decode()
    assert "选择一个有效的选项" in body or "有效" in body
    assert not Invitation.objects.exists()


def test_revoke_unused_link_only(client, organizer, demo_event):
    client.force_login(organizer)
    body = client.post(_url(demo_event), {"action": "invite", "role": "door", "venue": "110000"}, follow=True).content.decode()
    inv = Invitation.objects.get()
    client.post(_url(demo_event), {"action": "revoke", "invitation": inv.pk})
    inv.refresh_from_db()
    assert inv.revoked_at is not None
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1
    client.logout()
    assert "撤销" in client.get(re.search(r'(/accounts/invite/[^"/]+/)', body).group(1)).content.decode()
    client.force_login(organizer)
    resp = client.post(_url(demo_event), {"action": "revoke", "invitation": inv.pk}, follow=True)
    assert "已被使用或已撤销" in resp.content.decode()
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1


def test_remove_role_audited_never_own_last_organizer_role(client, make_user, demo_event):
    boss = make_user("boss", "organizer", event=demo_event)
    door = make_user("door_bj", "door", venue=demo_event.venues.get(code="110000"))
    client.force_login(boss)
    m = Membership.objects.get(user=door)
    resp = client.post(_url(demo_event), {"action": "remove", "membership": m.pk}, follow=True)
    assert "已移除" in resp.content.decode() and not Membership.objects.filter(pk=m.pk).exists()
    entry = AuditEntry.objects.get(action="user.role_removed")
    assert entry.actor == boss and entry.before["role"] == "door" and entry.before["venue"] == "110000"
    own = Membership.objects.get(user=boss)
    resp = client.post(_url(demo_event), {"action": "remove", "membership": own.pk}, follow=True)
    assert "不能移除您自己在本会议的最后一个主办方角色" in resp.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    # with a second organizer role the page may take this one away from another organizer
    other = make_user("boss2", "organizer", event=demo_event)
    om = Membership.objects.get(user=other)
    client.post(_url(demo_event), {"action": "remove", "membership": om.pk})
    assert not Membership.objects.filter(pk=om.pk).exists()


def test_a_role_on_another_event_cannot_be_removed_from_here(client, make_user, demo_event):
    from huiwu.events.models import Event

    boss = make_user("boss", "organizer", event=demo_event)
    from django.utils import timezone

    other_event = Event.objects.create(slug="other-staff", title="另一个会议", status="published",
                                       starts_at=timezone.now(), ends_at=timezone.now())
    outsider = make_user("outsider", "health", event=other_event)
    m = Membership.objects.get(user=outsider)
    client.force_login(boss)
    client.post(_url(demo_event), {"action": "remove", "membership": m.pk})
    assert Membership.objects.filter(pk=m.pk).exists()


def test_list_shows_contacts_by_role_to_organizers(client, organizer, make_user, demo_event):
    coord = make_user("coord_sh", "coordinator", venue=demo_event.venues.get(code="310000"))
    coord.phone, coord.email = "13800138000", "sh@example.cn"
    coord.save()
    make_user("health_x", "health", event=demo_event)
    client.force_login(organizer)
    page = client.get(_url(demo_event)).content.decode()
    section = page.split('id="role-coordinator"')[1].split("</section>")[0]
    assert "coord_sh" in section and "13800138000" in section and "sh@example.cn" in section and "上海市" in section
    assert "health_x" in page.split('id="role-health"')[1].split("</section>")[0]
    assert "org" in page.split('id="role-organizer"')[1].split("</section>")[0]


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator"])
def test_coordinators_cannot_reach_the_page(client, request, who, demo_event):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(_url(demo_event)).status_code in (403, 404)
    resp = client.post(_url(demo_event), {"action": "invite", "role": "organizer"}, follow=True)
    assert resp.status_code in (403, 404) and not Invitation.objects.exists()
    assert client.get("/manage/no-such-event/staff/").status_code == 404


def test_a_draft_or_archived_event_sends_no_invitation(client, organizer, demo_event):
    from huiwu.events.models import Event

    client.force_login(organizer)
    Event.objects.filter(pk=demo_event.pk).update(status="draft")
    body = client.post(_url(demo_event), {"action": "invite", "role": "health", "email": "h@example.cn"},
                       follow=True).content.decode()
    assert "会议尚未发布，不能生成邀请链接" in body and 'value="h@example.cn"' in body  # what was typed stays
    body = client.post(_url(demo_event), {"action": "coordinators"}, follow=True).content.decode()
    assert "会议尚未发布，不能生成邀请链接" in body and 'id="coordinator-links"' not in body
    Event.objects.filter(pk=demo_event.pk).update(status="archived")
    assert client.get(_url(demo_event)).status_code == 200  # an archived event's accounts can still be read
    assert client.post(_url(demo_event), {"action": "invite", "role": "health"}).status_code == 403
    assert not Invitation.objects.exists() and not OutboxMail.objects.exists()


def test_coordinator_links_for_every_uninvited_branch_at_once(client, organizer, coordinator, demo_event):
    """The organizer makes one coordinator link per branch venue that has no coordinator and no usable
    link, shown once; the links work like those made on a venue's page."""
    from huiwu.accounts import services

    client.force_login(organizer)
    shanghai = demo_event.venues.get(code="310000")
    services.create_invitation(shanghai, actor=organizer)  # a usable link already: not made again
    expired, _t = services.create_invitation(demo_event.venues.get(code="120000"), actor=organizer)
    Invitation.objects.filter(pk=expired.pk).update(expires_at="2020-01-01T00:00:00Z")  # expired: invited anew
    page = client.get(_url(demo_event)).content.decode()
    assert "35 个分会场还没有联系人" in page and 'id="invite-coordinators-submit"' in page
    resp = client.post(_url(demo_event), {"action": "coordinators"}, follow=True)
    body = resp.content.decode()
    assert "已为 35 个分会场生成联系人邀请链接" in body
    made = Invitation.objects.filter(role="coordinator", created_by=organizer).exclude(pk=expired.pk)
    assert made.count() == 36  # Shanghai's earlier link and the 35 new ones
    codes = set(made.values_list("venue__code", flat=True))
    assert "110000" not in codes and "main" not in codes and "120000" in codes  # Beijing has its coordinator
    links = re.search(r'<textarea id="coordinator-links"[^>]*>([^<]*)</textarea>', body).group(1).splitlines()
    assert len(links) == 35 and links[0].startswith("天津市分会场（120000）：http")
    assert AuditEntry.objects.filter(action="invitation.create").count() == 37
    again = client.get(_url(demo_event)).content.decode()  # shown once; nothing left to invite
    assert 'id="coordinator-links"' not in again and "每个分会场都已有联系人或有效的邀请链接" in again
    resp = client.post(_url(demo_event), {"action": "coordinators"}, follow=True)
    assert "没有生成新链接" in resp.content.decode() and Invitation.objects.count() == 37
    client.logout()
    link = re.search(r"(/accounts/invite/[^/\s]+/)", links[0]).group(1)
    resp = client.post(link, {"display_name": "天津联系人", "username": "tj_coord", "password": PW, "password2": PW})
    assert resp.status_code == 302
    m = Membership.objects.get(user__username="tj_coord")
    assert (m.role, m.venue.code) == ("coordinator", "120000")
