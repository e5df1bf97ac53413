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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huiwu.core.files.safety import UnsafeFile
from huiwu.core.text import fold
from huiwu.events.models import Event, Unit
from huiwu.venues.models import Venue, VenueUnit

from .extract import Extracted, extract, row_place
from .reader import read_document

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
                self.keys.append(("主会场", Place(v)))  # i18n: data (words looked for in the file)
                continue
            names = {v.name}
            if v.host_unit is not None:
                names |= {v.host_unit.name, v.host_unit.region_name}
                short = _REGION_SUFFIX.sub("", v.host_unit.region_name or "")
                if len(short) >= 2:
                    names.add(short)
                if v.code == "660000":
                    names.add("兵团")  # i18n: data (words looked for in the file)
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
    return _("、").join(sorted({_("%(venue)s（%(unit)s）") % {"venue": p.venue.name, "unit": p.unit.name} if p.unit
                                else p.venue.name for p in places}))


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


@dataclass
class _Read:
    """What reading one file gave, before any database work: picklable, so a pool can make it."""

    filename: str
    sha: str
    data: bytes
    extracted: Extracted | None = None
    unsafe: str = ""
    #: validate_attendee of each extracted row (pure, so done here, in the reading process)
    checked: list | None = None


def _read(filename: str, data: bytes, converted: tuple[bytes, str] | UnsafeFile | None = None) -> _Read:
    """Safety checks, the readers and the extraction: pure work on the bytes. `converted` is
    what LibreOffice made of an old format already (see _convert_old): read that instead."""
    from huiwu.receipts.services import validate_attendee

    sha = hashlib.sha256(data).hexdigest()
    try:
        if isinstance(converted, UnsafeFile):
            raise converted
        content, name = (converted[0], f"{Path(filename).stem}.{converted[1]}") if converted else (data, filename)
        ex = extract(read_document(content, name))
        return _Read(filename, sha, data, ex, checked=[validate_attendee(r.data) for r in ex.attendees])
    except UnsafeFile as exc:
        return _Read(filename, sha, data, unsafe=exc.message)


def _load(path_or_bytes: str | Path | bytes, filename: str | None) -> tuple[str, bytes | None, str]:
    """(filename, bytes or None, why not): a path is read up to the upload limit (+1 byte to know it is over)."""
    if isinstance(path_or_bytes, (str, Path)):
        path = Path(path_or_bytes)
        filename = filename or path.name
        try:
            from django.conf import settings

            with path.open("rb") as fh:
                return filename, fh.read(settings.HUIWU_MAX_UPLOAD_BYTES + 1), ""
        except OSError as exc:
            return filename, None, _("无法读取文件：%(err)s") % {"err": exc.strerror}
    return filename or "receipt", bytes(path_or_bytes), ""


def import_file(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    event: Event,
    **options: Any,
) -> dict:
    """Import one receipt file for `event`; returns the per-file report of PRODUCT.md.

    Options (venue, actor, channel, dry_run, accept_partial, unit) are import_files'.
    """
    return import_files([(filename, path_or_bytes)], event=event, **options)["files"][0]


def import_files(
    files: list[tuple[str | None, str | Path | bytes]],
    *,
    event: Event,
    venue: Venue | None = None,
    actor: Any = None,
    channel: str = "upload",
    dry_run: bool = False,
    accept_partial: bool = False,
    unit: Unit | None = None,
    workers: int = 1,
) -> dict:
    """Import receipt files (name, bytes or path) for `event`: {"files": [report, ...]} in order.

    status: accepted (filed, or already filed: the same file twice changes nothing),
    rejected (unsafe/unreadable, or nothing valid, or refused by deadline/capacity), or
    needs_review (the venue is in doubt, or some rows are bad: nothing is kept until the call
    is repeated with accept_partial=True, which files the valid rows only).

    Each file is its own submission: one file's problems never hold back another's. Files are
    filed together by services.file_receipts, BATCH filings per transaction, in the order
    given. `workers` > 1 reads the files in that many forked processes while this one files
    what they have read (see _reads): for the command line, not for a threaded web server.
    """
    loaded = [_load(src, name) for name, src in files]
    index = _venue_index(event)
    options = {"event": event, "venue": venue, "actor": actor, "channel": channel, "dry_run": dry_run,
               "accept_partial": accept_partial, "unit": unit}
    reports: list[_Job | dict] = []
    chunk: list[_Job] = []
    seen: dict[tuple, _Job] = {}
    with _reads(_convert_old([(name, data) for name, data, _why in loaded if data is not None]), workers) as reads:
        for name, data, why in loaded:
            if data is None:
                reports.append(_report(name, "rejected", errors=[_file_error(why)]))
                continue
            job = _Job(next(reads), **options)
            job.place_it(index)
            reports.append(job)
            chunk.append(job)
            if len(chunk) == BATCH:
                _file_chunk(event, chunk, seen)
                chunk = []
        _file_chunk(event, chunk, seen)
    return {"files": [j.report if isinstance(j, _Job) else j for j in reports]}


#: filings per transaction in a batch import (the venue locks are held that long)
BATCH = 100


def _file_chunk(event: Event, jobs: list[_Job], seen: dict) -> None:
    """Prepare, file and report a chunk of placed files (one transaction for the lot)."""
    from huiwu.receipts import services

    _look_up_done(event, [j for j in jobs if j.report is None], seen)
    for job in jobs:
        if job.report is None:
            job.prepare()
    services.file_receipts([j.filing for j in jobs if j.report is None and j.filing is not None])
    for job in jobs:
        if job.report is None:
            job.finish()


def _convert_old(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes, Any]]:
    """(name, bytes, converted): the batch's old binary files (.doc, .xls, .wps, .et) converted by
    one LibreOffice run per target format when there are several (convert.convert_many)."""
    from huiwu.core.files import convert
    from huiwu.core.files.safety import check_file

    old: list[tuple[int, str]] = []
    for i, (name, data) in enumerate(files):
        try:
            kind = check_file(data, name)
        except UnsafeFile:
            continue  # said again, with its message, when the file is read
        if kind in convert.TARGET:
            old.append((i, kind))
    out: list[tuple[str, bytes, Any]] = [(name, data, None) for name, data in files]
    if len(old) > 1:
        results = convert.convert_many([(files[i][1], kind) for i, kind in old])
        for (i, _kind), result in zip(old, results, strict=True):
            out[i] = (*files[i], result)
    return out


@contextmanager
def _reads(files: list[tuple[str, bytes, Any]], workers: int) -> Iterator[Iterator[_Read]]:
    """The files read, in order: here, or by `workers` forked processes while the caller files
    what is ready (reading is pure CPU on bytes in memory: no database, no shared state).

    The database connections are closed before the fork, so no child shares the parent's socket.
    """
    from django.db import connection, connections

    if workers <= 1 or len(files) < POOL_MIN or connection.in_atomic_block:  # never close a caller's transaction
        yield (_read(*item) for item in files)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    connections.close_all()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def ordered() -> Iterator[_Read]:
        done = 0
        try:
            for r in pool.map(_read_in_child, files, chunksize=4):
                r.data = files[done][1]  # the bytes stay here: no need to send them back through the pipe
                done += 1
                yield r
        except BrokenProcessPool:
            # a reading process died (killed for its memory, say): read the rest here, one by one
            for item in files[done:]:
                yield _read(*item)

    try:
        yield ordered()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_in_child(item: tuple) -> _Read:
    r = _read(*item)
    r.data = b""
    return r


#: below this many files the pool costs more than it saves
POOL_MIN = 32


def _look_up_done(event: Event, jobs: list[_Job], seen: dict[tuple, _Job]) -> None:
    """Files filed before (same bytes, same venue and unit): one query for the chunk; `seen`
    holds the files of this import already on their way, so the same file twice is filed once."""
    from huiwu.receipts.models import Receipt

    shas = {j.read.sha for j in jobs if j.target is not None}
    if not shas:
        return
    latest: dict[tuple, Any] = {}
    for r in Receipt.objects.filter(venue__event=event, source_sha256__in=shas).order_by("version"):
        latest[(r.venue_id, r.unit_id, r.source_sha256)] = r
    for j in jobs:
        if j.target is None:
            continue
        # receipts are filed per unit: a branch's by its host unit, the main venue's by each invited unit
        unit_id = j.filing_unit.pk if j.target.kind == Venue.Kind.MAIN else j.target.host_unit_id
        key = (j.target.pk, unit_id, j.read.sha)
        previous = latest.get(key)
        if previous is not None:
            snap = previous.snapshot or {}
            j.report = _report(j.read.filename, "accepted", venue=j.target, attendees=snap.get("attendees", []),
                               tech_contact=snap.get("tech_contact"), sha256=j.read.sha, version=previous.version,
                               unchanged=True, warnings=[*j.warnings, _("此文件已于之前导入（第%(v)d版），本次未作任何更改。")
                                                         % {"v": previous.version}])
        elif key in seen and not j.dry_run:
            j.same_as = seen[key]  # the same file twice in one batch: the second changes nothing
        elif not j.dry_run:
            seen[key] = j


class _Job:
    """One file through the import: where it goes, the filing it makes, the report it ends with."""

    def __init__(self, read: _Read, *, event: Event, venue: Venue | None, actor: Any, channel: str,
                 dry_run: bool, accept_partial: bool, unit: Unit | None):
        self.read, self.event, self.venue, self.actor, self.channel = read, event, venue, actor, channel
        self.dry_run, self.accept_partial, self.unit = dry_run, accept_partial, unit
        self.report: dict | None = None
        self.target: Venue | None = None
        self.filing_unit: Unit | None = None
        self.filing = None
        self.same_as: _Job | None = None
        self.warnings: list[str] = []
        self.errors: list[dict] = []

    def done(self, status: str, **fields: Any) -> None:
        fields.setdefault("warnings", self.warnings)
        self.report = _report(self.read.filename, status, sha256=self.read.sha, **fields)

    def place_it(self, index: VenueIndex) -> None:
        """Which venue (and main-venue unit) the file is for, and may the actor file it there."""
        read, event, actor = self.read, self.event, self.actor
        if read.unsafe:
            return self.done("rejected", venue=self.venue, errors=[_file_error(read.unsafe)])
        ex = read.extracted
        self.warnings = list(ex.warnings)
        place, doubts, more = resolve_place(index, ex, self.venue)
        self.warnings += more
        unit = self.unit
        if unit is not None and place is not None:
            if place.unit is None:
                place.unit = unit
            elif place.unit.pk != unit.pk and place.venue.kind == Venue.Kind.MAIN:
                doubts.append(_("文件标明的填报单位是“%(file)s”，但提交单位是“%(given)s”。请用本单位的模板重新填写。")
                              % {"file": place.unit.name, "given": unit.name})
        target = place.venue if place else self.venue
        file_errors = [e for e in ex.errors if e["row"] is None]
        if file_errors:
            return self.done("rejected", venue=target, errors=file_errors)
        if doubts:
            return self.done("needs_review", venue=target, attendees=[r.data for r in ex.attendees],
                             tech_contact=ex.tech_contact, errors=[_file_error(d, "venue") for d in doubts])
        assert place is not None
        target = place.venue
        access = None
        if actor is not None:
            from huiwu.accounts.tenancy import Access

            access = Access.for_user(actor)
            if not access.can("venue.edit", event, target):
                return self.done("rejected", venue=target, errors=[_file_error(
                    _("您无权为%(venue)s提交回执。") % {"venue": target.name}, "venue")])
        filing_unit = place.unit
        if target.kind == Venue.Kind.MAIN and filing_unit is None and access is not None:
            own = access.unit_ids(event, target)
            if own and len(own) == 1:  # a main-venue unit's own account: the file is its own
                filing_unit = Unit.objects.filter(pk=next(iter(own))).first()
        if target.kind == Venue.Kind.MAIN and filing_unit is None:
            return self.done("needs_review", venue=target, attendees=[r.data for r in ex.attendees],
                             tech_contact=ex.tech_contact, errors=[_file_error(
                                 _("主会场回执由各参会单位分别填报，但文件中没有写明是哪个单位。请在“填报单位”处写明单位全称后重新提交。"),
                                 "unit")])
        if access is not None and target.kind == Venue.Kind.MAIN and filing_unit is not None:
            allowed = access.unit_ids(event, target)
            if allowed is not None and filing_unit.pk not in allowed:
                return self.done("rejected", venue=target, errors=[_file_error(
                    _("您只能为本单位填报主会场回执，文件标明的单位是“%(unit)s”。") % {"unit": filing_unit.name}, "unit")])
        self.target, self.filing_unit = target, filing_unit

    def prepare(self) -> None:
        """The rows as the service will see them (bad rows found by the reader keep their file
        row numbers), then the filing; a file with bad rows keeps nothing unless the user
        accepts the valid part."""
        if self.same_as is not None:
            return
        ex, target, filing_unit, several = self.read.extracted, self.target, self.filing_unit, self.read.extracted.several_tables
        default_unit = (filing_unit.name if filing_unit else "") or (target.host_unit.name if target.host_unit else "")
        for e in ex.errors:
            self.errors.append({**{k: v for k, v in e.items() if not k.startswith("_")},
                                "message": _("%(place)s：%(message)s")
                                % {"place": row_place(e.get("_where", ""), e["row"], e.get("_seq", ""), several),
                                   "message": e["message"]}})
        bad_rows = {(e.get("_where", ""), e["row"]) for e in ex.errors}
        rows, row_of, checked = [], [], []
        for r, done in zip(ex.attendees, self.read.checked or [None] * len(ex.attendees), strict=True):
            if (r.where, r.row) in bad_rows:
                continue
            given = dict(r.data)
            if not given.get("unit"):
                given["unit"] = default_unit
                done = None  # the unit is the venue's now: check the row again
            rows.append(given)
            row_of.append(r)
            checked.append(done)
        tech = ex.tech_contact
        event = self.event
        if tech and event.rehearsal_contact_phone and fold(tech.get("phone", "")).replace("-", "") == \
                fold(event.rehearsal_contact_phone).replace("-", ""):
            self.warnings.append(_("文件中的“%(name)s”是主办方的技术联系人，不是本会场的视频调试负责人，已忽略。") % {"name": tech["name"]})
            tech = None
        # a branch without a contact: the service says so once (the list is kept, the contact asked for)
        if not rows:
            return self.done("rejected", venue=target, errors=self.errors or [_file_error(
                _("文件中没有参会人员。"), "attendees")])
        self.tech = tech
        check_only = self.dry_run or (bool(self.errors) and not self.accept_partial)
        self._file(rows, row_of, checked, check_only)
        result = self.filing.result
        if not self.filing.pending and self.filing.error is None and result.status != "accepted" \
                and self.accept_partial and result.errors and all(e.get("row") is not None for e in result.errors):
            found = self._row_errors()
            bad = {e["_index"] for e in found}
            keep = [i for i in range(len(rows)) if i + 1 not in bad]
            self.errors += found
            if not keep:
                return self.done("rejected", venue=target, errors=_public(self.errors))
            self._file([rows[i] for i in keep], [row_of[i] for i in keep], [checked[i] for i in keep], self.dry_run)

    def _file(self, rows: list[dict], row_of: list, checked: list, check_only: bool) -> None:
        from huiwu.receipts import services

        target = self.target
        self.rows, self.row_of = rows, row_of
        source = None if check_only else ContentFile(self.read.data, name=Path(self.read.filename).name)
        self.filing = services.prepare_filing(
            target, unit=self.filing_unit if target.kind == Venue.Kind.MAIN else None, attendees=rows,
            tech_contact=self.tech, channel=self.channel, actor=self.actor, source_file=source,
            source_sha256=self.read.sha, file_checked=True,  # looked up for the whole batch: _look_up_done
            dry_run=check_only, checked=checked)

    def _row_errors(self) -> list[dict]:
        """The service's errors said with the file's rows (it counts rows in its list: 第3行 → 第7行)."""
        several = self.read.extracted.several_tables
        out = []
        for e in self.filing.result.errors:
            i = e.get("row")
            message = _rewrite_row_refs(e["message"], self.row_of, several)
            if isinstance(i, int) and 1 <= i <= len(self.row_of):
                r = self.row_of[i - 1]
                out.append({"row": r.row, "field": e["field"], "_index": i,
                            "message": _("%(place)s：%(message)s") % {"place": r.place(several), "message": message}})
            else:
                out.append({"row": None, "field": e.get("field", "file"), "message": message})
        return out

    def finish(self) -> None:
        """The report, once the batch is filed."""
        if self.same_as is not None:
            first = self.same_as.report
            version = first.get("version")
            if first["status"] != "accepted" or version is None:
                self.report = {**first, "file": self.read.filename}
                return
            return self.done("accepted", venue=self.target, attendees=first["attendees"],
                             tech_contact=first["tech_contact"], version=version, unchanged=True,
                             warnings=[*self.warnings, _("此文件已于之前导入（第%(v)d版），本次未作任何更改。") % {"v": version}])
        target, filing, several = self.target, self.filing, self.read.extracted.several_tables
        if filing.error is not None:  # deadline passed, venue full, someone filed at another venue
            field = {"deadline_passed": "deadline", "capacity_full": "capacity",
                     "duplicate_person": "duplicate_person"}.get(filing.error.code, "file")
            message = _rewrite_row_refs(filing.error.message, self.row_of, several)
            return self.done("rejected", venue=target, attendees=self.rows, tech_contact=self.tech,
                             errors=_public([*self.errors, _file_error(message, field)]),
                             warnings=[*self.warnings, *filing.result.warnings])
        result = filing.result
        found = self._row_errors()
        errors = self.errors + found
        warnings = self.warnings + [_rewrite_row_refs(w, self.row_of, several) for w in result.warnings]
        attendees = result.attendees or self.rows
        if result.status != "accepted" or (errors and not self.accept_partial):
            row_problems = [e for e in errors if e["row"] is not None]
            whole_file = [e for e in errors if e["row"] is None]
            bad_count = len({e["row"] for e in row_problems})
            valid = len(self.rows) - len({e["_index"] for e in found if e.get("_index")}) if found else len(self.rows)
            status = "needs_review" if row_problems and not whole_file and valid > 0 else "rejected"
            extra = {}
            if status == "needs_review":
                offer = ngettext("文件中有 %(n)d 行有问题，本次没有保存任何内容。请改正后重新提交；或确认只导入无误的 %(ok)d 行。",
                                 "文件中有 %(n)d 行有问题，本次没有保存任何内容。请改正后重新提交；或确认只导入无误的 %(ok)d 行。",
                                 bad_count) % {"n": bad_count, "ok": valid}
                warnings.append(offer)
                # which warning is the offer to import the valid rows (a mail reply leaves it out)
                extra["partial_offer"] = offer
            return self.done(status, venue=target, attendees=attendees, tech_contact=result.tech_contact or self.tech,
                             errors=_public(errors), warnings=warnings, **extra)
        if errors:
            skipped = len({e["row"] for e in errors if e["row"] is not None})
            warnings.append(ngettext("已按确认只导入无误的 %(ok)d 行，另有 %(n)d 行有问题未导入。",
                                     "已按确认只导入无误的 %(ok)d 行，另有 %(n)d 行有问题未导入。", skipped)
                            % {"ok": len(self.rows), "n": skipped})
        extra: dict[str, Any] = {"dry_run": self.dry_run}
        if result.receipt is not None:
            extra["version"] = result.receipt.version
        if self.dry_run:
            extra["diff"] = result.diff
        self.done("accepted", venue=target, attendees=attendees, tech_contact=result.tech_contact or self.tech,
                  errors=_public(errors), warnings=warnings, **extra)


def _public(errors: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in errors]


def _row_ref_pattern() -> re.Pattern:
    """How services.row_ref says a row, in the active language, as a pattern: 第(\\d+)行 in Chinese,
    and whatever a translation makes of it, so the rewrite never depends on the language."""
    return re.compile(re.escape(_("第%(row)d行")).replace(re.escape("%(row)d"), r"(\d+)"))


def _rewrite_row_refs(message: str, row_of: list, several: bool) -> str:
    """The service counts rows in its list; say the file's row instead (第3行 → 第7行)."""
    def repl(m: re.Match) -> str:
        i = int(m.group(1))
        return row_of[i - 1].place(several) if 1 <= i <= len(row_of) else m.group(0)

    return _row_ref_pattern().sub(repl, message)
