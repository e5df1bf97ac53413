"""How fast the notice parser reads notices (run by hand: .venv/bin/python bench/notice_parse.py).

Parses the seed and every notice under huiwu/notices/tests/notices/ N times and prints the
mean time per notice, and the field accuracy against the expected JSON files."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")

import django  # noqa: E402

django.setup()

from huiwu.notices.parser import FIELD_PATHS, get_path, parse  # noqa: E402
from huiwu.notices.reading import read_notice_file  # noqa: E402

N = int(os.environ.get("N", "20"))
fixtures = sorted((ROOT / "huiwu/notices/tests/notices").glob("*.json"))
texts = [read_notice_file(f.with_suffix(".txt")) for f in fixtures]
seed = ROOT / ".." / "shared" / "seed" / "000_6c7442209d79a2e8.txt"
if seed.exists():
    texts.append(seed.read_text(encoding="utf-8"))
parse(texts[0])  # warm up OpenCC's dictionaries
start = time.perf_counter()
for _ in range(N):
    for t in texts:
        parse(t)
per = (time.perf_counter() - start) / (N * len(texts))
ok = total = 0
for f, t in zip(fixtures, texts, strict=False):
    expected, got = json.loads(f.read_text(encoding="utf-8")), parse(t)
    for p in FIELD_PATHS:
        total += 1
        ok += get_path(expected, p) == get_path(got, p)
print(f"{len(texts)} notices x {N}: {per * 1000:.1f} ms per notice; fields exact {ok}/{total}")
