"""Benchmark: 1,000 filled receipts (30 rows each, .docx and .xlsx mixed) imported end to end,
and in the same run the same files' XML read with lxml alone. Goal: end to end at most 4× the
lxml-only time, and under 10 s in all.

    HUIWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiwu_bench .venv/bin/python bench/import_bench.py
    .venv/bin/python bench/import_bench.py --files 200        # SQLite, fewer files

The files are the venues' own templates (render_template), filled with python-docx/openpyxl,
saved the way Excel saves text (shared strings), each with 30 different people, spread over the
demo event's 38 venues (so most imports are a new version replacing a 30-person list).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HUIWU_DATA_DIR", tempfile.mkdtemp(prefix="huiwu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")
os.environ.setdefault("HUIWU_LOG_LEVEL", "WARNING")


def ensure_database() -> None:
    url = os.environ.get("HUIWU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

import docx  # noqa: E402
import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from lxml import etree  # noqa: E402

from huiwu.events.services import load_demo_event  # noqa: E402
from huiwu.receipts.documents.importer import import_files  # noqa: E402
from huiwu.receipts.documents.templates import render_template  # noqa: E402
from huiwu.receipts.models import Attendee, Receipt  # noqa: E402
from huiwu.receipts.tests.files import excelize  # noqa: E402

ROWS = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌宇浩凯鹏波宁雪琳晨阳欣怡佳慧"


def placeholder(i: int) -> str:
    return f"QQN{i:02d}Q"


def filled_templates(venue) -> dict[str, bytes]:
    """The venue's two templates filled with placeholder names (replaced per file, in the XML)."""
    out = {}
    d = docx.Document(io.BytesIO(render_template(venue, "docx")))
    for i in range(1, ROWS + 1):
        cells = d.tables[0].rows[i].cells
        cells[1].text, cells[2].text, cells[3].text, cells[4].text = placeholder(i), venue.name + "参会单位", "处长", f"QQP{i:02d}Q"
    if len(d.tables) > 1:
        c = d.tables[1].rows[1].cells
        c[0].text, c[3].text = placeholder(0), "QQP00Q"
    buf = io.BytesIO()
    d.save(buf)
    out["docx"] = buf.getvalue()
    wb = openpyxl.load_workbook(io.BytesIO(render_template(venue, "xlsx")))
    ws = wb["回执"]
    for i in range(1, ROWS + 1):
        r = 7 + i
        ws.cell(row=r, column=2, value=placeholder(i))
        ws.cell(row=r, column=3, value=venue.name + "参会单位")
        ws.cell(row=r, column=4, value="处长")
        ws.cell(row=r, column=5, value=f"QQP{i:02d}Q")
    if venue.kind == "branch":
        r = 7 + ROWS + 4  # caption, header, then the contact row
        ws.cell(row=r, column=1, value=placeholder(0))
        ws.cell(row=r, column=4, value="QQP00Q")
    buf = io.BytesIO()
    wb.save(buf)
    out["xlsx"] = excelize(buf.getvalue(), rich=False)
    return out


def personalise(data: bytes, rng: random.Random, serial: int) -> bytes:
    """Copy a filled template with 31 new people (names and unique mobiles)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if b"QQN" in body or b"QQP" in body:
                for i in range(ROWS + 1):
                    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                    body = body.replace(placeholder(i).encode(), name.encode())
                    body = body.replace(f"QQP{i:02d}Q".encode(), f"139{serial:04d}{i:04d}".encode())
            dst.writestr(info, body)
    return out.getvalue()


def lxml_only(name: str, data: bytes) -> int:
    """What reading the file costs at the least: open the zip, parse its XML parts with lxml."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    parts = ["word/document.xml"] if name.endswith(".docx") else \
        [n for n in zf.namelist() if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"]
    return sum(len(etree.fromstring(zf.read(p))) for p in parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                        help="reading processes (default: one per core, up to 4, as huiwu receipt import; 1 = in-process)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    event = load_demo_event()
    venues = list(event.venues.select_related("host_unit", "event").order_by("order"))
    main_units = {vu.venue_id: vu.unit for vu in event.venues.get(code="main").invited_units.select_related("unit")}
    t = time.perf_counter()
    bases = {}
    for v in venues:
        if v.kind == "main":
            continue  # the main venue is filed per invited unit; the bench fills the 37 branches
        bases[v.code] = filled_templates(v)
    rng = random.Random(20211123)
    files = []
    codes = sorted(bases)
    for n in range(args.files):
        code = codes[n % len(codes)]
        fmt = "docx" if n % 2 == 0 else "xlsx"
        files.append((f"回执-{code}-{n}.{fmt}", personalise(bases[code][fmt], rng, n)))
    prep = time.perf_counter() - t
    del main_units

    load_before = os.getloadavg()[0]
    # lxml alone, same files, same process
    t, c = time.perf_counter(), time.process_time()
    for name, data in files:
        lxml_only(name, data)
    lxml_s, lxml_cpu = time.perf_counter() - t, time.process_time() - c

    # end to end: safety checks, reading, venue from the marker, validation, submit_receipt into the database
    statements = 0

    def count(execute, sql, params, many, context):  # SQL sent through Django's cursors (not BEGIN/COMMIT)
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    t, c = time.perf_counter(), time.process_time()
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    with connection.execute_wrapper(count):
        reports = import_files([(name, data) for name, data in files], event=event, workers=args.workers)["files"]
    statuses = {}
    for report in reports:
        statuses[report["status"]] = statuses.get(report["status"], 0) + 1
        if report["status"] != "accepted":
            raise SystemExit(f"{report['file']}: {report}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = after.ru_utime + after.ru_stime - child.ru_utime - child.ru_stime
    e2e_s, e2e_cpu = time.perf_counter() - t, time.process_time() - c

    # reading alone (our reader + extraction, no database), for the breakdown
    from huiwu.receipts.documents.extract import extract
    from huiwu.receipts.documents.reader import read_document

    t, c = time.perf_counter(), time.process_time()
    for name, data in files:
        extract(read_document(data, name))
    read_s, read_cpu = time.perf_counter() - t, time.process_time() - c

    active = Attendee.objects.filter(event=event, status="active").count()
    receipts = Receipt.objects.filter(venue__event=event).count()
    db = connection.vendor
    print(f"database: {db}; files: {len(files)} ({ROWS} rows each, docx/xlsx alternating); prep {prep:.1f} s")
    print(f"lxml only (zip + XML parse):      {lxml_s:7.2f} s  ({lxml_s / len(files) * 1000:.2f} ms/file)")
    print(f"reader + extraction (no DB):      {read_s:7.2f} s  ({read_s / len(files) * 1000:.2f} ms/file)")
    print(f"end to end import_files into {db}: {e2e_s:7.2f} s  ({e2e_s / len(files) * 1000:.2f} ms/file)")
    print(f"SQL statements per file:          {statements / len(files):7.1f}    (plus BEGIN and COMMIT)")
    print(f"ratio end to end / lxml only:     {e2e_s / lxml_s:7.1f}×   (goal ≤ 4×)")
    print(f"ratio reading / lxml only:        {read_s / lxml_s:7.1f}×")
    print(f"total timed (lxml + end to end):  {lxml_s + e2e_s:7.2f} s  (goal < 10 s)")
    print(f"CPU time: lxml {lxml_cpu:.2f} s, reading {read_cpu:.2f} s, end to end {e2e_cpu:.2f} s in this process "
          f"+ {child_cpu:.2f} s in reading processes (the database server's CPU is not counted)")
    print(f"statuses: {statuses}; receipts: {receipts}; active attendees: {active}; "
          f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
