"""Shared fixtures: the demo event, users of every role, API clients, a live `huiwu up`,
headless Chromium (Debian's package, driven by Playwright) and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from itertools import count
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent
_LIVE_SERIAL = count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_office(*formats: str) -> None:
    """Skip the calling test, saying why, when LibreOffice lacks the component (Writer, Calc) that
    converting these formats needs; .ci/run installs each one that is missing."""
    from huiwu.core.office import missing_for

    missing = missing_for(*formats)
    if missing:
        names = {"writer": "LibreOffice Writer (libreoffice-writer-nogui)", "calc": "LibreOffice Calc (libreoffice-calc-nogui)"}
        pytest.skip(" and ".join(names[c] for c in missing) + f" not installed: needed for {', '.join(formats)}")


# -- database objects ----------------------------------------------------------------------
@pytest.fixture
def demo_event(db):
    from huiwu.events.services import load_demo_event

    return load_demo_event()


@pytest.fixture
def make_user(db):
    """make_user("name", "coordinator", venue=venue) → a user with that role and password 'pw-12345678'."""
    from huiwu.accounts.services import add_user

    def make(username, role, *, event=None, venue=None, unit=None):
        return add_user(username, role, "pw-12345678", event=event, venue=venue, unit=unit)

    return make


@pytest.fixture
def organizer(make_user, demo_event):
    return make_user("org", "organizer")


@pytest.fixture
def coordinator(make_user, demo_event):
    """Coordinator of Beijing's branch venue (110000)."""
    return make_user("coord_bj", "coordinator", venue=demo_event.venues.get(code="110000"))


@pytest.fixture
def other_coordinator(make_user, demo_event):
    """Coordinator of Shanghai's branch venue (310000)."""
    return make_user("coord_sh", "coordinator", venue=demo_event.venues.get(code="310000"))


@pytest.fixture
def api_client(db):
    """api_client(user) → a Django test client that sends a bearer token for `user`."""
    from django.test import Client

    from huiwu.accounts.services import create_token

    def make(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'test')}")

    return make


@pytest.fixture
def count_queries():
    """with count_queries() as ctx: ...; len(ctx) is the number of SQL queries run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return lambda: CaptureQueriesContext(connection)


# -- mail ----------------------------------------------------------------------------------
class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        from email import policy

        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": msg})
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's mail goes to it. `.messages` holds what arrived."""
    from aiosmtpd.controller import Controller

    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    sink.port = port
    sink.controller = controller
    yield sink
    sink.controller.stop()


# -- a real server: `huiwu up` in a subprocess ------------------------------------------------
class LiveApp:
    def __init__(self, url: str, data_dir: str, env: dict, proc: subprocess.Popen, output: str):
        self.url, self.data_dir, self.env, self.proc, self.output = url, data_dir, env, proc, output

    def huiwu(self, *args: str, stdin: str | None = None) -> str:
        """Run a `huiwu` command against the same data dir and database."""
        out = subprocess.run([sys.executable, "-m", "huiwu.cli", *args], env=self.env, input=stdin,
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(out.stderr or out.stdout)
        return out.stdout


def _live_env(data_dir: str) -> dict:
    env = {**os.environ, "HUIWU_DATA_DIR": data_dir, "HUIWU_WORKERS": "2"}
    db_url = os.environ.get("HUIWU_DATABASE_URL", "")
    if db_url.startswith("postgres"):
        # a database of its own per server, so servers and the test database never meet
        import psycopg

        name = f"huiwu_live_{os.getpid()}_{next(_LIVE_SERIAL)}"
        base = db_url.rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["HUIWU_DATABASE_URL"] = f"{base}/{name}"
    return env


def _drop_live_database(env: dict) -> None:
    db_url = env.get("HUIWU_DATABASE_URL", "")
    if db_url.startswith("postgres") and db_url != os.environ.get("HUIWU_DATABASE_URL"):
        import psycopg

        base, name = db_url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_live_app(extra_env: dict | None = None, args: tuple[str, ...] = ()) -> LiveApp:
    data_dir = tempfile.mkdtemp(prefix="huiwu-live-")
    env = {**_live_env(data_dir), **(extra_env or {})}
    port = free_port()
    log = open(Path(data_dir) / "server.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "huiwu.cli", "up", "--port", str(port), *args],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError("huiwu up exited:\n" + log.read())
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("huiwu up did not start in time")
    log.seek(0)
    return LiveApp(url, data_dir, env, proc, log.read())


def stop_live_app(app: LiveApp) -> None:
    app.proc.terminate()
    try:
        app.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        app.proc.kill()
        app.proc.wait(timeout=15)
    _drop_live_database(app.env)
    shutil.rmtree(app.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_app():
    """`huiwu up` on a fresh data dir (and a fresh PostgreSQL database when testing on PostgreSQL).

    `live_app.output` holds what it printed (the one-time organizer password);
    `live_app.huiwu(...)` runs CLI commands against the same data.
    """
    app = start_live_app()
    yield app
    stop_live_app(app)


@pytest.fixture(scope="session")
def organizer_password(live_app) -> str:
    for line in live_app.output.splitlines():
        if "密码：" in line:
            return line.split("密码：", 1)[1].strip()
    raise AssertionError("no organizer password printed:\n" + live_app.output)


# -- browser -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    )
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium):
    """A fresh desktop browser context (1280x900); `browser.new_page()`."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def phone(chromium):
    """A fresh phone-sized browser context (390x844)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                   is_mobile=True, has_touch=True, device_scale_factor=2)
    yield context
    context.close()


def browser_login(page, url: str, username: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def browser_accept_invitation(page, link: str, name: str, username: str, password: str) -> None:
    """Open an invitation link and set up the account through its real form."""
    page.goto(link)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.fill("input[name=password2]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def login():
    return browser_login


SCREENSHOT_DIR = ROOT / "var" / "screenshots"


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves var/screenshots/name.png for a person to look at."""

    def take(page, name: str, full_page: bool = True):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=full_page)

    return take


def url_routes(resolver=None, prefix: str = ""):
    """Every URL pattern of the site as (route, pattern), includes walked (the route with its prefixes)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from url_routes(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p
