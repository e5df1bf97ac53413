from django.urls import path

from . import views

app_name = "receipts"
urlpatterns = [
    path("manage/<slug:event>/venues/<str:venue>/receipt/", views.edit, name="edit"),
    path("manage/<slug:event>/venues/<str:venue>/receipt/upload/", views.upload, name="upload"),
    path("manage/<slug:event>/venues/<str:venue>/receipt/template.<str:fmt>", views.template, name="template"),
    path("manage/<slug:event>/venues/<str:venue>/receipt/history/", views.history, name="history"),
    path("manage/<slug:event>/venues/<str:venue>/receipt/confirmation.pdf", views.confirmation, name="confirmation"),
    path("manage/<slug:event>/venues/<str:venue>/receipt/v<int:version>/source/", views.source_file, name="source"),
]
