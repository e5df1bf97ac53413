from django.urls import path

from . import views

app_name = "admission"
urlpatterns = [
    path("d/<str:token>/", views.declare, name="declare"),
    path("manage/<slug:event>/venues/<str:venue>/admission/", views.venue_page, name="venue"),
    path("manage/<slug:event>/venues/<str:venue>/admission/local-rules/", views.local_rules, name="local_rules"),
    path("manage/<slug:event>/venues/<str:venue>/admission/<int:attendee_id>/link/", views.link, name="link"),
    path("manage/<slug:event>/venues/<str:venue>/admission/links/", views.links, name="links"),
    path("manage/<slug:event>/venues/<str:venue>/admission/links/print/", views.links_print, name="links_print"),
    path("manage/<slug:event>/venues/<str:venue>/admission/<int:attendee_id>/replace/", views.replace, name="replace"),
    path("manage/<slug:event>/admission/", views.rules_page, name="rules"),
    path("manage/<slug:event>/admission/eligibility.csv", views.export, name="export"),
    path("manage/<slug:event>/admission/purge/", views.purge, name="purge"),
    path("manage/<slug:event>/health/", views.health_list, name="health"),
    path("manage/<slug:event>/health/<int:declaration_id>/", views.health_detail, name="health_detail"),
    path("manage/<slug:event>/health/proofs/<int:proof_id>/", views.proof, name="proof"),
]
