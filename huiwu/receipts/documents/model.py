"""What a reader hands on: the file's tables as plain grids of text, its loose text lines and marker.

Readers know file formats; they do not know receipts. `extract.py` finds the header rows,
attendees and the rehearsal contact in these grids, whatever the format was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

#: most cells filled in from merged ranges in one sheet (.xlsx and Excel 2003 XML alike)
MERGE_BUDGET = 200_000


def number_text(raw: str) -> str:
    """Excel's stored number as people typed it: 13800138000.0 / 1.3800138E10 → 13800138000."""
    raw = raw.strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 18:
        return str(int(value))
    return format(value.normalize(), "f")

#: the machine-readable marker the templates carry: event slug, venue code and optionally a unit id
MARKER_RE = re.compile(r"huiwu-receipt:([a-z0-9][a-z0-9_-]{0,79}):(main|\d{6})(?::(\d{1,10}))?", re.I)


@dataclass
class Marker:
    event: str
    venue: str
    unit_id: int | None = None

    @classmethod
    def find(cls, text: str) -> Marker | None:
        m = MARKER_RE.search(text or "")
        if not m:
            return None
        return cls(event=m.group(1).lower(), venue=m.group(2).lower(), unit_id=int(m.group(3)) if m.group(3) else None)

    def text(self) -> str:
        return f"huiwu-receipt:{self.event}:{self.venue}" + (f":{self.unit_id}" if self.unit_id else "")


@dataclass
class Grid:
    """One table (a Word table, a worksheet, a CSV file) with merged cells already spread out.

    `rows[i]` is a list of cell texts; `row_numbers[i]` is the row number the user sees
    (the Excel row; the table's own row count in Word, header included; the CSV line).
    `numbers[(i, j)]` keeps a cell's numeric value as stored by Excel, when it was a number.
    """

    label: str
    rows: list[list[str]]
    row_numbers: list[int]
    #: text right before the table (Word) or the sheet's name: tells a contact table from attendees
    context: str = ""
    kind: str = "table"  # table | sheet | csv
    numeric: set[tuple[int, int]] = field(default_factory=set)
    #: rows (indices into `rows`) and columns hidden in Excel: still read, but said in a warning
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


@dataclass
class Parsed:
    kind: str  # docx | xlsx | csv
    grids: list[Grid] = field(default_factory=list)
    #: text outside tables, in reading order (Word paragraphs)
    lines: list[str] = field(default_factory=list)
    marker: Marker | None = None
    #: where the marker was found (custom property, keywords, hidden text/cell…)
    marker_sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
