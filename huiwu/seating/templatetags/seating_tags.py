"""`{% seating_link event venue %}`: the venue page's link to its seating page, for those who seat
(the organizer and the venue's coordinator). A template tag, so the venues app imports nothing of ours."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def seating_link(context: Any, event: Any, venue: Any) -> str:
    from huiwu.accounts.tenancy import Access

    request = context.get("request")
    if request is None or not Access.for_user(request.user).can("seating.edit", event, venue):
        return ""
    return format_html(' · <a href="{}" id="seating-link">{}</a>',
                       reverse("seating:venue", args=[event.slug, venue.code]), _("座次与桌签"))
