"""The room drawn as SVG for the pages: front (and rostrum) at the top, audience-left on the left."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .services import seat_label

#: pixels per metre
PX = 60
SEAT = 0.46  # drawn seat size in metres


def _all_seats(layout: dict) -> list[dict]:
    out = []
    if layout.get("rostrum"):
        for s in layout["rostrum"]["seats"]:
            out.append({"row": layout["rostrum"]["label"], "seat": s["label"], "x": s["x"], "y": layout["rostrum"]["y"],
                        "rostrum": True, "off": bool(s.get("off"))})
    for r in layout.get("rows", []):
        for s in r["seats"]:
            out.append({"row": r["label"], "seat": s["label"], "x": s["x"], "y": r["y"], "rostrum": False,
                        "off": bool(s.get("off"))})
    return out


def room_svg(seats: list[dict], *, names: dict[int, str] | None = None, editable: bool = False,
             ranks: dict[int, int] | None = None) -> SafeString:
    """Seats as boxes; with `names`, occupied seats carry the name; with `editable`, each seat is
    a button (the editor's JS toggles it)."""
    if not seats:
        return mark_safe("")
    names = names or {}
    ranks = ranks or {}
    xs = [s["x"] for s in seats]
    ys = [s["y"] for s in seats]
    pad = 0.8
    min_x, max_x = min(xs) - pad, max(xs) + pad
    min_y, max_y = min(ys) - pad - 0.6, max(ys) + pad
    w, h = (max_x - min_x) * PX, (max_y - min_y) * PX
    rows_seen: set[tuple[str, bool]] = set()
    parts = []
    front = format_html(
        '<rect x="0" y="0" width="{}" height="{}" class="front"/><text x="{}" y="{}" class="front-label">{}</text>',
        f"{w:.0f}", f"{0.45 * PX:.0f}", f"{w / 2:.0f}", f"{0.32 * PX:.0f}", _("前方（主席台方向）"))
    parts.append(front)
    for s in seats:
        cx, cy = (s["x"] - min_x) * PX, (s["y"] - min_y) * PX
        key = (s["row"], s.get("rostrum", False))
        if key not in rows_seen:
            rows_seen.add(key)
            label = _("主席台") if s.get("rostrum") else _("%(row)s排") % {"row": s["row"]}
            parts.append(format_html('<text x="4" y="{}" class="row-label">{}</text>', f"{cy + 4:.0f}", label))
        pk = s.get("attendee")
        name = names.get(pk, "") if pk is not None else ""
        cls = ["seat"]
        if s.get("rostrum"):
            cls.append("rostrum")
        if s.get("off"):
            cls.append("off")
        if name:
            cls.append("taken")
        title = seat_label(s["row"], s["seat"], s.get("rostrum", False))
        if name:
            title = f"{title} {name}"
        size = SEAT * PX
        attrs = format_html(
            'class="{}" data-row="{}" data-seat="{}" data-rostrum="{}"{}', " ".join(cls), s["row"], s["seat"],
            "1" if s.get("rostrum") else "0",
            format_html(' tabindex="0" role="button" aria-pressed="{}"', "false" if s.get("off") else "true")
            if editable else "")
        text = name[:4] if name else str(s["seat"])
        parts.append(format_html(
            '<g {}><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4"/>'
            '<text x="{}" y="{}" class="{}">{}</text>{}</g>',
            attrs, title, f"{cx - size / 2:.1f}", f"{cy - size / 2:.1f}", f"{size:.1f}", f"{size:.1f}",
            f"{cx:.1f}", f"{cy + 4:.1f}", "name" if name else "num", text,
            format_html('<text x="{}" y="{}" class="rank">{}</text>', f"{cx + size / 2 - 2:.1f}",
                        f"{cy - size / 2 + 9:.1f}", ranks[pk]) if pk in ranks else ""))
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg class="room" viewBox="0 0 {} {}" width="{}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        f"{w:.0f}", f"{h:.0f}", f"{w:.0f}", _("会议室座位图"), body)


def layout_svg(layout: dict, *, editable: bool = False) -> SafeString:
    return room_svg(_all_seats(layout), editable=editable)
