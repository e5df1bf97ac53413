"""One click opens every venue that may open; a branch awaiting local approval stays closed and is named."""

from __future__ import annotations

from huiwu.audit.models import AuditEntry
from huiwu.venues.models import Venue


def test_open_all_opens_what_may_open_and_names_the_rest(client, organizer, demo_event):
    demo_event.venues.update(is_open=False, approval_waived=False)
    demo_event.approval_required = True
    demo_event.save()
    demo_event.venues.filter(code="110000").update(approval_status=Venue.Approval.APPROVED)
    client.force_login(organizer)
    page = client.get(f"/manage/{demo_event.slug}/venues/").content.decode()
    assert 'id="open-all"' in page and "38 个会场尚未开设" in page
    resp = client.post(f"/manage/{demo_event.slug}/venues/open-all/", follow=True)
    body = resp.content.decode()
    opened = set(demo_event.venues.filter(is_open=True).values_list("code", flat=True))
    assert opened == {"main", "110000"}  # the main venue and the one approved branch
    assert "已开设 2 个会场" in body and "天津市分会场尚未获当地审批同意" in body
    assert AuditEntry.objects.filter(action="venue.open").count() == 2


def test_open_all_without_approval_opens_every_venue_and_is_organizer_only(client, organizer, coordinator, demo_event):
    demo_event.venues.update(is_open=False)
    demo_event.approval_required = False
    demo_event.save()
    client.force_login(coordinator)
    assert client.post(f"/manage/{demo_event.slug}/venues/open-all/").status_code in (403, 404)
    assert not demo_event.venues.filter(is_open=True).exists()
    client.force_login(organizer)
    client.post(f"/manage/{demo_event.slug}/venues/open-all/")
    assert not demo_event.venues.filter(is_open=False).exists()
    assert 'id="open-all"' not in client.get(f"/manage/{demo_event.slug}/venues/").content.decode()
