"""Attendee categories (参会人员类别) are the event's own: a notice's 参加人员 section names them, for
the main venue and for the branch venues (the 2021 notice: 部委司局负责人… at the main venue,
教育行政部门分管负责人… at the branches). An event keeps them in `Event.attendee_categories`
as ``[{"value": "c1", "label": "…", "venues": "all|main|branch"}]``; a person's category is a
value from that list, or ``other`` (none chosen).

Events made before categories were per event carry the 2021 notice's list, with its old values
(`LEGACY`), so the people already filed keep their categories.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from huiwu.core.text import fold

OTHER = "other"
MAX_CATEGORIES = 30
MAX_LABEL = 60

#: the 2021 notice's categories, with the values people were filed under before they were per event
LEGACY: list[dict[str, str]] = [  # i18n: data
    {"value": "ministry_lead", "label": "部委司局（单位）负责人", "venues": "main"},
    {"value": "association_lead", "label": "协会（学会）负责人", "venues": "main"},
    {"value": "international", "label": "国际组织代表", "venues": "main"},
    {"value": "dept_lead", "label": "教育行政部门分管负责人", "venues": "branch"},
    {"value": "division_lead", "label": "相关处室负责人", "venues": "branch"},
    {"value": "open_university", "label": "开放大学负责人", "venues": "branch"},
    {"value": "community_center", "label": "社区教育指导服务中心负责人", "venues": "branch"},
    {"value": "community_educator", "label": "社区（老年）教育工作者代表", "venues": "branch"},
    {"value": "learning_star", "label": "“百姓学习之星”“终身学习品牌项目”代表", "venues": "branch"},
]


def of(event: Any, venue_kind: str | None = None) -> list[tuple[str, str]]:
    """(value, label) of the event's categories, those for `venue_kind` ("main"/"branch") when given."""
    return [(c["value"], c["label"]) for c in (event.attendee_categories or [])
            if venue_kind is None or c.get("venues", "all") in ("all", venue_kind)]


def labels(event: Any) -> dict[str, str]:
    """value → label, with the old 2021 values and 其他 (what a roster or confirmation prints)."""
    out = {c["value"]: c["label"] for c in LEGACY}
    out.update((c["value"], c["label"]) for c in (event.attendee_categories or []))
    out[OTHER] = str(_("其他"))
    return out


def labeller(event: Any) -> Callable[[str], str]:
    """A person's category as printed (empty for none chosen), the labels read once for a list."""
    names = labels(event)
    return lambda value: "" if value in ("", OTHER) else names.get(value, value)


def label(event: Any, value: str) -> str:
    """One person's category as printed (`labeller` for many)."""
    return labeller(event)(value)


def key(text: Any) -> str:
    """The form a typed category is matched in: NFKC-folded (full-width brackets plain), no spaces,
    no quotes (“相关处室负责人” typed without them)."""
    return re.sub(r"[\s“”\"'‘’「」]", "", fold(text))


def index(event: Any) -> dict[str, str]:
    """Everything a category may be written as (its value, its label, folded) → its value; empty
    when the event has no categories (then whatever is typed counts as none chosen)."""
    if not event.attendee_categories:
        return {}
    out: dict[str, str] = {}
    for c in event.attendee_categories:
        out[c["value"]] = c["value"]
        out[key(c["label"])] = c["value"]
    out[OTHER] = OTHER
    out[key(str(_("其他")))] = OTHER
    return out


def from_lines(main: str, branch: str) -> list[dict[str, str]]:
    """The categories typed one per line for the main venue and for the branch venues (the event
    page's two boxes); a line in both is one category for all venues. Values c1, c2… in order."""
    seen: dict[str, dict[str, str]] = {}
    for venues, text in (("main", main), ("branch", branch)):
        for line in (text or "").splitlines():
            name = re.sub(r"\s+", " ", line).strip(" ;；、,，。")[:MAX_LABEL]  # i18n: data (the separators people type)
            if not name or name == str(_("其他")):
                continue
            if name in seen:
                if seen[name]["venues"] != venues:
                    seen[name]["venues"] = "all"
                continue
            seen[name] = {"label": name, "venues": venues}
    rows = list(seen.values())[:MAX_CATEGORIES]
    return [{"value": f"c{i}", **row} for i, row in enumerate(rows, start=1)]


def to_lines(event: Any, venue_kind: str) -> str:
    """The event's categories for one kind of venue, one per line (the event page's boxes)."""
    return "\n".join(lbl for _v, lbl in of(event, venue_kind))


def renumbered(old: list[dict], new: list[dict]) -> list[dict]:
    """`new` (from `from_lines`) keeping the values of labels that were there before, so the people
    already filed under a category keep it when the list is edited; new labels get fresh values."""
    by_label = {c["label"]: c["value"] for c in old or []}
    taken = set(by_label.values())
    n = 0
    out = []
    for c in new:
        value = by_label.get(c["label"])
        if value is None:
            n += 1
            while f"c{n}" in taken:
                n += 1
            value = f"c{n}"
            taken.add(value)
        out.append({**c, "value": value})
    return out
