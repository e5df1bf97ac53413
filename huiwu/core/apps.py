from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
