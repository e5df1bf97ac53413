"""Importing a filled receipt file: read it safely, find its venue, file it as a receipt.

An import is a receipt submission like any other (`services.submit_receipt`): same
validation, deadline, capacity, versions and audit. What this module adds is the file: which
venue it is for (the template's marker, else the unit named in it, else the venue it was
uploaded to — a conflict or a doubt is `needs_review`), which row of the file each problem is
on, and that a file with bad rows keeps nothing until the user accepts the valid part.
The report has PRODUCT.md's per-file shape.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from huiwu.core.errors import ApiError
from huiwu.core.text import fold
from huiwu.events.models import Event, Unit
from huiwu.venues.models import Venue, VenueUnit

from .extract import Extracted, extract
from .reader import read_document
from .safety import UnsafeFile

_REGION_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$")
_CODE_LINE = re.compile(r"会场代码\s*[:：]\s*(main|\d{6})", re.I)


# -- which venue -----------------------------------------------------------------------------------
@dataclass
class Place:
    venue: Venue
    unit: Unit | None = None


class VenueIndex:
    """The event's venues (and main-venue units) by every name a file may use for them."""

    def __init__(self, event: Event):
        self.event = event
        self.venues = {v.code: v for v in event.venues.select_related("host_unit", "event")}
        self.keys: list[tuple[str, Place]] = []
        main_units = VenueUnit.objects.filter(venue__event=event).select_related("unit", "venue")
        for v in self.venues.values():
            if v.kind == Venue.Kind.MAIN:
                self.keys.append(("主会场", Place(v)))
                continue
            names = {v.name}
            if v.host_unit is not None:
                names |= {v.host_unit.name, v.host_unit.region_name}
                short = _REGION_SUFFIX.sub("", v.host_unit.region_name or "")
                if len(short) >= 2:
                    names.add(short)
                if v.code == "660000":
                    names.add("兵团")
            self.keys.extend((n, Place(v)) for n in names if n)
        for vu in main_units:
            self.keys.append((vu.unit.name, Place(vu.venue, vu.unit)))
        self.keys.sort(key=lambda k: -len(k[0]))

    def find(self, text: str) -> list[Place]:
        """Venues named in `text`; a name inside a longer matched name does not count
        (北京 in 联合国教科文组织北京办事处), and a city beats its province (大连 in 辽宁省大连市)."""
        text = fold(text)
        spans: list[tuple[int, int, Place]] = []
        for key, place in self.keys:
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if not any(s <= start and end <= e and (e - s) > len(key) for s, e, _p in spans):
                    spans.append((start, end, place))
                start = text.find(key, end)
        places: dict[tuple[str, int | None], Place] = {}
        for _s, _e, p in spans:
            places.setdefault((p.venue.code, p.unit.pk if p.unit else None), p)
        codes = {code for code, _u in places}
        if "660000" in codes and "650000" in codes and "兵团" in text:
            codes.discard("650000")  # 新疆生产建设兵团 / 新疆兵团: the corps, not the region
            places = {k: v for k, v in places.items() if k[0] != "650000"}
        for code, unit_id in list(places):
            if code.endswith("0000") and any(c != code and c[:2] == code[:2] for c in codes):
                places.pop((code, unit_id))
        # a main-venue unit named explicitly makes the bare “主会场” redundant
        if ("main", None) in places and any(c == "main" and u for c, u in places):
            places.pop(("main", None))
        return list(places.values())


def _venue_index(event: Event) -> VenueIndex:
    """One index per event object: a batch of files (CLI, mailbox, organizer upload) builds it once."""
    index = getattr(event, "_huiwu_venue_index", None)
    if index is None:
        index = VenueIndex(event)
        event._huiwu_venue_index = index
    return index


def _one(places: list[Place]) -> Place | None | str:
    if not places:
        return None
    codes = {p.venue.code for p in places}
    if len(codes) > 1:
        return "conflict"
    units = {p.unit.pk for p in places if p.unit}
    if len(units) > 1:
        return "conflict"
    with_unit = [p for p in places if p.unit]
    return with_unit[0] if with_unit else places[0]


def _names(places: list[Place]) -> str:
    return "、".join(sorted({p.venue.name + (f"（{p.unit.name}）" if p.unit else "") for p in places}))


def resolve_place(index: VenueIndex, ex: Extracted, given: Venue | None) -> tuple[Place | None, list[str], list[str]]:
    """(place, doubts, warnings): doubts make the file needs_review."""
    doubts: list[str] = []
    warnings: list[str] = []
    event = index.event
    marked: Place | None = None
    if ex.marker is not None:
        if ex.marker.event != event.slug:
            doubts.append(_("文件是另一个会议（%(slug)s）的回执模板，不是“%(title)s”的。请下载本会议的模板重新填写。")
                          % {"slug": ex.marker.event, "title": event.title})
        elif ex.marker.venue not in index.venues:
            doubts.append(_("文件标明的会场代码 %(code)s 不在本会议中。") % {"code": ex.marker.venue})
        else:
            venue = index.venues[ex.marker.venue]
            unit = Unit.objects.filter(pk=ex.marker.unit_id).first() if ex.marker.unit_id else None
            marked = Place(venue, unit)
    named: Place | None = None
    declared = [p for text in ex.declared_units for p in index.find(text)]
    coded = [Place(index.venues[m.group(1).lower()]) for line in ex.lines
             for m in [_CODE_LINE.search(fold(line))] if m and m.group(1).lower() in index.venues]
    found = _one(declared) if declared else None
    if found is None:
        found = _one(coded + [p for line in ex.lines for p in index.find(line)])
    if found is None and ex.attendees:
        votes = Counter()
        by_key: dict[tuple, Place] = {}
        for r in ex.attendees:
            hits = index.find(r.data.get("unit", ""))
            one = _one(hits)
            if isinstance(one, Place):
                key = (one.venue.code, one.unit.pk if one.unit else None)
                votes[key] += 1
                by_key[key] = one
        if votes:
            key, count = votes.most_common(1)[0]
            if count * 10 >= len(ex.attendees) * 6:
                found = by_key[key]
    if found == "conflict":
        doubts.append(_("文件中提到了多个会场或单位（%(names)s），无法确定是哪个会场的回执。")
                      % {"names": _names(declared or [p for line in ex.lines for p in index.find(line)])})
        found = None
    if isinstance(found, Place):
        named = found
    place = marked or named
    if marked and named and named.venue.code != marked.venue.code:
        doubts.append(_("文件的模板标记是%(a)s，但文件中写的单位属于%(b)s。请核对是否用错了模板。")
                      % {"a": marked.venue.name, "b": named.venue.name})
    if marked and named and marked.unit is None and named.unit is not None and named.venue.code == marked.venue.code:
        place = named
    if given is not None:
        if place is None:
            place = Place(given)
        elif place.venue.pk != given.pk:
            doubts.append(_("文件中写明的是%(file)s，但提交到了%(given)s。请确认后在正确的会场重新提交。")
                          % {"file": place.venue.name, "given": given.name})
    if place is None and not doubts:
        doubts.append(_("无法从文件判断是哪个会场的回执（没有模板标记，也没有写明填报单位）。请在会场页面上传，或用 --venue 指明会场代码。"))
    return place, doubts, warnings


# -- the report ------------------------------------------------------------------------------------
def _report(filename: str, status: str, *, venue: Venue | None = None, attendees=None, tech_contact=None,
            errors=None, warnings=None, **extra) -> dict:
    out = {
        "file": filename,
        "status": status,
        "venue": venue.code if venue is not None else None,
        "attendees": [{k: a.get(k, "") for k in ("name", "unit", "position", "phone")} for a in (attendees or [])],
        "tech_contact": ({"name": tech_contact.get("name", ""), "phone": tech_contact.get("phone", "")}
                         if tech_contact else None),
        "errors": errors or [],
        "warnings": list(dict.fromkeys(warnings or [])),
    }
    if venue is not None:
        out["venue_name"] = venue.name
    out.update(extra)
    return out


def _file_error(message: str, field: str = "file") -> dict:
    return {"row": None, "field": field, "message": message}


def import_file(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    event: Event,
    venue: Venue | None = None,
    actor: Any = None,
    channel: str = "upload",
    dry_run: bool = False,
    accept_partial: bool = False,
    unit: Unit | None = None,
) -> dict:
    """Import one receipt file for `event`; returns the per-file report of PRODUCT.md.

    status: accepted (filed, or already filed: the same file twice changes nothing),
    rejected (unsafe/unreadable, or nothing valid, or refused by deadline/capacity), or
    needs_review (the venue is in doubt, or some rows are bad: nothing is kept until the call
    is repeated with accept_partial=True, which files the valid rows only).
    """
    from huiwu.receipts import services
    from huiwu.receipts.models import Receipt

    if isinstance(path_or_bytes, (str, Path)):
        path = Path(path_or_bytes)
        filename = filename or path.name
        try:
            from django.conf import settings

            with path.open("rb") as fh:  # never more than the limit (+1 byte to know it is over)
                data = fh.read(settings.HUIWU_MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            return _report(filename, "rejected", errors=[_file_error(_("无法读取文件：%(err)s") % {"err": exc.strerror})])
    else:
        data = bytes(path_or_bytes)
        filename = filename or "receipt"
    sha = hashlib.sha256(data).hexdigest()
    try:
        parsed = read_document(data, filename)
    except UnsafeFile as exc:
        return _report(filename, "rejected", venue=venue, errors=[_file_error(exc.message)], sha256=sha)
    ex = extract(parsed)
    warnings = list(ex.warnings)
    index = _venue_index(event)
    place, doubts, more = resolve_place(index, ex, venue)
    warnings += more
    if unit is not None and place is not None:
        if place.unit is None:
            place.unit = unit
        elif place.unit.pk != unit.pk and place.venue.kind == Venue.Kind.MAIN:
            doubts.append(_("文件标明的填报单位是“%(file)s”，但提交单位是“%(given)s”。请用本单位的模板重新填写。")
                          % {"file": place.unit.name, "given": unit.name})
    target = place.venue if place else venue
    file_errors = [e for e in ex.errors if e["row"] is None]
    if file_errors:
        return _report(filename, "rejected", venue=target, errors=file_errors, warnings=warnings, sha256=sha)
    if doubts:
        return _report(filename, "needs_review", venue=target,
                       attendees=[r.data for r in ex.attendees], tech_contact=ex.tech_contact,
                       errors=[_file_error(d, "venue") for d in doubts], warnings=warnings, sha256=sha)
    assert place is not None
    target = place.venue
    if actor is not None:
        from huiwu.accounts.tenancy import Access

        if not Access.for_user(actor).can("venue.edit", event, target):
            return _report(filename, "rejected", venue=target, errors=[_file_error(
                _("您无权为%(venue)s提交回执。") % {"venue": target.name}, "venue")], warnings=warnings, sha256=sha)
    filing_unit = place.unit
    if target.kind == Venue.Kind.MAIN and filing_unit is None and actor is not None:
        from huiwu.accounts.tenancy import Access

        own = Access.for_user(actor).unit_ids(event, target)
        if own and len(own) == 1:  # a main-venue unit's own account: the file is its own
            filing_unit = Unit.objects.filter(pk=next(iter(own))).first()
    if target.kind == Venue.Kind.MAIN and filing_unit is None:
        return _report(filename, "needs_review", venue=target, attendees=[r.data for r in ex.attendees],
                       tech_contact=ex.tech_contact, warnings=warnings, sha256=sha, errors=[_file_error(
                           _("主会场回执由各参会单位分别填报，但文件中没有写明是哪个单位。请在“填报单位”处写明单位全称后重新提交。"),
                           "unit")])
    if actor is not None and target.kind == Venue.Kind.MAIN and filing_unit is not None:
        from huiwu.accounts.tenancy import Access

        allowed = Access.for_user(actor).unit_ids(event, target)
        if allowed is not None and filing_unit.pk not in allowed:
            return _report(filename, "rejected", venue=target, warnings=warnings, sha256=sha, errors=[_file_error(
                _("您只能为本单位填报主会场回执，文件标明的单位是“%(unit)s”。") % {"unit": filing_unit.name}, "unit")])
    several = ex.several_tables

    # the same file filed before for this venue and unit: nothing changes
    done = Receipt.objects.filter(venue=target, source_sha256=sha)
    if target.kind == Venue.Kind.MAIN:
        done = done.filter(unit=filing_unit)
    previous = done.order_by("-version").first()
    if previous is not None:
        snap = previous.snapshot or {}
        return _report(filename, "accepted", venue=target, attendees=snap.get("attendees", []),
                       tech_contact=snap.get("tech_contact"), sha256=sha, version=previous.version, unchanged=True,
                       warnings=[*warnings, _("此文件已于之前导入（第%(v)d版），本次未作任何更改。") % {"v": previous.version}])

    # rows as the service will see them; bad rows found here keep their file row numbers
    default_unit = (filing_unit.name if filing_unit else "") or (target.host_unit.name if target.host_unit else "")
    errors: list[dict] = []
    for e in ex.errors:
        errors.append({**{k: v for k, v in e.items() if not k.startswith("_")},
                       "message": f"{_place(e.get('_where', ''), e['row'], several)}：{e['message']}"})
    bad_rows = {(e.get("_where", ""), e["row"]) for e in ex.errors}
    rows, row_of = [], []
    for r in ex.attendees:
        if (r.where, r.row) in bad_rows:
            continue
        given = dict(r.data)
        if not given.get("unit"):
            given["unit"] = default_unit
        rows.append(given)
        row_of.append(r)
    tech = ex.tech_contact
    if tech and event.rehearsal_contact_phone and fold(tech.get("phone", "")).replace("-", "") == \
            fold(event.rehearsal_contact_phone).replace("-", ""):
        warnings.append(_("文件中的“%(name)s”是主办方的技术联系人，不是本会场的视频调试负责人，已忽略。") % {"name": tech["name"]})
        tech = None
    if tech is None and target.kind == Venue.Kind.BRANCH:
        warnings.append(_("文件中没有找到视频调试负责人（姓名和手机）。"))
    if not rows:
        return _report(filename, "rejected", venue=target, errors=errors or [_file_error(
            _("文件中没有参会人员。"), "attendees")], warnings=warnings, sha256=sha)

    def submit(rows: list[dict], row_of: list, check_only: bool):
        """File (or only check) the rows; service errors are said with the file's row numbers."""
        source = None if check_only else ContentFile(data, name=Path(filename).name)
        try:
            result = services.submit_receipt(
                target, unit=filing_unit if target.kind == Venue.Kind.MAIN else None, attendees=rows,
                tech_contact=tech, channel=channel, actor=actor, source_file=source, source_sha256=sha,
                file_checked=True,  # no version came from this file: looked up above
                dry_run=check_only,
            )
        except ApiError as exc:
            field = {"deadline_passed": "deadline", "capacity_full": "capacity"}.get(exc.code, "file")
            return None, [_file_error(exc.message, field)]
        out = []
        for e in result.errors:
            i = e.get("row")
            message = _rewrite_row_refs(e["message"], row_of, several)
            if isinstance(i, int) and 1 <= i <= len(row_of):
                r = row_of[i - 1]
                out.append({"row": r.row, "field": e["field"], "message": f"{r.place(several)}：{message}",
                            "_index": i})
            else:
                out.append({"row": None, "field": e.get("field", "file"), "message": message})
        result.warnings = [_rewrite_row_refs(w, row_of, several) for w in result.warnings]
        return result, out

    # a file with bad rows keeps nothing unless the user accepts the valid part
    check_only = dry_run or (bool(errors) and not accept_partial)
    result, found = submit(rows, row_of, check_only)
    if result is not None and result.status != "accepted" and accept_partial and found \
            and all(e["row"] is not None for e in found):
        bad = {e["_index"] for e in found}
        keep = [i for i in range(len(rows)) if i + 1 not in bad]
        errors += found
        rows, row_of = [rows[i] for i in keep], [row_of[i] for i in keep]
        if not rows:
            return _report(filename, "rejected", venue=target, errors=_public(errors), warnings=warnings, sha256=sha)
        result, found = submit(rows, row_of, dry_run)
    errors += found
    errors = _public(errors)
    if result is None:  # deadline passed, venue full
        return _report(filename, "rejected", venue=target, attendees=rows, tech_contact=tech, errors=errors,
                       warnings=warnings, sha256=sha)
    warnings += result.warnings
    attendees = result.attendees or rows
    if result.status != "accepted" or (errors and not accept_partial):
        row_problems = [e for e in errors if e["row"] is not None]
        whole_file = [e for e in errors if e["row"] is None]
        bad_count = len({e["row"] for e in row_problems})
        valid = len(rows) - len({e["_index"] for e in found if e.get("_index")}) if found else len(rows)
        status = "needs_review" if row_problems and not whole_file and valid > 0 else "rejected"
        if status == "needs_review":
            warnings.append(_("文件中有 %(n)d 行有问题，本次没有保存任何内容。请改正后重新提交；或确认只导入无误的 %(ok)d 行。")
                            % {"n": bad_count, "ok": valid})
        return _report(filename, status, venue=target, attendees=attendees, tech_contact=result.tech_contact or tech,
                       errors=errors, warnings=warnings, sha256=sha)
    if errors:
        warnings.append(_("已按确认只导入无误的 %(ok)d 行，另有 %(n)d 行有问题未导入。")
                        % {"ok": len(rows), "n": len({e["row"] for e in errors if e["row"] is not None})})
    extra = {"sha256": sha, "dry_run": dry_run}
    if result.receipt is not None:
        extra["version"] = result.receipt.version
    if dry_run:
        extra["diff"] = result.diff
    return _report(filename, "accepted", venue=target, attendees=attendees,
                   tech_contact=result.tech_contact or tech, errors=errors, warnings=warnings, **extra)


def _public(errors: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in errors]


def _place(where: str, row: int | None, several: bool) -> str:
    text = _("第%(row)d行") % {"row": row} if row else ""
    return f"{where} {text}" if several and where else text


def _rewrite_row_refs(message: str, row_of: list, several: bool) -> str:
    """The service counts rows in its list; say the file's row instead (第3行 → 第7行)."""
    def repl(m: re.Match) -> str:
        i = int(m.group(1))
        return row_of[i - 1].place(several) if 1 <= i <= len(row_of) else m.group(0)

    return re.sub(r"第(\d+)行", repl, message)




def import_files(files: list[tuple[str, bytes]], *, event: Event, **options: Any) -> dict:
    """Several files at once (the organizer's page, a mailbox): {"files": [report, ...]} in order.

    Each file is its own submission: one file's problems never hold back another's.
    """
    return {"files": [import_file(data, name, event=event, **options) for name, data in files]}
