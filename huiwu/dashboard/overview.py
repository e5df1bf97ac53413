"""The organizer overview: one row per venue, gathered from every domain in a few grouped queries.

The overview lives above the domains it shows (venues, receipts, and later rehearsals or check-in),
so no domain app imports another to build it. Its table is a list of columns (`COLUMNS`); a new
domain adds its column by appending one `Column` whose `load` fills every row with one grouped
query — the page then costs the same number of queries for 37 and for 3,000 venues.

With 3,000 venues Django's template engine spends ~300 ms resolving ~40,000 variables; the rows
are built here with escaped string joins instead. The page around the table is a template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huiwu.events.models import Event
from huiwu.events.services import closing_time
from huiwu.receipts.models import Receipt, TechContact
from huiwu.receipts.services import shared_people
from huiwu.venues.models import Venue, VenueUnit
from huiwu.venues.services import active_counts


@dataclass(slots=True)
class VenueRow:
    """One line of the organizer overview, as plain values; `extra` holds added columns' values."""

    id: int
    code: str
    kind: str
    name: str
    unit: str
    capacity: int
    approval_status: str
    deadline_extended_to: datetime | None
    updated_at: datetime
    count: int = 0
    tech: str = ""
    filed_version: int | None = None
    filed_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    """What every cell may need besides its row, computed once per page."""

    event: Event
    now: datetime
    tz: Any
    #: translated words used in many cells, looked up once per page
    words: dict[str, str] = field(default_factory=dict)

    def word(self, text: str) -> str:
        """`_(text)`, escaped, looked up once per page (gettext per cell costs 1/3 of 3,000 rows).

        Callers mark the text with gettext_noop so makemessages finds it."""
        found = self.words.get(text)
        if found is None:
            found = self.words[text] = escape(_(text))
        return found

    def choice(self, choices: Any, value: str) -> str:
        """The escaped label of a TextChoices value, the labels translated once per page."""
        key = f"choices:{choices.__qualname__}"
        labels = self.words.get(key)
        if labels is None:
            labels = self.words[key] = {v: escape(str(label)) for v, label in choices.choices}
        return labels.get(value, escape(value))


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the overview table.

    `label` is called at render time (so it is translated); `load(event, rows)` runs once per page
    and should fill `row.extra[key]` (or a row attribute) with one grouped query; `cell(row, ctx)`
    returns the cell's content — a plain str is escaped, a SafeString kept as it is.
    """

    key: str
    label: Callable[[], str]
    cell: Callable[[VenueRow, Context], str]
    load: Callable[[Event, dict[int, VenueRow]], None] | None = None
    css: Callable[[VenueRow], str] | None = None


def base_rows(event: Event) -> dict[int, VenueRow]:
    """The venues themselves, in the official order, as plain values (one query)."""
    return {
        v["id"]: VenueRow(
            id=v["id"], code=v["code"], kind=v["kind"], name=v["name"], unit=v["host_unit__name"] or "",
            capacity=v["capacity"], approval_status=v["approval_status"],
            deadline_extended_to=v["deadline_extended_to"], updated_at=v["updated_at"],
        )
        for v in Venue.objects.filter(event=event).order_by("order", "id").values(
            "id", "code", "kind", "name", "host_unit__name", "capacity", "approval_status",
            "deadline_extended_to", "updated_at",
        )
    }


# -- loaders: one grouped query each ------------------------------------------------------------
def load_counts(event: Event, rows: dict[int, VenueRow]) -> None:
    """Each venue's list, and how many of its people stand on an earlier list too (`extra["shared"]`,
    so the total counts them once); the second query runs only when someone is on two lists."""
    for venue_id, n in active_counts(event).items():
        if venue_id in rows:
            rows[venue_id].count = n
    for venue_id, n in shared_people(event).items():
        if venue_id in rows:
            rows[venue_id].extra["shared"] = n


def load_tech(event: Event, rows: dict[int, VenueRow]) -> None:
    for venue_id, name in TechContact.objects.filter(venue__event=event).values_list("venue_id", "name"):
        if venue_id in rows:
            rows[venue_id].tech = name


def load_receipts(event: Event, rows: dict[int, VenueRow]) -> None:
    """A branch is filed with its first receipt; the main venue only when every unit invited to it
    has filed its own list (one unit's receipt does not file the others', and a unit dropped after
    filing counts for nobody: only units invited now are counted): one query each."""
    invited_now = Q(unit__venue_invitations__venue_id=F("venue_id"))
    receipts = (
        Receipt.objects.filter(venue__event=event).values("venue_id")
        .annotate(v=Max("version"), at=Max("submitted_at"), units=Count("unit_id", distinct=True, filter=invited_now))
        .values_list("venue_id", "v", "at", "units")
    )
    invited = dict(VenueUnit.objects.filter(venue__event=event, venue__kind=Venue.Kind.MAIN).order_by()
                   .values("venue_id").annotate(n=Count("id")).values_list("venue_id", "n"))
    for venue_id, version, at, units in receipts:
        row = rows.get(venue_id)
        if row is None:
            continue
        row.filed_at = at
        if row.kind == Venue.Kind.MAIN and units < invited.get(venue_id, 0):
            row.extra["units_filed"] = (units, invited[venue_id])
            continue
        row.filed_version = version


# -- cells --------------------------------------------------------------------------------------
def is_late(row: VenueRow, now: datetime, deadline: datetime | None) -> bool:
    due = closing_time(deadline, row.deadline_extended_to)
    return row.filed_version is None and due is not None and now > due


def _approval_cell(r: VenueRow, ctx: Context) -> str:
    if r.kind != Venue.Kind.BRANCH:
        return "—"
    ok = r.approval_status == Venue.Approval.APPROVED
    label = ctx.choice(Venue.Approval, r.approval_status)
    return SafeString(f'<span class="{"ok" if ok else "warn"}">{label}</span>')


def _receipt_cell(r: VenueRow, ctx: Context) -> str:
    if "units_filed" in r.extra:  # the main venue: some invited units have not filed yet
        done, of = r.extra["units_filed"]
        return SafeString(f'<span class="warn">{ctx.word(gettext_noop("部分单位已报"))} {done}/{of}</span>')
    if r.filed_version:
        return SafeString(f'<span class="ok">{ctx.word(gettext_noop("已报"))} v{r.filed_version}</span>')
    if is_late(r, ctx.now, ctx.event.registration_deadline):
        return SafeString(f'<span class="bad">{ctx.word(gettext_noop("逾期未报"))}</span>')
    return SafeString(f'<span class="muted">{ctx.word(gettext_noop("未报"))}</span>')


def _tech_cell(r: VenueRow, ctx: Context) -> str:
    if r.tech or r.kind != Venue.Kind.BRANCH:
        return r.tech or "—"
    return SafeString(f'<span class="warn">{ctx.word(gettext_noop("缺视频调试负责人"))}</span>')


def _venue_cell(r: VenueRow, ctx: Context) -> str:
    return SafeString(f'<a href="/manage/{escape(ctx.event.slug)}/venues/{escape(r.code)}/">{escape(r.name)}</a>')


def _changed_cell(r: VenueRow, ctx: Context) -> str:
    changed = max(filter(None, [r.updated_at, r.filed_at]))
    d = changed.astimezone(ctx.tz)
    return f"{d.month}月{d.day}日 {d:%H:%M}"  # i18n: data (the one date style; date_format is 10x slower)


def load_rehearsal(event: Event, rows: dict[int, VenueRow]) -> None:
    """The rehearsal slot, checklist status and latest self-test grade of each branch (three queries)."""
    from huiwu.rehearsals.services import results_by_venue

    for venue_id, res in results_by_venue(event).items():
        if venue_id in rows:
            rows[venue_id].extra["rehearsal"] = res


def _rehearsal_cell(r: VenueRow, ctx: Context) -> str:
    if r.kind != Venue.Kind.BRANCH:
        return "—"
    from django.utils.translation import gettext_noop

    from huiwu.rehearsals.models import Grade, Status

    res = r.extra.get("rehearsal")
    if not res or not res["starts_at"]:
        return SafeString(f'<span class="muted">{ctx.word(gettext_noop("未排时段"))}</span>')
    css = {"passed": "ok", "failed": "bad", "retest": "warn"}.get(res["status"], "muted")
    out = f'{res["starts_at"].astimezone(ctx.tz):%H:%M} <span class="{css}">{ctx.choice(Status, res["status"])}</span>'
    if res["selftest_grade"]:
        gcss = {"good": "ok", "fair": "warn", "poor": "bad"}[res["selftest_grade"]]
        out += f' · {ctx.word(gettext_noop("自测"))}<span class="{gcss}">{ctx.choice(Grade, res["selftest_grade"])}</span>'
    return SafeString(out)


COLUMNS: list[Column] = [
    Column("code", lambda: _("代码"), lambda r, c: r.code),
    Column("venue", lambda: _("会场"), _venue_cell),
    Column("unit", lambda: _("承办单位"), lambda r, c: r.unit, css=lambda r: "wrap"),
    Column("approval", lambda: _("审批"), _approval_cell),
    Column("receipt", lambda: _("回执"), _receipt_cell, load=load_receipts),
    Column("count", lambda: _("人数/上限"), lambda r, c: f"{r.count}/{r.capacity}", load=load_counts,
           css=lambda r: "warn" if r.count >= r.capacity else ""),
    Column("tech", lambda: _("技术联系人"), _tech_cell, load=load_tech),
    Column("rehearsal", lambda: _("视频调试"), _rehearsal_cell, load=load_rehearsal),
    Column("changed", lambda: _("最后变更"), _changed_cell),
]


def overview_rows(event: Event, columns: list[Column] | None = None) -> list[VenueRow]:
    """Every value the overview shows: the venues, then one grouped query per column that needs one."""
    rows = base_rows(event)
    for col in columns if columns is not None else COLUMNS:
        if col.load is not None:
            col.load(event, rows)
    return list(rows.values())


def summarise(rows: list[VenueRow], deadline: datetime | None) -> dict[str, int]:
    """The figures above the table; attendees are people: one person on two lists (allowed by the
    organizer, or filed before the rule) is counted once (see load_counts)."""
    now = timezone.now()
    return {
        "venues": len(rows),
        "filed": sum(1 for r in rows if r.filed_version),
        "attendees": sum(r.count - r.extra.get("shared", 0) for r in rows),
        "approved": sum(1 for r in rows if r.kind == "branch" and r.approval_status == Venue.Approval.APPROVED),
        "late": sum(1 for r in rows if is_late(r, now, deadline)),
    }


def header(columns: list[Column] | None = None) -> SafeString:
    return mark_safe("".join(f"<th>{escape(c.label())}</th>" for c in (columns or COLUMNS)))


def render_rows(rows: list[VenueRow], event: Event, columns: list[Column] | None = None) -> SafeString:
    """The table body; every value is escaped unless a cell returned a SafeString."""
    columns = columns or COLUMNS
    ctx = Context(event=event, now=timezone.now(), tz=timezone.get_current_timezone())
    labels = [escape(c.label()) for c in columns]
    out = []
    for r in rows:
        cells = []
        for col, label in zip(columns, labels, strict=True):
            css = col.css(r) if col.css else ""
            cls = f' class="{escape(css)}"' if css else ""
            value = col.cell(r, ctx)
            cells.append(f'<td data-label="{label}"{cls}>{value if isinstance(value, SafeData) else escape(value)}</td>')
        out.append(f'<tr data-code="{escape(r.code)}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(out))
