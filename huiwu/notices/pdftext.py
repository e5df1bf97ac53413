"""A notice's text from a PDF's text layer (pypdf), cleaned to read like the notice's own lines.

A PDF knows glyphs on lines, not paragraphs. What comes out of its text layer differs from the notice
as written in ways that would mislead the grammar in parser.py, so they are undone here:

- spaces: between every character of a line set on a character grid (“教 职 成 厅 函”), and where the
  font changes between Chinese and digits or Latin letters (“2021 年 11 月”); a gap of two or more
  spaces inside a line (“成人教育司  王立”) is kept, the parser reads it as a separator;
- lines broken mid-sentence: a line that fills the text width and does not end a sentence is joined
  to the next one, also across a page break, unless the next starts a heading or a list item;
- page furniture: page numbers (“— 2 —”, “- 2 -”, “第2页 共3页”, “2/3”) and a running header or
  footer repeated at the top or bottom of the pages.

A PDF without a text layer (a scan) is refused with a plain message; so is a PDF that asks for a
password. Limits: pages and characters are capped, so a hostile file cannot keep the reader busy.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

from django.utils.translation import gettext as _

MAX_PAGES = 60
MAX_CHARS = 200_000
#: fewer visible characters than this on all pages: the PDF is a scan (or an image of text)
MIN_TEXT_CHARS = 20


class PdfTextError(ValueError):
    """The PDF cannot give the notice's text; the message (Chinese) says what to do instead."""


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－~～]\s*\d{1,3}\s*[—–\-－~～]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3}|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)\s*$")
# i18n: data (punctuation that ends a sentence or a label)
_SENTENCE_END = "。！？；：!?;:"
_STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(]\s*(?:[一二三四五六七八九十]+|\d{1,2})\s*[）)]|\d{1,2}\s*[.、．]"
    r"|(?:附\s*件|联\s*系\s*人?|电\s*话|传\s*真|手\s*机|邮\s*箱|地\s*址)\s*\d*\s*[:：])")


#: lines that are whole by themselves: a title, a doc number, an addressee line, a date
_STANDS_ALONE = re.compile(
    r"(?:通知|通告|公告|的函|意见|方案|办法|决定)$|^[^。，,]{0,20}[〔\[(（【]\s*\d{4}\s*[〕\])）】]\s*\d+\s*号$"
    r"|^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


_TITLE_END = re.compile(r"(?:通知|通告|公告|的函|意见|方案|办法|决定)$")
_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")


def _width(line: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line.strip())


def _unspace(line: str) -> str:
    """Drop the single spaces a PDF puts between glyphs; keep wider gaps as two spaces."""
    chars = line.strip()
    gaps = re.findall(rf"(?<=[{_CJK}]) (?=[{_CJK}])", chars)
    cjk = len(re.findall(rf"[{_CJK}]", chars))
    if cjk >= 4 and len(gaps) >= 0.6 * (cjk - 1):
        # a line set on a character grid: every single space is spacing, a wider one is a gap
        parts = re.split(r" {2,}", chars)
        return "  ".join(re.sub(r"(?<=\S) (?=\S)", "", p) for p in parts)
    # a font change after digits or Latin letters: “2021 年 11 月 20  日”, “30 人”; a space before them
    # may be the writer's own (“附件：1.回执 2.座位表”) and stays
    chars = re.sub(r"(?<=\d) +(?=[年月日时点分秒号人天名个期届次])", "", chars)
    chars = re.sub(rf"(?<=[0-9A-Za-z.%]) (?=[{_CJK}])", "", chars)
    return chars


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or the bottom of most pages (running headers and footers)."""
    if len(pages) < 2:
        return set()
    edges: Counter[str] = Counter()
    for lines in pages:
        seen = {x for x in lines[:2] + lines[-2:] if x.strip()}
        edges.update(seen)
    return {line for line, n in edges.items() if n >= max(2, (len(pages) + 1) // 2) and _width(line) < 40}


def join_lines(pages: list[list[str]]) -> str:
    """The pages' lines as the notice's lines: furniture dropped, mid-sentence breaks joined.

    Each line keeps its leading spaces (an indented line starts a paragraph)."""
    stripped = [[x.strip() for x in page] for page in pages]
    repeated = _furniture(stripped)
    lines: list[str] = []
    page_of: list[int] = []
    for i, page in enumerate(pages):
        filled = [j for j, x in enumerate(page) if x.strip()]
        edges = set(filled[:2] + filled[-2:])
        for j, line in enumerate(page):
            core = line.strip()
            if j in edges and (_PAGE_NUMBER.match(core) or (core in repeated and i > 0)):
                continue  # page furniture sits at the top or the bottom of a page
            lines.append(line)
            page_of.append(i)

    def full_width(group: list[str]) -> float | None:
        widths = sorted(_width(x) for x in group if _width(x) >= 10)
        return widths[int(len(widths) * 0.9)] if len(widths) >= 5 else None

    # how wide a full line is: per page (a notice's pages and its forms' pages are set differently)
    overall = full_width(lines)
    per_page = {i: full_width([x for x, p in zip(lines, page_of, strict=True) if p == i]) or overall
                for i in set(page_of)}
    out: list[str] = []
    carry = False
    for k, line in enumerate(lines):
        full = per_page[page_of[k]]
        core = line.strip()
        if not core:
            out.append("")
            carry = False
            continue
        indented = line[:1].isspace()
        following = next((x.strip() for x in lines[k + 1:] if x.strip()), "")
        # a short line right above a date line is the signature: it stands alone
        signature = bool(_DATE_LINE.match(following)) and _width(core) <= 20
        if out and out[-1] and not indented and not carry and out[-1][-1:] not in "。！？；!?;" and (
                (re.search(r"\d[-－—–]?$", out[-1]) and core[0].isdigit() and not _STARTS_ITEM.match(core))
                or (re.match(r"[A-Za-z]", core) and full and _width(out[-1]) >= full * 0.6)):
            carry = True  # a number, or a long Latin word (an address) moved whole to the next line
        goes_on = bool(out and out[-1][-1:] in "，、,")  # a clause cut after its comma: whatever follows is its rest
        title = bool(out and "关于" in out[-1] and not _STANDS_ALONE.search(out[-1]) and _TITLE_END.search(core)
                     and not re.search(r"[。，,；;：:]", out[-1] + core))  # a title set on two lines
        if title or (carry and out and not indented and not signature and not _STANDS_ALONE.search(core)
                     and (goes_on or not _STARTS_ITEM.match(core))):
            out[-1] += core
        else:
            out.append(core)
        last = out[-1]
        if _STANDS_ALONE.search(last) or signature or re.search(r"\S[ \u3000]{2,}\S.*[ \u3000]{2,}", last):
            carry = False  # a title, a signature, or a row of a layout (several wide gaps: site chrome, a table)
        elif re.search(r"(?:@[\w.-]*|[\w.]-|[\w-]\.)$", last) or last[-1:] in "、，,（(":
            carry = True  # an address broken at the line's end, or a clause that goes on
        else:
            carry = bool(full and _width(line) >= full * 0.7 and last[-1:] not in _SENTENCE_END)
    return "\n".join(out)


def pdf_text(data: bytes, name: str = "") -> str:
    """The notice's text from a PDF's text layer, cleaned (see the module's docstring)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfTextError(_("PDF 文件“%(name)s”有打开密码，无法读取。请提供未加密的 PDF，或 Word、文本版的通知。")
                               % {"name": name})
        if len(reader.pages) > MAX_PAGES:
            raise PdfTextError(_("PDF 文件“%(name)s”超过 %(n)d 页，不像一份会议通知。请只上传通知本身。")
                               % {"name": name, "n": MAX_PAGES})
        pages: list[list[str]] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_CHARS:
                raise PdfTextError(_("PDF 文件“%(name)s”的文字过多，不像一份会议通知。请只上传通知本身。") % {"name": name})
            pages.append([x[:len(x) - len(x.lstrip())] + _unspace(x) for x in text.splitlines()])
    except PdfTextError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            ZeroDivisionError, OSError) as exc:
        raise PdfTextError(_("PDF 文件“%(name)s”已损坏或格式不正确，无法读取。请重新导出 PDF，或提供 Word、文本版的通知。")
                           % {"name": name}) from exc
    visible = sum(len(re.sub(r"\s", "", "".join(p))) for p in pages)
    if visible < MIN_TEXT_CHARS:
        raise PdfTextError(_("PDF 文件“%(name)s”没有可读取的文字层，可能是扫描件或图片。请提供 Word、WPS、文本版或带文字层的 PDF 通知，"
                             "或把通知全文粘贴到文本框中。") % {"name": name})
    return join_lines(pages)
