"""Benchmark: time to a proven optimal seating plan (most people at 1 m, then the seat preference)
for rooms of 60, 120 and 200 seats, CP-SAT with 2 workers. Goal: proven optimal in < 10 s at 200.

    .venv/bin/python bench/seating.py
    .venv/bin/python bench/seating.py --sizes 60,120,200,500,1000 --repeat 3

Rooms (from `layouts.generate`, seat pitch / row pitch in metres):
- grid:      0.55 / 0.9, a plain lecture room;
- tight:     0.50 / 0.8, where diagonal neighbours conflict too;
- irregular: rows of different lengths (±2 seats), an aisle, jittered seats (±8 cm), a rostrum.
Each room is solved for everyone (people = seats) and for a third of the seats (the preference
solve then decides which seats). Times are wall-clock medians of `solver.solve`, which includes
building the conflict graph and both CP-SAT solves.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")

import django  # noqa: E402

django.setup()

from huiwu.seating.layouts import clean_layout, generate, seats  # noqa: E402
from huiwu.seating.solver import solve  # noqa: E402


def room(kind: str, n: int, rng: random.Random) -> dict:
    per = 10 if n <= 60 else 12 if n <= 120 else 20 if n <= 500 else 40
    rows = max(1, round(n / per))
    if kind == "grid":
        lengths = [per] * rows
        lengths[-1] += n - sum(lengths)
        return generate(rows=lengths, seat_pitch=0.55, row_pitch=0.9)
    if kind == "tight":
        lengths = [per] * rows
        lengths[-1] += n - sum(lengths)
        return generate(rows=lengths, seat_pitch=0.5, row_pitch=0.8)
    lengths = [per + rng.randint(-2, 2) for _ in range(rows)]
    lengths[-1] += n - sum(lengths)
    data = generate(rows=lengths, seat_pitch=0.55, row_pitch=0.9, aisles=[per // 2], rostrum_seats=5)
    for r in data["rows"]:
        for s in r["seats"]:
            s["x"] = round(s["x"] + rng.uniform(-0.08, 0.08), 3)
    return clean_layout(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="60,120,200")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--distance", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    rng = random.Random(12)
    print(f"{'room':<10} {'seats':>6} {'people':>6} {'seated':>6} {'optimal':>7} {'median s':>9} {'max s':>7}")
    for n in [int(x) for x in args.sizes.split(",")]:
        for kind in ("grid", "tight", "irregular"):
            ss = seats(room(kind, n, rng))
            for people in (len(ss), len(ss) // 3):
                times, result = [], None
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    result = solve(ss, args.distance, people, workers=args.workers, time_limit=60)
                    times.append(time.perf_counter() - t)
                print(f"{kind:<10} {len(ss):>6} {people:>6} {len(result.chosen):>6} {str(result.optimal):>7} "
                      f"{statistics.median(times):>9.2f} {max(times):>7.2f}   {result.method}")


if __name__ == "__main__":
    main()
