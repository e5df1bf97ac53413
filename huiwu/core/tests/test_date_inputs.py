"""Browser date inputs show dates in the computer's locale (mm/dd/yyyy on an English system): every
type=date / datetime-local input has our hint beside it (the current value in huiwu's style and an
example), tied to it by aria-describedby, and the pages say they are Chinese (<html lang>)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from huiwu.core import dates

ROOT = Path(dates.__file__).resolve().parents[1]
DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"(?:date|datetime-local)\"[^>]*>")


def _inputs_without_hint(html: str) -> list[str]:
    """Date inputs whose aria-describedby does not point at a hint with an example in it."""
    bad = []
    for tag in DATE_INPUT.findall(html):
        m = re.search(r'aria-describedby="([^"]+)"', tag)
        hint = m and re.search('id="' + re.escape(m.group(1)) + r'"[^>]*>([^<]*)<', html)
        if not hint or not re.match(r"当前：\d{4}年\d{1,2}月\d{1,2}日|例：2026-12-05", hint.group(1)):
            bad.append(tag)
    return bad


def test_no_template_asks_for_a_time_in_the_browsers_clock_style():
    """type=time is drawn in the computer's style (03:00 PM on an English system): times are typed
    as 24-hour 时:分 text with a pattern and an example instead."""
    found = [f"{path.relative_to(ROOT)}" for path in ROOT.rglob("*.html")
             if re.search(r'<input\b[^>]*\btype="time"', path.read_text(encoding="utf-8"))]
    assert found == [], found
    schedule = (ROOT / "rehearsals" / "templates" / "rehearsals" / "schedule.html").read_text(encoding="utf-8")
    assert 'name="time" inputmode="numeric" pattern=' in schedule and "24小时制" in schedule


def test_no_template_has_a_bare_date_input():
    """Inputs written in a template carry aria-describedby and a {% date_hint %} beside them."""
    found, bare = 0, []
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in DATE_INPUT.findall(text):
            found += 1
            if "aria-describedby" not in tag or "{% date_hint" not in text:
                bare.append(f"{path.relative_to(ROOT)}: {tag}")
    assert found >= 2 and bare == [], bare


def test_forms_use_the_hinted_widgets():
    """No form builds a date input of its own with Django's bare widgets."""
    bare = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if "tests" not in p.parts
            and re.search(r"forms\.(?:DateInput|DateTimeInput|SplitDateTimeWidget)\(", p.read_text(encoding="utf-8"))]
    assert bare == [], bare


def test_hint_text(settings):
    assert dates.input_hint("date", "2026-12-05") == "当前：2026年12月5日"
    assert dates.input_hint("datetime", datetime(2026, 12, 5, 16, 0)) == "当前：2026年12月5日 16:00，北京时间"
    assert dates.input_hint("datetime", "2026-12-05T16:00") == "当前：2026年12月5日 16:00，北京时间"
    assert dates.input_hint("datetime", "") == "例：2026-12-05 16:00，北京时间（年、月、日的顺序随本机设置）"
    assert dates.input_hint("date", "12/05/2026") == "例：2026-12-05（年、月、日的顺序随本机设置）"


@pytest.mark.django_db
def test_pages_with_date_inputs_explain_them(client, organizer, coordinator, demo_event):
    from huiwu.venues.services import save_approval_draft

    slug = demo_event.slug
    bj = demo_event.venues.get(code="110000")
    client.force_login(organizer)
    pages = {
        "event edit": f"/manage/{slug}/edit/",
        "venue (organizer's extension)": f"/manage/{slug}/venues/110000/",
    }
    for what, url in pages.items():
        html = client.get(url).content.decode()
        assert '<html lang="zh-hans">' in html
        assert DATE_INPUT.search(html), what
        assert _inputs_without_hint(html) == [], what
    edit = client.get(pages["event edit"]).content.decode()
    assert "当前：" + dates.long_dt(demo_event.starts_at) in edit  # the stored value in our style
    save_approval_draft(bj, approving_body="北京市疫情防控工作领导小组", approved_on=datetime(2026, 11, 30).date(),
                        actor=coordinator)
    client.force_login(coordinator)
    for url in (f"/manage/{slug}/venues/110000/", f"/manage/{slug}/venues/110000/receipt/"):
        html = client.get(url).content.decode()
        assert DATE_INPUT.search(html) and _inputs_without_hint(html) == [], url
    assert "当前：2026年11月30日" in client.get(f"/manage/{slug}/venues/110000/receipt/").content.decode()
