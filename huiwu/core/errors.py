"""The API's error format: {"error": {"code", "message", "fields"}} with a plain Chinese message."""

from __future__ import annotations


class ApiError(Exception):
    """Raise from services or handlers; the API turns it into the PRODUCT.md error JSON."""

    def __init__(self, code: str, message: str, status: int = 400, fields: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}


class CapacityFull(ApiError):
    def __init__(self, message: str):
        super().__init__("capacity_full", message, 409)


class DeadlinePassed(ApiError):
    def __init__(self, message: str):
        super().__init__("deadline_passed", message, 409)


class Invalid(ApiError):
    def __init__(self, message: str, fields: dict | None = None):
        super().__init__("invalid", message, 422, fields)


class DuplicatePerson(ApiError):
    """The same person (name + mobile) is on another list of the event: 409 duplicate_person."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__("duplicate_person", message, 409, fields)


class EventClosed(DeadlinePassed):
    """Filing is closed for the whole event (not published yet, closed or archived): 409 event_closed.

    A kind of DeadlinePassed so every filing path that already says "too late" says this too.
    """

    def __init__(self, message: str, code: str = "event_closed"):
        super().__init__(message)
        self.code = code
