"""Old binary formats (.doc/.xls/.wps): LibreOffice when installed, else a clear message."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from huiwu.core.files import convert
from huiwu.core.files.safety import UnsafeFile
from huiwu.receipts.documents.extract import extract
from huiwu.receipts.documents.reader import read_document

from .files import simple_docx, simple_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("name", ["回执.doc", "回执.xls", "回执.wps"])
def test_without_libreoffice_the_message_says_what_to_do(monkeypatch, name):
    monkeypatch.setattr(convert.shutil, "which", lambda _name: None)
    with pytest.raises(UnsafeFile) as info:
        read_document(OLE + b"\0" * 600, name)
    assert "LibreOffice" in info.value.message and "另存为" in info.value.message


@pytest.mark.parametrize("fmt,build,legacy_fmt", [("docx", simple_docx, "doc"), ("xlsx", simple_xlsx, "xls")])
def test_legacy_files_are_converted_and_read(tmp_path, fmt, build, legacy_fmt):
    from conftest import require_office

    require_office(legacy_fmt)
    src = tmp_path / f"r.{fmt}"
    src.write_bytes(build())
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/p", "--convert-to", legacy_fmt,
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=120)
    old = (tmp_path / "out" / f"r.{legacy_fmt}").read_bytes()
    assert old.startswith(OLE)
    ex = extract(read_document(old, f"回执.{legacy_fmt}"))
    assert [r.data["name"] for r in ex.attendees] == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]
    assert ex.tech_contact == {"name": "周正", "phone": "13800138111"}


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_garbage_ole_file_gives_a_plain_answer():
    try:
        ex = extract(read_document(OLE + b"\x01" * 2000, "坏.xls"))
    except UnsafeFile as exc:
        assert "无法转换" in exc.message or "损坏" in exc.message
    else:  # LibreOffice may still produce an (empty) workbook: then there is no header to find
        assert not ex.attendees and ex.errors and "表头" in ex.errors[0]["message"]
