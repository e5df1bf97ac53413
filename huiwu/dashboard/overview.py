"""The organizer overview: one row per venue, gathered from every domain in a few grouped queries.

The overview lives above the domains it shows (venues, receipts, and later rehearsals or check-in),
so no domain app imports another to build it. Its table is a list of columns (`COLUMNS`); a new
domain adds its column by appending one `Column`: values of the venue's own one-to-one rows (its
technical contact, its rehearsal slot) or a per-venue subquery (its latest self-test) come as
`fields` of the one venues query; counts over many rows come from a `load` with one grouped query.
The page then costs the same number of queries for 37 and for 3,000 venues.

With 3,000 venues Django's template engine spends ~300 ms resolving ~40,000 variables; the rows
are built here with escaped string joins instead. The page around the table is a template. The
rehearsal column, first loaded as model objects in three queries (571 ms and 15 queries at 3,000
venues), reads three fields of the venues query now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import datetime
from html import escape
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huiwu.events.models import Event
from huiwu.events.services import closing_time
from huiwu.receipts.services import filing_states, shared_people
from huiwu.rehearsals.models import Grade, SelfTest, Status
from huiwu.venues.models import Venue
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
    #: escaped labels of TextChoices classes, by class
    labels: dict[Any, dict[str, str]] = field(default_factory=dict)
    #: the event's slug, escaped, for links
    slug: str = ""

    def word(self, text: str) -> str:
        """`_(text)`, escaped, looked up once per page (gettext per cell costs 1/3 of 3,000 rows).

        Callers mark the text with gettext_noop so makemessages finds it."""
        found = self.words.get(text)
        if found is None:
            found = self.words[text] = escape(_(text))
        return found

    def choice(self, choices: Any, value: str) -> str:
        """The escaped label of a TextChoices value, the labels translated once per page."""
        labels = self.labels.get(choices)
        if labels is None:
            labels = self.labels[choices] = {v: escape(str(label)) for v, label in choices.choices}
        return labels.get(value) or escape(value)


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the overview table.

    `label` is called at render time (so it is translated); `fields()` gives values the venues
    query reads with every venue (`{name: expression}`: a field of a one-to-one row such as
    `F("tech_contact__name")`, or a per-venue `Subquery`): each lands on the row attribute of that
    name when VenueRow has one (unless it is None), else in `row.extra[name]`; `load(event, rows)`
    runs once per page and should fill `row.extra[key]` (or a row attribute) with one grouped
    query; `cell(row, ctx)` returns the cell's content — a plain str is escaped, a SafeString kept
    as it is.
    """

    key: str
    label: Callable[[], str]
    cell: Callable[[VenueRow, Context], str]
    load: Callable[[Event, dict[int, VenueRow]], None] | None = None
    css: Callable[[VenueRow], str] | None = None
    fields: Callable[[], dict[str, Any]] | None = None


_ROW_ATTRS = frozenset(f.name for f in dataclass_fields(VenueRow)) - {"extra"}


def base_rows(event: Event, columns: list[Column] | None = None) -> dict[int, VenueRow]:
    """The venues themselves, in the official order, as plain values, with the `fields` of every
    column (one query)."""
    added: dict[str, Any] = {}
    for col in columns if columns is not None else COLUMNS:
        if col.fields is not None:
            added.update(col.fields())
    names = list(added)
    venues = (Venue.objects.filter(event=event).order_by("order", "id")
              .annotate(**{f"col_{k}": v for k, v in added.items()})
              .values_list("id", "code", "kind", "name", "host_unit__name", "capacity", "approval_status",
                           "deadline_extended_to", "updated_at", *(f"col_{k}" for k in names)))
    attrs = [(i, k) for i, k in enumerate(names) if k in _ROW_ATTRS]
    extras = [(i, k) for i, k in enumerate(names) if k not in _ROW_ATTRS]
    rows = {}
    for vid, code, kind, name, unit, capacity, approval, extended, updated, *more in venues:
        row = rows[vid] = VenueRow(id=vid, code=code, kind=kind, name=name, unit=unit or "", capacity=capacity,
                                   approval_status=approval, deadline_extended_to=extended, updated_at=updated,
                                   extra={k: more[i] for i, k in extras})
        for i, key in attrs:
            if more[i] is not None:
                setattr(row, key, more[i])
    return rows


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


def load_receipts(event: Event, rows: dict[int, VenueRow]) -> None:
    """Filed or not by `receipts.services.filing_states` (the main venue only when every confirmed
    unit has filed; the report counts the same way): two grouped queries."""
    for venue_id, state in filing_states(event).items():
        row = rows.get(venue_id)
        if row is None:
            continue
        row.filed_at = state.at
        if state.partly_filed:
            row.extra["units_filed"] = (state.units_filed, state.units_confirmed)
            continue
        row.filed_version = state.version


# -- cells --------------------------------------------------------------------------------------
def is_late(row: VenueRow, now: datetime, deadline: datetime | None) -> bool:
    due = closing_time(deadline, row.deadline_extended_to)
    return row.filed_version is None and due is not None and now > due


def _approval_cell(r: VenueRow, ctx: Context) -> str:
    if r.kind != Venue.Kind.BRANCH:
        return "—"
    ok = r.approval_status == Venue.Approval.APPROVED
    if not ok and not ctx.event.approval_required:  # the notice asks no local approval: nothing is missing
        return SafeString(f'<span class="muted">{ctx.word(gettext_noop("无需报批"))}</span>')
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


# a venue's code is `main` or six digits (a database check): it needs no escaping
def _venue_cell(r: VenueRow, ctx: Context) -> str:
    return SafeString(f'<a href="/manage/{ctx.slug}/venues/{r.code}/">{escape(r.name)}</a>')


def _changed_cell(r: VenueRow, ctx: Context) -> str:
    d = (r.filed_at if r.filed_at and r.filed_at > r.updated_at else r.updated_at).astimezone(ctx.tz)
    # digits and CJK only: nothing to escape
    return SafeString(f"{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}")  # i18n: data (the one date style; date_format and strftime are slower)


def rehearsal_fields() -> dict[str, Any]:
    """The rehearsal slot and checklist status (the venue's one Rehearsal row) and the grade of its
    latest self-test (a subquery on the (venue, -id) index): no query of their own."""
    latest = SelfTest.objects.filter(venue_id=OuterRef("pk")).order_by("-id").values("grade")[:1]
    return {"rehearsal_at": F("rehearsal__starts_at"), "rehearsal_status": F("rehearsal__status"),
            "selftest_grade": Subquery(latest)}


_STATUS_CSS = {"passed": "ok", "failed": "bad", "retest": "warn"}
_GRADE_CSS = {"good": "ok", "fair": "warn", "poor": "bad"}


def _rehearsal_cell(r: VenueRow, ctx: Context) -> str:
    if r.kind != Venue.Kind.BRANCH:
        return "—"
    starts, status, grade = r.extra["rehearsal_at"], r.extra["rehearsal_status"], r.extra["selftest_grade"]
    if not starts:
        return SafeString(f'<span class="muted">{ctx.word(gettext_noop("未排时段"))}</span>')
    d = starts.astimezone(ctx.tz)
    out = (f'{d.hour:02d}:{d.minute:02d} '
           f'<span class="{_STATUS_CSS.get(status, "muted")}">{ctx.choice(Status, status)}</span>')
    if grade:
        out += f' · {ctx.word(gettext_noop("自测"))}<span class="{_GRADE_CSS[grade]}">{ctx.choice(Grade, grade)}</span>'
    return SafeString(out)


COLUMNS: list[Column] = [
    # the main venue's code `main` is internal: its cell stays empty
    Column("code", lambda: _("代码"), lambda r, c: SafeString(r.code if r.kind == Venue.Kind.BRANCH else "")),
    Column("venue", lambda: _("会场"), _venue_cell),
    Column("unit", lambda: _("承办单位"), lambda r, c: r.unit, css=lambda r: "wrap"),
    Column("approval", lambda: _("审批"), _approval_cell),
    Column("receipt", lambda: _("回执"), _receipt_cell, load=load_receipts),
    Column("count", lambda: _("人数/上限"), lambda r, c: SafeString(f"{r.count}/{r.capacity}"), load=load_counts,
           css=lambda r: "warn" if r.count >= r.capacity else ""),
    Column("tech", lambda: _("技术联系人"), _tech_cell, fields=lambda: {"tech": F("tech_contact__name")}),
    Column("rehearsal", lambda: _("视频调试"), _rehearsal_cell, fields=rehearsal_fields),
    Column("changed", lambda: _("最后变更"), _changed_cell),
]


def overview_rows(event: Event, columns: list[Column] | None = None) -> list[VenueRow]:
    """Every value the overview shows: the venues with the columns' fields, then one grouped query
    per column that needs one."""
    columns = columns if columns is not None else COLUMNS
    rows = base_rows(event, columns)
    for col in columns:
        if col.load is not None:
            col.load(event, rows)
    return list(rows.values())


def summarise(rows: list[VenueRow], deadline: datetime | None) -> dict[str, int]:
    """The figures above the table; attendees are people: one person on two lists (allowed by the
    organizer, or filed before the rule) is counted once (see load_counts)."""
    now = timezone.now()
    return {
        "venues": len(rows),
        "branches": sum(1 for r in rows if r.kind == "branch"),
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
    ctx = Context(event=event, now=timezone.now(), tz=timezone.get_current_timezone(), slug=escape(event.slug))
    # per column: its cell, its css and the cell's opening tag without a class
    plan = [(c.cell, c.css, f'<td data-label="{escape(c.label())}"') for c in columns]
    out = []
    for r in rows:
        cells = [f'<tr data-code="{r.code}">']
        for cell, css_of, td in plan:
            value = cell(r, ctx)
            value = value if isinstance(value, SafeData) else escape(value)
            css = css_of(r) if css_of else ""
            cells.append(f'{td} class="{escape(css)}">{value}</td>' if css else f"{td}>{value}</td>")
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))
