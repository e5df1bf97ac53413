"""Schema pieces every app's API uses (imported by the apps, so it imports none of them)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema


def choices(enum: Any) -> Any:
    """A model's TextChoices as a schema type: `kind: choices(Venue.Kind)` lists the values as an enum
    in the OpenAPI document (inline, so two enums both named `Kind` never collide)."""
    return Literal[tuple(enum.values)]


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class ErrorOut(Schema):
    """PRODUCT.md's error JSON: every 4xx/5xx answer of the API has this shape."""

    error: ErrorBody
