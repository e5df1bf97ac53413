"""`huiwu init` gives the demo event its notice's six rules (read by the notice parser); an event
without rules says so wherever verdicts are shown, and its export says 未设置规则, not 符合."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from huiwu.admission import services as admission
from huiwu.admission.models import AdmissionRule
from huiwu.events.models import Event
from huiwu.events.services import DEMO_SLUG
from huiwu.receipts import services as receipts

SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "seed" / "000_6c7442209d79a2e8.txt"
WANG = {"name": "王立", "unit": "北京市教委", "position": "处长", "phone": "13800138000"}
TECH = {"name": "赵敏", "phone": "13910002000"}


def test_init_gives_the_demo_the_notices_six_rules(db):
    out = StringIO()
    call_command("init", stdout=out)
    event = Event.objects.get(slug=DEMO_SLUG)
    kinds = [(r.kind, r.venue_scope) for r in AdmissionRule.objects.filter(event=event).order_by("order")]
    assert kinds == [("symptoms", "all"), ("risk_area_contact", "all"), ("risk_area_stay", "all"),
                     ("itinerary_code", "main"), ("health_code", "main"), ("nucleic_acid_test", "main")]
    assert "6 条入场规则" in out.getvalue()
    # a second init (or an organizer who cleared the rules) is not overridden
    admission.adopt_rules(event, [], source="manual")
    call_command("init", stdout=StringIO())
    assert not AdmissionRule.objects.filter(event=event).exists()


def test_demo_notice_rules_are_the_seeds():
    from huiwu.notices.parser import parse
    from huiwu.notices.services import demo_rules

    if not SEED.exists():
        pytest.skip("the seed notice (../shared/seed) is not present")
    assert demo_rules() == parse(SEED.read_text(encoding="utf-8"))["admission_rules"]


def test_an_event_without_rules_says_so(demo_event, client, organizer, coordinator):
    assert not AdmissionRule.objects.filter(event=demo_event).exists()
    bj = demo_event.venues.get(code="110000")
    receipts.submit_receipt(bj, attendees=[WANG], tech_contact=TECH, channel="web")
    [row] = admission.eligibility_rows(demo_event)
    assert row["verdict_label"] == "未设置规则"
    csv_text = admission.eligibility_csv(demo_event)
    assert "未设置规则" in csv_text and "符合" not in csv_text.replace("不符合", "")
    client.force_login(coordinator)
    page = client.get(f"/manage/{demo_event.slug}/venues/110000/admission/").content.decode()
    assert 'id="no-rules"' in page and "未设置规则" in page
    client.force_login(organizer)
    page = client.get(f"/manage/{demo_event.slug}/admission/").content.decode()
    assert 'id="no-rules"' in page and "未设置规则" in page
    # with the notice's rules the same person is pending until they declare
    from huiwu.notices.services import adopt_demo_rules

    assert adopt_demo_rules(demo_event) == 6
    [row] = admission.eligibility_rows(demo_event)
    assert row["verdict"] == "pending" and row["verdict_label"] != "未设置规则"
    page = client.get(f"/manage/{demo_event.slug}/venues/110000/admission/").content.decode()
    assert 'id="no-rules"' not in page
