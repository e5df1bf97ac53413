from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("manage/<slug:event>/venues/<str:venue>/", views.detail, name="detail"),
    path("manage/<slug:event>/venues/<str:venue>/invite/", views.invite, name="invite"),
]
