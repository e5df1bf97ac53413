from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.checkin"
    label = "checkin"
    default_auto_field = "django.db.models.BigAutoField"
