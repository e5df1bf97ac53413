"""Reference data: the 37 regional units that host branch venues, in the official order.

GB/T 2260 codes; the 31 provincial-level divisions, then the five cities specifically designated
in the state plan (计划单列市), then the Xinjiang Production and Construction Corps (660000).
Each tuple: (code, region name, kind, education authority).
"""

REGIONS: list[tuple[str, str, str, str]] = [
    ("110000", "北京市", "province", "北京市教育委员会"),
    ("120000", "天津市", "province", "天津市教育委员会"),
    ("130000", "河北省", "province", "河北省教育厅"),
    ("140000", "山西省", "province", "山西省教育厅"),
    ("150000", "内蒙古自治区", "province", "内蒙古自治区教育厅"),
    ("210000", "辽宁省", "province", "辽宁省教育厅"),
    ("220000", "吉林省", "province", "吉林省教育厅"),
    ("230000", "黑龙江省", "province", "黑龙江省教育厅"),
    ("310000", "上海市", "province", "上海市教育委员会"),
    ("320000", "江苏省", "province", "江苏省教育厅"),
    ("330000", "浙江省", "province", "浙江省教育厅"),
    ("340000", "安徽省", "province", "安徽省教育厅"),
    ("350000", "福建省", "province", "福建省教育厅"),
    ("360000", "江西省", "province", "江西省教育厅"),
    ("370000", "山东省", "province", "山东省教育厅"),
    ("410000", "河南省", "province", "河南省教育厅"),
    ("420000", "湖北省", "province", "湖北省教育厅"),
    ("430000", "湖南省", "province", "湖南省教育厅"),
    ("440000", "广东省", "province", "广东省教育厅"),
    ("450000", "广西壮族自治区", "province", "广西壮族自治区教育厅"),
    ("460000", "海南省", "province", "海南省教育厅"),
    ("500000", "重庆市", "province", "重庆市教育委员会"),
    ("510000", "四川省", "province", "四川省教育厅"),
    ("520000", "贵州省", "province", "贵州省教育厅"),
    ("530000", "云南省", "province", "云南省教育厅"),
    ("540000", "西藏自治区", "province", "西藏自治区教育厅"),
    ("610000", "陕西省", "province", "陕西省教育厅"),
    ("620000", "甘肃省", "province", "甘肃省教育厅"),
    ("630000", "青海省", "province", "青海省教育厅"),
    ("640000", "宁夏回族自治区", "province", "宁夏回族自治区教育厅"),
    ("650000", "新疆维吾尔自治区", "province", "新疆维吾尔自治区教育厅"),
    ("210200", "大连市", "city", "大连市教育局"),
    ("370200", "青岛市", "city", "青岛市教育局"),
    ("330200", "宁波市", "city", "宁波市教育局"),
    ("350200", "厦门市", "city", "厦门市教育局"),
    ("440300", "深圳市", "city", "深圳市教育局"),
    ("660000", "新疆生产建设兵团", "corps", "新疆生产建设兵团教育局"),
]

BRANCH_CODES = [r[0] for r in REGIONS]
