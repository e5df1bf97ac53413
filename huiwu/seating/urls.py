from django.urls import path

from . import views

app_name = "seating"
_v = "manage/<slug:event>/venues/<str:venue>/seating/"
urlpatterns = [
    path(_v, views.venue_page, name="venue"),
    path(_v + "layout/generate/", views.generate, name="generate"),
    path(_v + "layout/import/", views.import_layout, name="import"),
    path(_v + "layout/", views.editor, name="editor"),
    path(_v + "layout/toggle/", views.toggle, name="toggle"),
    path(_v + "order/", views.save_order, name="order"),
    path(_v + "plan/", views.make_plan, name="plan"),
    path(_v + "chart.<str:fmt>", views.chart, name="chart"),
    path(_v + "cards.pdf", views.cards, name="cards"),
    path("manage/<slug:event>/seating/ranks/", views.ranks, name="ranks"),
]
