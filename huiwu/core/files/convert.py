"""Old binary office files (.doc/.xls/.wps/.et/.odt/.ods) converted to .docx/.xlsx by LibreOffice
headless, when installed: one run per target format for many files, a time limit per run, a
throwaway profile and HOME. Domain-neutral (receipts and notices use it); the converted bytes go
through `safety.check_file` / `open_zip` like any other file from outside."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from .safety import UnsafeFile

TIMEOUT_SECONDS = 60
TARGET = {"doc": "docx", "wps": "docx", "xls": "xlsx", "et": "xlsx", "odt": "docx", "ods": "xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, ext: str) -> tuple[bytes, str]:
    """Return (converted bytes, new extension) or raise UnsafeFile with what to do instead."""
    result = convert_many([(data, ext)])[0]
    if isinstance(result, UnsafeFile):
        raise result
    return result


def convert_many(items: list[tuple[bytes, str]]) -> list[tuple[bytes, str] | UnsafeFile]:
    """Convert old files with one LibreOffice run per target format (starting LibreOffice takes
    ~1.5 s; a deadline-day batch of 38 .doc files would otherwise wait a minute). Each result is
    (bytes, new extension) or the UnsafeFile saying what to do; when a shared run times out,
    its files are converted one by one so one bad file cannot fail the others."""
    binary = soffice()
    out: list[tuple[bytes, str] | UnsafeFile | None] = [None] * len(items)
    if not binary:
        return [UnsafeFile(
            _("服务器未安装 LibreOffice，无法读取旧版 .%(ext)s 文件。请用 Word、WPS 或 Excel 另存为 .%(target)s 后重新提交。")
            % {"ext": ext, "target": TARGET[ext]}) for _data, ext in items]
    by_target: dict[str, list[int]] = {}
    for i, (_data, ext) in enumerate(items):
        by_target.setdefault(TARGET[ext], []).append(i)
    for target, indexes in by_target.items():
        if not _run(binary, target, indexes, items, out) and len(indexes) > 1:
            for i in indexes:
                _run(binary, target, [i], items, out)
    return out  # type: ignore[return-value]


def _run(binary: str, target: str, indexes: list[int], items: list, out: list) -> bool:
    """One LibreOffice run converting items[indexes] to `target`; False when it timed out."""
    with tempfile.TemporaryDirectory(prefix="huiwu-convert-") as tmp:
        sources = []
        for i in indexes:
            data, ext = items[i]
            src = Path(tmp) / f"file-{i}.{ext}"
            src.write_bytes(data)
            sources.append(str(src))
        out_dir = Path(tmp) / "out"
        env = {**os.environ, "HOME": tmp}
        cmd = [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{tmp}/profile",
               "--convert-to", target, "--outdir", str(out_dir), *sources]
        timed_out = False
        try:
            subprocess.run(cmd, env=env, capture_output=True, timeout=TIMEOUT_SECONDS + 5 * (len(indexes) - 1),
                           check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            timed_out = True
        for i in indexes:
            ext = items[i][1]
            result = out_dir / f"file-{i}.{target}"
            if result.exists() and not (timed_out and len(indexes) > 1):
                out[i] = (result.read_bytes(), target)
            elif timed_out:
                out[i] = UnsafeFile(_("旧版 .%(ext)s 文件转换超时。请另存为 .%(target)s 后重新提交。") % {"ext": ext, "target": target})
            else:
                out[i] = UnsafeFile(_("旧版 .%(ext)s 文件无法转换，可能已损坏或加密。请另存为 .%(target)s 后重新提交。")
                                    % {"ext": ext, "target": target})
        return not timed_out
