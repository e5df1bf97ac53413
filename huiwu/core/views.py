"""The front door: a person's events, or the public list of published notices."""

from django.shortcuts import render

from huiwu.accounts.tenancy import Access, public
from huiwu.events.models import Event

from .middleware import is_api


@public
def home(request):
    if request.user.is_authenticated:
        access = Access.for_user(request.user)
        rows = []
        for event in access.events().order_by("-starts_at"):
            roles = access.roles(event)
            venues = list(access.venues(event).order_by("order")[:5]) if "organizer" not in roles and "health" not in roles else []
            rows.append({"event": event, "organizer": "organizer" in roles, "health": "health" in roles,
                         "door": "door" in roles, "venues": venues})
        return render(request, "core/home.html", {"rows": rows, "is_organizer": access.organizes_any()})
    events = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at")[:20]
    return render(request, "core/home.html", {"public_events": events})


@public
def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api_error(request, code: str, message: str, status: int):
    from django.http import JsonResponse

    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    """Django's 400 (a forged Host, a malformed request): error JSON under /api/, the page elsewhere."""
    from django.utils.translation import gettext as _
    from django.views import defaults

    if is_api(request):
        return _api_error(request, "invalid", _("请求无法处理，请检查请求的地址和内容。"), 400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """A path no route knows: error JSON under /api/, the page elsewhere."""
    from django.utils.translation import gettext as _
    from django.views import defaults

    if is_api(request):
        return _api_error(request, "not_found", _("找不到该资源，或您无权访问。请检查地址中的会议标识和会场代码。"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """An error outside the API's own handlers (a middleware, the URL resolver): still error JSON under /api/."""
    from django.utils.translation import gettext as _
    from django.views import defaults

    if is_api(request):
        return _api_error(request, "server_error", _("服务器内部错误，请稍后重试；如仍失败，请联系主办方并提供请求编号 %(rid)s。")
                          % {"rid": getattr(request, "request_id", "")}, 500)
    return defaults.server_error(request)
