"""LibreOffice components are detected one by one: Writer without Calc skips the Calc tests with the
reason instead of failing them (soffice exits 0 and writes nothing for a missing component)."""

from __future__ import annotations

import os

import pytest

from huiwu.core import office


@pytest.fixture
def writer_only(tmp_path, monkeypatch):
    program = tmp_path / "libreoffice" / "program"
    program.mkdir(parents=True)
    (program / "libmergedlo.so").write_bytes(b"")
    (program / "libswlo.so").write_bytes(b"")
    binary = program / "soffice"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(binary, bindir / "soffice")
    monkeypatch.setenv("PATH", str(bindir))
    return program


def test_writer_without_calc(writer_only):
    assert office.has_component("writer") and not office.has_component("calc")
    assert office.missing_for("doc", "docx") == []
    assert office.missing_for("xls") == ["calc"]


def test_the_test_helper_skips_with_the_reason(writer_only):
    from conftest import require_office

    require_office("doc")  # Writer is there: no skip
    with pytest.raises(pytest.skip.Exception, match="Calc"):
        require_office("xlsx")


def test_without_soffice_every_component_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert office.missing_for("doc", "xls") == ["calc", "writer"]
