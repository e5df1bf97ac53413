"""Mail intake: receipts e-mailed to the intake mailbox, as the seed asked units to do.

Each message is parsed with the standard library (policy.default) under a size limit; every
attachment goes through the document importer with channel "email"; the sender is matched to
a venue's coordinator where the address is known (a membership, an invitation or the rehearsal
contact), so a file for another venue, or a known venue's file from a stranger, waits for
review. A Message-ID handled once is never handled again (receipts.InboundMail). With
`reply`, the sender gets a Chinese answer listing what was accepted and what to fix.
Sources: .eml files, an mbox, or an IMAP folder (imap-tools).
"""

from __future__ import annotations

import hashlib
import logging
import mailbox
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.accounts.models import Invitation, Membership, Role
from huiwu.core.files.safety import MACRO_EXTENSIONS, SUPPORTED, extension
from huiwu.events.models import Event, Unit
from huiwu.venues.models import Venue

from .documents.importer import import_file
from .models import InboundMail, TechContact

log = logging.getLogger(__name__)

#: most attachments read from one message
MAX_ATTACHMENTS = 20
SKIP_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "bmp", "webp", "ics", "vcf", "p7s", "asc", "sig", "emz", "wmz"}
SKIP_TYPES = ("image/", "audio/", "video/", "text/calendar", "application/pgp-signature", "application/pkcs7-signature")


def max_message_bytes() -> int:
    """A message may carry a few receipts (base64 adds a third)."""
    return settings.HUIWU_MAX_UPLOAD_BYTES * 3


# -- who sent it -----------------------------------------------------------------------------------
@dataclass
class Sender:
    address: str
    venue: Venue | None = None
    unit: Unit | None = None
    user: Any = None
    how: str = ""  # membership | invitation | tech_contact | organizer


def match_sender(event: Event, address: str) -> Sender:
    """The venue (and unit) whose coordinator uses this address, if the address is known."""
    address = (address or "").strip().lower()
    sender = Sender(address)
    if not address:
        return sender
    members = Membership.objects.filter(user__email__iexact=address).select_related("user", "venue", "unit")
    for m in members:
        if m.role == Role.ORGANIZER and (m.event_id in (None, event.pk)):
            return Sender(address, user=m.user, how="organizer")
    for m in members:
        if m.event_id == event.pk and m.venue_id and m.role in (Role.COORDINATOR, Role.MAIN_UNIT):
            return Sender(address, venue=m.venue, unit=m.unit, user=m.user, how="membership")
    inv = (Invitation.objects.filter(venue__event=event, email__iexact=address, revoked_at__isnull=True)
           .select_related("venue", "unit").order_by("-created_at").first())
    if inv is not None:
        return Sender(address, venue=inv.venue, unit=inv.unit, how="invitation")
    tc = TechContact.objects.filter(venue__event=event, email__iexact=address).select_related("venue").first()
    if tc is not None:
        return Sender(address, venue=tc.venue, how="tech_contact")
    return sender


def known_addresses(venue: Venue) -> set[str]:
    emails = set(Membership.objects.filter(venue=venue, role__in=[Role.COORDINATOR, Role.MAIN_UNIT])
                 .exclude(user__email="").values_list("user__email", flat=True))
    emails |= set(Invitation.objects.filter(venue=venue, revoked_at__isnull=True).exclude(email="")
                  .values_list("email", flat=True))
    emails |= set(TechContact.objects.filter(venue=venue).exclude(email="").values_list("email", flat=True))
    return {e.lower() for e in emails}


# -- parsing ---------------------------------------------------------------------------------------
def _header_message_id(raw: bytes) -> str:
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    m = re.search(rb"^message-id:\s*(<[^>\r\n]{1,290}>|\S{1,290})", head, re.I | re.M)
    return m.group(1).decode("ascii", "replace") if m else ""


def _message_id(msg, raw: bytes) -> str:
    mid = (msg.get("Message-ID") or "").strip() if msg is not None else _header_message_id(raw)
    # without a Message-ID the message's own bytes identify it
    return mid[:300] if mid else "sha256:" + hashlib.sha256(raw).hexdigest()


def attachments(msg) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the parts that may be receipts; signatures and pictures are skipped."""
    out: list[tuple[str, bytes]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename:
            continue
        ctype = part.get_content_type()
        ext = extension(filename)
        if ext not in SUPPORTED and ext not in MACRO_EXTENSIONS and (ctype.startswith(SKIP_TYPES) or ext in SKIP_EXTENSIONS):
            continue  # a signature logo, a calendar invite: not a receipt
        payload = part.get_payload(decode=True) or b""
        out.append((filename.strip(), payload))
        if len(out) >= MAX_ATTACHMENTS:
            break
    return out


# -- one message -----------------------------------------------------------------------------------
def ingest_message(raw: bytes, *, event: Event, reply: bool = False) -> dict:
    """Handle one raw RFC 822 message once; returns what was done (and stores it on InboundMail)."""
    msg = None
    too_big = len(raw) > max_message_bytes()
    if not too_big:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    mid = _message_id(msg, raw)
    if InboundMail.objects.filter(message_id=mid).exists():
        return {"message_id": mid, "status": "duplicate", "files": [],
                "note": _("这封邮件已经处理过，不再重复处理。")}
    from_header = str(msg.get("From", "")) if msg is not None else ""
    address = (getaddresses([from_header])[0][1] if from_header else "").lower()
    subject = str(msg.get("Subject", "")) if msg is not None else ""
    try:
        with transaction.atomic():
            record = InboundMail.objects.create(message_id=mid, event=event, sender=address[:300], subject=subject[:300])
    except IntegrityError:  # another worker took it a moment ago
        return {"message_id": mid, "status": "duplicate", "files": [], "note": _("这封邮件已经处理过，不再重复处理。")}
    try:
        result = _handle(msg, event=event, address=address, subject=subject, too_big=too_big)
    except Exception:
        InboundMail.objects.filter(pk=record.pk).delete()  # let a later run try again
        raise
    result["message_id"] = mid
    if reply and address:
        result["replied"] = send_reply(event, address, subject, mid, result)
    InboundMail.objects.filter(pk=record.pk).update(result=result, replied=bool(result.get("replied")))
    return result


def _handle(msg, *, event: Event, address: str, subject: str, too_big: bool) -> dict:
    result: dict[str, Any] = {"from": address, "subject": subject, "status": "processed", "venue": None, "files": []}
    if too_big:
        result["status"] = "rejected"
        result["note"] = _("邮件过大（超过 %(mb)d MB），未处理。请分几封邮件发送，或登录系统上传。") % {
            "mb": max_message_bytes() // 1048576}
        return result
    sender = match_sender(event, address)
    result["venue"] = sender.venue.code if sender.venue else None
    files = attachments(msg)
    if not files:
        result["status"] = "rejected"
        result["note"] = _("邮件中没有找到回执附件。请把填好的回执（Word 或 Excel 文件）作为附件发送。")
        return result
    actor = sender.user
    for filename, data in files:
        report = import_file(data, filename, event=event, venue=sender.venue, actor=actor, channel="email",
                             unit=sender.unit, dry_run=sender.venue is None)
        if sender.venue is None and report["status"] == "accepted" and not report.get("unchanged"):
            # a sender we do not know: file it when its venue has no registered addresses, else ask for review
            venue = event.venues.filter(code=report["venue"]).first()
            known = known_addresses(venue) if venue else set()
            if sender.how != "organizer" and known:
                report["status"] = "needs_review"
                report["errors"].append({"row": None, "field": "sender", "message": _(
                    "发件人 %(addr)s 不是%(venue)s登记的联系人，回执未保存，请主办方核对。") % {"addr": address, "venue": venue.name}})
            else:
                report = import_file(data, filename, event=event, actor=actor, channel="email")
                if sender.how != "organizer":
                    report["warnings"].append(_("发件人不是已登记的会场联系人，请主办方留意核对。"))
        result["files"].append(report)
    return result


# -- the answer to the sender ----------------------------------------------------------------------
_LABEL = {"accepted": gettext_lazy("已接收"), "needs_review": gettext_lazy("需要核对，尚未保存"),
          "rejected": gettext_lazy("未能接收")}


def reply_text(event: Event, result: dict) -> str:
    lines = [_("您好！"), "", _("我们收到了您发来的邮件（%(subject)s），处理结果如下：") % {"subject": result.get("subject") or _("无主题")}, ""]
    if result.get("note"):
        lines += [result["note"], ""]
    for i, f in enumerate(result.get("files", []), start=1):
        venue = f.get("venue_name") or f.get("venue") or _("会场未确定")
        lines.append(_("%(i)d. %(file)s：%(status)s（%(venue)s）")
                     % {"i": i, "file": f["file"], "status": _LABEL.get(f["status"], f["status"]), "venue": venue})
        if f["status"] == "accepted":
            names = _("、").join(a["name"] for a in f["attendees"])
            lines.append(ngettext("   参会人员 %(n)d 人：%(names)s", "   参会人员 %(n)d 人：%(names)s", len(f["attendees"]))
                         % {"n": len(f["attendees"]), "names": names})
            if f.get("tech_contact"):
                lines.append(_("   视频调试负责人：%(name)s") % {"name": f["tech_contact"]["name"]})
        if f["errors"]:
            lines.append(_("   请修改以下问题后重新发送："))
            lines += [f"   - {e['message']}" for e in f["errors"]]
        # the web's “accept the valid rows” offer means nothing in a mail: ask for the corrected file
        lines += [f"   * {w}" for w in f.get("warnings", []) if w != f.get("partial_offer")]
        if f["status"] == "needs_review" and any(e.get("row") for e in f["errors"]):
            lines.append(_("   本文件暂未保存。请改正后把整份文件重新发送。"))
        lines.append("")
    lines += [_("如有疑问，请联系会议主办方。"), "", event.title, _("（本邮件由会务系统自动发送）")]
    return "\n".join(lines)


def send_reply(event: Event, address: str, subject: str, message_id: str, result: dict) -> bool:
    """Answer by SMTP now; if the server is down, the answer waits in the outbox and is retried."""
    body = reply_text(event, result)
    title = _("回执处理结果：%(subject)s") % {"subject": subject or event.title}
    headers = {"Message-ID": make_msgid(domain="huiwu.local")}
    if message_id and not message_id.startswith("sha256:"):
        headers.update({"In-Reply-To": message_id, "References": message_id})
    mail = EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers)
    try:
        mail.send(fail_silently=False)
        return True
    except Exception as exc:  # noqa: BLE001 - SMTP trouble must not lose the answer
        log.warning("reply to %s not sent now, queued: %s", address, exc)
        from huiwu.core.mail import queue_mail

        queue_mail([address], title, body, kind="mail.reply", event=event)
        return False


# -- sources ---------------------------------------------------------------------------------------
def ingest_files(event: Event, paths: list[str | Path], *, reply: bool = False) -> list[dict]:
    out = []
    for path in paths:
        path = Path(path)
        if path.stat().st_size > max_message_bytes():
            with path.open("rb") as fh:
                raw = fh.read(65536)
            out.append(_too_big(event, raw, path.name))
            continue
        result = ingest_message(path.read_bytes(), event=event, reply=reply)
        result["source"] = path.name
        out.append(result)
    return out


def _too_big(event: Event, head: bytes, name: str) -> dict:
    mid = _header_message_id(head) or "sha256:" + hashlib.sha256(head).hexdigest()
    if InboundMail.objects.filter(message_id=mid).exists():
        return {"message_id": mid, "status": "duplicate", "files": [], "source": name}
    note = _("邮件过大（超过 %(mb)d MB），未处理。请分几封邮件发送，或登录系统上传。") % {"mb": max_message_bytes() // 1048576}
    result = {"message_id": mid, "status": "rejected", "files": [], "note": note, "source": name}
    InboundMail.objects.get_or_create(message_id=mid, defaults={"event": event, "result": result})
    return result


def ingest_mbox(event: Event, path: str | Path, *, reply: bool = False) -> list[dict]:
    box = mailbox.mbox(str(path), create=False)
    out = []
    try:
        limit = max_message_bytes()
        for key in box.iterkeys():
            with box.get_file(key) as fh:
                raw = fh.read(limit + 1)
            if len(raw) > limit:
                out.append(_too_big(event, raw[:65536], f"{Path(path).name}#{key}"))
                continue
            out.append(ingest_message(raw, event=event, reply=reply))
    finally:
        box.close()
    return out


def ingest_imap(event: Event, *, host: str, user: str, password: str, folder: str = "INBOX", port: int | None = None,
                ssl: bool = True, reply: bool = False, unseen_only: bool = True, limit: int = 200) -> list[dict]:
    """Poll an IMAP folder: new messages are handled (once, by Message-ID) and marked seen."""
    from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

    box_class = MailBox if ssl else MailBoxUnencrypted
    out = []
    kwargs = {"port": port} if port else {}
    with box_class(host, **kwargs).login(user, password, initial_folder=folder) as box:
        criteria = AND(seen=False) if unseen_only else AND(all=True)
        # headers first: a message over the limit is never downloaded whole
        heads = list(box.fetch(criteria, mark_seen=False, limit=limit, headers_only=True, bulk=True))
        for head in heads:
            if not head.uid:
                continue
            if head.size_rfc822 and head.size_rfc822 > max_message_bytes():
                result = _too_big(event, head.obj.as_bytes()[:65536], head.subject)
            else:
                message = next(box.fetch(uid_list=[head.uid], mark_seen=False, bulk=True), None)
                if message is None:
                    continue
                result = ingest_message(message.obj.as_bytes(policy=policy.SMTP), event=event, reply=reply)
            out.append(result)
            box.flag(head.uid, MailMessageFlags.SEEN, True)
    return out
