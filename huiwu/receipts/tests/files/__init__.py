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


# -- hostile files --------------------------------------------------------------------------------
def deflate_zeros(total: int, chunk: int = 1 << 20) -> bytes:
    """A raw deflate stream that inflates to `total` zero bytes, built in milliseconds:
    one chunk compressed with a full flush is self-contained, so it can be repeated."""
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b"\0" * chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    return block * (total // chunk) + comp.flush(zlib.Z_FINISH)


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, declared uncompressed size, crc) per member.
    The declared size may lie, which zipfile.ZipFile would never let a test write."""
    import struct

    out = io.BytesIO()
    central = []
    for name, body, size, crc in members:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(body), size, len(fname), 0))
        out.write(fname)
        out.write(body)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(body), size,
                                   len(fname), 0, 0, 0, 0, 0, offset) + fname)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    import zlib

    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


CONTENT_TYPES_DOCX = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                      b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def zip_bomb_docx(total: int = 1 << 30, *, lie: bool = False) -> bytes:
    """A .docx whose document.xml inflates to `total` bytes; with lie=True its directory claims 1,000."""
    import zlib

    good = [("[Content_Types].xml", _deflate(CONTENT_TYPES_DOCX), len(CONTENT_TYPES_DOCX), zlib.crc32(CONTENT_TYPES_DOCX))]
    return raw_zip([*good, ("word/document.xml", deflate_zeros(total), 1000 if lie else total, 0)])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&xxe;</t></si></sst>"""


def excelize(data: bytes, *, rich: bool = True) -> bytes:
    """Rewrite openpyxl's inline strings the way Excel and WPS save them: a shared-strings part
    (with rich-text runs and phonetic hints, which readers must join and skip)."""
    from xml.sax.saxutils import escape

    from lxml import etree

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    src = zipfile.ZipFile(io.BytesIO(data))
    strings: list[str] = []
    replace: dict[str, bytes] = {}
    for name in src.namelist():
        if not name.startswith("xl/worksheets/sheet"):
            continue
        root = etree.fromstring(src.read(name))
        for c in root.iter(f"{{{ns}}}c"):
            if c.get("t") != "inlineStr":
                continue
            text = "".join(t.text or "" for t in c.iter(f"{{{ns}}}t"))
            for child in list(c):
                c.remove(child)
            c.set("t", "s")
            v = etree.SubElement(c, f"{{{ns}}}v")
            v.text = str(len(strings))
            strings.append(text)
        replace[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    items = []
    for s in strings:
        if rich and len(s) >= 2:
            half = len(s) // 2
            items.append(f'<si><r><t xml:space="preserve">{escape(s[:half])}</t></r><r><rPr><b/></rPr>'
                         f'<t xml:space="preserve">{escape(s[half:])}</t></r><rPh sb="0" eb="1"><t>ピン</t></rPh></si>')
        else:
            items.append(f'<si><t xml:space="preserve">{escape(s)}</t></si>')
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{ns}" count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">' + "".join(items) + "</sst>").encode()
    rels = src.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rIdSst"/></Relationships>')
    ct = src.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>')
    replace.update({"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": ct})
    return rezip(data, replace=replace, add={"xl/sharedStrings.xml": sst})


# -- raw OOXML, written the way Word, WPS and Excel write it (for shapes python-docx/openpyxl cannot make) --
W_NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'mc:Ignorable="w14"'
)


def w_p(text: str = "", inner: str | None = None) -> str:
    """A Word paragraph with one run of `text` (or the given inner XML)."""
    from xml.sax.saxutils import escape

    return "<w:p>" + (inner if inner is not None else f"<w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r>") \
        + "</w:p>"


def w_tc(content: str, props: str = "") -> str:
    """A table cell: plain text becomes one paragraph; XML (starting with '<') is used as it is."""
    body = content if content.startswith("<") else w_p(content)
    return f"<w:tc><w:tcPr><w:tcW w:w=\"1500\" w:type=\"dxa\"/>{props}</w:tcPr>{body}</w:tc>"


def w_tbl(rows: list[list[str]]) -> str:
    """A Word table from rows of cells (text, or `w_tc(...)` XML)."""
    out = ["<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>"]
    out.append("<w:gridCol w:w=\"1500\"/>" * max(len(r) for r in rows) + "</w:tblGrid>")
    for row in rows:
        out.append("<w:tr>" + "".join(c if c.startswith("<w:tc") else w_tc(c) for c in row) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def docx_with_body(body: str, *, add: dict[str, bytes] | None = None, rels: str = "") -> bytes:
    """A real .docx (python-docx's package) whose document.xml body is `body` (raw WordprocessingML)."""
    base = docx_bytes(docx.Document())
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NAMESPACES}><w:body>{body}'
           '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr></w:body></w:document>')
    replace = {"word/document.xml": doc.encode()}
    if rels:
        old = zipfile.ZipFile(io.BytesIO(base)).read("word/_rels/document.xml.rels")
        replace["word/_rels/document.xml.rels"] = old.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
    return rezip(base, replace=replace, add=add)


S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(sheets: list[tuple[str, str]], *, shared: list[str] | None = None, prefix: str = "",
             extra: dict[str, bytes] | None = None, hidden: tuple[str, ...] = ()) -> bytes:
    """An .xlsx written by hand: `sheets` is [(name, sheetData inner XML or a whole worksheet)].

    `prefix` ("x") writes every SpreadsheetML element with that namespace prefix, as some WPS and
    .NET writers do; `shared` adds a shared-strings part (plain <si><t> items, or raw <si> XML)."""
    from xml.sax.saxutils import escape

    p = f"{prefix}:" if prefix else ""
    decl = f'xmlns:{prefix}="{S_NS}"' if prefix else f'xmlns="{S_NS}"'
    files: dict[str, bytes] = {}
    overrides, book_sheets, book_rels = [], [], []
    for i, (name, xml) in enumerate(sheets, start=1):
        if "<" + p + "worksheet" not in xml:
            xml = f'<{p}worksheet {decl} xmlns:r="{R_NS}"><{p}sheetData>{xml}</{p}sheetData></{p}worksheet>'
        files[f"xl/worksheets/sheet{i}.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml).encode()
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        state = ' state="hidden"' if name in hidden else ""
        book_sheets.append(f'<{p}sheet name="{escape(name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        book_rels.append(f'<Relationship Id="rId{i}" Type="{R_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
    if shared is not None:
        items = "".join(s if s.startswith("<") else f"<{p}si><{p}t>{escape(s)}</{p}t></{p}si>" for s in shared)
        files["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}sst {decl} count="{len(shared)}" '
                                         f'uniqueCount="{len(shared)}">{items}</{p}sst>').encode()
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.spreadsheetml.sharedStrings+xml"/>')
        book_rels.append(f'<Relationship Id="rIdS" Type="{R_NS}/sharedStrings" Target="sharedStrings.xml"/>')
    files["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}workbook {decl} xmlns:r="{R_NS}">'
                                f'<{p}sheets>{"".join(book_sheets)}</{p}sheets></{p}workbook>').encode()
    files["xl/_rels/workbook.xml.rels"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
                                           'openxmlformats.org/package/2006/relationships">' + "".join(book_rels)
                                           + "</Relationships>").encode()
    files["_rels/.rels"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
                            b'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                            b'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(overrides) + "</Types>").encode()
    files.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return out.getvalue()


def x_row(r: int | None, cells: list, *, start: str = "A", prefix: str = "", refs: bool = True, attrs: str = "") -> str:
    """A worksheet row of inline strings (str) and numbers (int/float) from column `start`."""
    from xml.sax.saxutils import escape

    p = f"{prefix}:" if prefix else ""
    col0 = ord(start) - 65
    out = []
    for j, value in enumerate(cells):
        if value is None or value == "":
            if not refs:
                out.append(f"<{p}c/>")  # without references, an empty cell keeps the columns in place
            continue
        ref = f' r="{chr(65 + col0 + j)}{r}"' if refs and r is not None else ""
        if isinstance(value, (int, float)):
            out.append(f"<{p}c{ref}><{p}v>{value}</{p}v></{p}c>")
        else:
            out.append(f'<{p}c{ref} t="inlineStr"><{p}is><{p}t>{escape(value)}</{p}t></{p}is></{p}c>')
    rattr = f' r="{r}"' if r is not None else ""
    return f"<{p}row{rattr}{attrs}>" + "".join(out) + f"</{p}row>"


def docx_parts(data: bytes | None = None) -> dict[str, bytes]:
    """The members of a .docx (python-docx's package by default), to rebuild it by hand."""
    src = zipfile.ZipFile(io.BytesIO(data or simple_docx()))
    return {name: src.read(name) for name in src.namelist()}


def overlapping_zip(parts: dict[str, bytes], copies: int, size: int = 8 << 20) -> bytes:
    """A “non-recursive” zip bomb in the manner of Fifield: the parts of a real document, then
    `copies` directory entries that all point at one deflated block of `size` zeros (each entry
    alone has a modest ratio, together they are copies × size)."""
    import struct
    import zlib

    out = io.BytesIO()
    central = []

    def entry(name: bytes, offset: int, body_len: int, usize: int, crc: int) -> bytes:
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, body_len, usize,
                           len(name), 0, 0, 0, 0, 0, offset) + name

    for name, body in parts.items():
        deflated, fname, offset = _deflate(body), name.encode(), out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, zlib.crc32(body), len(deflated), len(body),
                              len(fname), 0) + fname + deflated)
        central.append(entry(fname, offset, len(deflated), len(body), zlib.crc32(body)))
    kernel = deflate_zeros(size)
    crc = zlib.crc32(b"\0" * size)
    offset, fname = out.tell(), b"word/media/k.bin"
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(kernel), size, len(fname), 0)
              + fname + kernel)
    for i in range(copies):
        central.append(entry(f"word/media/k{i}.bin".encode(), offset, len(kernel), size, crc))
    start = out.tell()
    for e in central:
        out.write(e)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def zip64_liar(parts: dict[str, bytes], name: str, body: bytes, declared: int) -> bytes:
    """A zip whose member `name` carries ZIP64 sizes (0xFFFFFFFF plus a ZIP64 extra field) that lie:
    it says `declared` bytes, its deflated `body` says otherwise."""
    import struct
    import zlib

    out = io.BytesIO()
    central = []
    members = [(n, b, len(b), False) for n, b in parts.items() if n != name] + [(name, body, declared, True)]
    for fname_s, raw, usize, big in members:
        fname, deflated, offset = fname_s.encode(), _deflate(raw), out.tell()
        crc = zlib.crc32(raw)
        if big:
            extra = struct.pack("<HHQQ", 0x0001, 16, usize, len(deflated))
            sizes = (0xFFFFFFFF, 0xFFFFFFFF)
        else:
            extra, sizes = b"", (len(deflated), usize)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, *sizes, len(fname), len(extra))
                  + fname + extra + deflated)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, *sizes, len(fname),
                                   len(extra), 0, 0, 0, 0, offset) + fname + extra)
    start = out.tell()
    for e in central:
        out.write(e)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A zip with exactly these members in this order (duplicates and odd names allowed)."""
    import warnings

    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in members:
                zf.writestr(zipfile.ZipInfo(name), body)
    return out.getvalue()


def bzip2_bomb_docx(total: int = 1 << 30, declared: int = 1000) -> bytes:
    """A .docx whose document.xml is a bzip2 member of `total` zeros (~800 bytes for 1 GB) whose
    directory claims `declared` bytes: zipfile inflates bzip2 in one uncapped step."""
    import bz2
    import struct
    import zlib

    comp = bz2.BZ2Compressor(9)
    chunk = b"\0" * (1 << 20)
    body = b"".join(comp.compress(chunk) for _ in range(total // len(chunk))) + comp.flush()
    parts = docx_parts()
    members = [(n, _deflate(b), len(b), zlib.crc32(b)) for n, b in parts.items() if n != "word/document.xml"]
    data = bytearray(raw_zip([*members, ("word/document.xml", body, declared, 0)]))
    local, central = data.rfind(b"PK\x03\x04"), data.rfind(b"PK\x01\x02")
    data[local + 8:local + 10] = data[central + 10:central + 12] = struct.pack("<H", zipfile.ZIP_BZIP2)
    return bytes(data)


#: reads every file of a folder with the real reader in a fresh interpreter and reports its peak memory
_READ_ALL_SCRIPT = """
import json, resource, sys, django
django.setup()
from pathlib import Path
from huiwu.receipts.documents.extract import extract
from huiwu.receipts.documents.reader import read_document
from huiwu.core.files.safety import UnsafeFile
out = {}
for p in sorted(Path(sys.argv[1]).iterdir()):
    try:
        extract(read_document(p.read_bytes(), p.name)); out[p.name] = 'read'
    except UnsafeFile as e:
        out[p.name] = e.message
status = Path('/proc/self/status')
hwm = [line for line in status.read_text().splitlines() if line.startswith('VmHWM')] if status.exists() else []
out['maxrss_kb'] = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out, ensure_ascii=False))
"""


def read_in_fresh_process(folder, timeout: int = 300) -> dict:
    """{file name: 'read' or the refusal message, 'maxrss_kb': peak memory} for every file in `folder`,
    read in a new interpreter (VmHWM, not ru_maxrss: the latter keeps the forking process's peak)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huiwu.settings"}
    proc = subprocess.run([sys.executable, "-c", _READ_ALL_SCRIPT, str(folder)], capture_output=True, text=True,
                          env=env, cwd=Path(__file__).resolve().parents[4], timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])
