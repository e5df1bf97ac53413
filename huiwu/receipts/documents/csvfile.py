"""Reading .csv as Excel in China saves it: UTF-8 (with or without BOM), GBK/GB18030, or UTF-16."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from huiwu.core.files.safety import UnsafeFile

from .model import Grid, Marker, Parsed

MAX_ROWS = 5000
#: longest line read (a 60-column receipt row is a few hundred characters; a 10 MB line of
#: short fields would become millions of strings before the row could be cut to 60 columns)
MAX_LINE = 100_000


def decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnsafeFile(_("CSV 文件的文字编码无法识别（UTF-16 内容不完整）。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新提交。")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnsafeFile(_("CSV 文件的文字编码无法识别。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新提交。")) from exc


_TEXT_FORMULA = re.compile(r'^\s*="(.*)"\s*$', re.S)


def sniff_delimiter(text: str) -> str:
    """The separator most lines agree on: the one that splits the most of the first lines into the
    same number of fields (a title or a note full of “，” does not outvote the table)."""
    lines = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    # i18n: data
    for candidate in (",", "\t", ";", "，", "|"):
        counts: dict[int, int] = {}
        for line in lines:
            n = line.count(candidate)
            if n:
                counts[n] = counts.get(n, 0) + 1
        if counts:
            fields, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            score = (agree, fields)
            if score > best_score:
                best, best_score = candidate, score
    return best


def _read_rows(grid: Grid, reader) -> None:
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            break
        grid.rows.append(row[:60])
        grid.row_numbers.append(number)


def read_csv(data: bytes) -> Parsed:
    text = decode(data)
    if len(text) > MAX_LINE and max(map(len, text.split("\n"))) > MAX_LINE:
        raise UnsafeFile(_("CSV 文件中有一行过长（超过 %(n)d 个字符），不像一份回执。请在 Excel 中重新另存为 CSV 后提交。")
                         % {"n": MAX_LINE})
    delimiter = sniff_delimiter(text)
    grid = Grid(label=_("CSV 文件"), rows=[], row_numbers=[], kind="csv")
    warnings = []
    try:
        _read_rows(grid, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        stray = any("\n" in c and delimiter in c for row in grid.rows for c in row)
    except csv.Error:
        stray = True
    if stray:
        # a quote opened and never closed (张"三) swallows the rows after it into one cell: read
        # line by line instead, quotes kept as they are, and say so
        grid.rows, grid.row_numbers = [], []
        try:
            _read_rows(grid, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE))
        except csv.Error as exc:
            raise UnsafeFile(_("CSV 文件格式有误（某一格内容过长，或引号不成对），不像一份回执。请在 Excel 中重新另存为 CSV 后提交。")) from exc
        grid.rows = [[c.strip('"') for c in row] for row in grid.rows]
        warnings.append(_("CSV 文件中有不成对的引号，已逐行读取，请核对人员名单。"))
    if '="' in text:  # ="13800138000": how many systems export a number Excel must keep as text
        grid.rows = [[_TEXT_FORMULA.sub(r"\1", c) for c in row] for row in grid.rows]
    parsed = Parsed(kind="csv", grids=[grid], warnings=warnings)
    parsed.marker = Marker.find(text[:20000]) if "huiwu" in text else None
    if parsed.marker:
        parsed.marker_sources.append("cell")
    return parsed
