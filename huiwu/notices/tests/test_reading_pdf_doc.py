"""Notices from PDF (text layer) and old Word/WPS (.doc via LibreOffice) read as their .txt twins do.

The corpus: notices of tests/notices converted by LibreOffice here (`soffice --convert-to pdf|doc`), so
the PDFs carry what real ones do — lines wrapped mid-sentence, numbers and addresses moved to the next
line, a font change between Chinese and digits — plus the drafted notice as PDF (a character grid, page
numbers “— N —”, the receipt forms after the signature)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from huiwu.notices.parser import parse
from huiwu.notices.pdftext import join_lines, pdf_text
from huiwu.notices.reading import NoticeFileError, read_notice_bytes, read_notice_file

CORPUS = Path(__file__).parent / "notices"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed (CI installs it)")
#: every third notice of the corpus (33 files): traditional characters, GBK, full-width digits, chrome
SAMPLE = sorted(CORPUS.glob("*.txt"))[::3]
#: what these conversions cannot keep, by design (all 99 notices: 97 PDFs and 97 .docs read as their twins)
KNOWN = {
    # the .txt is hard-wrapped at a fixed width; LibreOffice makes each line a Word paragraph, and the
    # .docx reader never joins Word paragraphs (a real Word file's paragraphs are whole)
    ("doc", "18_province_wrapped.txt"), ("doc", "60_info_table_wrapped.txt"),
    # “市大数据局 林峰” wrapped at the space: a PDF line end keeps no trace of the space
    ("pdf", "46_city_gov_new_year.txt"),
}


def convert(paths: list[Path], target: str, out: Path) -> dict[str, Path]:
    """One LibreOffice run converting the .txt files (read as UTF-8, GBK re-encoded first) to `target`."""
    src = out / "src"
    src.mkdir(exist_ok=True)
    for p in paths:
        (src / p.name).write_text(read_notice_file(p), encoding="utf-8")
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
                    "--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", target, "--outdir", str(out / target),
                    *[str(src / p.name) for p in paths]], check=True, capture_output=True, timeout=600,
                   env={**os.environ, "HOME": str(out)})
    return {p.name: out / target / (p.stem + "." + target) for p in paths}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("notices-office")
    return {"pdf": convert(SAMPLE, "pdf", out), "doc": convert(SAMPLE, "doc", out)}


@needs_office
@pytest.mark.parametrize("kind", ["pdf", "doc"])
def test_converted_notices_parse_as_their_txt_twins(converted, kind):
    failures = {}
    for txt in SAMPLE:
        if (kind, txt.name) in KNOWN:
            continue
        path = converted[kind][txt.name]
        assert path.exists(), path
        want = parse(read_notice_file(txt))
        got = parse(read_notice_bytes(path.read_bytes(), path.name))
        diff = {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}
        if diff:
            failures[txt.name] = diff
    assert len(SAMPLE) >= 30
    assert not failures, failures


@needs_office
def test_drafted_notice_as_pdf_reads_back_to_the_event(db):
    """huiwu's own PDF of the draft (the page's preview): page numbers, the forms after the date."""
    from huiwu.admission.engine import SEED_RULES
    from huiwu.admission.services import adopt_rules
    from huiwu.events.services import load_demo_event
    from huiwu.notices import drafting

    event = load_demo_event(historical=True)
    adopt_rules(event, SEED_RULES)
    data = drafting.preview_pdf(drafting.draft_docx(event))
    text = read_notice_bytes(data, "notice.pdf")
    assert "— 1 —" not in text and "填报单位（盖章）" in text  # page numbers gone, the forms still there
    assert parse(text) == drafting.expected_fields(event)


def test_scanned_pdf_gets_a_plain_message():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFillGray(0.3)
    for y in range(100, 700, 30):
        c.rect(80, y, 400, 12, fill=1, stroke=0)  # lines of "text" as pictures, like a scan
    c.showPage()
    c.save()
    with pytest.raises(NoticeFileError, match="没有可读取的文字层.*扫描件"):
        read_notice_bytes(buf.getvalue(), "扫描件.pdf")


def test_pdf_with_script_or_not_a_pdf_is_refused():
    with pytest.raises(NoticeFileError, match="脚本"):
        read_notice_bytes(b"%PDF-1.4\n1 0 obj << /JS (app.alert(1)) >> endobj\n%%EOF\n", "x.pdf")
    with pytest.raises(NoticeFileError, match="不是 PDF"):
        read_notice_bytes(b"hello, this is text", "x.pdf")
    with pytest.raises(NoticeFileError, match="不完整"):
        read_notice_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n", "x.pdf")


def test_doc_that_is_not_a_word_file_is_refused():
    with pytest.raises(NoticeFileError, match="无法读取"):
        read_notice_bytes(b"MZ\x90\x00" + b"\x00" * 200, "notice.doc")


def test_pdf_text_made_by_reportlab_with_page_numbers():
    """A two-page PDF written here: page numbers and the running header go, the broken sentence joins."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    pages = [["某某省教育厅文件", "某某省教育厅关于召开全省工作会议的通知", "各市教育局：",
              "经研究，定于2023年5月10日9:00—11:30在省教育厅三楼会议室召开全省", "工作会议。", "— 1 —"],
             ["某某省教育厅文件", "会议人数在40人以内。", "某某省教育厅", "2023年5月4日", "— 2 —"]]
    for lines in pages:
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(70, 780 - 24 * i, line)
        c.showPage()
    c.save()
    text = pdf_text(buf.getvalue())
    assert "— 1 —" not in text and "— 2 —" not in text
    assert text.count("某某省教育厅文件") == 1
    result = parse(text)
    assert result["event"]["starts_at"] == "2023-05-10T09:00:00+08:00"
    assert result["main_venue"]["capacity"] == 40 and result["issued_on"] == "2023-05-04"


def test_join_lines_rules():
    full = "一" * 28
    body = [full[:-1] + "。"] * 5  # the width a full line has on these pages
    pages = [body + ["  " + full[:-2] + "发送至", "abc@example.org。", "第1页 共2页"],
             ["教 职 成 厅 函 〔 2021 〕 24 号", "联系人：办公室  王立  010-6609", "6253", "2"]]
    from huiwu.notices.pdftext import _unspace

    text = join_lines([[x[:len(x) - len(x.lstrip())] + _unspace(x) for x in p] for p in pages])
    lines = text.splitlines()
    assert lines[5].endswith("发送至abc@example.org。")
    assert "教职成厅函〔2021〕24号" in lines
    assert "联系人：办公室  王立  010-66096253" in lines  # the wide gap stays, the number joins
    assert "第1页" not in text and lines[-1] != "2"
