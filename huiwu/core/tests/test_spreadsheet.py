"""safe_cell: text that starts like a formula stays text, in CSV and in .xlsx (read back by openpyxl)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from huiwu.core.spreadsheet import is_formula_like, safe_cell

DANGEROUS = ["=HYPERLINK(\"http://x\",\"y\")", "+8613800138000", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
PLAIN = ["张三", "教育部", "1+1", "a=b", "", "138 0013 8000"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cell_gets_an_apostrophe(text):
    assert is_formula_like(text)
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_unchanged(text):
    assert not is_formula_like(text)
    assert safe_cell(text) == text


def test_numbers_and_none_pass():
    assert safe_cell(-5) == -5 and safe_cell(3.5) == 3.5
    assert safe_cell(None) == ""


def test_csv_round_trip_keeps_the_apostrophe_in_front():
    buf = io.StringIO()
    csv.writer(buf).writerow([safe_cell(t) for t in DANGEROUS + PLAIN])
    row = next(csv.reader(io.StringIO(buf.getvalue())))
    assert row[: len(DANGEROUS)] == ["'" + t for t in DANGEROUS]
    assert row[len(DANGEROUS):] == PLAIN


def test_xlsx_cells_stay_text_without_visible_apostrophe():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append([safe_cell(t, ws) for t in DANGEROUS + PLAIN[:2]] + [safe_cell(42, ws)])
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()
    back = openpyxl.load_workbook(io.BytesIO(raw)).active
    cells = list(back.iter_rows(min_row=1, max_row=1))[0]
    for cell, text in zip(cells, DANGEROUS, strict=False):
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value.strip() == text.strip()
    assert cells[len(DANGEROUS)].value == "张三" and not cells[len(DANGEROUS)].quotePrefix
    assert cells[-1].value == 42 and cells[-1].data_type == "n"
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
