from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("e/<slug:slug>/", views.notice, name="notice"),
    path("e/<slug:slug>/templates/<str:code>.<str:fmt>", views.notice_template, name="notice_template"),
    path("e/<slug:slug>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("manage/<slug:event>/edit/", views.edit, name="edit"),
    path("manage/<slug:event>/edit/attachments/", views.attachments, name="attachments"),
    path("manage/<slug:event>/status/<str:action>/", views.change_status, name="status"),
    path("manage/<slug:event>/delete/", views.delete, name="delete"),
    path("manage/<slug:event>/unpublish/", views.unpublish, name="unpublish"),
]
