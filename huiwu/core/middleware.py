"""Request ids: every request gets one, logs and audit entries carry it."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.contrib.messages import middleware as messages
from django.middleware import clickjacking, common, csrf

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def is_api(request) -> bool:
    """An API request: its answers are JSON (errors too) and never cached; page-only middleware passes it by."""
    return request.path.startswith("/api/")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = rid
        return response


class CleanInputMiddleware:
    """Control characters stop at the door, for every page and API route on both databases.

    PostgreSQL refuses a NUL in text (a 500 where SQLite silently stored it), and XML-based
    documents refuse every C0 control. So: a control character in the path is a 404 (no such
    page); in a query parameter, a form field, an uploaded file's name or a JSON body's string it is
    refused before any view runs: 422 with the field named (API), 400 with a plain message (pages).
    Tab, line feed and carriage return pass (multi-line fields; single-line ones fold them away).
    Text and CSV answers never carry one either (rows stored before this check).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .text import has_control_chars

        if has_control_chars(request.path_info):
            from .views import not_found

            return not_found(request)
        bad = self._bad_field(request)
        if bad is not None:
            return self._refuse(request, bad)
        response = self.get_response(request)
        return _strip_controls_from(response)

    @staticmethod
    def _bad_field(request) -> str | None:
        """The name of the first field holding a control character, or None."""
        from django.core.exceptions import RequestDataTooBig

        from .text import has_control_chars

        for name, values in request.GET.lists():
            if has_control_chars(name) or any(has_control_chars(v) for v in values):
                return name
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        try:
            if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                for name, values in request.POST.lists():
                    if has_control_chars(name) or any(has_control_chars(v) for v in values):
                        return name
                for name, files in request.FILES.lists():
                    if has_control_chars(name) or any(has_control_chars(f.name or "") for f in files):
                        return name
            elif content_type.endswith("json") and request.body:
                import json

                try:
                    text = request.body.decode()
                except UnicodeDecodeError:
                    return None  # not JSON at all: the API answers that itself
                if not (_JSON_ESCAPES.search(text) or has_control_chars(text)):
                    return None  # no escape that could make one, and none written as is (a batch of scans)
                try:
                    data = json.loads(text)
                except ValueError:
                    return None
                return _bad_json_field(data, "")
        except RequestDataTooBig:
            return None  # refused later as too large
        return None

    @staticmethod
    def _refuse(request, field: str):
        from django.utils.translation import gettext as _

        message = _("“%(field)s”中含有不可见的控制字符（如 NUL）。请删除后重新提交（可重新输入该内容）。") % {"field": field}
        if is_api(request):
            from django.http import JsonResponse

            return JsonResponse({"error": {"code": "invalid", "message": message,
                                           "fields": {field: [_("含有控制字符")]}}},
                                status=422, json_dumps_params={"ensure_ascii": False})
        from django.shortcuts import render

        return render(request, "core/bad_input.html", {"message": message}, status=400)


#: JSON escapes that can stand for a control character (\u0000, \b, \f…); a body without them holds
#: one only if it is written as is, which the text search finds
_JSON_ESCAPES = re.compile(r"\\[ubf]")


def _bad_json_field(data, path: str) -> str | None:
    from .text import has_control_chars

    if isinstance(data, str):
        return (path or "body") if has_control_chars(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            if has_control_chars(str(key)):
                return sub
            found = _bad_json_field(value, sub)
            if found:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = _bad_json_field(value, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


_CONTROL_BYTES = None


def _strip_controls_from(response):
    """HTML, CSV and plain-text answers without C0 controls (UTF-8 never uses those bytes otherwise)."""
    global _CONTROL_BYTES
    if getattr(response, "streaming", False):
        return response
    kind = response.get("Content-Type", "").split(";")[0].strip()
    if kind not in ("text/html", "text/csv", "text/plain"):
        return response
    if _CONTROL_BYTES is None:
        import re

        _CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    content = response.content
    if _CONTROL_BYTES.search(content):
        response.content = _CONTROL_BYTES.sub(b"", content)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    return response


#: pages run only their own static scripts (no inline script, nothing from another site); styles may
#: be inline (style attributes in templates); camera and microphone streams play as blob:/mediastream:
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "media-src 'self' blob: mediastream:", "connect-src 'self'",
    "worker-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'self'",
])


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer, and `Cache-Control: no-store` on everything that
    may show personal or health data: any page for a signed-in user, any API answer, and by
    default every other page (a declaration link is public but personal); a public page that
    wants caching sets its own Cache-Control. Static files are served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        personal = bool(user is not None and user.is_authenticated) or is_api(request)
        if personal or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


_CATALOGUES: dict[tuple, bool] = {}


def has_catalogue(language: str) -> bool:
    """Whether huiwu has its own translation catalogue for `language` (Chinese is the source)."""
    from django.conf import settings
    from django.utils.translation import to_locale

    if language.lower().startswith("zh"):
        return True
    key = (language, tuple(str(p) for p in settings.LOCALE_PATHS))
    if key not in _CATALOGUES:
        from pathlib import Path

        names = {to_locale(language), to_locale(language).split("_")[0]}
        _CATALOGUES[key] = any((Path(p) / n / "LC_MESSAGES" / "django.mo").exists()
                               for p in settings.LOCALE_PATHS for n in names)
    return _CATALOGUES[key]


class CatalogueLocaleMiddleware:
    """Django's LocaleMiddleware (language from the cookie or Accept-Language; huiwu has no
    language-prefixed URLs, so the path is not looked at), but a language the browser asks for is
    used only when huiwu has a catalogue for it: otherwise Django's own English (a weekday,
    "Tuesday") would appear inside Chinese sentences. Pages stay Chinese until an English catalogue
    is complete."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        language = translation.get_language_from_request(request)
        if not has_catalogue(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


# -- middleware only pages need --------------------------------------------------------------------
class _PagesOnly:
    """A Django middleware that only pages need: an API request (/api/…) passes by it. The door
    scans hundreds of times a second through the API, which needs no flash messages, no slash
    redirects, no frame header on JSON and no CSRF middleware (django-ninja checks CSRF itself for
    cookie-authenticated calls, and its views are exempt from the middleware's check)."""

    def __call__(self, request):
        if is_api(request):
            return self.get_response(request)
        return super().__call__(request)


class CommonMiddleware(_PagesOnly, common.CommonMiddleware):
    """Django's, for pages only (slash redirects)."""


class CsrfViewMiddleware(_PagesOnly, csrf.CsrfViewMiddleware):
    """Django's, for pages only (django-ninja checks CSRF itself for the door page's calls)."""


class MessageMiddleware(_PagesOnly, messages.MessageMiddleware):
    """Django's, for pages only (flash messages)."""


class XFrameOptionsMiddleware(_PagesOnly, clickjacking.XFrameOptionsMiddleware):
    """Django's, for pages only (JSON is not framed)."""
