"""The solver: property tests on random rooms against a brute-force optimum, and protocol order."""

from __future__ import annotations

import itertools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiwu.seating.layouts import Seat, clean_layout, generate, seats
from huiwu.seating.solver import conflicts, protocol_order, solve


@st.composite
def rooms(draw):
    """Up to 14 seats in up to 4 rows, uneven pitches and jittered positions."""
    n_rows = draw(st.integers(1, 4))
    rows, y = [], 0.0
    total = 0
    for r in range(n_rows):
        n = draw(st.integers(1, max(1, min(6, 14 - total))))
        total += n
        xs = sorted(set(round(v, 2) for v in draw(st.lists(st.floats(-3, 3), min_size=n, max_size=n))))
        rows.append({"label": str(r + 1), "y": round(y, 2), "seats": [{"label": str(i + 1), "x": x} for i, x in enumerate(xs)]})
        y += draw(st.floats(0.3, 1.5))
        if total >= 14:
            break
    return clean_layout({"name": "", "rows": rows})


def brute_force(ss: list[Seat], d: float) -> int:
    bad = set(conflicts(ss, d))
    for k in range(len(ss), 0, -1):
        for combo in itertools.combinations(range(len(ss)), k):
            if not any((a, b) in bad for a, b in itertools.combinations(combo, 2)):
                return k
    return 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(room=rooms(), d=st.floats(0.3, 2.5), people=st.integers(0, 16))
def test_random_rooms(room, d, people):
    ss = seats(room)
    sol = solve(ss, d, people, time_limit=10)
    chosen = sol.chosen
    assert len(set(chosen)) == len(chosen)
    assert len(chosen) <= people and len(chosen) <= len(ss)
    for a, b in itertools.combinations(chosen, 2):
        assert math.dist((ss[a].x, ss[a].y), (ss[b].x, ss[b].y)) >= d - 1e-9
    assert sol.optimal
    assert len(chosen) == min(people, brute_force(ss, d))
    order = protocol_order(ss, chosen, "gov")
    assert sorted(order) == sorted(chosen)


def _row(n: int, rostrum: bool) -> list[Seat]:
    return [Seat(i, 0, "R", str(i + 1), float(i), 0.0, rostrum) for i in range(n)]


def test_protocol_odd_and_even_audience_row():
    # audience row, gov: centre, then the seated person's left (smaller x), then right
    row = _row(5, False)
    assert [row[i].x for i in protocol_order(row, list(range(5)), "gov")] == [2, 1, 3, 0, 4]
    assert [row[i].x for i in protocol_order(row, list(range(5)), "intl")] == [2, 3, 1, 4, 0]
    row = _row(4, False)
    # even: No. 1 and No. 2 share the centre, No. 1 on the left
    assert [row[i].x for i in protocol_order(row, list(range(4)), "gov")] == [1, 2, 0, 3]


def test_protocol_rostrum_faces_the_audience():
    # the rostrum's left is the audience's right (larger x)
    row = _row(5, True)
    assert [row[i].x for i in protocol_order(row, list(range(5)), "gov")] == [2, 3, 1, 4, 0]
    row = _row(6, True)
    assert [row[i].x for i in protocol_order(row, list(range(6)), "gov")] == [3, 2, 4, 1, 5, 0]


def test_fewer_people_fill_the_front_and_centre():
    ss = seats(generate(rows=[9, 9, 9, 9], seat_pitch=0.6, row_pitch=1.0))
    sol = solve(ss, 1.0, 5)
    assert sol.optimal and len(sol.chosen) == 5
    assert {ss[i].row for i in sol.chosen} == {"1"}
    ranked = protocol_order(ss, sol.chosen, "gov")
    assert ss[ranked[0]].x == 0.0  # No. 1 in the centre of row 1


def test_rostrum_first():
    ss = seats(generate(rows=[8, 8], seat_pitch=0.6, row_pitch=1.0, rostrum_seats=3, rostrum_gap=3))
    sol = solve(ss, 1.0, 4)
    ranked = protocol_order(ss, sol.chosen, "gov")
    assert [ss[i].rostrum for i in ranked] == [True, True, True, False]
    assert ss[ranked[0]].x == 0.0


def test_large_room_is_proven():
    ss = seats(generate(rows=[20] * 10, seat_pitch=0.55, row_pitch=0.9))
    sol = solve(ss, 1.0, 200, time_limit=30)
    assert sol.optimal and len(sol.chosen) == 100


def test_heuristic_beyond_size_limit_is_stated():
    ss = seats(generate(rows=[10] * 3, seat_pitch=0.6, row_pitch=1.0))
    sol = solve(ss, 1.0, 30, size_limit=10)
    assert not sol.optimal and "greedy" in sol.method
    for a, b in itertools.combinations(sol.chosen, 2):
        assert math.dist((ss[a].x, ss[a].y), (ss[b].x, ss[b].y)) >= 1 - 1e-9
