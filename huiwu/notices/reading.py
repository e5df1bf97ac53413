"""Turn an uploaded or given notice file (.txt, .docx, .html, .pdf, .doc, .wps) into plain text, safely.

Files come from strangers: sizes are capped before reading, a .docx goes through the shared zip
checks for files from outside (huiwu.core.files.safety.open_zip with the notice's limits:
members, sizes, ratios, compression kinds, a DOCTYPE in any part) and its XML through the same
hardened parser (no DTDs, no entity expansion), and HTML loses scripts, styles and navigation
before its text is taken. A PDF passes the shared PDF checks before pypdf reads its text layer
(pdftext.py); an old .doc/.wps is converted to .docx by LibreOffice, as receipts' old files are.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_FILE_BYTES = 5 * 1024 * 1024          # a notice is a few pages; 5 MB is plenty
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024     # word/document.xml once unzipped
MAX_TEXT_CHARS = 200_000                  # a notice is a few thousand characters; more is not a notice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class NoticeFileError(ValueError):
    """The file cannot be read as a notice; the message (Chinese) says what to do."""


def read_notice_file(path: str | Path) -> str:
    """The text of the notice file at `path` (.txt in UTF-8 or GBK, .docx, .html/.htm, .pdf, .doc, .wps)."""
    p = Path(path)
    if not p.is_file():
        raise NoticeFileError(_("找不到文件“%(name)s”，请检查路径。") % {"name": str(path)})
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise NoticeFileError(_("文件“%(name)s”太大（%(mb).1f MB），通知文件不能超过 5 MB。")
                              % {"name": p.name, "mb": size / 1024 / 1024})
    return read_notice_bytes(p.read_bytes(), p.name)


def check_text(text: str) -> str:
    """Refuse a text too long to be a notice (it would only keep the parser busy)."""
    if len(text) > MAX_TEXT_CHARS:
        raise NoticeFileError(ngettext("正文过长（超过 %(n)d 字），请只提供通知本身。", "正文过长（超过 %(n)d 字），请只提供通知本身。",
                                        MAX_TEXT_CHARS) % {"n": MAX_TEXT_CHARS})
    return text


def read_notice_bytes(data: bytes, name: str) -> str:
    """The text of a notice given as bytes; `name` decides the format by its extension."""
    return check_text(_read_notice_bytes(data, name))


def _read_notice_bytes(data: bytes, name: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise NoticeFileError(_("文件“%(name)s”太大，通知文件不能超过 5 MB。") % {"name": name})
    if not data.strip():
        raise NoticeFileError(_("文件“%(name)s”是空的，请选择通知正文文件。") % {"name": name})
    ext = Path(name).suffix.lower()
    if ext in (".txt", ".text", ""):
        return decode_text(data, name)
    if ext == ".docx":
        return docx_text(data, name)
    if ext in (".html", ".htm", ".shtml", ".xhtml"):
        return html_text(data)
    if ext == ".pdf":
        return pdf_notice_text(data, name)
    if ext in (".doc", ".wps"):
        return legacy_text(data, name)
    raise NoticeFileError(_("无法识别文件“%(name)s”的格式，请上传 .txt、.docx、.html、.pdf、.doc 或 .wps 文件。") % {"name": name})


def pdf_notice_text(data: bytes, name: str = "") -> str:
    """A PDF's text layer (notices/pdftext.py) after the shared PDF checks (no scripts, launch actions
    or embedded files; pages capped); a scan without text is refused in plain words."""
    from huiwu.core.files.safety import PDF, UnsafeFile, check_pdf

    from .pdftext import MAX_PAGES, PdfTextError, pdf_text

    try:
        check_pdf(data, PDF.but(max_bytes=MAX_FILE_BYTES, max_pages=MAX_PAGES))
        return pdf_text(data, name)
    except UnsafeFile as exc:
        raise NoticeFileError(_("文件“%(name)s”无法读取：%(why)s") % {"name": name, "why": exc.message}) from exc
    except PdfTextError as exc:
        raise NoticeFileError(str(exc)) from exc


def legacy_text(data: bytes, name: str = "") -> str:
    """An old Word (.doc) or WPS (.wps) notice: its first bytes checked, converted to .docx by LibreOffice
    as the receipts' old files are (huiwu.core.files.convert), then read like any .docx."""
    from huiwu.core.files.safety import UnsafeFile, check_file

    try:
        kind = check_file(data, name)
        if kind == "html":
            return html_text(data)  # a web page saved under .doc
        if kind not in ("doc", "wps"):
            raise NoticeFileError(_("文件“%(name)s”不是 Word 或 WPS 文档，请另存为 .docx 或 .txt 后再上传。") % {"name": name})
        from huiwu.core.files.convert import convert

        converted, _ext = convert(data, kind)
    except UnsafeFile as exc:
        raise NoticeFileError(_("文件“%(name)s”无法读取：%(why)s") % {"name": name, "why": exc.message}) from exc
    return docx_text(converted, name)


def decode_text(data: bytes, name: str = "") -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise NoticeFileError(_("无法读取文件“%(name)s”的文字，请保存为 UTF-8 或 GBK 编码的文本文件。") % {"name": name})


def docx_text(data: bytes, name: str = "") -> str:
    """Paragraphs (and table rows) of word/document.xml in order, one per line."""
    from huiwu.core.files.safety import OFFICE, UnsafeFile, open_zip, parse_xml

    bad = NoticeFileError(_("文件“%(name)s”不是有效的 Word (.docx) 文件，请用 Word 重新保存后上传。") % {"name": name})
    # the shared zip checks (members, sizes, ratios, compression kinds, overlaps, paths, macros, a
    # DOCTYPE in any part) with a notice's limits, each refusal said in plain words
    limits = OFFICE.but(max_bytes=MAX_FILE_BYTES, max_member_bytes=MAX_DOCX_XML_BYTES)
    try:
        safe = open_zip(data, "docx", limits=limits)
        if not safe.has("word/document.xml"):
            raise bad
        if safe.zf.getinfo("word/document.xml").file_size > MAX_DOCX_XML_BYTES:
            raise NoticeFileError(_("文件“%(name)s”解压后过大，无法读取。请只上传通知正文。") % {"name": name})
        root = parse_xml(safe.read("word/document.xml"), "word/document.xml")
    except UnsafeFile as exc:
        raise NoticeFileError(_("文件“%(name)s”无法读取：%(why)s") % {"name": name, "why": exc.message}) from exc
    body = root.find(f"{W}body")
    if body is None:
        raise bad
    lines: list[str] = []
    for block in body:
        if block.tag == f"{W}p":
            lines.append(_para_text(block))
        elif block.tag == f"{W}tbl":
            for row in block.iter(f"{W}tr"):
                cells = [" ".join(_para_text(p) for p in tc.iter(f"{W}p")).strip() for tc in row.iter(f"{W}tc")]
                lines.append("  ".join(c for c in cells if c))
    # a Word paragraph is whole: no indentation games, so nothing gets joined to the next one
    return "\n".join(part.strip() for line in lines for part in line.split("\n"))


def _para_text(p) -> str:
    out = []
    for el in p.iter():
        if el.tag == f"{W}t" and el.text:
            out.append(el.text)
        elif el.tag == f"{W}tab":
            out.append(" ")
        elif el.tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
    return "".join(out)


_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
          "article", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "main",
          "aside", "form", "center", "hr", "address", "figure", "figcaption"}
_DROP = ("script", "style", "noscript", "template", "iframe", "nav", "select", "button", "svg",
         "object", "embed", "canvas", "head")


def _html_encoding(data: bytes) -> str:
    """The page's declared charset (GBK/GB2312 read as GB18030), else UTF-8 if it decodes, else GB18030."""
    import re

    m = re.search(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", data[:4096], re.I)
    if m:
        name = m.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk", "gb18030", "x-gbk"):
            return "gb18030"
        try:
            "".encode(name)
            return name
        except LookupError:
            pass
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def html_text(data: bytes) -> str:
    """Visible text of a web page, a line per block element; scripts, styles and menus dropped."""
    import re

    import lxml.html
    from lxml import etree

    encoding = _html_encoding(data)
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, encoding=encoding)
        doc = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NoticeFileError(_("无法读取网页文件，请另存为 .txt 后上传。")) from exc
    for el in list(doc.iter(*_DROP)):
        el.drop_tree()
    ws = re.compile(r"[ \t\r\n\f]+")
    for el in doc.iter(etree.Element):
        # line breaks in the HTML source mean nothing; only blocks and <br> end lines
        if el.text:
            el.text = ws.sub(" ", el.text)
        if el.tail:
            el.tail = ws.sub(" ", el.tail)
    for el in doc.iter(etree.Element):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
            if tag == "br":
                continue
            el.text = "\n" + (el.text or "")
        elif tag in ("td", "th"):
            el.tail = "  " + (el.tail or "")
    text = doc.text_content()
    # HTML source indentation means nothing; blocks already end their lines
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip()
