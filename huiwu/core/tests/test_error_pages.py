"""403, 404 and 500 in Chinese, in the site's layout; the 500 page needs no database."""

from django.db import connection
from django.test import RequestFactory

from huiwu.core.views import server_error


def test_404_is_chinese_in_the_layout(client, db):
    resp = client.get("/no-such-page/")
    page = resp.content.decode()
    assert resp.status_code == 404 and "页面不存在" in page and 'class="topbar"' in page and "Not Found" not in page


def test_draft_event_is_a_chinese_404_for_the_public(client, organizer, demo_event):
    demo_event.status = demo_event.Status.DRAFT
    demo_event.save(update_fields=["status"])
    resp = client.get(f"/e/{demo_event.slug}/")
    assert resp.status_code == 404 and "页面不存在" in resp.content.decode()


def test_403_is_chinese_in_the_layout(client, coordinator, demo_event):
    client.force_login(coordinator)
    resp = client.get(f"/manage/{demo_event.slug}/duplicates/")
    page = resp.content.decode()
    assert resp.status_code == 403 and "无权操作" in page and 'class="topbar"' in page and "Forbidden" not in page


def test_500_needs_no_database(db):
    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    request = RequestFactory().get("/manage/x/")
    with connection.execute_wrapper(refuse):
        resp = server_error(request)
    page = resp.content.decode()
    assert resp.status_code == 500 and "服务器出错了" in page and 'class="topbar"' in page and "app.css" in page
