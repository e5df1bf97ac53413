"""Check-in: signed codes, the door's scan (one short transaction), offline batches, attendance.

Codes are laid out like pretix's signed offline tickets, smaller: a 17-byte payload — version byte,
event id, venue id, attendee id (each uint32), valid-until (uint32 Unix seconds) — followed by its
64-byte Ed25519 signature, written in base32 without padding (130 characters of A–Z2–7, which a QR
code stores in alphanumeric mode: a version-7 code at level M). Anyone with the event's public key
(in every roster) can check a code offline; only the server can make one. A code stops working when
its attendee is no longer active (replaced, withdrawn, removed): the roster lists those ids as
revocations, and the server answers `revoked`.

The scan is idempotent under concurrency: `CheckIn.attendee` is unique, so of two doors inserting
the same arrival at once one insert wins and the other reads it back as `already`; a scan's nonce
(offline queue, retries) is unique per event, so sending it again returns the first answer.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from huiwu.admission import engine
from huiwu.admission import services as admission
from huiwu.admission.models import Declaration
from huiwu.audit.models import AuditEntry
from huiwu.audit.services import entry_values, record
from huiwu.core.bulk import insert_columns, row_values
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue

from .models import CheckIn, EventKey, Scan

VERSION = 1
PAYLOAD = struct.Struct(">BIIII")  # version, event, venue, attendee, valid until (Unix seconds)
SIGNATURE_BYTES = 64
CODE_BYTES = PAYLOAD.size + SIGNATURE_BYTES
CODE_CHARS = (CODE_BYTES * 8 + 4) // 5  # 130
B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_INT32 = str.maketrans(B32_ALPHABET, "0123456789abcdefghijklmnopqrstuv")
#: a code works until this long after the event's end
VALID_AFTER_END = timedelta(days=1)
#: most scans one batch may carry (a day's offline queue of a very large venue)
BATCH_LIMIT = 20000

OK, ALREADY, INVALID, REVOKED, WRONG_VENUE, NOT_ELIGIBLE = (
    "ok", "already", "invalid", "revoked", "wrong_venue", "not_eligible")
HTTP_STATUS = {OK: 201, ALREADY: 200, INVALID: 422, REVOKED: 409, WRONG_VENUE: 409, NOT_ELIGIBLE: 409}


# -- keys -----------------------------------------------------------------------------------------
_KEYS: dict[int, tuple[Ed25519PrivateKey, Ed25519PublicKey, bytes]] = {}
_KEYS_LOCK = threading.Lock()


def _load_key(event_id: int) -> tuple[Ed25519PrivateKey, Ed25519PublicKey, bytes]:
    """The event's key pair, made on first use and kept in memory (a scan verifies without a query)."""
    found = _KEYS.get(event_id)
    if found is not None:
        return found
    with _KEYS_LOCK:
        row = EventKey.objects.filter(event_id=event_id).first()
        if row is None:
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            try:
                with transaction.atomic():
                    row = EventKey.objects.create(event_id=event_id, private_key=raw, public_key=public)
                    record("checkin.key_create", event=Event(pk=event_id), note="ed25519")
            except IntegrityError:  # another process made it first: use theirs
                row = EventKey.objects.get(event_id=event_id)
        private = Ed25519PrivateKey.from_private_bytes(bytes(row.private_key))
        pair = (private, private.public_key(), bytes(row.public_key))
        _KEYS[event_id] = pair
        return pair


def public_key(event: Event) -> str:
    """The event's public key, raw 32 bytes in base64url (what the door page imports into WebCrypto)."""
    return base64.urlsafe_b64encode(_load_key(event.pk)[2]).decode().rstrip("=")


# -- codes ----------------------------------------------------------------------------------------
def valid_until(event: Event) -> int:
    return int((event.ends_at + VALID_AFTER_END).timestamp())


def code_for(attendee: Attendee, event: Event | None = None) -> str:
    """The attendee's check-in code (deterministic: Ed25519 signatures are)."""
    event = event or attendee.event
    payload = PAYLOAD.pack(VERSION, event.pk, attendee.venue_id, attendee.pk, valid_until(event))
    signature = _load_key(event.pk)[0].sign(payload)
    return base64.b32encode(payload + signature).decode().rstrip("=")


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR code (alphanumeric mode)."""
    return segno.make(code, error="m", mode="alphanumeric").svg_inline(scale=4, border=4)


@dataclass(frozen=True)
class Code:
    event_id: int
    venue_id: int
    attendee_id: int
    valid_until: int


class CodeInvalid(Exception):
    """Not a code of ours: unreadable, altered, of another event, or expired."""


def read_code(event: Event, text: str, now: datetime | None = None) -> Code:
    """Check the signature with the event's public key and unpack; CodeInvalid with a plain reason."""
    clean = "".join((text or "").split()).upper()
    if len(clean) > 200 or not clean:
        raise CodeInvalid(_("不是本系统的签到码。"))
    if len(clean) != CODE_CHARS or clean.strip(B32_ALPHABET):
        raise CodeInvalid(_("不是本系统的签到码。"))
    # base32 as one big number (C speed; base64.b32decode loops in Python): 130 digits, 2 padding bits
    raw = (int(clean.translate(_TO_INT32), 32) >> 2).to_bytes(CODE_BYTES, "big")
    if raw[0] != VERSION:
        raise CodeInvalid(_("不是本系统的签到码。"))
    payload, signature = raw[:PAYLOAD.size], raw[PAYLOAD.size:]
    _v, event_id, venue_id, attendee_id, until = PAYLOAD.unpack(payload)
    if event_id != event.pk:
        raise CodeInvalid(_("这是其他会议的签到码，不能用于本次会议。"))
    # Ed25519 signatures are deterministic: the one valid signature of this payload is the one the
    # server makes. Re-signing and comparing in constant time is a third of a verification's cost
    # (57 µs against 178 µs here), which is what a 10,000-scan batch spends most of its time on.
    if not hmac.compare_digest(_load_key(event.pk)[0].sign(payload), signature):
        raise CodeInvalid(_("签到码签名不符（可能被篡改或伪造），请核对本人身份后用姓名查找。"))
    if (now or timezone.now()).timestamp() > until:
        raise CodeInvalid(_("签到码已过期（会议已结束）。"))
    return Code(event_id, venue_id, attendee_id, until)


# -- helpers shared by the door page, the API and the board -------------------------------------------
def late_after(event: Event) -> datetime:
    """After this moment an arrival is late: the start minus the arrive-before minutes."""
    return event.starts_at - timedelta(minutes=event.arrive_before_minutes or 0)


def local_hm(moment: datetime | None, event: Event) -> str:
    if moment is None:
        return ""
    return f"{moment.astimezone(admission.event_tz(event)):%H:%M}"


_RULES: dict[tuple, tuple[float, admission.RuleSet]] = {}
RULES_TTL = 1.0


def _kept_rules(event: Event) -> admission.RuleSet:
    """The event's admission rules, made ready to judge with (the verdict of the undeclared per
    venue found once), kept one second per process: a door scanning hundreds of people a second
    reads them once a second, and a rule changed by the organizer holds at the door a second later."""
    key = (event.pk, event.created_at)  # an event made again under the same id is another event
    hit = _RULES.get(key)
    if hit is not None and time.monotonic() - hit[0] < RULES_TTL:
        return hit[1]
    ruleset = admission.rule_set(event)
    _RULES[key] = (time.monotonic(), ruleset)
    return ruleset


_SEATS: dict[int, tuple[float, dict[int, str]]] = {}
SEAT_TTL = 30.0
#: Venue instances a scan uses, kept (`_kept_venue`)
_DOOR_VENUES: dict[tuple, Venue] = {}


def seat_labels(venue: Venue) -> dict[int, str]:
    """Seats from the seating plan (`huiwu.seating.services.seat_labels`), kept 30 s per process."""
    hit = _SEATS.get(venue.pk)
    if hit is not None and time.monotonic() - hit[0] < SEAT_TTL:
        return hit[1]
    from huiwu.seating.services import seat_labels as plan_labels

    labels = dict(plan_labels(venue))
    _SEATS[venue.pk] = (time.monotonic(), labels)
    return labels


def person(attendee: Attendee | DoorPerson, seat: str = "") -> dict:
    """What the door shows of a person: no phone, no health detail."""
    return {"id": attendee.pk, "name": attendee.name, "unit": attendee.unit, "position": attendee.position,
            "seat": seat, "venue": attendee.venue.code, "venue_name": attendee.venue.name}


def verdict_dict(dv: admission.DoorVerdict) -> dict:
    return {"verdict": dv.verdict, "label": dv.label, "rules": dv.rules if dv.verdict != engine.ELIGIBLE else []}


# -- the scan ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    """One scan's answer; `body()` is the API's JSON, `http` its status."""

    status: str
    message: str = ""
    attendee: dict | None = None
    verdict: dict | None = None
    late: bool = False
    checked_in_at: datetime | None = None
    checked_in_hm: str = ""
    venue: dict | None = None
    nonce: str = ""
    duplicate: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def http(self) -> int:
        return HTTP_STATUS[self.status]

    def body(self) -> dict:
        out: dict[str, Any] = {"status": self.status, "attendee": self.attendee, "verdict": self.verdict,
                               "late": self.late, "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
                               "checked_in_hm": self.checked_in_hm, "message": self.message}
        if self.venue is not None:
            out["venue"] = self.venue
        if self.nonce:
            out["nonce"] = self.nonce
        if self.duplicate:
            out["duplicate"] = True
        return out

    def error_body(self) -> dict:
        """The PRODUCT.md error shape for invalid / revoked / wrong_venue / not_eligible, with the details."""
        return {"error": {"code": self.status, "message": self.message, "fields": {}, **self.body()}}

    def response(self) -> tuple[int, dict]:
        return self.http, (self.body() if self.http < 400 else self.error_body())


def _at(at: datetime | None, now: datetime) -> datetime:
    """The scan's moment: the scanner's clock for an offline scan, never in the future."""
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return min(at, now)


def _already(ci: CheckIn | Arrival, att: dict, event: Event, nonce: str = "") -> Result:
    hm = local_hm(ci.at, event)
    return Result(ALREADY, _("已签到 %(time)s") % {"time": hm}, att, {"verdict": ci.verdict} if ci.verdict else None,
                  ci.late, ci.at, hm, nonce=nonce)


def _judge(event: Event, code: Code | None, attendee: DoorPerson | None, venue: Venue | None,
           dv: admission.DoorVerdict | None, seat: str) -> Result | None:
    """The checks before an arrival is recorded; None when the person may be checked in."""
    if attendee is None or attendee.status != Attendee.Status.ACTIVE or attendee.venue_id != code.venue_id:
        who = attendee.name if attendee is not None else ""
        msg = (_("%(name)s的签到码已作废（人员已更换或撤回），请勿放行，并联系本会场联系人。") % {"name": who} if who
               else _("该签到码已作废（人员已更换或撤回），请勿放行。"))
        return Result(REVOKED, msg, person(attendee, seat) if attendee is not None else None)
    att = person(attendee, seat)
    if venue is not None and attendee.venue_id != venue.pk:
        right = attendee.venue
        return Result(WRONG_VENUE, _("走错会场：%(name)s应到“%(venue)s”签到。") % {"name": attendee.name, "venue": right.name},
                      att, venue={"code": right.code, "name": right.name, "address": right.address})
    existing = attendee.checkin
    if existing is not None:
        return _already(existing, att, event)
    if dv is not None and dv.verdict == engine.NOT_ELIGIBLE:
        return Result(NOT_ELIGIBLE, _("不符合入场条件：%(rules)s。请勿放行，并联系本会场联系人安排替换。") % {
            "rules": _("；").join(dv.rules)}, att, verdict_dict(dv))
    return None


@dataclass(slots=True)
class Arrival:
    """A person's arrival as a scan reads it (the fields of `CheckIn` it uses)."""

    at: datetime
    late: bool
    verdict: str
    nonce: str
    device: str


@dataclass(slots=True, eq=False)
class DoorPerson:
    """What a scan reads of a person (`_people` builds it from one row): lighter than an Attendee
    with its venue, arrival and declaration as model objects, which a 10,000-scan batch feels."""

    pk: int
    venue_id: int
    status: str
    name: str
    unit: str
    position: str
    venue: Venue
    #: the arrival, if checked in
    checkin: Arrival | None
    #: the current health declaration, if any
    door_declaration: Declaration | None


def _people(event: Event, ids: list[int]) -> dict[int, DoorPerson]:
    """The scanned people with their venues, arrivals and current declarations, in one statement
    per 900 ids.

    The ORM would take two queries and most of a scan's CPU to compile them (and to build three model
    objects per person of a batch); a `DoorPerson` carries just what the scan reads (`_judge`,
    `person`, the verdict).
    """
    a, v, c, d = (m._meta.db_table for m in (Attendee, Venue, CheckIn, Declaration))
    venues: dict[int, Venue] = {}
    out: dict[int, DoorPerson] = {}
    for where, params in _id_lists(ids):
        sql = (f"SELECT a.id, a.venue_id, a.status, a.name, a.unit, a.position, v.code, v.name, v.address, v.kind, "
               f"c.id, c.at, c.late, c.verdict, c.nonce, c.device, d.id, d.answers, d.verdict, d.verdict_rules, "
               f"d.verdict_titles, d.submitted_at FROM {a} a JOIN {v} v ON v.id = a.venue_id "
               f"LEFT JOIN {c} c ON c.attendee_id = a.id "
               f"LEFT JOIN {d} d ON d.attendee_id = a.id AND d.current "
               f"WHERE a.event_id = %s AND a.id {where}")
        with connection.cursor() as cur:
            cur.execute(sql, [event.pk, *params])
            rows = cur.fetchall()
        for (aid, venue_id, status, name, unit, position, code, vname, address, kind,
             cid, at, late, verdict, nonce, device, did, answers, dverdict, drules, dtitles, submitted) in rows:
            if venue_id not in venues:
                venues[venue_id] = _kept_venue(event, venue_id, code=code, name=vname, address=address, kind=kind)
            checkin = None if cid is None else Arrival(_db_moment(at), bool(late), verdict, nonce, device)
            declaration = None if did is None else Declaration(
                id=did, attendee_id=aid, event_id=event.pk, answers=_db_json(answers), verdict=dverdict,
                verdict_rules=_db_json(drules) or [], verdict_titles=_db_json(dtitles) or [], current=True,
                submitted_at=_db_moment(submitted) if submitted is not None else None)
            attendee = DoorPerson(aid, venue_id, status, name, unit, position, venues[venue_id], checkin, declaration)
            out[aid] = attendee
    return out


def _kept_venue(event: Event, venue_id: int, **fields: str) -> Venue:
    """A Venue carrying just its id and `fields`, kept while they stay the same: a scan would
    otherwise build one (`door_venue`, `_people`), which costs more than reading it."""
    key = (event.pk, event.created_at, venue_id, *fields.items())
    venue = _DOOR_VENUES.get(key)
    if venue is None:
        venue = _DOOR_VENUES[key] = Venue(id=venue_id, event_id=event.pk, **fields)
    return venue


def _db_moment(value: Any) -> datetime:
    """A timestamp from a raw query: aware already on PostgreSQL, text or naive UTC on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


def _db_json(value: Any) -> Any:
    """A JSON column from a raw query (Django reads jsonb as text on PostgreSQL, as SQLite stores it)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def scan(event: Event, code_text: str, *, venue: Venue | None = None, user: Any = None, nonce: str = "",
         at: datetime | None = None, device: str = "", offline: bool = False) -> Result:
    """Check one person in by their code at `venue` (None: wherever their code says).

    One read (person, venue, arrival, declaration) happens before the one short write: the
    arrival, its audit entry and the nonce's answer (a single statement on PostgreSQL). Two doors
    at the same instant: the unique arrival makes the second one `already`.
    """
    now = timezone.now()
    nonce = (nonce or "")[:64]
    try:
        code = read_code(event, code_text, now)
    except CodeInvalid as exc:
        result = Result(INVALID, str(exc), nonce=nonce)
        _remember(event, venue, None, nonce, device, result, now, offline, user)
        return result
    attendee = _people(event, [code.attendee_id]).get(code.attendee_id)
    seat = seat_labels(attendee.venue).get(attendee.pk, "") if attendee is not None else ""
    if _is_retry(attendee, nonce):
        return _retried(attendee.checkin, attendee, seat, event, nonce)
    early = _judge(event, code, attendee, venue, None, seat)
    if early is not None:
        early.nonce = nonce
        _remember(event, venue, attendee, nonce, device, early, now, offline, user)
        return early
    decls = {attendee.pk: attendee.door_declaration} if attendee.door_declaration is not None else {}
    dv = admission.verdicts([attendee], event, _kept_rules(event), decls)[0][1]  # door_verdict's rules
    refused = _judge(event, code, attendee, venue, dv, seat)
    if refused is not None:
        refused.nonce = nonce
        _remember(event, venue, attendee, nonce, device, refused, now, offline, user)
        return refused
    moment = _at(at, now)
    late = moment > late_after(event)
    att = person(attendee, seat)
    by = user if getattr(user, "is_authenticated", False) else None
    hm = local_hm(moment, event)
    result = Result(OK, _("签到成功 %(time)s") % {"time": hm}, att, verdict_dict(dv), late, moment, hm, nonce=nonce)
    if late:
        result.message = _("迟到 %(time)s（应于%(due)s前到场）") % {"time": hm, "due": local_hm(late_after(event), event)}
    arrival = {"event_id": event.pk, "venue_id": attendee.venue_id, "attendee_id": attendee.pk, "at": moment,
               "late": late, "verdict": dv.verdict, "device": device[:40], "nonce": nonce, "offline": offline,
               "by_id": by.pk if by is not None else None}
    audit = entry_values("checkin.scan", actor=user, event_id=event.pk, venue_id=attendee.venue_id,
                         object_type=CheckIn._meta.label_lower,
                         after={"attendee": attendee.pk, "late": late, "offline": offline, "device": device[:40]})
    if not _write_arrival(arrival, audit):
        # another door (or this scan, sent again meanwhile) won the race: read the winner back
        ci = CheckIn.objects.get(attendee_id=attendee.pk)
        if nonce and ci.nonce == nonce:
            return _retried(ci, attendee, seat, event, nonce)
        result = _already(ci, att, event, nonce)
        result.duplicate = offline and ci.device != device
        _remember(event, venue, attendee, nonce, device, result, now, offline, user)
        return result
    return result


def _is_retry(attendee: DoorPerson | None, nonce: str) -> bool:
    """This scan was sent before and checked the person in: its nonce is on their arrival."""
    return bool(nonce) and attendee is not None and attendee.checkin is not None and attendee.checkin.nonce == nonce


def _retried(ci: CheckIn | Arrival, attendee: DoorPerson, seat: str, event: Event, nonce: str,
             welcome: str = "") -> Result:
    """The answer to a scan sent again (a retry, a batch synced twice): the arrival it made.

    An arrival keeps its scan's nonce, so scans that check someone in need no row of their own in
    `Scan` (which keeps the answers of the others: refused, already, invalid)."""
    hm = local_hm(ci.at, event)
    return Result(OK, (welcome or _("签到成功 %(time)s")) % {"time": hm}, person(attendee, seat), {"verdict": ci.verdict},
                  ci.late, ci.at, hm, nonce=nonce)


@functools.cache
def _arrival_sql() -> tuple[str, list[bool]]:
    """`_write_arrival`'s statement for PostgreSQL (made once per process) and which of the audit
    entry's insert values it takes (all but object_id, which is the new arrival's id)."""
    quote = connection.ops.quote_name

    def columns(model: Any, skip: str = "") -> tuple[str, str, list[bool]]:
        names = insert_columns(model)
        keep = [a != skip for a in names]
        cols = ", ".join(quote(model._meta.get_field(a).column) for a in names if a != skip)
        return cols, ", ".join(["%s"] * sum(keep)), keep

    ci_cols, ci_marks, _keep = columns(CheckIn)
    au_cols, au_marks, au_keep = columns(AuditEntry, skip="object_id")
    sql = (f"WITH ci AS (INSERT INTO {CheckIn._meta.db_table} ({ci_cols}) VALUES ({ci_marks}) "
           f"ON CONFLICT (attendee_id) DO NOTHING RETURNING id), "
           f"au AS (INSERT INTO {AuditEntry._meta.db_table} ({au_cols}, object_id) "
           f"SELECT {au_marks}, ci.id::text FROM ci) SELECT id FROM ci")
    return sql, au_keep


def _write_arrival(arrival: dict[str, Any], audit: dict[str, Any]) -> bool:
    """Insert the arrival and its audit entry (column values by attname); False when the person
    was checked in meanwhile (nothing written).

    PostgreSQL: one statement (a data-modifying CTE: the audit entry is inserted only from the
    arrival actually inserted), so a scan costs one round trip and one commit. Other databases: the
    two inserts in one transaction.
    """
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                row = CheckIn(**arrival)
                row.save(force_insert=True)
                AuditEntry(**{**audit, "object_id": str(row.pk)}).save(force_insert=True)
        except IntegrityError:
            if CheckIn.objects.filter(attendee_id=arrival["attendee_id"]).exists():
                return False
            raise
        return True
    sql, audit_keep = _arrival_sql()
    values = [*row_values(CheckIn, arrival),
              *(v for keep, v in zip(audit_keep, row_values(AuditEntry, audit), strict=True) if keep)]
    with connection.cursor() as cur:
        cur.execute(sql, values)
        return cur.fetchone() is not None


def _replay(status: str, body: dict, nonce: str) -> Result:
    """The answer stored for a nonce, given again (a retry changes nothing)."""
    body = dict(body or {})
    r = Result(status, body.get("message", ""), body.get("attendee"), body.get("verdict"), bool(body.get("late")),
               None, body.get("checked_in_hm", ""), body.get("venue"), nonce, bool(body.get("duplicate")))
    if body.get("checked_in_at"):
        r.checked_in_at = datetime.fromisoformat(body["checked_in_at"])
    return r


def _remember(event: Event, venue: Venue | None, attendee: DoorPerson | None, nonce: str, device: str,
              result: Result, now: datetime, offline: bool, user: Any) -> None:
    """Keep a refused or repeated scan's answer under its nonce (only scans that carry one)."""
    if not nonce:
        return
    Scan.objects.bulk_create([Scan(event=event, venue=venue, attendee_id=attendee.pk if attendee is not None else None,
                                   nonce=nonce, device=device[:40],
                                   status=result.status, result=result.body(), at=now, offline=offline,
                                   duplicate=result.duplicate,
                                   by=user if getattr(user, "is_authenticated", False) else None)],
                             ignore_conflicts=True)


# -- offline batches ---------------------------------------------------------------------------------------
def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _id_lists(values: list):
    """`("IN (…)" or "= ANY(%s)", params)` for raw SQL matching many values: PostgreSQL takes
    them all as one array (psycopg reads a query with thousands of placeholders slowly); SQLite in
    chunks within its limit of variables."""
    if not values:
        return
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [list(values)]
        return
    for chunk in _chunks(values):
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def scan_batch(event: Event, items: list[dict], *, venue: Venue | None = None, user: Any = None,
               device: str = "") -> list[Result]:
    """Many scans made offline (`{"code", "nonce", "at"}` each), one answer each, in their order.

    Earlier scans win (sorted by their moment); a nonce seen before gives its first answer again;
    a person another door already checked in is `already`, and marked a duplicate when that door
    was another device (shown to the organizer; counted once). Reads happen in bulk, then one
    transaction inserts the arrivals, the nonces' answers and the audit entries.
    """
    if len(items) > BATCH_LIMIT:
        from huiwu.core.errors import Invalid

        raise Invalid(_("一次最多同步%(n)s条扫码记录，请分批提交。") % {"n": BATCH_LIMIT})
    now = timezone.now()
    device = (device or "")[:40]
    by = user if getattr(user, "is_authenticated", False) else None
    results: list[Result | None] = [None] * len(items)
    nonces = [str(it.get("nonce") or "")[:64] for it in items]
    seen: dict[str, tuple[str, dict]] = {}
    for where, params in _id_lists([n for n in nonces if n]):
        with connection.cursor() as cur:
            cur.execute(f"SELECT nonce, status, result FROM {Scan._meta.db_table} WHERE event_id = %s AND nonce {where}",
                        [event.pk, *params])
            seen.update({n: (st, _db_json(r)) for n, st, r in cur.fetchall()})
    codes: dict[int, Code] = {}
    first_of_nonce: dict[str, int] = {}
    for i, it in enumerate(items):
        n = nonces[i]
        if n in seen:
            results[i] = _replay(*seen[n], n)
            continue
        if n and n in first_of_nonce:
            continue  # the same nonce twice in one batch: answered like its first
        if n:
            first_of_nonce[n] = i
        try:
            codes[i] = read_code(event, str(it.get("code") or ""), now)
        except CodeInvalid as exc:
            results[i] = Result(INVALID, str(exc), nonce=n)
    ids = sorted({c.attendee_id for c in codes.values()})
    people = _people(event, ids)
    seats: dict[int, dict[int, str]] = {}

    def seat(a: DoorPerson) -> str:
        if a.venue_id not in seats:
            seats[a.venue_id] = seat_labels(a.venue)
        return seats[a.venue_id].get(a.pk, "")

    pending: list[int] = []
    welcome = _("签到成功 %(time)s")  # translated once for the batch
    for i, code in codes.items():
        a = people.get(code.attendee_id)
        if _is_retry(a, nonces[i]):
            results[i] = _retried(a.checkin, a, seat(a), event, nonces[i], welcome)
            continue
        early = _judge(event, code, a, venue, None, seat(a) if a is not None else "")
        if early is not None:
            early.nonce = nonces[i]
            if early.status == ALREADY and early.checked_in_at is not None:
                early.duplicate = a.checkin.device != device
            results[i] = early
        else:
            pending.append(i)
    judged = {codes[i].attendee_id: people[codes[i].attendee_id] for i in pending}
    decls = {a.pk: a.door_declaration for a in judged.values() if a.door_declaration is not None}
    verdicts = dict(admission.verdicts(list(judged.values()), event, _kept_rules(event), decls))
    shown: dict[int, dict] = {}  # verdict_dict once per verdict (the undeclared of a venue share one)
    winners: dict[int, int] = {}  # attendee -> index of the earliest scan of them in this batch
    cutoff = late_after(event)
    for i in sorted(pending, key=lambda j: (_at(_parse_at(items[j].get("at")), now), j)):
        a = people[codes[i].attendee_id]
        dv = verdicts[a]
        refused = _judge(event, codes[i], a, venue, dv, seat(a))
        if refused is not None:
            refused.nonce = nonces[i]
            results[i] = refused
        elif a.pk in winners:
            first = results[winners[a.pk]]
            results[i] = Result(ALREADY, _("已签到 %(time)s") % {"time": first.checked_in_hm}, first.attendee,
                                first.verdict, first.late, first.checked_in_at, first.checked_in_hm, nonce=nonces[i])
        else:
            moment = _at(_parse_at(items[i].get("at")), now)
            hm = local_hm(moment, event)
            late = moment > cutoff
            winners[a.pk] = i
            if id(dv) not in shown:
                shown[id(dv)] = verdict_dict(dv)
            results[i] = Result(OK, welcome % {"time": hm}, person(a, seat(a)), shown[id(dv)],
                                late, moment, hm, nonce=nonces[i])
    for i, n in enumerate(nonces):
        if results[i] is None and n in first_of_nonce:
            results[i] = results[first_of_nonce[n]]
    with transaction.atomic():
        won = _insert_arrivals(event, [(aid, i) for aid, i in winners.items()], results, people, nonces,
                               device, by)
        lost = [aid for aid in winners if aid not in won]
        if lost:  # another door got there first, meanwhile
            for ci in CheckIn.objects.filter(attendee_id__in=lost):
                i = winners[ci.attendee_id]
                results[i] = _already(ci, results[i].attendee, event, nonces[i])
                results[i].duplicate = ci.device != device
        dupes = sorted({r.attendee["id"] for r in results if r is not None and r.duplicate and r.nonce not in seen})
        if won or dupes:
            record("checkin.batch", actor=user, event=event, venue=venue if venue is not None and venue.pk else None,
                   after={"checked_in": sorted(won), "duplicates": dupes, "device": device, "scans": len(items)})
        _insert_scans(event, venue, [(n, results[i]) for i, n in enumerate(nonces)  # arrivals keep their own
                                     if n and results[i] is not None and first_of_nonce.get(n) == i
                                     and results[i].status != OK],
                      device, by, now)
    return [r for r in results if r is not None]


def _insert_arrivals(event: Event, winners: list[tuple[int, int]], results: list, people: dict[int, DoorPerson],
                     nonces: list[str], device: str, by: Any) -> set[int]:
    """Insert the batch's arrivals, skipping people already in; the ids actually inserted.

    PostgreSQL: one INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING (Django's
    bulk_create would quote 10,000 rows of values in Python); elsewhere bulk_create, then a read-back.
    """
    if not winners:
        return set()
    if connection.vendor == "postgresql":
        sql = (f'INSERT INTO {CheckIn._meta.db_table} (event_id, venue_id, attendee_id, "at", received_at, late, '
               "verdict, device, nonce, offline, by_id) "
               "SELECT %s, v, a, t, now(), l, vd, %s, n, true, %s FROM jsonb_to_recordset(%s::jsonb) "
               "AS x(v bigint, a bigint, t timestamptz, l bool, vd text, n text) "
               "ON CONFLICT (attendee_id) DO NOTHING RETURNING attendee_id")
        rows = json.dumps([{"v": people[aid].venue_id, "a": aid, "t": results[i].checked_in_at.isoformat(),
                            "l": results[i].late, "vd": results[i].verdict["verdict"], "n": nonces[i]}
                           for aid, i in winners], ensure_ascii=False)
        with connection.cursor() as cur:
            cur.execute(sql, [event.pk, device, by.pk if by is not None else None, rows])
            return {row[0] for row in cur.fetchall()}
    CheckIn.objects.bulk_create([
        CheckIn(event=event, venue_id=people[aid].venue_id, attendee_id=aid, at=results[i].checked_in_at,
                late=results[i].late, verdict=results[i].verdict["verdict"], device=device, nonce=nonces[i],
                offline=True, by=by) for aid, i in winners], ignore_conflicts=True, batch_size=2000)
    mine = {aid: nonces[i] for aid, i in winners}
    won: set[int] = set()
    for chunk in _chunks(list(mine)):
        won.update(a for a, n, d in CheckIn.objects.filter(attendee_id__in=chunk).values_list("attendee_id", "nonce", "device")
                   if n == mine[a] and d == device)
    return won


def _insert_scans(event: Event, venue: Venue | None, rows: list[tuple[str, Result]], device: str, by: Any,
                  now: datetime) -> None:
    """Keep each nonce's answer (a repeated batch returns them again); conflicts (a racing retry) skipped."""
    if not rows:
        return
    venue_id = venue.pk if venue is not None else None
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO {Scan._meta.db_table} (event_id, venue_id, attendee_id, nonce, device, status, result, "
               '"at", received_at, offline, duplicate, by_id) '
               "SELECT %s, %s, a, n, %s, s, r, t, now(), true, d, %s FROM jsonb_to_recordset(%s::jsonb) "
               "AS x(a bigint, n text, s text, r jsonb, t timestamptz, d bool) "
               "ON CONFLICT (event_id, nonce) DO NOTHING")
        doc = json.dumps([{"a": (r.attendee or {}).get("id"), "n": n, "s": r.status, "r": r.body(),
                           "t": (r.checked_in_at or now).isoformat(), "d": r.duplicate} for n, r in rows],
                         ensure_ascii=False)
        with connection.cursor() as cur:
            cur.execute(sql, [event.pk, venue_id, device, by.pk if by is not None else None, doc])
        return
    Scan.objects.bulk_create([
        Scan(event=event, venue_id=venue_id, attendee_id=(r.attendee or {}).get("id"), nonce=n, device=device,
             status=r.status, result=r.body(), at=r.checked_in_at or now, offline=True, duplicate=r.duplicate, by=by)
        for n, r in rows], ignore_conflicts=True, batch_size=2000)


def _parse_at(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


# -- the roster -------------------------------------------------------------------------------------------
def roster(venue: Venue) -> dict:
    """Everything a door needs to work offline: people with codes and verdicts, key, revocations.

    No phone numbers (only the last four digits, for the search), no health answers.
    """
    event = venue.event
    rows = admission.venue_verdicts(venue)
    arrivals = {c.attendee_id: c for c in CheckIn.objects.filter(venue=venue)}
    seats = seat_labels(venue)
    people = []
    for a, dv in rows:
        ci = arrivals.get(a.pk)
        people.append({
            "id": a.pk, "name": a.name, "unit": a.unit, "position": a.position, "seat": seats.get(a.pk, ""),
            "code": code_for(a, event), "verdict": dv.verdict, "verdict_label": dv.label,
            "rules": dv.rules if dv.verdict != engine.ELIGIBLE else [],
            "phone_last4": a.phone[-4:] if a.phone else "",
            "checked_in_at": ci.at.isoformat() if ci else None, "checked_in_hm": local_hm(ci.at, event) if ci else "",
            "late": ci.late if ci else False,
        })
    revoked = list(Attendee.objects.filter(event=event).exclude(status=Attendee.Status.ACTIVE)
                   .values_list("pk", flat=True))
    venues = {str(v["id"]): {"code": v["code"], "name": v["name"]}
              for v in Venue.objects.filter(event=event).values("id", "code", "name")}
    return {
        "event": event.slug, "event_id": event.pk, "venue": {"id": venue.pk, "code": venue.code, "name": venue.name},
        "public_key": public_key(event), "key_algorithm": "Ed25519", "code_version": VERSION,
        "late_after": late_after(event).isoformat(), "time_zone": event.time_zone,
        "generated_at": timezone.now().isoformat(), "venues": venues,
        "attendees": people, "revocations": revoked,
    }


# -- attendance -------------------------------------------------------------------------------------------
ATTENDANCE_TTL = 10


def _stamp(event: Event) -> str:
    """What the not-eligible counts depend on: declarations, rules and the attendee lists."""
    from huiwu.admission.models import AdmissionRule, Declaration

    d = Declaration.objects.filter(event=event).aggregate(n=Count("id"), m=Max("id"))
    r = AdmissionRule.objects.filter(event=event).aggregate(n=Count("id"), m=Max("updated_at"))
    a = Attendee.objects.filter(event=event).aggregate(n=Count("id"), m=Max("updated_at"))
    return f"{d['n']}.{d['m']}.{r['n']}.{r['m']}.{a['n']}.{a['m']}"


def not_eligible_counts(event: Event) -> dict[int, int]:
    """Per venue id: active attendees judged not eligible (cached until a declaration, rule or list changes)."""
    key = f"checkin:ne:{event.pk}:" + hashlib.sha256(_stamp(event).encode()).hexdigest()[:32]
    counts = cache.get(key)
    if counts is None:
        counts = {}
        for a, dv in admission.event_verdicts(event):
            if dv.verdict == engine.NOT_ELIGIBLE:
                counts[a.venue_id] = counts.get(a.venue_id, 0) + 1
        cache.set(key, counts, 3600)
    return counts


def attendance(event: Event) -> dict:
    """Per venue: expected (active attendees), checked in, late, not eligible, replaced; and totals.

    The shape of `GET /api/v1/events/{event}/attendance`; the attendance report uses it too.
    """
    venues = list(Venue.objects.filter(event=event).order_by("order", "id").values("id", "code", "name", "kind"))
    by_status: dict[tuple[int, str], int] = {
        (row["venue_id"], row["status"]): row["n"]
        for row in Attendee.objects.filter(event=event).values("venue_id", "status").annotate(n=Count("id"))}
    arrived = {row["venue_id"]: row for row in CheckIn.objects.filter(event=event).values("venue_id")
               .annotate(n=Count("id"), late=Count("id", filter=Q(late=True)), last=Max("at"))}
    dupes = dict(Scan.objects.filter(event=event, duplicate=True).values_list("venue_id").annotate(n=Count("id")))
    ne = not_eligible_counts(event)
    rows = []
    keys = ("expected", "checked_in", "late", "not_eligible", "replaced", "withdrawn", "duplicates")
    totals = {k: 0 for k in keys}
    for v in venues:
        got = arrived.get(v["id"]) or {}
        row = {
            "venue": v["code"], "name": v["name"], "kind": v["kind"],
            "expected": by_status.get((v["id"], Attendee.Status.ACTIVE), 0),
            "checked_in": got.get("n", 0), "late": int(got.get("late") or 0),
            "not_eligible": ne.get(v["id"], 0),
            "replaced": by_status.get((v["id"], Attendee.Status.REPLACED), 0),
            "withdrawn": by_status.get((v["id"], Attendee.Status.WITHDRAWN), 0),
            "duplicates": dupes.get(v["id"], 0),
            "last_at": got["last"].isoformat() if got.get("last") else None,
        }
        for k in keys:
            totals[k] += row[k]
        rows.append(row)
    return {"event": event.slug, "venues": rows, "totals": totals, "late_after": late_after(event).isoformat(),
            "time_zone": event.time_zone,
            "version": board_version(event), "at": timezone.now().isoformat()}


def board_version(event: Event) -> str:
    """Changes with every arrival (a cheap indexed count): what open boards poll for."""
    agg = CheckIn.objects.filter(event=event).aggregate(n=Count("id"), m=Max("id"))
    d = Scan.objects.filter(event=event, duplicate=True).count()
    return f"{agg['n']}.{agg['m'] or 0}.{d}"


def duplicates(event: Event) -> list[dict]:
    """Offline scans of a person another door had already let in (for the organizer)."""
    out = []
    rows = (Scan.objects.filter(event=event, duplicate=True).select_related("attendee", "venue")
            .order_by("-received_at")[:200])
    first = {c.attendee_id: c for c in CheckIn.objects.filter(attendee_id__in=[s.attendee_id for s in rows])}
    for s in rows:
        ci = first.get(s.attendee_id)
        out.append({"name": s.attendee.name if s.attendee else "", "venue": s.venue.name if s.venue else "",
                    "device": s.device, "at": local_hm(s.at, event),
                    "first_at": local_hm(ci.at, event) if ci else "", "first_device": ci.device if ci else ""})
    return out


def _day_rows(venue: Venue, unit_ids: set[int] | None = None,
              phone: Callable[[str], str] | None = None) -> list[dict]:
    """The venue's active people on the day (of `unit_ids` only, for a main-venue unit): name,
    unit, position, seat, the door verdict and their arrival; the phone as `phone` shows it, if
    given. Never health answers."""
    event = venue.event
    seats = seat_labels(venue)
    arrivals = {c.attendee_id: c for c in CheckIn.objects.filter(venue=venue).only("attendee_id", "at", "late")}
    rows = []
    for a, dv in admission.venue_verdicts(venue, unit_ids):
        ci = arrivals.get(a.pk)
        rows.append({"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position,
                     "seat": seats.get(a.pk, ""), "verdict": dv.verdict, "verdict_label": dv.label,
                     "rules": _("；").join(dv.rules) if dv.verdict != engine.ELIGIBLE else "",
                     "at": ci.at if ci else None, "checked_in": local_hm(ci.at, event) if ci else "",
                     "late": bool(ci and ci.late)})
        if phone is not None:
            rows[-1]["phone"] = phone(a.phone)
    return rows


def security_list(event: Event) -> list[dict]:
    """The main venue's people for the security desk: name, unit, position, seat, verdict, arrival."""
    main = Venue.objects.filter(event=event, kind=Venue.Kind.MAIN).select_related("event").first()
    if main is None:
        return []
    return _day_rows(main)


def venue_arrivals(venue: Venue, unit_ids: set[int] | None = None, *, show_phone: bool = False) -> dict:
    """Who is in and who is not yet at one venue (of `unit_ids` only, for a main-venue unit): the
    list a coordinator phones the missing from on the day. Phones in full only for `show_phone`
    (roles with attendee.phone), else masked; never health answers, only the door verdict."""
    from huiwu.core.text import mask_mobile

    arrived, missing = [], []
    for row in _day_rows(venue, unit_ids, phone=(lambda p: p) if show_phone else mask_mobile):
        (arrived if row["at"] else missing).append(row)
    arrived.sort(key=lambda r: r["at"], reverse=True)  # the latest first
    return {"arrived": arrived, "missing": missing, "expected": len(arrived) + len(missing),
            "late": sum(r["late"] for r in arrived), "late_after": local_hm(late_after(venue.event), venue.event)}


def code_cards(venue: Venue, unit_ids: set[int] | None = None, *, actor: Any = None) -> list[dict]:
    """入场凭证: each active attendee's code with what the card prints (name, unit, position, seat),
    in the list's order; `unit_ids` narrows it to a main-venue unit's own people.

    For people who will not open a link on a phone: the coordinator prints the cards and hands
    them out, as official meetings hand out 参会证. A replaced person's card stops working.
    Audited (who printed whose codes)."""
    event = venue.event
    people = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).order_by("order", "id")
    if unit_ids is not None:
        people = people.filter(filed_by_unit_id__in=unit_ids)
    seats = seat_labels(venue)
    cards = []
    for a in people.only("id", "venue_id", "name", "unit", "position"):
        code = code_for(a, event)
        cards.append({"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position,
                      "seat": seats.get(a.pk, ""), "code": code, "qr": qr_svg(code)})
    # the codes let their holders in: who printed whose is kept, as an export of names is
    record("checkin.cards", actor=actor, event=event, venue=venue, after={"attendees": [c["id"] for c in cards]})
    return cards


def door_venue(user: Any, event: Event) -> Venue | None:
    """The venue a door account is bound to on this event (None for organizers), from the memberships
    the tenancy layer already loaded: a Venue carrying only its id."""
    from huiwu.accounts.models import Role
    from huiwu.accounts.tenancy import Access

    ids = sorted(m.venue_id for m in Access.for_user(user).memberships
                 if m.role == Role.DOOR and m.event_id == event.pk and m.venue_id)
    if not ids:
        return None
    return _kept_venue(event, ids[0])  # only its id is used by the scan: no query


def purge_keys_for_tests() -> None:
    """Forget the keys kept in memory (a test that empties the database made new ones)."""
    _KEYS.clear()
    _SEATS.clear()
    _RULES.clear()
    _DOOR_VENUES.clear()
