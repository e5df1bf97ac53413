"""file_receipts: many filings in one transaction give exactly what filing them one by one gives."""

import pytest

from huiwu.audit.models import AuditEntry
from huiwu.core.errors import CapacityFull
from huiwu.receipts import services
from huiwu.receipts.models import Attendee, Receipt, TechContact

TECH = {"name": "赵敏", "phone": "13910002000"}


def people(names, unit="测试单位", position="处长"):
    return [{"name": n, "unit": unit, "position": position, "phone": f"1390000{i:04d}"} for i, n in
            ((ord(n[-1]) % 10000, n) for n in names)]


@pytest.fixture
def venues(demo_event):
    return demo_event.venues.get(code="110000"), demo_event.venues.get(code="120000")


def prepare(venue, rows, **kw):
    return services.prepare_filing(venue, attendees=rows, tech_contact=kw.pop("tech", TECH), channel="upload", **kw)


def state(venue):
    return sorted(Attendee.objects.filter(venue=venue, status="active").values_list("name", "position", "order"))


def test_a_batch_files_like_one_by_one(venues, count_queries):
    bj, tj = venues
    steps = [
        (bj, people(["王一", "李二", "张三"])),
        (tj, people(["刘四", "陈五"])),
        (bj, people(["李二", "张三", "赵六"])),               # 王一 withdrawn, 赵六 new
        (bj, people(["李二", "张三"], position="副处长") + people(["赵六"])),  # two changed
        (bj, people(["张三", "孙七"])),                       # 李二 and 赵六 (added in this batch) gone again
    ]
    filings = [prepare(v, rows) for v, rows in steps]
    with count_queries() as q:
        services.file_receipts(filings)
    assert all(f.result.status == "accepted" and f.error is None for f in filings), [f.result.errors for f in filings]
    assert len(q) <= 16, "\n".join(x["sql"] for x in q)  # a handful of statements, not one set per filing

    # the same steps filed one at a time, at two other venues, give the same lists and versions
    # (other mobiles: one person may stand at one venue of the event only)
    sh, cq = bj.event.venues.get(code="310000"), bj.event.venues.get(code="500000")
    for v, rows in steps:
        services.submit_receipt({bj: sh, tj: cq}[v], attendees=[{**r, "phone": "137" + r["phone"][3:]} for r in rows],
                                tech_contact=TECH, channel="upload")
    assert state(bj) == state(sh) and state(tj) == state(cq)
    assert [n for n, _p, _o in state(bj)] == ["孙七", "张三"]
    assert list(Receipt.objects.filter(venue=bj).order_by("version").values_list("version", flat=True)) == [1, 2, 3, 4]

    # versions carry their own snapshot and diff; every snapshot id is a real row with that person
    r = {x.version: x for x in Receipt.objects.filter(venue=bj)}
    assert [a["name"] for a in r[1].snapshot["attendees"]] == ["王一", "李二", "张三"]
    assert [a["name"] for a in r[2].diff["removed"]] == ["王一"] and [a["name"] for a in r[2].diff["added"]] == ["赵六"]
    assert {c["name"] for c in r[3].diff["changed"]} == {"李二", "张三"}
    assert {a["name"] for a in r[4].diff["removed"]} == {"李二", "赵六"}
    for receipt in r.values():
        for a in receipt.snapshot["attendees"]:
            assert Attendee.objects.get(pk=a["id"]).name == a["name"]
    zhang = {a["id"] for receipt in r.values() for a in receipt.snapshot["attendees"] if a["name"] == "张三"}
    assert len(zhang) == 1, "an unchanged person keeps one id across the versions of a batch"
    zhao = Attendee.objects.get(venue=bj, name="赵六")
    assert zhao.status == "withdrawn", "added and removed within one batch: kept as a withdrawn row for history"
    assert AuditEntry.objects.filter(action="receipt.submit", venue=bj).count() == 4
    assert TechContact.objects.get(venue=bj).phone == "13910002000"


def test_one_refusal_does_not_hold_back_the_others(venues):
    bj, tj = venues
    bj.capacity = 2
    bj.save(update_fields=["capacity"])
    filings = [prepare(bj, people(["王一", "李二", "张三"])), prepare(tj, people(["刘四"])),
               prepare(bj, people(["王一"]))]
    services.file_receipts(filings)
    assert isinstance(filings[0].error, CapacityFull) and "上限为2人" in filings[0].error.message
    assert filings[1].result.status == "accepted" and filings[2].result.status == "accepted"
    assert state(bj) == [("王一", "处长", 1)] and Receipt.objects.get(venue=bj).version == 1


def test_duplicates_across_venues_of_one_batch_are_refused(venues):
    bj, tj = venues
    filings = [prepare(bj, people(["王一"])), prepare(tj, people(["王一", "李二"]))]
    services.file_receipts(filings)
    assert filings[0].result.status == "accepted" and filings[0].result.warnings == []
    assert filings[1].error.code == "duplicate_person" and "王一" in filings[1].error.message
    assert bj.name not in filings[1].error.message and "李二" not in filings[1].error.message
    assert state(tj) == []


def test_dry_run_in_a_batch_changes_nothing(venues):
    bj, _tj = venues
    services.submit_receipt(bj, attendees=people(["王一"]), tech_contact=TECH, channel="web")
    f = prepare(bj, people(["李二"]), dry_run=True)
    services.file_receipts([f])
    assert f.result.status == "accepted" and [a["name"] for a in f.result.diff["added"]] == ["李二"]
    assert state(bj) == [("王一", "处长", 1)] and Receipt.objects.filter(venue=bj).count() == 1


def test_a_filing_checked_before_the_event_was_taken_back_is_refused_under_the_lock(venues):
    """Unpublishing (or closing) between a filing's first check and its lock: the filing sees the
    event as it is under the lock and saves nothing."""
    from huiwu.events.models import Event

    bj, tj = venues
    filing = prepare(bj, people(["王一", "李二"]))
    Event.objects.filter(pk=bj.event_id).update(status=Event.Status.DRAFT)  # another request, meanwhile
    services.file_receipts([filing])
    assert filing.error is not None and filing.error.code == "event_not_published"
    assert not Attendee.objects.filter(venue=bj).exists() and not Receipt.objects.filter(venue=bj).exists()
    Event.objects.filter(pk=bj.event_id).update(status=Event.Status.PUBLISHED)
    again = prepare(tj, people(["刘四"]))
    services.file_receipts([again])
    assert again.error is None and state(tj) == [("刘四", "处长", 1)]
