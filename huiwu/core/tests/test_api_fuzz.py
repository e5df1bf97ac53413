"""A bounded schemathesis run against `huiwu up` (SQLite, or PostgreSQL when HUIWU_DATABASE_URL names it).

Fails on any 5xx, any answer whose status the OpenAPI document does not declare, and any body that
does not match the declared schema. Path parameters are drawn mostly from real slugs, codes and
ids (so the handlers' logic is reached, not only the 404 of an unknown event) and sometimes
generated. Its own server: the fuzz deletes and replaces people, which other live tests must not see.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import start_live_app, stop_live_app

EVENT = "lifelong-learning-week-2021"
#: a few examples per route (positive and negative), so the run stays near a minute per database;
#: the "coverage" phase (every boundary of every schema) took over three minutes for 53 routes
MAX_EXAMPLES = 3
PHASES = "fuzzing"
#: a hard cap on the whole run (schemathesis' own --max-time is a budget it fills, not a cap)
MAX_SECONDS = 240


@pytest.fixture(scope="module")
def fuzz_app():
    app = start_live_app()
    yield app
    stop_live_app(app)


def _call(app, token: str, method: str, path: str, body: dict | None = None):
    req = urllib.request.Request(app.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.loads(r.read() or b"null")


def test_schemathesis_finds_no_server_error_and_no_schema_violation(fuzz_app, tmp_path):
    token = fuzz_app.huiwu("token", "create", "organizer").strip()
    ids = [_call(fuzz_app, token, "POST", f"/api/v1/events/{EVENT}/venues/110000/attendees",
                 {"name": f"测试{i}", "unit": "北京市教育委员会", "phone": f"1380013800{i}"})["id"] for i in range(4)]
    config = tmp_path / "schemathesis.toml"
    lines = [
        "[dictionaries.events]", f"values = [{json.dumps(EVENT)}]",
        "[dictionaries.venues]", 'values = ["110000", "main", "310000"]',
        "[dictionaries.attendees]", f"values = [{', '.join(map(str, ids))}]",
        "[parameters]",
        *(f'"path.{name}" = {{ dictionary = "{dictionary}", probability = 0.9 }}'
          for name, dictionary in [("event", "events"), ("venue", "venues"), ("attendee_id", "attendees")]),
    ]
    config.write_text("\n".join(lines) + "\n")
    cli = Path(sys.executable).with_name("schemathesis")
    started = time.monotonic()
    out = subprocess.run(
        [str(cli), "--config-file", str(config), "run", f"{fuzz_app.url}/api/v1/openapi.json",
         "-H", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
         "--max-examples", str(MAX_EXAMPLES), "--phases", PHASES, "--seed", "20261203",
         "--workers", "4", "--request-timeout", "30", "--no-color"],
        capture_output=True, text=True, timeout=MAX_SECONDS, cwd=tmp_path,
    )
    elapsed = time.monotonic() - started
    report = out.stdout + out.stderr
    assert out.returncode == 0, report[-12000:]
    assert "Operations:" in report and "generated" in report, report[-3000:]
    print(f"schemathesis: {elapsed:.0f} s")
