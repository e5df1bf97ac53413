"""The JSON API root (/api/v1/): bearer tokens, the error format, and each app's router.

Each app may define `router` in its `api.py`; it is mounted here under /api/v1/ so the
OpenAPI document (/api/v1/openapi.json) lists every route in one place.
"""

from __future__ import annotations

import importlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from huiwu.accounts.services import user_for_token
from huiwu.accounts.tenancy import ReadOnly, resolve_event, resolve_venue

from .api_types import ErrorBody, ErrorOut
from .errors import ApiError

logger = logging.getLogger("huiwu.api")


class BearerToken(HttpBearer):
    """Bearer token, then tenancy: an event or venue in the path outside the user's scope is
    404 before the body is even validated, so no route can answer differently for it."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        if "venue" in kwargs and "event" in kwargs:
            request.huiwu_venue = resolve_venue(user, kwargs["event"], kwargs["venue"], "venue.view", request)
            request.huiwu_event = request.huiwu_venue.event
        elif "event" in kwargs:
            request.huiwu_event = resolve_event(user, kwargs["event"], "event.view", request)
        return user


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


#: the error answers every operation may give; declared centrally so no route can forget one
ERROR_RESPONSES = {
    401: gettext_lazy("缺少或无效的访问令牌"),
    403: gettext_lazy("角色无权进行此操作"),
    404: gettext_lazy("资源不存在或不在权限范围内"),
    409: gettext_lazy("与当前状态冲突（名额已满、截止时间已过、重复人员等）"),
    422: gettext_lazy("请求内容有误（字段名见 fields）"),
    500: gettext_lazy("服务器内部错误"),
}


IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": gettext_lazy("可选。重试时带上与第一次相同的值（如一个 UUID）：同一请求只执行一次，重试得到第一次的应答；"
                                "同一个值用于不同的请求会得到 422。24 小时内有效。"),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


class HuiwuApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document gives every operation the error responses it may answer."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components["Error"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components["Error"].pop("$defs", None)
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method.upper() in ("POST", "PUT", "PATCH"):
                    params = operation.setdefault("parameters", [])
                    if not any(p.get("name") == "Idempotency-Key" for p in params):
                        params.append(IDEMPOTENCY_PARAMETER)
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_RESPONSES.items():
                    own = responses.get(status) or responses.get(str(status))
                    if own is None:
                        responses[status] = {"description": str(text), **ref}
                        continue
                    # the route answers its own body on this status (a refused receipt's report):
                    # the error JSON (a body that fails validation) is still a possible answer
                    content = own.setdefault("content", {}).setdefault("application/json", {})
                    mine = content.get("schema")
                    if mine and mine != ref["content"]["application/json"]["schema"]:
                        content["schema"] = {"anyOf": [mine, {"$ref": "#/components/schemas/Error"}]}
                    elif not mine:
                        content["schema"] = {"$ref": "#/components/schemas/Error"}
        return schema


api = HuiwuApi(
    renderer=Utf8Renderer(),
    title=gettext_lazy("huiwu 会务 API"),
    version="1",
    description=gettext_lazy("会议、会场、回执、参会人员。认证：Authorization: Bearer TOKEN（用 `huiwu token create NAME` 生成）。"),
    auth=BearerToken(),
    urls_namespace="api",
)


def error(request, code: str, message: str, status: int, fields: dict | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status
    )


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error(request, exc.code, exc.message, exc.status, exc.fields)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, "not_found", _("找不到该资源，或您无权访问。请检查地址中的会议标识和会场代码。"), 404)


@api.exception_handler(ReadOnly)
def _read_only(request, exc: ReadOnly):
    return error(request, "event_archived", str(exc), 409)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, "forbidden", _("您的角色无权进行此操作。如需权限，请联系主办方。"), 403)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error(request, "unauthorized", _("缺少或无效的访问令牌。请在请求头中提供 Authorization: Bearer TOKEN。"), 401)


@api.exception_handler(ValidationError)
def _django_invalid(request, exc: ValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    message = _("；").join(exc.messages) or _("提交的数据有误，请检查后重试。")
    return error(request, "invalid", message, 422, fields)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "body", []).append(err.get("msg", ""))
    names = _("、").join(fields) or _("请求内容")
    return error(request, "invalid", _("请求格式不正确，请检查这些字段：%(names)s。") % {"names": names}, 422, fields)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code >= 500:
        return server_error(request, exc)
    if exc.status_code == 400:  # ninja: "Cannot parse request body"
        return error(request, "invalid", _("请求体不是有效的 JSON。请发送一个 JSON 对象，例如 {\"name\": \"张三\"}。"), 422,
                     {"body": [_("无法解析的 JSON")]})
    code = {404: "not_found", 403: "forbidden", 409: "conflict", 401: "unauthorized"}.get(exc.status_code, "invalid")
    return error(request, code, str(exc.message), exc.status_code)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unforeseen: logged with its traceback and request id, answered as error JSON (never HTML)."""
    logger.error("API error: %s %s", request.method, request.path, exc_info=exc)
    return error(request, "server_error", _("服务器内部错误，请稍后重试；如仍失败，请联系主办方并提供请求编号 %(rid)s。")
                 % {"rid": getattr(request, "request_id", "")}, 500)


def _idempotent(run):
    from .idempotency import idempotent

    return idempotent(run, error=error)


# every POST/PUT/PATCH: a retry with the same Idempotency-Key gets the first answer (core/idempotency.py)
api.add_decorator(_idempotent, mode="view")

for _app in settings.INSTALLED_APPS:
    if not _app.startswith("huiwu."):
        continue
    try:
        _module = importlib.import_module(f"{_app}.api")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{_app}.api":
            raise
        continue
    if hasattr(_module, "router"):
        api.add_router("", _module.router)
