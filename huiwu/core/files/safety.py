"""Opening untrusted files with limits, before any parser sees them (domain-neutral).

People e-mail and upload whatever they have; some of it is broken, some hostile. An Office-like
document goes through `check_file` first: size, what its bytes say it is (not what its name
says), macros, and for .docx/.xlsx the zip directory (`open_zip`: member count, declared sizes,
ratios, encryption) — all from the directory, before a single byte is decompressed. XML parts
are read through `SafeZip.read`, which caps the bytes it inflates and refuses any `<!DOCTYPE`
(the door for entity expansion and external entities), and then parsed with a hardened lxml
parser. Images and PDFs go through `check_upload` (first bytes, size, pixels; `check_pdf`),
JSON through `read_json` (size, nesting, item count, no control characters).

Each caller passes its own `Limits` (a notice is smaller than a receipt batch, a seating plan
is JSON); `OFFICE` is the default for documents. Each refusal is an `UnsafeFile` with a plain
Chinese message that names no domain, never a traceback.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field, replace

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

# openpyxl reads XML through defusedxml only when defusedxml is installed; the templates and
# tests use openpyxl, so make its absence a configuration error rather than a silent risk.
if not openpyxl.DEFUSEDXML:  # pragma: no cover - the dependency is pinned
    raise ImproperlyConfigured("defusedxml must be installed so openpyxl parses XML safely")

#: most zip members a document may have (a real .docx has ~15, an .xlsx with a few sheets ~30)
MAX_MEMBERS = 1000
#: most bytes one member may inflate to, and all members together
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: most bytes of one XML part handed to the parser: its tree takes ~12× that in memory for text,
#: and up to ~25× for a part of nothing but short elements (`<row r="123456"/>`, which a ratio
#: check cannot catch); a 30-row receipt's largest part is ~50 KB, 5,000 full rows ~2 MB
MAX_XML_BYTES = 4 * 1024 * 1024
#: largest compression ratio allowed for a member bigger than RATIO_FLOOR bytes
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
#: a prolog (XML declaration, comments, processing instructions) longer than this is refused
MAX_PROLOG_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one kind of caller accepts. `max_bytes=None` means the site's upload limit
    (settings.HUIWU_MAX_UPLOAD_BYTES, read at call time so tests and deployments can change it)."""

    max_bytes: int | None = None
    # zip containers (.docx/.xlsx)
    max_members: int = MAX_MEMBERS
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_xml_bytes: int = MAX_XML_BYTES
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR
    max_prolog_bytes: int = MAX_PROLOG_BYTES
    # images: most pixels (a 4000×3000 phone photo is 12 million; a decompression bomb is billions)
    max_pixels: int = 40_000_000
    # JSON (seating plans, API imports): nesting depth and values in all
    max_depth: int = 20
    max_items: int = 200_000
    # PDF: most pages (counted from the page objects the file declares)
    max_pages: int = 200

    def byte_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else settings.HUIWU_MAX_UPLOAD_BYTES

    def but(self, **changes) -> Limits:
        """These limits with a few changed (`OFFICE.but(max_bytes=5 * MB)`)."""
        return replace(self, **changes)


MB = 1024 * 1024
#: Office documents, CSV, web pages saved as documents (receipts, notices)
OFFICE = Limits()
#: scans and photos (approval documents, declaration proofs)
IMAGE = Limits()
#: JSON from outside (a seating plan of a 3,000-seat hall is ~300 KB)
JSON = Limits(max_bytes=2 * MB)
#: PDFs from outside (approval documents, wave-2 floor plans)
PDF = Limits(max_bytes=20 * MB)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm"}
SUPPORTED = {"docx", "xlsx", "csv", "doc", "xls", "wps", "et", "odt", "ods"}

_KIND_NAMES = {
    "docx": gettext_lazy("Word（.docx）"), "xlsx": gettext_lazy("Excel（.xlsx）"), "csv": gettext_lazy("CSV（.csv）"),
    "doc": gettext_lazy("Word（.doc）"), "xls": gettext_lazy("Excel（.xls）"),
    "wps": gettext_lazy("WPS 文字（.wps）"), "et": gettext_lazy("WPS 表格（.et）"),
    "odt": gettext_lazy("OpenDocument 文本（.odt）"), "ods": gettext_lazy("OpenDocument 表格（.ods）"),
}


class UnsafeFile(Exception):
    """The file is refused; `message` says in plain Chinese why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def extension(filename: str) -> str:
    name = (filename or "").strip().lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


_local = threading.local()


def xml_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs, touches the network or grows huge trees.

    One per thread (lxml parsers may be reused, not shared between threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, remove_comments=True, remove_pis=True,
    )


_DECLARATION = re.compile(rb"<!(?:doctype|entity)", re.I)


def _refuse_doctype(data: bytes, part: str) -> None:
    head = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]:
        try:
            head = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsafeFile(_("文件内部的 %(part)s 编码无法识别，文件可能已损坏。") % {"part": part}) from exc
    if b"<!" in head and _DECLARATION.search(head):
        raise UnsafeFile(
            _("文件内部的 %(part)s 含有 DOCTYPE 声明，出于安全原因拒收。请用 Word、WPS 或 Excel 另存为新文件后重新提交。")
            % {"part": part}
        )


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _quick_head(safe: SafeZip, info: zipfile.ZipInfo) -> bytes | None:
    """The first ≤2 KB of a member, inflated straight from the archive's bytes (a fifth of the cost
    of `ZipFile.open` for the dozen small parts of every file); None when anything is unusual."""
    raw, off = safe.raw, info.header_offset
    if not raw or raw[off:off + 4] != b"PK\x03\x04" or info.compress_type not in (0, 8):
        return None
    start = off + 30 + int.from_bytes(raw[off + 26:off + 28], "little") + int.from_bytes(raw[off + 28:off + 30], "little")
    body = raw[start:start + min(info.compress_size, 8192)]
    if info.compress_type == 0:
        return body[:2048]
    try:
        return zlib.decompressobj(-15).decompress(body, 2048)
    except zlib.error:
        return None  # the careful path says what is wrong


def _prolog_end(buf: bytes) -> int:
    """Where the XML declaration, comments and processing instructions at the start of `buf` end."""
    pos = 0
    while True:
        m = _PROLOG_ITEM.match(buf, pos)
        if not m or m.end() == pos:
            return pos
        pos = m.end()


def _root_comes_first(buf: bytes) -> bool:
    """Whether `buf` shows the root element after nothing but a prolog (so no DOCTYPE can follow)."""
    if buf[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buf[:64]:
        return False
    pos = _prolog_end(buf)
    rest = buf[pos:pos + 64].lstrip()
    return len(rest) >= 2 and rest[:1] == b"<" and rest[1:2] not in (b"!", b"?")


def _refuse_doctype_in_prolog(safe: SafeZip, name: str) -> None:
    """A DOCTYPE may only stand in the prolog, before the root element: inflate just that much."""
    info = safe.zf.getinfo(name)
    head = _quick_head(safe, info)
    if head is not None and _root_comes_first(head):
        return
    try:
        with safe.zf.open(info) as member:
            buf = member.read(2048)
            while True:
                if buf[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buf[:64]:
                    _refuse_doctype(buf + member.read(safe.limits.max_prolog_bytes), name)  # UTF-16: decode and look
                    return
                rest = buf[_prolog_end(buf):].lstrip()
                if rest[:9].lower() == b"<!doctype" or rest[:8].lower() == b"<!entity":
                    _refuse_doctype(rest[:9], name)
                if len(rest) >= 2 and rest[:1] == b"<" and rest[1:2] not in (b"!", b"?"):
                    return  # the root element: no DOCTYPE can follow
                if not rest and len(buf) < 2048 and info.file_size <= len(buf):
                    return  # an empty part
                more = member.read(4096)
                if not more:
                    return  # nothing but a prolog: the parser (if any) will refuse it
                buf += more
                if len(buf) > safe.limits.max_prolog_bytes:
                    raise UnsafeFile(_("文件内部的 %(part)s 开头异常（过长的声明或注释），已拒收。") % {"part": name})
    except zipfile.BadZipFile as exc:
        raise UnsafeFile(_("文件内部内容与其声明的大小或校验值不符（疑似压缩炸弹，或文件已损坏），已拒收。")) from exc
    except (EOFError, OSError, ValueError, RuntimeError, zlib.error) as exc:
        raise UnsafeFile(_("文件不完整或已损坏（压缩内容无法读取）。请重新保存后提交。")) from exc


def parse_xml(data: bytes, part: str = "XML"):
    """Parse one XML part after refusing DOCTYPE; returns the root element."""
    _refuse_doctype(data, part)
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeFile(_("文件内部的 %(part)s 格式有误，文件可能已损坏。请重新保存后提交。") % {"part": part}) from exc


STRICT_NAMESPACES = [
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
]


@dataclass
class SafeZip:
    """A zip whose directory passed the limits; members are read with a cap on inflated bytes."""

    zf: zipfile.ZipFile
    names: set[str]
    #: XML parts already inflated by the DOCTYPE scan, kept for the parser
    cache: dict[str, bytes] = field(default_factory=dict)
    #: docx or xlsx: what the package holds (a renamed file is read by its content)
    kind: str = ""
    #: the archive's bytes (for reading the first bytes of a member without ZipFile.open)
    raw: bytes = b""
    limits: Limits = OFFICE

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        if name in self.cache:
            return self.cache[name]
        info = self.zf.getinfo(name)
        try:
            with self.zf.open(info) as member:
                data = member.read(min(info.file_size, self.limits.max_member_bytes) + 1)
        except zipfile.BadZipFile as exc:
            if "CRC" in str(exc):
                raise UnsafeFile(_("文件内部内容与其声明的大小或校验值不符（疑似压缩炸弹，或文件已损坏），已拒收。")) from exc
            raise UnsafeFile(_("文件不完整或已损坏（压缩内容无法读取）。请重新保存后提交。")) from exc
        except (EOFError, OSError, ValueError, RuntimeError, zlib.error) as exc:
            raise UnsafeFile(_("文件不完整或已损坏（压缩内容无法读取）。请重新保存后提交。")) from exc
        if len(data) > info.file_size or len(data) > self.limits.max_member_bytes:
            raise UnsafeFile(_("文件内部内容与其声明的大小不符，疑似压缩炸弹，已拒收。"))
        return data

    def xml_bytes(self, name: str) -> bytes:
        """An XML part's bytes, size-capped, Strict namespaces made transitional (not yet parsed)."""
        if self.zf.getinfo(name).file_size > self.limits.max_xml_bytes:
            raise UnsafeFile(_("文件内容过多（%(part)s 超过 %(mb)d MB）。请删去无关内容后重新提交。")
                             % {"part": name, "mb": self.limits.max_xml_bytes // MB})
        data = self.read(name)
        if b"/XInclude" in data:
            raise UnsafeFile(_("文件内部的 %(part)s 含有外部引用（XInclude），出于安全原因拒收。请用 Word、WPS 或 Excel 另存为新文件后重新提交。")
                             % {"part": name})
        if b"purl.oclc.org/ooxml/" in data:  # “Strict Open XML”: same structure, other namespaces
            for strict, transitional in STRICT_NAMESPACES:
                data = data.replace(strict, transitional)
        return data

    def read_xml(self, name: str):
        return parse_xml(self.xml_bytes(name), name)


#: member names a real Office file never has: absolute paths, drive letters, “..”, backslashes, NUL
_UNSAFE_NAME = re.compile(r"^[/\\]|^[A-Za-z]:|(?:^|[/\\])\.\.(?:[/\\]|$)|\\|\x00")


def _refuse_overlaps(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse members whose compressed data overlap (a “non-recursive” zip bomb: many directory
    entries pointing into the same bytes, each harmless alone). A local header is at least 30
    bytes, so each member ends no sooner than that plus its compressed size (its name and extra
    field, which may differ from the directory's, only add to it)."""
    spans = sorted((i.header_offset, i.header_offset + 30 + i.compress_size) for i in infos)
    for (_start, end), (next_start, _next_end) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise UnsafeFile(_("文件内部有多个部件共用同一段数据，疑似压缩炸弹，已拒收。"))


def open_zip(data: bytes, kind: str, *, renamed: bool = False, limits: Limits = OFFICE) -> SafeZip:
    """Check an OOXML zip's directory against the limits before inflating anything, then scan
    every XML part for a DOCTYPE (and keep them for the parser)."""
    # every directory entry starts with this signature: count them before zipfile builds an
    # object for each (200,000 empty entries fit in 10 MB and cost a second and 50 MB)
    entries = data.count(b"PK\x01\x02")
    if entries > limits.max_members:
        raise UnsafeFile(_("文件内部包含的部件过多（%(n)d 个），不像正常保存的文件，已拒收。") % {"n": entries})
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise UnsafeFile(_("文件不完整或已损坏（可能没有传完）。请重新保存或重新发送完整的文件。")) from exc
    if len(infos) > limits.max_members:
        raise UnsafeFile(_("文件内部包含的部件过多（%(n)d 个），不像正常保存的文件，已拒收。") % {"n": len(infos)})
    total = 0
    names = set()
    _refuse_overlaps(infos)
    for info in infos:
        if info.filename in names:
            raise UnsafeFile(_("文件内部有重名的部件（%(part)s），不是正常保存的文件，已拒收。请重新保存后提交。")
                             % {"part": info.filename[:80]})
        if _UNSAFE_NAME.search(info.filename) or (info.external_attr >> 16) & 0o170000 == 0o120000:  # or a symlink
            raise UnsafeFile(_("文件内部有部件的路径异常（%(part)s），不是正常保存的文件，已拒收。")
                             % {"part": info.filename[:80]})
        if info.flag_bits & 0x1:
            raise UnsafeFile(_("文件已加密，请取消密码后重新提交。"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word, WPS, Excel and LibreOffice only store or deflate; bzip2 and LZMA inflate in
            # one step, uncapped (a 785-byte bzip2 member becomes 1 GB whatever its size claims)
            raise UnsafeFile(_("文件内部使用了 Office 软件不会使用的压缩方式，已拒收。请用 Word、WPS 或 Excel 重新保存后提交。"))
        if info.file_size > limits.max_member_bytes:
            raise UnsafeFile(_("文件内部有一个部件解压后过大（%(mb)d MB），疑似压缩炸弹，已拒收。")
                             % {"mb": info.file_size // (1024 * 1024)})
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnsafeFile(_("文件内部有一个部件压缩比异常（超过 %(r)d 倍），疑似压缩炸弹，已拒收。") % {"r": limits.max_ratio})
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeFile(_("文件解压后总大小过大，疑似压缩炸弹，已拒收。"))
        lowered = info.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
            raise UnsafeFile(_("文件含有宏（VBA），出于安全原因拒收。请另存为不含宏的 .docx 或 .xlsx 后重新提交。"))
        names.add(info.filename)
    safe = SafeZip(zf, names, raw=data, limits=limits)
    # every XML part, parsed later or not, is refused when its prolog declares a DOCTYPE
    for name in sorted(names):
        if name.lower().endswith((".xml", ".rels", ".vml")):
            _refuse_doctype_in_prolog(safe, name)
    if "[Content_Types].xml" not in names:
        raise UnsafeFile(_("这不是有效的 %(kind)s 文件（缺少内容类型清单）。请用 Word、WPS 或 Excel 另存后重新提交。")
                         % {"kind": _KIND_NAMES[kind]})
    content_types = safe.read("[Content_Types].xml")
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise UnsafeFile(_("文件含有宏（VBA），出于安全原因拒收。请另存为不含宏的 .docx 或 .xlsx 后重新提交。"))
    has_word = "word/document.xml" in names or any(n.endswith("/document.xml") for n in names)
    has_excel = "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names)
    safe.kind = kind
    if renamed and (has_word or has_excel):
        safe.kind = "docx" if has_word else "xlsx"
        return safe
    if kind == "docx" and not has_word:
        if has_excel:
            raise UnsafeFile(_("文件名是 .docx，但内容是 Excel 表格。请把扩展名改为 .xlsx 后重新提交。"))
        raise UnsafeFile(_("这不是有效的 Word（.docx）文件。请用 Word 或 WPS 另存为 .docx 后重新提交。"))
    if kind == "xlsx" and not has_excel:
        if has_word:
            raise UnsafeFile(_("文件名是 .xlsx，但内容是 Word 文档。请把扩展名改为 .docx 后重新提交。"))
        raise UnsafeFile(_("这不是有效的 Excel（.xlsx）文件。请用 Excel 或 WPS 另存为 .xlsx 后重新提交。"))
    return safe


def _looks_like_text(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    binary = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return binary <= len(sample) // 100


def what_it_is(data: bytes) -> str:
    """What the first bytes say a file is: zip, ole, program, pdf, rtf, image, archive, text, binary."""
    if data[:4] in ZIP_MAGIC:
        return "zip"
    if data[:8] == OLE_MAGIC:
        return "ole"
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF" or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "program"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image"
    if data[:6] in (b"Rar!\x1a\x07", b"7z\xbc\xaf'\x1c") or data[:2] == b"\x1f\x8b":
        return "archive"
    return "text" if _looks_like_text(data) else "binary"


_WHAT_NAMES = {
    "zip": gettext_lazy("压缩包或 Office 新格式文件"), "ole": gettext_lazy("旧版 Office（.doc/.xls/.wps）文件"), "program": gettext_lazy("可执行程序"),
    "pdf": gettext_lazy("PDF 文件"), "rtf": gettext_lazy("RTF 文档"), "image": gettext_lazy("图片"), "archive": gettext_lazy("压缩包"), "text": gettext_lazy("纯文本"),
    "binary": gettext_lazy("无法识别的二进制文件"),
}


_WORD_EXTS = ("doc", "wps", "docx")


def sniff_text(data: bytes) -> str | None:
    """What a text file named .xls/.doc really is: html, mht, spreadsheetml (Excel 2003 XML) or None."""
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            head = data[:8192].decode("utf-16", "ignore").encode("utf-8")
        except UnicodeError:
            return None
    low = head.lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "spreadsheetml"
    if low.lstrip().startswith(b"mime-version") or b"multipart/related" in low[:1024]:
        return "mht"
    if b"<html" in low or b"<table" in low or b"<!doctype html" in low:
        return "html"
    return None


def _renamed(data: bytes, ext: str, what: str) -> str | None:
    """How to read a file whose content is another common format than its name says, when people
    (or the systems they export from) routinely do that: a .docx saved as .doc, an old .doc
    renamed .docx, a web page, Excel 2003 XML or CSV exported as .xls. None: refuse it."""
    word = ext in _WORD_EXTS
    if what == "zip" and ext in ("doc", "wps", "xls", "et"):
        return "docx" if word else "xlsx"  # open_zip checks which it really is
    if what == "ole" and ext in ("docx", "xlsx"):
        return "doc" if word else "xls"  # LibreOffice converts it, when installed
    if what == "rtf" and ext in ("docx", "wps"):
        return "doc"
    if what == "text" and ext in ("doc", "wps", "xls", "et", "docx", "xlsx"):
        sniffed = sniff_text(data)
        if sniffed:
            return sniffed
        if word and b"schemas.microsoft.com/office/word/2003/wordml" in data[:8192]:
            return "doc"  # Word 2003 XML: LibreOffice reads it
        if ext in ("xls", "et", "xlsx"):
            return "csv"  # a list exported as text under an Excel name
    return None


def check_size(data: bytes, limits: Limits) -> None:
    """Refuse an empty file or one over the caller's byte limit."""
    limit = limits.byte_limit()
    if len(data) > limit:
        raise UnsafeFile(_("文件太大（%(size).1f MB），上限为 %(limit).1f MB。请删去无关内容后重新提交。")
                         % {"size": len(data) / MB, "limit": limit / MB})
    if not data:
        raise UnsafeFile(_("文件是空的（0 字节）。请检查附件后重新提交。"))


def check_file(data: bytes, filename: str, limits: Limits = OFFICE) -> str:
    """Return how to read the document (docx, xlsx, csv, doc, xls, wps, et; html, mht, spreadsheetml
    for exports under an Office name) or raise UnsafeFile."""
    check_size(data, limits)
    ext = extension(filename)
    if ext in MACRO_EXTENSIONS:
        raise UnsafeFile(_("不接收含宏的文件（.%(ext)s）。请另存为 .docx 或 .xlsx 后重新提交。") % {"ext": ext})
    if ext not in SUPPORTED:
        raise UnsafeFile(_("不支持的文件类型“%(name)s”。请提交 Word（.docx/.doc）、Excel（.xlsx/.xls）、WPS 或 CSV 文件。")
                         % {"name": filename or "?"})
    what = what_it_is(data)
    expected = {"docx": "zip", "xlsx": "zip", "csv": "text", "doc": "ole", "xls": "ole", "wps": "ole", "et": "ole",
                "odt": "zip", "ods": "zip"}[ext]
    if ext == "doc" and what == "rtf":
        return ext  # Word saves RTF under .doc; LibreOffice reads it
    if what != expected:
        if what == "ole" and ext in ("docx", "xlsx") and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d" in data:
            raise UnsafeFile(_("文件设置了打开密码（已加密），请取消密码后重新提交。"))
        renamed = _renamed(data, ext, what)
        if renamed:
            return renamed
        raise UnsafeFile(
            _("文件名是“%(name)s”，但内容是%(what)s，不是 %(kind)s 文件，已拒收。请用 Word、WPS 或 Excel 正常保存后重新提交。")
            % {"name": filename, "what": _WHAT_NAMES[what], "kind": _KIND_NAMES[ext]}
        )
    return ext


# -- scans, photos and PDFs: the first bytes decide ----------------------------------------------
#: first bytes → (kind, extension, content type) of the uploads people send as scans or photos
UPLOAD_TYPES = {
    "pdf": (b"%PDF-", "pdf", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    "jpeg": (b"\xff\xd8\xff", "jpg", "image/jpeg"),
}
_UPLOAD_NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPG"}


def check_upload(data: bytes, allowed: tuple[str, ...] = ("pdf", "png", "jpeg"),
                 limits: Limits = IMAGE) -> tuple[str, str]:
    """(extension, content type) of a scan or photo: the first bytes decide, not the name (a renamed
    .exe is refused); images must open with a sane number of pixels, PDFs pass `check_pdf`."""
    check_size(data, limits)
    for kind in allowed:
        magic, ext, ctype = UPLOAD_TYPES[kind]
        if data.startswith(magic):
            if kind == "pdf":
                check_pdf(data, limits)
            else:
                check_image(data, limits)
            return ext, ctype
    names = _("、").join(_UPLOAD_NAMES[k] for k in allowed)
    raise UnsafeFile(_("文件内容是%(what)s，不是 %(kinds)s。请上传 %(kinds)s 格式的文件（扫描件或截图均可）。")
                     % {"what": _WHAT_NAMES[what_it_is(data)], "kinds": names})


def check_image(data: bytes, limits: Limits = IMAGE) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG whose header Pillow reads without decoding the pixels;
    a decompression bomb (billions of pixels in a small file) or a truncated header is refused."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()  # checks the structure (PNG chunks' checksums) without decoding pixels
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UnsafeFile(_("图片无法打开，可能已损坏或没有传完。请重新截图或拍照后上传。")) from exc
    if width * height > limits.max_pixels or not width or not height:
        raise UnsafeFile(_("图片尺寸异常（%(w)d×%(h)d 像素），请重新截图或缩小后上传。") % {"w": width, "h": height})
    return width, height


#: names that make a PDF act: scripts, launching programs, files carried inside, Flash, XML forms
_PDF_ACTIVE = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"RichMedia", b"XFA"})
#: what matters outside streams: a string's start, a comment, a name (group 1), or the keywords that
#: open a stream's data or end an object (group 2); "endstream" is no match (a letter precedes it)
_PDF_TOKEN = re.compile(rb"\(|%|/([^\s()<>\[\]{}/%]*)|(?<![A-Za-z])(stream|endobj)(?![A-Za-z])")
_PDF_IN_STRING = re.compile(rb"\\.|[()]", re.S)
_PDF_EOL = re.compile(rb"[\r\n]")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: stream filters other than FlateDecode (full names and the abbreviations of inline images)
_PDF_OTHER_FILTERS = frozenset({b"ASCIIHexDecode", b"ASCII85Decode", b"LZWDecode", b"RunLengthDecode",
                                b"CCITTFaxDecode", b"JBIG2Decode", b"DCTDecode", b"JPXDecode", b"Crypt",
                                b"AHx", b"A85", b"LZW", b"RL", b"CCF", b"DCT"})


def _pdf_refuse_active() -> UnsafeFile:
    return UnsafeFile(_("PDF 文件含有脚本、自动操作或嵌入的附件，出于安全原因拒收。请用“打印为 PDF”重新导出后上传。"))


def _pdf_scan(data: bytes, limits: Limits, inflated: list[int], nested: bool = False) -> int:
    """Walk a PDF's objects as a reader does, without reading stream data (fonts, images and page
    contents are binary: their bytes may spell "/JS" by chance): refuse an active name in any
    dictionary, and return the page objects counted. Object streams (`/Type /ObjStm`: dictionaries
    packed in a stream) are inflated within the limits and walked too.

    A stream is skipped to the first "endstream" after it, never by its /Length: a /Length too long
    cannot hide the objects after the real end, and the bytes "endstream" inside compressed data
    only make the walk read some binary as if it were objects (a refusal at worst, never a miss)."""
    pages, pos, prev = 0, 0, b""
    objstm = flate = other_filter = False
    while (m := _PDF_TOKEN.search(data, pos)) is not None:
        pos = m.end()
        if m.group(1) is not None:  # a name; #xx escapes spell the same name (/J#53 is /JS)
            name = _PDF_NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group(1))
            if name in _PDF_ACTIVE:
                raise _pdf_refuse_active()
            if prev == b"Type":
                pages += name == b"Page"
                objstm = objstm or name == b"ObjStm"
            if name in (b"FlateDecode", b"Fl"):
                flate = True
            elif name in _PDF_OTHER_FILTERS:
                other_filter = True
            prev = name
        elif m.group(2) == b"endobj":
            prev, objstm, flate, other_filter = b"", False, False, False
        elif m.group(2) == b"stream":
            start = pos + (2 if data[pos:pos + 2] == b"\r\n" else 1 if data[pos:pos + 1] in (b"\n", b"\r") else 0)
            end = data.find(b"endstream", start)
            end = len(data) if end < 0 else end
            if objstm and not nested:
                pages += _pdf_scan(_pdf_inflate(data[start:end], flate, other_filter, limits, inflated),
                                   limits, inflated, nested=True)
            pos, prev, objstm, flate, other_filter = end + 9, b"", False, False, False
        elif m.group() == b"(":  # a string: balanced parentheses, backslash escapes
            depth = 1
            while depth and (e := _PDF_IN_STRING.search(data, pos)) is not None:
                depth += {b"(": 1, b")": -1}.get(e.group(), 0)
                pos = e.end()
            if depth:
                pos = len(data)
        else:  # a comment, to the end of its line
            e = _PDF_EOL.search(data, pos)
            pos = e.end() if e else len(data)
    return pages


def _pdf_inflate(raw: bytes, flate: bool, other_filter: bool, limits: Limits, inflated: list[int]) -> bytes:
    """An object stream's objects: as stored, or inflated (FlateDecode) within the limits of one
    member and of all of them together (`inflated[0]` counts what the file has inflated so far).

    Data that does not inflate is not read, as before object streams were: an encrypted PDF (a
    government file "protected" against editing) encrypts its streams, and huiwu does not decrypt."""
    if other_filter:
        raise UnsafeFile(_("PDF 文件的对象流用了无法检查的编码方式，出于安全原因拒收。请用“打印为 PDF”重新导出后上传。"))
    if not flate:
        return raw
    room = min(limits.max_member_bytes, limits.max_total_bytes - inflated[0])
    try:
        out = zlib.decompressobj().decompress(raw, room + 1) if room > 0 else b"?"
    except zlib.error:
        return b""
    if len(out) > room:
        raise UnsafeFile(_("PDF 文件解压后过大，可能是恶意构造的文件。请重新导出后上传。"))
    inflated[0] += len(out)
    return out


def check_pdf(data: bytes, limits: Limits = PDF) -> int:
    """Sanity of a PDF before anyone stores or shows it: header, size, an end marker (a file that
    was not sent whole has none), no scripts, launch actions or embedded files in any object's
    dictionary (object streams included; stream data such as fonts is not read), and at most
    `limits.max_pages` page objects. Returns the pages counted."""
    check_size(data, limits)
    if not data.startswith(b"%PDF-"):
        raise UnsafeFile(_("这不是 PDF 文件（内容是%(what)s）。") % {"what": _WHAT_NAMES[what_it_is(data)]})
    if b"%%EOF" not in data[-2048:]:
        raise UnsafeFile(_("PDF 文件不完整（可能没有传完）。请重新导出或重新上传完整的文件。"))
    pages = _pdf_scan(data, limits, [0])
    if pages > limits.max_pages:
        raise UnsafeFile(_("PDF 文件页数过多（%(n)d 页，上限 %(max)d 页）。请只保留需要的页面后上传。")
                         % {"n": pages, "max": limits.max_pages})
    return pages


# -- JSON: size, nesting and item count before and while parsing ---------------------------------
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_json(data: bytes, limits: Limits = JSON):
    """Parse JSON from outside (a seating plan, an import) within the caller's limits: size, nesting
    depth (measured on the bytes before the parser recurses), number of values, no NaN/Infinity,
    no duplicate keys and no control characters in strings. Returns the parsed value."""
    check_size(data, limits)
    depth = deepest = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > deepest:
            deepest = depth
            if deepest > limits.max_depth:
                raise UnsafeFile(_("JSON 文件嵌套过深（超过 %(n)d 层）。请检查文件是否由本系统导出。")
                                 % {"n": limits.max_depth})
    count = 0

    def pairs(items: list[tuple[str, object]]) -> dict:
        nonlocal count
        count += len(items) + 1
        out: dict = {}
        for key, value in items:
            if key in out:
                raise UnsafeFile(_("JSON 文件中同一对象有重复的键“%(key)s”。") % {"key": key[:40]})
            out[key] = value
        return out

    def constant(name: str):
        raise UnsafeFile(_("JSON 文件含有非法数值 %(v)s。") % {"v": name})

    try:
        text = data.decode("utf-8-sig")
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except UnicodeDecodeError as exc:
        raise UnsafeFile(_("JSON 文件不是 UTF-8 编码。请另存为 UTF-8 后重新提交。")) from exc
    except (ValueError, RecursionError) as exc:
        where = _("（第 %(line)d 行第 %(col)d 列）") % {"line": exc.lineno, "col": exc.colno} \
            if isinstance(exc, json.JSONDecodeError) else ""
        raise UnsafeFile(_("JSON 文件格式有误%(where)s。请检查后重新提交。") % {"where": where}) from exc
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limits.max_items * 2:  # each object counted once by the hook and once here
            raise UnsafeFile(_("JSON 文件内容过多（超过 %(n)d 项）。") % {"n": limits.max_items})
        if isinstance(item, str):
            if _CONTROL.search(item):
                raise UnsafeFile(_("JSON 文件的文字中含有控制字符（如 \\u0000），已拒收。"))
        elif isinstance(item, dict):
            for key in item:
                if _CONTROL.search(key):
                    raise UnsafeFile(_("JSON 文件的文字中含有控制字符（如 \\u0000），已拒收。"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value
