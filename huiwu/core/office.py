"""Which parts of LibreOffice this machine has: Writer (.doc/.wps/.rtf/.odt) and Calc (.xls/.et)
are separate Debian packages, and `soffice` alone converts nothing for a missing one (it exits 0
and writes no file)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: the library each component's package installs in LibreOffice's program folder
COMPONENT_LIBRARIES = {"writer": "libswlo.so", "calc": "libsclo.so"}
#: what converting to or from these formats needs
FORMAT_COMPONENTS = {"doc": "writer", "docx": "writer", "wps": "writer", "rtf": "writer", "odt": "writer",
                     "pdf": "writer", "xls": "calc", "xlsx": "calc", "et": "calc", "ods": "calc", "csv": "calc"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def has_component(component: str) -> bool:
    """Whether `component` ("writer" or "calc") is installed beside `soffice`."""
    binary = soffice()
    if binary is None:
        return False
    program = Path(os.path.realpath(binary)).parent
    if not any(program.glob("lib*lo.so")):
        return True  # a build that does not split its libraries this way (e.g. a bundled one)
    return (program / COMPONENT_LIBRARIES[component]).exists()


def missing_for(*formats: str) -> list[str]:
    """The components (writer, calc) the given formats need and this machine lacks."""
    needed = sorted({FORMAT_COMPONENTS[f] for f in formats if f in FORMAT_COMPONENTS})
    if soffice() is None:
        return needed
    return [c for c in needed if not has_component(c)]
