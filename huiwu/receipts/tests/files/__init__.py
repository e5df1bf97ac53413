"""Builders of receipt files as people really send them (made in the tests, never stored).

Every name, unit and number here is invented.
"""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PEOPLE = [
    ("赵  敏", "北京市教育委员会", "副主任", "13800138000"),
    ("钱多多", "北京开放大学", "校长", "+86 139-1000-2001"),
    ("孙 立", "北京市社区教育指导服务中心", "主任", "１３７００１３７００２"),
    ("阿依古丽·买买提", "北京市成人教育协会", "秘书长", "0086 150 0000 3003"),
]


def docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes(workbook) -> bytes:
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def add_table(container, rows: list[list[str]]):
    """A table in a document (or a cell, for nested tables) filled with `rows`."""
    width = max(len(r) for r in rows)
    table = container.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    return table


def simple_docx(people=PEOPLE, *, header=("序号", "姓名", "单位", "职务", "手机"), title=True,
                contact_line: str | None = "视频调试负责人：周    正，手机：138 0013 8111",
                unit_line: str | None = "填报单位：北京市教育委员会") -> bytes:
    d = docx.Document()
    if title:
        d.add_paragraph("附件2")
        d.add_paragraph("分会场参加人员及视频调试负责人回执")
    if unit_line:
        d.add_paragraph(unit_line)
    rows = [list(header)]
    for i, (name, unit, pos, phone) in enumerate(people, start=1):
        values = {"序号": str(i), "姓名": name, "单位": unit, "职务": pos, "手机": phone}
        rows.append([values.get(h, "") for h in header])
    add_table(d, rows)
    if contact_line:
        d.add_paragraph(contact_line)
    return docx_bytes(d)


def simple_xlsx(people=PEOPLE, *, start_row=3, header=("序号", "姓名", "单位", "职务", "手机"),
                contact_line: str | None = "视频调试负责人：周正  手机：13800138111", phone_as_number=False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "参会人员"
    ws.cell(row=1, column=1, value="分会场参加人员及视频调试负责人回执")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for j, h in enumerate(header, start=1):
        ws.cell(row=start_row, column=j, value=h)
    for i, (name, unit, pos, phone) in enumerate(people, start=1):
        values = {"序号": i, "姓名": name, "单位": unit, "职务": pos, "手机": phone}
        if phone_as_number and phone.isdigit():
            values["手机"] = float(phone)
        for j, h in enumerate(header, start=1):
            ws.cell(row=start_row + i, column=j, value=values.get(h, ""))
    if contact_line:
        ws.cell(row=start_row + len(people) + 2, column=1, value=contact_line)
    return xlsx_bytes(wb)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def set_cell_merge(cell, *, vmerge: str | None = None):
    """Mark a Word table cell as the start (restart) or continuation of a vertical merge."""
    tcpr = cell._tc.get_or_add_tcPr()
    el = OxmlElement("w:vMerge")
    if vmerge:
        el.set(qn("w:val"), vmerge)
    tcpr.append(el)


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, replacing or adding members (to make hostile variants of good files)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()
