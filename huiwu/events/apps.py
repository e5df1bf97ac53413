from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"
