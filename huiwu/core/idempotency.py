"""Safe retries: every POST/PUT/PATCH of the API honours an `Idempotency-Key` header.

A client whose connection dropped after its request committed cannot tell whether it happened;
it sends the same request again with the same key and gets the first answer (status and body)
instead of a second execution (or a "duplicate" refusal). The same key with another request
(method, path or body) is refused with 422.

How: the key row is inserted at the start of the request's transaction and completed with the
answer before it commits. A concurrent request with the same key blocks on the unique index
(PostgreSQL) or on the write lock (SQLite, BEGIN IMMEDIATE) until the first commits, then reads
its answer; if the first failed (5xx, or its process died), nothing was committed and the retry
runs afresh. Keys expire after `HUIWU_IDEMPOTENCY_HOURS` (24) and are purged as new ones come.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH")
#: printable ASCII, as clients generate them (UUIDs, random tokens)
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")


class _Rollback(Exception):
    def __init__(self, response):
        self.response = response


def _hours() -> int:
    return int(getattr(settings, "HUIWU_IDEMPOTENCY_HOURS", 24))


def fingerprint(request) -> str:
    """What makes two requests "the same": method, full path and body (multipart by its parts,
    since a client picks a new boundary on each try)."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _bearer_user(request) -> Any | None:
    from huiwu.accounts.services import user_for_token

    auth = request.headers.get("Authorization", "")
    scheme, _sep, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def replay(row) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    from .models import IdempotencyKey

    cutoff = timezone.now() - timedelta(hours=_hours())
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]


def idempotent(run, *, error):
    """Wrap an API operation's `run` (ninja's view-mode decorator): see the module docstring.

    `error(request, code, message, status, fields)` builds the API's error JSON.
    """

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method not in METHODS or key is None:
            return run(request, *args, **kwargs)
        if not KEY_RE.fullmatch(key):
            return error(request, "invalid", _("请求头 Idempotency-Key 须为 1 到 255 个可见 ASCII 字符（如一个 UUID）。"),
                         422, {HEADER: [_("格式不正确")]})
        user = _bearer_user(request)
        if user is None:
            return run(request, *args, **kwargs)  # answers 401 as usual; nothing to remember
        from .models import IdempotencyKey

        purge_expired()
        fp = fingerprint(request)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fp, method=request.method,
                                                            path=request.path[:2000], status=0, body=b"")
                except IntegrityError:
                    row = IdempotencyKey.objects.get(user=user, key=key)
                    if row.fingerprint != fp:
                        return error(request, "invalid", _("这个 Idempotency-Key 已用于另一个请求（地址或内容不同）。"
                                                           "重试时请原样重发第一次的请求；新的请求请使用新的 Idempotency-Key。"),
                                     422, {HEADER: [_("已用于另一个请求")]})
                    return replay(row)
                response = run(request, *args, **kwargs)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    raise _Rollback(response)  # nothing of it is kept: a retry runs afresh
                row.status = response.status_code
                row.body = response.content
                row.content_type = response.get("Content-Type", "")
                row.save(update_fields=["status", "body", "content_type"])
                return response
        except _Rollback as rollback:
            return rollback.response

    return wrapper
