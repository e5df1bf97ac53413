from django.urls import path

from . import password_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("invite/<str:token>/", views.accept_invitation, name="invitation"),
    path("password/reset/", password_views.password_reset, name="password_reset"),
    path("password/reset/<str:uidb64>/<str:token>/", password_views.password_reset_confirm, name="password_reset_confirm"),
]

# mounted at the site root by huiwu/urls.py
manage_urlpatterns = [
    path("manage/<slug:event>/staff/", views.staff, name="staff"),
    path("manage/<slug:event>/venues/<str:venue>/invitations/", views.invitations, name="invitations"),
    path("manage/<slug:event>/venues/<str:venue>/people/", password_views.venue_people, name="people"),
]
