"""The front door: a person's events, or the public list of published notices."""

from django.shortcuts import render

from huiwu.accounts.tenancy import Access, public
from huiwu.events.models import Event


@public
def home(request):
    if request.user.is_authenticated:
        access = Access.for_user(request.user)
        rows = []
        for event in access.events().order_by("-starts_at"):
            roles = access.roles(event)
            venues = list(access.venues(event).order_by("order")[:5]) if "organizer" not in roles and "health" not in roles else []
            rows.append({"event": event, "organizer": "organizer" in roles, "health": "health" in roles,
                         "door": "door" in roles, "venues": venues})
        return render(request, "core/home.html", {"rows": rows, "is_organizer": access.organizes_any()})
    events = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at")[:20]
    return render(request, "core/home.html", {"public_events": events})


@public
def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
