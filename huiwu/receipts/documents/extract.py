"""From grids of text to a receipt: header rows found by their words, attendees, rehearsal contact.

People fill receipts however they like: a title row or three, the header anywhere and in any
column order, numbering columns, blank and 合计/备注 rows, a unit cell merged down over its
people, the list split over several tables or sheets, the template's example rows and label
rows left in, and the rehearsal contact in a table of its own, on another sheet, in a line of
text, or ticked among the attendees. This module reads all of that; it knows nothing of the
database (the importer matches venues and files the receipt).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.core.text import PhoneError, clean_name, fold, normalize_mobile

from .model import Grid, Marker, Parsed

FIELDS = ("name", "unit", "position", "phone", "category")
_FIELD_NAMES = {"name": gettext_lazy("姓名"), "unit": gettext_lazy("单位"), "position": gettext_lazy("职务"),
                "phone": gettext_lazy("手机"), "category": gettext_lazy("类别")}

_NAME = {"姓名", "名字", "参会人员姓名", "参会人姓名", "人员姓名", "参会人员", "参会人", "参会者", "代表姓名",
         "参加人员", "参会代表", "与会人员", "姓名全称", "参会领导", "出席领导", "出席人员", "参加人", "报名人员",
         "参会领导姓名"}
_UNIT = {"单位", "工作单位", "所在单位", "单位名称", "工作单位名称", "所在单位名称", "参会单位", "单位全称",
         "工作单位及部门", "单位及部门", "单位部门", "部门", "工作部门", "所在部门"}
_POSITION = {"职务", "职务职称", "职位", "职称", "职务或职称", "行政职务", "现任职务", "岗位", "职务及职称",
             "现职务", "职级"}
_PHONE = {"手机", "手机号", "手机号码", "联系电话", "联系方式", "电话", "移动电话", "联系手机", "电话号码",
          "手机联系方式", "手机电话", "联系电话手机", "手机联系电话", "通讯方式"}
_CATEGORY = {"类别", "参会类别", "人员类别", "代表类别", "参会人员类别"}
# English labels (bilingual templates put them in a row of their own under the Chinese ones)
_NAME |= {"name", "fullname"}
_UNIT |= {"unit", "organization", "organisation", "company", "institution", "department", "employer"}
_POSITION |= {"position", "title", "jobtitle"}
_PHONE |= {"mobile", "mobilephone", "cellphone", "phone", "tel", "telephone", "mobileno", "phoneno"}
_OTHER_LABELS = {"序号", "编号", "no", "性别", "民族", "备注", "邮箱", "电子邮箱", "年龄", "出生年月", "政治面貌",
                 "身份证号", "身份证号码", "微信", "办公电话", "座机", "传真"}

#: exact labels (a cell holding one of these starts a label/value row, not a person)
_LABELS = _NAME | _UNIT | _POSITION | _PHONE | _CATEGORY

CONTACT_WORDS = re.compile(r"调试|技术(?:负责|联系|保障|支持|人员)|视频(?:会议)?联络")
ATTENDEE_WORDS = re.compile(r"参会人员|参加人员|参会名单|人员名单|参会代表|与会人员|参会人")
CONTACT_LINE = re.compile(r"(?:会场)?(?:视频)?(?:调试|技术保障|技术)(?:负责人|联系人|人员)|视频(?:会议)?联络(?:员|人)")
NOTE_START = re.compile(r"^(?:合计|总计|小计|共计|总人数|人数合计|以上|其中|备注|注[:：\s]|注$|说明|填表|填报人|制表|审核|经办|签发|联系人|"
                        r"报送|日期|盖章|\(盖章\)|（盖章）|附[:：]|以下|示例|样例|范例|例[:：]|例$|\(示例\)|（示例）|填报|单位名称)")
DECLARED_UNIT = re.compile(r"(?:(?:填报|报送|报名|参会|所在|回执)?单位(?:名称)?\s*(?:[（(][^）)]{0,8}[)）])?\s*[:：]"
                           r"|(?:填报|报送)单位(?:名称)?\s*(?:[（(][^）)]{0,8}[)）])?\s|单位\s*[（(](?:盖章|公章)[)）]\s)\s*(.+)")
SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d{1,2}$")
PHONE_IN_TEXT = re.compile(r"(?:\+|00)?\d[\d\s\-()（）]{8,20}\d(?:\s*(?:转|分机|ext\.?|x)\s*\d{1,6})?", re.I)
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
#: where the unit's name ends in “填报单位：XX  填报日期：…”: the next label, or a role or date word
_NEXT_LABEL = re.compile(r"\s{2,}|\s+[\u4e00-\u9fff]{1,8}\s*[:：]|填报日期|填报人|联系人|日期|填表人|负责人|电话|手机|[（(]盖章")
_TICKS = {"是", "√", "✓", "✔", "☑", "Y", "y", "YES", "Yes", "yes", "★", "*", "1", "是的"}
DITTO = {"同上", "〃", "\"", "”", "“", "同左", "ditto"}


#: characters that show nothing but break a name or a phone: zero-width spaces and joiners, soft
#: hyphen, BOM, word joiner, direction marks and embeddings (pasted from web pages and chat apps)
_INVISIBLE = dict.fromkeys([0x00AD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                            0xFEFF], None)


def strip_invisible(text: str) -> str:
    """`text` without invisible characters (cheap for the common, printable case)."""
    return text if text.isprintable() else text.translate(_INVISIBLE)


def _fold(cell: str) -> str:
    """`huiwu.core.text.fold` for a cell, skipping the work for text that is already folded."""
    if not cell:
        return ""
    if not cell.isprintable():
        cell = cell.translate(_INVISIBLE)
    if not unicodedata.is_normalized("NFKC", cell):
        cell = unicodedata.normalize("NFKC", cell)
    return " ".join(cell.split())


_NEEDS_NAME_CLEANING = re.compile(r"[\s.·•・‧∙⋅]")


def _clean_name(name: str) -> str:
    """`clean_name` for a folded cell; most names need nothing done."""
    return clean_name(name) if _NEEDS_NAME_CLEANING.search(name) else name


#: a note after a name: no Chinese name holds brackets (folded cells have ASCII ones)
_NAME_NOTE = re.compile(r"\s*\([^()]*\)$")

_NAME_MARKS = "*★☆※#△▲"
#: a bracketed note after a name that is not a position: sex, ethnicity, a mark
_NOT_A_TITLE = re.compile(r"[男女]|.{1,6}族|[男女]\s*[,，、/]\s*.{1,6}族|示例|待定|新增|替换|\d+|[a-zA-Z]+")

_NAME_HINT = re.compile(r"[名人者表员导]|[Nn][Aa][Mm][Ee]")  # every name-column label has one of these


_PLAIN_LABEL = re.compile(r"[\u4e00-\u9fff]{1,12}")


def header_label(cell: str) -> str:
    if _PLAIN_LABEL.fullmatch(cell):
        return cell  # plain CJK words: nothing to fold or strip
    text = fold(cell).lower()
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    text = re.sub(r"[\s*:：/、.\-—_]", "", text)
    if text.isascii() or not re.search(r"[a-z]", text):
        return text
    return re.sub(r"[a-z]+", "", text)  # a bilingual label: 姓名 Name → 姓名


def field_of(label: str) -> tuple[str, int] | None:
    """(field, priority) for a header label, or None. Higher priority wins when two columns match."""
    if not label:
        return None
    # i18n: data
    if label in _NAME or (label.endswith("姓名") and len(label) <= 10):
        return "name", 2
    if CONTACT_LINE.fullmatch(label):  # “视频调试负责人” heading the name column of a contact table
        return "name", 1
    if label in _PHONE:
        return "phone", 3 if "手机" in label else 1
    if "手机" in label and len(label) <= 8:
        return "phone", 3
    # i18n: data
    if label in _POSITION or ((label.startswith("职务") or label.endswith("职务")) and len(label) <= 6):
        return "position", 2
    if label in _CATEGORY:
        return "category", 2
    # i18n: data
    if label in _UNIT or (label.endswith("单位") and len(label) <= 8):
        return "unit", 2 if "部门" not in label else 1
    if "单位" in label and "职" in label and len(label) <= 10:  # 单位及职务 in one column: kept as the unit
        return "unit", 0
    return None


def _digits_run(cell: str) -> bool:
    return bool(re.search(r"\d{7,}", re.sub(r"[\s\-]", "", fold(cell))))


def header_mapping(row: list[str]) -> dict[str, int] | None:
    """Column of each field when `row` is a header row (name plus at least one other field)."""
    if not any(cell and len(cell) <= 30 and _NAME_HINT.search(cell) for cell in row):
        return None  # no cell could be the name column's label: the common case, made cheap
    found: dict[str, tuple[int, int]] = {}
    for col, cell in enumerate(row):
        if not cell or len(cell) > 30 or _digits_run(cell):
            if cell and _digits_run(cell):
                return None
            continue
        hit = field_of(header_label(cell))
        if hit is None:
            continue
        name, priority = hit
        if name not in found or priority > found[name][1]:
            found[name] = (col, priority)
    if "name" not in found or len(found) < 2:
        return None
    return {k: v[0] for k, v in found.items()}


def row_text(row: list[str]) -> str:
    """A row as one line of text; cells spread by a merge are said once."""
    out: list[str] = []
    for cell in row:
        cell = cell.strip()
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return " ".join(out)


#: a sheet (or caption) holding only the contact: “联系人”, “联系人信息”, “会场联系人”
CONTACT_SHEET = re.compile(r"(?:会场|分会场|回执)?联系人(?:信息|及电话|及手机|及联系方式)?")


def _is_contact_context(text: str) -> bool:
    text = fold(text)
    if CONTACT_SHEET.fullmatch(text):
        return True
    return bool(CONTACT_WORDS.search(text)) and not ATTENDEE_WORDS.search(text)


#: the template's own instruction in place of a name: “请填写姓名和手机号码”, “须填写”, “（由…填写）”
_INSTRUCTION = re.compile(r"^(?:请|须|需|务必|应|由|填写|如实|按)|姓名")


#: a line naming a contact without saying for what: “联系人：张三 电话：…” (used when nothing better is found)
PLAIN_CONTACT = re.compile(r"(?:^|(?<=[\s，,；;]))(?:填报|报送|会场)?联系人(?=\s*[:：]|\s)")


#: a courtesy after a name in running text: “张三同志”
_POLITE = re.compile(r"(?:同志|先生|女士|老师)$")


def parse_contact_line(text: str, role: re.Pattern = CONTACT_LINE) -> dict | None:
    """视频调试负责人：张三，手机：138 0013 8000 → {"name": "张三", "phone": "138 0013 8000"}."""
    t = fold(text)
    m = role.search(t)
    if not m:
        return None
    rest = re.sub(r"^\s*[（(][^）)]{0,12}[）)]", "", t[m.end():])  # “（姓名、手机）”
    if not re.match(r"^(?:及|和|的)?(?:联系方式|手机|电话|联系电话)?(?:号码)?\s*(?:[:：\s,，;；]|姓\s*名|$)", rest) \
            and not MOBILE_IN_TEXT.search(rest):
        return None  # a title such as “……视频调试负责人回执”, not a contact
    rest = re.sub(r"^(?:及|和|的)?(?:联系方式|手机|电话|联系电话)?(?:号码)?", "", rest)
    rest = re.sub(r"^[\s:：,，;；、]*(?:姓\s*名)?[\s:：,，]*(?:为|是)?\s*", "", rest)
    nm = re.match(r"[\u3400-\u9fff·](?:[\u3400-\u9fff·]|\s+(?=[\u3400-\u9fff]))*", rest)
    name = ""
    after = rest
    if nm:
        name = nm.group(0)
        after = rest[nm.end():]
        name = re.sub(r"\s*(?:手机号码|手机号|手机|联系电话|联系方式|电话|职务|单位).*$", "", name)
        name = _POLITE.sub("", clean_name(name))
        if len(name) > 10 or name in ("无", "待定", "暂无") or _INSTRUCTION.match(name):
            name = ""
    phone = ""
    pm = MOBILE_IN_TEXT.search(after) or PHONE_IN_TEXT.search(after)
    if pm:
        phone = pm.group(0).strip()
        if not name and not nm:  # the number first: “视频调试负责人：138…（张三）”
            late = re.match(r"\s*[（(,，]?\s*([\u3400-\u9fff·]{2,8})\s*[)）]?\s*$", after[pm.end():])
            if late and not re.search(r"手机|电话|邮箱|联系|号码", late.group(1)):
                name = _POLITE.sub("", clean_name(late.group(1)))
    if not name and not phone:
        return None
    return {"name": name, "phone": phone}


def pick_phone(text: str) -> tuple[str, str | None]:
    """The mobile in a phone cell: the cell itself when it is one number, else the first mobile in it.

    Returns (value for validation, warning or None).
    """
    text = _fold(text)
    if not text:
        return "", None
    if len(text) == 11 and text.isdigit() and text[0] == "1":
        return text, None  # the common case; submit_receipt validates every number anyway
    try:
        return normalize_mobile(text), None
    except PhoneError:
        pass
    m = MOBILE_IN_TEXT.search(text)
    if m:
        try:
            phone = normalize_mobile(m.group(0))
        except PhoneError:
            return text, None
        return phone, _("“%(cell)s”中除手机号外还有其他内容，已取手机号 %(phone)s。") % {"cell": text, "phone": phone}
    return text, None


#: labels of a numbering column (序号 1, 2, 3 …): its value names the row as the clerk sees it
_INDEX_LABELS = {"序号", "编号", "序", "no", "number", "#"}
#: a numbering cell worth naming a row by: 7, 12, 3-1, 7.0 (a number Excel stored as such)
_INDEX_VALUE = re.compile(r"\d{1,6}(?:[-.]\d{1,3})?")


def index_column(cells: list[str]) -> int | None:
    """The numbering column (序号) of a header row, if it has one."""
    return next((j for j, c in enumerate(cells) if c and header_label(c) in _INDEX_LABELS), None)


def index_value(cells: list[str], col: int | None) -> str:
    """The row's 序号 as written (7.0 stored by Excel reads 7), or "" when it holds none worth citing."""
    if col is None or col >= len(cells):
        return ""
    value = cells[col].strip()
    if not _INDEX_VALUE.fullmatch(value):
        return ""
    return value[:-2] if value.endswith(".0") else value


def row_place(where: str, row: int | None, seq: str = "", several: bool = False) -> str:
    """A row as the clerk finds it: 序号7（第9行） when the list numbers its people, else 第9行 (the
    sheet's own row, the table's row counting its header, the CSV line); the table or sheet first
    when the file has several."""
    text = _("第%(row)d行") % {"row": row} if row else ""
    if seq and text:
        text = _("序号%(seq)s（%(row)s）") % {"seq": seq, "row": text}
    return f"{where} {text}" if several and where and text else text


@dataclass
class FileRow:
    """One attendee as read from the file, with where the user sees it (row, and 序号 if any)."""

    row: int
    where: str
    data: dict
    seq: str = ""

    def place(self, several: bool) -> str:
        return row_place(self.where, self.row, self.seq, several)


@dataclass
class Extracted:
    attendees: list[FileRow] = field(default_factory=list)
    tech_contact: dict | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: units the file says it comes from (填报单位：…)
    declared_units: list[str] = field(default_factory=list)
    #: text outside the attendee rows (titles, notes), in order: used to find the venue
    lines: list[str] = field(default_factory=list)
    marker: Marker | None = None
    several_tables: bool = False
    found_header: bool = False


def _block_starts(row: list[str]) -> list[int]:
    """Columns where a new group of fields starts in a header row (序号 姓名 单位 | 序号 姓名 单位)."""
    starts, seen = [0], set()
    for col, cell in enumerate(row):
        if col and cell == row[col - 1]:
            continue  # one header cell merged across several columns
        label = header_label(cell)
        hit = field_of(label)
        key = hit[0] if hit else ("index" if label in ("序号", "编号", "no") else None)
        if key is None:
            continue
        if key in seen:
            starts.append(col)
            seen = set()
        seen.add(key)
    return starts


def _spans(cells: list[str], found: dict[str, int]) -> dict[str, int]:
    """End column (exclusive) of each header cell merged across columns (its text spread out)."""
    out = {}
    for f, c in found.items():
        end = c + 1
        while end < len(cells) and cells[end] == cells[c]:
            end += 1
        if end > c + 1:
            out[f] = end
    return out


def split_side_by_side(grid: Grid) -> list[Grid]:
    """A list laid out in two (or more) groups of columns side by side becomes one grid per group,
    left first, so people keep the order they were written in."""
    for row in grid.rows:
        cells = [_fold(c) for c in row]
        if not header_mapping(cells):
            continue
        if sum(1 for j, c in enumerate(cells) if field_of(header_label(c)) == ("name", 2)
               and not (j and c == cells[j - 1])) < 2:  # a role (技术联系人) is no 2nd list
            return [grid]
        starts = _block_starts(cells)
        if len(starts) < 2:
            return [grid]
        bounds = [*starts[1:], max(len(r) for r in grid.rows)]
        parts = []
        for k, (a, b) in enumerate(zip(starts, bounds, strict=True)):
            side = _("（左起第%(k)d组）") % {"k": k + 1}
            parts.append(Grid(
                label=grid.label + side, rows=[r[a:b] for r in grid.rows], row_numbers=list(grid.row_numbers),
                context=grid.context, kind=grid.kind,
                numeric={(r, c - a) for r, c in grid.numeric if a <= c < b},
                hidden_rows=grid.hidden_rows, hidden_cols={c - a for c in grid.hidden_cols if a <= c < b}))
        return parts
    return [grid]


def _context_before(grid: Grid, index: int) -> str:
    for j in range(index - 1, -1, -1):
        text = row_text(grid.rows[j])
        if text:
            return text
    return grid.context


def extract(parsed: Parsed) -> Extracted:
    """Read attendees and the rehearsal contact from every grid and line of a parsed file."""
    out = Extracted(marker=parsed.marker, warnings=list(parsed.warnings))
    out.lines.extend(strip_invisible(line) for line in parsed.lines)
    contact_rows: list[tuple[dict, str]] = []
    #: attendees whose row says they are the rehearsal contact (a 备注 or 类别 cell)
    flagged: list[dict] = []
    previous_mapping: dict[str, int] | None = None
    previous_width, previous_index = -1, None
    used_grids = 0
    for grid in (part for g in parsed.grids for part in split_side_by_side(g)):
        mapping: dict[str, int] | None = None
        role = "attendees"
        header_index = -1
        width = max((len(r) for r in grid.rows), default=0)
        index_col: int | None = None  # the 序号 column, when the header has one
        if grid.kind == "table" and previous_mapping and abs(width - previous_width) <= 1 \
                and max(previous_mapping.values()) < width and not _is_contact_context(grid.context) \
                and not any(header_mapping(r) for r in grid.rows):
            # a list continued in a second table without repeating its header (Word often adds or
            # drops an empty last column when a table is split at a page break)
            mapping, role, index_col = previous_mapping, "attendees", previous_index
        grid_used = False
        hidden_rows: list[int] = []
        contact_table = grid.context if grid.kind == "table" and CONTACT_LINE.search(fold(grid.context)) \
            and len(grid.context) <= 24 else ""
        spans: dict[str, int] = {}  # field → end column, when its header cell is merged across columns
        flag_col: int | None = None
        other_phones: list[int] = []  # phone columns besides the one chosen (办公电话, 联系电话)
        for i, row in enumerate(grid.rows):
            cells = [_fold(c) for c in row]
            nonempty = [c for c in cells if c]
            if not nonempty:
                continue
            found = header_mapping(cells)
            if found:
                text = row_text(cells)
                if mapping is not None and header_index == i - 1:
                    mapping = {**mapping, **found}  # a two-row header: the second row refines the first
                    spans = {f: e for f, e in spans.items() if f not in found}
                else:
                    mapping = found
                    spans = {}
                    index_col = None
                numbering = index_column(cells)
                index_col = numbering if numbering is not None else index_col
                spans.update(_spans(cells, found))
                other_phones = [j for j, c in enumerate(cells) if c and j != mapping.get("phone")
                                and (field_of(header_label(c)) or ("",))[0] == "phone"]
                flag_col = next((j for j, c in enumerate(cells) if j > max(mapping.values()) and CONTACT_WORDS.search(c)),
                                flag_col)  # “是否视频调试负责人”: its ticks mark the contact
                header_index = i
                # a column after the fields (“是否视频调试负责人”) marks people; it does not make the table a contact's
                lead = row_text(cells[:max(mapping.values()) + 1])
                role = "contact" if (CONTACT_WORDS.search(lead) or _is_contact_context(_context_before(grid, i))) \
                    and not ATTENDEE_WORDS.search(text) else "attendees"
                out.found_header = True
                continue
            first = header_label(nonempty[0])
            merged_across = len(nonempty) > 1 and len(set(nonempty)) == 1
            if mapping is None or merged_across or NOTE_START.match(first) or NOTE_START.match(nonempty[0]) \
                    or nonempty[0][-1] in ":：" \
                    or CONTACT_LINE.match(first) \
                    or role == "contact_pending" or first in _LABELS:  # a label row: “手机 | 1380…”
                text = row_text(cells)
                if mapping is None and contact_table and not CONTACT_LINE.search(text):
                    # i18n: data (a line the contact reader parses)
                    text = f"{contact_table}：{text}"  # a table under the caption “视频调试负责人”: 张三 | 138…
                out.lines.append(text)
                if mapping is not None and _is_contact_context(text) and len(text) <= 24 \
                        and parse_contact_line(text) is None:
                    role = "contact_pending"  # a caption such as “视频调试负责人”: its table follows
                continue
            values = {f: (cells[c] if c < len(cells) else "") for f, c in mapping.items()}
            for f, end in spans.items():  # a header merged over several columns: their cells together
                parts = [c for c in dict.fromkeys(cells[mapping[f]:end]) if c]
                if len(parts) > 1 and (f != "phone" or not values[f]):
                    values[f] = "".join(parts) if f == "name" else " ".join(parts)
                elif parts and not values[f]:
                    values[f] = parts[0]
            if not values.get("phone") and other_phones:  # 手机 left empty, the number under 联系电话
                values["phone"] = next((cells[j] for j in other_phones if j < len(cells) and cells[j]), "")
            if not any(values.get(f) for f in ("name", "unit", "position", "phone")):
                continue  # blank row (perhaps only its number filled in)
            if role == "contact":
                contact_rows.append((values, grid.label))
                continue
            if "示例" in values.get("name", ""):
                continue  # the template's example row (张三（示例）) left in
            grid_used = True
            data = {f: values.get(f, "") for f in FIELDS}
            data["name"] = _clean_name(data["name"])
            if data["name"][-1:] == ")" and "(" in data["name"]:
                note = _NAME_NOTE.search(data["name"])
                data["name"] = _NAME_NOTE.sub("", data["name"]) or data["name"]  # 张三(女), 李四(回族)
                title = note.group(0).strip(" ()") if note else ""
                if title and not data["position"] and not _NOT_A_TITLE.fullmatch(title):
                    data["position"] = title  # 王五(处长): the position written with the name
            if data["name"][-1:] in _NAME_MARKS:
                data["name"] = data["name"].rstrip(_NAME_MARKS) or data["name"]  # 张三*, 李四★ (marked in a note)
            phone_col = mapping.get("phone")
            raw_phone = data["phone"]
            seq = index_value(cells, index_col)
            if raw_phone and SCIENTIFIC.match(raw_phone.replace(" ", "")) and (i, phone_col) not in grid.numeric:
                out.errors.append({
                    "row": grid.row_numbers[i], "field": "phone", "_where": grid.label, "_seq": seq,
                    "message": _("手机号码显示为科学计数法（%(v)s），数字已丢失。请在 Excel 中把手机列设为“文本”格式，重新填写号码后提交。")
                    % {"v": raw_phone},
                })
                data["phone"] = ""
            elif raw_phone:
                data["phone"], warning = pick_phone(raw_phone)
                if warning:
                    out.warnings.append(warning)
            out.attendees.append(FileRow(row=grid.row_numbers[i], where=grid.label, data=data, seq=seq))
            joined = "".join(cells)
            if ("调试" in joined or "技术" in joined or "联络" in joined) and any(
                    CONTACT_WORDS.search(c) for j, c in enumerate(cells) if j not in mapping.values()) \
                    or (flag_col is not None and flag_col < len(cells) and cells[flag_col] in _TICKS):
                flagged.append({"name": data["name"], "phone": data["phone"]})  # 备注：视频调试负责人
            if i in grid.hidden_rows:
                hidden_rows.append(grid.row_numbers[i])
        if hidden_rows:
            out.warnings.append(_("%(where)s中第%(rows)s行是隐藏行，其中的人员也已读取；如有不参会的，请删除该行后重新提交。")
                                % {"where": grid.label, "rows": _("、").join(map(str, hidden_rows[:10]))
                                   + (_("等%(n)d") % {"n": len(hidden_rows)} if len(hidden_rows) > 10 else "")})
        if grid_used and mapping and grid.hidden_cols & set(mapping.values()):
            out.warnings.append(_("%(where)s中有隐藏的列（如“%(label)s”），其内容也已读取，请核对。")
                                % {"where": grid.label, "label": _FIELD_NAMES[
                                    next(f for f, c in mapping.items() if c in grid.hidden_cols)]})
        if grid_used:
            used_grids += 1
            previous_mapping, previous_width, previous_index = mapping, width, index_col
        elif role != "attendees":
            previous_mapping = None
    out.several_tables = used_grids > 1
    _fill_units(out)
    _find_contact(out, contact_rows, flagged)
    for line in out.lines:
        m = DECLARED_UNIT.search(fold(line))
        if m:
            # i18n: data
            unit = _NEXT_LABEL.split(m.group(1))[0].strip(" ：:，,")
            if unit and not CONTACT_WORDS.search(unit):
                out.declared_units.append(unit)
    if not out.found_header and not out.attendees:
        out.errors.append({"row": None, "field": "file", "message": _(
            "文件中没有找到参会人员表格的表头（应含“姓名”以及“单位”“职务”“手机”中的至少一项）。"
            "请使用会议提供的回执模板，或在表格第一行写明各列名称。")})
    return out


def _fill_units(out: Extracted) -> None:
    """“同上” and its marks take the unit (or position) of the row above."""
    previous: dict[str, str] = {}
    for r in out.attendees:
        for f in ("unit", "position"):
            value = r.data.get(f, "")
            if value in DITTO and previous.get(f):
                r.data[f] = previous[f]
            previous[f] = r.data.get(f, "")


def _find_contact(out: Extracted, contact_rows: list[tuple[dict, str]], flagged: list[dict]) -> None:
    candidates: list[dict] = []
    for values, _label in contact_rows:
        if values.get("name") or values.get("phone"):
            phone, _w = pick_phone(values.get("phone", ""))
            candidates.append({"name": clean_name(values.get("name", "")), "phone": phone})
    for i, line in enumerate(out.lines):
        found = parse_contact_line(line)
        if found is None:
            continue
        if found["name"] and not found["phone"] and i + 1 < len(out.lines):
            nxt = fold(out.lines[i + 1])
            m = MOBILE_IN_TEXT.search(nxt)
            if m and (not CONTACT_LINE.search(nxt) or not (parse_contact_line(nxt) or {}).get("name")):
                # “手机：138…” on the next line, or the same role cell merged down: “视频调试负责人 手机 138…”
                found["phone"] = m.group(0)
        if found["phone"]:
            found["phone"], _w = pick_phone(found["phone"])
        candidates.append(found)
    if not candidates:
        candidates = [f for f in flagged if f["name"] and f["phone"]][:1]
    if not candidates:
        # no rehearsal contact named as such: a plain “联系人：张三 电话：…” line stands in, said in a warning
        for line in out.lines:
            found = parse_contact_line(line, role=PLAIN_CONTACT)
            if found and found["name"] and found["phone"]:
                found["phone"], _w = pick_phone(found["phone"])
                candidates.append(found)
                out.warnings.append(_("文件中没有写明视频调试负责人，已把联系人“%(name)s”作为视频调试负责人，请核对。")
                                    % {"name": found["name"]})
                break
    complete = [c for c in candidates if c["name"] and c["phone"]]
    chosen = complete[0] if complete else (candidates[0] if candidates else None)
    if chosen is not None:
        out.tech_contact = chosen
        others = {(c["name"], c["phone"]) for c in complete} - {(chosen["name"], chosen["phone"])}
        if others:
            out.warnings.append(_("文件中有多位视频调试负责人，已取第一位：%(name)s。") % {"name": chosen["name"]})
