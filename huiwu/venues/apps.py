from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.venues"
    label = "venues"
    default_auto_field = "django.db.models.BigAutoField"
