"""The filing page as a new coordinator meets it: a draft keeps the approval typed without its file,
the stored approval date shows in the date field, the page is read-only after the deadline (北京时间),
and the confirmation mail is promised only when someone will get it."""

from datetime import timedelta

from django.utils import timezone

from huiwu.receipts.models import Receipt, ReceiptDraft
from huiwu.venues.models import Venue

EV = "lifelong-learning-week-2021"
URL = f"/manage/{EV}/venues/110000/receipt/"
ROW = {"name": ["王立"], "unit": ["北京市教委"], "position": ["处长"], "phone": ["13800138000"], "category": [""]}


def test_draft_keeps_approval_body_and_date_without_the_file(client, coordinator, demo_event):
    client.force_login(coordinator)
    resp = client.post(URL, {"action": "draft", "approving_body": "北京市疫情防控工作领导小组",
                             "approved_on": "2021-11-19", **ROW})
    assert resp.status_code == 302
    venue = Venue.objects.get(event=demo_event, code="110000")
    assert venue.approving_body == "北京市疫情防控工作领导小组" and venue.approval_status != Venue.Approval.PENDING
    page = client.get(URL).content.decode()
    assert 'value="北京市疫情防控工作领导小组"' in page
    assert 'type="date"' in page and 'value="2021-11-19"' in page  # ISO, what a date input shows


def test_after_the_deadline_the_form_is_read_only(client, coordinator, demo_event):
    demo_event.registration_deadline = timezone.now() - timedelta(hours=1)
    demo_event.save(update_fields=["registration_deadline"])
    client.force_login(coordinator)
    page = client.get(URL).content.decode()
    assert 'id="locked-banner"' in page and "北京时间" in page and "Asia/Shanghai" not in page
    assert '<fieldset class="plain" disabled>' in page and 'action="/manage/' not in page.split('id="locked-banner"')[1][:400]
    resp = client.post(URL, {"action": "submit", **ROW})  # a page opened before the deadline
    assert resp.status_code == 422 and "已截止" in resp.content.decode()
    assert ReceiptDraft.objects.get().rows[0]["name"] == "王立"  # what was typed is not lost
    assert not Receipt.objects.exists()


def test_confirmation_is_promised_only_to_someone(client, coordinator, demo_event):
    client.force_login(coordinator)
    resp = client.post(URL, {"action": "submit", "tech_name": "赵敏", "tech_phone": "13910002000", **ROW}, follow=True)
    page = resp.content.decode()
    assert "回执已提交" in page and "确认邮件将发送" not in page and "未发送确认邮件" in page
    coordinator.email = "bj@example.org"
    coordinator.save()
    resp = client.post(URL, {"action": "submit", "tech_name": "赵敏", "tech_phone": "13910002000",
                             **{**ROW, "name": ["李四"], "phone": ["13900139000"]}}, follow=True)
    assert "确认邮件将发送至：bj@example.org" in resp.content.decode()


def test_confirmation_has_a_chinese_file_name_and_no_invented_category(client, coordinator, demo_event):
    from urllib.parse import quote

    from huiwu.receipts import services

    bj = demo_event.venues.get(code="110000")
    r = services.submit_receipt(bj, attendees=[{"name": "王立", "unit": "北京市教委", "phone": "13800138000"}],
                                tech_contact={"name": "赵敏", "phone": "13910002000"}, channel="web").receipt
    text = services.receipt_text(r)
    assert "王立" in text and "[其他]" not in text and "[" not in text.split("王立")[1].split("\n")[0]
    client.force_login(coordinator)
    resp = client.get(f"/manage/{EV}/venues/110000/receipt/confirmation.pdf")
    header = resp["Content-Disposition"]
    assert resp.status_code == 200 and "filename*=utf-8''" + quote("北京市分会场回执第1版.pdf") in header


def test_deadline_message_says_beijing_time(coordinator, demo_event):
    import pytest

    from huiwu.core.errors import DeadlinePassed
    from huiwu.receipts import services

    demo_event.registration_deadline = timezone.now() - timedelta(hours=1)
    demo_event.save(update_fields=["registration_deadline"])
    with pytest.raises(DeadlinePassed) as exc:
        services.add_attendee(demo_event.venues.get(code="110000"), {"name": "王立", "unit": "x"}, actor=coordinator)
    assert "北京时间" in exc.value.message and "Asia/Shanghai" not in exc.value.message
