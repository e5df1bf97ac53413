"""Every user-facing Chinese string goes through Django's translation, so English can follow.

The check parses each ``huiwu/**/*.py`` (not tests, not migrations, not the paths in
``EXCLUDED``) and looks at every string constant holding CJK text (ideographs, CJK punctuation
such as 、。, full-width forms such as ：；（）). Each one must be one of:

1. **a message**: the literal message argument of a call that ``makemessages`` extracts —
   ``_``, ``gettext``, ``gettext_lazy``, ``gettext_noop``, ``ngettext``/``ngettext_lazy``
   (singular and plural), ``pgettext``/``pgettext_lazy``/``npgettext``/``npgettext_lazy``
   (the message arguments). A plain literal only: an f-string, ``+`` or ``if/else`` inside the
   call cannot be extracted. The called name must be imported from ``django.utils.translation``
   (any alias outside the keyword list, e.g. ``_lazy``, is not extracted and so does not count)
   or be a function the module defines (the admission engine's wrapper, which also runs without
   Django settings). Non-lazy ``gettext``/``ngettext``/``pgettext`` (or a wrapper) must not run at
   import time (module level or class body): there only ``gettext_lazy``/``gettext_noop`` do.
2. **a docstring** (or any bare string statement).
3. **data for reading text**, recognised by where it stands (through tuples/lists/f-strings/+):
   an argument of a ``re.`` function (a pattern); an operand of a comparison
   (``==``, ``!=``, ``in``, ``not in``: words matched in input); a dict key or a set element
   (tables of words to look up).
4. **marked data**: the comment ``# i18n: data`` on the line just above the statement that holds
   the string, or on a line of that statement up to the string's last line (database content such
   as the demo event copied from an official notice, words to turn into slugs). The marker is the
   explicit, reviewable exception.

The check cannot pass vacuously: it asserts how many files and CJK strings it saw, and the same
checker is fed known-bad and known-good snippets. A last test writes a small English catalogue
and shows the wrapped code then speaks English while Chinese stays the default.

Known limit: a comparison against a message (``"过多" in error``) passes as "data"; such a check
breaks once the message is translated, so compare codes or flags instead.
"""

from __future__ import annotations

import ast
import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # huiwu/
REPO = ROOT.parent

#: paths (relative to the repo) not checked, with why; shrink it as those files are converted
EXCLUDED: dict[str, str] = {
    "huiwu/notices/parser.py": "its Chinese strings are the grammar of official notices (data, not messages)",
    "huiwu/events/regions.py": "GB/T 2260 region names (reference data)",
}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
MARKER = "# i18n: data"

#: the names makemessages extracts (xgettext's Python defaults plus Django's keywords), and
#: which positional arguments are messages (pgettext's first argument is the context)
KEYWORDS: dict[str, tuple[int, ...]] = {
    "_": (0,), "gettext": (0,), "gettext_lazy": (0,), "gettext_noop": (0,),
    "ngettext": (0, 1), "ngettext_lazy": (0, 1),
    "pgettext": (1,), "pgettext_lazy": (1,), "npgettext": (1, 2), "npgettext_lazy": (1, 2),
}
LAZY = {"gettext_lazy", "gettext_noop", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy"}
#: nodes a string passes through on its way to what decides its kind
TRANSPARENT = (ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List, ast.BinOp, ast.IfExp,
               ast.Starred, ast.BoolOp)


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_re_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"


def _bindings(tree: ast.Module) -> dict[str, str]:
    """Local name → the django.utils.translation function it is (or "def" for a module's own)."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                bound[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.FunctionDef) and node.name in KEYWORDS:
            bound[node.name] = "def"
    return bound


def check_source(source: str, path: str = "<snippet>") -> tuple[int, list[str]]:
    """(how many CJK strings were seen, the problems found) for one module's source."""
    tree = ast.parse(source)
    lines = source.splitlines()
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bound = _bindings(tree)
    problems: list[str] = []
    seen = 0

    def where(node: ast.AST) -> str:
        return f"{path}:{node.lineno}"

    def at_import_time(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return False
        return True

    # rule 1's side conditions: the keyword names are real translation functions, used in time
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if not isinstance(node.func, ast.Name) or name not in KEYWORDS:
            continue
        origin = bound.get(name)
        if origin is None:
            problems.append(f"{where(node)}: {name}() is not imported from django.utils.translation")
        elif (name if origin == "def" else origin) not in LAZY and at_import_time(node):
            problems.append(f"{where(node)}: {name}() runs at import time; use gettext_lazy there")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in KEYWORDS:
            if bound.get(node.func.id) in KEYWORDS and node.args and _has_cjk(node.args[0]):
                problems.append(f"{where(node)}: {node.func.id}() is an alias makemessages does not "
                                f"extract; call it {bound[node.func.id]}() or _()")

    def allowed(const: ast.Constant) -> bool:
        node: ast.AST = const
        parent = parents.get(node)
        # 1. the literal message argument of a translation call
        if isinstance(parent, ast.Call) and _call_name(parent) in KEYWORDS and parent.func is not node:
            positions = KEYWORDS[_call_name(parent)]
            if any(i < len(parent.args) and parent.args[i] is node for i in positions):
                return True
        # 2. docstrings and other bare string statements
        if isinstance(parent, ast.Expr):
            return True
        # 3. data, by where the string stands
        while isinstance(parent, TRANSPARENT):
            node, parent = parent, parents.get(parent)
        if isinstance(parent, ast.Compare | ast.Set):
            return True
        if isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
            return True
        if isinstance(parent, ast.Call) and _is_re_call(parent) and node in parent.args:
            return True
        # 4. marked data: the marker just above the statement, or between its first line and the
        # string's last
        stmt = parent
        while stmt is not None and not isinstance(stmt, ast.stmt):
            stmt = parents.get(stmt)
        first = stmt.lineno if stmt is not None else const.lineno
        above = lines[first - 2].strip() if first >= 2 else ""
        if above.startswith("#") and MARKER in above:
            return True
        return any(MARKER in line for line in lines[first - 1:const.end_lineno])

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
            seen += 1
            if not allowed(node):
                text = node.value.replace("\n", " ")[:40]
                problems.append(f"{where(node)}: {text!r} is shown to people without gettext")
    return seen, problems


def _has_cjk(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
               for n in ast.walk(node))


def checked_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or any(rel.startswith(x) for x in EXCLUDED):
            continue
        files.append(path)
    return files


def test_every_chinese_message_goes_through_gettext():
    files = checked_files()
    seen, problems = 0, []
    for path in files:
        count, found = check_source(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix())
        seen += count
        problems += found
    # not vacuous: the apps' modules were read and their Chinese strings were looked at
    assert len(files) >= 60, [p.name for p in files]
    assert seen >= 500, seen
    assert not problems, "\n".join(problems)


def test_exclusions_still_exist():
    """An exclusion for a path that is gone (or converted) is dropped, not left to hide things."""
    for rel in EXCLUDED:
        assert (REPO / rel).exists(), rel


BAD = {
    "f-string message": 'def f(name):\n    raise ValueError(f"{name}已满")\n',
    "plain message": 'def f():\n    return "请填写手机号码。"\n',
    "f-string inside _()": ('from django.utils.translation import gettext as _\n'
                            'def f(n):\n    return _(f"{n}已满")\n'),
    "concatenation inside _()": ('from django.utils.translation import gettext as _\n'
                                 'def f(n):\n    return _("已" + "满")\n'),
    "alias not extracted": ('from django.utils.translation import gettext_lazy as _lazy\n'
                            'LABEL = _lazy("健康码")\n'),
    "home-made _": 'def f():\n    return _("已满")\n',
    "gettext at import time": ('from django.utils.translation import gettext as _\n'
                               'LABEL = _("健康码")\n'),
    "gettext in a class body": ('from django.utils.translation import gettext\n'
                                'class C:\n    help = gettext("管理用户。")\n'),
    "label table values": 'LABELS = {"green": "绿码"}\n',
    "keyword argument": 'def f(p):\n    p.add_argument("--x", help="用户名")\n',
    "CJK punctuation only": 'def f(xs):\n    return "；".join(xs)\n',
    "marker elsewhere": 'X = "主会场"  # i18n: data\n\n\ndef f():\n    return "分会场"\n',
    "marker above the function, not the statement": '# i18n: data\ndef f():\n    return "分会场"\n',
    "marker after the string": 'def f():\n    return (\n        "分会场"\n    )  # i18n: data\n',
}
GOOD = {
    "gettext in a function": ('from django.utils.translation import gettext as _\n'
                              'def f(n):\n    return _("%(n)s已满") % {"n": n}\n'),
    "lazy at module level": ('from django.utils.translation import gettext_lazy as _\n'
                             'LABELS = {"green": _("绿码")}\n'),
    "noop table": ('from django.utils.translation import gettext_noop\n'
                   'LABELS = {"green": gettext_noop("绿码")}\n'),
    "ngettext": ('from django.utils.translation import ngettext\n'
                 'def f(n):\n    return ngettext("%(n)d个会场", "%(n)d个会场", n) % {"n": n}\n'),
    "docstring": 'def f():\n    """读取“主会场”。"""\n',
    "pattern": 'import re\nDATE = re.compile(r"(\\d+)年(\\d+)月")\n',
    "matched words": 'def f(t):\n    return t in ("正常", "绿码") or t == "是" or "分会场" in t\n',
    "lookup keys": '_SCOPE = {"主会场": "main"}\n_YES = {"是", "有"}\n',
    "marked data": 'DEMO = (  # i18n: data\n    "教育部办公厅",\n)\n',
    "marked data, marker above": '# i18n: data\nDEMO = """教育部办公厅\n主会场"""\n',
    "own wrapper": 'def _(m):\n    return m\n\ndef f():\n    return _("已满")\n',
}


@pytest.mark.parametrize("name", BAD)
def test_checker_flags_known_bad_snippets(name):
    seen, problems = check_source(BAD[name])
    assert seen >= 1
    assert problems, name


@pytest.mark.parametrize("name", GOOD)
def test_checker_accepts_translated_strings_and_data(name):
    seen, problems = check_source(GOOD[name])
    assert seen >= 1
    assert problems == [], problems


def write_mo(path: Path, messages: dict[str, str | list[str]]) -> None:
    """A GNU .mo catalogue, as msgfmt writes it (so the test needs no gettext tools). A plural
    entry's key is "singular\\0plural" and its value the list of forms."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    pairs = sorted([(b"", header.encode())] + [
        (k.encode(), ("\0".join(v) if isinstance(v, list) else v).encode()) for k, v in messages.items()])
    ids = strs = b""
    table = []
    for key, value in pairs:
        table.append((len(ids), len(key), len(strs), len(value)))
        ids += key + b"\0"
        strs += value + b"\0"
    keystart = 7 * 4 + 16 * len(pairs)
    offsets = [x for o1, l1, _o2, _l2 in table for x in (l1, o1 + keystart)]
    offsets += [x for _o1, _l1, o2, l2 in table for x in (l2, o2 + keystart + len(ids))]
    head = struct.pack("<7I", 0x950412DE, 0, len(pairs), 7 * 4, 7 * 4 + 8 * len(pairs), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + struct.pack(f"<{len(offsets)}I", *offsets) + ids + strs)


def test_english_follows_once_a_catalogue_exists(tmp_path, client, db):
    """What the wrapping is for: with an English catalogue the same code speaks English (the engine's
    own gettext/ngettext wrappers, a lazy API title, an API error), and Chinese stays the default."""
    from django.test import override_settings
    from django.utils import translation

    from huiwu.admission.engine import SEED_RULES, evaluate

    days = "会前%(days)s天内无%(label)s"
    write_mo(tmp_path / "en" / "LC_MESSAGES" / "django.mo", {
        f"{days}\0{days}": ["No %(label)s within %(days)s day before", "No %(label)s within %(days)s days before"],
        "疑似症状": "suspected symptoms",
        "不符合“%(title)s”：%(fact)s，须更换为其他人员参会。": "Fails “%(title)s”: %(fact)s; send someone else.",
        "申报有新冠肺炎疑似症状": "declared symptoms",
        "huiwu 会务 API": "huiwu meeting API",
        "缺少或无效的访问令牌。请在请求头中提供 Authorization: Bearer TOKEN。": "Missing or invalid token.",
    })
    start = datetime(2021, 11, 23, 2, 0, tzinfo=UTC)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        with translation.override("en"):
            reason = evaluate(SEED_RULES[:1], {"symptoms": True}, start, "main").reasons[0]["message"]
            assert reason == "Fails “No suspected symptoms within 14 days before”: declared symptoms; send someone else."
        with translation.override("zh-hans"):
            reason = evaluate(SEED_RULES[:1], {"symptoms": True}, start, "main").reasons[0]["message"]
            assert reason == "不符合“会前14天内无疑似症状”：申报有新冠肺炎疑似症状，须更换为其他人员参会。"
        assert client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()["info"]["title"] == \
            "huiwu meeting API"
        assert client.get("/api/v1/events", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"] == \
            "Missing or invalid token."
        assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "huiwu 会务 API"
        english = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
        assert english["Content-Language"] == "en" and "Accept-Language" in english["Vary"]
    # no catalogue for the language asked for: Chinese, and the answer says so
    french = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Content-Language"] == "zh-hans" and "Accept-Language" in french["Vary"]


#: the receipt messages an English catalogue needs for the tests below (plural entries as lists)
_OFFER = "文件中有 %(n)d 行有问题，本次没有保存任何内容。请改正后重新提交；或确认只导入无误的 %(ok)d 行。"
RECEIPTS_EN: dict[str, str | list[str]] = {
    "第%(row)d行": "row %(row)d",
    "%(place)s：%(message)s": "%(place)s: %(message)s",
    "%(name)s与%(row)s重复（同名同手机号），请删除其中一行。": "%(name)s is the same person as on %(row)s; delete one.",
    f"{_OFFER}\0{_OFFER}": ["%(n)d row has problems; nothing was saved. Fix it, or import only the %(ok)d good rows.",
                            "%(n)d rows have problems; nothing was saved. Fix them, or import only the %(ok)d good rows."],
    "%(year)d年%(month)d月%(day)d日 %(time)s": "%(year)d-%(month)02d-%(day)02d %(time)s",
    "注：1. 本会场参会总人数不超过%(n)d人，请逐行填写姓名、单位、职务和11位手机号码。":
        "Note: 1. At most %(n)d people; one person a row: name, unit, position and 11-digit mobile.",
    "2. 请勿改动表头和文件属性，系统据此识别会场；多余的空行可以保留。":
        "2. Do not change the headings or the file's properties; empty rows may stay.",
    "3. 视频调试于%(when)s开始，届时请视频调试负责人保持手机畅通。":
        "3. The video rehearsal starts at %(when)s; keep the rehearsal contact's phone on.",
    "请于%(when)s前填好，%(where)s。": "Please fill it in before %(when)s and %(where)s.",
    "发送至 %(email)s，或登录系统上传": "send it to %(email)s, or upload it",
    "登录系统上传": "upload it",
    # not messages any more (the reader reads these lines): here so that wrapping them again fails
    "会场：%(place)s　会场代码：%(code)s": "Venue: %(place)s  venue code: %(code)s",
    "填报单位（盖章）：%(unit)s": "Filed by (seal): %(unit)s",
}


@pytest.fixture
def english(tmp_path):
    """English active, from a catalogue holding RECEIPTS_EN."""
    from django.test import override_settings
    from django.utils import translation

    write_mo(tmp_path / "en" / "LC_MESSAGES" / "django.mo", RECEIPTS_EN)
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("en"):
        yield


def test_receipt_import_says_file_rows_in_english(english, demo_event):
    """The service numbers rows in its list and the importer turns them into the file's rows by
    finding “第N行” again: in English it finds “row N”. The mail reply still leaves out the web's
    offer to import the good rows, now that it cannot be recognised by its Chinese words."""
    from huiwu.receipts.documents.importer import import_file
    from huiwu.receipts.mailintake import reply_text
    from huiwu.receipts.tests.files import csv_bytes

    rows = [["回执"], ["姓名", "单位", "职务", "手机"],
            ["青山", "辽宁省教育厅", "科长", "13800138111"],
            ["白鹭", "辽宁省教育厅", "处长", "13800138000"],
            ["青山", "辽宁省教育厅", "科长", "13800138111"],
            ["视频调试负责人：红日，手机：13800138333"]]
    report = import_file(csv_bytes(rows), "辽宁.csv", event=demo_event, venue=demo_event.venues.get(code="210000"))
    assert report["status"] == "needs_review", report
    [error] = report["errors"]
    # the third person is the file's 5th line and the first one its 3rd (the list's rows 3 and 1)
    assert error["row"] == 5
    assert error["message"] == "row 5: 青山 is the same person as on row 3; delete one."
    offer = "1 row has problems; nothing was saved. Fix it, or import only the 2 good rows."
    assert report["partial_offer"] == offer and offer in report["warnings"]
    body = reply_text(demo_event, {"subject": "回执", "files": [report]})
    assert error["message"] in body and offer not in body


def _strip_markers(data: bytes, fmt: str) -> bytes:
    """The form without its three markers, as if an office suite had dropped them all."""
    import io
    import zipfile

    import openpyxl

    from huiwu.receipts.tests.files import rezip, xlsx_bytes

    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data))
        wb.custom_doc_props.props.clear()
        del wb.defined_names["huiwu_marker"]
        del wb["_huiwu"]
        wb.properties.keywords = None
        return xlsx_bytes(wb)
    src = zipfile.ZipFile(io.BytesIO(data))
    return rezip(data, replace={part: src.read(part).replace(b"huiwu-receipt", b"x") for part in
                                ("docProps/custom.xml", "docProps/core.xml", "word/document.xml")})


def _filled_form(venue, fmt: str) -> bytes:
    """The venue's form, as rendered in the active language, with two people and the contact."""
    import io

    import docx
    import openpyxl

    from huiwu.receipts.documents.templates import render_template
    from huiwu.receipts.tests.files import docx_bytes, xlsx_bytes

    people = [("贾宝", "深圳市教育局", "处长", "13811112222"), ("林黛", "深圳开放大学", "教师", "13911113333")]
    data = render_template(venue, fmt)
    if fmt == "docx":
        d = docx.Document(io.BytesIO(data))
        for i, person in enumerate(people, start=1):
            for j, value in enumerate(person, start=1):
                d.tables[0].rows[i].cells[j].text = value
        contact = d.tables[1].rows[1].cells
        contact[0].text, contact[3].text = "甄士", "13722223333"
        return docx_bytes(d)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["回执"]
    for i, person in enumerate(people, start=8):
        for j, value in enumerate(person, start=2):
            ws.cell(row=i, column=j, value=value)
    contact_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "视频调试负责人") + 2
    ws.cell(row=contact_row, column=1, value="甄士")
    ws.cell(row=contact_row, column=4, value="13722223333")
    return xlsx_bytes(wb)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_receipt_form_rendered_in_english_reads_back_like_the_chinese_one(english, demo_event, fmt):
    """templates.py's split: the form's notes and deadline line follow the language, while its
    headings, captions and the 会场代码/填报单位 lines stay the Chinese form's. A form made in
    English and filled in reads back exactly as the Chinese one does (the same rows, contact, declared
    unit and 会场代码 line), and is placed at its venue even without its markers."""
    from django.utils import translation

    from huiwu.core.text import fold
    from huiwu.receipts.documents.extract import extract
    from huiwu.receipts.documents.importer import _CODE_LINE, import_file
    from huiwu.receipts.documents.reader import read_document

    venue = demo_event.venues.get(code="440300")
    english_form = _filled_form(venue, fmt)
    with translation.override("zh-hans"):
        chinese_form = _filled_form(venue, fmt)

    def read(data: bytes) -> tuple:
        ex = extract(read_document(data, f"form.{fmt}"))
        codes = [m.group(1) for line in ex.lines for m in [_CODE_LINE.search(fold(line))] if m]
        return ([(r.row, r.data) for r in ex.attendees], ex.tech_contact, ex.errors, ex.warnings, ex.declared_units,
                codes, ex.lines)

    en, zh = read(english_form), read(chinese_form)
    assert any("Please fill it in before" in line for line in en[-1]), en[-1]  # the English notes are in the file
    assert any("请于" in line for line in zh[-1])
    assert en[:-1] == zh[:-1]
    assert en[4] == ["深圳市教育局"] and en[5] == ["440300"]
    assert [name for _row, data in en[0] for name in [data["name"]]] == ["贾宝", "林黛"]
    assert en[1] == {"name": "甄士", "phone": "13722223333"}
    report = import_file(_strip_markers(english_form, fmt), f"form.{fmt}", event=demo_event, dry_run=True)
    assert report["status"] == "accepted", report
    assert report["venue"] == "440300"
