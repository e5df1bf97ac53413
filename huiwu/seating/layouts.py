"""Room layouts: the generator, PRODUCT.md's layout JSON and pretix seating plans, checked with limits.

A layout is `{"name", "rows": [{"label", "y", "seats": [{"label", "x", "off"?}]}], "rostrum": row | null}`
in metres as seen by the audience facing the front: rows front to back (y grows backwards), `x`
grows to the audience's right. The rostrum (主席台) is one row in front of the first row, facing
the audience. A seat with `"off": true` is removed (an aisle, a pillar) but kept so the editor
can restore it. Everything from outside goes through `safety.read_json` (size, nesting, count)
and then through `clean_layout`, which refuses what is not a room.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from huiwu.core.errors import Invalid
from huiwu.core.files import safety

#: a 3,000-seat hall is the largest room a venue of ours has; a bit more room than that
MAX_SEATS = 5000
MAX_ROWS = 200
MAX_SEATS_PER_ROW = 500
MAX_LABEL = 12
#: metres: a room larger than this is a mistake in units (centimetres, pixels)
MAX_EXTENT = 500.0
LAYOUT_LIMITS = safety.JSON.but(max_bytes=1024 * 1024, max_depth=10, max_items=60_000)


@dataclass(frozen=True)
class Seat:
    """One usable seat, flattened out of a layout; `index` is its place in `seats()`."""

    index: int
    row_index: int  # 0 is the rostrum when there is one, else the first row
    row: str
    seat: str
    x: float
    y: float
    rostrum: bool = False


def _num(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Invalid(_("%(what)s必须是以米为单位的数字。") % {"what": what})
    if abs(value) > MAX_EXTENT:
        raise Invalid(_("%(what)s为 %(v)s 米，超出会议室的合理范围（%(max)d 米）。请确认单位是米。")
                      % {"what": what, "v": value, "max": int(MAX_EXTENT)})
    return float(value)


def _label(value: Any, default: str, what: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid(_("%(what)s的编号必须是文字或数字。") % {"what": what})
    text = str(value).strip()
    if len(text) > MAX_LABEL:
        raise Invalid(_("%(what)s的编号“%(v)s”太长（最多 %(n)d 个字）。") % {"what": what, "v": text[:20], "n": MAX_LABEL})
    return text


def _clean_row(row: Any, i: int, what: str) -> dict:
    if not isinstance(row, dict):
        raise Invalid(_("%(what)s应为对象：{\"label\", \"y\", \"seats\"}。") % {"what": what})
    label = _label(row.get("label"), str(i + 1), what)
    y = _num(row.get("y"), _("%(what)s的 y") % {"what": what})
    seats = row.get("seats")
    if not isinstance(seats, list) or not seats:
        raise Invalid(_("%(what)s没有座位（seats 应为非空列表）。") % {"what": what})
    if len(seats) > MAX_SEATS_PER_ROW:
        raise Invalid(_("%(what)s有 %(n)d 个座位，超过上限 %(max)d。") % {"what": what, "n": len(seats), "max": MAX_SEATS_PER_ROW})
    out, labels = [], set()
    for j, seat in enumerate(seats):
        where = _("%(what)s第 %(n)d 个座位") % {"what": what, "n": j + 1}
        if not isinstance(seat, dict):
            raise Invalid(_("%(where)s应为对象：{\"label\", \"x\"}。") % {"where": where})
        s = {"label": _label(seat.get("label"), str(j + 1), where), "x": _num(seat.get("x"), where + " x")}
        if s["label"] in labels:
            raise Invalid(_("%(what)s的座位编号“%(label)s”重复。") % {"what": what, "label": s["label"]})
        labels.add(s["label"])
        if seat.get("off"):
            s["off"] = True
        out.append(s)
    out.sort(key=lambda s: s["x"])
    return {"label": label, "y": y, "seats": out}


def clean_layout(data: Any) -> dict:
    """A layout checked and normalised (seats sorted by x), or Invalid with what to fix."""
    if not isinstance(data, dict):
        raise Invalid(_("布局应为 JSON 对象：{\"name\", \"rows\": [...]}。"))
    name = data.get("name") or ""
    if not isinstance(name, str) or len(name) > 100:
        raise Invalid(_("布局名称应为不超过 100 字的文字。"))
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        raise Invalid(_("布局没有座位排（rows 应为非空列表）。"))
    if len(rows) > MAX_ROWS:
        raise Invalid(_("布局有 %(n)d 排，超过上限 %(max)d 排。") % {"n": len(rows), "max": MAX_ROWS})
    clean_rows = [_clean_row(r, i, _("第 %(n)d 排") % {"n": i + 1}) for i, r in enumerate(rows)]
    labels = [r["label"] for r in clean_rows]
    if len(set(labels)) != len(labels):
        raise Invalid(_("布局中排号重复。每排的 label 应各不相同。"))
    for a, b in zip(clean_rows, clean_rows[1:], strict=False):
        if b["y"] < a["y"]:
            raise Invalid(_("第 %(b)s 排的 y 小于第 %(a)s 排：rows 应从前往后排列，y 向后增大。")
                          % {"a": a["label"], "b": b["label"]})
    rostrum = data.get("rostrum")
    clean_rostrum = None
    if rostrum:
        clean_rostrum = _clean_row(rostrum, 0, _("主席台"))
        clean_rostrum["label"] = _label(rostrum.get("label"), _("主席台"), _("主席台"))
        if clean_rostrum["y"] >= clean_rows[0]["y"]:
            raise Invalid(_("主席台应在第一排之前（y 小于第一排的 y）。"))
    total = sum(len(r["seats"]) for r in clean_rows) + (len(clean_rostrum["seats"]) if clean_rostrum else 0)
    if total > MAX_SEATS:
        raise Invalid(_("布局有 %(n)d 个座位，超过上限 %(max)d。") % {"n": total, "max": MAX_SEATS})
    return {"name": name.strip(), "rows": clean_rows, "rostrum": clean_rostrum}


def seats(layout: dict) -> list[Seat]:
    """The usable seats of a layout: the rostrum's first, then row by row front to back, left to right."""
    out: list[Seat] = []
    rows = ([(layout["rostrum"], True)] if layout.get("rostrum") else []) + [(r, False) for r in layout["rows"]]
    for ri, (row, is_rostrum) in enumerate(rows):
        for s in row["seats"]:
            if not s.get("off"):
                out.append(Seat(len(out), ri, row["label"], s["label"], s["x"], row["y"], is_rostrum))
    return out


def generate(*, rows: int | list[int], seat_pitch: float = 0.6, row_pitch: float = 1.0,
             aisles: list[int] | None = None, rostrum_seats: int = 0, rostrum_gap: float = 3.0,
             rostrum_pitch: float = 1.2,
             name: str = "") -> dict:
    """A rectangular room: `rows` × seats (an int per row for rows of different lengths, centred),
    seats numbered 1… from the audience's left; `aisles` are seat numbers removed in every row;
    an optional rostrum of `rostrum_seats` seats `rostrum_pitch` apart (a table each), `rostrum_gap`
    metres before the first row."""
    lengths = rows if isinstance(rows, list) else [10] * int(rows)
    if not lengths or len(lengths) > MAX_ROWS:
        raise Invalid(_("排数应在 1 到 %(max)d 之间。") % {"max": MAX_ROWS})
    if any(not isinstance(n, int) or n < 1 or n > MAX_SEATS_PER_ROW for n in lengths):
        raise Invalid(_("每排座位数应在 1 到 %(max)d 之间。") % {"max": MAX_SEATS_PER_ROW})
    if not (0.2 <= seat_pitch <= 5) or not (0.3 <= row_pitch <= 10):
        raise Invalid(_("座位间距应在 0.2–5 米之间，排距应在 0.3–10 米之间。"))
    off = set(aisles or [])
    widest = max(lengths)
    out_rows = []
    for i, n in enumerate(lengths):
        start = -(n - 1) * seat_pitch / 2
        seats_ = [{"label": str(j + 1), "x": round(start + j * seat_pitch, 3)} for j in range(n)]
        for s in seats_:
            if int(s["label"]) in off:
                s["off"] = True
        out_rows.append({"label": str(i + 1), "y": round(i * row_pitch, 3), "seats": seats_})
    rostrum = None
    if rostrum_seats:
        if rostrum_seats > min(widest * 2, MAX_SEATS_PER_ROW):
            raise Invalid(_("主席台座位数过多。"))
        if not (0.4 <= rostrum_pitch <= 5) or not (0.5 <= rostrum_gap <= 30):
            raise Invalid(_("主席台座位间距应在 0.4–5 米之间，与第一排的距离应在 0.5–30 米之间。"))
        start = -(rostrum_seats - 1) * rostrum_pitch / 2
        rostrum = {"label": _("主席台"), "y": -round(rostrum_gap, 3), "seats": [
            {"label": str(j + 1), "x": round(start + j * rostrum_pitch, 3)} for j in range(rostrum_seats)]}
    return clean_layout({"name": name, "rows": out_rows, "rostrum": rostrum})


def parse_layout_json(data: bytes, *, scale: float | None = None) -> dict:
    """A layout from uploaded bytes: PRODUCT.md's format, or a pretix seating plan (has "zones")."""
    try:
        value = safety.read_json(data, LAYOUT_LIMITS)
    except safety.UnsafeFile as exc:
        raise Invalid(str(exc)) from exc
    if isinstance(value, dict) and "zones" in value and "rows" not in value:
        return from_pretix(value, scale=scale)
    return clean_layout(value)


def from_pretix(plan: dict, *, scale: float | None = None) -> dict:
    """A pretix seating plan (zones → rows → seats, positions in the plan's own units, y down)
    as a layout in metres. pretix positions have no unit: `scale` is metres per unit; without it
    the smallest distance between neighbouring seats of a row is taken as 0.55 m."""
    zones = plan.get("zones")
    if not isinstance(zones, list) or not zones:
        raise Invalid(_("pretix 座位图没有区域（zones）。"))
    raw: list[tuple[str, float, list[tuple[str, float]]]] = []
    for z in zones[:MAX_ROWS]:
        if not isinstance(z, dict):
            raise Invalid(_("pretix 座位图的区域格式有误。"))
        zp = z.get("position") or {}
        zx, zy = _pos(zp)
        zone_name = str(z.get("name") or "")[:20]
        for r in (z.get("rows") or [])[: MAX_ROWS + 1]:
            if not isinstance(r, dict):
                raise Invalid(_("pretix 座位图的排格式有误。"))
            rx, ry = _pos(r.get("position") or {})
            label = str(r.get("row_label") or r.get("row_number") or "")
            if zone_name and len(zones) > 1:
                label = f"{zone_name}{label}"
            seats_ = []
            for s in (r.get("seats") or [])[: MAX_SEATS_PER_ROW + 1]:
                if not isinstance(s, dict):
                    raise Invalid(_("pretix 座位图的座位格式有误。"))
                sx, sy = _pos(s.get("position") or {})
                seats_.append((str(s.get("seat_label") or s.get("seat_number") or ""), zx + rx + sx, zy + ry + sy))
            if seats_:
                y = sum(s[2] for s in seats_) / len(seats_)
                raw.append((label, y, [(s[0], s[1]) for s in seats_]))
    if not raw:
        raise Invalid(_("pretix 座位图中没有座位。"))
    if scale is None:
        gaps = [b[1] - a[1] for _l, _y, ss in raw for a, b in zip(sorted(ss, key=lambda s: s[1]),
                                                                   sorted(ss, key=lambda s: s[1])[1:], strict=False)
                if b[1] - a[1] > 1e-9]
        scale = 0.55 / min(gaps) if gaps else 0.02
    if not (0 < scale < 100):
        raise Invalid(_("比例（米/单位）应大于 0。"))
    raw.sort(key=lambda r: r[1])
    y0 = raw[0][1]
    xs = [x for _l, _y, ss in raw for _s, x in ss]
    xc = (min(xs) + max(xs)) / 2
    rows = [{"label": label or str(i + 1), "y": round((y - y0) * scale, 3),
             "seats": [{"label": s or str(j + 1), "x": round((x - xc) * scale, 3)} for j, (s, x) in enumerate(ss)]}
            for i, (label, y, ss) in enumerate(raw)]
    return clean_layout({"name": str(plan.get("name") or "")[:100], "rows": rows})


def _pos(p: Any) -> tuple[float, float]:
    if not isinstance(p, dict):
        raise Invalid(_("pretix 座位图的 position 应为 {\"x\", \"y\"}。"))
    x, y = p.get("x", 0), p.get("y", 0)
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or abs(v) > 1e6:
            raise Invalid(_("pretix 座位图的坐标应为数字。"))
    return float(x), float(y)
