"""Notice files: .txt (UTF-8, GBK), .docx built with python-docx, .html with site chrome; limits;
and `huiwu notice parse FILE --json` end to end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from huiwu.notices import reading
from huiwu.notices.parser import parse
from huiwu.notices.reading import NoticeFileError, read_notice_bytes, read_notice_file
from huiwu.receipts.tests.files import bzip2_bomb_docx, simple_docx, zip_bomb_docx

from .test_parser import SEED_EXPECTED, seed_text

ROOT = Path(__file__).resolve().parents[3]


def seed_notice_only() -> str:
    text = seed_text()
    return text[text.index("教育部办公厅关于举办"):text.index("更多>>")]


def test_txt_utf8_and_gbk(tmp_path):
    utf8 = tmp_path / "a.txt"
    utf8.write_text(seed_text(), encoding="utf-8")
    gbk = tmp_path / "b.txt"
    gbk.write_bytes(seed_text().encode("gb18030"))
    assert parse(read_notice_file(utf8)) == parse(read_notice_file(gbk)) == SEED_EXPECTED


def test_docx_built_with_python_docx(tmp_path):
    import docx

    document = docx.Document()
    for line in seed_notice_only().split("\n"):
        document.add_paragraph(line)
    # a table in the document does not break the reading order
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "备注"
    table.cell(0, 1).text = "无"
    path = tmp_path / "notice.docx"
    document.save(path)
    text = read_notice_file(path)
    assert "备注  无" in text
    assert parse(text) == SEED_EXPECTED


def test_html_page_loses_scripts_menus_and_footer_contacts():
    body = "".join(f"<p>{line}</p>" for line in seed_notice_only().split("\n"))
    page = f"""<html><head><title>x</title><style>p{{color:red}}</style>
    <script>var phone="13900000000"; var mail="evil@example.com";</script></head>
    <body><nav><a>首页</a> 咨询电话:010-12345678</nav>
    <div class="article">{body}</div>
    <div class="related"><h3>相关新闻</h3><ul><li>关于召开2019年工作会议的通知 2019-01-02</li></ul></div>
    <footer>版权所有 电话:020-99999999 邮箱:webmaster@example.com</footer></body></html>"""
    text = read_notice_bytes(page.encode("utf-8"), "notice.html")
    assert "13900000000" not in text and "12345678" not in text
    assert parse(text) == SEED_EXPECTED


def test_unknown_empty_and_oversize_files_are_refused(tmp_path, monkeypatch):
    with pytest.raises(NoticeFileError, match="无法识别"):
        read_notice_bytes(b"abc", "notice.exe")
    with pytest.raises(NoticeFileError, match="不是 Word"):
        read_notice_bytes(b"abc", "notice.doc")  # .doc is read (LibreOffice), but this is no Word file
    with pytest.raises(NoticeFileError, match="空的"):
        read_notice_bytes(b"  \n", "notice.txt")
    with pytest.raises(NoticeFileError, match="不完整或已损坏"):
        read_notice_bytes(b"not a zip", "notice.docx")
    with pytest.raises(NoticeFileError, match="UTF-8 或 GBK"):
        read_notice_bytes(bytes([0xFF, 0xFE, 0x00, 0x81, 0x00]), "notice.txt")
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.txt"
    big.write_text("通" * 200, encoding="utf-8")
    with pytest.raises(NoticeFileError, match="太大"):
        read_notice_file(big)


def test_docx_bombs_and_entities_are_refused(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<a>" + " " * (3 * 1024 * 1024) + "</a>")
    with pytest.raises(NoticeFileError, match="压缩炸弹"):
        read_notice_bytes(buf.getvalue(), "bomb.docx")
    buf = io.BytesIO()
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", evil)
    with pytest.raises(NoticeFileError):
        read_notice_bytes(buf.getvalue(), "entities.docx")


def test_command_parse_json(tmp_path, capsys):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text(), encoding="utf-8")
    call_command("notice", "parse", str(path), "--json")
    assert json.loads(capsys.readouterr().out) == SEED_EXPECTED


def test_command_parse_json_with_sources(tmp_path, capsys):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text(), encoding="utf-8")
    call_command("notice", "parse", str(path), "--json", "--sources")
    out = json.loads(capsys.readouterr().out)
    assert out["result"] == SEED_EXPECTED
    assert set(out["sources"]) >= {"event.starts_at", "contacts", "admission_rules"}


def test_command_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("notice", "parse", str(tmp_path / "nope.txt"), "--json")


def test_huiwu_command_exit_codes(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    out = subprocess.run([sys.executable, "-m", "huiwu.cli", "notice", "parse", str(bad), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode != 0
    assert "PDF 文件不完整" in out.stderr or "不是 PDF" in out.stderr


def test_html_in_gbk_with_declared_charset():
    page = ('<html><head><meta charset="gb2312"></head><body><p>联系人:王立</p></body></html>').encode("gb18030")
    assert "联系人:王立" in read_notice_bytes(page, "a.htm")


def test_text_too_long_to_be_a_notice():
    with pytest.raises(NoticeFileError, match="正文过长"):
        read_notice_bytes(("通知" * 150_000).encode("utf-8"), "long.txt")


def test_html_source_line_breaks_do_not_split_paragraphs():
    page = "<html><body><div>\n  <p>定于2022年5月10日\n      上午9:00召开会议。</p><p>联系人:王立<br>电话:010-66096253</p></div></body></html>"
    text = read_notice_bytes(page.encode("utf-8"), "a.html")
    assert "定于2022年5月10日 上午9:00召开会议。" in text
    assert "联系人:王立\n电话:010-66096253" in text


@pytest.mark.parametrize("build,says", [
    (lambda: bzip2_bomb_docx(total=1 << 28), "压缩方式"),                 # inflated in one uncapped step
    (lambda: zip_bomb_docx(1 << 26, lie=True), "压缩炸弹|不符"),          # lies about its size
    (lambda: simple_docx()[:700], "不是有效的 Word|不完整"),              # truncated
])
def test_hostile_docx_notices_get_a_plain_message_not_a_traceback(build, says):
    """Notices go through the receipts' zip checks: the same hostile files, the same refusals."""
    with pytest.raises(NoticeFileError, match=says):
        read_notice_bytes(build(), "通知.docx")
