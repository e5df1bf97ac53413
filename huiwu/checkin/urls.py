from django.urls import path

from . import views

app_name = "checkin"
urlpatterns = [
    path("checkin/", views.home, name="home"),
    path("checkin/sw.js", views.service_worker, name="sw"),
    path("checkin/<slug:event>/door/<str:venue>/", views.door, name="door"),
    path("checkin/<slug:event>/board/", views.board, name="board"),
    path("checkin/<slug:event>/board/projector/", views.projector, name="projector"),
    path("checkin/<slug:event>/board/state.json", views.board_state, name="board_state"),
    path("checkin/<slug:event>/security/", views.security, name="security"),
    path("checkin/<slug:event>/venues/<str:venue>/", views.venue, name="venue"),
    path("checkin/<slug:event>/venues/<str:venue>/cards/", views.cards, name="cards"),
]
