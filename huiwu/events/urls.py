from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("e/<slug:slug>/", views.notice, name="notice"),
    path("e/<slug:slug>/templates/<str:code>.<str:fmt>", views.notice_template, name="notice_template"),
]
