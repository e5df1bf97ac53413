"""API: an organizer creates an event from a notice (a file in any format `huiwu notice parse` reads,
or that command's JSON). The event starts as a draft; PATCH and the lifecycle routes are in events.

The route sits on the events router (POST and GET /events must share one router for django-ninja to
serve both methods on one path); it is defined here because reading a notice is this app's work
and events may not import notices. This module has no router of its own.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Status

from huiwu.core.errors import ApiError, Invalid
from huiwu.events.api import EventOut
from huiwu.events.api import router as events_router
from huiwu.events.services import date_warnings

from . import services
from .parser import notice_body, parse
from .reading import MAX_FILE_BYTES, NoticeFileError, read_notice_bytes


class EventCreated(EventOut):
    """The new draft event, with how many venues it got and the dates worth a second look."""

    venue_count: int
    warnings: list[str]

    @staticmethod
    def resolve_venue_count(obj) -> int:
        return obj.venues.count()

    @staticmethod
    def resolve_warnings(obj) -> list[str]:
        return date_warnings(obj)


_NOTICE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["notice"],
            "properties": {"notice": {"type": "string", "format": "binary",
                                      "description": str(gettext_lazy("通知文件：.txt .docx .doc .wps .pdf .html 等"))}},
        }},
        "application/json": {"schema": {
            "type": "object", "description": str(gettext_lazy("`huiwu notice parse --json` 的输出（可加 notice_text）")),
            "additionalProperties": True,
        }},
    },
}


def _read(request) -> tuple[dict[str, Any], str]:
    """(parsed notice, its body text) from a multipart `notice` file or a JSON body."""
    ctype = request.content_type or ""
    if ctype.startswith("multipart/"):
        upload = request.FILES.get("notice")
        if upload is None:
            raise Invalid(_("请在 multipart 表单的 notice 字段上传通知文件。"), {"notice": [_("缺少文件")]})
        if upload.size > MAX_FILE_BYTES:
            raise Invalid(_("通知文件太大，不能超过 5 MB。"), {"notice": [_("文件太大")]})
        try:
            text = read_notice_bytes(upload.read(), upload.name or "notice.txt")
        except NoticeFileError as exc:
            raise Invalid(str(exc), {"notice": [str(exc)]}) from exc
        return parse(text), notice_body(text)
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(_("请求体不是有效的 JSON：请上传通知文件（multipart 的 notice 字段），或发送通知解析结果的 JSON。"),
                      {"body": [_("无法解析")]}) from exc
    if not isinstance(data, dict):
        raise Invalid(_("JSON 须是通知解析结果的对象（含 title、event 等字段）。"), {"body": [_("须为对象")]})
    return data, str(data.get("notice_text") or "")


@events_router.post("/events", response={201: EventCreated}, summary=gettext_lazy("从通知新建会议（草稿）"),
             openapi_extra={"requestBody": _NOTICE_BODY})
def create_event(request):
    """Any organizer may create an event; the draft gets its venues, contacts and admission rules."""
    if not services.is_organizer(request.auth):
        raise PermissionDenied("event.create")
    parsed, text = _read(request)
    try:
        event = services.create_event_from_notice(parsed, request.auth, notice_text=text)
    except services.NoticeInvalid as exc:
        raise Invalid(str(exc), {"notice": [str(exc)]}) from exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a JSON whose fields have the wrong shape
        raise ApiError("invalid", _("通知 JSON 的字段格式不对（%(e)s），请使用 huiwu notice parse --json 的输出。")
                       % {"e": exc}, 422, {"body": [str(exc)]}) from exc
    return Status(201, event)
