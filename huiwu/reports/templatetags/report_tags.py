"""`{% roster_links event venue %}`: the roster download links, for any page that shows a venue or an event."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

LABELS = (("xlsx", "Excel"), ("csv", "CSV"), ("docx", "Word"), ("pdf", "PDF"))


@register.simple_tag
def roster_links(event, venue=None):
    """“参会人员名单：Excel / CSV / Word / PDF” for the venue (or the whole event when venue is None)."""
    if venue is None:
        urls = [(reverse("reports:event_roster", args=[event.slug, fmt]), fmt, label) for fmt, label in LABELS]
    else:
        urls = [(reverse("reports:venue_roster", args=[event.slug, venue.code, fmt]), fmt, label)
                for fmt, label in LABELS]
    links = format_html_join(" / ", '<a href="{}" data-format="{}" download>{}</a>', urls)
    return format_html('<span class="roster-links" id="roster-links">{}</span>',
                       format_html(_("参会人员名单：{links}"), links=links))
