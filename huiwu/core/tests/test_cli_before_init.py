"""Commands run on an empty database say to run `huiwu init` first, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HUIWU = str(Path(sys.executable).with_name("huiwu"))


def _run(tmp_path, *args, stdin=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIWU_")}
    env["HUIWU_DATA_DIR"] = str(tmp_path)
    return subprocess.run([HUIWU, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("args", [
    ("receipt", "import", "lifelong-learning-week-2021", "x.docx", "--json"),
    ("user", "add", "王立", "--role", "organizer", "--password-stdin"),
    ("token", "create", "王立"),
    ("purge",),
])
def test_command_before_init_says_run_init(tmp_path, args):
    out = _run(tmp_path, *args, stdin="secret-pw-123\n")
    assert out.returncode == 2, out.stderr
    assert "请先运行 huiwu init" in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_pure_commands_need_no_init(tmp_path):
    notice = Path(__file__).parents[2] / "events" / "tests" / "notice_provincial.txt"
    out = _run(tmp_path, "notice", "parse", str(notice), "--json")
    assert out.returncode == 0 and "浙教职函" in out.stdout
