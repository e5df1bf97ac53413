"""One date style: 12月3日 21:48 and 2026年12月5日 16:00, 北京时间 for the zone; templates use the filters."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from huiwu.core import dates

UTC_MOMENT = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)  # 16:00 in Beijing


def test_helpers():
    assert dates.long_dt(UTC_MOMENT, "Asia/Shanghai") == "2026年12月5日 16:00"
    assert dates.short_dt(datetime(2026, 12, 3, 21, 48, tzinfo=ZoneInfo("Asia/Shanghai"))) == "12月3日 21:48"
    assert dates.long_date(UTC_MOMENT, "Asia/Shanghai") == "2026年12月5日"
    assert dates.zone_label("Asia/Shanghai") == "北京时间" and dates.zone_label("Europe/Paris") == "Europe/Paris"


def test_filters_in_the_current_time_zone(settings):
    out = Template("{% load huiwu_dates %}{{ m|long_dt }}|{{ m|short_dt }}|{{ z|zone_label }}").render(
        Context({"m": UTC_MOMENT, "z": "Asia/Shanghai"}))
    assert out == "2026年12月5日 16:00|12月5日 16:00|北京时间"


def test_no_page_template_spells_its_own_date_format():
    """Templates use the filters (long_dt, short_dt, long_date) instead of |date:"n月j日 H:i" or "n-j H:i"
    of their own; only a time of day (H:i) or a weekday (l) may be formatted in place."""
    import re
    from pathlib import Path

    root = Path(dates.__file__).resolve().parents[1]
    own_format = re.compile(r"""\|date:\s*["'][^"']*[YynmjdFMNbEe年月日]""")
    pages = list(root.rglob("*.html"))
    assert len(pages) > 50
    own = [str(p.relative_to(root)) for p in pages if own_format.search(p.read_text(encoding="utf-8"))]
    assert own == [], own
    assert own_format.search('{{ x|date:"n-j H:i" }}') and not own_format.search('{{ x|date:"H:i" }}')


def test_no_code_spells_its_own_date_format():
    """Python code says dates through core/dates.py, not strftime("%Y年%m月%d日") (12月05日, zero-padded)."""
    import re
    from pathlib import Path

    root = Path(dates.__file__).resolve().parents[1]
    own = [str(p.relative_to(root)) for p in root.rglob("*.py")
           if "tests" not in p.parts and re.search(r"strftime\([^)]*[年月日]", p.read_text(encoding="utf-8"))]
    assert own == [], own
