"""`huiwu admission evaluate` as PRODUCT.md says: same engine, JSON out, plain errors, non-zero exit."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from huiwu.admission.engine import SEED_RULES

ROOT = Path(__file__).resolve().parents[3]
START = "2021-11-23T10:00:00+08:00"


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("admission", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def main_decl(sampled: str, result: str = "negative") -> dict:
    return {"symptoms": False, "risk_area_contact": False, "risk_area_stay": False, "health_code": "green",
            "itinerary_code_ok": True, "returned_from_travel": True,
            "nucleic_acid_test": {"sampled_at": sampled, "result": result}}


@pytest.mark.parametrize(("sampled", "verdict"), [
    ("2021-11-21T10:01:00+08:00", "eligible"),    # 47 h 59 min before
    ("2021-11-21T09:59:00+08:00", "not_eligible"),  # 48 h 01 min before
])
def test_evaluate_test_window(tmp_path, sampled, verdict):
    rules = write(tmp_path, "rules.json", SEED_RULES)
    decl = write(tmp_path, "decl.json", main_decl(sampled))
    out = run("evaluate", "--rules", rules, "--declaration", decl, "--event-start", START,
              "--venue-kind", "main", "--json")
    assert out["verdict"] == verdict
    assert set(out) == {"verdict", "reasons"}
    if verdict == "not_eligible":
        assert out["reasons"][0]["rule"] == "nucleic_acid_test" and "48小时" in out["reasons"][0]["message"]


def test_evaluate_accepts_the_whole_notice_parse_output_and_branch_kind(tmp_path):
    rules = write(tmp_path, "notice.json", {"title": "x", "admission_rules": SEED_RULES})
    decl = write(tmp_path, "decl.json", {"symptoms": False, "risk_area_contact": True, "risk_area_stay": False})
    out = run("evaluate", "--rules", rules, "--declaration", decl, "--event-start", START,
              "--venue-kind", "branch", "--json")
    assert out["verdict"] == "not_eligible" and [r["rule"] for r in out["reasons"]] == ["risk_area_contact"]


def test_evaluate_pending_without_answers(tmp_path):
    rules = write(tmp_path, "rules.json", SEED_RULES)
    decl = write(tmp_path, "decl.json", {})
    out = run("evaluate", "--rules", rules, "--declaration", decl, "--event-start", START,
              "--venue-kind", "main", "--json")
    assert out["verdict"] == "pending" and len(out["reasons"]) == 6


@pytest.mark.parametrize(("rules", "decl", "start", "needle"), [
    ("{not json", {}, START, "不是有效的 JSON"),
    ({"kind": "symptoms"}, {}, START, "规则列表"),
    ([{"window_days": 3}], {}, START, "缺少 kind"),
    (SEED_RULES, [1, 2], START, "JSON 对象"),
    (SEED_RULES, {}, "11月23日上午10点", "ISO 8601"),
])
def test_evaluate_errors_are_plain_chinese(tmp_path, rules, decl, start, needle):
    r = write(tmp_path, "rules.json", rules)
    d = write(tmp_path, "decl.json", decl)
    with pytest.raises(CommandError, match=needle):
        run("evaluate", "--rules", r, "--declaration", d, "--event-start", start, "--venue-kind", "main", "--json")


def test_missing_file(tmp_path):
    d = write(tmp_path, "decl.json", {})
    with pytest.raises(CommandError, match="找不到规则文件"):
        run("evaluate", "--rules", str(tmp_path / "nope.json"), "--declaration", d, "--event-start", START,
            "--venue-kind", "main", "--json")


def test_the_real_command_exit_codes(tmp_path):
    rules = write(tmp_path, "rules.json", SEED_RULES)
    decl = write(tmp_path, "decl.json", main_decl("2021-11-22T08:00:00+08:00", "pending"))
    cmd = [sys.executable, "-m", "huiwu.cli", "admission", "evaluate", "--rules", rules, "--declaration", decl,
           "--event-start", START, "--venue-kind", "main", "--json"]
    env_dir = {"HUIWU_DATA_DIR": str(tmp_path / "data")}
    import os

    ok = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env_dir}, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"verdict": "pending", "reasons": [
        {"rule": "nucleic_acid_test", "message": json.loads(ok.stdout)["reasons"][0]["message"]}]}
    bad = subprocess.run(cmd[:-5] + ["--event-start", "tomorrow", "--venue-kind", "main", "--json"],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env_dir}, timeout=60)
    assert bad.returncode != 0 and "ISO 8601" in bad.stderr and not bad.stdout


@pytest.mark.django_db
def test_apply_preset_and_links(demo_event):
    from huiwu.admission import services
    from huiwu.receipts.models import Attendee

    out = io.StringIO()
    call_command("admission", "apply-preset", demo_event.slug, "seed", stdout=out)
    assert "6条" in out.getvalue() and services.event_rules(demo_event) == SEED_RULES
    venue = demo_event.venues.get(code="120000")
    a = Attendee.objects.create(event=demo_event, venue=venue, name="柳永", unit="天津市教委")
    out = io.StringIO()
    call_command("admission", "links", demo_event.slug, "--venue", "120000", "--base-url", "https://hw.example.org/",
                 "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 1 and rows[0]["name"] == "柳永"
    token = rows[0]["url"].split("/d/")[1].rstrip("/")
    assert rows[0]["url"].startswith("https://hw.example.org/d/") and services.attendee_for_token(token) == a
    with pytest.raises(CommandError, match="找不到会议"):
        call_command("admission", "links", "nope", "--base-url", "https://x", stdout=io.StringIO())


def test_evaluate_many_declarations_at_once(tmp_path):
    rules = write(tmp_path, "rules.json", SEED_RULES)
    decls = write(tmp_path, "decls.json", [main_decl("2021-11-21T10:01:00+08:00"), {"symptoms": True}, {}])
    out = run("evaluate", "--rules", rules, "--declaration", decls, "--event-start", START,
              "--venue-kind", "branch", "--json")
    assert [o["verdict"] for o in out] == ["eligible", "not_eligible", "pending"]
    human = io.StringIO()
    call_command("admission", "evaluate", "--rules", rules, "--declaration", decls, "--event-start", START,
                 "--venue-kind", "branch", stdout=human)
    assert "2. 不符合入场条件（not_eligible）" in human.getvalue()
