"""Benchmark: the roster of 90,000 attendees (3,000 venues × 30) to .xlsx, end to end
(`reports.services.export_roster`: query, category labels, safe cells, write-only openpyxl, audit),
against openpyxl write-only writing the same rows alone, in the same run. Goal: ratio ≤ 1.3.

    .venv/bin/python bench/roster.py
    HUIWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiwu_bench_roster .venv/bin/python bench/roster.py
    .venv/bin/python bench/roster.py --venues 300 --repeat 3        # smaller

Every 50th person's unit starts with "=" / "+" / "-" / "@", so the safe-cell path is exercised.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
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

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from huiwu.events.models import Event  # noqa: E402
from huiwu.receipts.models import Attendee  # noqa: E402
from huiwu.reports import roster as rosters  # noqa: E402
from huiwu.reports.services import export_roster  # noqa: E402
from huiwu.venues.models import Venue  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"  # i18n: data
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"  # i18n: data
CATEGORIES = [c for c, _label in Attendee.Category.choices]


def build_event(venues: int, per_venue: int) -> Event:
    from django.utils import timezone

    event = Event.objects.create(slug="bench-roster", title="名单导出基准测试会议",  # i18n: data
                                 starts_at=timezone.now(), ends_at=timezone.now())
    Venue.objects.bulk_create([
        Venue(event=event, kind=Venue.Kind.BRANCH, code=f"{100000 + i:06d}", name=f"第{i}分会场",  # i18n: data
              capacity=per_venue, order=i)
        for i in range(1, venues + 1)
    ], batch_size=1000)
    batch: list[Attendee] = []
    n = 0
    for v in Venue.objects.filter(event=event).only("id"):
        for j in range(per_venue):
            n += 1
            unit = f"省教育厅第{n % 97}处"  # i18n: data
            if n % 50 == 0:
                unit = "=+-@"[n // 50 % 4] + unit
            batch.append(Attendee(event=event, venue_id=v.id, name=SURNAMES[n % 20] + GIVEN[n // 20 % 20] + GIVEN[n % 19],
                                  unit=unit, position="处长" if j % 3 else "副厅长",  # i18n: data
                                  category=CATEGORIES[n % len(CATEGORIES)], phone=f"13{n:09d}", order=j))
            if len(batch) >= 10000:
                Attendee.objects.bulk_create(batch)
                batch = []
    Attendee.objects.bulk_create(batch)
    return event


def openpyxl_alone(headers: list[str], rows: list[tuple]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("roster")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--venues", type=int, default=3000)
    ap.add_argument("--per-venue", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    event = build_event(args.venues, args.per_venue)
    print(f"setup: {Attendee.objects.filter(event=event).count():,} attendees in "
          f"{args.venues:,} venues ({time.perf_counter() - t:.1f} s)")
    roster = rosters.build(event)
    n = len(roster.columns)
    rows = [r[:n] for r in roster.rows]  # the same rows, already fetched, as plain tuples
    headers = roster.headers
    alone, ours = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        a = openpyxl_alone(headers, rows)
        alone.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = export_roster(event, "xlsx", actor_label="bench")
        ours.append(time.perf_counter() - t)
    ma, mo = statistics.median(alone), statistics.median(ours)
    print(f"rows: {len(rows):,}  columns: {n}  sizes: openpyxl alone {len(a):,} B, roster {len(b):,} B")
    print(f"openpyxl write-only, rows in memory: median {ma:.2f} s  ({', '.join(f'{x:.2f}' for x in alone)})")
    print(f"export_roster end to end:           median {mo:.2f} s  ({', '.join(f'{x:.2f}' for x in ours)})")
    print(f"ratio: {mo / ma:.2f}  (goal ≤ 1.30)")


if __name__ == "__main__":
    main()
