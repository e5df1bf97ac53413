from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Invitation, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("event", "venue", "unit")


@admin.register(User)
class HuiwuUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "email", "is_active")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("venue", "role", "email", "created_at", "expires_at", "used_at", "revoked_at")
    raw_id_fields = ("venue", "unit", "created_by", "used_by")
