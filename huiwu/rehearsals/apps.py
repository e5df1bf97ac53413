from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.rehearsals"
    label = "rehearsals"
    default_auto_field = "django.db.models.BigAutoField"
