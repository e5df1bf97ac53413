from django.apps import AppConfig


class Config(AppConfig):
    name = "huiwu.receipts"
    label = "receipts"
    default_auto_field = "django.db.models.BigAutoField"
