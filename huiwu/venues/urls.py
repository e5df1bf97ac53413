from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("manage/<slug:event>/main-units/", views.main_units, name="main_units"),
    path("manage/<slug:event>/main-units/quotas/", views.quotas, name="quotas"),
    path("manage/<slug:event>/venues/", views.branches, name="branches"),
    path("manage/<slug:event>/venues/open-all/", views.open_all, name="open_all"),
    path("manage/<slug:event>/venues/<str:venue>/remove/", views.remove_branch, name="remove"),
    path("manage/<slug:event>/venues/<str:venue>/", views.detail, name="detail"),
    path("manage/<slug:event>/venues/<str:venue>/invite/", views.invite, name="invite"),
    path("manage/<slug:event>/venues/<str:venue>/edit/", views.edit_venue, name="edit"),
    path("manage/<slug:event>/venues/<str:venue>/approval/document/", views.approval_document, name="approval_document"),
    path("manage/<slug:event>/venues/<str:venue>/approval/decide/", views.decide, name="decide"),
    path("manage/<slug:event>/venues/<str:venue>/open/", views.set_open, name="set_open"),
    path("manage/<slug:event>/venues/<str:venue>/extend/", views.extend, name="extend"),
    path("manage/<slug:event>/venues/<str:venue>/extend/request/", views.extension_request, name="extension_request"),
    path("manage/<slug:event>/extensions/<int:pk>/<str:decision>/", views.extension_decide, name="extension_decide"),
]
