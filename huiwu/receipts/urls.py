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
urlpatterns += [
    path("manage/<slug:event>/receipts/import/", views.bulk_import, name="bulk_import"),
    path("manage/<slug:event>/receipts/import/<int:batch>/", views.bulk_batch, name="bulk_batch"),
    path("manage/<slug:event>/receipts/import/<int:batch>/commit/", views.bulk_commit, name="bulk_commit"),
    path("manage/<slug:event>/receipts/import/files/<int:item>/rerun/", views.bulk_rerun, name="bulk_rerun"),
    path("manage/<slug:event>/receipts/import/files/<int:item>/download/", views.bulk_file, name="bulk_file"),
    path("manage/<slug:event>/duplicates/", views.duplicates, name="duplicates"),
    path("manage/<slug:event>/duplicates/<int:case>/", views.duplicate_decide, name="duplicate_decide"),
]
