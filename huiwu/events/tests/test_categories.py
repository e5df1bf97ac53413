"""Attendee categories are the event's own: a provincial notice's event offers none of the 2021
notice's, the organizer types them on the event page, and receipts, forms and rosters use them."""

from __future__ import annotations

from huiwu.audit.models import AuditEntry
from huiwu.events import categories
from huiwu.receipts import services as receipts
from huiwu.receipts.models import Attendee


def _branch(event):
    return event.venues.filter(kind="branch").order_by("order").first()


def test_lines_become_categories_and_keep_their_values_when_edited():
    made = categories.from_lines("厅局负责人\n特邀代表\n", "市教育局分管负责人\n特邀代表\n\n其他")
    assert made == [{"value": "c1", "label": "厅局负责人", "venues": "main"},
                    {"value": "c2", "label": "特邀代表", "venues": "all"},
                    {"value": "c3", "label": "市教育局分管负责人", "venues": "branch"}]
    again = categories.renumbered(made, categories.from_lines("特邀代表", "新增类别\n市教育局分管负责人"))
    # a new label takes a value nobody was filed under (c1 belonged to the category taken away)
    assert {c["label"]: c["value"] for c in again} == {"特邀代表": "c2", "新增类别": "c4", "市教育局分管负责人": "c3"}


def test_an_event_from_another_notice_offers_its_own_categories(client, provincial, organizer):
    """The notice's 参加人员 section gives them; the 2021 notice's are not among them."""
    assert [c["label"] for c in provincial.attendee_categories] == [
        "省教育厅有关处室负责人", "浙江省职业技术教育学会负责人", "浙江省高等职业院校协会负责人", "各设区市教育局分管负责同志及职成科负责人"]
    client.force_login(organizer)
    form = f"/manage/{provincial.slug}/venues/{_branch(provincial).code}/receipt/"
    page = client.get(form).content.decode()
    assert "各设区市教育局分管负责同志及职成科负责人" in page and "省教育厅有关处室负责人" not in page
    assert "百姓学习之星" not in page
    # cleared on the event page: no category column at all, and a typed category is none chosen
    # (a file with a 类别 column is not refused for it)
    from huiwu.events.services import set_categories

    set_categories(provincial, "", "", actor=organizer)
    assert 'name="category"' not in client.get(form).content.decode()
    clean, errors = receipts.validate_attendee({"name": "王立", "unit": "某局", "category": "嘉宾"}, provincial)
    assert errors == [] and clean["category"] == "other"


def test_organizer_sets_the_categories_and_receipts_use_them(client, provincial, organizer, make_user):
    client.force_login(organizer)
    edit = f"/manage/{provincial.slug}/edit/"
    page = client.get(edit).content.decode()
    assert 'id="event-categories"' in page
    resp = client.post(edit, {**_form(client, edit), "main_categories": "省厅领导\n特邀嘉宾",
                              "branch_categories": "市教育局分管负责人\n特邀嘉宾"}, follow=True)
    assert resp.status_code == 200, resp.content.decode()[:2000]
    provincial.refresh_from_db()
    assert [label for _v, label in categories.of(provincial, "branch")] == ["特邀嘉宾", "市教育局分管负责人"]
    value = {label: v for v, label in categories.of(provincial)}
    assert AuditEntry.objects.filter(action="event.categories", event=provincial).count() == 1
    # the filing form offers the branch's, and a label typed in a file is filed as its value
    branch = _branch(provincial)
    form = client.get(f"/manage/{provincial.slug}/venues/{branch.code}/receipt/").content.decode()
    assert "市教育局分管负责人" in form and "省厅领导" not in form
    clean, errors = receipts.validate_attendee({"name": "王立", "unit": "某局", "category": "特邀 嘉宾"}, provincial)
    assert errors == [] and clean["category"] == value["特邀嘉宾"]
    _clean, errors = receipts.validate_attendee({"name": "王立", "unit": "某局", "category": "百姓学习之星"}, provincial)
    assert errors and "无法识别" in errors[0]["message"]
    # filed, then printed by its name
    from huiwu.events.services import change_status

    change_status(provincial, "publish", actor=organizer)
    provincial.refresh_from_db()
    branch = _branch(provincial)
    res = receipts.submit_receipt(branch, attendees=[{"name": "王立", "unit": "某局", "category": "市教育局分管负责人"}],
                                  tech_contact={"name": "赵敏", "phone": "13910002000"}, channel="web", actor=organizer)
    assert res.status == "accepted", res.errors
    assert Attendee.objects.get(venue=branch).category == value["市教育局分管负责人"]
    assert "[市教育局分管负责人]" in receipts.receipt_text(res.receipt)
    # renaming another category keeps this person's
    client.post(edit, {**_form(client, edit), "main_categories": "省厅领导", "branch_categories": "市教育局分管负责人"})
    provincial.refresh_from_db()
    assert categories.label(provincial, Attendee.objects.get(venue=branch).category) == "市教育局分管负责人"


def test_the_demo_keeps_the_2021_categories(demo_event):
    assert categories.of(demo_event, "main")[0] == ("ministry_lead", "部委司局（单位）负责人")
    assert categories.label(demo_event, "learning_star") == "“百姓学习之星”“终身学习品牌项目”代表"
    assert categories.label(demo_event, "other") == ""


def _form(client, url) -> dict:
    """The edit page's form as the browser would post it back."""
    from lxml import html

    doc = html.fromstring(client.get(url).content)
    form = doc.xpath('//form[.//textarea[@name="main_categories"]]')[0]
    data = {}
    for el in form.xpath(".//input|.//textarea|.//select"):
        name = el.get("name")
        if not name or el.get("type") in ("file", "submit"):
            continue
        if el.tag == "textarea":
            data[name] = el.text or ""
        elif el.tag == "select":
            chosen = el.xpath("./option[@selected]/@value")
            data[name] = chosen[0] if chosen else (el.xpath("./option/@value") or [""])[0]
        elif el.get("type") == "checkbox":
            if el.get("checked") is not None:
                data[name] = el.get("value", "on")
        else:
            data[name] = el.get("value", "")
    return data
