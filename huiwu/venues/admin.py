from django.contrib import admin

from .models import Venue, VenueUnit


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "code", "kind", "capacity", "approval_status", "is_open")
    list_filter = ("event", "kind", "approval_status")
    search_fields = ("name", "code")
    raw_id_fields = ("host_unit",)


admin.site.register(VenueUnit)
