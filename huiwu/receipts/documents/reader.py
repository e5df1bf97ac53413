"""One entry point for every format: bytes + file name → `Parsed` (or UnsafeFile)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huiwu.core.files import convert
from huiwu.core.files.safety import UnsafeFile, check_file, extension, open_zip

from . import legacy
from .csvfile import read_csv
from .model import Parsed
from .ooxml import read_docx, read_xlsx


def read_document(data: bytes, filename: str) -> Parsed:
    """Check the file against the limits and read its tables and text. Raises UnsafeFile."""
    kind = check_file(data, filename)
    renamed = kind != extension(filename)
    try:
        if kind in ("html", "mht"):
            return legacy.read_html(data, kind, sheet=extension(filename) in ("xls", "et", "xlsx"))
        if kind == "spreadsheetml":
            return legacy.read_spreadsheetml(data)
        if kind in convert.TARGET:
            data, kind = convert.convert(data, kind)
            check_file(data, f"converted.{kind}")
        if kind == "csv":
            return read_csv(data)
        zf = open_zip(data, kind, renamed=renamed)
        return read_docx(zf) if zf.kind == "docx" else read_xlsx(zf)
    except UnsafeFile:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError) as exc:
        raise UnsafeFile(_("文件内容无法读取，可能已损坏。请用 Word、WPS 或 Excel 重新保存后提交。")) from exc
