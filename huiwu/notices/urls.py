from django.urls import path

from . import draft_views, views

app_name = "notices"
urlpatterns = [
    path("notices/new/", views.new, name="new"),
    path("manage/<slug:event>/notice/draft/", draft_views.draft, name="draft"),
    path("manage/<slug:event>/notice/draft.docx", draft_views.draft_docx, name="draft_docx"),
    path("manage/<slug:event>/notice/draft.pdf", draft_views.draft_pdf, name="draft_pdf"),
    path("manage/<slug:event>/notice/draft-<int:page>.png", draft_views.draft_png, name="draft_png"),
]
