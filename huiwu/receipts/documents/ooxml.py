"""Reading .docx and .xlsx with lxml straight from their XML parts (no python-docx/openpyxl).

A receipt is a few small XML parts; python-docx builds a whole object model (~12 ms a file)
where walking `word/document.xml` with lxml takes well under a millisecond. Every part goes
through `SafeZip.xml_bytes` and `parse_xml` (huiwu.core.files.safety) (size-capped, DOCTYPE refused, hardened parser).

What Word and WPS keep but do not show is dropped before reading (the fallback copy of text
boxes, tracked moves, unfilled content-control prompts); text boxes, altChunk web pages and
paragraphs laid out with tabs are read like tables. Hidden Excel rows and columns are read and
flagged, so the extraction can say so.
"""

from __future__ import annotations

import posixpath
import re

from django.utils.translation import gettext as _
from lxml import etree

from huiwu.core.files.safety import SafeZip, UnsafeFile, parse_xml

from .legacy import html_grids
from .model import MERGE_BUDGET, Grid, Marker, Parsed, number_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"

OFFICE_DOCUMENT = "officeDocument/2006/relationships/officeDocument"
#: a worksheet bigger than this is not a receipt; reading stops there (bounded work)
MAX_ROWS = 5000
MAX_COLS = 60
#: most tables read from one document, and parts imported whole (w:altChunk) read
MAX_TABLES = 200
MAX_ALT_CHUNKS = 20


# -- package-level parts -------------------------------------------------------------------
def _rels(zf: SafeZip, part: str) -> dict[str, tuple[str, str]]:
    """Relationships of `part`: id → (type, absolute target)."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if not zf.has(rels_name):
        return {}
    out = {}
    for rel in zf.read_xml(rels_name).iter(PR + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


def _main_part(zf: SafeZip, default: str) -> str:
    if zf.has(default):
        return default  # where Word, WPS, Excel and LibreOffice all put it
    for rtype, target in _rels(zf, "").values():
        if rtype.endswith(OFFICE_DOCUMENT) and zf.has(target):
            return target
    raise UnsafeFile(_("文件缺少正文部分，可能已损坏。请重新保存后提交。"))


def _read_marker(zf: SafeZip, parsed: Parsed) -> None:
    """The template marker from the custom properties and the core properties' keywords.

    Only searched as text in the parts' bytes (they are never handed to a parser here).
    """
    for part, source in (("docProps/custom.xml", "custom_property"), ("docProps/core.xml", "core_keywords")):
        if not zf.has(part):
            continue
        data = zf.read(part)
        if b"huiwu-receipt" not in data:
            continue
        marker = Marker.find(data.decode("utf-8", "replace"))
        if marker:
            parsed.marker = parsed.marker or marker
            parsed.marker_sources.append(source)


# -- Word ----------------------------------------------------------------------------------
_TEXT_TAGS = (W + "t", W + "tab", W + "br", W + "cr")
_P, _T, _TAB, _BR, _CR, _TBL = W + "p", W + "t", W + "tab", W + "br", W + "cr", W + "tbl"
_TC = W + "tc"
_TR, _TRPR, _GRIDBEFORE = W + "tr", W + "trPr", W + "gridBefore"
_SDT, _SDTC, _TCPR, _GRIDSPAN, _VMERGE, _VAL = W + "sdt", W + "sdtContent", W + "tcPr", W + "gridSpan", W + "vMerge", W + "val"


def _ptext(p, tab: str = " ") -> str:
    parts = []
    for el in p.iter(*_TEXT_TAGS):
        if el.tag == W + "t":
            if el.text:
                parts.append(el.text)
        else:
            parts.append(tab if el.tag == _TAB else " ")
    return "".join(parts)


_TABS = re.compile(r"[ \u3000]*\t[\t \u3000]*")


def _val(el, tag: str) -> str | None:
    child = el.find(tag)
    if child is None:
        return None
    return child.get(W + "val", "")


def _rows(container):
    """A table's own rows (also those wrapped in content controls), not its nested tables' rows."""
    for child in container:
        if child.tag == W + "tr":
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _rows(content)
        elif child.tag == W + "customXml":
            yield from _rows(child)


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TXBX = W + "txbxContent"


def _drop_hidden_markup(root, data: bytes) -> None:
    """Remove what Word keeps but does not show as the document's text, so no reader sees it:
    the fallback copy of alternate content (Word and WPS write every text box twice), text a
    tracked change moved away (w:moveFrom; deleted text is already w:delText), and the prompt
    of a content control nobody filled in (“单击或点击此处输入文字。”).

    Each is looked for in the part's bytes first: most receipts have none of them."""
    if b"Fallback" in data:
        for fallback in list(root.iter(MC + "Fallback")):
            parent = fallback.getparent()
            if parent is not None and parent.find(MC + "Choice") is not None:
                parent.remove(fallback)
    if b"moveFrom" in data:
        for moved in list(root.iter(W + "moveFrom")):
            moved.getparent().remove(moved)
    if b"showingPlcHdr" in data:
        for flag in list(root.iter(W + "showingPlcHdr")):
            props = flag.getparent()
            sdt = props.getparent() if props is not None else None
            content = sdt.find(W + "sdtContent") if sdt is not None else None
            if content is not None and next(content.iter(_TBL), None) is None:  # never a whole filled table
                for t in content.iter(W + "t"):
                    t.text = ""


def _in_box(el, stop) -> bool:
    """Whether `el` sits in a text box inside `stop` (a paragraph)."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _TXBX:
            return True
        parent = parent.getparent()
    return False


def _boxes(p) -> list:
    """The text boxes anchored in paragraph `p` (not those nested in another of its boxes)."""
    return [box for box in p.iter(_TXBX) if not _in_box(box, p)]


class _DocxWalker:
    def __init__(self, boxes: bool = False):
        self.lines: list[str] = []
        self.grids: list[Grid] = []
        self.alt_chunks: list[str] = []
        #: (index in `lines`, cells) of paragraphs whose columns are separated by tabs
        self.tab_rows: list[tuple[int, list[str]]] = []
        self._last_line = ""
        #: the document has text boxes (their paragraphs and tables are read as the body's)
        self._boxes = boxes

    def walk(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == W + "p":
                boxes = _boxes(child) if self._boxes else []
                if boxes:
                    text = "".join((el.text or "") if el.tag == _T else " "
                                   for el in child.iter(*_TEXT_TAGS) if not _in_box(el, child))
                elif next(child.iter(_TAB), None) is not None:
                    # columns typed with tabs instead of a table: kept as cells for `tab_grids`
                    # i18n: data
                    cells = _TABS.split(_ptext(child, "\t").strip("\t \u3000"))
                    if len(cells) >= 2:
                        self.tab_rows.append((len(self.lines), cells))
                    text = " ".join(cells)
                else:
                    text = _ptext(child)
                self.lines.append(text)
                if text.strip():
                    self._last_line = text.strip()
                for box in boxes:
                    self.walk(box)
            elif tag == W + "altChunk":
                self.alt_chunks.append(child.get(R + "id", ""))
            elif tag == W + "tbl":
                self.table(child, self._last_line)
                self._last_line = ""
            elif tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "smartTag"):
                self.walk(child.find(W + "sdtContent") if tag == W + "sdt" else child)

    def _cell(self, tc, nested: list) -> str:
        texts = []
        for child in tc:
            tag = child.tag
            if tag == _P:
                if next(child.iter(_TAB, _BR, _CR), None) is None:
                    text = "".join(child.itertext(_T))
                else:
                    text = _ptext(child)
                if text:
                    texts.append(text)
            elif tag == _TBL:
                nested.append((child, " ".join(t for t in texts if t.strip())))
            elif tag == _SDT:
                content = child.find(_SDTC)
                if content is not None:
                    texts.append(self._cell(content, nested))
        if len(texts) == 1:
            return texts[0]
        return " ".join(t for t in texts if t.strip())

    def _careful_rows(self, tbl, nested: list):
        """(gridBefore, [(span, vMerge, text)]) per row, element by element (tables holding tables)."""
        for tr in _rows(tbl):
            trpr = tr.find(_TRPR)
            before = _int(_val(trpr, _GRIDBEFORE)) if trpr is not None else 0
            tcs = []
            for c in tr:
                if c.tag == _TC:
                    tcs.append(c)
                elif c.tag == _SDT:  # a cell wrapped in a content control
                    content = c.find(_SDTC)
                    if content is not None:
                        tcs.extend(x for x in content if x.tag == _TC)
            cells = []
            for tc in tcs:
                tcpr = tc.find(_TCPR)
                span, vmerge = 1, None
                if tcpr is not None:
                    span = _int(_val(tcpr, _GRIDSPAN), 1)
                    vmerge = _val(tcpr, _VMERGE)
                cells.append((span, vmerge, self._cell(tc, nested)))
            yield before, cells

    def table(self, tbl, context: str) -> None:
        index = len(self.grids)
        if index >= MAX_TABLES:
            return  # a receipt has a few tables; thousands are not one (and would cost time)
        grid = Grid(label=_("第%(n)d个表格") % {"n": index + 1}, rows=[], row_numbers=[], context=context, kind="table")
        self.grids.append(grid)
        above: dict[int, str] = {}
        nested: list = []
        has_nested = any(True for t in tbl.iter(_TBL) if t is not tbl)
        specs = self._careful_rows(tbl, nested) if has_nested else _fast_rows(tbl)
        for number, (before, specs_of_row) in enumerate(specs, start=1):
            if number > MAX_ROWS:
                break
            cells: list[str] = [""] * min(before, MAX_COLS)
            col = before
            for span, vmerge, text in specs_of_row:
                span = max(1, min(span, MAX_COLS))
                if vmerge is not None and vmerge != "restart":
                    text = above.get(col, "")  # merged down: the restart cell's text applies here too
                elif vmerge == "restart":
                    above[col] = text
                else:
                    above.pop(col, None)
                for _k in range(span):
                    if len(cells) < MAX_COLS:
                        cells.append(text)
                col += span
            grid.rows.append(cells)
            grid.row_numbers.append(number)
        for inner, inner_context in nested:
            self.table(inner, inner_context or context)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _fast_rows(tbl):
    """The same as `_careful_rows` for a table without nested tables, in one pass of lxml's C
    iterator over just the elements that matter (rows, cells, merges, text, breaks)."""
    row = None
    cell = None
    for el in tbl.iter(_TR, _TC, _T, _GRIDSPAN, _VMERGE, _GRIDBEFORE, _P, _TAB, _BR, _CR):
        tag = el.tag
        if tag == _T:
            if el.text:
                cell[2].append(el.text)
        elif tag == _TC:
            if cell is not None:
                row[1].append((cell[0], cell[1], "".join(cell[2]).strip()))
            cell = [1, None, []]
        elif tag == _P:
            if cell is not None and cell[2]:
                cell[2].append(" ")  # a second paragraph in the cell
        elif tag == _TR:
            if row is not None:
                if cell is not None:
                    row[1].append((cell[0], cell[1], "".join(cell[2]).strip()))
                yield row[0], row[1]
            row, cell = [0, []], None
        elif tag == _GRIDSPAN:
            if cell is not None:
                cell[0] = _int(el.get(_VAL), 1)
        elif tag == _VMERGE:
            if cell is not None:
                cell[1] = el.get(_VAL, "")
        elif tag == _GRIDBEFORE:
            if row is not None:
                row[0] = _int(el.get(_VAL))
        elif cell is not None:  # tab, line break
            cell[2].append(" ")
    if row is not None:
        if cell is not None:
            row[1].append((cell[0], cell[1], "".join(cell[2]).strip()))
        yield row[0], row[1]


def _tab_grids(walker: _DocxWalker) -> list[Grid]:
    """Runs of two or more paragraphs laid out in columns with tabs (“姓名⇥单位⇥手机”), each as a
    grid; a row's number is its line among the document's non-empty lines (what the user counts)."""
    line_number, count = {}, 0
    for i, line in enumerate(walker.lines):
        if line.strip():
            count += 1
            line_number[i] = count
    grids: list[Grid] = []
    run: list[tuple[int, list[str]]] = []
    for index, cells in [*walker.tab_rows, (-1, [])]:
        if run and (index < 0 or line_number.get(index, 0) != line_number[run[-1][0]] + 1):
            if len(run) >= 2:
                grids.append(Grid(label=_("正文"), rows=[c[:MAX_COLS] for _i, c in run],
                                  row_numbers=[line_number[i] for i, _c in run], kind="text"))
            run = []
        if index >= 0:
            run.append((index, cells))
    return grids


def _read_alt_chunks(zf: SafeZip, main: str, ids: list[str], parsed: Parsed) -> None:
    """Content a program imported as a whole (w:altChunk), which Word shows but keeps in a part of
    its own: web pages are read like the body; other kinds are said in a warning."""
    rels = _rels(zf, main)
    targets = dict.fromkeys(rels.get(rid, ("", ""))[1] for rid in ids)  # each part once, however often used
    for target in list(targets)[:MAX_ALT_CHUNKS]:
        if not target or not zf.has(target):
            continue
        if target.lower().endswith((".htm", ".html", ".xhtml", ".xml")):
            grids, lines = html_grids(zf.xml_bytes(target))
            for grid in grids:
                grid.label = _("第%(n)d个表格") % {"n": sum(g.kind == "table" for g in parsed.grids) + 1}
                parsed.grids.append(grid)
            parsed.lines.extend(lines)
        else:
            parsed.warnings.append(_("文件中有一段嵌入的内容（%(part)s）无法读取；如其中有参会人员，请把它复制到正文表格中后重新提交。")
                                   % {"part": posixpath.basename(target)})


def read_docx(zf: SafeZip) -> Parsed:
    parsed = Parsed(kind="docx")
    _read_marker(zf, parsed)
    main = _main_part(zf, "word/document.xml")
    data = zf.xml_bytes(main)
    root = parse_xml(data, main)
    _drop_hidden_markup(root, data)
    body = root.find(W + "body")
    walker = _DocxWalker(boxes=b"txbxContent" in data)
    if body is not None:
        walker.walk(body)
    parsed.grids = walker.grids
    if len(walker.tab_rows) >= 2:
        parsed.grids.extend(_tab_grids(walker))
    parsed.lines = [line for line in walker.lines if line.strip()]
    if walker.alt_chunks:
        _read_alt_chunks(zf, main, walker.alt_chunks, parsed)
    if parsed.marker is None:
        texts = parsed.lines + [c for g in parsed.grids for row in g.rows for c in row]
        marker = Marker.find("\n".join(t for t in texts if "huiwu" in t))
        if marker:
            parsed.marker = marker
            parsed.marker_sources.append("hidden_text")
    return parsed


# -- Excel ---------------------------------------------------------------------------------
_CELL_RE = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_C = S + "c"
#: column letters → index for the columns a receipt can have
_COLUMNS = {}
for _i in range(80):
    _name, _n = "", _i + 1
    while _n:
        _n, _rem = divmod(_n - 1, 26)
        _name = chr(65 + _rem) + _name
    _COLUMNS[_name] = _i


_V, _IS, _ST, _SI, _RPH = S + "v", S + "is", S + "t", S + "si", S + "rPh"
_VALUE_CELLS = etree.XPath("s:sheetData/s:row/s:c[s:v or s:is]", namespaces={"s": S[1:-1]})


def _ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_RE.fullmatch(ref.replace("$", "").upper())
    if not m:
        return None
    return int(m.group(2)), _col_index(m.group(1))


def _shared_strings(zf: SafeZip, path: str | None) -> list[str]:
    if not path or not zf.has(path):
        return []
    root = zf.read_xml(path)
    if next(root.iter(_RPH), None) is None:  # no phonetic hints: every w:t is text
        return ["".join(si.itertext(_ST)) for si in root.iterchildren(_SI)]
    return ["".join(t.text or "" for t in si.iter(_ST) if t.getparent().tag != _RPH)
            for si in root.iterchildren(_SI)]


def _shared(strings: list[str], raw: str) -> str:
    """Shared string number `raw`; a number that is not in the table means a damaged file (Excel
    itself would refuse to open it), not an empty cell."""
    if not raw.strip():
        return ""  # <v/>: nothing was stored
    try:
        index = int(raw)
        if index < 0:
            raise IndexError(index)
        return strings[index]
    except (ValueError, IndexError) as exc:
        raise UnsafeFile(_("文件中有单元格引用了不存在的文字（编号 %(n)s），文件可能已损坏。请用 Excel 或 WPS 重新保存后提交。")
                         % {"n": raw[:12]}) from exc


def _cell_text(c, t: str, strings: list[str]) -> str:
    if t == "inlineStr":
        is_ = c.find(_IS)
        if is_ is None:
            return ""
        if is_.find(_RPH) is not None:  # phonetic hints are not the text
            return "".join(x.text or "" for x in is_.iter(_ST) if x.getparent().tag != _RPH)
        return "".join(is_.itertext(_ST))
    v = c.find(_V)
    raw = v.text if v is not None and v.text is not None else ""
    if t == "s":
        return _shared(strings, raw)
    if t == "b":
        return "TRUE" if raw == "1" else "FALSE"
    return raw  # str, e (error); numbers are handled by the caller


def _fast_cells(root, strings: list[str], cells: dict, numeric: set) -> bool:
    """Only the cells that hold a value, found by one XPath call; False when some cell lacks its
    reference (then the careful loop below reads the sheet)."""
    found = _VALUE_CELLS(root)
    if any(c.get("r") is None for c in found):
        return False
    for c in found:
        ref = c.get("r")
        letters = ref.rstrip("0123456789")
        col = _COLUMNS.get(letters.lstrip("$").upper())
        if col is None:
            pos = _ref(ref)
            if pos is None:
                continue
            rnum, col = pos
        else:
            try:
                rnum = int(ref[len(letters):])
            except ValueError:
                continue
        if rnum > MAX_ROWS or rnum < 1 or col >= MAX_COLS:
            continue
        t = c.get("t", "n")
        if t == "n":
            v = c.find(_V)
            raw = v.text if v is not None and v.text else ""
            if not raw:
                continue
            text = number_text(raw)
            numeric.add((rnum, col))
        else:
            text = _cell_text(c, t, strings)
        if text:
            cells.setdefault(rnum, {})[col] = text
    return True


def _hidden(root, data: bytes) -> tuple[set[int], set[int]]:
    """Row numbers and column indices a sheet hides (looked for only when the bytes say “hidden”)."""
    rows: set[int] = set()
    cols: set[int] = set()
    if b"hidden" not in data:
        return rows, cols
    for row in root.iterfind(f"{S}sheetData/{S}row[@hidden]"):
        if row.get("hidden") in ("1", "true") and (row.get("r") or "").isdigit():
            rows.add(int(row.get("r")))
    for col in root.iterfind(f"{S}cols/{S}col[@hidden]"):
        if col.get("hidden") in ("1", "true"):
            lo, hi = _int(col.get("min"), 1), _int(col.get("max"), 1)
            cols.update(range(max(lo, 1) - 1, min(hi, MAX_COLS)))
    return rows, cols


def _sheet_grid(zf: SafeZip, path: str, name: str, strings: list[str]) -> Grid:
    part = zf.xml_bytes(path)
    root = parse_xml(part, path)
    cells: dict[int, dict[int, str]] = {}
    numeric: set[tuple[int, int]] = set()
    data = root.find(S + "sheetData")
    if data is not None and not _fast_cells(root, strings, cells, numeric):
        next_row = 0
        for row in data.iterchildren(S + "row"):
            rnum = _int(row.get("r"), next_row + 1)
            next_row = rnum
            if rnum > MAX_ROWS or rnum < 1:
                continue  # rows may come in any order: one out of range does not end the sheet
            next_col = 0
            for c in row.iterchildren(_C):
                ref = c.get("r")
                if not len(c) and not ref:  # a styled empty cell (borders of an empty template row)
                    next_col += 1
                    continue
                if ref:
                    letters = ref.rstrip("0123456789").lstrip("$").upper()
                    col = _COLUMNS.get(letters)
                    if col is None:
                        pos = _ref(ref)
                        if pos is None:
                            continue
                        col = pos[1]
                else:
                    col = next_col
                next_col = col + 1
                if col >= MAX_COLS or not len(c):
                    continue
                t = c.get("t", "n")
                if t == "inlineStr":
                    text = _cell_text(c, t, strings)
                else:
                    v = c.find(S + "v")
                    raw = v.text if v is not None and v.text is not None else ""
                    if t == "s":
                        text = _shared(strings, raw)
                    elif t == "n" and raw:
                        text = number_text(raw)
                        numeric.add((rnum, col))
                    elif t == "b":
                        text = "TRUE" if raw == "1" else "FALSE"
                    else:  # str, e (error)
                        text = raw
                if text:
                    cells.setdefault(rnum, {})[col] = text
    merges = root.find(S + "mergeCells")
    if merges is not None:
        budget = MERGE_BUDGET
        for mc in merges.iterchildren(S + "mergeCell"):
            a, _sep, b = (mc.get("ref") or "").partition(":")
            start, end = _ref(a), _ref(b or a)
            if not start or not end:
                continue
            r1, c1 = start
            r2, c2 = end[0], min(end[1], MAX_COLS - 1)
            value = cells.get(r1, {}).get(c1, "")
            if not value:
                continue
            # spread the value only over rows that hold something: a merge over a million empty rows costs nothing
            for r in (r for r in cells if r1 <= r <= r2):
                rowcells = cells[r]
                for c in range(c1, c2 + 1):
                    rowcells.setdefault(c, value)
                budget -= c2 - c1 + 1
            if budget <= 0:
                break
    grid = Grid(label=_("工作表“%(name)s”") % {"name": name}, rows=[], row_numbers=[], context=name, kind="sheet")
    for rnum in sorted(cells):
        rowcells = cells[rnum]
        width = max(rowcells) + 1
        grid.rows.append([rowcells.get(c, "") for c in range(width)])
        grid.row_numbers.append(rnum)
    index_of = {r: i for i, r in enumerate(grid.row_numbers)}
    grid.numeric = {(index_of[r], c) for r, c in numeric if r in index_of}
    hidden_rows, grid.hidden_cols = _hidden(root, part)
    grid.hidden_rows = {index_of[r] for r in hidden_rows if r in index_of}
    return grid


#: a sheet of instructions or a filled-in example, which templates often carry before the form
_GUIDE_SHEET = re.compile(r"^(?:填表|填写|填报|使用)?(?:说明|须知)$|示例|样表|样例|范例|填表说明|填写说明")


def read_xlsx(zf: SafeZip) -> Parsed:
    parsed = Parsed(kind="xlsx")
    _read_marker(zf, parsed)
    book_path = _main_part(zf, "xl/workbook.xml")
    book = zf.read_xml(book_path)
    rels = _rels(zf, book_path)
    strings_path = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None)
    strings = _shared_strings(zf, strings_path or "xl/sharedStrings.xml")
    names = book.find(S + "definedNames")
    if names is not None and parsed.marker is None:
        for dn in names.iterchildren(S + "definedName"):
            marker = Marker.find(dn.text or "")
            if marker:
                parsed.marker = marker
                parsed.marker_sources.append("defined_name")
                break
    sheets = book.find(S + "sheets")
    guides: list[Grid] = []
    for sheet in (sheets.iterchildren(S + "sheet") if sheets is not None else []):
        rid = sheet.get(R + "id", "")
        typ, path = rels.get(rid, ("", ""))
        if not path or not zf.has(path) or not typ.endswith("/worksheet"):
            continue  # chart sheets, dialog sheets
        grid = _sheet_grid(zf, path, sheet.get("name", ""), strings)
        if sheet.get("state") in ("hidden", "veryHidden"):
            marker = Marker.find(" ".join(c for row in grid.rows for c in row if "huiwu" in c))
            if marker:
                parsed.marker = parsed.marker or marker
                parsed.marker_sources.append("hidden_sheet")
            continue
        if _GUIDE_SHEET.search(grid.context):
            guides.append(grid)
            continue
        parsed.grids.append(grid)
    if parsed.grids:
        parsed.warnings.extend(_("工作表“%(name)s”是填表说明或示例，未从中读取人员。") % {"name": g.context} for g in guides)
    else:
        parsed.grids = guides  # nothing but “示例” sheets: the list was filled in on one of them
    if parsed.marker is None:
        texts = [c for g in parsed.grids for row in g.rows for c in row if "huiwu" in c]
        marker = Marker.find("\n".join(texts))
        if marker:
            parsed.marker = marker
            parsed.marker_sources.append("cell")
    return parsed
