from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("invite/<str:token>/", views.accept_invitation, name="invitation"),
]

# mounted at the site root by huiwu/urls.py
manage_urlpatterns = [
    path("manage/<slug:event>/venues/<str:venue>/invitations/", views.invitations, name="invitations"),
]
