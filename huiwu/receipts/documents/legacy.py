"""Old binary formats (.doc, .xls, .wps, .et): converted by LibreOffice headless when installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from .safety import UnsafeFile

TIMEOUT_SECONDS = 60
TARGET = {"doc": "docx", "wps": "docx", "xls": "xlsx", "et": "xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, ext: str) -> tuple[bytes, str]:
    """Return (converted bytes, new extension) or raise UnsafeFile with what to do instead."""
    target = TARGET[ext]
    binary = soffice()
    if not binary:
        raise UnsafeFile(
            _("服务器未安装 LibreOffice，无法读取旧版 .%(ext)s 文件。请用 Word、WPS 或 Excel 另存为 .%(target)s 后重新提交。")
            % {"ext": ext, "target": target}
        )
    with tempfile.TemporaryDirectory(prefix="huiwu-convert-") as tmp:
        src = Path(tmp) / f"receipt.{ext}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        env = {**os.environ, "HOME": tmp}
        cmd = [binary, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation=file://{tmp}/profile",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        try:
            subprocess.run(cmd, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise UnsafeFile(_("旧版 .%(ext)s 文件转换超时。请另存为 .%(target)s 后重新提交。") % {"ext": ext, "target": target}) from exc
        result = out_dir / f"receipt.{target}"
        if not result.exists():
            raise UnsafeFile(_("旧版 .%(ext)s 文件无法转换，可能已损坏或加密。请另存为 .%(target)s 后重新提交。")
                             % {"ext": ext, "target": target})
        return result.read_bytes(), target
