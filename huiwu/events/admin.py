from django.contrib import admin

from .models import Event, EventAttachment, EventContact, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "region_name", "kind", "region_code", "order")
    list_filter = ("kind",)
    search_fields = ("name", "region_name", "region_code")


class ContactInline(admin.TabularInline):
    model = EventContact
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = EventAttachment
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title", "slug", "doc_number")
    inlines = [ContactInline, AttachmentInline]
