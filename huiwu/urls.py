from django.contrib import admin
from django.urls import include, path

from huiwu.accounts import urls as accounts_urls
from huiwu.accounts.views import admin_login
from huiwu.core.api import api

admin.site.login = admin_login  # the admin signs in through the throttled login page

# Django tries patterns in order. The API comes first (its prefix turns pages away at once), and
# in it the door's scan routes, which take hundreds of requests a second; no other route matches
# their paths, and the OpenAPI document keeps its own order.
_api_patterns, _api_app, _api_namespace = api.urls
_SCANS = {"events/<event>/checkins", "events/<event>/checkins/batch"}
_api_patterns = sorted(_api_patterns, key=lambda p: str(p.pattern) not in _SCANS)

urlpatterns = [
    path("api/v1/", (_api_patterns, _api_app, _api_namespace)),
    path("", include("huiwu.core.urls")),
    path("accounts/", include("huiwu.accounts.urls")),
    path("", include((accounts_urls.manage_urlpatterns, "accounts_manage"))),
    path("", include("huiwu.events.urls")),
    path("", include("huiwu.venues.urls")),
    path("", include("huiwu.receipts.urls")),
    path("", include("huiwu.notices.urls")),
    path("", include("huiwu.admission.urls")),
    path("", include("huiwu.rehearsals.urls")),
    path("", include("huiwu.seating.urls")),
    path("", include("huiwu.checkin.urls")),
    path("", include("huiwu.reports.urls")),
    path("", include("huiwu.dashboard.urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "huiwu.core.views.bad_request"
handler404 = "huiwu.core.views.not_found"
handler500 = "huiwu.core.views.server_error"
