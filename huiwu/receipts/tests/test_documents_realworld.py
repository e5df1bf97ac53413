"""Receipts as Word, WPS and Excel really write them: the shapes the template tests do not make.

Each test builds its file (python-docx, openpyxl, or the raw XML those programs write) and reads
it through the pure layer, `extract(read_document(...))`; a few go end to end through the import.
"""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from huiwu.core.files.safety import UnsafeFile
from huiwu.receipts.documents.extract import extract, parse_contact_line
from huiwu.receipts.documents.reader import read_document

from .files import (
    add_table,
    docx_bytes,
    docx_with_body,
    raw_xlsx,
    rezip,
    simple_docx,
    simple_xlsx,
    w_p,
    w_tbl,
    w_tc,
    x_row,
    xlsx_bytes,
)

HEADER = ["序号", "姓名", "单位", "职务", "手机"]


def read(data: bytes, name: str):
    return extract(read_document(data, name))


def people(ex) -> list[tuple]:
    return [(r.row, r.data["name"], r.data["unit"], r.data["position"], r.data["phone"]) for r in ex.attendees]


def names(ex) -> list[str]:
    return [r.data["name"] for r in ex.attendees]


# == Word ============================================================================================
def test_docx_header_cells_with_line_breaks_and_brackets():
    d = docx.Document()
    add_table(d, [["序\n号", "姓  名", "工作\n单位", "职务\n/职称", "联系电话（手机）"],
                  ["1", "王\u3000小\u3000明", "辽宁省教育厅", "处长", "13800138000"]])
    ex = read(docx_bytes(d), "r.docx")
    assert people(ex) == [(2, "王小明", "辽宁省教育厅", "处长", "13800138000")]


def test_docx_header_as_two_paragraphs_in_a_cell():
    body = w_tbl([["序号", "姓名", "单位", "职务", w_tc(w_p("手机") + w_p("号码"))],
                  ["1", "李雷", "辽宁开放大学", "副校长", "13800138001"]])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "李雷", "辽宁开放大学", "副校长", "13800138001")]


def test_docx_leading_unit_column_merged_down_and_extra_columns():
    restart = '<w:vMerge w:val="restart"/>'
    cont = "<w:vMerge/>"
    body = w_tbl([
        ["单位", "序号", "姓名", "性别", "民族", "职务", "手机", "备注"],
        [w_tc("吉林省教育厅", restart), "1", "韩梅梅", "女", "汉族", "处长", "13800138002", ""],
        [w_tc("", cont), "2", "刘 洋", "男", "朝鲜族", "科长", "13800138003", "住宿"],
        [w_tc("", cont), "3", "张伟", "男", "汉族", "", "13800138004", ""],
    ])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "韩梅梅", "吉林省教育厅", "处长", "13800138002"),
                          (3, "刘洋", "吉林省教育厅", "科长", "13800138003"),
                          (4, "张伟", "吉林省教育厅", "", "13800138004")]


def test_docx_title_and_filing_unit_rows_inside_the_table():
    span = '<w:gridSpan w:val="5"/>'
    body = w_tbl([
        [w_tc("分会场参加人员回执", span)],
        [w_tc("填报单位：黑龙江省教育厅（盖章）      填报日期：  年  月  日", span)],
        HEADER,
        ["1", "赵强", "黑龙江省教育厅", "处长", "13800138005"],
    ])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(4, "赵强", "黑龙江省教育厅", "处长", "13800138005")]
    assert ex.declared_units == ["黑龙江省教育厅"]


@pytest.mark.parametrize("line,unit", [
    ("填报单位：黑龙江省教育厅      填报日期：2026年11月20日", "黑龙江省教育厅"),
    ("填报单位（盖章）：黑龙江省教育厅 填报人：王五 联系电话：13800138000", "黑龙江省教育厅"),
    ("单位名称：黑龙江开放大学    联系人：王五", "黑龙江开放大学"),
])
def test_declared_unit_stops_before_the_next_label(line, unit):
    ex = read(simple_docx(unit_line=line), "r.docx")
    assert ex.declared_units == [unit]


TEXTBOX_TABLE = w_tbl([HEADER, ["1", "孙悦", "上海市教育委员会", "处长", "13800138006"]])


def test_docx_table_inside_a_text_box_read_once():
    """WPS and Word put a text box in mc:AlternateContent: the DrawingML choice and a VML fallback
    with the same content. The table is read, once."""
    box = ("<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData>"
           f"<wps:wsp><wps:txbx><w:txbxContent>{w_p('分会场参加人员名单')}{TEXTBOX_TABLE}</w:txbxContent></wps:txbx>"
           "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
           f"<v:textbox><w:txbxContent>{w_p('分会场参加人员名单')}{TEXTBOX_TABLE}</w:txbxContent></v:textbox></v:shape>"
           "</w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    body = w_p("附件2") + w_p(inner=box) + w_p("视频调试负责人：钱坤，手机：13800138007")
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "孙悦", "上海市教育委员会", "处长", "13800138006")]
    assert ex.tech_contact == {"name": "钱坤", "phone": "13800138007"}


def test_docx_text_box_with_only_a_vml_fallback():
    box = f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{TEXTBOX_TABLE}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    ex = read(docx_with_body(w_p(inner=box)), "r.docx")
    assert names(ex) == ["孙悦"]


def test_docx_tracked_changes_deleted_text_is_not_read_inserted_is():
    name = ('<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>周杰</w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="a"><w:r><w:t>吴磊</w:t></w:r></w:ins></w:p>')
    phone = ('<w:p><w:r><w:t>1380013</w:t></w:r><w:del w:id="3" w:author="a"><w:r><w:delText>9999</w:delText></w:r>'
             '</w:del><w:ins w:id="4" w:author="a"><w:r><w:t>8008</w:t></w:r></w:ins></w:p>')
    moved = ('<w:p><w:moveFrom w:id="5" w:author="a"><w:r><w:t>旧单位</w:t></w:r></w:moveFrom>'
             '<w:moveTo w:id="6" w:author="a"><w:r><w:t>浙江省教育厅</w:t></w:r></w:moveTo></w:p>')
    deleted_row = ('<w:tr><w:trPr><w:del w:id="7" w:author="a"/></w:trPr>' + "".join(
        w_tc(f'<w:p><w:del w:id="8" w:author="a"><w:r><w:delText>{t}</w:delText></w:r></w:del></w:p>')
        for t in ["2", "删除人", "浙江省教育厅", "科长", "13800138099"]) + "</w:tr>")
    body = w_tbl([HEADER, ["1", w_tc(name), w_tc(moved), "处长", w_tc(phone)]]).replace("</w:tbl>", deleted_row + "</w:tbl>")
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "吴磊", "浙江省教育厅", "处长", "13800138008")]


def test_docx_content_controls_in_cells_and_placeholders_left_unfilled():
    def sdt(text, placeholder=False):
        show = "<w:showingPlcHdr/>" if placeholder else ""
        return (f'<w:sdt><w:sdtPr><w:alias w:val="姓名"/>{show}</w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t>'
                "</w:r></w:p></w:sdtContent></w:sdt>")

    def inline_sdt(text, placeholder=False):
        show = "<w:showingPlcHdr/>" if placeholder else ""
        return (f"<w:p><w:sdt><w:sdtPr>{show}</w:sdtPr><w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent>"
                "</w:sdt></w:p>")

    body = w_tbl([HEADER,
                  ["1", w_tc(sdt("郑爽")), w_tc(inline_sdt("福建省教育厅")), "处长", w_tc(inline_sdt("13800138009"))],
                  ["2", w_tc(sdt("单击或点击此处输入文字。", True)), w_tc(inline_sdt("单击此处输入文字。", True)), "",
                   w_tc(inline_sdt("Click or tap here to enter text.", True))]])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "郑爽", "福建省教育厅", "处长", "13800138009")]
    assert not ex.errors


def test_docx_hyperlinks_smart_tags_and_fields_do_not_leak_instructions():
    name = ('<w:p><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="PersonName">'
            '<w:r><w:t>冯</w:t></w:r><w:r><w:t>巩</w:t></w:r></w:smartTag></w:p>')
    unit = ('<w:p><w:hyperlink r:id="rIdX" w:history="1"><w:r><w:t>江西省教育厅</w:t></w:r></w:hyperlink></w:p>')
    pos = ('<w:p><w:fldSimple w:instr=" MERGEFIELD 职务 "><w:r><w:t>处长</w:t></w:r></w:fldSimple></w:p>')
    phone = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
             '"tel:13800138010" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:t>13800138010</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    body = w_tbl([HEADER, ["1", w_tc(name), w_tc(unit), w_tc(pos), w_tc(phone)]])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "冯巩", "江西省教育厅", "处长", "13800138010")]


def test_docx_symbols_tabs_and_breaks_inside_names():
    name = '<w:p><w:r><w:t>欧阳</w:t><w:tab/><w:t>修</w:t></w:r></w:p>'
    name2 = '<w:p><w:r><w:t>马</w:t><w:br/><w:t>丁</w:t><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>'
    phone = '<w:p><w:r><w:t>138</w:t><w:noBreakHyphen/><w:t>0013</w:t><w:softHyphen/><w:t>8011</w:t></w:r></w:p>'
    body = w_tbl([HEADER, ["1", w_tc(name), "山东省教育厅", "处长", w_tc(phone)],
                  ["2", w_tc(name2), "山东省教育厅", "科长", "13800138012"]])
    ex = read(docx_with_body(body), "r.docx")
    assert people(ex) == [(2, "欧阳修", "山东省教育厅", "处长", "13800138011"),
                          (3, "马丁", "山东省教育厅", "科长", "13800138012")]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_invisible_characters_in_names_and_phones(fmt):
    rows = [["姓名", "单位", "手机"],
            ["张\u200b三", "河南省\u00a0教育厅", "138\u00ad0013\u200b8013"],
            ["\ufeff李\u2060四\u200d", "河南省教育厅", "\u202a13800138014\u202c"],
            ["王\u00a0\u00a0五", "河南省教育厅", "138\u00a00013\u00a08015"]]
    if fmt == "docx":
        d = docx.Document()
        add_table(d, rows)
        data = docx_bytes(d)
    elif fmt == "xlsx":
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        data = xlsx_bytes(wb)
    else:
        data = "\n".join(",".join(r) for r in rows).encode("utf-8")
    ex = read(data, f"r.{fmt}")
    assert [(r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        ("张三", "河南省 教育厅", "13800138013"), ("李四", "河南省教育厅", "13800138014"),
        ("王五", "河南省教育厅", "13800138015")]


def test_docx_two_receipt_tables_main_and_branch():
    body = (w_p("附件1 主会场参会回执") + w_tbl([HEADER, ["1", "钟南", "湖北省教育厅", "厅长", "13800138016"]])
            + w_p("附件2 分会场参加人员回执") + w_tbl([HEADER, ["1", "陈北", "湖北开放大学", "校长", "13800138017"],
                                                   ["2", "林西", "湖北开放大学", "处长", "13800138018"]]))
    ex = read(docx_with_body(body), "r.docx")
    assert [(r.where, r.row, r.data["name"]) for r in ex.attendees] == [
        ("第1个表格", 2, "钟南"), ("第2个表格", 2, "陈北"), ("第2个表格", 3, "林西")]
    assert ex.several_tables


def test_docx_automatic_numbering_leaves_the_index_column_empty():
    numbered = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>'
    body = w_tbl([HEADER, [w_tc(numbered), "黄河", "广东省教育厅", "处长", "13800138019"],
                  [w_tc(numbered), "长江", "广东省教育厅", "科长", "13800138020"],
                  [w_tc(numbered), "", "", "", ""]])
    ex = read(docx_with_body(body), "r.docx")
    assert [(r.row, r.data["name"]) for r in ex.attendees] == [(2, "黄河"), (3, "长江")]
    assert not ex.errors


def test_docx_alt_chunk_html_table_is_read():
    html = ("<html><body><p>分会场参加人员</p><table><tr><td>姓名</td><td>单位</td><td>手机</td></tr>"
            "<tr><td>高 原</td><td>西藏自治区教育厅</td><td>13800138021</td></tr></table></body></html>").encode()
    rel = ('<Relationship Id="rIdAlt" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
           'Target="afchunk.htm"/>')
    body = w_p("附件2") + '<w:altChunk r:id="rIdAlt"/>'
    data = docx_with_body(body, rels=rel, add={"word/afchunk.htm": html})
    ex = read(data, "r.docx")
    assert [(r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        ("高原", "西藏自治区教育厅", "13800138021")]


# == Excel ===========================================================================================
def test_xlsx_hidden_rows_and_columns_are_read_and_said():
    """A hidden row or column still holds what was typed (autofilter hides rows too): it is read,
    and a warning says so, so nobody is filed without the coordinator seeing it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "内部编号", "单位", "职务", "手机"])
    ws.append([1, "何田", "X1", "重庆市教育委员会", "处长", "13800138022"])
    ws.append([2, "何地", "X2", "重庆市教育委员会", "科长", "13800138023"])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["C"].hidden = True
    ws.auto_filter.ref = "A1:F3"
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"处长,科长"')
    ws.add_data_validation(dv)
    dv.add("E2:E100")
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert people(ex) == [(2, "何田", "重庆市教育委员会", "处长", "13800138022"),
                          (3, "何地", "重庆市教育委员会", "科长", "13800138023")]
    assert any("隐藏" in w and "第3行" in w for w in ex.warnings)


def test_xlsx_formulas_with_cached_values_and_numbers_as_excel_stores_them():
    rows = (x_row(2, ["序号", "姓名", "单位", "职务", "手机"], start="B")
            + '<row r="3"><c r="B3"><f>ROW()-2</f><v>1</v></c><c r="C3" t="str"><f>"曹"&amp;"操"</f><v>曹操</v></c>'
              '<c r="D3" t="inlineStr"><is><t>四川省教育厅</t></is></c><c r="E3" t="inlineStr"><is><t>处长</t></is></c>'
              '<c r="F3"><v>13800138024</v></c></row>'
            + '<row r="4"><c r="B4"><f>ROW()-2</f><v>2</v></c><c r="C4" t="inlineStr"><is><t>刘备</t></is></c>'
              '<c r="D4" t="inlineStr"><is><t>四川省教育厅</t></is></c><c r="E4"><v>45615</v></c>'
              '<c r="F4"><v>1.3800138025E10</v></c></row>')
    ex = read(raw_xlsx([("Sheet1", rows)]), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [
        (3, "曹操", "13800138024"), (4, "刘备", "13800138025")]


def test_xlsx_instructions_sheet_before_the_data_sheet():
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 姓名：请填写参会人员姓名，不要加空格；"])
    notes.append(["2. 手机：请填写11位手机号码。"])
    notes.append(["3. 视频调试负责人：请填写姓名和手机号码。"])
    notes.append(["姓名", "请填写全名"])
    notes.append(["手机", "11位"])
    notes.append(["示例："])
    notes.append(["姓名", "单位", "职务", "手机"])
    notes.append(["张三", "XX省教育厅", "处长", "13800000000"])
    data = wb.create_sheet("回执")
    data.append(["姓名", "单位", "职务", "手机"])
    data.append(["关羽", "湖北省教育厅", "处长", "13800138026"])
    data.append(["视频调试负责人：张飞，手机：13800138027"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert people(ex) == [(2, "关羽", "湖北省教育厅", "处长", "13800138026")]
    assert ex.tech_contact == {"name": "张飞", "phone": "13800138027"}
    assert not ex.errors


def test_xlsx_instructions_alone_give_no_made_up_contact():
    ex = read(simple_xlsx(contact_line="视频调试负责人：请填写姓名和手机号码"), "r.xlsx")
    assert ex.tech_contact is None


@pytest.mark.parametrize("prefix", ["", "x"])
def test_xlsx_written_by_wps_and_dotnet_writers(prefix):
    """No shared strings or shared strings with rich text, prefixed elements (x:c), no cell refs."""
    rich = ("<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>诸葛</x:t></x:r><x:r><x:t>亮</x:t></x:r></x:si>" if prefix else
            "<si><r><rPr><b/></rPr><t>诸葛</t></r><r><t>亮</t></r></si>")
    p = f"{prefix}:" if prefix else ""
    rows = (x_row(1, ["姓名", "单位", "手机"], prefix=prefix)
            + f'<{p}row r="2"><{p}c r="A2" t="s"><{p}v>0</{p}v></{p}c><{p}c r="B2" t="s"><{p}v>1</{p}v></{p}c>'
              f'<{p}c r="C2"><{p}v>13800138028</{p}v></{p}c></{p}row>'
            + x_row(3, ["黄月英", "", "13800138029"], prefix=prefix, refs=False))
    ex = read(raw_xlsx([("Sheet1", rows)], shared=[rich, "贵州省教育厅"], prefix=prefix), "wps.xlsx")
    assert [(r.row, r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        (2, "诸葛亮", "贵州省教育厅", "13800138028"), (3, "黄月英", "", "13800138029")]


def test_xlsx_rows_out_of_order_and_without_references():
    rows = (x_row(None, ["姓名", "单位", "手机"], refs=False)
            + x_row(None, ["孙权", "江苏省教育厅", 13800138030], refs=False)
            + '<row><c s="1"/><c s="1"/></row>'
            + x_row(None, ["周瑜", "江苏省教育厅", "13800138031"], refs=False))
    ex = read(raw_xlsx([("Sheet1", rows)]), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [
        (2, "孙权", "13800138030"), (4, "周瑜", "13800138031")]
    shuffled = (x_row(3, ["鲁肃", "江苏省教育厅", "13800138033"]) + x_row(1, ["姓名", "单位", "手机"])
                + x_row(2, ["吕蒙", "江苏省教育厅", "13800138032"]))
    ex = read(raw_xlsx([("Sheet1", shuffled)]), "r.xlsx")
    assert [(r.row, r.data["name"]) for r in ex.attendees] == [(2, "吕蒙"), (3, "鲁肃")]


def test_xlsx_styled_empty_cells_with_references_keep_columns_in_place():
    """A row mixing styled empty cells (with r=) and cells without r= (a spec-valid mix)."""
    rows = (x_row(1, ["姓名", "单位", "手机"])
            + '<row r="2"><c r="A2" s="1"/><c r="B2" s="1"/><c t="inlineStr"><is><t>13800138034</t></is></c></row>'
            + '<row r="3"><c r="A3" t="inlineStr"><is><t>陆逊</t></is></c><c r="B3" s="1"/>'
              '<c t="inlineStr"><is><t>13800138035</t></is></c></row>')
    ex = read(raw_xlsx([("Sheet1", rows)]), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [
        (2, "", "13800138034"), (3, "陆逊", "13800138035")]
    lone = x_row(1, ["姓名", "单位", "手机"]) + '<row r="2"><c r="B2" s="1"/><c t="inlineStr"><is><t>13800138036</t></is></c>' \
        '</row>'
    ex = read(raw_xlsx([("Sheet1", lone)]), "r.xlsx")
    assert [(r.data["unit"], r.data["phone"]) for r in ex.attendees] == [("", "13800138036")]


def test_xlsx_very_wide_sheet_chartsheet_and_empty_sheet():
    wide = x_row(1, ["姓名", "单位", "手机"]) + x_row(2, ["甘宁", "江西省教育厅", "13800138036"]) \
        + '<row r="3"><c r="XFD3" t="inlineStr"><is><t>右边很远</t></is></c></row>'
    sheet = (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
             f"<sheetData>{wide}</sheetData></worksheet>")
    chart = ('<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" '
             'Target="chartsheets/sheet1.xml"/>')
    data = raw_xlsx([("空表", ""), ("名单", sheet)])
    book = zipfile.ZipFile(io.BytesIO(data))
    rels = book.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", chart.encode() + b"</Relationships>")
    wb = book.read("xl/workbook.xml").replace(b"</sheets>", '<sheet name="图表" sheetId="9" r:id="rIdC"/></sheets>'.encode())
    data = rezip(data, replace={"xl/_rels/workbook.xml.rels": rels, "xl/workbook.xml": wb},
                 add={"xl/chartsheets/sheet1.xml": b'<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                                   b'2006/main"/>'})
    ex = read(data, "r.xlsx")
    assert [(r.row, r.data["name"]) for r in ex.attendees] == [(2, "甘宁")]


def test_xlsx_dates_in_cells_do_not_disturb_the_list():
    wb = openpyxl.Workbook()
    ws = wb.active
    import datetime

    ws.append(["填报日期", datetime.date(2026, 11, 20)])
    ws.append(["姓名", "单位", "出生年月", "手机"])
    ws.append(["太史慈", "山东省教育厅", datetime.date(1980, 5, 1), "13800138037"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [(3, "太史慈", "13800138037")]


def test_xlsx_unit_merged_over_rows_and_contact_on_sheet_named_lianxiren():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "参会人员"
    ws.append(["单位", "姓名", "职务", "手机"])
    ws.append(["广西壮族自治区教育厅", "韦小宝", "处长", "13800138038"])
    ws.append([None, "韦春花", "科长", "13800138039"])
    ws.merge_cells("A2:A3")
    contact = wb.create_sheet("联系人")
    contact.append(["姓名", "手机"])
    contact.append(["茅十八", "13800138040"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert people(ex) == [(2, "韦小宝", "广西壮族自治区教育厅", "处长", "13800138038"),
                          (3, "韦春花", "广西壮族自治区教育厅", "科长", "13800138039")]
    assert ex.tech_contact == {"name": "茅十八", "phone": "13800138040"}


# == CSV =============================================================================================
@pytest.mark.parametrize("encoding,sep", [("utf-8-sig", ","), ("gbk", ","), ("gb18030", ";"), ("utf-16", "\t"),
                                          ("utf-8", ";"), ("gbk", "\t")])
def test_csv_as_excel_and_wps_save_it(encoding, sep):
    lines = ["关于报送参会人员名单的通知，请各单位于11月20日前报送，逾期不候。", "",
             sep.join(["序号", "姓名", "单位", "职务", "手机", "", ""]),
             sep.join(["1", "丁一", "天津市教育委员会", "处长", "13800138041", "", ""]),
             sep.join(["2", '"丁\n二"', '"天津市教育委员会' + sep + '机关"', "科长", "13800138042", "", ""]),
             sep.join(["3", "丁三", "天津市教育委员会", "科员", "13800138043", "", ""])]
    data = "\r\n".join(lines).encode(encoding)
    ex = read(data, "名单.csv")
    assert [(r.row, r.data["name"], r.data["unit"]) for r in ex.attendees] == [
        (4, "丁一", "天津市教育委员会"), (5, "丁二", f"天津市教育委员会{sep.strip() or ' '}机关".replace("\t", " ")),
        (6, "丁三", "天津市教育委员会")]


def test_csv_with_chinese_commas_in_its_notes_keeps_the_comma_separator():
    rows = ["注：请务必，于11月20日前，报送本表，逾期，视为，不参加，谢谢，配合，！", "姓名,单位,手机", "丁四,天津开放大学,13800138044"]
    ex = read("\n".join(rows).encode("utf-8"), "r.csv")
    assert [(r.data["name"], r.data["phone"]) for r in ex.attendees] == [("丁四", "13800138044")]


def test_csv_undecodable_and_oversized_field_give_plain_messages():
    with pytest.raises(UnsafeFile) as info:
        read("姓名,单位\n".encode("gbk") + b"\x81\x20\xfe\x7f" * 100, "r.csv")
    assert not info.value.message.isascii()
    with pytest.raises(UnsafeFile) as info:
        read(b'"' + b"x" * 300_000 + b'"\n', "r.csv")
    assert "CSV" in info.value.message and "field" not in info.value.message


# == exports and renamed files =========================================================================
HTML_TABLE = ("<table border=1><tr><td colspan=5>分会场参加人员回执</td></tr>"
              "<tr><th>序号</th><th>姓名</th><th>单位</th><th>职务</th><th>手机</th></tr>"
              "<tr><td>1</td><td>令狐 冲</td><td rowspan=2>陕西省教育厅</td><td>处长</td><td>13800138045</td></tr>"
              "<tr><td>2</td><td>任盈盈<br></td><td>科长</td><td>138-0013-8046</td></tr></table>")


@pytest.mark.parametrize("name,encoding", [("名单.xls", "gbk"), ("名单.xls", "utf-8"), ("回执.doc", "gbk")])
def test_web_page_saved_as_xls_or_doc_is_read(name, encoding):
    charset = "gb2312" if encoding == "gbk" else "utf-8"
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><style>td{{}}</style>'
            f"</head><body><p>填报单位：陕西省教育厅</p>{HTML_TABLE}<p><font face=\"宋体\">视频调试负责人：岳\n 不群，"
            "手机：</font>13800138047</p></body></html>").encode(encoding)
    ex = read(page, name)
    assert [(r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        ("令狐冲", "陕西省教育厅", "13800138045"), ("任盈盈", "陕西省教育厅", "13800138046")]
    # the rows Excel shows (the unit line is row 1) or the table's own rows (as Word shows it)
    assert [r.row for r in ex.attendees] == ([4, 5] if name.endswith(".xls") else [3, 4])
    assert ex.tech_contact == {"name": "岳不群", "phone": "13800138047"}
    assert ex.declared_units == ["陕西省教育厅"]


def test_single_file_web_page_mht_saved_as_doc_is_read():
    import base64

    body = base64.encodebytes(f"<html><body>{HTML_TABLE}</body></html>".encode("gbk")).decode()
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
           "------=_NextPart_01\r\nContent-Location: file:///C:/x.htm\r\nContent-Transfer-Encoding: base64\r\n"
           f"Content-Type: text/html; charset=\"gb2312\"\r\n\r\n{body}\r\n------=_NextPart_01--\r\n").encode()
    ex = read(mht, "回执.doc")
    assert names(ex) == ["令狐冲", "任盈盈"]


def test_excel_2003_xml_saved_as_xls_is_read():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <Worksheet ss:Name="参会人员"><Table>
  <Row><Cell ss:MergeAcross="4"><Data ss:Type="String">分会场参加人员回执</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">序号</Data></Cell><Cell><Data ss:Type="String">姓名</Data></Cell>
   <Cell><Data ss:Type="String">单位</Data></Cell><Cell><Data ss:Type="String">职务</Data></Cell>
   <Cell><Data ss:Type="String">手机</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">1</Data></Cell><Cell><ss:Data ss:Type="String"><html:B>东方</html:B>不败</ss:Data></Cell>
   <Cell ss:MergeDown="1"><Data ss:Type="String">甘肃省教育厅</Data></Cell><Cell><Data ss:Type="String">处长</Data></Cell>
   <Cell><Data ss:Type="Number">13800138048</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">2</Data></Cell><Cell><Data ss:Type="String">风清扬</Data></Cell>
   <Cell ss:Index="4"><Data ss:Type="String">科长</Data></Cell><Cell><Data ss:Type="Number">1.3800138049E10</Data></Cell></Row>
 </Table></Worksheet>
 <Worksheet ss:Name="视频调试负责人"><Table><Row><Cell><Data ss:Type="String">姓名</Data></Cell>
  <Cell><Data ss:Type="String">手机</Data></Cell></Row><Row><Cell><Data ss:Type="String">林平之</Data></Cell>
  <Cell><Data ss:Type="String">13800138050</Data></Cell></Row></Table></Worksheet>
</Workbook>""".encode()
    ex = read(xml, "名单.xls")
    assert people(ex) == [(4, "东方不败", "甘肃省教育厅", "处长", "13800138048"),
                          (5, "风清扬", "甘肃省教育厅", "科长", "13800138049")]
    assert ex.tech_contact == {"name": "林平之", "phone": "13800138050"}


@pytest.mark.parametrize("name", ["export.xls", "export.xlsx"])
def test_csv_exported_as_xls_is_read(name):
    ex = read("姓名\t单位\t手机\r\n岳灵珊\t华山教育局\t13800138051\r\n".encode("gbk"), name)
    assert names(ex) == ["岳灵珊"]


@pytest.mark.parametrize("build,name", [(simple_docx, "回执.doc"), (simple_docx, "回执.wps"), (simple_xlsx, "名单.xls"),
                                        (simple_xlsx, "名单.et")])
def test_new_format_saved_under_the_old_name_is_read(build, name):
    ex = read(build(), name)
    assert names(ex) == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]


@pytest.mark.parametrize("data,name,words", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "回执.docx", "PDF"),
    (b"%PDF-1.4\n", "回执.xls", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "回执.docx", "图片"),
    (b"PK\x03\x04" + b"\0" * 64, "回执.dps", "不支持"),
    (b"Rar!\x1a\x07\x00" + b"\0" * 64, "回执.xlsx", "压缩包"),
    (b"just some words, no table", "回执.doc", "纯文本"),
])
def test_files_that_are_something_else_get_a_plain_answer(data, name, words):
    with pytest.raises(UnsafeFile) as info:
        read_document(data, name)
    assert words in info.value.message and not info.value.message.isascii()


# == the rehearsal contact =============================================================================
@pytest.mark.parametrize("line,expected", [
    ("视频调试负责人：张三，手机：138 0013 8000", {"name": "张三", "phone": "138 0013 8000"}),
    ("技术联系人：王 二　电话：13800138052", {"name": "王二", "phone": "13800138052"}),
    ("视频调试负责人：请填写姓名和手机号码", None),
    ("视频调试负责人（姓名）：__________  手机：__________", None),
    ("视频调试负责人：13800138096（马超）", {"name": "马超", "phone": "13800138096"}),
    ("视频调试负责人为马岱同志，联系电话13800138097", {"name": "马岱", "phone": "13800138097"}),
])
def test_contact_lines_people_write(line, expected):
    assert parse_contact_line(line) == expected


def test_plain_contact_line_is_the_rehearsal_contact_when_there_is_no_other():
    ex = read(simple_docx(contact_line="联系人：张三  电话：13800138053"), "r.docx")
    assert ex.tech_contact == {"name": "张三", "phone": "13800138053"}
    assert any("联系人" in w for w in ex.warnings)
    ex = read(simple_docx(contact_line="视频调试负责人：李四，手机：13800138054\n联系人：张三 电话：13800138053"), "r.docx")
    assert ex.tech_contact == {"name": "李四", "phone": "13800138054"}


def test_contact_table_with_role_column():
    d = docx.Document()
    add_table(d, [HEADER, ["1", "杨过", "河北省教育厅", "处长", "13800138055"]])
    add_table(d, [["技术联系人", "姓名", "手机"], ["", "小龙女", "13800138056"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["杨过"]
    assert ex.tech_contact == {"name": "小龙女", "phone": "13800138056"}
    d = docx.Document()
    add_table(d, [HEADER, ["1", "杨过", "河北省教育厅", "处长", "13800138055"]])
    add_table(d, [["技术联系人", "小龙女", "手机", "13800138056"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["杨过"]
    assert ex.tech_contact == {"name": "小龙女", "phone": "13800138056"}


@pytest.mark.django_db
def test_landline_contact_gets_a_clear_message(demo_event):
    from huiwu.receipts.documents.importer import import_file

    venue = demo_event.venues.exclude(kind="main").select_related("host_unit").first()
    data = simple_docx(unit_line=f"填报单位：{venue.host_unit.name}", contact_line="视频调试负责人：郭靖，电话：010-12345678转123")
    report = import_file(data, "r.docx", event=demo_event, dry_run=True)
    text = " ".join(e["message"] for e in report["errors"]) + " ".join(report["warnings"])
    assert "010-12345678转123" in text and "手机" in text, report
    assert report["status"] != "accepted"


@pytest.mark.django_db
def test_realworld_docx_end_to_end(demo_event):
    """A WPS-style receipt (text box, tracked change, invisible characters) files like a clean one."""
    from huiwu.receipts.documents.importer import import_file

    venue = demo_event.venues.exclude(kind="main").select_related("host_unit").first()
    box = w_tbl([HEADER, ["1", w_tc('<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>错名</w:delText></w:r></w:del>'
                                    '<w:ins w:id="2" w:author="a"><w:r><w:t>郭\u200b襄</w:t></w:r></w:ins></w:p>'),
                          venue.host_unit.name, "处长", "138\u00a00013\u00a08057"]])
    body = (w_p(f"填报单位：{venue.host_unit.name}      填报日期：2026年11月20日")
            + w_p(inner="<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>"
                  f"{box}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
                  f"<v:textbox><w:txbxContent>{box}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
                  "</mc:AlternateContent></w:r>")
            + w_p("视频调试负责人：黄蓉，手机：13800138058"))
    report = import_file(docx_with_body(body), "wps.docx", event=demo_event)
    assert report["status"] == "accepted", report
    assert report["venue"] == venue.code
    assert [(a["name"], a["phone"]) for a in report["attendees"]] == [("郭襄", "13800138057")]
    assert report["tech_contact"] == {"name": "黄蓉", "phone": "13800138058"}


def test_contact_row_labelled_lianxiren_and_video_liaison_line():
    d = docx.Document()
    add_table(d, [HEADER, ["1", "乙木", "某某厅", "处长", "13800138059"], ["联系人", "丙火", "", "手机", "13800138060"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["乙木"]
    assert ex.tech_contact == {"name": "丙火", "phone": "13800138060"}
    assert parse_contact_line("视频会议联络员：丁一，13800138061") == {"name": "丁一", "phone": "13800138061"}


def test_a_note_after_a_name_is_not_part_of_it():
    d = docx.Document()
    add_table(d, [["姓名", "单位", "手机"], ["张三（女）", "某某厅", "13800138062"], ["买买提(维吾尔族)", "某某厅", "13800138063"],
                  ["李四*", "某某厅", "13800138087"], ["王五 ★", "某某厅", "13800138088"]])
    assert names(read(docx_bytes(d), "r.docx")) == ["张三", "买买提", "李四", "王五"]
    d = docx.Document()
    add_table(d, [["姓名", "单位", "职务", "手机"], ["赵六（处长）", "某某厅", "", "13800138091"],
                  ["钱七（女）", "某某厅", "科长", "13800138092"], ["孙八(男，回族)", "某某厅", "", "13800138093"]])
    assert [(r.data["name"], r.data["position"]) for r in read(docx_bytes(d), "r.docx").attendees] == [
        ("赵六", "处长"), ("钱七", "科长"), ("孙八", "")]


SOFFICE = __import__("shutil").which("soffice") or __import__("shutil").which("libreoffice")


@pytest.mark.parametrize("legacy_fmt,name", [("doc", "回执.docx"), ("rtf", "回执.docx"), ("odt", "回执.odt")])
def test_old_word_file_named_docx_is_converted(tmp_path, legacy_fmt, name):
    import subprocess

    from conftest import require_office

    require_office(legacy_fmt)

    src = tmp_path / "r.docx"
    src.write_bytes(simple_docx())
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/p", "--convert-to", legacy_fmt,
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=120)
    ex = read((tmp_path / "out" / f"r.{legacy_fmt}").read_bytes(), name)
    assert names(ex) == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]


@pytest.mark.django_db
def test_web_page_xls_end_to_end(demo_event):
    from huiwu.receipts.documents.importer import import_file

    venue = demo_event.venues.exclude(kind="main").select_related("host_unit").first()
    page = (f"<html><body><p>填报单位：{venue.host_unit.name}</p><table><tr><td>姓名</td><td>职务</td><td>手机</td></tr>"
            "<tr><td>石 破天</td><td>处长</td><td>13800138064</td></tr></table>"
            "<p>视频调试负责人：石清，手机：13800138065</p></body></html>").encode("gbk")
    report = import_file(page, "导出.xls", event=demo_event)
    assert report["status"] == "accepted", report
    assert report["venue"] == venue.code
    assert [a["name"] for a in report["attendees"]] == ["石破天"]


def test_more_header_words_people_use():
    d = docx.Document()
    add_table(d, [["序 号", "参会领导", "工作单位（部门）", "岗位职务", "移动电话"],
                  ["1", "钟 馗", "某某厅办公室", "主任", "13800138066"]])
    ex = read(docx_bytes(d), "r.docx")
    assert people(ex) == [(2, "钟馗", "某某厅办公室", "主任", "13800138066")]


def test_attendee_marked_as_the_rehearsal_contact_in_a_note_column():
    d = docx.Document()
    add_table(d, [HEADER + ["备注"], ["1", "秦琼", "某某厅", "处长", "13800138067", ""],
                  ["2", "尉迟恭", "某某厅", "工程师", "13800138068", "视频调试负责人"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["秦琼", "尉迟恭"]
    assert ex.tech_contact == {"name": "尉迟恭", "phone": "13800138068"}


def test_csv_numbers_exported_as_text_formulas():
    data = '姓名,单位,手机\r\n程咬金,某某厅,="13800138069"\r\n'.encode("gbk")
    ex = read(data, "export.csv")
    assert [(r.data["name"], r.data["phone"]) for r in ex.attendees] == [("程咬金", "13800138069")]


def test_docx_columns_typed_with_tabs_instead_of_a_table():
    d = docx.Document()
    d.add_paragraph("分会场参加人员名单")
    d.add_paragraph("填报单位：某某厅")
    d.add_paragraph("序号\t姓名\t\t职务\t手机")
    d.add_paragraph("1\t张  三\t\t处长\t13800138070")
    d.add_paragraph("2\t李四\t\t科长\t\t13800138071")
    d.add_paragraph("视频调试负责人：王五\t手机：13800138072")
    ex = read(docx_bytes(d), "r.docx")
    assert [(r.row, r.data["name"], r.data["position"], r.data["phone"]) for r in ex.attendees] == [
        (4, "张三", "处长", "13800138070"), (5, "李四", "科长", "13800138071")]
    assert ex.tech_contact == {"name": "王五", "phone": "13800138072"}
    assert ex.declared_units == ["某某厅"]


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_header_cell_merged_over_two_columns(fmt):
    """“姓名” over two columns (surname and given name, or an empty spare column) is one field, not
    two lists side by side; “联系电话” over mobile and office phone keeps the mobile."""
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["姓名", None, "单位", "联系电话", None])
        ws.merge_cells("A1:B1")
        ws.merge_cells("D1:E1")
        ws.append(["张三", None, "某某厅", "13800138073", "010-12345678"])
        ws.append(["李", "四", "某某厅", None, "13800138074"])
        data = xlsx_bytes(wb)
    else:
        span = '<w:gridSpan w:val="2"/>'
        data = docx_with_body(w_tbl([[w_tc("姓名", span), "单位", w_tc("联系电话", span)],
                                     ["张三", "", "某某厅", "13800138073", "010-12345678"],
                                     ["李", "四", "某某厅", "", "13800138074"]]))
    ex = read(data, f"r.{fmt}")
    assert [(r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        ("张三", "某某厅", "13800138073"), ("李四", "某某厅", "13800138074")]


def test_example_rows_left_from_the_template_are_not_people():
    d = docx.Document()
    add_table(d, [HEADER, ["示例", "张三", "XX省教育厅", "处长", "13800000000"],
                  ["（示例）", "李四", "XX省教育厅", "科长", "13900000000"],
                  ["", "王五（示例）", "XX省教育厅", "科长", "13700000000"],
                  ["1", "程 普", "某某厅", "处长", "13800138075"], ["以下空白", "", "", "", ""]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["程普"] and not ex.errors


@pytest.mark.parametrize("line", ["单位名称（全称）：某某厅", "填报单位(公章)：某某厅 填报日期：", "报送单位：某某厅  联系人：黄盖"])
def test_declared_unit_label_variants(line):
    assert read(simple_docx(unit_line=line), "r.docx").declared_units == ["某某厅"]


@pytest.mark.parametrize("footer,unit", [
    (["填报单位", "某某厅", "", "填报日期", "2026.11.20"], "某某厅"),
    (["单位（盖章）", "某某厅", "", "", ""], "某某厅"),
    (["填报单位：某某厅", "", "", "联系电话：", "13800138099"], "某某厅"),
    (["", "填报人：", "张三", "电话：", "13800138098"], None),
])
def test_label_rows_at_the_foot_of_the_table_are_not_people(footer, unit):
    d = docx.Document()
    add_table(d, [HEADER, ["1", "甘宁", "某某厅", "处长", "13800138076"], footer])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["甘宁"]
    assert ex.declared_units == ([unit] if unit else [])


def test_list_continued_in_a_table_one_column_wider_without_header():
    d = docx.Document()
    add_table(d, [HEADER, ["1", "鲁肃", "某某厅", "处长", "13800138077"]])
    d.add_paragraph("")
    add_table(d, [["2", "吕蒙", "某某厅", "科长", "13800138078", ""]])
    d.add_paragraph("视频调试负责人")
    add_table(d, [["陆逊", "13800138079"]])
    ex = read(docx_bytes(d), "r.docx")
    assert [(r.where, r.row, r.data["name"]) for r in ex.attendees] == [("第1个表格", 2, "鲁肃"), ("第2个表格", 1, "吕蒙")]
    assert ex.tech_contact == {"name": "陆逊", "phone": "13800138079"}


def test_contact_block_with_the_role_cell_merged_down():
    restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    body = (w_tbl([HEADER, ["1", "太史慈", "某某厅", "处长", "13800138080"]]) + w_p("")
            + w_tbl([[w_tc("视频调试负责人", restart), "姓名", "张辽"], [w_tc("", cont), "手机", "13800138081"]]))
    ex = read(docx_with_body(body), "r.docx")
    assert names(ex) == ["太史慈"]
    assert ex.tech_contact == {"name": "张辽", "phone": "13800138081"}


def test_contact_ticked_in_a_column_of_the_attendee_table():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "单位", "职务", "手机", "是否视频调试负责人"])
    ws.append([1, "徐晃", "某某厅", "处长", "13800138082", "否"])
    ws.append([2, "张郃", "某某厅", "工程师", "13800138083", "√"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert names(ex) == ["徐晃", "张郃"]
    assert ex.tech_contact == {"name": "张郃", "phone": "13800138083"}


def test_csv_with_a_quote_never_closed_loses_nobody():
    data = '姓名,单位,手机\n"夏侯惇,某某厅,13800138084\n夏侯渊,某某厅,13800138085\n'.encode()
    ex = read(data, "r.csv")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [
        (2, "夏侯惇", "13800138084"), (3, "夏侯渊", "13800138085")]
    assert any("引号" in w for w in ex.warnings)


def test_a_lone_sheet_named_like_an_example_is_still_read():
    wb = openpyxl.Workbook()
    wb.active.title = "回执（示例格式）"
    wb.active.append(["姓名", "单位", "手机"])
    wb.active.append(["许褚", "某某厅", "13800138086"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert names(ex) == ["许褚"] and not ex.warnings


def test_excel_single_file_web_page_with_one_part_per_sheet():
    import base64

    def part(html: str, name: str) -> str:
        body = base64.encodebytes(html.encode("gbk")).decode()
        return (f"------=_NextPart_01\r\nContent-Location: file:///C:/x.files/{name}\r\nContent-Transfer-Encoding: base64\r\n"
                f"Content-Type: text/html; charset=\"gb2312\"\r\n\r\n{body}\r\n")

    frame = "<html><frameset><frame src=\"x.files/tabstrip.htm\"></frameset></html>"
    sheet1 = "<html><body><table><tr><td>姓名</td><td>单位</td><td>手机</td></tr><tr><td>典韦</td><td>某某厅</td>" \
             "<td>13800138089</td></tr></table></body></html>"
    sheet2 = "<html><body><table><tr><td>视频调试负责人</td><td>手机</td></tr><tr><td>许攸</td><td>13800138090</td></tr>" \
             "</table></body></html>"
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
           + part(frame, "x.htm") + part(sheet1, "sheet001.htm") + part(sheet2, "sheet002.htm")
           + "------=_NextPart_01--\r\n").encode()
    ex = read(mht, "名单.xls")
    assert names(ex) == ["典韦"]
    assert ex.tech_contact == {"name": "许攸", "phone": "13800138090"}


def test_number_under_the_other_phone_column_when_mobile_is_empty():
    d = docx.Document()
    add_table(d, [["姓名", "单位", "手机", "联系电话"], ["周仓", "某某厅", "13800138094", "010-6666666"],
                  ["廖化", "某某厅", "", "13800138095"]])
    ex = read(docx_bytes(d), "r.docx")
    assert [(r.data["name"], r.data["phone"]) for r in ex.attendees] == [("周仓", "13800138094"), ("廖化", "13800138095")]


@pytest.mark.parametrize("rows", [
    [["序号", "姓名 Name", "单位 Organization", "职务 Position", "手机 Mobile"]],
    [["序号", "姓名", "单位", "职务", "手机"], ["No.", "Name", "Organization", "Position", "Mobile"]],
])
def test_bilingual_headers(rows):
    d = docx.Document()
    add_table(d, [*rows, ["1", "黄承彦", "某某厅", "处长", "13800138098"]])
    ex = read(docx_bytes(d), "r.docx")
    assert [(r.data["name"], r.data["unit"], r.data["position"], r.data["phone"]) for r in ex.attendees] == [
        ("黄承彦", "某某厅", "处长", "13800138098")]
