"""Sessions, passwords and headers (issue 14, point 6): Django's password validators at every
door, a login throttle that cannot lock an office out, CSP without inline scripts, no-store on
personal pages, https-only cookies and HSTS from HUIWU_BASE_URL, an owner-only data dir, and
pages that stay Chinese whatever language the browser asks for."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from huiwu.accounts.models import LoginFailure

ROOT = Path(__file__).resolve().parents[3]


# -- passwords ----------------------------------------------------------------------------------
def test_django_password_validators_are_configured(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"}
    length = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"])
    assert length["OPTIONS"]["min_length"] >= 10


@pytest.mark.parametrize("password", ["Ab3!xyzq", "1234567890123", "password123", "sz_li_2026x"])
def test_an_invitation_refuses_a_weak_password(client, demo_event, password):
    from huiwu.accounts.models import User
    from huiwu.accounts.services import create_invitation

    _inv, token = create_invitation(demo_event.venues.get(code="440300"))
    resp = client.post(reverse("accounts:invitation", args=[token]), {
        "display_name": "李华", "username": "sz_li_2026", "password": password, "password2": password})
    assert resp.status_code == 200 and not User.objects.filter(username="sz_li_2026").exists(), password


@pytest.mark.parametrize("password", ["short-pw", "98765432101", "password123", "wang_lixin1"])
def test_user_add_refuses_a_weak_password(demo_event, monkeypatch, password):
    from huiwu.accounts.models import User

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match="密码"):
        call_command("user", "add", "wang_lixin", "--role", "organizer", "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="wang_lixin").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("Gx7-lang-mima!\n"))
    call_command("user", "add", "wang_lixin", "--role", "organizer", "--password-stdin", stdout=io.StringIO())


# -- login throttle ------------------------------------------------------------------------------
def _login(client, password, ip):
    return client.post("/accounts/login/", {"username": "org", "password": password}, REMOTE_ADDR=ip)


def test_failures_elsewhere_never_lock_the_office_out(client, organizer):
    for _ in range(12):
        _login(client, "wrong", "203.0.113.9")
    # the office's own address never failed: its correct password is not refused
    resp = _login(client, "pw-12345678", "198.51.100.7")
    assert resp.status_code == 302, resp.content.decode()[:300]


def test_the_guessing_address_waits_longer_each_time(client, organizer):
    from huiwu.accounts.services import login_wait

    waits = []
    for _ in range(6):
        LoginFailure.objects.create(username="org", ip="203.0.113.9")
        waits.append(login_wait("org", "203.0.113.9"))
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert all(b > a for a, b in zip(waits[2:], waits[3:], strict=False)), waits
    resp = _login(client, "pw-12345678", "203.0.113.9")  # even the right password waits its turn there
    assert resp.status_code == 429 and int(resp["Retry-After"]) > 0
    assert "秒后再试" in resp.content.decode()
    assert login_wait("org", "198.51.100.7") == 0


def test_a_correct_password_clears_its_pairs_failures(client, organizer):
    _login(client, "wrong", "203.0.113.10")
    _login(client, "wrong", "203.0.113.10")
    assert _login(client, "pw-12345678", "203.0.113.10").status_code == 302
    assert not LoginFailure.objects.filter(ip="203.0.113.10").exists()


def test_the_admin_signs_in_through_the_throttled_page(client, db):
    resp = client.get("/django-admin/login/?next=/django-admin/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


# -- headers -------------------------------------------------------------------------------------
def test_no_template_has_an_inline_script():
    bad = []
    for path in (ROOT / "huiwu").rglob("templates/**/*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in m.group(1) and "application/json" not in m.group(1):
                bad.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text:
            bad.append(f"{path.relative_to(ROOT)}: inline event handler or javascript: URL")
    assert bad == []


def test_content_security_policy_allows_only_our_own_scripts(client, db):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"] and "object-src" in directives


def test_personal_pages_are_not_stored(client, organizer, demo_event, api_client):
    from huiwu.admission.services import declaration_path
    from huiwu.receipts.models import Attendee

    person = Attendee.objects.create(event=demo_event, venue=demo_event.venues.get(code="110000"), name="张三",
                                     unit="北京市教委", phone="13800138000")
    assert "no-store" in client.get(declaration_path(person))["Cache-Control"]  # public, but personal
    client.force_login(organizer)
    assert "no-store" in client.get(f"/manage/{demo_event.slug}/venues/110000/")["Cache-Control"]
    assert "no-store" in api_client(organizer).get("/api/v1/events")["Cache-Control"]


def _settings_under(env: dict) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({k: getattr(s, k, None) for k in ['ALLOWED_HOSTS', 'SESSION_COOKIE_SECURE', "
            "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'CSRF_TRUSTED_ORIGINS']}))")
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "huiwu.settings", **env}
    full.pop("HUIWU_ALLOWED_HOSTS", None)
    out = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_address_gives_secure_cookies_hsts_and_its_host_only(tmp_path):
    s = _settings_under({"HUIWU_BASE_URL": "https://huiwu.example.gov.cn", "HUIWU_DATA_DIR": str(tmp_path)})
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["ALLOWED_HOSTS"][0] == "huiwu.example.gov.cn" and "*" not in s["ALLOWED_HOSTS"]
    assert "https://huiwu.example.gov.cn" in s["CSRF_TRUSTED_ORIGINS"]
    plain = _settings_under({"HUIWU_BASE_URL": "http://10.1.2.3:8000", "HUIWU_DATA_DIR": str(tmp_path)})
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["SECURE_HSTS_SECONDS"]


def test_hsts_header_is_sent_over_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    resp = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert resp["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_forged_host_is_refused_when_the_address_is_set(tmp_path):
    code = ("import django; django.setup(); from django.test import Client; "
            "print(Client().get('/healthz', HTTP_HOST='evil.example').status_code)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huiwu.settings", "HUIWU_BASE_URL": "https://huiwu.example.gov.cn",
           "HUIWU_DATA_DIR": str(tmp_path), "HUIWU_DATABASE_URL": ""}
    env.pop("HUIWU_ALLOWED_HOSTS", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "400", out.stderr[-2000:]


# -- data dir ------------------------------------------------------------------------------------
def test_init_leaves_the_data_dir_to_its_owner(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "outbox").mkdir(mode=0o755)
    (data / "outbox" / "old.eml").write_text("x")
    (data / "outbox" / "old.eml").chmod(0o644)
    env = {**os.environ, "HUIWU_DATA_DIR": str(data), "HUIWU_DATABASE_URL": ""}
    subprocess.run([sys.executable, "-m", "huiwu.cli", "init", "--no-demo"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    modes = {p.relative_to(data).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]
             if not p.relative_to(data).as_posix().startswith("static")}
    assert modes["."] == 0o700 and modes["outbox"] == 0o700
    for name in ("secret_key", "huiwu.sqlite3", "outbox/old.eml"):
        assert modes[name] == 0o600, (name, oct(modes[name]))
    assert all(m & 0o077 == 0 for m in modes.values()), {k: oct(v) for k, v in modes.items()}


def test_uploads_are_stored_for_the_owner_only(settings):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600 and settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


# -- language ------------------------------------------------------------------------------------
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_pages_stay_chinese_for_an_english_browser(client, demo_event):
    body = client.get(f"/e/{demo_event.slug}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "星期" in body, body[:500]
    assert not any(day in body for day in WEEKDAYS_EN)
