"""Reading receipts as people really fill them: the pure reading layer (no database)."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from huiwu.receipts.documents.extract import extract, parse_contact_line
from huiwu.receipts.documents.reader import read_document

from .files import (
    PEOPLE,
    add_table,
    csv_bytes,
    docx_bytes,
    excelize,
    rezip,
    set_cell_merge,
    simple_docx,
    simple_xlsx,
    xlsx_bytes,
)


def read(data: bytes, name: str):
    return extract(read_document(data, name))


def names(ex) -> list[str]:
    return [r.data["name"] for r in ex.attendees]


# -- header found by its words, anywhere, any order ----------------------------------------------
def test_xlsx_header_anywhere_any_order_synonyms():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "关于参加开幕式的人员名单"
    ws["B3"] = "报送日期：11月18日"
    for j, h in enumerate(["联系电话", "职务/职称", "名  字", "工作单位"], start=3):
        ws.cell(row=6, column=j, value=h)
    ws.cell(row=7, column=3, value="13900001111")
    ws.cell(row=7, column=4, value="处长")
    ws.cell(row=7, column=5, value="林　小　雨")
    ws.cell(row=7, column=6, value="河北省教育厅")
    ex = read(xlsx_bytes(wb), "名单.xlsx")
    assert [(r.row, r.data["name"], r.data["unit"], r.data["position"], r.data["phone"]) for r in ex.attendees] == [
        (7, "林小雨", "河北省教育厅", "处长", "13900001111")]


@pytest.mark.parametrize("header", [
    ("序号", "姓名", "所在单位", "职位", "联系方式"),
    ("姓 名", "单位名称", "职务", "手机号码（必填）"),
    ("No.", "参会人员姓名", "工作单位", "职务职称", "手机"),
])
def test_docx_header_synonyms(header):
    d = docx.Document()
    rows = [list(header)]
    for name, unit, pos, phone in PEOPLE[:2]:
        values = {"name": name, "unit": unit, "pos": pos, "phone": phone}
        row = []
        for h in header:
            key = ("phone" if any(w in h for w in ("手机", "联系")) else "name" if "姓" in h else
                   "unit" if "单位" in h else "pos" if "职" in h else None)
            row.append(values[key] if key else "1")
        rows.append(row)
    add_table(d, rows)
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["赵敏", "钱多多"]
    assert [r.data["phone"] for r in ex.attendees] == ["13800138000", "13910002001"]
    assert [r.row for r in ex.attendees] == [2, 3]


# -- merged cells --------------------------------------------------------------------------------
def test_xlsx_unit_merged_down_and_title_merged_across():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "附件2"
    ws["A2"] = "分会场参加人员及视频调试负责人回执"
    ws.merge_cells("A2:E2")
    for j, h in enumerate(["序号", "单位", "姓名", "职务", "手机"], start=1):
        ws.cell(row=4, column=j, value=h)
    ws["B5"] = "山西省教育厅"
    ws.merge_cells("B5:B7")
    for i, (name, phone) in enumerate([("高  山", "13700001001"), ("原野", "13700001002"), ("常青", "13700001003")]):
        ws.cell(row=5 + i, column=1, value=i + 1)
        ws.cell(row=5 + i, column=3, value=name)
        ws.cell(row=5 + i, column=5, value=phone)
    ws["A8"] = "合计"
    ws["B8"] = "3人"
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["unit"]) for r in ex.attendees] == [
        (5, "高山", "山西省教育厅"), (6, "原野", "山西省教育厅"), (7, "常青", "山西省教育厅")]


def test_docx_vmerge_and_gridspan():
    d = docx.Document()
    table = add_table(d, [["序号", "姓名", "单位", "职务", "手机"],
                          ["1", "田  甜", "吉林省教育厅", "处长", "13600001001"],
                          ["2", "方圆", "", "科长", "13600001002"],
                          ["3", "白雪", "", "", "13600001003"],
                          ["备注：无", "", "", "", ""]])
    set_cell_merge(table.cell(1, 2), vmerge="restart")
    set_cell_merge(table.cell(2, 2))
    set_cell_merge(table.cell(3, 2))
    note = table.cell(4, 0).merge(table.cell(4, 4))  # gridSpan across the row
    note.text = "备注：以上人员均已报批"
    d.add_paragraph("视频调试负责人：金  石，手机号码：（0086）136-0000-1009")
    ex = read(docx_bytes(d), "r.docx")
    assert [(r.row, r.data["name"], r.data["unit"]) for r in ex.attendees] == [
        (2, "田甜", "吉林省教育厅"), (3, "方圆", "吉林省教育厅"), (4, "白雪", "吉林省教育厅")]
    assert ex.tech_contact == {"name": "金石", "phone": "13600001009"}


# -- nested and several tables ---------------------------------------------------------------------
def test_docx_nested_table_inside_layout_table():
    d = docx.Document()
    outer = d.add_table(rows=2, cols=1)
    outer.cell(0, 0).text = "分会场参加人员回执（黑龙江省）"
    inner_cell = outer.cell(1, 0)
    add_table(inner_cell, [["序号", "姓名", "单位", "职务", "手机"],
                           ["1", "冰  心", "黑龙江省教育厅", "副厅长", "13500001001"],
                           ["2", "雪松", "黑龙江开放大学", "校长", "13500001002"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["冰心", "雪松"]
    assert [r.row for r in ex.attendees] == [2, 3]
    assert any("黑龙江省" in line for line in ex.lines)


def test_docx_several_tables_and_contact_table():
    d = docx.Document()
    d.add_paragraph("分会场参加人员名单")
    add_table(d, [["序号", "姓名", "单位", "职务", "手机"], ["1", "甲乙", "江苏省教育厅", "处长", "13300001001"]])
    d.add_paragraph("（续表）")
    add_table(d, [["序号", "姓名", "单位", "职务", "手机"], ["2", "丙丁", "江苏开放大学", "处长", "13300001002"]])
    add_table(d, [["3", "戊己", "江苏省社区教育中心", "主任", "13300001003"]])  # continued without a header
    d.add_paragraph("视频调试负责人")
    add_table(d, [["姓名", "单位", "职务", "手机"], ["庚辛", "江苏省电化教育馆", "工程师", "133 0000 1009"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["甲乙", "丙丁", "戊己"]
    assert ex.several_tables
    assert ex.tech_contact == {"name": "庚辛", "phone": "13300001009"}


def test_xlsx_several_sheets_contact_on_its_own_sheet():
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "厅机关"
    first.append(["姓名", "单位", "职务", "手机"])
    first.append(["赵一", "浙江省教育厅", "副厅长", "13100001001"])
    second = wb.create_sheet("直属单位")
    second.append(["序号", "姓名", "单位", "职务", "手机"])
    second.append([1, "钱二", "浙江开放大学", "校长", 13100001002])
    second.append([None, None, None, None, None])
    second.append([2, "孙三", "浙江省终身教育指导中心", "主任", 13100001003.0])
    third = wb.create_sheet("视频调试负责人")
    third.append(["姓名", "手机"])
    third.append(["李四", 13100001009])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.where, r.row, r.data["name"]) for r in ex.attendees] == [
        ("工作表“厅机关”", 2, "赵一"), ("工作表“直属单位”", 2, "钱二"), ("工作表“直属单位”", 4, "孙三")]
    assert [r.data["phone"] for r in ex.attendees] == ["13100001001", "13100001002", "13100001003"]
    assert ex.tech_contact == {"name": "李四", "phone": "13100001009"}


# -- numbering, blank rows, notes, ditto -------------------------------------------------------------
def test_numbering_blank_and_note_rows_are_skipped():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "单位", "职务", "手机"])
    ws.append([1, "周五", "安徽省教育厅", "处长", "13200001001"])
    ws.append([2, None, None, None, None])
    ws.append([3, "吴六", "同上", "副处长", "13200001002"])
    for n in range(4, 11):
        ws.append([n])
    ws.append(["合计", "2人"])
    ws.append(["注：职务请写全称"])
    ws.append(["备注", "无"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["unit"]) for r in ex.attendees] == [
        (2, "周五", "安徽省教育厅"), (4, "吴六", "安徽省教育厅")]
    assert not ex.errors


def test_two_row_header():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "单位", "职务", "联系方式", None])
    ws.merge_cells("E1:F1")
    ws.append([None, None, None, None, "手机", "邮箱"])
    for col in "ABCD":
        ws.merge_cells(f"{col}1:{col}2")
    ws.append([1, "郑七", "福建省教育厅", "处长", "13000001001", "z@example.org"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [(3, "郑七", "13000001001")]


# -- phones -----------------------------------------------------------------------------------------
def test_phone_forms_and_excel_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "单位", "手机"])
    forms = ["+86 138 0013 8000", "0086-13800138001", "138-0013-8002", "（138）00138003", "１３８００１３８００４",
             13800138005, 13800138006.0, "13800138007（办：010-12345678）"]
    for i, phone in enumerate(forms):
        ws.append([f"人员{chr(0x4e00 + i)}", "江西省教育厅", phone])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [r.data["phone"] for r in ex.attendees] == [f"1380013800{i}" for i in range(8)]
    assert any("已取手机号" in w for w in ex.warnings)


def test_scientific_phone_in_csv_is_an_error_not_a_wrong_number():
    ex = read(csv_bytes([["姓名", "单位", "手机"], ["王五", "山东省教育厅", "1.38001E+10"]]), "r.csv")
    assert ex.errors and ex.errors[0]["row"] == 2 and ex.errors[0]["field"] == "phone"
    assert "科学计数法" in ex.errors[0]["message"]
    assert ex.attendees[0].data["phone"] == ""


def test_xlsx_number_stored_in_scientific_form_keeps_its_digits():
    data = simple_xlsx([("马良", "河南省教育厅", "处长", "13900139000")], contact_line=None, phone_as_number=True)
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet = src.read("xl/worksheets/sheet1.xml")
    assert b"<v>13900139000</v>" in sheet
    sheet = sheet.replace(b"<v>13900139000</v>", b"<v>1.3900139E10</v>")
    ex = read(rezip(data, replace={"xl/worksheets/sheet1.xml": sheet}), "r.xlsx")
    assert ex.attendees[0].data["phone"] == "13900139000"


# -- csv ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_encodings(encoding):
    rows = [["分会场参加人员回执"], ["序号", "姓名", "单位", "职务", "手机"],
            ["1", "欧阳  娜娜", "湖北省教育厅", "处长", "13700137000"],
            ["视频调试负责人：诸葛亮，手机：137 0013 7001"]]
    ex = read(csv_bytes(rows, encoding), "名单.csv")
    assert [(r.row, r.data["name"]) for r in ex.attendees] == [(3, "欧阳娜娜")]
    assert ex.tech_contact == {"name": "诸葛亮", "phone": "13700137001"}


def test_csv_utf16_tab_separated():
    text = "姓名\t单位\t手机\r\n许仙\t湖南省教育厅\t13600136000\r\n"
    ex = read(text.encode("utf-16"), "r.csv")
    assert names(ex) == ["许仙"]


# -- the rehearsal contact in a line of text ---------------------------------------------------------------
@pytest.mark.parametrize("line,expected", [
    ("视频调试负责人：张三，手机：138 0013 8000", {"name": "张三", "phone": "138 0013 8000"}),
    ("视频调试负责人:李  四  手机号码:13900139000", {"name": "李四", "phone": "13900139000"}),
    ("会场视频调试负责人 王五 13700137000", {"name": "王五", "phone": "13700137000"}),
    ("技术联系人：赵六（手机 +86 136-0013-6000）", {"name": "赵六", "phone": "+86 136-0013-6000"}),
    ("视频调试负责人及手机：钱七 13500135000", {"name": "钱七", "phone": "13500135000"}),
    ("视频调试负责人（姓名、手机）：孙八  13400134000", {"name": "孙八", "phone": "13400134000"}),
    ("调试负责人 周九", {"name": "周九", "phone": ""}),
    ("分会场参加人员及视频调试负责人回执", None),
])
def test_contact_line(line, expected):
    assert parse_contact_line(line) == expected


def test_contact_row_inside_the_attendee_table():
    d = docx.Document()
    add_table(d, [["序号", "姓名", "单位", "职务", "手机"],
                  ["1", "孔明", "四川省教育厅", "处长", "13400134000"],
                  ["视频调试负责人", "", "姜维", "手机", "13400134009"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["孔明"]
    assert ex.tech_contact == {"name": "姜维", "phone": "13400134009"}


def test_contact_name_and_phone_on_two_lines():
    d = docx.Document()
    add_table(d, [["姓名", "单位", "手机"], ["黄忠", "贵州省教育厅", "13300133000"]])
    d.add_paragraph("视频调试负责人：魏延")
    d.add_paragraph("手机：133-0013-3009")
    ex = read(docx_bytes(d), "r.docx")
    assert ex.tech_contact == {"name": "魏延", "phone": "13300133009"}


def test_no_header_is_a_plain_error():
    d = docx.Document()
    d.add_paragraph("我单位拟派张三、李四参加。")
    ex = read(docx_bytes(d), "r.docx")
    assert ex.errors and ex.errors[0]["row"] is None and "表头" in ex.errors[0]["message"]


def test_declared_unit_line_is_found():
    ex = read(simple_docx(unit_line="填报单位（盖章）：云南省教育厅      填报人：段誉"), "r.docx")
    assert ex.declared_units == ["云南省教育厅"]


def test_content_controls_and_wps_style_tables_are_read():
    """Word content controls (w:sdt) around rows, as some forms have."""
    d = docx.Document()
    table = add_table(d, [["姓名", "单位", "手机"], ["陆游", "陕西省教育厅", "13200132000"]])
    from docx.oxml import OxmlElement
    tr = table.rows[1]._tr
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    tr.addprevious(sdt)
    sdt.append(content)
    content.append(tr)
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["陆游"]


def test_shared_strings_with_rich_text_and_phonetic_runs():
    """Excel and WPS keep text in xl/sharedStrings.xml, split into runs, with phonetic hints."""
    ex = read(excelize(simple_xlsx(phone_as_number=True)), "excel.xlsx")
    assert names(ex) == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]
    assert ex.attendees[0].data["unit"] == "北京市教育委员会"
    assert ex.tech_contact == {"name": "周正", "phone": "13800138111"}


def test_contact_table_headed_by_the_role():
    d = docx.Document()
    add_table(d, [["序号", "姓名", "单位", "职务", "手机"], ["1", "蔡文", "甘肃省教育厅", "处长", "13100131000"]])
    add_table(d, [["视频调试负责人", "联系电话"], ["柳  青", "131-0013-1009"]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["蔡文"]
    assert ex.tech_contact == {"name": "柳青", "phone": "13100131009"}


def test_contact_as_label_value_rows():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "单位", "职务", "手机"])
    ws.append(["严冬", "青海省教育厅", "处长", "13000130000"])
    ws.append([])
    ws.append(["视频调试负责人", "尚  书"])
    ws.append(["手机", 13000130009])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert names(ex) == ["严冬"]
    assert ex.tech_contact == {"name": "尚书", "phone": "13000130009"}


def test_note_rows_in_the_name_column_are_not_people():
    d = docx.Document()
    add_table(d, [["姓名", "单位", "手机"], ["章  程", "宁夏回族自治区教育厅", "13900139001"],
                  ["注：请于截止前报送", "", ""], ["总人数：1人", "", ""], ["以上人员已审核", "", ""]])
    ex = read(docx_bytes(d), "r.docx")
    assert names(ex) == ["章程"] and not ex.errors


def test_unit_and_position_in_one_column_and_side_by_side_lists():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "工作单位及职务", "手机", "序号", "姓名", "工作单位及职务", "手机"])
    ws.append([1, "左一", "河北省教育厅处长", "13700137001", 3, "右一", "河北开放大学校长", 13700137003])
    ws.append([2, "左二", "河北省教育厅科长", "13700137002", None, None, None, None])
    ws.append(["视频调试负责人：齐  天，手机：13700137009"])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.row, r.data["name"], r.data["unit"], r.data["phone"]) for r in ex.attendees] == [
        (2, "左一", "河北省教育厅处长", "13700137001"), (3, "左二", "河北省教育厅科长", "13700137002"),
        (2, "右一", "河北开放大学校长", "13700137003")]
    assert ex.tech_contact == {"name": "齐天", "phone": "13700137009"}
    assert not [w for w in ex.warnings if "多位" in w]


def test_unit_first_values_that_look_like_labels_are_still_people():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "姓名", "职务", "手机"])
    ws.append(["市直单位", "祁  连", "职员", "13900139555"])
    ws.append(["协办单位", "天山", "职员", None])
    ex = read(xlsx_bytes(wb), "r.xlsx")
    assert [(r.data["unit"], r.data["name"]) for r in ex.attendees] == [("市直单位", "祁连"), ("协办单位", "天山")]


@pytest.mark.parametrize("build,name", [(simple_xlsx, "strict.xlsx"), (simple_docx, "strict.docx")])
def test_strict_open_xml_is_read(build, name):
    """Excel and Word can save “Strict Open XML”: the same parts under ISO namespaces."""
    data = build()
    src = zipfile.ZipFile(io.BytesIO(data))
    replace = {}
    for part in src.namelist():
        if part.endswith((".xml", ".rels")):
            body = src.read(part)
            for transitional, strict in [
                (b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
                (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
                (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                 b"http://purl.oclc.org/ooxml/officeDocument/relationships")]:
                body = body.replace(transitional, strict)
            replace[part] = body
    ex = read(rezip(data, replace=replace), name)
    assert names(ex) == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]
    assert ex.tech_contact == {"name": "周正", "phone": "13800138111"}
