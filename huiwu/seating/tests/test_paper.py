"""Paper read back with poppler: chart names and labels, one card per seated person, the seat on
the receipt confirmation, formulas neutralised in the workbook."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from huiwu.receipts.models import Attendee, Receipt
from huiwu.receipts.pdf import confirmation_pdf
from huiwu.seating import paper
from huiwu.seating.layouts import generate
from huiwu.seating.services import make_plan, save_layout

from .test_cli import people

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _text(pdf: bytes, tmp_path) -> str:
    f = tmp_path / "x.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True, text=True).stdout


def _pages(pdf: bytes, tmp_path) -> int:
    f = tmp_path / "p.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(f)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def seated(demo_event):
    venue = demo_event.venues.get(code="110000")
    ps = people(venue, 8)
    Attendee.objects.filter(pk=ps[-1].pk).update(name="=HYPERLINK(1)")
    save_layout(venue, generate(rows=[5, 5], seat_pitch=0.6, row_pitch=0.9, rostrum_seats=3))
    plan = make_plan(venue, min_distance=1.0)
    return venue, ps, plan


def test_chart_and_cards(seated, tmp_path):
    venue, ps, plan = seated
    text = _text(paper.chart_pdf(plan), tmp_path)
    assert "主席台" in text and "前" in text and "第1排" in text  # i18n: data
    names = [a.name for a in Attendee.objects.filter(pk__in=[s["attendee"] for s in plan.seats if s["attendee"]])]
    assert len(names) == 8
    for name in names:
        if not name.startswith("="):
            assert name in text.replace(" ", "")
    assert _pages(paper.chart_pdf(plan, paper="A3"), tmp_path) == 1
    cards = paper.cards_pdf(plan)
    assert _pages(cards, tmp_path) == 8
    first = _text(cards, tmp_path).split("\f")[0]
    top = Attendee.objects.get(pk=plan.order[0]).name
    # the name twice (once upright, once turned 180°) and the seat
    assert first.replace(" ", "").replace("\u3000", "").count(top) == 2
    assert "主席台2座" in first  # i18n: data


def test_workbook_neutralises_formulas(seated):
    _venue, _ps, plan = seated
    wb = openpyxl.load_workbook(io.BytesIO(paper.chart_xlsx(plan)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_seat_on_the_confirmation(seated, tmp_path):
    venue, ps, plan = seated
    snap = {"attendees": [{"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position, "phone": "",
                           "category": "other"} for a in ps]}
    receipt = Receipt.objects.create(venue=venue, unit=venue.host_unit, version=1, channel="web", snapshot=snap)
    text = _text(confirmation_pdf(receipt), tmp_path)
    assert "座位" in text and "主席台2座" in text  # i18n: data


def test_large_hall_chart_is_one_page(demo_event, tmp_path):
    from huiwu.seating.layouts import seats as layout_seats
    from huiwu.seating.models import SeatingPlan

    venue = demo_event.venues.get(code="main")
    ss = layout_seats(generate(rows=[60] * 50, seat_pitch=0.55, row_pitch=0.9, rostrum_seats=9))
    a = Attendee.objects.create(event=demo_event, venue=venue, name="欧阳明月", unit="某单位")  # i18n: data
    plan = SeatingPlan.objects.create(
        venue=venue, min_distance=1, fingerprint="x", order=[a.pk],
        seats=[{"row": s.row, "seat": s.seat, "x": s.x, "y": s.y, "rostrum": s.rostrum,
                "attendee": a.pk if i == 0 else None} for i, s in enumerate(ss)])
    pdf = paper.chart_pdf(plan, paper="A3")
    assert _pages(pdf, tmp_path) == 1
    assert "欧阳明月" in _text(pdf, tmp_path).replace(" ", "")  # i18n: data
