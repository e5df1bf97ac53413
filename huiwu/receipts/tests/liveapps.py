"""A second `huiwu up` for one test module, with a database of its own.

conftest's start_live_app() names its PostgreSQL database after the test process id and drops
it first, so a second server started from the same process would wipe the session's `live_app`
database. This helper creates a uniquely named database, hides HUIWU_DATABASE_URL from that
code path, and drops the database again when the server stops.
"""

from __future__ import annotations

import os
import uuid

from conftest import LiveApp, start_live_app, stop_live_app


def start_separate_app(extra_env: dict | None = None) -> LiveApp:
    env = dict(extra_env or {})
    url = os.environ.get("HUIWU_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        name = f"huiwu_sep_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["HUIWU_DATABASE_URL"] = f"{base}/{name}"
    saved = os.environ.pop("HUIWU_DATABASE_URL", None)
    try:
        return start_live_app(extra_env=env)
    finally:
        if saved is not None:
            os.environ["HUIWU_DATABASE_URL"] = saved


def stop_separate_app(app: LiveApp) -> None:
    stop_live_app(app)
    url = app.env.get("HUIWU_DATABASE_URL", "")
    if url.startswith("postgres") and "/huiwu_sep_" in url:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
