"""import_files on many files: one batch, read by a fork pool, filed chunk by chunk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from huiwu.receipts.documents import importer
from huiwu.receipts.models import Attendee, Receipt

from .files import PEOPLE, csv_bytes, simple_docx


def receipt_csv(venue, serial: int) -> bytes:
    unit = venue.host_unit.name
    rows = [[f"填报单位：{unit}"], ["序号", "姓名", "单位", "职务", "手机"]]
    rows += [[str(i), f"测试{chr(0x4e00 + serial)}{chr(0x4e80 + i)}", unit, "处长", f"139{serial:04d}{i:04d}"]
             for i in range(1, 4)]
    rows.append([f"视频调试负责人：周正，手机：1380013{serial:04d}"])
    return csv_bytes(rows)


#: run in a fresh interpreter: forking the test process would copy the session's browser (Playwright
#: threads, pipes, its event loop), which `huiwu receipt import` never has
POOL_SCRIPT = """
import json, os, sys
import django
django.setup()
from huiwu.receipts.documents import importer
from huiwu.receipts.tests.files import csv_bytes
parent, die = os.getpid(), sys.argv[1]
files = [(f"r{n}.csv", csv_bytes([["姓名", "单位", "手机"], [f"测试{chr(0x4e00 + n)}", "单位", f"139{n:08d}"]]), None)
         for n in range(importer.POOL_MIN)]
real_read = importer._read
def read(name, data, converted=None):  # runs in the children: fork copies the patched module
    if name == die and os.getpid() != parent:
        os._exit(9)  # as if the kernel had killed the reading process
    r = real_read(name, data, converted)
    r.extracted.warnings.append(os.getpid())
    return r
importer._read = read
with importer._reads(files, 2) as reads:
    got = list(reads)
print(json.dumps({"names": [r.filename for r in got], "same_bytes": [r.data == f[1] for r, f in zip(got, files)],
                  "pids": [r.extracted.warnings[-1] for r in got], "parent": parent,
                  "phones": [r.checked[0][0]["phone"] for r in got]}))
"""


def run_pool(tmp_path, die: str = "") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huiwu.settings", "HUIWU_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", POOL_SCRIPT, die], env=env, capture_output=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return json.loads(done.stdout)


def test_the_pool_reads_in_other_processes_and_keeps_the_order(tmp_path):
    out = run_pool(tmp_path)
    assert out["names"] == [f"r{n}.csv" for n in range(importer.POOL_MIN)]
    assert all(out["same_bytes"]), "the bytes stay with the parent"
    assert set(out["pids"]) and out["parent"] not in out["pids"], "read by the pool's processes"
    assert out["phones"] == [f"139{n:08d}" for n in range(importer.POOL_MIN)], "rows validated where they are read"


def test_a_reading_process_that_dies_does_not_hang_the_import(tmp_path):
    out = run_pool(tmp_path, die="r5.csv")
    assert out["names"] == [f"r{n}.csv" for n in range(importer.POOL_MIN)]
    assert out["parent"] in out["pids"], "after the pool broke, the rest was read here"
    assert out["phones"] == [f"139{n:08d}" for n in range(importer.POOL_MIN)]


@pytest.mark.django_db
def test_many_files_filed_in_chunks(demo_event, monkeypatch):
    branches = list(demo_event.venues.filter(kind="branch").select_related("host_unit").order_by("order")[:6])
    files = [(f"r{n}.csv", receipt_csv(branches[n % 6], n)) for n in range(40)]
    files.append(("again.csv", files[3][1]))               # the same bytes as an earlier file
    files.append(("broken.docx", simple_docx()[:500]))     # a truncated zip
    monkeypatch.setattr(importer, "BATCH", 7)              # several transactions
    # inside the test's transaction the pool stands aside (it would have to close the connection)
    reports = importer.import_files(files, event=demo_event, workers=2)["files"]
    assert [r["file"] for r in reports] == [name for name, _data in files], "reports come back in order"
    assert [r["status"] for r in reports[:40]] == ["accepted"] * 40, [r for r in reports if r["status"] != "accepted"]
    assert reports[40]["unchanged"] is True and reports[40]["version"] == reports[3]["version"]
    assert reports[41]["status"] == "rejected" and reports[41]["errors"][0]["message"]
    for i, venue in enumerate(branches):
        last = max(n for n in range(40) if n % 6 == i)
        assert Receipt.objects.filter(venue=venue).count() == len(range(i, 40, 6))
        active = sorted(Attendee.objects.filter(venue=venue, status="active").values_list("phone", flat=True))
        assert active == [f"139{last:04d}{k:04d}" for k in range(1, 4)]
        assert reports[last]["version"] == len(range(i, 40, 6))

    # a second run, read in-process this time, finds every file filed already
    again = importer.import_files(files[:40], event=demo_event, workers=1)["files"]
    assert all(r["status"] == "accepted" and r.get("unchanged") for r in again)
    assert Receipt.objects.filter(venue__event=demo_event).count() == 40


@pytest.mark.django_db
def test_old_word_and_excel_files_of_a_batch_share_one_libreoffice_run(demo_event, tmp_path, monkeypatch):
    from conftest import require_office

    require_office("doc", "xls")
    from huiwu.core.files import convert

    from .files import simple_xlsx

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bj.docx").write_bytes(simple_docx())
    (tmp_path / "in" / "bj2.docx").write_bytes(simple_docx(PEOPLE[:2]))
    (tmp_path / "in" / "x.xlsx").write_bytes(simple_xlsx())
    for fmt, names in (("doc", ["bj.docx", "bj2.docx"]), ("xls", ["x.xlsx"])):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/p", "--convert-to", fmt,
                        "--outdir", str(tmp_path / "out"), *(str(tmp_path / "in" / n) for n in names)],
                       check=True, capture_output=True, timeout=120)
    runs = []
    real_run = convert.subprocess.run
    monkeypatch.setattr(convert.subprocess, "run", lambda cmd, **kw: runs.append(cmd) or real_run(cmd, **kw))
    files = [(n, (tmp_path / "out" / n).read_bytes()) for n in ("bj.doc", "bj2.doc", "x.xls")]
    files.append(("broken.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))  # an OLE header and nothing else
    reports = importer.import_files(files, event=demo_event, venue=demo_event.venues.get(code="110000"))["files"]
    assert [r["status"] for r in reports[:3]] == ["accepted"] * 3, reports
    assert [len(r["attendees"]) for r in reports[:3]] == [4, 2, 4]
    assert reports[0]["file"] == "bj.doc" and reports[2]["venue"] == "110000"
    assert reports[3]["status"] == "rejected" and "另存为" in reports[3]["errors"][0]["message"]
    assert len(runs) == 2, "one LibreOffice run for the Word files, one for the Excel file"

