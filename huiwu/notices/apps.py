from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"
