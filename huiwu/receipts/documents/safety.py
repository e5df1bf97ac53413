"""Opening untrusted receipt files with limits, before any parser sees them.

People e-mail and upload whatever they have; some of it is broken, some hostile. Every file
goes through `check_file` first: size, what its bytes say it is (not what its name says),
macros, and for .docx/.xlsx the zip directory (member count, declared sizes, ratios,
encryption) — all from the directory, before a single byte is decompressed. XML parts are
read through `SafeZip.read`, which caps the bytes it inflates and refuses any `<!DOCTYPE`
(the door for entity expansion and external entities), and then parsed with a hardened
lxml parser. Each refusal is an `UnsafeFile` with a plain Chinese message, never a traceback.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field

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

#: most zip members a receipt may have (a real .docx has ~15, an .xlsx with a few sheets ~30)
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
#: a prolog (XML declaration, comments, processing instructions) longer than this is refused
MAX_PROLOG_BYTES = 64 * 1024


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
                    _refuse_doctype(buf + member.read(MAX_PROLOG_BYTES), name)  # UTF-16: decode and look
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
                if len(buf) > MAX_PROLOG_BYTES:
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

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        if name in self.cache:
            return self.cache[name]
        info = self.zf.getinfo(name)
        try:
            with self.zf.open(info) as member:
                data = member.read(min(info.file_size, MAX_MEMBER_BYTES) + 1)
        except zipfile.BadZipFile as exc:
            if "CRC" in str(exc):
                raise UnsafeFile(_("文件内部内容与其声明的大小或校验值不符（疑似压缩炸弹，或文件已损坏），已拒收。")) from exc
            raise UnsafeFile(_("文件不完整或已损坏（压缩内容无法读取）。请重新保存后提交。")) from exc
        except (EOFError, OSError, ValueError, RuntimeError, zlib.error) as exc:
            raise UnsafeFile(_("文件不完整或已损坏（压缩内容无法读取）。请重新保存后提交。")) from exc
        if len(data) > info.file_size or len(data) > MAX_MEMBER_BYTES:
            raise UnsafeFile(_("文件内部内容与其声明的大小不符，疑似压缩炸弹，已拒收。"))
        return data

    def xml_bytes(self, name: str) -> bytes:
        """An XML part's bytes, size-capped, Strict namespaces made transitional (not yet parsed)."""
        if self.zf.getinfo(name).file_size > MAX_XML_BYTES:
            raise UnsafeFile(_("文件内容过多（%(part)s 超过 %(mb)d MB），不像一份回执。请只保留回执表格后重新提交。")
                             % {"part": name, "mb": MAX_XML_BYTES // 1048576})
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


def open_zip(data: bytes, kind: str, *, renamed: bool = False) -> SafeZip:
    """Check an OOXML zip's directory against the limits before inflating anything, then scan
    every XML part for a DOCTYPE (and keep them for the parser)."""
    # every directory entry starts with this signature: count them before zipfile builds an
    # object for each (200,000 empty entries fit in 10 MB and cost a second and 50 MB)
    entries = data.count(b"PK\x01\x02")
    if entries > MAX_MEMBERS:
        raise UnsafeFile(_("文件内部包含的部件过多（%(n)d 个），不像正常的回执文件，已拒收。") % {"n": entries})
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise UnsafeFile(_("文件不完整或已损坏（可能没有传完）。请重新保存或重新发送完整的文件。")) from exc
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile(_("文件内部包含的部件过多（%(n)d 个），不像正常的回执文件，已拒收。") % {"n": len(infos)})
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
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnsafeFile(_("文件内部有一个部件解压后过大（%(mb)d MB），疑似压缩炸弹，已拒收。")
                             % {"mb": info.file_size // (1024 * 1024)})
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(_("文件内部有一个部件压缩比异常（超过 %(r)d 倍），疑似压缩炸弹，已拒收。") % {"r": MAX_RATIO})
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeFile(_("文件解压后总大小过大，疑似压缩炸弹，已拒收。"))
        lowered = info.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
            raise UnsafeFile(_("文件含有宏（VBA），出于安全原因拒收。请另存为不含宏的 .docx 或 .xlsx 后重新提交。"))
        names.add(info.filename)
    safe = SafeZip(zf, names, raw=data)
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


def _what_it_is(data: bytes) -> str:
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


def _renamed(data: bytes, ext: str, what: str) -> str | None:
    """How to read a file whose content is another common format than its name says, when people
    (or the systems they export from) routinely do that: a .docx saved as .doc, an old .doc
    renamed .docx, a web page, Excel 2003 XML or CSV exported as .xls. None: refuse it."""
    from .legacy import sniff_text

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


def check_file(data: bytes, filename: str) -> str:
    """Return how to read the file (docx, xlsx, csv, doc, xls, wps, et; html, mht, spreadsheetml for
    exports under an Office name) or raise UnsafeFile."""
    limit = settings.HUIWU_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UnsafeFile(_("文件太大（%(size).1f MB），上限为 %(limit).1f MB。请删去无关内容后重新提交。")
                         % {"size": len(data) / 1048576, "limit": limit / 1048576})
    if not data:
        raise UnsafeFile(_("文件是空的（0 字节）。请检查附件后重新提交。"))
    ext = extension(filename)
    if ext in MACRO_EXTENSIONS:
        raise UnsafeFile(_("不接收含宏的文件（.%(ext)s）。请另存为 .docx 或 .xlsx 后重新提交。") % {"ext": ext})
    if ext not in SUPPORTED:
        raise UnsafeFile(_("不支持的文件类型“%(name)s”。请提交 Word（.docx/.doc）、Excel（.xlsx/.xls）、WPS 或 CSV 文件。")
                         % {"name": filename or "?"})
    what = _what_it_is(data)
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
