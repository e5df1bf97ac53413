"""The one home for files from outside (huiwu.core.files.safety): neutral, limits per caller."""

from __future__ import annotations

import ast
import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from huiwu.core.files.safety import (
    IMAGE,
    JSON,
    OFFICE,
    PDF,
    UnsafeFile,
    check_file,
    check_pdf,
    check_upload,
    open_zip,
    read_json,
)

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_files_package_imports_no_app_and_notices_no_receipts():
    for path in (ROOT / "core" / "files").glob("*.py"):
        apps = {m for m in _imports(path) if m.startswith("huiwu.")}
        assert not apps, f"{path.name} imports {apps}"
    readers = ("safety", "reader", "legacy", "ooxml", "csvfile", "extract", "model")
    for path in (ROOT / "notices").rglob("*.py"):
        used = {m for m in _imports(path) if m.startswith("huiwu.receipts.documents.")}
        assert not {m for m in used if m.rsplit(".", 1)[-1] in readers}, path  # reading files is not a receipt's
    assert not {m for m in _imports(ROOT / "notices" / "reading.py") if m.startswith("huiwu.receipts")}
    assert not (ROOT / "receipts" / "documents" / "safety.py").exists()


@pytest.mark.parametrize("module", ["legacy", "ooxml", "reader"])
def test_readers_import_alone_without_a_circle(module):
    """Each reader module imports first in a fresh interpreter (a circle needed lazy imports)."""
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'huiwu.settings'); django.setup();"
            f"import huiwu.receipts.documents.{module}")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT.parent, timeout=60)
    for name in ("legacy.py", "ooxml.py"):
        source = (ROOT / "receipts" / "documents" / name).read_text(encoding="utf-8")
        assert "    from .legacy" not in source and "    from .ooxml" not in source  # no function-level import


def test_messages_name_no_domain():
    source = (ROOT / "core" / "files" / "safety.py").read_text(encoding="utf-8")
    for word in ("回执", "通知", "审批", "参会"):
        assert word not in source


def _docx(members: int = 3) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'/>")
        for i in range(members):
            zf.writestr(f"word/x{i}.xml", "<a/>")
    return buf.getvalue()


def test_limits_are_the_callers():
    data = _docx(members=30)
    assert open_zip(data, "docx").kind == "docx"
    with pytest.raises(UnsafeFile, match="部件过多"):
        open_zip(data, "docx", limits=OFFICE.but(max_members=10))
    with pytest.raises(UnsafeFile, match="文件太大"):
        check_file(data, "a.docx", OFFICE.but(max_bytes=100))
    assert check_file(data, "a.docx") == "docx"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = zlib.compress(b"\x00" * (width * 3 + 1) * min(height, 2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def test_upload_first_bytes_decide():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    assert check_upload(buf.getvalue(), ("png", "jpeg")) == ("png", "image/png")
    with pytest.raises(UnsafeFile, match="可执行程序"):
        check_upload(b"MZ\x90\x00" + b"\0" * 100, ("png", "jpeg"))
    with pytest.raises(UnsafeFile, match="PDF"):
        check_upload(b"%PDF-1.4\n%%EOF", ("png", "jpeg"))  # a PDF where only images are asked for
    with pytest.raises(UnsafeFile, match="空"):
        check_upload(b"", ("png",))


def test_image_bomb_and_broken_image_refused():
    with pytest.raises(UnsafeFile, match="尺寸异常|无法打开"):
        check_upload(_png(60000, 60000), ("png",))  # 3.6 billion pixels declared in ~200 bytes
    with pytest.raises(UnsafeFile, match="无法打开"):
        check_upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, ("png",))
    with pytest.raises(UnsafeFile, match="尺寸异常"):
        check_upload(_png(300, 300), ("png",), IMAGE.but(max_pixels=1000))


def _pdf(pages: int, extra: bytes = b"") -> bytes:
    body = b"".join(b"%d 0 obj << /Type /Page >> endobj\n" % (i + 3) for i in range(pages))
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages >> endobj\n"
            + body + extra + b"trailer << /Root 1 0 R >>\n%%EOF\n")


def test_pdf_sanity():
    assert check_pdf(_pdf(3)) == 3
    with pytest.raises(UnsafeFile, match="页数过多"):
        check_pdf(_pdf(5), PDF.but(max_pages=4))
    with pytest.raises(UnsafeFile, match="脚本"):
        check_pdf(_pdf(1, b"9 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n"))
    with pytest.raises(UnsafeFile, match="不完整"):
        check_pdf(_pdf(1)[:-8])
    with pytest.raises(UnsafeFile, match="不是 PDF"):
        check_pdf(b"PK\x03\x04" + b"\0" * 100)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\r\n" % len(data) + data + b"\r\nendstream"


HOSTILE = b"<< /S /JavaScript /JS (app.alert(1)) >> /Launch /EmbeddedFile"


def test_pdf_stream_data_is_not_read_as_objects():
    """A font, an image or a page's drawing is binary; its bytes may spell /JS (a LibreOffice PDF's
    compressed font did): only the objects' dictionaries are read."""
    content = b"7 0 obj " + _stream(b"", b"BT (" + HOSTILE + b") Tj ET") + b" endobj\n"
    font = b"8 0 obj " + _stream(b"/Filter /FlateDecode", zlib.compress(b"x" * 50) + HOSTILE) + b" endobj\n"
    assert check_pdf(_pdf(2, content + font)) == 2
    # a comment and a string may hold the words too
    assert check_pdf(_pdf(1, b"% /JS in a comment\n9 0 obj << /Title (a /JS \\) (nested) title) >> endobj\n")) == 1


@pytest.mark.parametrize("hidden", [
    b"9 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n",  # names spelt with #xx escapes
    # a /Length running past the real end does not hide the objects after it
    b"9 0 obj << /Length 5000 >>\nstream\r\nabc\r\nendstream endobj\n10 0 obj << /S /Launch >> endobj\n",
    # "stream" inside a string is a word, not the start of data to skip
    b"9 0 obj << /Title (>> stream\n) /OpenAction << /S /JavaScript >> >> endobj\nendstream\n",
    # dictionaries packed in an object stream, compressed or not
    b"9 0 obj " + _stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                          zlib.compress(b"11 0 " + HOSTILE)) + b" endobj\n",
    b"9 0 obj " + _stream(b"/Type/ObjStm /N 1 /First 4", b"11 0 << /Type /Filespec /EF << /F 12 0 R >> /EmbeddedFile >>")
    + b" endobj\n",
])
def test_pdf_active_names_are_found_in_every_dictionary(hidden):
    with pytest.raises(UnsafeFile, match="脚本"):
        check_pdf(_pdf(1, hidden))


def test_pdf_object_streams_count_their_pages_within_limits():
    packed = b"".join(b"<< /Type /Page /Parent 2 0 R >> " for _ in range(5))
    objstm = b"9 0 obj " + _stream(b"/Type /ObjStm /N 5 /First 20 /Filter /FlateDecode", zlib.compress(packed))
    assert check_pdf(_pdf(1, objstm + b" endobj\n")) == 6
    with pytest.raises(UnsafeFile, match="页数过多"):
        check_pdf(_pdf(1, objstm + b" endobj\n"), PDF.but(max_pages=5))
    bomb = b"9 0 obj " + _stream(b"/Type /ObjStm /Filter /FlateDecode", zlib.compress(b" " * 2_000_000)) + b" endobj\n"
    with pytest.raises(UnsafeFile, match="解压后过大"):
        check_pdf(_pdf(1, bomb), PDF.but(max_member_bytes=1_000_000))
    with pytest.raises(UnsafeFile, match="无法检查的编码"):
        check_pdf(_pdf(1, b"9 0 obj " + _stream(b"/Type /ObjStm /Filter /ASCIIHexDecode", packed.hex().encode())))


def test_libreoffice_pdf_with_js_bytes_in_an_image_is_accepted(tmp_path):
    """A real LibreOffice PDF whose image stream holds "/JS" and "/JavaScript" (a JPEG comment; with
    these export options LibreOffice keeps the JPEG's bytes as they are): accepted, one page."""
    import docx
    from PIL import Image

    from conftest import require_office
    from huiwu.core.office import soffice

    require_office("docx")
    photo = io.BytesIO()
    picture = Image.new("RGB", (600, 400), (200, 30, 30))
    for x in range(0, 600, 7):
        for y in range(0, 400, 5):
            picture.putpixel((x, y), (x % 255, y % 255, 90))
    picture.save(photo, "JPEG", quality=75, comment=HOSTILE)
    doc = docx.Document()
    doc.add_paragraph("视频调试安排")
    doc.add_picture(io.BytesIO(photo.getvalue()))
    doc.save(tmp_path / "notice.docx")
    keep_jpeg = ('pdf:writer_pdf_Export:{"ReduceImageResolution":{"type":"boolean","value":"false"},'
                 '"UseLosslessCompression":{"type":"boolean","value":"false"}}')
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", keep_jpeg, "--outdir", str(tmp_path), str(tmp_path / "notice.docx")],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    data = (tmp_path / "notice.pdf").read_bytes()
    assert b"/JS (app.alert(1))" in data and b"/DCTDecode" in data  # the bytes that fooled the old check
    assert check_pdf(data) == 1


def test_read_json_limits():
    assert read_json(b'{"rows": [{"seat": "A1", "name": "\xe5\xbc\xa0\xe4\xb8\x89"}]}') == {
        "rows": [{"seat": "A1", "name": "张三"}]}
    with pytest.raises(UnsafeFile, match="嵌套过深"):
        read_json(b"[" * 10_000 + b"]" * 10_000)  # would be a RecursionError in the parser
    assert read_json(b'["' + b"[" * 100 + b'"]') == ["[" * 100]  # brackets inside strings do not count
    with pytest.raises(UnsafeFile, match="过多"):
        read_json(b"[" + b",".join([b"1"] * 50) + b"]", JSON.but(max_items=20))
    with pytest.raises(UnsafeFile, match="文件太大"):
        read_json(b"[" + b" " * 200 + b"]", JSON.but(max_bytes=100))
    for bad, why in [(b'{"a": 1, "a": 2}', "重复的键"), (b"[NaN]", "非法数值"), (b'["a\\u0000"]', "控制字符"),
                     (b'{"x": }', "第 1 行"), (b"\xff\xfe[]", "UTF-8")]:
        with pytest.raises(UnsafeFile, match=why):
            read_json(bad)
