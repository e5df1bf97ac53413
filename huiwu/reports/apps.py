from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
