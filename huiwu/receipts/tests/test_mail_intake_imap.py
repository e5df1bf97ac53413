"""IMAP polling against a small real IMAP4rev1 server on localhost (enough of RFC 3501 for
imaplib/imap-tools: LOGIN, SELECT, UID SEARCH, UID FETCH, UID STORE, EXPUNGE, LOGOUT)."""

from __future__ import annotations

import io
import json
import re
import socketserver
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command

from huiwu.receipts.mailintake import ingest_imap
from huiwu.receipts.models import InboundMail, Receipt

from .files import simple_docx
from .test_mail_intake import eml

pytestmark = pytest.mark.django_db


class Mailbox:
    def __init__(self, messages: list[bytes], user="intake", password="s3cret"):
        self.messages = [{"uid": i + 1, "raw": raw, "seen": False} for i, raw in enumerate(messages)]
        self.user, self.password = user, password
        self.logins = 0
        self.fetches: list[str] = []


class Handler(socketserver.StreamRequestHandler):
    def send(self, text: str | bytes) -> None:
        self.wfile.write(text.encode() if isinstance(text, str) else text)

    def handle(self) -> None:
        box: Mailbox = self.server.box
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _sp, rest = line.decode().rstrip("\r\n").partition(" ")
            cmd = rest.split(" ", 1)[0].upper()
            args = rest[len(cmd):].strip()
            if cmd == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
            elif cmd == "LOGIN":
                user, password = [a.strip('"') for a in args.split(" ", 1)]
                if (user, password) != (box.user, box.password):
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong\r\n")
                    continue
                box.logins += 1
                self.send(f"{tag} OK logged in\r\n")
            elif cmd in ("SELECT", "EXAMINE"):
                self.send(f"* {len(box.messages)} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n"
                          f"{tag} OK [READ-WRITE] selected\r\n")
            elif cmd == "UID":
                sub, _sp, params = args.partition(" ")
                sub = sub.upper()
                if sub == "SEARCH":
                    unseen = "UNSEEN" in params.upper()
                    uids = [str(m["uid"]) for m in box.messages if not (unseen and m["seen"])]
                    self.send(f"* SEARCH {' '.join(uids)}\r\n{tag} OK search done\r\n")
                elif sub == "FETCH":
                    box.fetches.append(params)
                    wanted = {int(u) for u in params.split(" ", 1)[0].split(",")}
                    for seq, m in enumerate(box.messages, start=1):
                        if m["uid"] in wanted:
                            flags = "\\Seen" if m["seen"] else ""
                            self.send(f"* {seq} FETCH (UID {m['uid']} FLAGS ({flags}) RFC822.SIZE {len(m['raw'])} "
                                      f"BODY[] {{{len(m['raw'])}}}\r\n")
                            self.send(m["raw"])
                            self.send(")\r\n")
                    self.send(f"{tag} OK fetch done\r\n")
                elif sub == "STORE":
                    uids = {int(u) for u in params.split(" ", 1)[0].split(",")}
                    for seq, m in enumerate(box.messages, start=1):
                        if m["uid"] in uids:
                            m["seen"] = "+FLAGS" in params.upper()
                            self.send(f"* {seq} FETCH (UID {m['uid']} FLAGS (\\Seen))\r\n")
                    self.send(f"{tag} OK store done\r\n")
                else:
                    self.send(f"{tag} BAD unknown\r\n")
            elif cmd in ("EXPUNGE", "NOOP", "CLOSE"):
                self.send(f"{tag} OK done\r\n")
            elif cmd == "LOGOUT":
                self.send(f"* BYE bye\r\n{tag} OK logout\r\n")
                return
            else:
                self.send(f"{tag} BAD unknown command\r\n")


@contextmanager
def imap_server(box: Mailbox):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.box = box
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_imap_poll_handles_new_messages_once_and_marks_them_seen(demo_event):
    box = Mailbox([
        eml(sender="hn@example.org", message_id="<imap1@x>",
            files=[("海南.docx", simple_docx(unit_line="填报单位：海南省教育厅"))]),
        eml(sender="hn@example.org", message_id="<imap2@x>", body="没有附件"),
    ])
    with imap_server(box) as port:
        first = ingest_imap(demo_event, host="127.0.0.1", port=port, user="intake", password="s3cret", ssl=False)
        assert [r["status"] for r in first] == ["processed", "rejected"]
        assert first[0]["files"][0]["status"] == "accepted" and first[0]["files"][0]["venue"] == "460000"
        assert all(m["seen"] for m in box.messages)
        assert Receipt.objects.get(venue__code="460000", venue__event=demo_event).channel == "email"
        # the same messages again (someone marked them unread): handled once only
        for m in box.messages:
            m["seen"] = False
        again = ingest_imap(demo_event, host="127.0.0.1", port=port, user="intake", password="s3cret", ssl=False)
        assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert InboundMail.objects.count() == 2 and Receipt.objects.count() == 1


def test_imap_command_reads_the_password_from_stdin(demo_event, monkeypatch):
    box = Mailbox([eml(sender="cq@example.org", message_id="<imap3@x>",
                       files=[("重庆.docx", simple_docx(unit_line="填报单位：重庆市教育委员会"))])])
    with imap_server(box) as port:
        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
        out = io.StringIO()
        call_command("mail", "ingest", demo_event.slug, "--imap-host", "127.0.0.1", "--imap-port", str(port),
                     "--imap-user", "intake", "--imap-password-stdin", "--imap-no-ssl", "--json", stdout=out)
        data = json.loads(out.getvalue())
        assert data["files"][0]["venue"] == "500000" and data["files"][0]["status"] == "accepted"
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="IMAP"):
            call_command("mail", "ingest", demo_event.slug, "--imap-host", "127.0.0.1", "--imap-port", str(port),
                         "--imap-user", "intake", "--imap-password-stdin", "--imap-no-ssl", stdout=io.StringIO())
    assert box.logins == 1
    assert re.match(r"^<imap3@x>$", InboundMail.objects.get().message_id)


def test_periodic_task_uses_the_environment(demo_event, monkeypatch):
    from huiwu.receipts.documents import tasks

    monkeypatch.delenv("HUIWU_IMAP_URL", raising=False)
    assert tasks.poll_imap() == 0
    box = Mailbox([eml(sender="xz@example.org", message_id="<imap4@x>",
                       files=[("西藏.docx", simple_docx(unit_line="填报单位：西藏自治区教育厅"))])])
    with imap_server(box) as port:
        monkeypatch.setenv("HUIWU_IMAP_URL", f"imap://intake:s3cret@127.0.0.1:{port}/INBOX")
        monkeypatch.setenv("HUIWU_IMAP_EVENT", demo_event.slug)
        assert tasks.poll_imap() == 1
    assert Receipt.objects.filter(venue__code="540000").exists()


def test_imap_message_over_the_limit_is_not_downloaded(demo_event, settings):
    settings.HUIWU_MAX_UPLOAD_BYTES = 3000  # messages up to 9,000 bytes
    box = Mailbox([eml(sender="big@example.org", message_id="<huge@x>", files=[("r.docx", simple_docx())])])
    with imap_server(box) as port:
        [result] = ingest_imap(demo_event, host="127.0.0.1", port=port, user="intake", password="s3cret", ssl=False)
    assert result["status"] == "rejected" and "过大" in result["note"]
    assert all("HEADER" in f.upper() for f in box.fetches), box.fetches
    assert box.messages[0]["seen"]
