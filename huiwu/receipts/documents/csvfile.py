"""Reading .csv as Excel in China saves it: UTF-8 (with or without BOM), GBK/GB18030, or UTF-16."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .model import Grid, Marker, Parsed
from .safety import UnsafeFile

MAX_ROWS = 5000


def decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnsafeFile(_("CSV 文件的文字编码无法识别。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新提交。")) from exc


def read_csv(data: bytes) -> Parsed:
    text = decode(data)
    first = "\n".join(text.splitlines()[:20])
    delimiter = max([",", "\t", ";", "，"], key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = Grid(label=_("CSV 文件"), rows=[], row_numbers=[], kind="csv")
    try:
        for number, row in enumerate(reader, start=1):
            if number > MAX_ROWS:
                break
            grid.rows.append(row[:60])
            grid.row_numbers.append(number)
    except csv.Error as exc:
        raise UnsafeFile(_("CSV 文件格式有误（%(err)s）。请在 Excel 中重新另存为 CSV 后提交。") % {"err": exc}) from exc
    parsed = Parsed(kind="csv", grids=[grid])
    parsed.marker = Marker.find(text[:20000]) if "huiwu" in text else None
    if parsed.marker:
        parsed.marker_sources.append("cell")
    return parsed
