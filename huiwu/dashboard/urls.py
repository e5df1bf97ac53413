from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("manage/<slug:event>/", views.overview, name="overview"),
    path("manage/<slug:event>/branches/", views.create_branches, name="create_branches"),
    path("manage/<slug:event>/remind/", views.remind, name="remind"),
]
