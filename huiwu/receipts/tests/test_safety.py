"""Hostile and broken files: each is refused with a plain Chinese message, never a traceback,
and reading them keeps the process small."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from huiwu.core.files.safety import MAX_MEMBERS, UnsafeFile, check_file, parse_xml
from huiwu.receipts.documents.reader import read_document

from .files import (
    BILLION_LAUGHS,
    XXE,
    excelize,
    read_in_fresh_process,
    rezip,
    simple_docx,
    simple_xlsx,
    zip_bomb_docx,
)

ROOT = Path(__file__).resolve().parents[3]


def refused(data: bytes, name: str) -> str:
    with pytest.raises(UnsafeFile) as info:
        read_document(data, name)
    message = info.value.message
    assert message and "Traceback" not in message and not message.isascii()
    return message


def test_defusedxml_is_what_openpyxl_uses():
    assert openpyxl.DEFUSEDXML is True


def test_zip_bomb_refused_from_the_directory():
    assert "压缩炸弹" in refused(zip_bomb_docx(1 << 30), "bomb.docx")


def test_zip_bomb_that_lies_about_its_size_is_cut_off():
    message = refused(zip_bomb_docx(1 << 30, lie=True), "liar.docx")
    assert "损坏" in message or "压缩炸弹" in message


def test_high_ratio_member_refused():
    data = rezip(simple_docx(), add={"word/media/blank.bin": b"\0" * (8 << 20)})
    assert "压缩比" in refused(data, "ratio.docx")


def test_too_many_members_refused():
    data = rezip(simple_docx(), add={f"word/extra/item{i}.xml": b"<a/>" for i in range(MAX_MEMBERS + 1)})
    assert "部件过多" in refused(data, "many.docx")


def test_billion_laughs_part_refused():
    data = rezip(simple_docx(), replace={"word/document.xml": BILLION_LAUGHS})
    assert "DOCTYPE" in refused(data, "laughs.docx")


def test_external_entity_in_shared_strings_refused():
    data = excelize(simple_xlsx())
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    data = rezip(data, replace={"xl/sharedStrings.xml": XXE})
    assert "DOCTYPE" in refused(data, "xxe.xlsx")


def test_doctype_in_utf16_part_refused():
    data = rezip(simple_docx(), replace={"word/document.xml": BILLION_LAUGHS.decode().replace(
        'version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")})
    assert "DOCTYPE" in refused(data, "u16.docx")


def test_doctype_refused_by_the_parser_helper_too():
    with pytest.raises(UnsafeFile):
        parse_xml(b'<?xml version="1.0"?><!doctype a [<!ENTITY b "c">]><a>&b;</a>')


def test_truncated_zip_refused():
    data = simple_docx()
    assert "不完整" in refused(data[: len(data) // 2], "half.docx")
    assert "不完整" in refused(data[:-10], "tail.docx")


def test_corrupted_member_refused():
    data = bytearray(simple_docx())
    info = next(i for i in zipfile.ZipFile(__import__("io").BytesIO(bytes(data))).infolist()
                if i.filename == "word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start:start + 40] = b"\xff" * 40
    refused(bytes(data), "broken.docx")


@pytest.mark.parametrize("head,name,word", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 200, "回执.docx", "可执行程序"),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "回执.xlsx", "可执行程序"),
    (b"%PDF-1.7\n" + b"x" * 200, "回执.docx", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "回执.xlsx", "图片"),
    (b"PK\x03\x04" + b"\0" * 200, "名单.csv", "压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "回执.docx", "旧版"),
])
def test_file_that_is_not_what_its_name_says(head, name, word):
    assert word in refused(head, name)


def test_excel_named_docx_and_word_named_xlsx():
    assert ".xlsx" in refused(simple_xlsx(), "r.docx")
    assert ".docx" in refused(simple_docx(), "r.xlsx")


def test_encrypted_office_file_asks_to_remove_the_password():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    assert "密码" in refused(data, "加密.docx")


@pytest.mark.parametrize("name", ["回执.docm", "回执.xlsm", "回执.dotm", "回执.xlsb"])
def test_macro_extensions_refused(name):
    assert "宏" in refused(simple_docx(), name)


def test_vba_project_inside_a_docx_refused():
    data = rezip(simple_docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100})
    assert "宏" in refused(data, "r.docx")


def test_macro_enabled_content_type_refused():
    data = simple_xlsx()
    ct = zipfile.ZipFile(__import__("io").BytesIO(data)).read("[Content_Types].xml")
    ct = ct.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    assert "宏" in refused(rezip(data, replace={"[Content_Types].xml": ct}), "r.xlsx")


def test_size_limit(settings):
    settings.HUIWU_MAX_UPLOAD_BYTES = 1000
    assert "太大" in refused(simple_docx(), "big.docx")


def test_empty_and_unknown_files():
    assert "空" in refused(b"", "r.docx")
    assert "不支持" in refused(b"hello", "r.exe")
    assert "不支持" in refused(b"hello", "README")


def test_check_file_accepts_what_it_should():
    assert check_file(simple_docx(), "a.DOCX") == "docx"
    assert check_file(simple_xlsx(), "b.xlsx") == "xlsx"
    assert check_file("姓名,单位\n".encode("gbk"), "c.csv") == "csv"
    assert check_file(b"{\\rtf1 hello}", "d.doc") == "doc"


@pytest.mark.django_db
def test_import_reports_rejected_with_message(demo_event):
    from huiwu.receipts.documents.importer import import_file

    for data, name in [(zip_bomb_docx(1 << 28), "bomb.docx"), (b"MZ" + b"\0" * 100, "exe.docx"),
                       (simple_docx(), "r.docm")]:
        report = import_file(data, name, event=demo_event)
        assert report["status"] == "rejected"
        assert report["errors"][0]["row"] is None and report["errors"][0]["message"]


def test_memory_stays_small_on_hostile_files(tmp_path):
    """Read a 1 GiB zip bomb (honest and lying), billion laughs and a truncated zip in a fresh process;
    its peak RSS stays under 300 MB."""
    files = {
        "bomb.docx": zip_bomb_docx(1 << 30),
        "liar.docx": zip_bomb_docx(1 << 30, lie=True),
        "laughs.docx": rezip(simple_docx(), replace={"word/document.xml": BILLION_LAUGHS}),
        "half.xlsx": simple_xlsx()[:3000],
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = read_in_fresh_process(tmp_path, timeout=120)
    assert all(result[name] != "read" for name in files), result
    assert result["maxrss_kb"] < 300 * 1024, result


def test_huge_xml_part_refused_before_parsing():
    noise = os.urandom(7 * 1024 * 1024 // 2).hex().encode()  # hardly compressible: the ratio check passes
    big = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' \
        + b"<w:body><w:p><w:r><w:t>" + noise + b"</w:t></w:r></w:p></w:body></w:document>"
    assert "内容过多" in refused(rezip(simple_docx(), replace={"word/document.xml": big}), "big.docx")


def test_thousands_of_huge_merged_ranges_cost_little():
    import time

    data = simple_xlsx()
    sheet = zipfile.ZipFile(__import__("io").BytesIO(data)).read("xl/worksheets/sheet1.xml")
    merges = "".join(f'<mergeCell ref="A{i}:BZ1048576"/>' for i in range(1, 3000)).encode()
    sheet = sheet.replace(b"</worksheet>", b"") .split(b"<mergeCells")[0]
    sheet += b'<mergeCells count="2999">' + merges + b"</mergeCells></worksheet>"
    start = time.process_time()
    ex = __import__("huiwu.receipts.documents.extract", fromlist=["extract"]).extract(
        read_document(rezip(data, replace={"xl/worksheets/sheet1.xml": sheet}), "merged.xlsx"))
    assert time.process_time() - start < 5
    assert ex is not None


@pytest.mark.parametrize("part", ["word/styles.xml", "word/_rels/document.xml.rels", "docProps/app.xml"])
def test_doctype_in_any_xml_part_is_refused_even_one_never_parsed(part):
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert "DOCTYPE" in refused(rezip(simple_docx(), replace={part: hostile}), "r.docx")


def test_doctype_after_a_long_comment_in_the_prolog_is_found():
    hostile = b'<?xml version="1.0"?><!--' + b"x" * 20000 + b'--><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert "DOCTYPE" in refused(rezip(simple_docx(), replace={"word/theme/theme1.xml": hostile}), "r.docx")


def test_endless_prolog_is_refused():
    hostile = b'<?xml version="1.0"?>' + b"<!-- c -->" * 10000 + b"<x/>"
    assert "开头异常" in refused(rezip(simple_docx(), replace={"word/settings.xml": hostile}), "r.docx")
