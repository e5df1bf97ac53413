"""Precedence: rank table, units in the notice's order, surname strokes, order set by hand."""

from __future__ import annotations

import pytest

from huiwu.audit.models import AuditEntry
from huiwu.core.errors import Invalid
from huiwu.receipts.models import Attendee
from huiwu.seating.precedence import (
    DEFAULT_RANKS,
    inferred_order,
    name_strokes,
    position_rank,
    precedence,
    set_precedence,
    set_rank_table,
    stroke_count,
)
from huiwu.seating.services import active_attendees


def test_longest_title_wins():
    assert position_rank("教育部职业教育与成人教育司副司长", DEFAULT_RANKS) == 40  # i18n: data
    assert position_rank("司长", DEFAULT_RANKS) < position_rank("副司长", DEFAULT_RANKS)  # i18n: data
    assert position_rank("办公室主任科员", DEFAULT_RANKS) == 85  # i18n: data
    assert position_rank("副会长兼秘书长", DEFAULT_RANKS) == 42  # i18n: data
    assert position_rank("", DEFAULT_RANKS) == 999


def test_strokes_come_from_unihan():
    # 王 4, 张 7, 赵 9, 戴 17 (kTotalStrokes)
    assert [stroke_count(c) for c in "王张赵戴"] == [4, 7, 9, 17]  # i18n: data
    assert name_strokes("王五") < name_strokes("张三")  # i18n: data


def _add(venue, name, position, unit=None, order=0):
    return Attendee.objects.create(event=venue.event, venue=venue, name=name, unit="某单位", position=position,  # i18n: data
                                   filed_by_unit=unit, order=order)


def test_inferred_then_dragged_then_replaced(demo_event, organizer):
    main = demo_event.venues.get(code="main")
    units = [vu.unit for vu in main.invited_units.order_by("id")]
    a = _add(main, "赵六", "司长", units[1])  # i18n: data
    b = _add(main, "王五", "司长", units[1])  # i18n: data
    c = _add(main, "张三", "副司长", units[0])  # i18n: data
    d = _add(main, "李四", "司长", units[0])  # i18n: data
    people = active_attendees(main)
    # rank, then the unit's place in the notice, then strokes (王 4 before 赵 9)
    assert inferred_order(main, people) == [d.pk, b.pk, a.pk, c.pk]
    # the organizer's table can put 副司长 first
    set_rank_table(demo_event, [("副司长", 1), ("司长", 2)], actor=organizer)  # i18n: data
    assert inferred_order(main, people)[0] == c.pk
    after = set_precedence(main, [a.pk, c.pk, b.pk, d.pk], actor=organizer)
    assert after == [a.pk, c.pk, b.pk, d.pk]
    entry = AuditEntry.objects.filter(action="seating.precedence").latest("id")
    assert entry.after == after and entry.before != after
    # a replacement keeps the replaced person's place; a newcomer comes after the hand-set order
    Attendee.objects.filter(pk=c.pk).update(status=Attendee.Status.REPLACED)
    e = Attendee.objects.create(event=demo_event, venue=main, name="钱七", unit="某单位", position="副司长", replaces=c)  # i18n: data
    f = _add(main, "孙八", "部长")  # i18n: data
    assert precedence(main, active_attendees(main)) == [a.pk, e.pk, b.pk, d.pk, f.pk]
    with pytest.raises(Invalid):
        set_precedence(main, [c.pk], actor=organizer)
