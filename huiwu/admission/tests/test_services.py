"""Admission services against the database: rules, links, declarations, door verdicts, replacement,
purge and export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from huiwu.admission import services
from huiwu.admission.engine import SEED_RULES
from huiwu.admission.models import AdmissionRule, Declaration, Replacement
from huiwu.audit.models import AuditEntry
from huiwu.core.errors import CapacityFull, Invalid
from huiwu.receipts.models import Attendee, OutboxMail

from .conftest import clean_answers, make_attendee


# -- rules -------------------------------------------------------------------------------------------
def test_seed_preset_and_rules_per_venue_kind(seeded):
    assert services.event_rules(seeded) == SEED_RULES
    main = seeded.venues.get(code="main")
    branch = seeded.venues.get(code="440300")
    assert [r["kind"] for r in services.rules_for(main)] == [r["kind"] for r in SEED_RULES]
    assert [r["kind"] for r in services.rules_for(branch)] == ["symptoms", "risk_area_contact", "risk_area_stay"]
    services.apply_preset(seeded, "empty")
    assert services.event_rules(seeded) == [] and services.rules_for(main) == []


def test_adopt_rules_as_the_notice_parser_gives_them_with_a_per_venue_rule(demo_event, organizer):
    rules = [
        {"kind": "symptoms", "window_days": 7, "venues": "all", "note": "extra keys are kept"},
        {"kind": "symptoms", "window_days": 21, "venues": "all"},  # second of the same kind and scope: dropped
        {"kind": "nucleic_acid_test", "window_hours": 24, "applies_to": "all", "venues": "branch",
         "venue_codes": ["440300", "350200"]},
    ]
    created = services.adopt_rules(demo_event, rules, actor=organizer)
    assert len(created) == 3  # symptoms once, the test rule at two venues
    shenzhen = demo_event.venues.get(code="440300")
    beijing = demo_event.venues.get(code="110000")
    assert [r["kind"] for r in services.rules_for(shenzhen)] == ["symptoms", "nucleic_acid_test"]
    assert [r["kind"] for r in services.rules_for(beijing)] == ["symptoms"]
    assert services.rules_for(shenzhen)[0]["window_days"] == 7
    entry = AuditEntry.objects.filter(action="admission.rules_adopt").latest("id")
    assert entry.actor == organizer and len(entry.after) == 3


@pytest.mark.parametrize(("rule", "needle"), [
    ({"kind": "vaccination", "venues": "all"}, "不认识的规则类型"),
    ({"kind": "symptoms", "venues": "somewhere"}, "适用会场"),
    ({"kind": "symptoms", "venues": "all", "venue_codes": ["999999"]}, "不存在"),
])
def test_adopt_rules_refuses_what_it_cannot_apply_and_keeps_the_old_rules(seeded, rule, needle):
    with pytest.raises(Invalid, match=needle):
        services.adopt_rules(seeded, [rule])
    assert services.event_rules(seeded) == SEED_RULES


def test_database_refuses_unknown_kinds_and_duplicates(seeded):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdmissionRule.objects.create(event=seeded, kind="vaccination")
    with pytest.raises(IntegrityError), transaction.atomic():
        AdmissionRule.objects.create(event=seeded, kind="symptoms", venue_scope="all")


def test_disabled_rule_is_not_applied(seeded, main_venue):
    rule = AdmissionRule.objects.get(event=seeded, kind="health_code")
    services.set_rule_enabled(rule, False)
    assert "health_code" not in [r["kind"] for r in services.rules_for(main_venue)]
    assert "health_code" not in services.questions_for(make_attendee(main_venue, "赵一鸣"))


# -- links ----------------------------------------------------------------------------------------------
def test_declaration_link_round_trip_tamper_expiry_and_replaced(beijing):
    a = make_attendee(beijing, "钱多多")
    token = services.declaration_token(a)
    assert len(services.declaration_path(a)) < 80  # short enough for an SMS
    assert services.attendee_for_token(token) == a
    with pytest.raises(services.LinkInvalid):
        services.attendee_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other = make_attendee(beijing, "孙小美")
    forged = token.replace(f"{a.pk:x}.", f"{other.pk:x}.", 1)
    with pytest.raises(services.LinkInvalid):
        services.attendee_for_token(forged)
    with pytest.raises(services.LinkInvalid, match="过期"):
        services.attendee_for_token(token, now=beijing.event.ends_at + timedelta(days=2))
    assert services.attendee_for_token(token, now=beijing.event.ends_at + timedelta(hours=23)) == a
    Attendee.objects.filter(pk=a.pk).update(status=Attendee.Status.REPLACED)
    with pytest.raises(services.LinkInvalid, match="名单"):
        services.attendee_for_token(token)


def test_qr_and_sms(beijing):
    a = make_attendee(beijing, "周文")
    svg = services.qr_svg("https://example.invalid/d/abc/")
    assert svg.startswith("<svg") and "path" in svg
    sms = services.sms_text(a, "https://example.invalid/d/abc/")
    assert "周文" in sms and "https://example.invalid/d/abc/" in sms and len(sms) < 120


# -- declarations ------------------------------------------------------------------------------------
def test_branch_asks_only_what_its_rules_need(beijing, main_venue):
    assert services.questions_for(make_attendee(beijing, "吴桐")) == ["symptoms", "risk_area_contact", "risk_area_stay"]
    assert "nucleic_acid_test" in services.questions_for(make_attendee(main_venue, "郑和平"))


def test_submit_declaration_keeps_history_and_one_current(beijing):
    a = make_attendee(beijing, "冯远")
    first = services.submit_declaration(a, clean_answers(beijing.event))
    assert first.verdict == "eligible" and first.answers == {"symptoms": False, "risk_area_contact": False,
                                                             "risk_area_stay": False}
    second = services.submit_declaration(a, clean_answers(beijing.event, risk_area_stay="yes"))
    assert second.verdict == "not_eligible" and second.verdict_rules == ["risk_area_stay"]
    assert list(Declaration.objects.filter(attendee=a, current=True)) == [second]
    assert Declaration.objects.filter(attendee=a).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.filter(pk=first.pk).update(current=True)


def test_answers_outside_the_questions_are_not_kept(beijing):
    a = make_attendee(beijing, "陈思")
    decl = services.submit_declaration(a, {**clean_answers(beijing.event), "health_code": "red", "diary": "x"})
    assert "health_code" not in decl.answers and decl.verdict == "eligible"


def test_bad_answers_are_refused_with_fields(main_venue):
    a = make_attendee(main_venue, "褚明")
    with pytest.raises(Invalid) as exc:
        services.submit_declaration(a, clean_answers(main_venue.event, main=True, symptoms="maybe",
                                                     sampled_at="昨天上午"))
    assert set(exc.value.fields) == {"symptoms", "sampled_at"}
    assert not Declaration.objects.filter(attendee=a).exists()


def test_main_venue_test_pending_then_negative(main_venue):
    a = make_attendee(main_venue, "卫青")
    decl = services.submit_declaration(a, clean_answers(main_venue.event, main=True, result="pending"))
    assert decl.verdict == "pending" and decl.verdict_rules == ["nucleic_acid_test"]
    decl = services.submit_declaration(a, clean_answers(main_venue.event, main=True))
    assert decl.verdict == "eligible"
    no_test = services.submit_declaration(a, clean_answers(main_venue.event, main=True, test_taken="no",
                                                           sampled_at="", result=""))
    assert no_test.verdict == "pending"
    home = services.submit_declaration(a, clean_answers(main_venue.event, main=True, returned_from_travel="no",
                                                        test_taken="no", sampled_at="", result=""))
    assert home.verdict == "eligible"


def test_not_eligible_tells_the_coordinator_without_health_detail(beijing, coordinator):
    coordinator.email = "coord@example.invalid"
    coordinator.save()
    a = make_attendee(beijing, "蒋欣")
    services.submit_declaration(a, clean_answers(beijing.event, symptoms="yes"))
    mail = OutboxMail.objects.get(kind="admission.not_eligible")
    assert mail.to == ["coord@example.invalid"]
    assert "蒋欣" in mail.body and "会前14天内无疑似症状" in mail.body
    assert "申报有" not in mail.body and "symptoms" not in mail.body
    # a second not-eligible declaration does not send a second mail
    services.submit_declaration(a, clean_answers(beijing.event, symptoms="yes"))
    assert OutboxMail.objects.filter(kind="admission.not_eligible").count() == 1
    audit = AuditEntry.objects.filter(action="declaration.submit").latest("id")
    assert "symptoms" not in str(audit.before) and audit.after == {"verdict": "not_eligible", "rules": ["symptoms"]}


def test_not_eligible_mail_really_leaves_through_smtp(beijing, coordinator, smtp_server, django_capture_on_commit_callbacks):
    coordinator.email = "coord@example.invalid"
    coordinator.save()
    a = make_attendee(beijing, "沈括")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_declaration(a, clean_answers(beijing.event, risk_area_contact="yes"))
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]["message"]
    assert smtp_server.messages[0]["to"] == ["coord@example.invalid"] and "沈括" in msg["Subject"]


def test_door_verdict_judges_again_with_the_rules_of_now(beijing):
    a = make_attendee(beijing, "韩梅")
    assert services.door_verdict(a).verdict == "pending"  # nothing declared yet
    services.submit_declaration(a, clean_answers(beijing.event, symptoms="yes"))
    v = services.door_verdict(a)
    assert v.verdict == "not_eligible" and v.rules == ["会前14天内无疑似症状"] and v.rule_kinds == ["symptoms"]
    rule = AdmissionRule.objects.get(event=beijing.event, kind="symptoms")
    services.set_rule_enabled(rule, False)
    assert services.door_verdict(a).verdict == "eligible"


# -- replacement ---------------------------------------------------------------------------------------
def _not_eligible(venue, name, **kw):
    a = make_attendee(venue, name, **kw)
    services.submit_declaration(a, clean_answers(venue.event, symptoms="yes"))
    return a


NEW = {"name": "杨帆", "unit": "北京市教育委员会", "position": "副处长", "phone": "139 0000 1234", "category": "division_lead"}


def test_replace_keeps_history(beijing, coordinator):
    old = _not_eligible(beijing, "朱丹", order=3)
    new = services.replace_attendee(old, NEW, actor=coordinator)
    old.refresh_from_db()
    assert old.status == Attendee.Status.REPLACED and new.replaces == old and new.status == Attendee.Status.ACTIVE
    assert new.phone == "13900001234" and new.order == 3 and new.filed_by_unit_id == old.filed_by_unit_id
    rec = Replacement.objects.get(replaced=old)
    assert rec.replacement == new and rec.rule == "symptoms" and rec.rule_title == "会前14天内无疑似症状"
    assert rec.actor == coordinator and rec.declaration == old.declarations.get()
    entry = AuditEntry.objects.filter(action="attendee.replace").latest("id")
    assert entry.before["name"] == "朱丹" and entry.after["name"] == "杨帆" and entry.venue == beijing
    assert services.door_verdict(new).verdict == "pending"
    with pytest.raises(services.AlreadyReplaced):
        services.replace_attendee(old, {**NEW, "name": "杨柳", "phone": ""}, actor=coordinator)


def test_replace_only_not_eligible(beijing):
    ok = make_attendee(beijing, "秦岭")
    services.submit_declaration(ok, clean_answers(beijing.event))
    with pytest.raises(Invalid, match="无需更换"):
        services.replace_attendee(ok, NEW)
    with pytest.raises(Invalid, match="无需更换"):
        services.replace_attendee(make_attendee(beijing, "许诺"), NEW)  # pending: nothing declared


def test_replace_validates_the_new_person_and_refuses_duplicates(beijing):
    old = _not_eligible(beijing, "何方")
    with pytest.raises(Invalid) as exc:
        services.replace_attendee(old, {"name": "", "unit": "", "phone": "123"})
    assert {"name", "unit", "phone"} <= set(exc.value.fields)
    make_attendee(beijing, "杨帆", phone="13900001234")
    with pytest.raises(Invalid, match="已在本会场名单中"):
        services.replace_attendee(old, NEW)
    old.refresh_from_db()
    assert old.status == Attendee.Status.ACTIVE  # the failed replacement changed nothing


def test_replace_within_capacity(beijing):
    beijing.capacity = 3
    beijing.save()
    old = _not_eligible(beijing, "吕布")
    make_attendee(beijing, "貂蝉")
    make_attendee(beijing, "董卓")
    new = services.replace_attendee(old, NEW)  # full venue: the place is taken over, not added
    assert Attendee.objects.filter(venue=beijing, status="active").count() == 3 and new.pk
    # someone squeezed in over capacity (by hand): a replacement must not make it worse
    extra = _not_eligible(beijing, "陈宫")
    with pytest.raises(CapacityFull):
        services.replace_attendee(extra, {**NEW, "name": "张辽", "phone": ""})
    extra.refresh_from_db()
    assert extra.status == Attendee.Status.ACTIVE


# -- purge ---------------------------------------------------------------------------------------------------
def _end_event(event, days_ago: float):
    end = timezone.now() - timedelta(days=days_ago)
    type(event).objects.filter(pk=event.pk).update(starts_at=end - timedelta(hours=2), ends_at=end)
    event.refresh_from_db()


def test_purge_keeps_verdicts(beijing, settings):
    settings.HUIWU_PURGE_AFTER_DAYS = 14
    a = _not_eligible(beijing, "孔明")
    b = make_attendee(beijing, "周瑜")
    services.submit_declaration(b, clean_answers(beijing.event))
    _end_event(beijing.event, 13)
    assert services.purge_declarations() == 0
    _end_event(beijing.event, 15)
    assert services.purge_declarations() == 2  # the declarations of both
    for d in Declaration.objects.all():
        assert d.answers is None and d.reasons is None and d.purged_at is not None
    assert services.door_verdict(a).verdict == "not_eligible"
    assert services.door_verdict(a).rules == ["会前14天内无疑似症状"]
    assert services.door_verdict(b).verdict == "eligible"
    assert services.purge_declarations() == 0  # nothing left to purge
    assert AuditEntry.objects.filter(action="declaration.purge").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.filter(pk=a.declarations.get().pk).update(answers={"symptoms": True})


def test_purge_command(beijing):
    a = _not_eligible(beijing, "鲁肃")
    _end_event(beijing.event, 3)
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "已删除0份" in out.getvalue()
    call_command("purge", "--days", "2", "--event", beijing.event.slug, stdout=out)
    assert "已删除1份" in out.getvalue()
    assert a.declarations.get().answers is None and a.declarations.get().verdict == "not_eligible"


def test_purge_task_runs_the_same_purge(beijing):
    from huiwu.admission.tasks import purge_declarations_task

    _not_eligible(beijing, "黄盖")
    _end_event(beijing.event, 30)
    purge_declarations_task.call_local()
    assert Declaration.objects.get().answers is None


# -- export -----------------------------------------------------------------------------------------------------
def test_eligibility_export_has_no_answers_and_is_audited(beijing, main_venue, organizer):
    _not_eligible(beijing, "=HYPERLINK(1)")
    ok = make_attendee(main_venue, "甘宁")
    services.submit_declaration(ok, clean_answers(main_venue.event, main=True))
    make_attendee(beijing, "凌统")
    body = services.eligibility_csv(beijing.event, actor=organizer)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["会场代码", "会场", "姓名", "单位", "职务", "入场结论", "相关规则"]
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["甘宁"][5] == "符合入场条件" and by_name["甘宁"][6] == ""
    assert by_name["'=HYPERLINK(1)"][5] == "不符合入场条件" and by_name["'=HYPERLINK(1)"][6] == "会前14天内无疑似症状"
    assert by_name["凌统"][5] == "待定"
    assert "申报有" not in body and "阴性" not in body and "采样" not in body
    assert AuditEntry.objects.filter(action="admission.export", actor=organizer).count() == 1


# -- local rules of a branch venue -------------------------------------------------------------------
def test_local_rules_hold_at_their_venue_and_survive_new_event_rules(seeded, coordinator):
    shenzhen = seeded.venues.get(code="440300")
    xiamen = seeded.venues.get(code="350200")
    services.set_local_rules(shenzhen, [{"kind": "health_code", "color": "green", "issuer": "粤康码"},
                                        {"kind": "nucleic_acid_test", "window_hours": 72, "applies_to": "all"}],
                             actor=coordinator)
    assert [r["kind"] for r in services.rules_for(shenzhen)][-2:] == ["health_code", "nucleic_acid_test"]
    assert "health_code" not in [r["kind"] for r in services.rules_for(xiamen)]
    a = make_attendee(shenzhen, "柳宗元")
    assert "nucleic_acid_test" in services.questions_for(a)
    red = services.submit_declaration(a, clean_answers(seeded, health_code="red", test_taken="no"))
    assert red.verdict == "not_eligible" and services.door_verdict(a).rules == ["粤康码绿码"]
    services.apply_preset(seeded, "seed")  # the organizer adopts again: local rules stay
    assert [r.title for r in services.local_rules(shenzhen)] == ["粤康码绿码", "会前72小时内核酸检测结果无异常"]
    services.adopt_rules(seeded, [{"kind": "health_code", "color": "green", "venues": "all",
                                   "venue_codes": ["440300"]}])  # the organizer's own rule for that venue wins
    assert [r.kind for r in services.local_rules(shenzhen)] == ["nucleic_acid_test"]
    with pytest.raises(Invalid, match="只有分会场"):
        services.set_local_rules(seeded.venues.get(code="main"), [{"kind": "itinerary_code"}])
    assert AuditEntry.objects.filter(action="admission.local_rules", venue=shenzhen).exists()


def test_without_rules_nobody_needs_to_declare(seeded):
    venue = seeded.venues.get(code="650000")
    a = make_attendee(venue, "岑参")
    assert services.door_verdict(a).verdict == "pending"
    services.apply_preset(seeded, "empty")
    assert services.door_verdict(a).verdict == "eligible"
    assert services.venue_verdicts(venue)[0][1].verdict == "eligible"
