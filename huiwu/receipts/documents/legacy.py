"""What many Chinese systems export under old Office names — web pages (HTML, .mht) and Excel
2003 XML — read directly, without LibreOffice. Binary .doc/.xls/.wps/.et are converted by
huiwu.core.files.convert (LibreOffice headless, domain-neutral: notices use it too)."""

from __future__ import annotations

import email
import email.policy
import re

from django.utils.translation import gettext as _
from lxml import etree

from huiwu.core.files.safety import UnsafeFile, parse_xml

from .model import MERGE_BUDGET, Grid, Marker, Parsed, number_text

MAX_ROWS = 5000
MAX_COLS = 60
MAX_TABLES = 200


# -- what Chinese systems export under .xls/.doc: HTML tables and Excel 2003 XML ----------------------
#: a web page or Excel 2003 XML bigger than this is not a receipt (its tree takes ~12× in memory)
MAX_TEXT_BYTES = 4 * 1024 * 1024
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_BLOCKS = {"body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "pre", "center", "blockquote"}
_ENTITY = re.compile(rb"<!\s*entity", re.I)
_BREAKS = {"br", "p", "div", "li"}


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
        return data.decode("gb18030", "replace")
    if declared and declared not in ("utf-8", "utf8", "unicode"):
        try:
            return data.decode(declared, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _mht_html(data: bytes) -> list[bytes]:
    """The text/html parts of a “single file web page” (.mht saved under .doc/.xls): Word puts the
    page in the first, Excel one sheet in each (after a frame page with the sheet tabs)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    pages = []
    for part in message.walk():
        if part.get_content_type() == "text/html" and len(pages) < MAX_TABLES:
            body = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and b"charset" not in body[:4096].lower():
                body = f'<meta charset="{charset}">'.encode() + body
            pages.append(body)
    if not pages:
        raise UnsafeFile(_("这个网页格式的文件里没有表格内容。请用 Word 或 Excel 另存为 .docx / .xlsx 后重新提交。"))
    if sum(map(len, pages)) > MAX_TEXT_BYTES:
        raise UnsafeFile(_("文件内容过多（超过 %(mb)d MB）。请删去无关内容后重新提交。")
                         % {"mb": MAX_TEXT_BYTES // 1048576})
    return pages


def _cell_text(cell) -> str:
    """A cell's text without its nested tables' text; <br> and paragraphs become spaces."""
    parts = [cell.text or ""]
    for child in cell:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag == "table":
            parts.append(" ")
        else:
            if child.tag in _BREAKS:
                parts.append(" ")
            parts.append(_cell_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _own(el, tag: str, table) -> bool:
    """Whether `el` belongs to `table` itself, not to a table nested in it."""
    return next(el.iterancestors("table"), None) is table


def _span(value: str | None, most: int = MAX_COLS) -> int:
    try:
        return max(1, min(int(value or 1), most))
    except ValueError:
        return 1


def html_grids(data: bytes, *, sheet: bool = False) -> tuple[list[Grid], list[str]]:
    """Every table of a web page as a grid (rowspan/colspan spread out) and its other text as lines.

    Row numbers are each table's own (as Word shows the page), or with `sheet` the rows Excel
    shows when it opens the page: every line of text and every table row one after the other."""
    from lxml import html as lxml_html

    if len(data) > MAX_TEXT_BYTES:
        raise UnsafeFile(_("文件内容过多（超过 %(mb)d MB）。请删去无关内容后重新提交。")
                         % {"mb": MAX_TEXT_BYTES // 1048576})
    if _ENTITY.search(data):
        raise UnsafeFile(_("网页文件中含有实体声明（<!ENTITY），出于安全原因拒收。请用 Word 或 Excel 另存为 .docx / .xlsx 后重新提交。"))
    text = _decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml_html.document_fromstring(text or "<html></html>", parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnsafeFile(_("网页格式的文件无法读取，可能已损坏。请用 Word 或 Excel 另存为 .docx / .xlsx 后重新提交。")) from exc
    for el in list(root.iter("script", "style", "head")):
        if el.getparent() is not None:
            el.drop_tree()
    grids: list[Grid] = []
    lines: list[str] = []
    last_line = ""
    excel_row = 0  # rows Excel has shown so far (with `sheet`)
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            if len(grids) >= MAX_TABLES:
                continue
            grid = Grid(label=_("第%(n)d个表格") % {"n": len(grids) + 1}, rows=[], row_numbers=[],
                        context=last_line, kind="table")
            pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
            rows = [tr for tr in el.iter("tr") if _own(tr, "tr", el)]
            first_row = excel_row + 1 if sheet else 1
            excel_row += len(rows)
            for number, tr in enumerate(rows[:MAX_ROWS], start=first_row):
                cells: list[str] = []
                col = 0
                for td in tr:
                    if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                        continue
                    while col in pending and len(cells) < MAX_COLS:
                        left, value = pending[col]
                        cells.append(value)
                        pending[col] = (left - 1, value) if left > 1 else None
                        if pending[col] is None:
                            del pending[col]
                        col += 1
                    value = " ".join(_cell_text(td).split())
                    down = _span(td.get("rowspan"), MAX_ROWS)
                    for _k in range(_span(td.get("colspan"))):
                        if len(cells) >= MAX_COLS:
                            break
                        cells.append(value)
                        if down > 1:
                            pending[col] = (down - 1, value)
                        col += 1
                while col in pending and len(cells) < MAX_COLS:
                    left, value = pending.pop(col)
                    cells.append(value)
                    if left > 1:
                        pending[col] = (left - 1, value)
                    col += 1
                grid.rows.append(cells)
                grid.row_numbers.append(number)
            grids.append(grid)
            last_line = ""
        elif tag in _BLOCKS and next(el.iterancestors("table"), None) is None:
            if any(isinstance(c.tag, str) and c.tag in _BLOCKS | {"table"} for c in el):
                # text standing between the blocks (a <body> or <div> with loose text and <br>s)
                line = " ".join(((el.text or "") + " ".join(c.tail or "" for c in el)).split())
            else:
                line = " ".join(el.text_content().split())
            if line:
                lines.append(line)
                last_line = line
                excel_row += 1
    return grids, lines


def read_html(data: bytes, kind: str, *, sheet: bool = False) -> Parsed:
    """A web page saved under .xls or .doc (or .mht): its tables and text; `sheet` when it was
    named for Excel (row numbers as Excel shows them)."""
    grids: list[Grid] = []
    lines: list[str] = []
    for page in (_mht_html(data) if kind == "mht" else [data]):
        more, text = html_grids(page, sheet=sheet)
        for grid in more[:MAX_TABLES - len(grids)]:
            grid.label = _("第%(n)d个表格") % {"n": len(grids) + 1}
            grids.append(grid)
        lines.extend(text)
    parsed = Parsed(kind="html", grids=grids, lines=lines)
    texts = [line for line in lines if "huiwu" in line] + [c for g in grids for r in g.rows for c in r if "huiwu" in c]
    parsed.marker = Marker.find("\n".join(texts)) if texts else None
    if parsed.marker:
        parsed.marker_sources.append("cell")
    return parsed


SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_spreadsheetml(data: bytes) -> Parsed:
    """Excel 2003 XML (“XML 电子表格”), which many systems export under .xls: sheets, rows, merges."""
    if len(data) > MAX_TEXT_BYTES:
        raise UnsafeFile(_("文件内容过多（超过 %(mb)d MB）。请删去无关内容后重新提交。")
                         % {"mb": MAX_TEXT_BYTES // 1048576})
    root = parse_xml(data, "XML")
    parsed = Parsed(kind="spreadsheetml")
    for sheet in root.iter(SS + "Worksheet"):
        name = sheet.get(SS + "Name", "")
        cells: dict[int, dict[int, str]] = {}
        numeric: set[tuple[int, int]] = set()
        budget = MERGE_BUDGET
        rnum = 0
        for table in sheet.iterchildren(SS + "Table"):
            for row in table.iterchildren(SS + "Row"):
                rnum = _index(row.get(SS + "Index"), rnum + 1)
                if rnum > MAX_ROWS:
                    break
                col = 0
                for cell in row.iterchildren(SS + "Cell"):
                    col = _index(cell.get(SS + "Index"), col + 1)
                    across = min(_index(cell.get(SS + "MergeAcross"), 0), MAX_COLS)
                    down = min(_index(cell.get(SS + "MergeDown"), 0), MAX_ROWS)
                    value = cell.find(SS + "Data")
                    text = "".join(value.itertext()).strip() if value is not None else ""
                    if text and value.get(SS + "Type") == "Number":
                        text = number_text(text)
                        numeric.add((rnum, col - 1))
                    if text and col <= MAX_COLS:
                        if budget <= 0:
                            down = across = 0  # merges spread so far are enough: keep just the cell
                        for r in range(rnum, min(rnum + down, MAX_ROWS) + 1):
                            for c in range(col - 1, min(col + across, MAX_COLS)):
                                cells.setdefault(r, {}).setdefault(c, text)
                        budget -= (down + 1) * (across + 1)
                    col += across
        grid = Grid(label=_("工作表“%(name)s”") % {"name": name}, rows=[], row_numbers=[], context=name, kind="sheet")
        for r in sorted(cells):
            width = max(cells[r]) + 1
            grid.rows.append([cells[r].get(c, "") for c in range(width)])
            grid.row_numbers.append(r)
        index_of = {r: i for i, r in enumerate(grid.row_numbers)}
        grid.numeric = {(index_of[r], c) for r, c in numeric if r in index_of}
        parsed.grids.append(grid)
    texts = [c for g in parsed.grids for r in g.rows for c in r if "huiwu" in c]
    parsed.marker = Marker.find("\n".join(texts)) if texts else None
    if parsed.marker:
        parsed.marker_sources.append("cell")
    return parsed


def _index(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value else default
    except ValueError:
        return default
