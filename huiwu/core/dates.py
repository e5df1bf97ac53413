"""The one date style of huiwu: 12月3日 21:48 for moments near now, 2026年12月5日 16:00 for deadlines
and meetings, and 北京时间 (not Asia/Shanghai) for the zone. Templates use the filters of
`core/templatetags/huiwu_dates.py`, Python code these functions."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

#: zones whose clock is Beijing time (UTC+8 all year)
BEIJING = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC", "Asia/Hong_Kong", "Asia/Macau"}


def _local(moment: datetime, tz: tzinfo | str | None) -> datetime:
    if isinstance(tz, str):
        tz = ZoneInfo(tz)
    if timezone.is_naive(moment):
        return moment
    return moment.astimezone(tz or timezone.get_current_timezone())


def long_dt(moment: datetime | None, tz: tzinfo | str | None = None) -> str:
    """2026年12月5日 16:00"""
    if moment is None:
        return ""
    d = _local(moment, tz)
    return _("%(y)d年%(m)d月%(d)d日 %(t)s") % {"y": d.year, "m": d.month, "d": d.day, "t": f"{d:%H:%M}"}


def short_dt(moment: datetime | None, tz: tzinfo | str | None = None) -> str:
    """12月3日 21:48"""
    if moment is None:
        return ""
    d = _local(moment, tz)
    return _("%(m)d月%(d)d日 %(t)s") % {"m": d.month, "d": d.day, "t": f"{d:%H:%M}"}


def long_date(day: date | datetime | None, tz: tzinfo | str | None = None) -> str:
    """2026年12月5日"""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = _local(day, tz).date()
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def zone_label(name: str | None) -> str:
    """北京时间 for the zones that keep Beijing's clock; other zones by name."""
    if not name or name in BEIJING:
        return _("北京时间")
    return name


def input_hint(kind: str, value: date | datetime | str | None = None) -> str:
    """What stands beside a browser date input, whose own display follows the computer's locale
    (mm/dd/yyyy on an English Windows): the current value in our style, or an example.

    `kind` is "date" or "datetime"; `value` the field's value (a date, a naive local datetime,
    or the ISO text the input holds).
    """
    if isinstance(value, str) and value.strip():
        try:
            value = date.fromisoformat(value.strip()[:10]) if kind == "date" else datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    zone = zone_label(timezone.get_current_timezone_name())
    if kind == "date":
        if isinstance(value, (date, datetime)):
            return _("当前：%(value)s") % {"value": long_date(value)}
        return _("例：2026-12-05（年、月、日的顺序随本机设置）")
    if isinstance(value, datetime):
        return _("当前：%(value)s，%(zone)s") % {"value": long_dt(value), "zone": zone}
    return _("例：2026-12-05 16:00，%(zone)s（年、月、日的顺序随本机设置）") % {"zone": zone}
