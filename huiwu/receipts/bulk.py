"""Many receipt files at once: the organizer's import page and its API route.

On deadline day an organizer receives dozens of filled forms by e-mail and drops them all in
at once. Each file goes through the document importer (the same rules as every other receipt);
this module keeps the batch — the files as received and the importer's report on each — so the
organizer sees one table of results, and a file that needs review can be re-run (valid rows
only, or for a venue the organizer names) without being uploaded again. The files are personal
data: only organizers see them, and `purge_import_files` deletes them after the event.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.core.errors import Invalid
from huiwu.events.models import Event, Unit
from huiwu.venues.models import Venue, VenueUnit

from .models import ImportBatch, ImportItem

#: what the file picker offers (the importer decides what it really accepts)
ACCEPT = ".docx,.xlsx,.csv,.doc,.xls,.wps,.et"
#: most files in one upload; Django refuses more than DATA_UPLOAD_MAX_NUMBER_FILES (default 100)
#: before any view runs, so the limit is never above that
DEFAULT_MAX_FILES = 100

#: most bytes of one upload held in memory at once (38 real receipts are about 2 MB)
DEFAULT_MAX_TOTAL_BYTES = 100 * 1024 * 1024

#: file-level error fields that say "the venue refused it now", not "the file is wrong"
RETRY_FIELDS = ("capacity", "deadline")

STATUS_CLASS = {"accepted": "ok", "needs_review": "warn", "rejected": "bad"}


def max_files() -> int:
    wanted = getattr(settings, "HUIWU_MAX_IMPORT_FILES", DEFAULT_MAX_FILES)
    django_cap = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None)
    return min(wanted, django_cap) if django_cap else wanted


def read_uploads(uploaded: list[Any]) -> list[tuple[str, bytes]]:
    """The uploaded files as (name, bytes), each read to at most the size limit + 1 byte (so the
    importer can say it is too big without the server holding more than that)."""
    if not uploaded:
        raise Invalid(_("请选择要导入的回执文件（可按住 Ctrl 或 Shift 一次选择多个）。"), {"files": [_("必填。")]})
    limit = max_files()
    if len(uploaded) > limit:
        raise Invalid(_("一次最多导入 %(max)d 个文件，本次选择了 %(n)d 个。请分成几批上传。")
                      % {"max": limit, "n": len(uploaded)}, {"files": [_("文件太多。")]})
    size_limit = settings.HUIWU_MAX_UPLOAD_BYTES
    total_limit = getattr(settings, "HUIWU_MAX_IMPORT_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES)
    total = sum(min(f.size or 0, size_limit + 1) for f in uploaded)  # what would be held in memory
    if total > total_limit:
        raise Invalid(_("这些文件共 %(size).1f MB，一次最多导入 %(limit).0f MB。请分成几批上传。")
                      % {"size": total / 1048576, "limit": total_limit / 1048576}, {"files": [_("文件总量太大。")]})
    return [((f.name or "file").rsplit("/", 1)[-1][-255:], f.read(size_limit + 1)) for f in uploaded]


def _storable(report: dict) -> dict:
    """The report as plain JSON (a dry run's diff may hold dates)."""
    return json.loads(json.dumps(report, ensure_ascii=False, default=str))


def _counts(statuses: list[str]) -> dict[str, int]:
    return {s: statuses.count(s) for s in ("accepted", "needs_review", "rejected")}


def _venue_of(event: Event, code: str | None) -> Venue | None:
    return event.venues.filter(code=code).first() if code else None


def import_batch(event: Event, files: list[tuple[str, bytes]], *, actor: Any, dry_run: bool = False,
                 accept_partial: bool = False, venue: Venue | None = None,
                 source: str = ImportBatch.Source.WEB) -> tuple[ImportBatch, dict]:
    """Import `files` for `event` and keep them as one batch; returns the batch and the importer's
    {"files": [report, ...]} (the CLI's JSON), reports in the order of the files."""
    from .documents.importer import import_files

    result = import_files(files, event=event, venue=venue, actor=actor, channel="upload",
                          dry_run=dry_run, accept_partial=accept_partial)
    reports = result["files"]
    venues = {v.code: v for v in event.venues.all()}
    size_limit = settings.HUIWU_MAX_UPLOAD_BYTES
    with transaction.atomic():
        batch = ImportBatch.objects.create(event=event, created_by=actor if getattr(actor, "pk", None) else None,
                                           source=source, dry_run=dry_run)
        items = []
        for i, ((name, data), report) in enumerate(zip(files, reports, strict=True), start=1):
            item = ImportItem(batch=batch, order=i, filename=name, size=len(data),
                              sha256=report.get("sha256") or hashlib.sha256(data).hexdigest(),
                              status=report["status"], venue=venues.get(report.get("venue") or ""),
                              chosen_venue=venue, report=_storable(report))
            if data and len(data) <= size_limit:  # an oversized file is refused, not kept
                item.file.save(name, ContentFile(data), save=False)
            items.append(item)
        ImportItem.objects.bulk_create(items)
        record("receipt.bulk_import", actor=actor, event=event, obj=batch,
               after={"files": len(items), **_counts([r["status"] for r in reports]), "dry_run": dry_run,
                      "accept_partial": accept_partial, "source": source, "venue": venue.code if venue else None})
    return batch, result


def venue_choices(event: Event) -> list[tuple[str, str]]:
    """The targets "指定会场" offers: each branch venue, and the main venue per invited unit (a
    main-venue receipt is always one unit's)."""
    out: list[tuple[str, str]] = []
    units = {}
    for vu in VenueUnit.objects.filter(venue__event=event).select_related("unit").order_by("unit__order", "unit_id"):
        units.setdefault(vu.venue_id, []).append(vu.unit)
    for v in event.venues.order_by("order", "id"):
        if v.kind == Venue.Kind.MAIN and units.get(v.pk):
            out += [(f"{v.code}:{u.pk}", f"{v.name} · {u.name}") for u in units[v.pk]]
        else:
            out.append((v.code, _("%(name)s（%(code)s）") % {"name": v.name, "code": v.code}))
    return out


def parse_choice(event: Event, value: str) -> tuple[Venue, Unit | None]:
    """A value of `venue_choices` back to the venue (and main-venue unit)."""
    code, _sep, unit_id = (value or "").partition(":")
    venue = _venue_of(event, code.strip())
    if venue is None:
        raise Invalid(_("请选择这个文件所属的会场。"), {"venue": [_("必选。")]})
    unit = None
    if unit_id:
        unit = Unit.objects.filter(pk=int(unit_id) if unit_id.isdigit() else 0,
                                   venue_invitations__venue=venue).first()
        if unit is None:
            raise Invalid(_("所选单位不是该会场的参会单位，请重新选择。"), {"venue": [_("单位不符。")]})
    return venue, unit


def rerun_item(item: ImportItem, *, actor: Any, accept_partial: bool = False, venue: Venue | None = None,
               unit: Unit | None = None) -> dict:
    """Import a kept file again — only its valid rows (`accept_partial`), or for `venue` as the
    organizer decided — and keep the new report on the item. Nothing is uploaded again."""
    from .documents.importer import import_file

    if not item.file:
        raise Invalid(_("“%(name)s”没有保存（超过大小上限，或已按规定在会后删除），无法重新导入。请重新上传该文件。")
                      % {"name": item.filename})
    with item.file.open("rb") as fh:
        data = fh.read(settings.HUIWU_MAX_UPLOAD_BYTES + 1)
    if venue is not None:
        item.chosen_venue, item.chosen_unit = venue, unit
    event = item.batch.event
    report = import_file(data, item.filename, event=event, venue=item.chosen_venue, actor=actor, channel="upload",
                         accept_partial=accept_partial, unit=item.chosen_unit)
    item.report = _storable(report)
    item.status = report["status"]
    item.venue = _venue_of(event, report.get("venue"))
    item.runs += 1
    item.save(update_fields=["report", "status", "venue", "chosen_venue", "chosen_unit", "runs", "updated_at"])
    record("receipt.bulk_import.rerun", actor=actor, event=event, venue=item.venue, obj=item,
           after={"file": item.filename, "status": item.status, "accept_partial": accept_partial,
                  "venue": item.chosen_venue.code if item.chosen_venue else None,
                  "unit": item.chosen_unit.name if item.chosen_unit else None})
    return report


def committable(batch: ImportBatch) -> list[ImportItem]:
    """The files of a checked-only batch that passed the check and were not saved yet."""
    if not batch.dry_run:
        return []
    return [i for i in batch.items.all()
            if i.status == "accepted" and i.report.get("dry_run") and not i.report.get("unchanged") and i.file]


def commit_batch(batch: ImportBatch, *, actor: Any) -> dict[str, int]:
    """Import for real the files of a checked-only batch that passed the check."""
    todo = committable(batch)
    statuses = [rerun_item(i, actor=actor)["status"] for i in todo]
    batch.dry_run = False
    batch.save(update_fields=["dry_run"])
    out = _counts(statuses)
    record("receipt.bulk_import.commit", actor=actor, event=batch.event, obj=batch,
           after={"files": len(todo), **out})
    return out


# -- what the page shows ---------------------------------------------------------------------------
def _people(report: dict) -> int:
    return report["count"] if "count" in report else len(report.get("attendees") or [])


def item_row(item: ImportItem) -> dict:
    """One row of the results table: status with its colour, venue, people, version, problems,
    and which re-run actions make sense for it."""
    r = item.report or {}
    errors = r.get("errors") or []
    row_errors = [e for e in errors if e.get("row") is not None]
    venue_doubt = any(e.get("field") in ("venue", "unit") for e in errors)
    dry = bool(r.get("dry_run"))
    review = item.status == "needs_review"
    return {
        "item": item,
        "label": _("检查通过") if item.status == "accepted" and dry else item.get_status_display(),
        "css": STATUS_CLASS.get(item.status, "muted"),
        "dry": dry,
        "venue": item.venue,
        "venue_name": r.get("venue_name") or (item.venue.name if item.venue else ""),
        "people": _people(r),
        "version": r.get("version"),
        "unchanged": bool(r.get("unchanged")),
        "errors": errors,
        "warnings": r.get("warnings") or [],
        "attendees": r.get("attendees") or [],
        "can_partial": review and bool(row_errors) and not venue_doubt and bool(item.file),
        "can_choose": review and bool(item.file),
        # refused for the venue's state (full, past the deadline), not for the file: worth
        # another try once the organizer has changed the capacity or the deadline
        "can_retry": item.status == "rejected" and bool(item.file) and bool(errors)
        and all(e.get("field") in RETRY_FIELDS for e in errors if e.get("row") is None),
        "chosen": (f"{item.chosen_venue.code}:{item.chosen_unit_id}" if item.chosen_unit_id and item.chosen_venue
                   else (item.chosen_venue.code if item.chosen_venue else (item.venue.code if item.venue else ""))),
        "purged": bool(r.get("purged")),
    }


def _mark_same_venue(rows: list[dict]) -> None:
    """Two files of one batch filed for the same venue (a unit sent a corrected file): say which
    one counts, so the organizer does not wonder why the first one's people are gone."""
    filed: dict[int, list[dict]] = {}
    for r in rows:  # branch venues only: at the main venue each invited unit files its own list
        if r["item"].status == "accepted" and r["version"] and r["venue"] is not None \
                and r["venue"].kind == Venue.Kind.BRANCH:
            filed.setdefault(r["venue"].pk, []).append(r)
    for same in filed.values():
        if len(same) < 2:
            continue
        latest = max(same, key=lambda r: r["version"])
        for r in same:
            if r is not latest:
                r["warnings"] = [*r["warnings"], _("本批第 %(n)d 个文件也报了这个会场（第%(v)d版），以该版为准。")
                                 % {"n": latest["item"].order, "v": latest["version"]}]


def batch_summary(batch: ImportBatch, items: list[ImportItem] | None = None) -> dict[str, int]:
    items = list(batch.items.all()) if items is None else items
    out = _counts([i.status for i in items])
    out["files"] = len(items)
    out["people"] = sum(_people(i.report or {}) for i in items if i.status == "accepted")
    return out


def page_context(event: Event, batch_id: int | None, show: str = "") -> dict:
    """What the import page needs: the open batch's rows (all, or those of status `show`) and
    summary, and the past batches."""
    from django.db.models import Count, Q
    from django.http import Http404

    batches = list(ImportBatch.objects.filter(event=event).select_related("created_by").annotate(
        n_files=Count("items"),
        n_accepted=Count("items", filter=Q(items__status="accepted")),
        n_review=Count("items", filter=Q(items__status="needs_review")),
        n_rejected=Count("items", filter=Q(items__status="rejected")),
    ).order_by("-created_at", "-id")[:50])
    batch = None
    rows: list[dict] = []
    if batch_id is not None:
        batch = ImportBatch.objects.filter(event=event, pk=batch_id).select_related("created_by").first()
        if batch is None:
            raise Http404("batch")
        items = list(batch.items.select_related("venue", "chosen_venue").order_by("order"))
        rows = [item_row(i) for i in items]
        _mark_same_venue(rows)
    summary = batch_summary(batch, [r["item"] for r in rows]) if batch else None
    show = show if show in STATUS_CLASS else ""
    if show:
        rows = [r for r in rows if r["item"].status == show]
    return {
        "event": event, "batch": batch, "rows": rows, "show": show,
        "summary": summary,
        "commit_count": len(committable(batch)) if batch else 0,
        "needs_choice": any(r["can_choose"] for r in rows),
        "choices": venue_choices(event) if any(r["can_choose"] for r in rows) else [],
        "batches": batches, "max_files": max_files(), "accept": ACCEPT,
        "max_mb": settings.HUIWU_MAX_UPLOAD_BYTES / 1048576,
    }


# -- personal data -----------------------------------------------------------------------------------
def purge_import_files(older_than_days: int | None = None, *, now: datetime | None = None,
                       event: Event | None = None) -> int:
    """Delete the kept files, and the names and phones in their reports, of batches whose event
    ended more than `older_than_days` (default settings.HUIWU_PURGE_AFTER_DAYS) ago. The file
    name, status, venue and head count stay, so the page still says what came in. Returns the
    number of files deleted."""
    days = settings.HUIWU_PURGE_AFTER_DAYS if older_than_days is None else older_than_days
    if days < 0:
        raise ValueError("older_than_days must be >= 0")
    moment = now or timezone.now()
    batches = ImportBatch.objects.filter(event__ends_at__lte=moment - timedelta(days=days), purged_at__isnull=True)
    if event is not None:
        batches = batches.filter(event=event)
    total = 0
    for batch in batches.select_related("event"):
        items = list(batch.items.all())
        with transaction.atomic():
            for it in items:
                if it.file:
                    it.file.delete(save=False)
                    total += 1
                r = it.report or {}
                it.report = {"file": r.get("file", it.filename), "status": r.get("status", it.status),
                             "venue": r.get("venue"), "venue_name": r.get("venue_name"),
                             "version": r.get("version"), "count": _people(r), "purged": True}
            ImportItem.objects.bulk_update(items, ["file", "report"])
            batch.purged_at = moment
            batch.save(update_fields=["purged_at"])
            record("receipt.bulk_import.purge", event=batch.event, obj=batch,
                   after={"files": len(items), "days": days})
    return total
