"""Cells that a spreadsheet will never run as a formula: the one rule for every CSV and .xlsx huiwu writes.

A name, unit or position comes from whoever filed it; text such as ``=HYPERLINK(…)`` or ``@SUM(…)``
opened in Excel or WPS would run (CSV injection). Text starting with ``=``, ``+``, ``-``, ``@`` (or a
tab / carriage return, which Excel skips before looking) stays text:

- in CSV, behind a leading apostrophe (what OWASP recommends; Excel shows the text, not a formula);
- in .xlsx (openpyxl write-only), as a string cell with the "quote prefix" flag — Excel's own way of
  storing text typed as ``'=…`` — so the cell shows exactly the text, without the apostrophe.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = frozenset("=+-@\t\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_START


def safe_cell(value: Any, ws: Any = None) -> Any:
    """`value` made safe for a CSV cell, or — with `ws`, a write-only openpyxl worksheet — for an .xlsx cell.

    Numbers, dates and None pass through unchanged (a number is never a formula); in CSV None is "".
    """
    if not is_formula_like(value):
        return "" if value is None and ws is None else value
    if ws is None:
        return "'" + value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl made "=…" a formula when the value was bound
    cell.quotePrefix = True
    return cell
