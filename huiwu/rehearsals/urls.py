from django.urls import path

from . import views

app_name = "rehearsals"
urlpatterns = [
    path("manage/<slug:event>/rehearsal/", views.board, name="board"),
    path("manage/<slug:event>/rehearsal/rows/", views.board_rows, name="board_rows"),
    path("manage/<slug:event>/rehearsal/version/", views.board_version, name="board_version"),
    path("manage/<slug:event>/rehearsal/schedule/", views.schedule_page, name="schedule"),
    path("manage/<slug:event>/venues/<str:venue>/rehearsal/mark/", views.mark, name="mark"),
    path("manage/<slug:event>/venues/<str:venue>/rehearsal/move/", views.move, name="move"),
    path("manage/<slug:event>/venues/<str:venue>/rehearsal.ics", views.ics, name="ics"),
    path("manage/<slug:event>/venues/<str:venue>/selftest/", views.selftest, name="selftest"),
    path("t/<str:token>/", views.link, name="link"),
    path("selftest/net/<str:token>/ping", views.net_ping, name="net_ping"),
    path("selftest/net/<str:token>/down", views.net_down, name="net_down"),
    path("selftest/net/<str:token>/up", views.net_up, name="net_up"),
    path("selftest/net/<str:token>/result", views.net_result, name="net_result"),
]
