from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.admission"
    label = "admission"
    default_auto_field = "django.db.models.BigAutoField"
