"""Distanced seating: the most people a room holds at a minimum distance, proven with CP-SAT.

Two seats conflict when their centres are closer than the minimum distance. Seating as many
people as possible is a maximum independent set of that conflict graph (Blom, Pendavingh &
Spieksma; Contardo & Costa), solved exactly by OR-Tools' CP-SAT:

1. maximise the number of occupied seats, capped at the number of people (at the cap the
   optimum is trivially proven); `optimal` is true only when CP-SAT proves it;
2. with that count fixed, maximise a seat weight that prefers the rostrum, then front rows, then
   the centre of each row (a second, time-limited solve: the count stays proven even when the
   preference is only the best found);
3. people in precedence order take the chosen seats in protocol order (`protocol_order`).

Beyond SIZE_LIMIT seats, or when CP-SAT finds no proof in its time, the answer is stated as a
heuristic (greedy in seat-weight order, or CP-SAT's best found) with `optimal` false.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from .layouts import Seat

#: above this many seats the exact model is not attempted (a 5,000-seat hall at 1 m still is)
SIZE_LIMIT = 6000
EPS = 1e-9


@dataclass
class Solution:
    chosen: list[int]  # seat indices
    max_count: int  # the most seats usable at this distance (== len(chosen) unless capped by people)
    optimal: bool
    method: str
    seconds: float


def conflicts(seats: list[Seat], d: float) -> list[tuple[int, int]]:
    """Pairs of seats closer than `d` (centre to centre), found through a grid of d-sized cells."""
    if d <= 0:
        return []
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for s in seats:
        cells[(math.floor(s.x / d), math.floor(s.y / d))].append(s.index)
    out = []
    dd = d * d - EPS
    for (cx, cy), members in cells.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                other = cells.get((cx + dx, cy + dy))
                if not other:
                    continue
                for i in members:
                    a = seats[i]
                    for j in other:
                        if j <= i:
                            continue
                        b = seats[j]
                        if (a.x - b.x) ** 2 + (a.y - b.y) ** 2 < dd:
                            out.append((i, j))
    return out


def _row_cliques(seats: list[Seat], d: float) -> list[list[int]]:
    """Maximal runs of seats of one row within less than `d` of each other: at most one of each."""
    by_row: dict[tuple[int, float], list[Seat]] = defaultdict(list)
    for s in seats:
        by_row[(s.row_index, s.y)].append(s)
    out = []
    for row in by_row.values():
        row.sort(key=lambda s: s.x)
        last = 0
        j = 0
        for i in range(len(row)):
            j = max(j, i)
            while j + 1 < len(row) and row[j + 1].x - row[i].x < d - EPS:
                j += 1
            if j > i and j > last:  # not inside the previous run
                out.append([s.index for s in row[i:j + 1]])
                last = j
    return out


def seat_weights(seats: list[Seat]) -> list[int]:
    """Higher for better seats: rostrum, then front rows, then nearer the row's centre."""
    if not seats:
        return []
    rows = defaultdict(list)
    for s in seats:
        rows[s.row_index].append(s)
    width = max(len(r) for r in rows.values()) + 1
    n_rows = max(rows) + 1
    weights = [0] * len(seats)
    for ri, row in rows.items():
        centre = (min(s.x for s in row) + max(s.x for s in row)) / 2
        by_centre = sorted(row, key=lambda s: (abs(s.x - centre), s.x))
        for rank, s in enumerate(by_centre):
            weights[s.index] = (n_rows - ri) * width + (width - 1 - rank)
    return weights


def greedy(seats: list[Seat], pairs: list[tuple[int, int]], want: int, weights: list[int]) -> list[int]:
    """Best seats first, skipping any too close to one taken: a heuristic, not a proof."""
    near = defaultdict(list)
    for i, j in pairs:
        near[i].append(j)
        near[j].append(i)
    blocked, chosen = set(), []
    for i in sorted(range(len(seats)), key=lambda i: (-weights[i], i)):
        if len(chosen) >= want:
            break
        if i not in blocked:
            chosen.append(i)
            blocked.update(near[i])
    return chosen


def solve(seats: list[Seat], min_distance: float, people: int, *, time_limit: float = 20.0,
          workers: int = 2, size_limit: int = SIZE_LIMIT) -> Solution:
    """Choose at most `people` seats, no two closer than `min_distance`, as many as possible."""
    started = time.perf_counter()
    want = min(people, len(seats))
    weights = seat_weights(seats)
    pairs = conflicts(seats, min_distance)
    if want <= 0:
        return Solution([], 0, True, "trivial", 0.0)
    if not pairs:
        chosen = sorted(range(len(seats)), key=lambda i: -weights[i])[:want]
        return Solution(chosen, len(seats), True, "no-conflicts", time.perf_counter() - started)
    if len(seats) > size_limit:
        chosen = greedy(seats, pairs, want, weights)
        return Solution(chosen, len(chosen), False,
                        f"greedy (>{size_limit} seats: no proof attempted)", time.perf_counter() - started)
    from ortools.sat.python import cp_model

    def model(count: int | None):
        m = cp_model.CpModel()
        x = [m.NewBoolVar(f"s{i}") for i in range(len(seats))]
        in_clique = set()
        for clique in _row_cliques(seats, min_distance):
            m.AddAtMostOne(x[i] for i in clique)
            for a in clique:
                for b in clique:
                    if a < b:
                        in_clique.add((a, b))
        for i, j in pairs:
            if (i, j) not in in_clique:
                m.AddBoolOr([x[i].Not(), x[j].Not()])
        if count is None:
            m.Add(sum(x) <= want)
        else:
            m.Add(sum(x) == count)
        return m, x

    def solver(limit: float) -> cp_model.CpSolver:
        s = cp_model.CpSolver()
        s.parameters.max_time_in_seconds = max(0.1, limit)
        s.parameters.num_workers = workers
        if workers <= 2:
            # CP-SAT's default 2-worker portfolio has no LP worker and fails to prove even a
            # 120-seat grid in 20 s; the LP relaxation (max_lp) proves it in milliseconds
            s.parameters.subsolvers.extend(["max_lp", "core"][:workers])
            s.parameters.linearization_level = 2
        s.parameters.random_seed = 7
        return s

    # 1. the most people (proven, or the best found within the time)
    m1, x1 = model(None)
    m1.Maximize(sum(x1))
    start = greedy(seats, pairs, want, weights)
    for i in start:
        m1.AddHint(x1[i], 1)
    s1 = solver(time_limit)
    st1 = s1.Solve(m1)
    if st1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(start, len(start), False, "greedy (CP-SAT found nothing in time)",
                        time.perf_counter() - started)
    found = [i for i in range(len(seats)) if s1.Value(x1[i])]
    if len(start) > len(found):
        found = start
    optimal = st1 == cp_model.OPTIMAL
    count = len(found)
    method = f"cp-sat count {'optimal' if optimal else 'feasible'} in {s1.WallTime():.2f}s"
    # 2. the best seats among plans with that many people
    remaining = time_limit - (time.perf_counter() - started)
    chosen = found
    if remaining > 0.2:
        m2, x2 = model(count)
        m2.Maximize(sum(weights[i] * x2[i] for i in range(len(seats))))
        for i in found:
            m2.AddHint(x2[i], 1)
        s2 = solver(min(remaining, max(2.0, time_limit / 4)))
        st2 = s2.Solve(m2)
        if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            better = [i for i in range(len(seats)) if s2.Value(x2[i])]
            if sum(weights[i] for i in better) >= sum(weights[i] for i in found):
                chosen = better
            method += f"; seat preference {'optimal' if st2 == cp_model.OPTIMAL else 'best found'}"
    return Solution(chosen, count, optimal, method, time.perf_counter() - started)


def max_capacity(seats: list[Seat], min_distance: float, *, time_limit: float = 20.0,
                 workers: int = 2) -> Solution:
    """The most seats usable at `min_distance` (as if everyone were coming)."""
    return solve(seats, min_distance, len(seats), time_limit=time_limit, workers=workers)


def protocol_order(seats: list[Seat], chosen: list[int], mode: str) -> list[int]:
    """The chosen seats from first to last in rank: rostrum, then rows front to back; within a
    row from the centre outwards, alternating sides, the mode's side first.

    `gov` (以左为上): the seated person's left first; `intl`: the right first. The audience faces
    the front, so their left is smaller x; the rostrum faces the audience, so its left is larger
    x. Odd count: No. 1 in the centre, No. 2 on No. 1's preferred side, No. 3 on the other,
    alternating; even count: No. 1 and No. 2 share the centre, No. 1 on the preferred side.
    """
    rows: dict[int, list[Seat]] = defaultdict(list)
    for i in chosen:
        rows[seats[i].row_index].append(seats[i])
    out: list[int] = []
    for ri in sorted(rows):
        row = sorted(rows[ri], key=lambda s: s.x)
        # order from the preferred side: smaller x is the audience's left, the rostrum's right
        left_is_small_x = not row[0].rostrum
        prefer_small = left_is_small_x if mode == "gov" else not left_is_small_x
        mid = (len(row) - 1) / 2
        ranked = sorted(range(len(row)),
                        key=lambda k: (abs(k - mid), 0 if (k < mid) == prefer_small else 1))
        out.extend(row[k].index for k in ranked)
    return out
