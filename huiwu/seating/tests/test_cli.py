"""`huiwu seating plan|chart|cards` as PRODUCT.md describes them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from huiwu.receipts.models import Attendee
from huiwu.seating.layouts import generate

POSITIONS = ["处长", "副司长", "司长", "科长", "副处长", "主任科员", "副巡视员", "调研员"]  # i18n: data
NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵强", "黄丽", "周杰", "吴芳", "徐明", "孙婷"]  # i18n: data


def people(venue, n):
    return [
        Attendee.objects.create(event=venue.event, venue=venue, name=NAMES[i % len(NAMES)] + ("" if i < 12 else str(i)),
                                unit="北京市教育委员会", position=POSITIONS[i % len(POSITIONS)], order=i)  # i18n: data
        for i in range(n)
    ]


def run(*args) -> str:
    out = io.StringIO()
    call_command("seating", *args, stdout=out)
    return out.getvalue()


def test_plan_json_contract(demo_event, tmp_path):
    venue = demo_event.venues.get(code="110000")
    ps = people(venue, 12)
    layout = tmp_path / "room.json"
    layout.write_text(json.dumps(generate(rows=[6, 6, 6], seat_pitch=0.6, row_pitch=1.0)), encoding="utf-8")
    out = json.loads(run("plan", demo_event.slug, "110000", "--layout", str(layout), "--min-distance", "1", "--json"))
    assert set(out) == {"venue", "min_distance", "seats", "unseated", "optimal"}
    assert out["venue"] == "110000" and out["min_distance"] == 1.0
    assert len(out["seats"]) == 18
    assert set(out["seats"][0]) == {"row", "seat", "x", "y", "attendee"}
    taken = [s for s in out["seats"] if s["attendee"]]
    # 0.6 m pitch, 1 m rows: every other seat of a row, rows alternate -> 3 per row, 9 in all
    assert len(taken) == 9 and out["optimal"] is True
    assert len(out["unseated"]) == 3
    for a in taken:
        for b in taken:
            if a is not b:
                assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= 1 - 1e-9
    # the unseated are the last in precedence: 主任科员, 科长 ranks lowest here
    by_id = {p.pk: p for p in ps}
    assert {by_id[i].position for i in out["unseated"]} <= {"主任科员", "科长", "调研员", "副处长"}  # i18n: data
    # the highest-ranked (司长) sits in the centre of the front row
    top = next(s for s in taken if s["attendee"]["position"] == "司长")  # i18n: data
    assert top["row"] == "1"

    # an explicit order: the last id of the file's order goes unseated first
    order = tmp_path / "order.json"
    wanted = [p.pk for p in reversed(ps)]
    order.write_text(json.dumps(wanted))
    out = json.loads(run("plan", demo_event.slug, "110000", "--order", str(order), "--json", "--mode", "intl"))
    assert out["unseated"] == wanted[9:]

    pdf = tmp_path / "chart.pdf"
    run("chart", demo_event.slug, "110000", "--format", "pdf", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "chart.xlsx"
    run("chart", demo_event.slug, "110000", "--format", "xlsx", "-o", str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"
    cards = tmp_path / "cards.pdf"
    run("cards", demo_event.slug, "110000", "-o", str(cards))
    data = cards.read_bytes()
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type /Page ") >= 1


def test_plan_refuses_bad_input(demo_event, tmp_path):
    people(demo_event.venues.get(code="110000"), 2)
    with pytest.raises(CommandError, match="布局"):
        run("plan", demo_event.slug, "110000", "--json")
    bad = tmp_path / "bad.json"
    bad.write_text("[" * 50 + "]" * 50)
    with pytest.raises(CommandError, match="嵌套"):
        run("plan", demo_event.slug, "110000", "--layout", str(bad))
    with pytest.raises(CommandError, match="会场"):
        run("plan", demo_event.slug, "999999")
