"""Core tables: the API's idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent with a POST/PUT/PATCH, and the answer it got.

    A retry with the same key and the same request gets `status`/`body` again instead of running
    twice; the row is written in the same transaction as the request's own changes, so a request
    that did not commit leaves no key behind (its retry runs afresh). Purged after
    `HUIWU_IDEMPOTENCY_HOURS`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    #: sha256 of method, path and body: the same key with another request is refused (422)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
