"""The notice parser: the seed field by field, our own notices, and each field family alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huiwu.notices import parser as P
from huiwu.notices.reading import read_notice_file

HERE = Path(__file__).resolve().parent
SEED_DIR = (HERE.parents[2] / ".." / "shared" / "seed").resolve()
SEED = SEED_DIR / "000_6c7442209d79a2e8.txt"
FIXTURES = sorted((HERE / "notices").glob("*.json"))

SEED_EXPECTED = {
    "title": "教育部办公厅关于举办2021年全民终身学习活动周全国总开幕式的通知",
    "doc_number": "教职成厅函〔2021〕24号",
    "issuer": "教育部办公厅",
    "issued_on": "2021-11-19",
    "addressees": ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局", "有关单位"],
    "theme": "庆建党百年华诞,谱终身学习新篇",
    "event": {"starts_at": "2021-11-23T10:00:00+08:00", "ends_at": "2021-11-23T11:30:00+08:00"},
    "format": {"hybrid": True, "main_and_branch": True},
    "main_venue": {"name": "教育部机关北楼二层报告厅", "capacity": 30, "arrive_before_minutes": 15},
    "branch_venues": {
        "hosts": ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局"],
        "capacity": 30,
        "approval_required": True,
    },
    "registration": {
        "deadline": "2021-11-20T16:00:00+08:00",
        "email": "sjc@moe.edu.cn",
        "fields": ["name", "unit", "position", "tech_contact_phone"],
    },
    "rehearsal": {
        "starts_at": "2021-11-22T09:30:00+08:00",
        "ends_at": "2021-11-22T11:30:00+08:00",
        "contact": {"name": "付宇豪", "phone": "18500219116"},
    },
    "contacts": [{"name": "王立", "org": "教育部职业教育与成人教育司", "phones": ["010-66096253"], "fax": "010-66020434"}],
    "attachments": ["主会场参会回执.docx", "分会场参加人员及视频调试负责人回执.docx"],
    "admission_rules": [
        {"kind": "symptoms", "window_days": 14, "venues": "all"},
        {"kind": "risk_area_contact", "window_days": 14, "venues": "all"},
        {"kind": "risk_area_stay", "window_days": 14, "venues": "all"},
        {"kind": "itinerary_code", "venues": "main"},
        {"kind": "health_code", "color": "green", "issuer": "北京健康宝", "venues": "main"},
        {"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel", "venues": "main"},
    ],
}


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("the seed notice (../shared/seed) is not present")
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", P.FIELD_PATHS)
def test_seed_field(path):
    result = P.parse(seed_text())
    assert P.get_path(result, path) == P.get_path(SEED_EXPECTED, path)


def test_seed_whole_and_schema_keys():
    result = P.parse(seed_text())
    assert result == SEED_EXPECTED
    assert list(result) == list(SEED_EXPECTED)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_own_notices_field_by_field(fixture):
    expected = json.loads(fixture.read_text(encoding="utf-8"))
    result = P.parse(read_notice_file(fixture.with_suffix(".txt")))
    wrong = {
        path: {"expected": P.get_path(expected, path), "got": P.get_path(result, path)}
        for path in P.FIELD_PATHS
        if P.get_path(expected, path) != P.get_path(result, path)
    }
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
    assert set(result) == set(expected)


def test_there_are_enough_own_notices():
    assert len(FIXTURES) >= 14
    for f in FIXTURES:
        assert f.with_suffix(".txt").exists()


def test_sources_point_at_the_sentence_each_field_came_from():
    result, spans, text = P.parse_with_sources(seed_text())
    assert "11月20日下午4:00前" in text[slice(*spans["registration.deadline"])]
    assert "sjc@moe.edu.cn" in text[slice(*spans["registration.email"])]
    assert "教育部机关北楼二层报告厅" in text[slice(*spans["main_venue.name"])]
    assert "付宇豪" in text[slice(*spans["rehearsal.contact"])]
    assert "王立" in text[slice(*spans["contacts"])]
    assert "10:00—11:30" in text[slice(*spans["event.starts_at"])]
    for path, (s, e) in spans.items():
        assert 0 <= s < e <= len(text), path
    assert P.missing_fields(result) == []


# -- chrome ---------------------------------------------------------------------------------

CHROME_TOP = """市教育网 首页 | 新闻 | 公开 | 服务
咨询电话:010-12345678 邮箱:office@portal.example.cn
2019-01-02 发布
热点:关于召开2019年全市教育工作会议的通知 2019-01-02
"""
CHROME_BOTTOM = """
相关新闻
· 关于举办2020年培训班的通知 2020-03-04 联系电话:13912345678
版权所有 某市教育局 电话:020-99999999 邮箱:webmaster@portal.example.cn 备案号:ICP备12345号
"""


def test_chrome_never_leaks_dates_phones_or_emails():
    body = seed_text()
    start = body.index("教育部办公厅关于举办")
    notice = body[start:body.index("更多>>")]
    wrapped = CHROME_TOP + notice + CHROME_BOTTOM
    result = P.parse(wrapped)
    assert result == P.parse(notice) == SEED_EXPECTED
    dumped = json.dumps(result, ensure_ascii=False)
    for leak in ("12345678", "13912345678", "99999999", "office@", "webmaster@", "2019", "2020-03-04"):
        assert leak not in dumped


def test_body_is_located_between_doc_number_and_signature():
    doc = P.find_body(P.normalise(seed_text()))
    body = doc.text[doc.start:doc.end]
    assert body.startswith("教职成厅函〔2021〕24号")
    assert body.rstrip().endswith("2021年11月19日")
    assert "更多>>" not in body and "责任编辑" not in body


def test_without_body_markers_nothing_is_invented():
    result = P.parse("首页 | 新闻\n今天天气很好。\n版权所有")
    assert P.missing_fields(result) == P.FIELD_PATHS


# -- normalisation --------------------------------------------------------------------------

def test_normalise_folds_full_width_and_traditional():
    assert P.normalise("１１月２３日（星期二）") == "11月23日(星期二)"
    assert P.normalise("聯繫人：張偉") == "联系人:张伟"


def test_hard_wrapped_lines_are_joined_only_in_wrapped_text():
    para = "为深入贯彻落实有关会议精神，经研究，定于2022年5月10日上午9:00至11:00召开全省教育工作视频会议，请各单位认真组织收看。"
    wrapped = "\n".join(para[i:i + 24] for i in range(0, len(para), 24))
    text = P.normalise(wrapped + "\n" + wrapped)
    assert "9:00至11:00召开" in text
    short = "联系人:王立\n电话:010-66096253"
    assert P.normalise(short) == short


# -- numbers, dates, times ------------------------------------------------------------------

@pytest.mark.parametrize("raw,value", [
    ("30", 30), ("三十", 30), ("五十", 50), ("一百二十", 120), ("两百", 200), ("十五", 15),
    ("二〇二一", 2021), ("十", 10), ("x", None),
])
def test_cn_int(raw, value):
    assert P.cn_int(raw) == value


REF = P.Ref(day=P.date(2021, 11, 19), year=2021)


def when(text, ref=REF):
    found = P.find_whens(text, 0, len(text), ref)
    assert found, text
    return found[0]


@pytest.mark.parametrize("text,start,end,before", [
    ("11月23日(星期二)上午10:00—11:30", "2021-11-23T10:00:00+08:00", "2021-11-23T11:30:00+08:00", False),
    ("11月22日上午9:30-11:00", "2021-11-22T09:30:00+08:00", "2021-11-22T11:00:00+08:00", False),
    ("11月22日9时30分至11时", "2021-11-22T09:30:00+08:00", "2021-11-22T11:00:00+08:00", False),
    ("11月22日14:30至16:00", "2021-11-22T14:30:00+08:00", "2021-11-22T16:00:00+08:00", False),
    ("11月20日(星期六)16:00前", "2021-11-20T16:00:00+08:00", None, True),
    ("11月20日下午4:00前", "2021-11-20T16:00:00+08:00", None, True),
    ("11月20日晚上7点半至9点", "2021-11-20T19:30:00+08:00", "2021-11-20T21:00:00+08:00", False),
    ("十一月二十三日下午三点至五点", "2021-11-23T15:00:00+08:00", "2021-11-23T17:00:00+08:00", False),
    ("2021年11月23日上午十时", "2021-11-23T10:00:00+08:00", None, False),
    ("2021.11.23 10:00~11:00", "2021-11-23T10:00:00+08:00", "2021-11-23T11:00:00+08:00", False),
    ("11月23日至24日", "2021-11-23", "2021-11-24", False),
    ("11月20日前", "2021-11-20", None, True),
    ("11月23日上午11:00-1:00", "2021-11-23T11:00:00+08:00", "2021-11-23T13:00:00+08:00", False),
    ("11月23日中午12:30", "2021-11-23T12:30:00+08:00", None, False),
])
def test_when_formats(text, start, end, before):
    w = when(P.normalise(text))
    assert (w.start_iso(), w.end_iso(), w.before) == (start, end, before)


def test_full_width_time_with_weekday_and_deadline():
    w = when(P.normalise("１１月２０日（星期五）１６：００前"))
    assert (w.start_iso(), w.before) == ("2021-11-20T16:00:00+08:00", True)


def test_undated_year_takes_the_notice_year_and_january_is_next_year():
    december = P.Ref(day=P.date(2022, 12, 20), year=2022)
    assert when("1月10日上午9:00", december).start_iso() == "2023-01-10T09:00:00+08:00"
    assert when("12月28日上午9:00", december).start_iso() == "2022-12-28T09:00:00+08:00"
    # only the doc number's year known: no roll-over guess
    assert when("1月10日", P.Ref(year=2022)).start_iso() == "2022-01-10"
    # no year at all: no date
    assert P.find_whens("1月10日", 0, 5, P.Ref()) == []


# -- counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("主会场总人数在30人以内", 30), ("不超过三十人", 30), ("约五十人", 50), ("50人左右", 50),
    ("限60人", 60), ("限额一百二十人", 120), ("人数控制在25人以内", 25), ("不多于２５人", 25),
    ("规模为40人", 40),
])
def test_counts(text, value):
    text = P.normalise(text)
    assert [v for v, _ in P.counts(text, 0, len(text))][:1] == [value]


def test_counts_ignore_plain_numbers_of_people():
    text = "每个分会场派1人负责调试,请3人参加"
    assert P.counts(text, 0, len(text)) == []


def _doc(body: str) -> P.Doc:
    text = P.normalise("某某厅关于召开会议的通知\n各有关单位:\n" + body + "\n某某厅\n2022年5月6日")
    doc = P.find_body(text)
    doc.ref = P.reference(doc, "2022-05-06")
    return doc


def test_venue_counts_follow_the_nearest_venue_word():
    doc = _doc("(一)主会场:有关负责同志,总人数不超过三十人。\n(二)分会场:各地代表。每个分会场人数在20人以内。")
    assert {k: v for k, (v, _) in P.venue_counts(doc).items()} == {"main": 30, "branch": 20}
    both = _doc("主会场和各分会场参会人数均不超过30人。")
    assert {k: v for k, (v, _) in P.venue_counts(both).items()} == {"main": 30, "branch": 30}
    quota = _doc("地点:示例宾馆。每单位不超过5人。")
    assert P.venue_counts(quota) == {}


def test_arrive_before():
    assert P.arrive_before(_doc("请参会代表提前15分钟入位。"))[0] == 15
    assert P.arrive_before(_doc("请于会前半小时到场。"))[0] == 30
    assert P.arrive_before(_doc("请提前一刻钟入场。"))[0] == 15
    assert P.arrive_before(_doc("请准时参会。"))[0] is None


# -- field families -------------------------------------------------------------------------

def test_title_fields_prefer_the_signature():
    fields = P.title_fields(_doc("定于5月10日召开会议。"))
    assert fields["issuer"][0] == "某某厅"
    assert fields["issued_on"][0] == "2022-05-06"
    assert fields["title"][0] == "某某厅关于召开会议的通知"
    assert fields["doc_number"][0] is None


def test_addressees_split_at_commas_not_inside_names():
    doc = P.find_body(P.normalise("X关于Y的通知\n各省、自治区、直辖市教育厅(教委),各计划单列市教育局,局机关各部门、局直属各单位:\n正文。"))
    assert P.addressees(doc)[0] == ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "局机关各部门", "局直属各单位"]


def test_split_units_glues_region_lists():
    assert P.split_units("各省、自治区、直辖市教育厅(教委)、各计划单列市教育局及新疆生产建设兵团教育局") == [
        "各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局"]
    assert P.split_units("各市文化和旅游局") == ["各市文化和旅游局"]


def test_theme_forms():
    assert P.theme(_doc("围绕“学习改变生活”主题开展活动。"))[0] == "学习改变生活"
    assert P.theme(_doc("本次活动主题为“终身学习,人人出彩”。"))[0] == "终身学习,人人出彩"
    assert P.theme(_doc("定于5月10日召开会议。"))[0] is None


def test_event_time_label_then_sentence():
    ev, _ = P.event_time(_doc("定于5月10日召开会议。\n一、时间:5月10日(星期二)下午2:30-4:00"))
    assert ev == {"starts_at": "2022-05-10T14:30:00+08:00", "ends_at": "2022-05-10T16:00:00+08:00"}
    ev, _ = P.event_time(_doc("定于5月10日上午9时召开会议。"))
    assert ev == {"starts_at": "2022-05-10T09:00:00+08:00", "ends_at": None}
    ev, _ = P.event_time(_doc("请各单位做好准备。"))
    assert ev == {"starts_at": None, "ends_at": None}


def test_meeting_format():
    assert P.meeting_format(_doc("采取线上线下相结合方式,设主会场和分会场。"))[0] == {"hybrid": True, "main_and_branch": True}
    assert P.meeting_format(_doc("会议以视频会议形式召开。地点:示例宾馆"))[0] == {"hybrid": None, "main_and_branch": None}
    assert P.meeting_format(_doc("以线上方式举办,不设分会场。"))[0] == {"hybrid": False, "main_and_branch": False}
    assert P.meeting_format(_doc("请准时参会。"))[0] == {"hybrid": None, "main_and_branch": None}


def test_main_and_branch_venues():
    doc = _doc("主会场设在示例大厦三楼会议室,在各市教育局和各高校设分会场。分会场须经当地主管部门批准后方可开设。")
    assert P.main_venue(doc)[0]["name"] == "示例大厦三楼会议室"
    branch = P.branch_venues(doc)[0]
    assert branch["hosts"] == ["各市教育局", "各高校"]
    assert branch["approval_required"] is True
    none = P.branch_venues(_doc("地点:示例宾馆。"))[0]
    assert none == {"hosts": [], "capacity": None, "approval_required": None}


def test_registration_fields_and_tech_contact():
    reg, _ = P.registration(_doc(
        "请于5月8日17:00前将参会人员姓名、性别、单位、职务及技术联系人的姓名、手机号码发送至邮箱a_b@example.cn。"))
    assert reg == {"deadline": "2022-05-08T17:00:00+08:00", "email": "a_b@example.cn",
                   "fields": ["name", "gender", "unit", "position", "tech_contact_name", "tech_contact_phone"]}
    reg, _ = P.registration(_doc("请各单位于5月8日前报送回执。"))
    assert reg == {"deadline": "2022-05-08", "email": None, "fields": []}


def test_rehearsal_window_and_contact():
    reh, _ = P.rehearsal(_doc("5月9日上午9:00-11:00进行视频调试,联系人:张三 13800000001。"))
    assert reh == {"starts_at": "2022-05-09T09:00:00+08:00", "ends_at": "2022-05-09T11:00:00+08:00",
                   "contact": {"name": "张三", "phone": "13800000001"}}
    reh, _ = P.rehearsal(_doc("请于5月9日下午5点前完成视频调试。"))
    assert reh == {"starts_at": None, "ends_at": "2022-05-09T17:00:00+08:00", "contact": None}


@pytest.mark.parametrize("raw,area,out", [
    ("010—66096253", None, "010-66096253"), ("66020434", "010", "010-66020434"), ("66020434", None, "66020434"),
    ("(0571)87000001", None, "0571-87000001"), ("138 0013 8000", None, "13800138000"),
    ("+86 13800138000", None, "13800138000"), ("01066096253", None, "010-66096253"),
    ("010-66096253转8001", None, "010-66096253-8001"),
])
def test_normalise_phone(raw, area, out):
    assert P.normalise_phone(raw, area) == out


def test_contacts_several_people_phones_and_fax():
    doc = _doc("联系人:办公室 张三、李四\n电话:010-11112222,010-11113333\n传真:010-11119999")
    cts, _ = P.contacts(doc)
    assert cts == [
        {"name": "张三", "org": "办公室", "phones": ["010-11112222"], "fax": "010-11119999"},
        {"name": "李四", "org": "办公室", "phones": ["010-11113333"], "fax": "010-11119999"},
    ]
    one, _ = P.contacts(_doc("联系人:王五 13900000001,赵六 13900000002"))
    assert [(c["name"], c["phones"]) for c in one] == [("王五", ["13900000001"]), ("赵六", ["13900000002"])]


def test_attachments_forms():
    assert P.attachments(_doc("附件:1.回执一.docx\n2.回执二.docx"))[0] == ["回执一.docx", "回执二.docx"]
    assert P.attachments(_doc("附件:1.议程 2.回执"))[0] == ["议程", "回执"]
    assert P.attachments(_doc("附件:参会回执"))[0] == ["参会回执"]
    assert P.attachments(_doc("请准时参会。"))[0] == []


def test_admission_rules_scopes_and_windows():
    rules, _ = P.admission_rules(_doc(
        "参会人员近7天内有发热等症状的,不得参会。\n"
        "分会场参会人员须持72小时内核酸检测阴性证明。\n"
        "主会场参会人员须出示“北京健康宝”绿码。如从外地来京,须持48小时内核酸检测阴性证明。"))
    assert rules == [
        {"kind": "symptoms", "window_days": 7, "venues": "all"},
        {"kind": "nucleic_acid_test", "window_hours": 72, "applies_to": "all", "venues": "branch"},
        {"kind": "health_code", "color": "green", "issuer": "北京健康宝", "venues": "main"},
        {"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel", "venues": "main"},
    ]
    assert P.admission_rules(_doc("请准时参会。"))[0] == []


def test_event_name_from_title():
    assert P.event_name("教育部办公厅关于举办2021年全民终身学习活动周全国总开幕式的通知") == "2021年全民终身学习活动周全国总开幕式"
    assert P.event_name("关于召开全省图书馆工作会议的通知") == "全省图书馆工作会议"


def test_wrapped_addressee_line_aligned_names_absolute_arrival_and_no_symptoms():
    text = ("某厅关于召开会议的通知\n各省、自治区、直辖市教育厅(教委),各计划单列市教育局,\n新疆生产建设兵团教育局,有关单位:\n"
            "定于2022年5月10日上午10:00召开会议。请于9:45前入场。参会人员须无发热、咳嗽等症状。\n"
            "联 系 人:王  立 010-66096253\n某厅\n2022年5月1日")
    result = P.parse(text)
    assert result["addressees"] == ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局", "有关单位"]
    assert result["main_venue"]["arrive_before_minutes"] == 15
    assert result["admission_rules"] == [{"kind": "symptoms", "window_days": None, "venues": "all"}]
    assert result["contacts"] == [{"name": "王立", "org": None, "phones": ["010-66096253"], "fax": None}]


def test_each_persons_own_fax():
    cts, _ = P.contacts(_doc("联系人:甲司 王立,电话:010-66096253,传真:010-66020434;乙会 刘洋,电话:010-68001234,传真:010-68001235"))
    assert [(c["name"], c["org"], c["fax"]) for c in cts] == [
        ("王立", "甲司", "010-66020434"), ("刘洋", "乙会", "010-68001235")]


def test_main_venue_is_a_place_not_the_list_of_who_attends_there():
    doc = _doc("一、参会人员\n主会场:厅领导及有关处室负责同志。\n二、主会场设在示例大厦报告厅。")
    assert P.main_venue(doc)[0]["name"] == "示例大厦报告厅"


def test_quotas_per_group_and_vague_hosts_are_not_read():
    doc = _doc("地点:示例宾馆。每个小组不超过10人。请各单位自行设分会场。")
    assert P.venue_counts(doc) == {}
    assert P.branch_venues(doc)[0]["hosts"] == []
    each = _doc("主会场设在甲楼。每个分会场不超过20人。")
    assert {k: v for k, (v, _) in P.venue_counts(each).items()} == {"branch": 20}


def test_notice_body_leaves_the_page_out():
    body = P.notice_body(seed_text())
    assert body.startswith("教育部办公厅关于举办2021年全民终身学习活动周全国总开幕式的通知\n\n教职成厅函〔2021〕24号")
    assert body.endswith("2021年11月19日")
    assert "责任编辑" not in body and "更多>>" not in body


# -- round 1 of unseen notices: the grammar they needed ------------------------------------

def test_host_is_the_subject_when_the_place_is_its_own():
    doc = _doc("主会场设在甲楼一层会议室,各高校在本校设分会场。")
    assert P.branch_venues(doc)[0]["hosts"] == ["各高校"]
    vague = _doc("主会场设在甲楼。请在当地设分会场。")
    assert P.branch_venues(vague)[0]["hosts"] == []


def test_a_video_meeting_room_is_a_place():
    assert P.main_venue(_doc("主会场设在省卫生健康委3楼视频会议室,各市设分会场。"))[0]["name"] == "省卫生健康委3楼视频会议室"
    assert P.main_venue(_doc("主会场为视频会议形式,各市设分会场。"))[0]["name"] is None


def test_deadline_takes_the_hour_given_for_the_same_day_in_its_sentence():
    reg, _ = P.registration(_doc("请于5月8日前将参会人员名单报送办公室,截止时间为5月8日12时。"))
    assert reg["deadline"] == "2022-05-08T12:00:00+08:00"
    other_day, _ = P.registration(_doc("请于5月8日前将参会人员名单报送办公室,5月9日10:00召开预备会。"))
    assert other_day["deadline"] == "2022-05-08"


def test_registration_email_in_the_deadline_paragraph_but_not_a_contacts():
    reg, _ = P.registration(_doc("请于5月8日前将参会人员名单报送办公室。电子邮箱:bgs@example.cn。"))
    assert reg["email"] == "bgs@example.cn"
    reg, _ = P.registration(_doc("请于5月8日前将参会人员名单报送办公室。联系人:张三,邮箱:zs@example.cn。"))
    assert reg["email"] is None


def test_rehearsal_contact_after_a_unit():
    reh, _ = P.rehearsal(_doc("5月9日下午3:00至5:00进行视频调试,联系人:市大数据局 林峰,13588001234。"))
    assert reh["contact"] == {"name": "林峰", "phone": "13588001234"}


# -- round 2 --------------------------------------------------------------------------------

def test_a_date_in_brackets_keeps_its_time():
    w = when(P.normalise("会前一天(11月22日)下午4点进行测试"))
    assert w.start_iso() == "2021-11-22T16:00:00+08:00"


def test_time_label_after_any_event_noun():
    ev, _ = P.event_time(_doc("定于5月20日举办报告会。\n一、报告会时间:5月20日(周六)14:00-17:30"))
    assert ev == {"starts_at": "2022-05-20T14:00:00+08:00", "ends_at": "2022-05-20T17:30:00+08:00"}
    reg_label, _ = P.event_time(_doc("定于5月20日举办报告会。\n报名时间:5月10日9:00"))
    assert reg_label == {"starts_at": "2022-05-20", "ends_at": None}


def test_an_asked_email_field_is_not_where_names_go():
    text = "请于5月8日前报送参会人员姓名、职务、手机号及邮箱。\n联系人:张三 电话:010-12345678 邮箱:zs@example.cn"
    assert P.registration(_doc(text))[0]["email"] is None
    sent_to = "请于5月8日前将参会人员名单发送至联系人邮箱。\n联系人:张三 电话:010-12345678 邮箱:zs@example.cn"
    assert P.registration(_doc(sent_to))[0]["email"] == "zs@example.cn"


def test_contact_lines_after_an_email_are_new_people():
    doc = _doc("联系人:督导办 马丽 电话:0451-82345678 邮箱:ml@example.cn\n"
               "    督导办 罗斌 电话:0451-82345679 邮箱:lb@example.cn")
    assert [(c["name"], c["org"], c["phones"]) for c in P.contacts(doc)[0]] == [
        ("马丽", "督导办", ["0451-82345678"]), ("罗斌", "督导办", ["0451-82345679"])]


def test_main_venue_named_with_its_role_in_brackets():
    doc = _doc("二、会议地点:省人社厅五楼会议室(主会场);各市人社局设分会场。")
    assert P.main_venue(doc)[0]["name"] == "省人社厅五楼会议室"


def test_branch_hosts_from_rooms():
    rooms = _doc("会议采取视频方式,分会场设在各市州教育局视频会议室。")
    assert P.branch_venues(rooms)[0]["hosts"] == ["各市州教育局"]
    label = _doc("主会场:市卫生健康委12楼会议室;分会场:各区卫生健康局视频会议室。")
    assert P.branch_venues(label)[0]["hosts"] == ["各区卫生健康局"]
    people = _doc("主会场设在甲楼。\n分会场:各区卫生健康局分管负责同志。")
    assert P.branch_venues(people)[0]["hosts"] == []


def test_online_meeting_head_count_is_no_venue_capacity():
    doc = _doc("会议采取线上方式召开,不设分会场,参会人数不超过200人。")
    assert P.venue_counts(doc) == {}
    assert P.meeting_format(doc)[0] == {"hybrid": False, "main_and_branch": False}


# -- round 3 --------------------------------------------------------------------------------

def test_jiezhi_is_no_range_dash():
    w = when("报名截至11月25日,请将报名表发送至邮箱。")
    assert (w.start_iso(), w.end_iso()) == ("2021-11-25", None)


def test_meeting_day_then_its_hour_later_in_the_sentence():
    ev, _ = P.event_time(_doc("定于2022年5月10日(星期二)召开会议,会期半天,上午9:00开始。"))
    assert ev == {"starts_at": "2022-05-10T09:00:00+08:00", "ends_at": None}
    sign_in, _ = P.event_time(_doc("定于2022年5月10日召开会议,8:30在一楼大厅集合。"))
    assert sign_in == {"starts_at": "2022-05-10", "ends_at": None}


def test_wrapped_line_ending_inside_a_bracketed_name_is_joined():
    para = ("  一、会议地点。主会场设在省教育厅702会议室,各市教育局、各县(市、区)\n"
            "教育局设分会场。各分会场参会人员不超过20名。\n")
    long = "  为做好工作,经研究,定于10月15日召开会议,请各单位认真组织参加会议并做好各项准备工作\n"
    text = P.normalise(long + "各单位按要求做好会议的组织和保障工作,确保会议顺利召开。\n" + para)
    assert "各县(市、区)教育局设分会场" in text
    assert P.normalise("(此件主动公开,联系人:甲、乙)\n  正文第一段,内容。\n  正文第二段,内容。") \
        .startswith("(此件主动公开,联系人:甲、乙)\n")


def test_notes_in_brackets_after_phones_are_not_people():
    cts, _ = P.contacts(_doc("联系人:会务组 张帆 13800571234(住宿),李然 13800575678(论文投稿)"))
    assert [(c["name"], c["org"], c["phones"]) for c in cts] == [
        ("张帆", "会务组", ["13800571234"]), ("李然", "会务组", ["13800575678"])]


def test_place_labels_and_sign_in_time():
    doc = _doc("定于5月10日上午9:00召开会议。\n主会场地点:市教育局3楼会议室;分会场地点:各区教育局。\n请参会人员于8:40前完成签到。")
    assert P.main_venue(doc)[0]["name"] == "市教育局3楼会议室"
    assert P.main_venue(doc)[0]["arrive_before_minutes"] == 20
    assert P.branch_venues(doc)[0]["hosts"] == ["各区教育局"]


def test_names_reported_to_an_office():
    reg, _ = P.registration(_doc("请各区于5月6日前将分会场参会人数报局办公室。"))
    assert reg["deadline"] == "2022-05-06"
    report, _ = P.registration(_doc("请各区于5月6日前将工作情况报告局办公室。"))
    assert report["deadline"] is None


def test_a_later_sign_in_hour_is_not_the_start():
    ev, _ = P.event_time(_doc("定于2022年5月10日召开会议,会期一天,8:30开始签到。"))
    assert ev["starts_at"] != "2022-05-10T08:30:00+08:00"


# -- round 4 --------------------------------------------------------------------------------

def test_main_venue_after_a_colon_or_in_the_opening_sentence():
    assert P.main_venue(_doc("主会场设在:省教育厅1号楼4楼会议室;各高校设分会场。"))[0]["name"] == "省教育厅1号楼4楼会议室"
    room = _doc("定于5月10日上午十点在市文旅局五楼会议室召开安全工作会议。")
    assert P.main_venue(room)[0]["name"] == "市文旅局五楼会议室"
    city = _doc("定于5月10日在江西南昌召开学术年会。")
    assert P.main_venue(city)[0]["name"] is None


def test_attachments_numbered_in_chinese():
    assert P.attachments(_doc("附件一:回执.docx\n附件二:议程.pdf"))[0] == ["回执.docx", "议程.pdf"]


def test_rehearsal_contact_marked_technical_in_the_contact_lines():
    doc = _doc("5月9日14:00-16:00进行视频调试。\n联系人:甲司 王晨(会务)010-66096001;乙中心 李娜(技术)13910001234")
    assert P.rehearsal(doc)[0]["contact"] == {"name": "李娜", "phone": "13910001234"}
    no_window = _doc("联系人:甲司 王晨(会务)010-66096001;乙中心 李娜(技术)13910001234")
    assert P.rehearsal(no_window)[0]["contact"] is None


def test_tech_contact_after_a_unit_ending_in_guan():
    doc = _doc("5月9日下午2:30—4:00进行视频调试。\n联系人:职成处 伍佳,电话:0769-22801234;技术联系人:市电教馆 余航,电话:0769-22805678。")
    assert P.rehearsal(doc)[0]["contact"] == {"name": "余航", "phone": "0769-22805678"}


def test_count_with_inclusive_note():
    text = "各分会场参会人员控制在20人(含)以内"
    assert [v for v, _ in P.counts(text, 0, len(text))] == [20]


# -- round 5 --------------------------------------------------------------------------------

def test_an_earlier_meeting_cited_is_not_this_ones_time():
    doc = _doc("2022年2月8日召开的全市经济工作会议作出部署。定于近期召开推进会,具体时间另行通知。")
    assert P.event_time(doc)[0] == {"starts_at": None, "ends_at": None}
    doc = _doc("2022年2月8日召开的全市经济工作会议作出部署。定于5月10日上午9:00召开推进会。")
    assert P.event_time(doc)[0]["starts_at"] == "2022-05-10T09:00:00+08:00"


def test_previous_next_links_end_an_undated_notice():
    text = ("关于召开推进会的通知\n示政办函〔2023〕41号\n各区人民政府:\n定于近期召开推进会,具体时间另行通知。\n"
            "示例市人民政府办公室\n上一条:关于召开2022年全市安全生产工作会议的通知(2022-12-20)\n"
            "网站主办:示例市人民政府办公室 联系电话:0791-88160001")
    result = P.parse(text)
    assert result["issuer"] == "示例市人民政府办公室"
    assert result["event"] == {"starts_at": None, "ends_at": None}


def test_sign_up_window_ends_at_the_deadline():
    reg, _ = P.registration(_doc("三、报名时间:即日起至5月6日,报名表请发送至a@example.cn。"))
    assert reg["deadline"] == "2022-05-06"
    reg, _ = P.registration(_doc("三、报名时间:5月1日至5月6日,请将参会回执发送至a@example.cn。"))
    assert reg["deadline"] == "2022-05-06"


def test_date_label_and_liaison_label():
    ev, _ = P.event_time(_doc("定于2022年9月在成都召开年会。\n一、会议日期:2022年9月22日—24日(21日报到)"))
    assert ev == {"starts_at": "2022-09-22", "ends_at": "2022-09-24"}
    cts, _ = P.contacts(_doc("聯絡人:職成處 林曉芳,電話:0591-87091234,傳真:0591-87091200"))
    assert cts == [{"name": "林晓芳", "org": "职成处", "phones": ["0591-87091234"], "fax": "0591-87091200"}]


# -- round 6 --------------------------------------------------------------------------------

def test_event_and_a_task_in_one_sentence():
    doc = _doc("定于2022年6月16日上午9:00召开座谈会,请各市1人参加,并于6月13日前将参会回执报送基础教育处。")
    assert P.event_time(doc)[0] == {"starts_at": "2022-06-16T09:00:00+08:00", "ends_at": None}
    task_first = _doc("请于6月13日前将参会回执报送基础教育处,以便召开座谈会。")
    assert P.event_time(task_first)[0] == {"starts_at": None, "ends_at": None}


def test_each_place_capacity_and_room_size_note():
    doc = _doc("(1)主会场:市会展中心A馆报告厅,约500人;\n(2)分会场:各区科技局视频会议室,每处不超过50人;")
    assert {k: v for k, (v, _) in P.venue_counts(doc).items()} == {"main": 500, "branch": 50}
    room = _doc("二、会议地点:县政府三楼大会议室(会场可容纳100人)。")
    assert P.main_venue(room)[0]["name"] == "县政府三楼大会议室"
    assert P.main_venue(room)[0]["capacity"] == 100


def test_filing_is_not_approval():
    doc = _doc("主会场设在甲楼,在各市设分会场。分会场开设须报当地疫情防控领导小组备案。")
    assert P.branch_venues(doc)[0]["approval_required"] is None


# -- round 7 --------------------------------------------------------------------------------

def test_lifted_checks_are_no_rules():
    rules, _ = P.admission_rules(_doc(
        "参会人员无需查验健康码、行程卡和核酸检测证明,但有发热、咳嗽等症状者请勿参会。\n"
        "主会场参会人员不再查验核酸检测证明,须出示“北京健康宝”绿码。"))
    assert rules == [
        {"kind": "symptoms", "window_days": None, "venues": "all"},
        {"kind": "health_code", "color": "green", "issuer": "北京健康宝", "venues": "main"},
    ]


def test_a_papers_mailbox_is_not_where_names_go():
    reg, _ = P.registration(_doc("三、参会报名:请于4月14日前登录学会网站在线报名。论文投稿邮箱:lw@example.org。"))
    assert reg == {"deadline": "2022-04-14", "email": None, "fields": []}


def test_a_complaints_line_under_the_contact_is_no_contact():
    cts, _ = P.contacts(_doc("联系人:秘书处 孙磊 0571-87050001\n纪检监督电话:0571-87059999"))
    assert cts == [{"name": "孙磊", "org": "秘书处", "phones": ["0571-87050001"], "fax": None}]


# -- round 8 --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("主会场人数限定在30人", 30), ("每个分会场以20人为宜", 20), ("原则上控制在三十人内", 30), ("30人内", 30),
])
def test_more_count_phrasings(text, value):
    assert [v for v, _ in P.counts(text, 0, len(text))][:1] == [value]


def test_two_days_with_one_ri():
    assert (when("11月22-23日").start_iso(), when("11月22-23日").end_iso()) == ("2021-11-22", "2021-11-23")
    w = when(P.normalise("培训时间:2021年11月22—24日(21日报到)"))
    assert (w.start_iso(), w.end_iso()) == ("2021-11-22", "2021-11-24")
    assert P.find_whens("11月23-22日", 0, 9, REF) == []


def test_branch_label_names_units_not_people_and_address_in_brackets():
    doc = _doc("主会场:省教育厅报告厅。分会场:各市教育局。")
    assert P.branch_venues(doc)[0]["hosts"] == ["各市教育局"]
    people = _doc("主会场:委领导。分会场:各区卫生健康局领导班子成员。")
    assert P.branch_venues(people)[0]["hosts"] == []
    addr = _doc("主会场为省教育厅第一会议室(地址:示例市人民路1号)。")
    assert P.main_venue(addr)[0]["name"] == "省教育厅第一会议室"


def test_please_contact_line():
    cts, _ = P.contacts(_doc("如有疑问,请联系:张三 13800000001"))
    assert cts == [{"name": "张三", "org": None, "phones": ["13800000001"], "fax": None}]


# -- round 9 --------------------------------------------------------------------------------

def test_addressees_after_a_zhusong_label():
    doc = P.find_body(P.normalise("关于召开会议的通知\n示语委〔2022〕3号\n主送:各市语委,各高等学校\n定于3月24日召开会议。"))
    assert P.addressees(doc)[0] == ["各市语委", "各高等学校"]


def test_rescheduled_meeting_place_and_a_receipt_sentence_that_goes_on():
    doc = _doc("原定于5月10日召开的工作会议调整至5月17日(星期二)上午9:00召开,会议地点不变,仍为省教育厅301会议室。"
               "已报送参会回执的单位无需重复报送;尚未报送的,请于5月13日(星期五)17:00前发送至wl@example.cn。")
    assert P.event_time(doc)[0]["starts_at"] == "2022-05-17T09:00:00+08:00"
    assert P.main_venue(doc)[0]["name"] == "省教育厅301会议室"
    reg, _ = P.registration(doc)
    assert (reg["deadline"], reg["email"]) == ("2022-05-13T17:00:00+08:00", "wl@example.cn")
    other, _ = P.registration(_doc("请做好准备。\n请于5月13日前将工作总结发送至zj@example.cn。"))
    assert other == {"deadline": None, "email": None, "fields": []}


# -- round 10 -------------------------------------------------------------------------------

def test_date_line_then_time_line():
    doc = _doc("本会定于2022年10月8日举办论坛。\n一、日期:2022年10月8日(星期六)\n二、时间:下午2时30分至4时30分")
    assert P.event_time(doc)[0] == {"starts_at": "2022-10-08T14:30:00+08:00", "ends_at": "2022-10-08T16:30:00+08:00"}


def test_huo_zhiqian_is_a_deadline():
    w = when(P.normalise("请于9月30日(星期五)或之前报名"))
    assert (w.start_iso(), w.before) == ("2021-09-30", True)


def test_contact_heading_with_people_under_it():
    cts, _ = P.contacts(_doc("四、联系人\n许诺 电话:0411-84561234\n蔡明 电话:13940001234"))
    assert [(c["name"], c["phones"]) for c in cts] == [("许诺", ["0411-84561234"]), ("蔡明", ["13940001234"])]
    heading_then_label, _ = P.contacts(_doc("五、联系方式\n联系人:秘书处 钱程 010-62001111"))
    assert [(c["name"], c["org"]) for c in heading_then_label] == [("钱程", "秘书处")]


# -- round 11 -------------------------------------------------------------------------------

def test_a_fax_marked_after_one_person_is_theirs_a_labelled_one_is_shared():
    own, _ = P.contacts(_doc("联系人:张岩,010-66096001;刘畅,010-66096002(传真)"))
    assert [(c["name"], c["phones"], c["fax"]) for c in own] == [
        ("张岩", ["010-66096001"], None), ("刘畅", [], "010-66096002")]
    shared, _ = P.contacts(_doc("联系人:张岩,010-66096001;刘畅,010-66096003;传真:010-66096002"))
    assert [c["fax"] for c in shared] == ["010-66096002", "010-66096002"]


def test_activities_held_online_and_offline_are_not_the_meetings_format():
    doc = _doc("活动周期间,各地采取线上线下相结合方式开展学习活动。会议以视频会议形式召开。")
    assert P.meeting_format(doc)[0]["hybrid"] is None
    doc = _doc("各地采取线上线下相结合方式开展学习活动。开幕式采取线上线下相结合形式。")
    assert P.meeting_format(doc)[0]["hybrid"] is True


def test_a_campaigns_name_is_not_the_theme():
    assert P.theme(_doc("为巩固“不忘初心、牢记使命”主题教育成果,定于5月10日召开会议。"))[0] is None
    assert P.theme(_doc("会议将部署“学党史、悟思想”主题党日活动。"))[0] is None
    assert P.theme(_doc("会议以“奋进新时代”为主题。"))[0] == "奋进新时代"


def test_a_meeting_named_after_drills_or_tests_has_no_rehearsal_from_its_own_time():
    doc = _doc("定于5月10日上午9:00召开全省体育中考测试工作会议。主会场设在甲楼,各市设分会场。5月9日下午3点进行视频调试。")
    assert P.event_time(doc)[0]["starts_at"] == "2022-05-10T09:00:00+08:00"
    assert P.rehearsal(doc)[0]["starts_at"] == "2022-05-09T15:00:00+08:00"
    drill = _doc("定于5月10日上午9:00召开全省应急演练工作推进会。")
    assert P.rehearsal(drill)[0] == {"starts_at": None, "ends_at": None, "contact": None}


def test_notice_body_keeps_the_notices_chinese_punctuation():
    """The grammar reads NFKC-folded text; the body people read on the notice page is written as the
    notice was: full-width commas, colons and brackets, while 9:30, numbers and addresses stay."""
    text = ("关于召开工作会议的通知\n\n各省辖市卫生健康委：\n\n定于2026年12月22日（星期二）上午9:30—11:30召开会议，"
            "请于12月16日17:00前报送至邮箱a.b@example.gov.cn。\n（一）主会场：省卫生健康委；河南省疾控中心负责人。\n"
            "联系人：孙丽，电话：0371-85961234，共1,200元(USD)。\n\n河南省卫生健康委员会办公室\n2026年12月1日")
    body = P.notice_body(text)
    assert "各省辖市卫生健康委：" in body and "（星期二）上午9:30—11:30召开会议，" in body
    assert "（一）主会场：省卫生健康委；河南省疾控中心负责人。" in body
    assert "联系人：孙丽，电话：0371-85961234，共1,200元(USD)" in body and "a.b@example.gov.cn" in body
    assert P.display_punctuation("9:30,10:00") == "9:30,10:00"


def test_attendee_categories_from_the_people_section():
    """Not in parse's schema (PRODUCT.md's): the review page offers them as the event's categories."""
    kinds, span = P.attendee_categories(P.find_body(P.normalise(seed_text())))
    assert kinds["main"] == ["教育部有关司局（单位）负责人", "中国成人教育协会负责人", "联合国教科文组织北京办事处负责人"]
    # two kinds of person joined by 、 are two; the note (视频致辞) and 等 are dropped
    assert kinds["branch"][1] == "继续教育（成人教育、终身教育）相关处室负责人"
    assert kinds["branch"][-1] == "“百姓学习之星”“终身学习品牌项目”代表" and span is not None
    text = ("关于召开全市教育工作会议的通知\n各区教育局：\n一、会议时间\n2026年3月5日9:00\n二、参会人员\n"
            "主会场：各区教育局分管局长，市直属学校校长，主会场座位有限；分会场：各区中小学校长代表，每个分会场原则上20人左右。\n"
            "三、有关要求\n请准时参会。\n")
    kinds, _span = P.attendee_categories(P.find_body(P.normalise(text)))
    # both venues on one line; head counts and notes about seats are no kind of person
    assert kinds == {"main": ["各区教育局分管局长", "市直属学校校长"], "branch": ["各区中小学校长代表"]}
    assert P.attendee_categories(P.find_body(P.normalise("关于X的通知\n一、时间\n明天\n")))[0] == {"main": [], "branch": []}
