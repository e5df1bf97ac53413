from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("manage/<slug:event>/roster.<str:fmt>", views.event_roster, name="event_roster"),
    path("manage/<slug:event>/venues/<str:venue>/roster.<str:fmt>", views.venue_roster, name="venue_roster"),
]
