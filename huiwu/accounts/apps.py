from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class Config(AppConfig):
    name = "huiwu.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # tokens and memberships kept in memory (`services.user_for_token`) are dropped on any change here
        from django.contrib.auth import get_user_model

        from huiwu.events.models import Event

        from .models import ApiToken, Membership
        from .services import forget_tokens
        from .tenancy import forget_events

        for model in (ApiToken, Membership, get_user_model()):
            post_save.connect(forget_tokens, sender=model, dispatch_uid=f"forget_tokens_save_{model.__name__}")
            post_delete.connect(forget_tokens, sender=model, dispatch_uid=f"forget_tokens_delete_{model.__name__}")
        # and events read for the door's scans (`tenancy.resolve_event(..., recent=True)`)
        post_save.connect(forget_events, sender=Event, dispatch_uid="forget_events_save")
        post_delete.connect(forget_events, sender=Event, dispatch_uid="forget_events_delete")
