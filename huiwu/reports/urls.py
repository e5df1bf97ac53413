from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("manage/<slug:event>/roster.<str:fmt>", views.event_roster, name="event_roster"),
    path("manage/<slug:event>/venues/<str:venue>/roster.<str:fmt>", views.venue_roster, name="venue_roster"),
    path("manage/<slug:event>/report/attendance.<str:fmt>", views.attendance_report, name="attendance_report"),
    path("manage/<slug:event>/report/attendance-chart.<str:fmt>", views.attendance_chart, name="attendance_chart"),
]
