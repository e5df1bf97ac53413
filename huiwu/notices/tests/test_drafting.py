"""The notice drafted in the GB/T 9704-2012 layout: the validator, the fonts, and the round trip through
`huiwu notice parse` — the demo with its 2021 dates, and events made from other notices."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from docx.oxml.ns import qn

from huiwu.core import officedoc as od
from huiwu.notices import drafting
from huiwu.notices.parser import FIELD_PATHS, get_path, parse
from huiwu.notices.reading import read_notice_bytes, read_notice_file
from huiwu.notices.services import NoticeInvalid, create_event_from_notice

CORPUS = Path(__file__).parent / "notices"
# the event keeps a rehearsal contact but no window (the notice gave only an end time); a notice can
# name that contact only in a sentence about a timed video test, so it cannot come back (see README)
NO_ROUND_TRIP = {"05_sichuan_health_rules.txt"}


@pytest.fixture
def demo_2021(db):
    from huiwu.admission.engine import SEED_RULES
    from huiwu.admission.services import adopt_rules
    from huiwu.events.services import load_demo_event

    event = load_demo_event(historical=True)
    adopt_rules(event, SEED_RULES)
    return event


def nfkc(value):
    import unicodedata

    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def read_back(data: bytes) -> dict:
    return parse(read_notice_bytes(data, "draft.docx"))


# -- layout -----------------------------------------------------------------------------------------------
def test_grid_values_give_22_lines_of_28_characters():
    pitch, space = od.grid_values()
    assert pitch == 579 and space == -848
    assert int(225 / 25.4 * 1440 / pitch) == 22
    assert int((156 / 25.4 * 72) / (16 + space / 4096)) == 28


def test_demo_passes_the_validator(demo_2021):
    data = drafting.draft_docx(demo_2021)
    assert od.check_layout(data) == []
    assert od.page_number_problems(data) == []


def test_validator_catches_wrong_margins_grid_and_fonts(demo_2021):
    d = docx.Document(io.BytesIO(drafting.draft_docx(demo_2021)))
    d.sections[0].top_margin = docx.shared.Mm(25)
    grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:linePitch"), "312")
    run = d.paragraphs[10].add_run("没有东亚字体")
    run.font.name = "Arial"
    d.paragraphs[11].add_run("错的字体")._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "微软雅黑")
    buf = io.BytesIO()
    d.save(buf)
    problems = od.check_layout(buf.getvalue())
    assert any("top margin 25.0 mm" in p for p in problems)
    assert any("lines a page, want 22" in p for p in problems)
    assert any("没有东亚字体" in p and "no East Asian font" in p for p in problems)
    assert any("微软雅黑" in p for p in problems)


def test_head_title_headings_and_fonts(demo_2021):
    d = docx.Document(io.BytesIO(drafting.draft_docx(demo_2021)))
    paras = [p for p in d.paragraphs if p.text.strip()]
    mark, number, title = paras[0], paras[1], paras[2]
    assert mark.text == "教育部办公厅" and mark.runs[0].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    assert number.text == "教职成厅函〔2021〕24号"
    borders = [p for p in d.paragraphs if p._p.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}") is not None]
    assert borders and borders[0]._p.find(f".//{qn('w:bottom')}").get(qn("w:color")) == "FF0000"
    assert title.text == "教育部办公厅关于举办2021年全民终身学习活动周全国总开幕式的通知"
    assert title.runs[0].font.size.pt == 22 and title.runs[0].font.bold

    def east(run):
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east(title.runs[0]) == od.XBS
    h1 = next(p for p in paras if p.text == "一、主要内容")
    assert east(h1.runs[0]) == od.HEI
    h2 = next(p for p in paras if p.text.startswith("（一）时间："))
    assert east(h2.runs[0]) == od.KAI and east(h2.runs[1]) == od.FANGSONG and h2.runs[1].font.size.pt == 16
    assert any(p.text == "附件：1.主会场参会回执" for p in paras)
    assert paras[-1].text != "2021年11月19日"  # the forms follow the notice
    sig = next(i for i, p in enumerate(paras) if p.text == "2021年11月19日")
    assert paras[sig - 1].text == "教育部办公厅"
    # the receipt forms as attachments, after a page break
    assert any(p.text == "附件1" for p in paras) and any(p.text == "附件2" for p in paras)
    assert any(p.text == "分会场参加人员及视频调试负责人回执" for p in paras)
    assert len(d.tables) >= 3


def test_demo_reads_back_field_for_field(demo_2021):
    got = read_back(drafting.draft_docx(demo_2021))
    want = drafting.expected_fields(demo_2021)
    for path in FIELD_PATHS:
        assert get_path(got, path) == get_path(want, path), path
    assert got == want
    # and the parse of the seed itself agrees on the facts
    seed = parse(Path("/work/shared/seed/000_6c7442209d79a2e8.txt").read_text()) if Path(
        "/work/shared/seed/000_6c7442209d79a2e8.txt").exists() else None
    if seed:
        for key in ("title", "doc_number", "issuer", "issued_on", "addressees", "theme", "event", "main_venue",
                    "rehearsal", "contacts", "admission_rules"):
            assert got[key] == seed[key], key
        assert got["registration"]["deadline"] == seed["registration"]["deadline"]


def test_recreated_event_is_the_same_event(demo_2021, organizer):
    data = drafting.draft_docx(demo_2021)
    again = create_event_from_notice(read_back(data), organizer)
    for f in ("title", "doc_number", "issuer", "issued_on", "theme", "starts_at", "ends_at", "registration_deadline",
              "registration_email", "rehearsal_starts_at", "rehearsal_ends_at", "rehearsal_contact_name",
              "rehearsal_contact_phone", "arrive_before_minutes", "approval_required"):
        assert nfkc(getattr(again, f)) == nfkc(getattr(demo_2021, f)), f  # the parser gives text after NFKC
    assert again.venues.get(code="main").address == demo_2021.venues.get(code="main").address
    assert again.venues.filter(kind="branch").count() == demo_2021.venues.filter(kind="branch").count() == 37
    assert [a.title for a in again.attachments.all()] == [a.title for a in demo_2021.attachments.all()]
    from huiwu.admission.services import event_rules

    assert event_rules(again) == event_rules(demo_2021)


def corpus_events(organizer):
    for path in sorted(CORPUS.glob("*.txt")):
        if path.name in NO_ROUND_TRIP:
            continue
        try:
            yield path.name, create_event_from_notice(parse(read_notice_file(path)), organizer)
        except NoticeInvalid:
            continue  # not enough for an event (no start time, no capacity…)


def test_events_from_other_notices_read_back(organizer):
    checked, failures = 0, {}
    for name, event in corpus_events(organizer):
        data = drafting.draft_docx(event)
        got, want = read_back(data), drafting.expected_fields(event)
        diff = {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}
        if diff:
            failures[name] = diff
        checked += 1
    assert checked >= 40, checked
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)[:3000]


def test_events_of_other_shapes_pass_the_validator(organizer):
    shapes = set()
    for name, event in corpus_events(organizer):
        branches = event.venues.filter(kind="branch").exists()
        key = (branches, event.approval_required, bool(event.registration_deadline), bool(event.issuer))
        if key in shapes:
            continue
        shapes.add(key)
        data = drafting.draft_docx(event)
        assert od.check_layout(data) == [], name
    assert (False, False, True, True) in shapes or len(shapes) >= 3


def test_rule_sentences_keep_order_and_scope():
    rules = [{"kind": "nucleic_acid_test", "window_hours": 24, "applies_to": "all", "venues": "all"},
             {"kind": "health_code", "color": "green", "issuer": None, "venues": "main"},
             {"kind": "itinerary_code", "venues": "main"},
             {"kind": "risk_area_stay", "window_days": 7, "venues": "branch"},
             {"kind": "symptoms", "window_days": 7, "venues": "branch"}]
    text = "".join(drafting.rule_sentences(rules))
    assert text.index("核酸") < text.index("健康码") < text.index("驻留史") < text.index("疑似症状")
    assert "主会场参会人员需提供健康码绿码和行程码。" in text
    read = parse("某某厅关于召开某某会议的通知\n各单位：\n" + text + "\n某某厅\n2022年1月5日")["admission_rules"]
    assert [(r["kind"], r["venues"]) for r in read] == [(r["kind"], r["venues"]) for r in rules]


# -- the command and the preview ---------------------------------------------------------------------------
def test_cli_draft_then_parse_gives_the_event(demo_2021, tmp_path, capsys):
    out = tmp_path / "notice.docx"
    call_command("notice", "draft", demo_2021.slug, "-o", str(out))
    printed = capsys.readouterr().out
    assert "已起草" in printed
    for font in drafting.font_notes():
        assert font in printed  # the fonts the document asks for that this machine lacks are named
    call_command("notice", "parse", str(out), "--json")
    parsed = json.loads(capsys.readouterr().out)
    assert parsed == drafting.expected_fields(demo_2021)


def test_cli_unknown_event(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到会议"):
        call_command("notice", "draft", "no-such-event", "-o", str(tmp_path / "x.docx"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (CI installs it)")
def test_libreoffice_renders_the_first_page(demo_2021, tmp_path):
    from pypdf import PdfReader

    data = drafting.draft_docx(demo_2021)
    pdf = drafting.preview_pdf(data)
    assert pdf and pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    assert "教育部办公厅" in first and "〔2021〕" in first.replace(" ", "")
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 210
    # the preview's copy keeps 28 characters a line (LibreOffice spreads a negative-charSpace grid)
    import re

    lines = [x.replace(" ", "") for x in reader.pages[1].extract_text().splitlines()]
    full = [x for x in lines if len(x) >= 20 and not re.search(r"[ -~]", x)]  # Chinese only, a full line
    assert full and all(26 <= len(x) <= 29 for x in full), full
    assert "— 1 —" in first or "—1—" in first.replace(" ", "")
    if shutil.which("pdftoppm"):
        png = drafting.preview_png(pdf)
        assert png and png.startswith(b"\x89PNG")
        shots = Path("/tmp/shots")
        shots.mkdir(exist_ok=True)
        (shots / "notice-draft-page1.png").write_bytes(png)
