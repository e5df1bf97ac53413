"""Date inputs with our hint beside them: the browser draws type=date / datetime-local in the
computer's locale (mm/dd/yyyy on an English system), so the page also says the current value in
huiwu's style and gives an example (`core.dates.input_hint`). The value itself stays ISO."""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class _Hinted:
    template_name = "core/widgets/date_input.html"
    date_kind = "date"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        widget = context["widget"]
        widget["date_kind"], widget["raw_value"] = self.date_kind, value
        if widget["attrs"].get("id"):
            widget["attrs"].setdefault("aria-describedby", f"{widget['attrs']['id']}-hint")
        return context


class DateInput(_Hinted, forms.DateInput):
    """<input type="date"> holding 2026-12-05, with 当前：2026年12月5日 and an example beside it."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format=DATE_FORMAT)


class DateTimeInput(_Hinted, forms.DateTimeInput):
    """<input type="datetime-local"> holding 2026-12-05T16:00, with our style and the zone beside it."""

    input_type = "datetime-local"
    date_kind = "datetime"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format=DATETIME_FORMAT)
