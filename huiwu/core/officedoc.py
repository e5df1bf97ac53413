"""Word documents in the Chinese official-document layout (GB/T 9704-2012), shared by every .docx huiwu writes
as an official paper: the notice (notices/drafting.py), rosters and the attendance report (reports/).

python-docx sets only the Latin font of a run; Word and WPS then show Chinese text in whatever the
East Asian default is. `font()` writes w:eastAsia on every run (and w:hint), which is what makes 仿宋
come out as 仿宋. Fonts are named, never embedded: `missing_fonts()` tells which named fonts this
machine lacks, so a page or command can say which fonts the document asks for.
"""

from __future__ import annotations

import functools
from typing import Any

# i18n: data — font names as Word and WPS know them
SONG, FANGSONG, HEI, KAI, XBS = "宋体", "仿宋", "黑体", "楷体", "方正小标宋简体"
LATIN = "Times New Roman"
#: fonts a Linux/macOS machine may have under another name (fontconfig family names)
# i18n: data
FONT_ALIASES = {
    SONG: ("宋体", "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    FANGSONG: ("仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "STFangsong"),
    HEI: ("黑体", "SimHei", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    KAI: ("楷体", "楷体_GB2312", "KaiTi", "KaiTi_GB2312", "STKaiti", "AR PL UKai CN"),
    XBS: ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
}
# 号 sizes in points: 二号 22 (title), 三号 16 (body), 四号 14 (page numbers), 小四 12
SIZE_2, SIZE_3, SIZE_4, SIZE_S4 = 22, 16, 14, 12
RED = "FF0000"

# GB/T 9704-2012 page: A4, text block 156 × 225 mm, 22 lines × 28 characters of 三号
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
BODY_PT = SIZE_3
TWIPS_PER_MM = 1440 / 25.4


def grid_values() -> tuple[int, int]:
    """(linePitch in twips, charSpace) of w:docGrid for 22 lines × 28 characters of 三号 in the text block.

    linePitch: the block's height over the lines. charSpace (type linesAndChars) is how much each
    character's pitch differs from the body font size, in 1/4096 pt: (156 mm / 28 − 16 pt) × 4096.
    """
    height = (PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * TWIPS_PER_MM
    width_pt = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) * 72 / 25.4
    return int(height / LINES), round((width_pt / CHARS - BODY_PT) * 4096)


def font(run: Any, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None,
         color: str | None = None, latin: str = LATIN) -> Any:
    """Set a run's fonts: Latin and East Asian (w:eastAsia, which python-docx leaves out), size, weight, colour."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = latin
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def style_font(style: Any, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None) -> None:
    """The same font settings on a paragraph style (so empty paragraphs and new runs follow them too)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = LATIN
    if size_pt is not None:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), value)


def page_setup(doc: Any, *, grid: bool = True) -> None:
    """A4, GB/T 9704 margins, and (for the notice's body) the 22 × 28 document grid on every section."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    line_pitch, char_space = grid_values()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance, section.footer_distance = Mm(15), Mm(25)
        sect = section._sectPr
        old = sect.find(qn("w:docGrid"))
        if old is not None:
            sect.remove(old)
        if grid:
            el = OxmlElement("w:docGrid")
            el.set(qn("w:type"), "linesAndChars")
            el.set(qn("w:linePitch"), str(line_pitch))
            el.set(qn("w:charSpace"), str(char_space))
            sect.append(el)


def page_numbers(doc: Any) -> None:
    """“— 1 —” in 四号 宋体 at the foot: odd pages right, even pages left (a PAGE field, one character in)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    for section in doc.sections:
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            for r in list(p.runs):
                r._element.getparent().remove(r._element)
            p.alignment = align
            fmt = p.paragraph_format
            fmt.left_indent = Pt(SIZE_4) if align == WD_ALIGN_PARAGRAPH.LEFT else None
            fmt.right_indent = Pt(SIZE_4) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
            font(p.add_run("— "), SONG, SIZE_4, latin=SONG)
            begin = font(p.add_run(), SONG, SIZE_4)
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), "begin")
            begin._element.append(fld)
            instr_run = font(p.add_run(), SONG, SIZE_4)
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            instr_run._element.append(instr)
            sep = font(p.add_run(), SONG, SIZE_4)
            f2 = OxmlElement("w:fldChar")
            f2.set(qn("w:fldCharType"), "separate")
            sep._element.append(f2)
            font(p.add_run("1"), SONG, SIZE_4)
            end = font(p.add_run(), SONG, SIZE_4)
            f3 = OxmlElement("w:fldChar")
            f3.set(qn("w:fldCharType"), "end")
            end._element.append(f3)
            font(p.add_run(" —"), SONG, SIZE_4, latin=SONG)  # i18n: data


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 35 → 三十五, 3000 → 三千: heading numbers 一、二、 for any count."""
    digits = "零一二三四五六七八九"  # i18n: data
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")  # i18n: data
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):  # i18n: data
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero and out else "") + digits[d] + unit  # i18n: data
            zero = False
        elif out:
            zero = True
    return out


@functools.cache
def installed_font_families() -> frozenset[str]:
    """Font family names fontconfig knows on this machine (empty when fc-list is absent)."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return frozenset()
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def missing_fonts(names: tuple[str, ...] = (XBS, FANGSONG, HEI, KAI, SONG)) -> list[str]:
    """The named fonts of which no version (nor a known alias) is installed here: a viewer or the PDF
    preview on this machine substitutes them, so the preview's typefaces are only approximate."""
    have = installed_font_families()
    return [n for n in names if not any(alias in have for alias in FONT_ALIASES.get(n, (n,)))]


def save(doc: Any) -> bytes:
    import io

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- the validator: does a .docx keep the GB/T 9704 layout? -----------------------------------------------
ALLOWED_EAST_ASIA = frozenset({SONG, FANGSONG, HEI, KAI, XBS})


def check_layout(data: bytes, *, grid: bool = True) -> list[str]:
    """What in the .docx departs from the GB/T 9704 page: size, margins (±1 mm), the 22 × 28 grid, and
    fonts — every run with text must name its East Asian font, one of the official ones. Empty: all well.

    Used by the tests of every official paper huiwu writes (the notice, the roster's list)."""
    import io

    import docx
    from docx.oxml.ns import qn

    problems: list[str] = []
    doc = docx.Document(io.BytesIO(data))
    for i, s in enumerate(doc.sections):
        if abs(s.page_width.mm - PAGE_MM[0]) > 0.5 or abs(s.page_height.mm - PAGE_MM[1]) > 0.5:
            problems.append(f"section {i}: page {s.page_width.mm:.1f} × {s.page_height.mm:.1f} mm is not A4")
        for side, want in MARGINS_MM.items():
            got = getattr(s, f"{side}_margin").mm
            if abs(got - want) > 1:
                problems.append(f"section {i}: {side} margin {got:.1f} mm, want {want} ± 1")
        g = s._sectPr.find(qn("w:docGrid"))
        if grid:
            if g is None or g.get(qn("w:type")) not in ("linesAndChars", "snapToChars"):
                problems.append(f"section {i}: no line-and-character document grid")
            else:
                pitch, space = int(g.get(qn("w:linePitch"), "0")), int(g.get(qn("w:charSpace"), "0"))
                height_tw = (s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) * TWIPS_PER_MM
                width_pt = (s.page_width.mm - s.left_margin.mm - s.right_margin.mm) * 72 / 25.4
                lines = height_tw / pitch if pitch else 0
                chars = width_pt / (BODY_PT + space / 4096)
                if int(lines + 0.05) != LINES:
                    problems.append(f"section {i}: grid gives {lines:.2f} lines a page, want {LINES}")
                if int(chars + 0.05) != CHARS:
                    problems.append(f"section {i}: grid gives {chars:.2f} characters a line, want {CHARS}")
    normal = doc.styles["Normal"]
    if grid and (normal.font.size is None or normal.font.size.pt != BODY_PT):
        problems.append(f"Normal style size {normal.font.size.pt if normal.font.size else None} pt, want {BODY_PT}")
    parts = [("body", doc.element.body)]
    for s in doc.sections:
        for name in ("footer", "even_page_footer", "header"):
            part = getattr(s, name)
            if not part.is_linked_to_previous:
                parts.append((name, part._element))
    for where, root in parts:
        for n, r in enumerate(root.iter(qn("w:r"))):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if not text.strip():
                continue
            rfonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            east = rfonts.get(qn("w:eastAsia")) if rfonts is not None else None
            if east is None:
                problems.append(f"{where} run {n} “{text[:12]}”: no East Asian font (w:eastAsia)")
            elif east not in ALLOWED_EAST_ASIA:
                problems.append(f"{where} run {n} “{text[:12]}”: East Asian font {east} is not an official one")
    return problems


def page_number_problems(data: bytes) -> list[str]:
    """“— N —” footers with a PAGE field: odd pages right, even pages left, even/odd footers switched on."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    problems = []
    if doc.settings.element.find(qn("w:evenAndOddHeaders")) is None:
        problems.append("even and odd footers are not switched on")
    for name, align in (("footer", WD_ALIGN_PARAGRAPH.RIGHT), ("even_page_footer", WD_ALIGN_PARAGRAPH.LEFT)):
        footer = getattr(doc.sections[0], name)
        p = footer.paragraphs[0] if footer.paragraphs else None
        instr = "".join(i.text or "" for i in footer._element.iter(qn("w:instrText")))
        if p is None or "PAGE" not in instr:
            problems.append(f"{name}: no PAGE field")
            continue
        if p.alignment != align:
            problems.append(f"{name}: aligned {p.alignment}, want {align}")
        if not (p.text.startswith("— ") and p.text.endswith(" —")):
            problems.append(f"{name}: “{p.text}” is not “— N —”")
    return problems
