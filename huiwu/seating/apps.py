from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.seating"
    label = "seating"
    default_auto_field = "django.db.models.BigAutoField"
