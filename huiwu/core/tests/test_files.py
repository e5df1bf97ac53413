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
